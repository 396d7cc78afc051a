package web

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"nrm"
	"nrm/planio"
	"nrm/report"
)

// outputRoutes registers the pages and API of a plan's outputs. Every
// signed-in user reads; the storage decides who writes (the coordinating
// ministry, and a responsible organisation for its own activities).
func (s *Server) outputRoutes() {
	s.route("GET /plans/{code}/work", 0, signedIn, s.planWork)
	s.route("GET /plans/{code}/outputs", 0, signedIn, s.outputList)
	s.route("POST /plans/{code}/outputs", maxFormBytes, signedIn, s.outputAdd)
	s.route("POST /plans/{code}/outputs/import", maxUploadBytes, signedIn, s.outputImport)
	s.route("POST /plans/{code}/outputs/{id}/delete", maxFormBytes, signedIn, s.outputDelete)
	s.route("GET /plans/{code}/outputs/export.yaml", 0, signedIn, s.outputExportYAML)
	s.route("GET /plans/{code}/outputs/export.csv", 0, signedIn, s.outputExportCSV)

	s.route("GET /api/v1/plans/{code}/outputs", 0, signedIn, s.apiOutputs)
	s.route("POST /api/v1/plans/{code}/outputs", maxFormBytes, signedIn, s.apiAddOutput)
	s.route("GET /api/v1/plans/{code}/outputs/{id}", 0, signedIn, s.apiGetOutput)
	s.route("PATCH /api/v1/plans/{code}/outputs/{id}", maxFormBytes, signedIn, s.apiPatchOutput)
	s.route("DELETE /api/v1/plans/{code}/outputs/{id}", maxFormBytes, signedIn, s.apiDeleteOutput)
	s.fundingRoutes()
	s.workGroupRoutes()
	s.evaluationRoutes()
	s.outreachRoutes()
}

// outputs returns the output store: the plan store when it keeps outputs,
// else the database.
func (s *Server) outputs() nrm.OutputService {
	if o, ok := s.cfg.Plans.(nrm.OutputService); ok {
		return o
	}
	return s.db
}

// outputActivity is an activity the user may pick in the output form.
type outputActivity struct {
	Code, Text string
}

type outputListPage struct {
	page
	Plan       *nrm.Plan
	Outputs    []*nrm.Output
	Activities []outputActivity
	Orgs       map[string]string
	Form       *form
	Import     *form
	// CanAdd: the user may add outputs (to at least one activity);
	// CanReplace: may replace all outputs by an import.
	CanAdd, CanReplace bool
	writer             func(*nrm.Output) bool
}

// CanEdit reports whether the user may delete an output.
func (p *outputListPage) CanEdit(o *nrm.Output) bool { return p.writer(o) }

// OrgName names an organisation in the page language.
func (p *outputListPage) OrgName(code string) string { return nameOr(p.Orgs, code) }

// KindLabel labels an output kind.
func (p *outputListPage) KindLabel(k nrm.OutputKind) string { return k.Label(p.Lang) }

// Period shows an output's period, with its last period when it ran
// longer.
func (p *outputListPage) Period(o *nrm.Output) string {
	from := report.PeriodName(o.Period, p.Lang)
	if o.Until != "" && o.Until != o.Period {
		return from + "–" + report.PeriodName(o.Until, p.Lang)
	}
	return from
}

func (s *Server) outputList(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Values.Set("period", strconv.Itoa(s.now().Year()))
	s.renderOutputs(w, r, http.StatusOK, f, newForm(nil))
}

// renderOutputs renders the outputs page with the add form f and the
// import form imp.
func (s *Server) renderOutputs(w http.ResponseWriter, r *http.Request, status int, f, imp *form) {
	ctx, lang := r.Context(), langOf(r)
	pl, err := s.cfg.Plans.FindPlan(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	outs, err := s.outputs().FindOutputs(ctx, pl.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, orgs := s.organisations(ctx, lang)
	u := currentUser(r)
	coord := u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator
	resp := map[string][]string{}
	p := &outputListPage{page: s.newPage(w, r, tr(lang, "outputs.title")), Plan: pl, Outputs: outs, Orgs: orgs, Form: f, Import: imp, CanReplace: coord}
	for _, a := range pl.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				resp[act.Code] = act.Responsible
				if coord || (u.Role != nrm.RoleAuditor && slices.Contains(act.Responsible, u.Org)) {
					p.Activities = append(p.Activities, outputActivity{Code: act.Code, Text: pick(lang, act.TextDA, act.TextEN)})
				}
			}
		}
	}
	p.CanAdd = len(p.Activities) > 0
	p.writer = func(o *nrm.Output) bool {
		return coord || (u.Role != nrm.RoleAuditor && u.Org != "" && o.Org == u.Org && slices.Contains(resp[o.Activity], u.Org))
	}
	s.render(w, r, status, "outputs", p)
}

// outputFromForm reads an output from the add form.
func outputFromForm(p *parser) *nrm.Output {
	o := &nrm.Output{Activity: p.str("activity"), Kind: nrm.OutputKind(p.str("kind")), TitleDA: p.str("title_da"), TitleEN: p.str("title_en"),
		Period: p.str("period"), Until: p.str("until"), Audience: p.str("audience"), AudienceEN: p.str("audience_en"), Org: p.str("org"), Link: p.str("link"),
		TextDA: p.str("text_da"), TextEN: p.str("text_en")}
	o.Date = p.date("date")
	o.Events = p.integer("events")
	o.Participants = p.integer("participants")
	if s := strings.ReplaceAll(p.str("amount_dkk"), ",", "."); s != "" {
		a, err := strconv.ParseFloat(strings.ReplaceAll(s, " ", ""), 64)
		if err != nil {
			p.errors = append(p.errors, fieldErr("amount_dkk", nrm.RuleFormat, s, "a number of kroner"))
		}
		o.AmountDKK = a
	}
	return o
}

func (s *Server) outputAdd(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	p := &parser{v: r.PostForm}
	o := outputFromForm(p)
	var err error
	if len(p.errors) > 0 {
		err = p.errAlong(o.Validate(), "The output has invalid fields.")
	} else {
		err = s.outputs().AddOutput(r.Context(), r.PathValue("code"), o)
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/plans/"+pathEscape(r.PathValue("code"))+"/outputs?saved=1#o-"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(outputFormErr(err), lang)
		s.renderOutputs(w, r, http.StatusUnprocessableEntity, f, newForm(nil))
	default:
		s.fail(w, r, err)
	}
}

// outputFormErr names the kind field as the form does.
func outputFormErr(err error) error {
	fes := nrm.FieldErrors(err)
	if len(fes) == 0 {
		return err
	}
	out := make([]nrm.FieldError, len(fes))
	for i, fe := range fes {
		if fe.Field == "output_kind" {
			fe.Field = "kind"
		}
		out[i] = fe
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: nrm.ErrorMessage(err), Fields: out}
}

func (s *Server) outputDelete(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	if err := s.outputs().DeleteOutput(r.Context(), r.PathValue("code"), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/plans/"+pathEscape(r.PathValue("code"))+"/outputs?saved=1", http.StatusSeeOther)
}

// outputImport adds (or, with replace, replaces) outputs from an
// uploaded YAML or CSV file, all or nothing; a YAML file's funding is
// stored too.
func (s *Server) outputImport(w http.ResponseWriter, r *http.Request) {
	if !s.parseUpload(w, r) {
		return
	}
	lang := langOf(r)
	code := r.PathValue("code")
	data, name, err := uploadedFile(r, "file")
	if err == nil {
		err = importOutputs(r, s.outputs(), s.evaluations(), code, data, name, r.PostFormValue("replace") == "1")
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/plans/"+pathEscape(code)+"/outputs?saved=1", http.StatusSeeOther)
	case nrm.EINVALID, nrm.ECONFLICT:
		f := newForm(r.PostForm)
		f.addErr(err, lang)
		if f.Message == "" {
			f.Message = tr(lang, "outputs.import_failed")
		}
		nf := newForm(nil)
		nf.Values.Set("period", strconv.Itoa(s.now().Year()))
		s.renderOutputs(w, r, httpStatus(err), nf, f)
	default:
		s.fail(w, r, err)
	}
}

// planWorkImporter stores outputs and funding of a plan in one
// transaction (sqlstore.DB does).
type planWorkImporter interface {
	ImportPlanWork(ctx context.Context, planCode string, outs []*nrm.Output, fs []nrm.ActivityFunding, replaceOutputs, replaceFunding bool) error
}

// importOutputs reads a file of outputs by its extension and stores them;
// a YAML file's funding is stored with them, all or nothing, and then its
// evaluation (checked with the file, before anything is stored; writing
// it is for the coordinating ministry).
func importOutputs(r *http.Request, svc nrm.OutputService, ev nrm.EvaluationService, code string, data []byte, name string, replace bool) error {
	var outs []*nrm.Output
	var funding []nrm.ActivityFunding
	var eval *nrm.PlanEvaluation
	var lines []int
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		var f *planio.OutputsFile
		f, err = planio.ReadOutputsYAML(bytes.NewReader(data))
		if err == nil && f.Plan != "" && f.Plan != code {
			err = &nrm.Error{Code: nrm.EINVALID, Message: "The file belongs to another plan.",
				Fields: []nrm.FieldError{fieldErr("plan", nrm.RuleNotAllowed, f.Plan, code)}}
		}
		if err == nil {
			outs, funding, eval = f.Outputs, f.Funding, f.Evaluation
			lines = append(append([]int{}, f.OutputLines...), f.FundingLines...)
		}
		if err == nil && eval != nil {
			if u := currentUser(r); u.Role != nrm.RoleAdmin && u.Role != nrm.RoleCoordinator {
				err = nrm.Errorf(nrm.EFORBIDDEN, "forbidden")
			}
		}
	case ".csv":
		outs, lines, err = planio.ReadOutputsCSVLines(bytes.NewReader(data))
	default:
		err = &nrm.Error{Code: nrm.EINVALID, Message: "Unknown file type.",
			Fields: []nrm.FieldError{fieldErr("file", nrm.RuleFormat, filepath.Ext(name), ".yaml, .yml or .csv")}}
	}
	if err != nil {
		return err
	}
	if len(funding) > 0 {
		imp, ok := svc.(planWorkImporter)
		if !ok {
			return nrm.Errorf(nrm.EINTERNAL, "funding import not supported")
		}
		err = planio.LocateImportError(imp.ImportPlanWork(r.Context(), code, outs, funding, replace, replace), lines)
	} else if len(outs) > 0 || replace || eval == nil {
		err = planio.LocateImportError(svc.ImportOutputs(r.Context(), code, outs, replace), lines)
	}
	if err == nil && eval != nil {
		err = ev.SaveEvaluation(r.Context(), code, eval)
	}
	return err
}

func (s *Server) outputExportYAML(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	outs, err := s.outputs().FindOutputs(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The coordinating ministry's file holds the funding and the
	// evaluation too; others write only outputs, so that the file they
	// export is one they may import again.
	f := &planio.OutputsFile{Plan: code, Outputs: outs}
	if u := currentUser(r); u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator {
		if f.Funding, err = s.fundings().FindFunding(r.Context(), code); err != nil {
			s.fail(w, r, err)
			return
		}
		f.Evaluation = s.planEvaluation(r.Context(), code)
	}
	var buf bytes.Buffer
	if err := planio.WriteOutputsYAML(&buf, f); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment(safeFileName(code)+"-outputs.yaml"))
	w.Write(buf.Bytes())
}

func (s *Server) outputExportCSV(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	outs, err := s.outputs().FindOutputs(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := planio.WriteOutputsCSV(&buf, outs); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment(safeFileName(code)+"-outputs.csv"))
	w.Write(buf.Bytes())
}

func (s *Server) apiOutputs(w http.ResponseWriter, r *http.Request) {
	outs, err := s.outputs().FindOutputs(r.Context(), r.PathValue("code"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if outs == nil {
		outs = []*nrm.Output{}
	}
	writeJSON(w, http.StatusOK, outs)
}

func (s *Server) apiAddOutput(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var o nrm.Output
	if err := decodeJSON(r, &o); err != nil {
		s.apiError(w, r, err)
		return
	}
	code := r.PathValue("code")
	o.ID, o.Plan = 0, ""
	if err := s.outputs().AddOutput(r.Context(), code, &o); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/plans/%s/outputs/%d", pathEscape(code), o.ID))
	writeJSON(w, http.StatusCreated, &o)
}

// outputID reads the output id of the URL; a malformed one is not found.
func outputID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	return id, nil
}

func (s *Server) apiGetOutput(w http.ResponseWriter, r *http.Request) {
	id, err := outputID(r)
	if err == nil {
		var o *nrm.Output
		if o, err = s.outputs().FindOutput(r.Context(), r.PathValue("code"), id); err == nil {
			writeJSON(w, http.StatusOK, o)
			return
		}
	}
	s.apiError(w, r, err)
}

func (s *Server) apiPatchOutput(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, err := outputID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var p nrm.OutputPatch
	if err := decodeJSON(r, &p); err != nil {
		s.apiError(w, r, err)
		return
	}
	o, err := s.outputs().UpdateOutput(r.Context(), r.PathValue("code"), id, &p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiDeleteOutput(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, err := outputID(r)
	if err == nil {
		err = s.outputs().DeleteOutput(r.Context(), r.PathValue("code"), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// fundingRoutes registers the API and pages of funding per activity,
// year and funding line.
func (s *Server) fundingRoutes() {
	s.route("GET /plans/{code}/funding", 0, signedIn, s.fundingList)
	s.route("POST /plans/{code}/funding", maxFormBytes, planWriters, s.fundingPut)
	s.route("GET /api/v1/plans/{code}/funding", 0, signedIn, s.apiFunding)
	s.route("PUT /api/v1/plans/{code}/funding", maxFormBytes, planWriters, s.apiPutFunding)
	s.route("DELETE /api/v1/plans/{code}/funding/{activity}/{year}/{line}", maxFormBytes, planWriters, s.apiDeleteFunding)
}

// fundings returns the funding store.
func (s *Server) fundings() nrm.FundingService {
	if f, ok := s.cfg.Plans.(nrm.FundingService); ok {
		return f
	}
	return s.db
}

type fundingPage struct {
	page
	Plan     *nrm.Plan
	Funding  []nrm.ActivityFunding
	Form     *form
	CanWrite bool
	// Allocated and Spent are the totals.
	Allocated, Spent float64
}

// Kr formats an amount in whole kroner with thousands separators in the
// page language.
func (p *fundingPage) Kr(x float64) string { return formatKr(x, p.Lang) }

// formatKr formats x as whole kroner, with "." (Danish) or "," (English)
// between thousands.
func formatKr(x float64, lang nrm.Lang) string {
	s := strconv.FormatFloat(x, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if lang == nrm.LangEN {
		sep = ","
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (s *Server) fundingList(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Values.Set("year", strconv.Itoa(s.now().Year()))
	s.renderFunding(w, r, http.StatusOK, f)
}

func (s *Server) renderFunding(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx, lang := r.Context(), langOf(r)
	pl, err := s.cfg.Plans.FindPlan(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fs, err := s.fundings().FindFunding(ctx, pl.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	p := &fundingPage{page: s.newPage(w, r, tr(lang, "funding.title")), Plan: pl, Funding: fs, Form: f,
		CanWrite: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator}
	for _, x := range fs {
		p.Allocated += x.AllocatedDKK
		p.Spent += x.SpentDKK
	}
	s.render(w, r, status, "funding", p)
}

// parseKr parses an amount in kroner as typed: "1.500.000", "1500000",
// "1 500 000" or "1500000,50".
func parseKr(p *parser, name string) float64 {
	s := p.str(name)
	if s == "" {
		return 0
	}
	t := strings.NewReplacer(" ", "", "\u00a0", "", ".", "").Replace(s)
	t = strings.ReplaceAll(t, ",", ".")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil {
		p.errors = append(p.errors, fieldErr(name, nrm.RuleFormat, s, "a number of kroner, e.g. 1500000"))
	}
	return x
}

func (s *Server) fundingPut(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	p := &parser{v: r.PostForm}
	fu := nrm.ActivityFunding{Activity: p.str("activity"), Year: p.integer("year"), Line: p.str("line"), Note: p.str("note")}
	fu.AllocatedDKK = parseKr(p, "allocated_dkk")
	fu.SpentDKK = parseKr(p, "spent_dkk")
	var err error
	if len(p.errors) > 0 {
		err = &nrm.Error{Code: nrm.EINVALID, Message: "The funding entry has invalid fields.", Fields: p.errors}
	} else {
		err = s.fundings().PutFunding(r.Context(), r.PathValue("code"), fu)
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/plans/"+pathEscape(r.PathValue("code"))+"/funding?saved=1", http.StatusSeeOther)
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(err, lang)
		s.renderFunding(w, r, http.StatusUnprocessableEntity, f)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) apiFunding(w http.ResponseWriter, r *http.Request) {
	fs, err := s.fundings().FindFunding(r.Context(), r.PathValue("code"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if fs == nil {
		fs = []nrm.ActivityFunding{}
	}
	writeJSON(w, http.StatusOK, fs)
}

// apiPutFunding stores one entry, replacing the one of the same activity,
// year and line.
func (s *Server) apiPutFunding(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var f nrm.ActivityFunding
	if err := decodeJSON(r, &f); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.fundings().PutFunding(r.Context(), r.PathValue("code"), f); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &f)
}

func (s *Server) apiDeleteFunding(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	if err := s.fundings().DeleteFunding(r.Context(), r.PathValue("code"), r.PathValue("activity"), year, r.PathValue("line")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// workRow is a row of the plan-work dashboard: a label, numbers per
// column and a total.
type workRow struct {
	Label  string
	Counts []int
	Total  int
	// Participants sums the participants or reach of the row's outputs.
	Participants int
}

// moneyRow is allocation against spending for a year or funding line.
type moneyRow struct {
	Label            string
	Allocated, Spent float64
}

// Share is the part of the allocation spent, in whole per cent (0 when
// nothing was allocated).
func (m moneyRow) Share() int {
	if m.Allocated <= 0 {
		return 0
	}
	return int(m.Spent/m.Allocated*100 + 0.5)
}

type planWorkPage struct {
	page
	Plan  *nrm.Plan
	Years []int
	// ByArea counts outputs per strategic area and year; ByBody what
	// each responsible body delivered, by output kind.
	ByArea  []workRow
	Kinds   []string
	ByBody  []workRow
	ByYear  []moneyRow
	ByLine  []moneyRow
	Funding moneyRow
	Outputs int
	// OutreachYears are the years with outreach visits; Outreach each
	// service's visits in them with the change against the year before.
	OutreachYears []int
	Outreach      []outreachTrendRow
	// Evaluation is the plan's external evaluation, nil when it has none.
	Evaluation *nrm.PlanEvaluation
}

// outreachTrendRow is an outreach service's visits per year.
type outreachTrendRow struct {
	Service *nrm.OutreachService
	Cells   []*nrm.OutreachYear // one per year, nil when missing
}

// Change writes a year's change of visits against the year before in
// whole per cent with its sign ("+13 %"), "" when there is none.
func (p *planWorkPage) Change(y *nrm.OutreachYear) string {
	if y == nil || y.Trend == nrm.TrendNone {
		return ""
	}
	n := int(math.Round(y.ChangePct))
	switch {
	case n > 0:
		return fmt.Sprintf("+%d %%", n)
	case n < 0:
		return fmt.Sprintf("−%d %%", -n)
	}
	return "±0 %"
}

// Summary returns the evaluation's findings in the page language.
func (p *planWorkPage) Summary() string { return evaluationSummary(p.Evaluation, p.Lang) }

// outreachTrends lays out the services' visits per year.
func outreachTrends(services []*nrm.OutreachService, stats []*nrm.OutreachStat) ([]int, []outreachTrendRow) {
	years := nrm.OutreachYears(stats)
	set := map[int]bool{}
	for _, y := range years {
		set[y.Year] = true
	}
	var cols []int
	for y := range set {
		cols = append(cols, y)
	}
	slices.Sort(cols)
	var rows []outreachTrendRow
	for _, svc := range services {
		row := outreachTrendRow{Service: svc}
		found := false
		for _, y := range cols {
			if oy, ok := nrm.OutreachYearOf(years, svc.Code, y); ok {
				row.Cells = append(row.Cells, &oy)
				found = true
			} else {
				row.Cells = append(row.Cells, nil)
			}
		}
		if found {
			rows = append(rows, row)
		}
	}
	return cols, rows
}

// Kr formats an amount in whole kroner.
func (p *planWorkPage) Kr(x float64) string { return formatKr(x, p.Lang) }

// KindLabel labels an output kind.
func (p *planWorkPage) KindLabel(k string) string { return nrm.OutputKind(k).Label(p.Lang) }

// planWork shows the plan's work besides its status: outputs per area
// and year, spending against allocation, and what each responsible body
// has delivered.
func (s *Server) planWork(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	pl, err := s.cfg.Plans.FindPlan(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	outs, err := s.outputs().FindOutputs(ctx, pl.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fs, err := s.fundings().FindFunding(ctx, pl.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, orgs := s.organisations(ctx, lang)
	p := &planWorkPage{page: s.newPage(w, r, tr(lang, "work.title")), Plan: pl, Kinds: nrm.Codes("output_kind"), Outputs: len(outs)}
	p.Years, p.ByArea, p.ByBody = summariseOutputs(pl, outs, orgs, lang)
	p.ByYear, p.ByLine, p.Funding = summariseFunding(fs)
	services, err := s.cfg.Network.FindOutreachServices(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stats, err := s.cfg.Network.FindOutreachStats(ctx, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.OutreachYears, p.Outreach = outreachTrends(services, stats)
	p.Evaluation = s.planEvaluation(ctx, pl.Code)
	s.render(w, r, http.StatusOK, "plan_work", p)
}

// summariseOutputs counts outputs per area and year (an output counts in
// the year it happened or started) and per delivering body and kind (the
// output's organisation, else the activity's responsible bodies, each
// counted).
func summariseOutputs(pl *nrm.Plan, outs []*nrm.Output, orgs map[string]string, lang nrm.Lang) ([]int, []workRow, []workRow) {
	yearSet := map[int]bool{}
	for y := pl.StartYear; y <= pl.EndYear && y-pl.StartYear < 50; y++ {
		yearSet[y] = true
	}
	for _, o := range outs {
		if y := o.Year(); y > 0 {
			yearSet[y] = true
		}
	}
	var years []int
	for y := range yearSet {
		years = append(years, y)
	}
	slices.Sort(years)
	yearIdx := map[int]int{}
	for i, y := range years {
		yearIdx[y] = i
	}
	areaOf := map[string]int{}
	respOf := map[string][]string{}
	var byArea []workRow
	for ai, a := range pl.Areas {
		byArea = append(byArea, workRow{Label: fmt.Sprintf("%d. %s", a.Number, pick(lang, a.NameDA, a.NameEN)), Counts: make([]int, len(years))})
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				areaOf[act.Code] = ai
				respOf[act.Code] = act.Responsible
			}
		}
	}
	kinds := nrm.Codes("output_kind")
	kindIdx := map[string]int{}
	for i, k := range kinds {
		kindIdx[k] = i
	}
	bodies := map[string]*workRow{}
	for _, o := range outs {
		if ai, ok := areaOf[o.Activity]; ok {
			row := &byArea[ai]
			if i, ok := yearIdx[o.Year()]; ok {
				row.Counts[i]++
			}
			row.Total++
			row.Participants += o.Participants
		}
		who := []string{o.Org}
		if o.Org == "" {
			who = respOf[o.Activity]
		}
		for _, org := range who {
			b := bodies[org]
			if b == nil {
				b = &workRow{Label: nameOr(orgs, org), Counts: make([]int, len(kinds))}
				bodies[org] = b
			}
			b.Counts[kindIdx[string(o.Kind)]]++
			b.Total++
			b.Participants += o.Participants
		}
	}
	var byBody []workRow
	for _, b := range bodies {
		byBody = append(byBody, *b)
	}
	slices.SortFunc(byBody, func(a, b workRow) int {
		if a.Total != b.Total {
			return b.Total - a.Total
		}
		return strings.Compare(a.Label, b.Label)
	})
	return years, byArea, byBody
}

// summariseFunding sums allocation and spending per year and per funding
// line, and in all.
func summariseFunding(fs []nrm.ActivityFunding) (byYear, byLine []moneyRow, total moneyRow) {
	years := map[int]*moneyRow{}
	lines := map[string]*moneyRow{}
	for _, f := range fs {
		y := years[f.Year]
		if y == nil {
			y = &moneyRow{Label: strconv.Itoa(f.Year)}
			years[f.Year] = y
		}
		l := lines[f.Line]
		if l == nil {
			l = &moneyRow{Label: f.Line}
			lines[f.Line] = l
		}
		for _, m := range []*moneyRow{y, l, &total} {
			m.Allocated += f.AllocatedDKK
			m.Spent += f.SpentDKK
		}
	}
	for _, y := range years {
		byYear = append(byYear, *y)
	}
	for _, l := range lines {
		byLine = append(byLine, *l)
	}
	byLabel := func(a, b moneyRow) int { return strings.Compare(a.Label, b.Label) }
	slices.SortFunc(byYear, byLabel)
	slices.SortFunc(byLine, byLabel)
	return byYear, byLine, total
}
