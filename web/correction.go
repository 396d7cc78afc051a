package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// Corrections: every recorded fact of a case can be corrected or voided
// with a reason, on its own page (the web) or with PATCH (the API); a
// closed case can be reopened; a negative final decision can be
// reconsidered. Storage keeps each version in the case history and
// names the changed fields, never their values, in the audit log.

// formField describes one input of a generic fact form.
type formField struct {
	Name     string // form name; its label is nrm.FieldLabel(Name)
	Label    string // a translation key used instead, when set
	Type     string // date, text, textarea, select, checks, country, org, answer, number, lines
	Set      string // code set of a select or checks
	Required bool
	Hint     string // translation key of a hint, optional
}

// factKind is one kind of case fact as the correction pages and the
// PATCH API see it.
type factKind struct {
	Kind   string // URL segment and API name: contacts, assessments, …
	Title  string // translation key
	Fields []formField
	// values returns the fact's form values.
	values func(c *nrm.Case, id int64) (url.Values, bool)
	// set replaces the fact with the one read from the form.
	set func(c *nrm.Case, id int64, p *parser) bool
	// remove voids the fact.
	remove func(c *nrm.Case, id int64) bool
	// authority returns the deciding authority for facts only its
	// assessors may change (assessments, reconsideration outcomes).
	authority func(c *nrm.Case, id int64) nrm.Authority
}

// newFactKind builds a factKind over one of the case's fact lists.
func newFactKind[T any](kind, title string, fields []formField, list func(*nrm.Case) *[]T, id func(T) int64,
	values func(T) url.Values, parse func(*parser, T) T) *factKind {
	find := func(c *nrm.Case, fid int64) int {
		return slices.IndexFunc(*list(c), func(x T) bool { return fid != 0 && id(x) == fid })
	}
	return &factKind{Kind: kind, Title: title, Fields: fields,
		values: func(c *nrm.Case, fid int64) (url.Values, bool) {
			i := find(c, fid)
			if i < 0 {
				return nil, false
			}
			return values((*list(c))[i]), true
		},
		set: func(c *nrm.Case, fid int64, p *parser) bool {
			i := find(c, fid)
			if i < 0 {
				return false
			}
			(*list(c))[i] = parse(p, (*list(c))[i])
			return true
		},
		remove: func(c *nrm.Case, fid int64) bool {
			i := find(c, fid)
			if i < 0 {
				return false
			}
			*list(c) = slices.Delete(*list(c), i, i+1)
			return true
		},
	}
}

// decodeStrict decodes one JSON value, refusing unknown fields and naming
// the field of a value that does not fit.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case nrm.ErrorCode(err) == nrm.EINVALID && len(nrm.FieldErrors(err)) > 0:
		return err
	case errors.As(err, &typeErr):
		return malformedFields("A field has the wrong type.",
			[]nrm.FieldError{fieldErr(typeErr.Field, nrm.RuleFormat, typeErr.Value, typeErr.Type.String())})
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return malformedFields("The body has an unknown field.", []nrm.FieldError{fieldErr(m[1], nrm.RuleNotAllowed, "", "a documented field")})
	}
	return malformed("The body is not valid JSON.")
}

func dateV(d nrm.Date) string { return d.String() }

// factKinds are the kinds of fact that can be corrected, by URL segment.
var factKinds = map[string]*factKind{}

// factKindOrder lists the kinds in the order of the API documentation.
var factKindOrder = []string{"contacts", "assessments", "reflection_periods", "accommodations", "offers", "exits", "reconsiderations"}

func init() {
	for _, k := range []*factKind{
		newFactKind("contacts", "case.add_contact", []formField{
			{Name: "contact_date", Type: "date", Required: true},
			{Name: "contact_form", Type: "select", Set: "contact_form", Required: true},
			{Name: "contact_org", Type: "org"},
			{Name: "place", Label: "case.place", Type: "text"},
		}, func(c *nrm.Case) *[]nrm.Contact { return &c.Contacts }, func(x nrm.Contact) int64 { return x.ID },
			func(x nrm.Contact) url.Values {
				return url.Values{"contact_date": {dateV(x.Date)}, "contact_form": {string(x.Form)}, "contact_org": {x.Org}, "place": {x.Place}}
			}, parseContact),
		newFactKind("assessments", "case.add_assessment", assessmentFields,
			func(c *nrm.Case) *[]nrm.Assessment { return &c.Assessments }, func(x nrm.Assessment) int64 { return x.ID },
			assessmentValues, parseAssessment),
		newFactKind("reflection_periods", "case.add_reflection", []formField{
			{Name: "reflection_start", Type: "date", Required: true},
			{Name: "reflection_end", Label: "case.deadline", Type: "date"},
		}, func(c *nrm.Case) *[]nrm.ReflectionPeriod { return &c.ReflectionPeriods }, func(x nrm.ReflectionPeriod) int64 { return x.ID },
			func(x nrm.ReflectionPeriod) url.Values {
				return url.Values{"reflection_start": {dateV(x.Start)}, "reflection_end": {dateV(x.End)}}
			}, parseReflection),
		newFactKind("accommodations", "case.add_accommodation", []formField{
			{Name: "kind", Type: "select", Set: "accommodation_kind", Required: true},
			{Name: "provider", Type: "text"},
			{Name: "start_date", Type: "date", Required: true},
			{Name: "end_date", Type: "date", Hint: "case.end_empty"},
		}, func(c *nrm.Case) *[]nrm.Accommodation { return &c.Accommodations }, func(x nrm.Accommodation) int64 { return x.ID },
			func(x nrm.Accommodation) url.Values {
				return url.Values{"kind": {string(x.Kind)}, "provider": {x.Provider}, "start_date": {dateV(x.Start)}, "end_date": {dateV(x.End)}}
			}, parseAccommodation),
		newFactKind("offers", "case.add_offer", []formField{
			{Name: "offer_kind", Type: "select", Set: "offer_kind", Required: true},
			{Name: "offered", Type: "date", Required: true},
			{Name: "accepted", Label: "offer.answer", Type: "answer"},
		}, func(c *nrm.Case) *[]nrm.Offer { return &c.Offers }, func(x nrm.Offer) int64 { return x.ID },
			func(x nrm.Offer) url.Values {
				v := url.Values{"offer_kind": {string(x.Kind)}, "offered": {dateV(x.Offered)}, "accepted": {""}}
				if x.Accepted != nil {
					v.Set("accepted", map[bool]string{true: "yes", false: "no"}[*x.Accepted])
				}
				return v
			}, parseOffer),
		newFactKind("exits", "case.add_exit", []formField{
			{Name: "exit_date", Type: "date", Required: true},
			{Name: "exit_kind", Type: "select", Set: "exit_kind", Required: true},
		}, func(c *nrm.Case) *[]nrm.Exit { return &c.Exits }, func(x nrm.Exit) int64 { return x.ID },
			func(x nrm.Exit) url.Values {
				return url.Values{"exit_date": {dateV(x.Date)}, "exit_kind": {string(x.Kind)}}
			}, parseExit),
		newFactKind("reconsiderations", "reconsideration.title", []formField{
			{Name: "requested_on", Type: "date", Required: true},
			{Name: "grounds", Type: "textarea"},
			{Name: "reconsideration_deadline", Type: "date", Required: true},
			{Name: "reconsideration_outcome", Type: "select", Set: "reconsideration_outcome"},
			{Name: "reconsideration_decided_on", Type: "date"},
		}, func(c *nrm.Case) *[]nrm.Reconsideration { return &c.Reconsiderations }, func(x nrm.Reconsideration) int64 { return x.ID },
			func(x nrm.Reconsideration) url.Values {
				return url.Values{"requested_on": {dateV(x.RequestedOn)}, "grounds": {x.Grounds}, "reconsideration_deadline": {dateV(x.Deadline)},
					"reconsideration_outcome": {string(x.Outcome)}, "reconsideration_decided_on": {dateV(x.DecidedOn)}}
			}, parseReconsideration),
	} {
		factKinds[k.Kind] = k
	}
	factKinds["assessments"].authority = func(c *nrm.Case, id int64) nrm.Authority {
		for _, a := range c.Assessments {
			if a.ID == id {
				return a.Authority
			}
		}
		return ""
	}
	factKinds["reconsiderations"].authority = func(c *nrm.Case, id int64) nrm.Authority {
		for _, r := range c.Reconsiderations {
			if r.ID == id {
				return factKinds["assessments"].authority(c, r.AssessmentID)
			}
		}
		return ""
	}
}

// assessmentFields are the inputs of the assessment form.
var assessmentFields = []formField{
	{Name: "assessment_stage", Type: "select", Set: "assessment_stage", Required: true},
	{Name: "assessment_date", Type: "date", Required: true},
	{Name: "assessment_authority", Type: "select", Set: "authority", Required: true},
	{Name: "override_reason", Type: "textarea", Hint: "case.override_hint"},
	{Name: "assessment_outcome", Type: "select", Set: "assessment_outcome", Required: true, Hint: "assessment.outcome_hint"},
	{Name: "exploitation", Type: "checks", Set: "exploitation"},
	{Name: "labour_sector", Type: "select", Set: "labour_sector"},
	{Name: "labour_setting", Type: "select", Set: "labour_setting"},
	{Name: "exploitation_country", Type: "country"},
	{Name: "decision_reasons", Type: "textarea", Hint: "assessment.reasons_hint"},
	{Name: "notified_on", Type: "date"},
}

func assessmentValues(x nrm.Assessment) url.Values {
	v := url.Values{"assessment_stage": {string(x.Stage)}, "assessment_date": {dateV(x.Date)}, "assessment_authority": {string(x.Authority)},
		"override_reason": {x.OverrideReason}, "assessment_outcome": {string(x.Outcome)}, "labour_sector": {string(x.LabourSector)},
		"labour_setting":       {string(x.LabourSetting)},
		"exploitation_country": {x.ExploitationCountry}, "decision_reasons": {x.Reasons}, "notified_on": {dateV(x.NotifiedOn)}}
	if x.Stage == "" {
		v.Set("assessment_stage", string(nrm.StageFinal))
	}
	for _, f := range x.Exploitation {
		v.Add("exploitation", string(f))
	}
	return v
}

// caseFields are the case's own attributes and identifiers, corrected on
// /cases/{id}/correct.
var caseFields = []formField{
	{Name: "gender", Type: "select", Set: "gender", Required: true},
	{Name: "birth_year", Type: "number"},
	{Name: "nationality", Type: "country"},
	{Name: "residence_status", Type: "select", Set: "residence_status", Required: true},
	{Name: "name", Type: "text"},
	{Name: "aliases", Label: "case.aliases", Type: "lines", Hint: "case_new.one_per_line"},
	{Name: "birth_date", Type: "date"},
	{Name: "document_numbers", Label: "case.documents", Type: "lines", Hint: "case_new.one_per_line"},
	{Name: "phone", Type: "text"},
	{Name: "address", Type: "textarea"},
	{Name: "notes", Type: "textarea"},
}

func caseValues(c *nrm.Case) url.Values {
	v := url.Values{"gender": {string(c.Gender)}, "nationality": {c.Nationality}, "residence_status": {string(c.ResidenceStatus)},
		"name": {c.Identifiers.Name}, "aliases": {strings.Join(c.Identifiers.Aliases, "\n")}, "birth_date": {dateV(c.Identifiers.BirthDate)},
		"document_numbers": {strings.Join(c.Identifiers.DocumentNumbers, "\n")}, "phone": {c.Identifiers.Phone},
		"address": {c.Identifiers.Address}, "notes": {c.Identifiers.Notes}}
	if c.BirthYear != 0 {
		v.Set("birth_year", strconv.Itoa(c.BirthYear))
	}
	return v
}

func parseCaseFields(p *parser, c *nrm.Case) {
	c.Gender = nrm.Gender(p.code("gender", "gender", true))
	c.BirthYear = p.integer("birth_year")
	c.Nationality = strings.ToUpper(p.str("nationality"))
	c.ResidenceStatus = nrm.ResidenceStatus(p.code("residence_status", "residence_status", true))
	c.Identifiers.Name = p.str("name")
	c.Identifiers.Aliases = p.list("aliases")
	c.Identifiers.BirthDate = p.date("birth_date")
	c.Identifiers.DocumentNumbers = p.list("document_numbers")
	c.Identifiers.Phone = p.str("phone")
	c.Identifiers.Address = p.str("address")
	c.Identifiers.Notes = strings.TrimSpace(p.v.Get("notes"))
}

// correct stores a correction: the edited case and the reason for
// changing or voiding recorded facts.
func (s *Server) correct(ctx context.Context, c *nrm.Case, reason string) error {
	return s.db.CorrectCase(ctx, c, reason)
}

// correctionRoutes registers the correction, reopening and
// reconsideration pages.
func (s *Server) correctionRoutes() {
	s.route("GET /cases/{id}/correct", 0, caseRoles, s.caseCorrectForm)
	s.route("POST /cases/{id}/correct", maxFormBytes, caseRoles, s.caseCorrect)
	for _, k := range factKindOrder {
		s.route("GET /cases/{id}/"+k+"/{fid}/correct", 0, caseRoles, s.factCorrectForm)
		s.route("POST /cases/{id}/"+k+"/{fid}/correct", maxFormBytes, caseRoles, s.factCorrect)
		s.route("POST /cases/{id}/"+k+"/{fid}/void", maxFormBytes, caseRoles, s.factVoid)
	}
	s.route("POST /cases/{id}/reopen", maxFormBytes, caseRoles, s.caseReopen)
	s.route("POST /cases/{id}/assessments/{aid}/reconsiderations", maxFormBytes, caseRoles, s.caseRequestReconsideration)
	s.route("POST /cases/{id}/reconsiderations/{fid}/decide", maxFormBytes, caseRoles, s.caseDecideReconsideration)
	s.route("GET /cases/{id}/history", 0, caseRoles, s.caseHistory)
	s.route("GET /cases/{id}/history/{version}", 0, caseRoles, s.caseVersion)
}

// correctPage is the page that corrects or voids one fact, or the case's
// own attributes.
type correctPage struct {
	page
	Case       *nrm.Case
	Heading    string
	Fields     []formField
	Form       *form
	Void       *form
	Action     string
	VoidAction string // "" for the case's own attributes
	Conflict   string
	Orgs       []*nrm.Organisation
	Countries  []*nrm.Country
	Today      string
}

func (s *Server) renderCorrect(w http.ResponseWriter, r *http.Request, status int, c *nrm.Case, k *factKind, fid int64, f, void *form) {
	lang := langOf(r)
	p := &correctPage{Case: c, Today: nrm.DateOf(s.now()).String()}
	if k == nil {
		p.page = s.newPage(w, r, tr(lang, "correct.case_title")+" "+c.Ref)
		p.Heading, p.Fields = tr(lang, "correct.case_title"), caseFields
		p.Action = fmt.Sprintf("/cases/%d/correct", c.ID)
		if f == nil {
			f = newForm(caseValues(c))
		}
	} else {
		p.page = s.newPage(w, r, tr(lang, "correct.title")+" "+c.Ref)
		p.Heading, p.Fields = tr(lang, "correct.title")+": "+tr(lang, k.Title), k.Fields
		p.Action = fmt.Sprintf("/cases/%d/%s/%d/correct", c.ID, k.Kind, fid)
		p.VoidAction = fmt.Sprintf("/cases/%d/%s/%d/void", c.ID, k.Kind, fid)
		if f == nil {
			v, ok := k.values(c, fid)
			if !ok {
				// The fact was voided meanwhile (or never existed).
				s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
				return
			}
			f = newForm(v)
		}
	}
	if void == nil {
		void = newForm(nil)
	}
	p.Form, p.Void = f, void
	for _, x := range []*form{f, void} {
		if x.Message != "" && status == http.StatusConflict {
			p.Conflict = x.Message
		}
	}
	p.Orgs, _ = s.organisations(r.Context(), lang)
	p.Countries, _ = s.countries(r.Context(), lang)
	s.render(w, r, status, "case_correct", p)
}

// factOf resolves the {fid} and the kind of the request's fact.
func factOf(r *http.Request) (*factKind, int64, error) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	fid, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if len(parts) < 4 || err != nil || fid <= 0 {
		return nil, 0, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	k, ok := factKinds[parts[2]]
	if !ok {
		return nil, 0, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	return k, fid, nil
}

func (s *Server) caseCorrectForm(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCorrect(w, r, http.StatusOK, c, nil, 0, nil, nil)
}

// requiredReason reads the reason of a correction; the storage refuses a
// correction without one, naming the field "reason".
func requiredReason(p *parser) (string, bool) {
	return strings.TrimSpace(p.v.Get("reason")), true
}

// caseCorrect corrects the case's own attributes and identifiers.
func (s *Server) caseCorrect(w http.ResponseWriter, r *http.Request) {
	s.runEdit(w, r, caseEdit{
		apply:    func(c *nrm.Case, p *parser) { parseCaseFields(p, c) },
		reason:   requiredReason,
		rerender: func(status int, c *nrm.Case, f *form) { s.renderCorrect(w, r, status, c, nil, 0, f, nil) },
	})
}

func (s *Server) factCorrectForm(w http.ResponseWriter, r *http.Request) {
	k, fid, err := factOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCorrect(w, r, http.StatusOK, c, k, fid, nil, nil)
}

// factCorrect stores the corrected fact with the reason given.
func (s *Server) factCorrect(w http.ResponseWriter, r *http.Request) {
	k, fid, err := factOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.runEdit(w, r, caseEdit{
		apply: func(c *nrm.Case, p *parser) {
			if !k.set(c, fid, p) {
				p.errors = append(p.errors, fieldErr("id", nrm.RuleUnknownReference, strconv.FormatInt(fid, 10), "a fact of this case"))
			}
		},
		reason:   requiredReason,
		rerender: func(status int, c *nrm.Case, f *form) { s.renderCorrect(w, r, status, c, k, fid, f, nil) },
	})
}

// factVoid removes a fact, with a reason and the user's confirmation.
func (s *Server) factVoid(w http.ResponseWriter, r *http.Request) {
	k, fid, err := factOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.runEdit(w, r, caseEdit{
		apply: func(c *nrm.Case, p *parser) {
			confirmed(p)
			if !k.remove(c, fid) {
				p.errors = append(p.errors, fieldErr("id", nrm.RuleUnknownReference, strconv.FormatInt(fid, 10), "a fact of this case"))
			}
		},
		reason: requiredReason,
		rerender: func(status int, c *nrm.Case, f *form) {
			if _, ok := k.values(c, fid); !ok {
				s.renderCase(w, r, status, c, "", f)
				return
			}
			s.renderCorrect(w, r, status, c, k, fid, nil, f)
		},
	})
}

// caseReopen reopens a closed case on a date, with a reason.
func (s *Server) caseReopen(w http.ResponseWriter, r *http.Request) {
	s.editCase(w, r, "reopen", func(c *nrm.Case, p *parser) {
		if err := c.Reopen(p.date("reopen_date"), p.v.Get("reopen_reason")); err != nil {
			for _, fe := range nrm.FieldErrors(err) {
				// A date that did not parse is reported once, as such.
				if !(fe.Field == "reopen_date" && fe.Rule == nrm.RuleRequired && p.str("reopen_date") != "") {
					p.errors = append(p.errors, fe)
				}
			}
		}
	})
}

// caseRequestReconsideration records a request to reconsider a negative
// final decision; the deadline defaults to the request date plus the
// setting "reconsideration.days".
func (s *Server) caseRequestReconsideration(w http.ResponseWriter, r *http.Request) {
	aid, _ := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	days := s.reconsiderationDays(r.Context())
	s.editCase(w, r, "reconsider", func(c *nrm.Case, p *parser) {
		x := nrm.Reconsideration{AssessmentID: aid, RequestedOn: p.requiredDate("requested_on"), Grounds: strings.TrimSpace(p.v.Get("grounds"))}
		x.Deadline = p.date("reconsideration_deadline")
		if x.Deadline.IsZero() && !x.RequestedOn.IsZero() {
			x.Deadline = x.RequestedOn.AddDays(days)
		}
		if !slices.ContainsFunc(c.Assessments, func(a nrm.Assessment) bool { return aid != 0 && a.ID == aid }) {
			p.errors = append(p.errors, fieldErr("reconsidered_assessment", nrm.RuleUnknownReference, strconv.FormatInt(aid, 10), "a final assessment of this case"))
		}
		c.Reconsiderations = append(c.Reconsiderations, x)
	})
}

// caseDecideReconsideration records a reconsideration's outcome; only
// assessors of the authority that decided may. Overturning records the
// new final assessment in the same change and then links it.
func (s *Server) caseDecideReconsideration(w http.ResponseWriter, r *http.Request) {
	fid, _ := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	u := currentUser(r)
	var known map[int64]bool
	s.runEdit(w, r, caseEdit{
		check: func(c *nrm.Case) error {
			if !canDecide(u, factKinds["reconsiderations"].authority(c, fid)) {
				return nrm.Errorf(nrm.EFORBIDDEN, "Only assessors of the deciding authority decide a reconsideration.")
			}
			return nil
		},
		apply: func(c *nrm.Case, p *parser) {
			known = map[int64]bool{}
			for _, a := range c.Assessments {
				known[a.ID] = true
			}
			i := slices.IndexFunc(c.Reconsiderations, func(x nrm.Reconsideration) bool { return fid != 0 && x.ID == fid })
			outcome := nrm.ReconsiderationOutcome(p.code("reconsideration_outcome", "reconsideration_outcome", true))
			decided := p.requiredDate("reconsideration_decided_on")
			if i < 0 {
				p.errors = append(p.errors, fieldErr("reconsideration_outcome", nrm.RuleUnknownReference, strconv.FormatInt(fid, 10), "a reconsideration of this case"))
				return
			}
			x := &c.Reconsiderations[i]
			if x.Outcome != "" {
				p.errors = append(p.errors, fieldErr("reconsideration_outcome", nrm.RuleNotAllowed, string(x.Outcome), "a pending reconsideration"))
			}
			x.Outcome, x.DecidedOn = outcome, decided
			if outcome == nrm.ReconsiderationOverturned {
				// The new final decision, dated the day the reconsideration
				// was decided, by the same authority unless chosen.
				p.v.Set("assessment_stage", string(nrm.StageFinal))
				p.v.Set("assessment_date", p.str("reconsideration_decided_on"))
				if p.str("assessment_authority") == "" {
					p.v.Set("assessment_authority", string(factKinds["assessments"].authority(c, x.AssessmentID)))
				}
				if p.str("assessment_outcome") == "" {
					p.v.Set("assessment_outcome", string(nrm.OutcomeIdentified))
				}
				c.Assessments = append(c.Assessments, parseAssessment(p, nrm.Assessment{}))
			}
		},
		after: func(ctx context.Context, stored *nrm.Case) error {
			// Link the new assessment now that it has an id.
			fresh, err := s.db.FindCaseByID(ctx, stored.ID)
			if err != nil {
				return err
			}
			var newID int64
			for _, a := range fresh.Assessments {
				if !known[a.ID] {
					newID = a.ID
				}
			}
			i := slices.IndexFunc(fresh.Reconsiderations, func(x nrm.Reconsideration) bool { return x.ID == fid })
			if newID == 0 || i < 0 {
				return nil
			}
			fresh.Reconsiderations[i].NewAssessmentID = newID
			return s.db.UpdateCase(ctx, fresh)
		},
		rerender: func(status int, c *nrm.Case, f *form) { s.renderCase(w, r, status, c, "decide", f) },
	})
}

// apiCorrectionRoutes registers the corrections of the JSON API.
func (s *Server) apiCorrectionRoutes() {
	s.route("PATCH /api/v1/cases/{id}", maxFormBytes, caseRoles, s.apiPatchCase)
	s.route("PATCH /api/v1/cases/{id}/{kind}/{fid}", maxFormBytes, caseRoles, s.apiPatchFact)
	s.route("POST /api/v1/cases/{id}/reopen", maxFormBytes, caseRoles, s.apiReopen)
	s.route("GET /api/v1/cases/{id}/history", 0, caseRoles, s.apiCaseHistory)
}

// apiEdit reads a PATCH or POST body with its version (required) and
// reason, lets change edit a copy of the case, and stores it: as a
// correction when correcting, otherwise as an addition.
func (s *Server) apiEdit(w http.ResponseWriter, r *http.Request, correcting bool, change func(c *nrm.Case, body map[string]json.RawMessage, reason string) error) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	c, err := s.loadCase(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := map[string]json.RawMessage{}
	if err := decodeJSON(r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	var version int
	var reason string
	var fes []nrm.FieldError
	if raw, ok := body["version"]; !ok {
		fes = append(fes, fieldErr("version", nrm.RuleRequired, "", "the version the case was read at"))
	} else if err := json.Unmarshal(raw, &version); err != nil || version <= 0 {
		fes = append(fes, fieldErr("version", nrm.RuleFormat, "", "a positive whole number"))
	}
	if raw, ok := body["reason"]; ok {
		if err := json.Unmarshal(raw, &reason); err != nil {
			fes = append(fes, fieldErr("reason", nrm.RuleFormat, "", "a string"))
		}
	}
	delete(body, "version")
	delete(body, "reason")
	edited := c.Clone()
	edited.Version = version
	if err := change(edited, body, strings.TrimSpace(reason)); err != nil {
		if len(nrm.FieldErrors(err)) == 0 {
			s.apiError(w, r, err)
			return
		}
		fes = append(fes, nrm.FieldErrors(err)...)
	}
	if len(fes) > 0 {
		s.apiError(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "The request has invalid fields.", Fields: fes})
		return
	}
	// Storage checks the version, the reason, the case's rules and the
	// closed-case rules, all in one answer.
	if correcting {
		err = s.correct(r.Context(), edited, strings.TrimSpace(reason))
	} else {
		err = s.db.UpdateCase(r.Context(), edited)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	fresh, err := s.db.FindCaseByID(r.Context(), c.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, fresh)
}

// apiPatchCase corrects a case's own attributes and identifiers: the body
// holds version, reason and the fields to change (identifiers merged
// field by field).
func (s *Server) apiPatchCase(w http.ResponseWriter, r *http.Request) {
	s.apiEdit(w, r, true, func(c *nrm.Case, body map[string]json.RawMessage, _ string) error {
		return nrm.PatchCase(c, body)
	})
}

// apiPatchFact corrects one fact (its fields merged onto the stored
// fact) or, with "void": true, removes it; both need a reason.
func (s *Server) apiPatchFact(w http.ResponseWriter, r *http.Request) {
	k, ok := factKinds[r.PathValue("kind")]
	fid, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if !ok || err != nil || fid <= 0 {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	s.apiEdit(w, r, true, func(c *nrm.Case, body map[string]json.RawMessage, _ string) error {
		void := false
		if raw, ok := body["void"]; ok {
			if err := json.Unmarshal(raw, &void); err != nil {
				return &nrm.Error{Code: nrm.EINVALID, Message: "void must be true or false.", Fields: []nrm.FieldError{fieldErr("void", nrm.RuleFormat, "", "true, false")}}
			}
			delete(body, "void")
		}
		if void {
			if len(body) > 0 {
				return &nrm.Error{Code: nrm.EINVALID, Message: "A void carries no fields.", Fields: []nrm.FieldError{fieldErr("void", nrm.RuleNotAllowed, "", "only version and reason with void")}}
			}
			return nrm.VoidFact(c, k.Kind, fid)
		}
		return nrm.PatchFact(c, k.Kind, fid, body)
	})
}

// apiReopen reopens a closed case: {version, date, reason}.
func (s *Server) apiReopen(w http.ResponseWriter, r *http.Request) {
	s.apiEdit(w, r, false, func(c *nrm.Case, body map[string]json.RawMessage, reason string) error {
		var in struct {
			Date nrm.Date `json:"date"`
		}
		raw, _ := json.Marshal(body)
		if err := decodeStrict(raw, &in); err != nil {
			return err
		}
		return c.Reopen(in.Date, reason)
	})
}

// fieldView is one input of a correction form, for the "field" template.
type fieldView struct {
	P *correctPage
	F *form
	X formField
}

// Input binds a field of the correction form to the page and the form.
func (p *correctPage) Input(x formField) fieldView { return fieldView{P: p, F: p.Form, X: x} }

// FieldLabel returns the label of a form field in the page language.
func (p *correctPage) FieldLabel(x formField) string {
	if x.Label != "" {
		return p.T(x.Label)
	}
	return p.Field(x.Name)
}
