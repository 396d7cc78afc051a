package web

import (
	"net/http"
	"strconv"
	"strings"

	"nrm"
)

// historyPage lists the stored versions of a case, or shows one of them
// read-only (Shown).
type historyPage struct {
	page
	Case     *nrm.Case
	Versions []*nrm.CaseVersion
	// Shown is the version opened, with its case as it then was.
	Shown    *nrm.CaseVersion
	Timeline []event
	orgs     map[string]string
	country  map[string]string
}

// OrgName returns an organisation's name, or its code.
func (p *historyPage) OrgName(code string) string { return nameOr(p.orgs, code) }

// CountryName returns a country's name in the page language.
func (p *historyPage) CountryName(code string) string { return countryName(p.country, code) }

// ActionLabel returns the label of a history action ("case.correct").
func (p *historyPage) ActionLabel(action string) string {
	key := "history.action_" + strings.ReplaceAll(action, ".", "_")
	if _, ok := translations[key]; ok {
		return tr(p.Lang, key)
	}
	return action
}

// FieldsLabel names the changed fields of a version in the page language:
// "assessment.outcome" reads "Assessment: outcome" with the field's label
// where one exists.
func (p *historyPage) FieldsLabel(fields []string) string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, changedFieldLabel(f, p.Lang))
	}
	return strings.Join(out, ", ")
}

// changedFieldLabel translates one changed-field name of a case version.
func changedFieldLabel(f string, lang nrm.Lang) string {
	kind, field, ok := strings.Cut(f, ".")
	if !ok {
		if k, voided := strings.CutSuffix(f, " (voided)"); voided {
			return tr(lang, "history.kind_"+k) + " " + tr(lang, "history.voided")
		}
		if k, added := strings.CutSuffix(f, " (added)"); added {
			return tr(lang, "history.kind_"+k) + " " + tr(lang, "history.added")
		}
		if _, ok := translations["history.field_"+f]; ok {
			return tr(lang, "history.field_"+f)
		}
		return nrm.FieldLabel(f, lang)
	}
	if _, known := translations["history.kind_"+kind]; !known {
		return f
	}
	if name, ok := changedFieldNames[f]; ok {
		field = name
	}
	return tr(lang, "history.kind_"+kind) + ": " + nrm.FieldLabel(field, lang)
}

// changedFieldNames maps the JSON names of a fact's fields, as case
// versions name them, to the form field names that carry their labels.
var changedFieldNames = map[string]string{
	"contact.date": "contact_date", "contact.form": "contact_form", "contact.org": "contact_org", "contact.place": "place",
	"assessment.date": "assessment_date", "assessment.authority": "assessment_authority", "assessment.outcome": "assessment_outcome",
	"assessment.stage": "assessment_stage", "assessment.reasons": "decision_reasons",
	"reflection_period.start": "reflection_start", "reflection_period.end": "reflection_end",
	"accommodation.start": "start_date", "accommodation.end": "end_date", "offer.kind": "offer_kind",
	"exit.date": "exit_date", "exit.kind": "exit_kind", "reopening.date": "reopen_date", "reopening.reason": "reopen_reason",
	"reconsideration.deadline": "reconsideration_deadline", "reconsideration.outcome": "reconsideration_outcome",
	"reconsideration.decided_on": "reconsideration_decided_on", "reconsideration.new_assessment_id": "new_assessment",
	"reconsideration.assessment_id": "reconsidered_assessment", "referral.status": "referral_status",
}

// loadHistory reads a case's history, audited by storage.
func (s *Server) loadHistory(r *http.Request) ([]*nrm.CaseVersion, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	return s.db.CaseHistory(r.Context(), id)
}

// caseHistory lists the versions of a case: when, who, what and why.
func (s *Server) caseHistory(w http.ResponseWriter, r *http.Request) {
	s.showHistory(w, r, 0)
}

// caseVersion shows one version of a case as it then was.
func (s *Server) caseVersion(w http.ResponseWriter, r *http.Request) {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v <= 0 {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	s.showHistory(w, r, v)
}

func (s *Server) showHistory(w http.ResponseWriter, r *http.Request, version int) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.loadHistory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := langOf(r)
	p := &historyPage{page: s.newPage(w, r, tr(lang, "history.title")+" "+c.Ref), Case: c, Versions: versions}
	_, p.orgs = s.organisations(r.Context(), lang)
	_, p.country = s.countries(r.Context(), lang)
	if version > 0 {
		for _, v := range versions {
			if v.Version == version && v.Case != nil {
				p.Shown = v
			}
		}
		if p.Shown == nil {
			s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
			return
		}
		p.Title = tr(lang, "history.version") + " " + strconv.Itoa(version) + " – " + c.Ref
		p.Timeline = s.timeline(p.Shown.Case, nrm.DateOf(s.now()), lang, p.orgs, p.country)
		for i := range p.Timeline {
			p.Timeline[i].Correct = "" // a past version is read-only
		}
	}
	s.render(w, r, http.StatusOK, "history", p)
}

// apiCaseHistory returns the versions of a case, each with the case as
// it then was.
func (s *Server) apiCaseHistory(w http.ResponseWriter, r *http.Request) {
	versions, err := s.loadHistory(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if versions == nil {
		versions = []*nrm.CaseVersion{}
	}
	writeJSON(w, http.StatusOK, versions)
}
