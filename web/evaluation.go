package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"nrm"
)

// evaluationRoutes registers the page and API of a plan's external
// evaluation: everyone signed in reads; the coordinating ministry writes.
func (s *Server) evaluationRoutes() {
	s.route("GET /plans/{code}/evaluation", 0, signedIn, s.evaluationShow)
	s.route("POST /plans/{code}/evaluation", maxFormBytes, planWriters, s.evaluationSave)
	s.route("POST /plans/{code}/evaluation/delete", maxFormBytes, planWriters, s.evaluationDelete)

	s.route("GET /api/v1/plans/{code}/evaluation", 0, signedIn, s.apiEvaluation)
	s.route("PUT /api/v1/plans/{code}/evaluation", maxFormBytes, planWriters, s.apiPutEvaluation)
	s.route("DELETE /api/v1/plans/{code}/evaluation", maxFormBytes, planWriters, s.apiDeleteEvaluation)
}

// evaluations returns the evaluation store: the plan store when it keeps
// evaluations, else the database.
func (s *Server) evaluations() nrm.EvaluationService {
	if e, ok := s.cfg.Plans.(nrm.EvaluationService); ok {
		return e
	}
	return s.db
}

// planEvaluation returns the plan's evaluation for a page that shows it
// beside other things: nil when there is none or it cannot be read (the
// error is logged; the page is still worth showing).
func (s *Server) planEvaluation(ctx context.Context, code string) *nrm.PlanEvaluation {
	e, err := s.evaluations().FindEvaluation(ctx, code)
	if err != nil {
		if c := nrm.ErrorCode(err); c != nrm.ENOTFOUND && c != nrm.EFORBIDDEN {
			s.log.Error("plan evaluation", "plan", code, "error", err)
		}
		return nil
	}
	return e
}

type evaluationPage struct {
	page
	Plan       *nrm.Plan
	Evaluation *nrm.PlanEvaluation
	Form       *form
	CanWrite   bool
}

// Summary returns the findings in the page language, as paragraphs.
func (p *evaluationPage) Summary() string {
	return evaluationSummary(p.Evaluation, p.Lang)
}

// Rec returns a recommendation in the page language.
func (p *evaluationPage) Rec(r nrm.Recommendation) string { return pick(p.Lang, r.TextDA, r.TextEN) }

// evaluationSummary is an evaluation's findings in lang (Danish when no
// English is given).
func evaluationSummary(e *nrm.PlanEvaluation, lang nrm.Lang) string {
	if e == nil {
		return ""
	}
	return pick(lang, e.SummaryDA, e.SummaryEN)
}

func (s *Server) evaluationShow(w http.ResponseWriter, r *http.Request) {
	s.renderEvaluation(w, r, http.StatusOK, nil)
}

// renderEvaluation renders the evaluation page; f is the edit form after
// a failed save, else the form is filled from the stored evaluation.
func (s *Server) renderEvaluation(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx, lang := r.Context(), langOf(r)
	pl, err := s.cfg.Plans.FindPlan(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.evaluations().FindEvaluation(ctx, pl.Code)
	if err != nil && nrm.ErrorCode(err) != nrm.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	p := &evaluationPage{page: s.newPage(w, r, tr(lang, "eval.title")), Plan: pl, Evaluation: e, Form: f,
		CanWrite: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator}
	if p.Form == nil {
		p.Form = newForm(nil)
		if e != nil {
			v := p.Form.Values
			v.Set("evaluator", e.Evaluator)
			v.Set("date", e.Date.String())
			v.Set("summary_da", e.SummaryDA)
			v.Set("summary_en", e.SummaryEN)
			v.Set("link", e.Link)
			var da, en []string
			for _, rec := range e.Recommendations {
				da = append(da, rec.TextDA)
				en = append(en, rec.TextEN)
			}
			v.Set("recommendations", strings.Join(da, "\n"))
			if strings.Join(en, "") != "" {
				v.Set("recommendations_en", strings.Join(en, "\n"))
			}
		}
	}
	s.render(w, r, status, "evaluation", p)
}

// textLines splits a text area into its non-empty trimmed lines.
func textLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// evaluationFromForm reads an evaluation from the edit form: one
// recommendation per line, the English lines (when given) pairing with
// the Danish ones.
func evaluationFromForm(p *parser) *nrm.PlanEvaluation {
	e := &nrm.PlanEvaluation{Evaluator: p.str("evaluator"), SummaryDA: strings.TrimSpace(p.v.Get("summary_da")),
		SummaryEN: strings.TrimSpace(p.v.Get("summary_en")), Link: p.str("link")}
	if p.str("date") != "" {
		e.Date = p.date("date")
	}
	da, en := textLines(p.v.Get("recommendations")), textLines(p.v.Get("recommendations_en"))
	if len(en) > 0 && len(en) != len(da) {
		p.errors = append(p.errors, fieldErr("recommendations_en", nrm.RuleRange, fmt.Sprint(len(en)),
			fmt.Sprintf("one English line per Danish recommendation (%d), or none", len(da))))
	}
	for i, t := range da {
		rec := nrm.Recommendation{TextDA: t}
		if len(en) == len(da) {
			rec.TextEN = en[i]
		}
		e.Recommendations = append(e.Recommendations, rec)
	}
	return e
}

func (s *Server) evaluationSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	code := r.PathValue("code")
	p := &parser{v: r.PostForm}
	e := evaluationFromForm(p)
	var err error
	if len(p.errors) > 0 {
		err = p.errAlong(e.Validate(), "The evaluation has invalid fields.")
	} else {
		err = s.evaluations().SaveEvaluation(r.Context(), code, e)
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/plans/"+pathEscape(code)+"/evaluation?saved=1", http.StatusSeeOther)
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(evaluationFormErr(err), langOf(r))
		s.renderEvaluation(w, r, http.StatusUnprocessableEntity, f)
	default:
		s.fail(w, r, err)
	}
}

// evaluationFormErr names the recommendations field as the form does.
func evaluationFormErr(err error) error {
	fes := nrm.FieldErrors(err)
	out := make([]nrm.FieldError, len(fes))
	for i, fe := range fes {
		if fe.Field == "recommendation" {
			fe.Field = "recommendations"
		}
		out[i] = fe
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: nrm.ErrorMessage(err), Fields: out}
}

func (s *Server) evaluationDelete(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	code := r.PathValue("code")
	if err := s.evaluations().DeleteEvaluation(r.Context(), code); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/plans/"+pathEscape(code)+"/evaluation?saved=1", http.StatusSeeOther)
}

func (s *Server) apiEvaluation(w http.ResponseWriter, r *http.Request) {
	e, err := s.evaluations().FindEvaluation(r.Context(), r.PathValue("code"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// apiPutEvaluation creates or replaces the plan's evaluation.
func (s *Server) apiPutEvaluation(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var e nrm.PlanEvaluation
	if err := decodeJSON(r, &e); err != nil {
		s.apiError(w, r, err)
		return
	}
	e.Plan = ""
	if err := s.evaluations().SaveEvaluation(r.Context(), r.PathValue("code"), &e); err != nil {
		s.apiError(w, r, err)
		return
	}
	if e.Recommendations == nil {
		e.Recommendations = []nrm.Recommendation{}
	}
	writeJSON(w, http.StatusOK, &e)
}

func (s *Server) apiDeleteEvaluation(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	if err := s.evaluations().DeleteEvaluation(r.Context(), r.PathValue("code")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
