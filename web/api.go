package web

import (
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"nrm"
)

//go:embed openapi.json
var openAPI []byte

func (s *Server) apiRoutes() {
	s.route("GET /api/v1/openapi.json", 0, anyone, s.apiOpenAPI)
	s.route("GET /api/v1/cases", 0, caseRoles, s.apiListCases)
	s.route("POST /api/v1/cases", maxFormBytes, caseRoles, s.apiCreateCase)
	s.route("GET /api/v1/cases/{id}", 0, caseRoles, s.apiGetCase)
	s.route("PUT /api/v1/cases/{id}", maxFormBytes, caseRoles, s.apiUpdateCase)
	s.apiCorrectionRoutes()
	s.route("GET /api/v1/stats", 0, statsRoles, s.apiStats)
	s.route("GET /api/v1/plans", 0, signedIn, s.apiPlans)
	s.route("/api/", 0, anyone, s.apiNotFound)
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openAPI)
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
}

// apiCheckCSRF guards writes authenticated by the session cookie: the
// browser must echo the session's CSRF token in X-CSRF-Token. Bearer
// tokens are not sent by browsers on their own and need no such check.
func (s *Server) apiCheckCSRF(w http.ResponseWriter, r *http.Request) bool {
	st := state(r)
	if st.bearer {
		return true
	}
	got := r.Header.Get("X-CSRF-Token")
	if st.session == nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sessionCSRF(st))) != 1 {
		s.apiError(w, r, &nrm.Error{Code: nrm.EFORBIDDEN, Message: "missing or wrong X-CSRF-Token"})
		return false
	}
	return true
}

// caseListResponse is the answer of GET /api/v1/cases.
type caseListResponse struct {
	Total  int                `json:"total"`
	Offset int                `json:"offset"`
	Limit  int                `json:"limit"`
	Cases  []*nrm.CaseSummary `json:"cases"`
}

func (s *Server) apiListCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := nrm.CaseFilter{Search: q.Get("search"), Ref: q.Get("ref"), OwnerOrg: q.Get("owner_org"), Nationality: strings.ToUpper(q.Get("nationality")),
		Gender: nrm.Gender(q.Get("gender")), Outcome: nrm.Outcome(q.Get("outcome")), Authority: nrm.Authority(q.Get("authority"))}
	p := &parser{v: q}
	f.IdentifiedYear = p.integer("identified_year")
	if f.Gender != "" {
		p.code("gender", "gender", false)
	}
	if f.Outcome != "" {
		p.code("outcome", "assessment_outcome", false)
	}
	if f.Authority != "" {
		p.code("authority", "authority", false)
	}
	switch q.Get("open") {
	case "":
	case "true":
		t := true
		f.Open = &t
	case "false":
		t := false
		f.Open = &t
	default:
		p.errors = append(p.errors, fieldErr("open", nrm.RuleOneOf, q.Get("open"), "true, false"))
	}
	f.Today = nrm.DateOf(s.now())
	parseListFilter(p, &f) // sort, minors, open stays, deadlines, date ranges (caselist.go)
	p.page(&f.Offset, &f.Limit)
	if err := p.err(); err != nil {
		s.apiError(w, r, malformedFields("invalid query", nrm.FieldErrors(err)))
		return
	}
	cases, total, err := s.db.FindCases(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if cases == nil {
		cases = []*nrm.CaseSummary{}
	}
	writeJSON(w, http.StatusOK, caseListResponse{Total: total, Offset: f.Offset, Limit: f.Limit, Cases: cases})
}

var unknownField = regexp.MustCompile(`^json: unknown field "([^"]*)"$`)

// decodeJSON reads one JSON object strictly: unknown fields, trailing
// data and wrong types are refused with the field named.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return malformedFields("Content-Type must be application/json",
			[]nrm.FieldError{fieldErr("Content-Type", nrm.RuleOneOf, ct, "application/json")})
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return malformed("The body must hold exactly one JSON object.")
		}
		return nil
	}
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var synErr *json.SyntaxError
	switch {
	case errors.As(err, &tooLarge):
		return tooLargeError()
	case nrm.ErrorCode(err) == nrm.EINVALID && len(nrm.FieldErrors(err)) > 0:
		return err // a code or date that did not parse, already named
	case errors.As(err, &typeErr):
		return malformedFields("A field has the wrong type.",
			[]nrm.FieldError{fieldErr(typeErr.Field, nrm.RuleFormat, typeErr.Value, typeErr.Type.String())})
	case errors.As(err, &synErr):
		return malformedFields("The body is not valid JSON.",
			[]nrm.FieldError{fieldErr("body", nrm.RuleFormat, fmt.Sprintf("offset %d", synErr.Offset), "JSON")})
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return malformedFields("The body has an unknown field.", []nrm.FieldError{fieldErr(m[1], nrm.RuleNotAllowed, "", "a documented field")})
	}
	return malformed("The body is not valid JSON.")
}

func (s *Server) apiCreateCase(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var c nrm.Case
	if err := decodeJSON(r, &c); err != nil {
		s.apiError(w, r, err)
		return
	}
	c.ID, c.Version = 0, 0
	if err := s.db.CreateCase(r.Context(), &c); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.noteDuplicatesAPI(w, r, c.ID) // a notice in a header, not a refusal (search.go)
	w.Header().Set("Location", fmt.Sprintf("/api/v1/cases/%d", c.ID))
	writeJSON(w, http.StatusCreated, &c)
}

func (s *Server) apiGetCase(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// apiUpdateCase replaces a case. The body must carry the version it was
// read at; a stale version is refused with 409.
func (s *Server) apiUpdateCase(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	var c nrm.Case
	if err := decodeJSON(r, &c); err != nil {
		s.apiError(w, r, err)
		return
	}
	if c.ID != 0 && c.ID != id {
		s.apiError(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "The id in the body differs from the URL.",
			Fields: []nrm.FieldError{fieldErr("id", nrm.RuleNotAllowed, strconv.FormatInt(c.ID, 10), strconv.FormatInt(id, 10))}})
		return
	}
	if c.Version <= 0 {
		s.apiError(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "The version is required.",
			Fields: []nrm.FieldError{fieldErr("version", nrm.RuleRequired, "", "the version the case was read at")}})
		return
	}
	c.ID = id
	// Only the owning organisation (or an administrator) decides whom the
	// case is shared with; the forms never change the shares.
	if err := s.db.CheckShareChange(r.Context(), id, c.SharedWith); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.db.UpdateCase(r.Context(), &c); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &c)
}

// apiStats returns the statistics contract for ?year= and ?cutoff=.
// Analysts get it with disclosure control (through the renderer), never
// raw.
func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("year") == "" {
		s.apiError(w, r, malformedFields("year is required", []nrm.FieldError{fieldErr("year", nrm.RuleRequired, "", "a year, e.g. 2011")}))
		return
	}
	q, k, err := s.statsQuery(r)
	if err != nil {
		if nrm.ErrorCode(err) == nrm.EINVALID {
			err = malformedFields("invalid query", nrm.FieldErrors(err))
		}
		s.apiError(w, r, err) // a refusal stays 403
		return
	}
	if k > 1 {
		if s.cfg.Render == nil {
			s.apiError(w, r, nrm.Errorf(nrm.EFORBIDDEN, "disclosure-controlled statistics are not available"))
			return
		}
		body, ct, err := s.cfg.Render(r.Context(), "json", q, langOf(r), k, "")
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Write(body)
		return
	}
	// The cached JSON of the statistics, written as it is (compact).
	body, err := s.db.StatisticsJSON(r.Context(), q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

func (s *Server) apiPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := s.cfg.Plans.FindPlans(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if plans == nil {
		plans = []*nrm.Plan{}
	}
	writeJSON(w, http.StatusOK, plans)
}
