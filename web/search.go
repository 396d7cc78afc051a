package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"nrm"
)

// Person search, the duplicate notice and case merge. The search form
// posts: what is searched for never appears in an address (and so never
// in an access log, a browser history or a Referer header), and the
// results page repeats the query only in the form's fields.

func (s *Server) searchRoutes() {
	s.route("GET /search", 0, caseRoles, s.searchForm)
	s.route("POST /search", maxFormBytes, caseRoles, s.searchRun)
	s.route("POST /cases/{id}/merge", maxFormBytes, adminRoles, s.caseMerge)
	s.route("POST /api/v1/search", maxFormBytes, caseRoles, s.apiSearch)
	s.route("GET /api/v1/cases/{id}/duplicates", 0, caseRoles, s.apiDuplicates)
	s.route("POST /api/v1/cases/{id}/merge", maxFormBytes, adminRoles, s.apiMerge)
}

// searchPage is the person search: the form and, after a search, its
// hits.
type searchPage struct {
	page
	Form     *form
	Hits     []*nrm.SearchHit
	Searched bool
	orgs     map[string]string
	country  map[string]string
}

// OrgName returns an organisation's name, or its code.
func (p *searchPage) OrgName(code string) string {
	if n, ok := p.orgs[code]; ok {
		return n
	}
	return code
}

// CountryName returns a country's name in the page's language, or its
// code.
func (p *searchPage) CountryName(code string) string {
	if n, ok := p.country[code]; ok {
		return n
	}
	if code == "" {
		return "–"
	}
	return code
}

func (s *Server) newSearchPage(w http.ResponseWriter, r *http.Request, f *form) *searchPage {
	lang := langOf(r)
	p := &searchPage{page: s.newPage(w, r, tr(lang, "search.title")), Form: f}
	_, p.orgs = s.organisations(r.Context(), lang)
	_, p.country = s.countries(r.Context(), lang)
	return p
}

func (s *Server) searchForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "search", s.newSearchPage(w, r, newForm(nil)))
}

// searchQueryOf reads the search form.
func searchQueryOf(p *parser) nrm.SearchQuery {
	return nrm.SearchQuery{Name: p.str("name"), BirthDate: p.date("birth_date"), Document: p.str("document"), Phone: p.str("phone")}
}

func (s *Server) searchRun(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	p := &parser{v: r.PostForm}
	q := searchQueryOf(p)
	err := p.err()
	if err == nil {
		err = q.Validate()
	}
	var hits []*nrm.SearchHit
	if err == nil {
		hits, err = s.db.SearchCases(r.Context(), q)
	}
	f := newForm(r.PostForm)
	f.Values.Del("csrf")
	if err != nil {
		if code := nrm.ErrorCode(err); code != nrm.EINVALID {
			s.fail(w, r, err)
			return
		}
		f.addErr(err, lang)
		s.render(w, r, httpStatus(err), "search", s.newSearchPage(w, r, f))
		return
	}
	pg := s.newSearchPage(w, r, f)
	pg.Hits, pg.Searched = hits, true
	s.render(w, r, http.StatusOK, "search", pg)
}

// apiSearch is POST /api/v1/search: a JSON SearchQuery in, the hits out.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var q nrm.SearchQuery
	if err := decodeJSON(r, &q); err != nil {
		s.apiError(w, r, err)
		return
	}
	hits, err := s.db.SearchCases(r.Context(), q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if hits == nil {
		hits = []*nrm.SearchHit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": hits, "limit": nrm.MaxSearchHits})
}

// duplicateNotice is a possible duplicate as the API reports it.
type duplicateNotice struct {
	Org     string `json:"org"`
	Message string `json:"message"`
}

func duplicateNotices(dups []nrm.PossibleDuplicate, lang nrm.Lang) []duplicateNotice {
	out := []duplicateNotice{}
	for _, d := range dups {
		out = append(out, duplicateNotice{Org: d.Org, Message: d.Message(lang)})
	}
	return out
}

// apiDuplicates is GET /api/v1/cases/{id}/duplicates: the organisations
// that may hold another case about the same person (audited when any).
func (s *Server) apiDuplicates(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	dups, err := s.db.PossibleDuplicates(r.Context(), id, "check")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"possible_duplicates": duplicateNotices(dups, langOf(r))})
}

// possibleDuplicatesHeaderName carries, on the answer to a case created
// through the API, the organisations that may already hold a case about
// the person (the body stays the case as stored).
const possibleDuplicatesHeaderName = "Nrm-Possible-Duplicates"

// noteDuplicatesAPI sets the possible-duplicates header after a case was
// created through the API. A failed check does not fail the creation.
func (s *Server) noteDuplicatesAPI(w http.ResponseWriter, r *http.Request, id int64) {
	s.noteDuplicatesAPIAt(w, r, id, "registration")
}

// noteReferralDuplicatesAPI sets the possible-duplicates header after a
// referral was accepted through the API, for the referral's case.
func (s *Server) noteReferralDuplicatesAPI(w http.ResponseWriter, r *http.Request, referralID int64) {
	ref, err := s.cfg.Referrals.FindReferral(r.Context(), referralID)
	if err != nil {
		s.logInternal(r, err)
		return
	}
	s.noteDuplicatesAPIAt(w, r, ref.CaseID, "referral")
}

// noteDuplicatesAPIAt is noteDuplicatesAPI for a check at event.
func (s *Server) noteDuplicatesAPIAt(w http.ResponseWriter, r *http.Request, id int64, event string) {
	dups, err := s.db.PossibleDuplicates(r.Context(), id, event)
	if err != nil {
		s.logInternal(r, err)
		return
	}
	var orgs []string
	for _, d := range dups {
		orgs = append(orgs, d.Org)
	}
	if len(orgs) > 0 {
		w.Header().Set(possibleDuplicatesHeaderName, strings.Join(orgs, ", "))
	}
}

// duplicatesQuery returns the query suffix that makes the case page show
// the duplicate notice after a case was registered through the form:
// organisation codes only, "" when there is no possible duplicate.
func (s *Server) duplicatesQuery(r *http.Request, id int64) string {
	return s.duplicatesQueryAt(r, id, "registration")
}

// duplicatesQueryAt is duplicatesQuery for a check at event
// ("registration", "referral").
func (s *Server) duplicatesQueryAt(r *http.Request, id int64, event string) string {
	dups, err := s.db.PossibleDuplicates(r.Context(), id, event)
	if err != nil {
		s.logInternal(r, err)
		return ""
	}
	var orgs []string
	for _, d := range dups {
		orgs = append(orgs, d.Org)
	}
	if len(orgs) == 0 {
		return ""
	}
	return "&dup=" + strings.Join(orgs, ",")
}

// DuplicateNotices returns the duplicate notices of the case page: for
// each organisation named in the address (known organisations only, so
// that the address cannot put other text on the page), the notice in the
// page's language.
func (p *casePage) DuplicateNotices() []string {
	var out []string
	for _, code := range p.DuplicateOrgs {
		if _, ok := p.orgs[code]; !ok {
			continue
		}
		out = append(out, nrm.PossibleDuplicate{Org: p.OrgName(code)}.Message(p.Lang))
	}
	return out
}

// IsAdmin reports whether the user may merge cases.
func (p *casePage) IsAdmin() bool { return p.User != nil && p.User.Role == nrm.RoleAdmin }

func (s *Server) caseMerge(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx, lang := r.Context(), langOf(r)
	keep, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || keep <= 0 {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	p := &parser{v: r.PostForm}
	ref := p.str("other_ref")
	var fe []nrm.FieldError
	if ref == "" {
		fe = append(fe, fieldErr("other_ref", nrm.RuleRequired, "", ""))
	}
	if r.PostForm.Get("confirm") != "yes" {
		fe = append(fe, fieldErr("confirm", nrm.RuleRequired, "", ""))
	}
	var other *nrm.Case
	if len(fe) == 0 {
		other, err = s.db.FindCaseByRef(ctx, ref)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		_, err = s.db.MergeCases(ctx, keep, other.ID)
	} else {
		err = &nrm.Error{Code: nrm.EINVALID, Message: "The form has invalid fields.", Fields: fe}
	}
	if err != nil {
		code := nrm.ErrorCode(err)
		if code != nrm.EINVALID && code != nrm.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		pg := &errorPage{page: s.newPage(w, r, tr(lang, "merge.refused")), Status: httpStatus(err)}
		pg.Message = tr(lang, "merge.invalid")
		if code == nrm.ECONFLICT {
			pg.Message = tr(lang, "merge.conflict")
		}
		for _, f := range nrm.FieldErrors(err) {
			pg.Fields = append(pg.Fields, f.Message(lang))
		}
		s.render(w, r, httpStatus(err), "error", pg)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?merged=1", keep), http.StatusSeeOther)
}

// apiMerge is POST /api/v1/cases/{id}/merge with {"other": id}: the case
// merged.
func (s *Server) apiMerge(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	keep, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || keep <= 0 {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	var body struct {
		Other int64 `json:"other"`
	}
	if err := decodeJSON(r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.db.MergeCases(r.Context(), keep, body.Other)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// Limit is the most hits a search shows.
func (p *searchPage) Limit() int { return nrm.MaxSearchHits }
