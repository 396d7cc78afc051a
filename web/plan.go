package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"

	"nrm"
	"nrm/planio"
	"nrm/report"
)

type planListPage struct {
	page
	Plans     []*nrm.Plan
	Import    *form
	CanImport bool
}

// ActivityCount returns the number of activities of a plan.
func (p *planListPage) ActivityCount(pl *nrm.Plan) int {
	n := 0
	for _, a := range pl.Areas {
		for _, g := range a.Goals {
			n += len(g.Activities)
		}
	}
	return n
}

// PlanName returns a plan's name in the page language.
func (p page) PlanName(pl *nrm.Plan) string { return pick(p.Lang, pl.NameDA, pl.NameEN) }

// pick returns the English text in English when there is one, else the
// Danish.
func pick(lang nrm.Lang, da, en string) string {
	if lang == nrm.LangEN && en != "" {
		return en
	}
	return da
}

// Pick returns the English text in English when there is one.
func (p page) Pick(da, en string) string { return pick(p.Lang, da, en) }

// PeriodName names a reporting period ("2012-spring") in the page
// language: "forår 2012" ("spring 2012"), "3. kvartal 2012" ("Q3 2012").
func (p page) PeriodName(code string) string { return report.PeriodName(code, p.Lang) }

// MillionDKK writes an amount in kroner in millions in the page language:
// "85,6 mio. kr." ("DKK 85.6 million").
func (p page) MillionDKK(amount float64) string { return report.FormatMillionDKK(amount, p.Lang) }

// sortPeriods sorts reporting periods in time order (a year after its
// parts), not as text: spring before autumn.
func sortPeriods(ps []string) {
	sort.SliceStable(ps, func(i, j int) bool {
		ki, kj := nrm.PeriodKey(ps[i]), nrm.PeriodKey(ps[j])
		if ki != kj {
			return ki < kj
		}
		return ps[i] < ps[j]
	})
}

func (s *Server) planList(w http.ResponseWriter, r *http.Request) {
	s.renderPlanList(w, r, http.StatusOK, newForm(nil))
}

func (s *Server) renderPlanList(w http.ResponseWriter, r *http.Request, status int, f *form) {
	lang := langOf(r)
	plans, err := s.cfg.Plans.FindPlans(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	s.render(w, r, status, "plans", &planListPage{page: s.newPage(w, r, tr(lang, "plans.title")), Plans: plans, Import: f,
		CanImport: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator})
}

// planImport loads a plan from an uploaded YAML file, or the activities
// of an existing plan from a CSV file, all or nothing.
func (s *Server) planImport(w http.ResponseWriter, r *http.Request) {
	if !s.parseUpload(w, r) {
		return
	}
	lang := langOf(r)
	f := newForm(r.PostForm)
	data, name, err := uploadedFile(r, "file")
	if err == nil {
		var p *nrm.Plan
		switch strings.ToLower(filepath.Ext(name)) {
		case ".yaml", ".yml":
			p, err = planio.ReadPlanYAML(bytes.NewReader(data))
		case ".csv":
			var head *nrm.Plan
			head, err = s.cfg.Plans.FindPlan(r.Context(), r.PostFormValue("plan"))
			if err == nil {
				p, err = planio.ReadPlanCSV(bytes.NewReader(data), head)
			} else if nrm.ErrorCode(err) == nrm.ENOTFOUND {
				err = &nrm.Error{Code: nrm.EINVALID, Message: "Choose the plan the CSV belongs to.",
					Fields: []nrm.FieldError{fieldErr("plan", nrm.RuleRequired, r.PostFormValue("plan"), "the plan the activities belong to")}}
			}
		default:
			err = &nrm.Error{Code: nrm.EINVALID, Message: "Unknown file type.",
				Fields: []nrm.FieldError{fieldErr("file", nrm.RuleFormat, filepath.Ext(name), ".yaml, .yml or .csv")}}
		}
		if err == nil {
			err = s.cfg.Plans.SavePlan(r.Context(), p)
			if err == nil {
				http.Redirect(w, r, "/plans/"+pathEscape(p.Code)+"?saved=1", http.StatusSeeOther)
				return
			}
		}
	}
	switch nrm.ErrorCode(err) {
	case nrm.EINVALID, nrm.ECONFLICT:
		f.addErr(err, lang)
		if f.Message == "" {
			f.Message = tr(lang, "plans.import_failed")
		}
		s.renderPlanList(w, r, httpStatus(err), f)
	default:
		s.fail(w, r, err)
	}
}

// parseUpload parses a multipart upload within its limit and checks the
// CSRF token.
func (s *Server) parseUpload(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseMultipartForm(maxFormBytes); err != nil {
		var tooLarge *http.MaxBytesError
		if asMaxBytes(err, &tooLarge) {
			s.fail(w, r, tooLargeError())
		} else {
			s.fail(w, r, malformed("The upload could not be read."))
		}
		return false
	}
	if !s.checkCSRF(r, r.PostFormValue("csrf")) {
		s.csrfFailed(w, r)
		return false
	}
	return true
}

// uploadedFile returns the content and name of an uploaded file.
func uploadedFile(r *http.Request, field string) ([]byte, string, error) {
	file, hdr, err := r.FormFile(field)
	if err != nil {
		return nil, "", &nrm.Error{Code: nrm.EINVALID, Message: "Choose a file.",
			Fields: []nrm.FieldError{fieldErr(field, nrm.RuleRequired, "", "a file")}}
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxUploadBytes+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > maxUploadBytes {
		return nil, "", tooLargeError()
	}
	return data, hdr.Filename, nil
}

func pathEscape(s string) string {
	return strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23", " ", "%20").Replace(s)
}

// activityRow is an activity with what the plan page shows of it.
type activityRow struct {
	nrm.Activity
	Latest      nrm.StatusEntry
	HasStatus   bool
	Responsible string
	Form        *form
}

type goalView struct {
	nrm.Goal
	Rows []activityRow
}

type areaView struct {
	nrm.Area
	Goals []goalView
}

type planPage struct {
	page
	Plan     *nrm.Plan
	Areas    []areaView
	Period   string
	Periods  []string
	CanWrite bool
	Funding  float64
	// Evaluation is the plan's external evaluation (web/evaluation.go),
	// nil when it has none.
	Evaluation *nrm.PlanEvaluation
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) {
	s.renderPlan(w, r, http.StatusOK, "", nil)
}

// renderPlan renders the plan page; failedActivity names the activity
// whose status form failed, with f its values and errors.
func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, status int, failedActivity string, f *form) {
	ctx, lang := r.Context(), langOf(r)
	pl, err := s.cfg.Plans.FindPlan(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, orgs := s.organisations(ctx, lang)
	u := currentUser(r)
	p := &planPage{page: s.newPage(w, r, pick(lang, pl.NameDA, pl.NameEN)), Plan: pl, Period: r.URL.Query().Get("period"),
		CanWrite: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator}
	p.Evaluation = s.planEvaluation(ctx, pl.Code)
	if !nrm.ValidPeriod(p.Period) {
		p.Period = ""
	}
	periods := map[string]bool{}
	defaultPeriod := fmt.Sprint(s.now().Year())
	for _, a := range pl.Areas {
		av := areaView{Area: a}
		for _, g := range a.Goals {
			gv := goalView{Goal: g}
			for _, act := range g.Activities {
				row := activityRow{Activity: act, Responsible: responsibleText(act, orgs, lang)}
				row.Latest, row.HasStatus = act.LatestStatus(p.Period)
				for _, st := range act.Statuses {
					periods[st.Period] = true
				}
				if act.Code == failedActivity && f != nil {
					row.Form = f
				} else {
					row.Form = newForm(nil)
					row.Form.Values.Set("period", defaultPeriod)
					if row.HasStatus {
						row.Form.Values.Set("state", string(row.Latest.State))
					}
				}
				gv.Rows = append(gv.Rows, row)
			}
			av.Goals = append(av.Goals, gv)
		}
		p.Areas = append(p.Areas, av)
	}
	for per := range periods {
		p.Periods = append(p.Periods, per)
	}
	sortPeriods(p.Periods)
	s.render(w, r, status, "plan", p)
}

// responsibleText names an activity's responsible bodies: as written in
// the source when Danish, else by organisation names.
func responsibleText(a nrm.Activity, orgs map[string]string, lang nrm.Lang) string {
	if lang == nrm.LangDA && a.ResponsibleText != "" {
		return a.ResponsibleText
	}
	var names []string
	for _, code := range a.Responsible {
		names = append(names, nameOr(orgs, code))
	}
	if len(names) == 0 {
		return a.ResponsibleText
	}
	return strings.Join(names, ", ")
}

// planAddStatus records an activity's status for a reporting period.
func (s *Server) planAddStatus(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	p := &parser{v: r.PostForm}
	st := nrm.StatusEntry{Period: p.str("period"), State: nrm.ActivityState(p.str("state")), TextDA: p.str("text_da"), TextEN: p.str("text_en")}
	code, activity := r.PathValue("code"), r.PathValue("activity")
	err := s.cfg.Plans.AddStatus(r.Context(), code, activity, st)
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/plans/"+pathEscape(code)+"?saved=1#a-"+activity, http.StatusSeeOther)
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(err, lang)
		s.renderPlan(w, r, http.StatusUnprocessableEntity, activity, f)
	default:
		s.fail(w, r, err)
	}
}

// stateCount is one row of the plan dashboard: counts per state.
type stateCount struct {
	Label  string
	Counts []int
	Total  int
}

type planDashboardPage struct {
	page
	Plan          *nrm.Plan
	States        []string
	Overall       []int
	OverallTotal  int
	ByArea        []stateCount
	ByResponsible []stateCount
	Period        string
}

// planDashboard counts activities by their latest state, overall, per
// strategic area and per responsible body (an activity with two bodies
// counts for each).
func (s *Server) planDashboard(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	pl, err := s.cfg.Plans.FindPlan(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, orgs := s.organisations(ctx, lang)
	period := r.URL.Query().Get("period")
	if !nrm.ValidPeriod(period) {
		period = ""
	}
	states := append(nrm.Codes("state"), "none")
	idx := map[string]int{}
	for i, st := range states {
		idx[st] = i
	}
	p := &planDashboardPage{page: s.newPage(w, r, tr(lang, "plan_dash.title")), Plan: pl, States: states, Overall: make([]int, len(states)), Period: period}
	byOrg := map[string][]int{}
	for _, a := range pl.Areas {
		row := stateCount{Label: fmt.Sprintf("%d. %s", a.Number, pick(lang, a.NameDA, a.NameEN)), Counts: make([]int, len(states))}
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				st := "none"
				if latest, ok := act.LatestStatus(period); ok {
					st = string(latest.State)
				}
				i := idx[st]
				row.Counts[i]++
				row.Total++
				p.Overall[i]++
				p.OverallTotal++
				resp := act.Responsible
				if len(resp) == 0 {
					resp = []string{""}
				}
				for _, org := range resp {
					if byOrg[org] == nil {
						byOrg[org] = make([]int, len(states))
					}
					byOrg[org][i]++
				}
			}
		}
		p.ByArea = append(p.ByArea, row)
	}
	for org, counts := range byOrg {
		label := nameOr(orgs, org)
		if org == "" {
			label = tr(lang, "plan.no_responsible")
		}
		row := stateCount{Label: label, Counts: counts}
		for _, n := range counts {
			row.Total += n
		}
		p.ByResponsible = append(p.ByResponsible, row)
	}
	sort.Slice(p.ByResponsible, func(i, j int) bool {
		if p.ByResponsible[i].Total != p.ByResponsible[j].Total {
			return p.ByResponsible[i].Total > p.ByResponsible[j].Total
		}
		return p.ByResponsible[i].Label < p.ByResponsible[j].Label
	})
	s.render(w, r, http.StatusOK, "plan_dashboard", p)
}

// StateLabel labels a state column ("none": no status yet).
func (p *planDashboardPage) StateLabel(st string) string {
	if st == "none" {
		return tr(p.Lang, "plan.no_status")
	}
	return nrm.Label("state", st, p.Lang)
}

func (s *Server) planExportYAML(w http.ResponseWriter, r *http.Request) {
	s.planExport(w, r, "yaml", "application/yaml; charset=utf-8", planio.WritePlanYAML)
}

func (s *Server) planExportCSV(w http.ResponseWriter, r *http.Request) {
	s.planExport(w, r, "csv", "text/csv; charset=utf-8", planio.WritePlanCSV)
}

// planExport writes the plan as a download in the documented file form.
func (s *Server) planExport(w http.ResponseWriter, r *http.Request, ext, contentType string, write func(io.Writer, *nrm.Plan) error) {
	pl, err := s.cfg.Plans.FindPlan(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, pl); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", attachment(safeFileName(pl.Code)+"."+ext))
	w.Write(buf.Bytes())
}

// safeFileName keeps letters, digits, - and _ for a download's name.
func safeFileName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 128 && (c == '-' || c == '_' || c == '.' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "plan"
	}
	return b.String()
}

func attachment(name string) string { return `attachment; filename="` + name + `"` }
