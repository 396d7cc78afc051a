package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"nrm"
	"nrm/disclosure"
)

// EditionPublisher publishes the next edition of q.Year with threshold k
// as the user of ctx (cmd nrm publish, wired by the command line); lang is
// the language of a refusal.
type EditionPublisher func(ctx context.Context, q nrm.StatsQuery, k int, lang nrm.Lang) (*nrm.Edition, error)

// editionRoutes registers the editions' pages and API. Editions are
// public-safe: everyone who may see published statistics may list and
// download them; only users with statistics clearance publish.
func (s *Server) editionRoutes() {
	s.route("GET /stats/editions", 0, statsRoles, s.editionList)
	s.route("POST /stats/editions", maxFormBytes, statsRoles, s.editionPublish)
	s.route("GET /stats/editions/{year}/{number}/{format}", 0, statsRoles, s.editionDownload)
	s.route("GET /api/v1/editions", 0, statsRoles, s.apiEditions)
	s.route("POST /api/v1/editions", maxFormBytes, statsRoles, s.apiPublishEdition)
	s.route("GET /api/v1/editions/{year}/{number}", 0, statsRoles, s.apiEdition)
	s.route("GET /api/v1/editions/{year}/{number}/{format}", 0, statsRoles, s.editionDownload)
}

// withEditions answers published renders (k > 1) of a year with an
// edition from the edition's stored files (nrm.EditionFor) instead of
// recomputing them: the dashboard's downloads and the API's published
// statistics.
func (s *Server) withEditions(inner ReportRenderer) ReportRenderer {
	if inner == nil {
		return nil
	}
	return func(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) ([]byte, string, error) {
		f, err := nrm.PublishedFile(ctx, s.db, q, k, format, lang)
		if err != nil {
			return nil, "", err
		}
		if f != nil {
			return f.Body, f.ContentType, nil
		}
		return inner(ctx, format, q, lang, k, period)
	}
}

// editionFor is the edition answering a published view, or nil.
func (s *Server) editionFor(ctx context.Context, q nrm.StatsQuery, k int) (*nrm.Edition, error) {
	es, err := s.db.FindEditions(ctx, q.Year)
	if err != nil {
		return nil, err
	}
	return nrm.EditionFor(es, q, k), nil
}

// editionsPage lists a year's editions.
type editionsPage struct {
	page
	Year       int
	Years      []int
	Editions   []*nrm.Edition
	CanPublish bool
	Cutoff     string
	Error      string
	Formats    []string
}

// editionYear reads ?year= (default: the latest year with data).
func (s *Server) editionYear(r *http.Request, v string) (int, error) {
	if v = strings.TrimSpace(v); v == "" {
		return s.latestYear(r), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1900 || n > 2200 {
		return 0, &nrm.Error{Code: nrm.EINVALID, Message: "invalid year",
			Fields: []nrm.FieldError{fieldErr("year", nrm.RuleFormat, v, "a year, e.g. 2011")}}
	}
	return n, nil
}

// editionList is the editions page of a year: each edition with its
// cut-off, threshold, time, user, content hash and downloads, and the
// publish form for users with statistics clearance.
func (s *Server) editionList(w http.ResponseWriter, r *http.Request) {
	year, err := s.editionYear(r, r.URL.Query().Get("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderEditions(w, r, http.StatusOK, year, "")
}

func (s *Server) renderEditions(w http.ResponseWriter, r *http.Request, status, year int, problem string) {
	lang := langOf(r)
	es, err := s.db.FindEditions(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.db.FindEditions(r.Context(), 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &editionsPage{page: s.newPage(w, r, tr(lang, "edition.title")), Year: year, Editions: es, Error: problem,
		CanPublish: s.cfg.Publish != nil && s.statsCleared(r), Cutoff: nrm.DefaultCutoff(year).String(), Formats: nrm.EditionFormats}
	years := map[int]bool{year: true, s.now().Year() - 1: true}
	for _, e := range all {
		years[e.Year] = true
	}
	for y := range years {
		p.Years = append(p.Years, y)
	}
	slices.Sort(p.Years)
	slices.Reverse(p.Years)
	if n := r.URL.Query().Get("published"); n != "" {
		p.Notice = fmt.Sprintf(tr(lang, "edition.published_notice"), n, year)
	}
	s.render(w, r, status, "editions", p)
}

// publishRequest is the body of POST /api/v1/editions.
type publishRequest struct {
	Year   int    `json:"year"`
	Cutoff string `json:"cutoff,omitempty"`
}

// publishQuery checks a publication request.
func publishQuery(year int, cutoff string) (nrm.StatsQuery, error) {
	q := nrm.StatsQuery{Year: year}
	var fe []nrm.FieldError
	if year < 1900 || year > 2200 {
		fe = append(fe, fieldErr("year", nrm.RuleRange, strconv.Itoa(year), "1900-2200"))
	}
	if c := strings.TrimSpace(cutoff); c != "" {
		d, err := nrm.ParseDate(c)
		if err != nil || d.Year() < year {
			fe = append(fe, fieldErr("cutoff_date", nrm.RuleFormat, c, fmt.Sprintf("YYYY-MM-DD, from %d-01-01", year)))
		}
		q.Cutoff = d
	}
	if len(fe) > 0 {
		return q, &nrm.Error{Code: nrm.EINVALID, Message: "invalid edition", Fields: fe}
	}
	return q.Normalize(), nil
}

// publish publishes an edition for the request's user after checking
// clearance (the store checks it again).
func (s *Server) publish(r *http.Request, q nrm.StatsQuery) (*nrm.Edition, error) {
	if s.cfg.Publish == nil {
		return nil, nrm.Errorf(nrm.ENOTFOUND, "publishing is not available")
	}
	if !s.statsCleared(r) {
		return nil, &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Publishing an edition needs statistics clearance."}
	}
	return s.cfg.Publish(r.Context(), q, publishedK, langOf(r))
}

// editionPublish is the publish button: a confirmed form post.
func (s *Server) editionPublish(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	year, err := s.editionYear(r, r.PostFormValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		s.renderEditions(w, r, http.StatusUnprocessableEntity, year, tr(lang, "edition.confirm_first"))
		return
	}
	q, err := publishQuery(year, r.PostFormValue("cutoff"))
	if err == nil {
		var e *nrm.Edition
		if e, err = s.publish(r, q); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/stats/editions?year=%d&published=%d", e.Year, e.Number), http.StatusSeeOther)
			return
		}
	}
	switch nrm.ErrorCode(err) {
	case nrm.ECONFLICT, nrm.EINVALID:
		msg := nrm.ErrorMessage(err)
		for _, f := range nrm.FieldErrors(err) {
			msg += " " + f.Message(lang)
		}
		s.renderEditions(w, r, http.StatusConflict, year, msg)
	default:
		s.fail(w, r, err)
	}
}

// editionDownload serves a stored file of an edition, a report in the
// request's language (?lang= or the session's).
func (s *Server) editionDownload(w http.ResponseWriter, r *http.Request) {
	year, err1 := strconv.Atoi(r.PathValue("year"))
	number, err2 := strconv.Atoi(r.PathValue("number"))
	format := r.PathValue("format")
	if err1 != nil || err2 != nil || number < 1 || !slices.Contains(nrm.EditionFormats, format) {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "no such edition file"))
		return
	}
	lang := langOf(r)
	if l := r.URL.Query().Get("lang"); l == "da" || l == "en" {
		lang = nrm.Lang(l)
	}
	f, err := s.db.EditionFile(r.Context(), year, number, format, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("%s-%d-%s%d.%s", tr(lang, "stats.file_name"), year, tr(lang, "edition.file_part"), number, format)
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", attachment(name))
	w.Header().Set("X-Content-SHA256", f.SHA256)
	w.Write(f.Body)
}

// editionListResponse is the answer of GET /api/v1/editions.
type editionListResponse struct {
	Editions []*nrm.Edition `json:"editions"`
}

func (s *Server) apiEditions(w http.ResponseWriter, r *http.Request) {
	year := 0
	if v := r.URL.Query().Get("year"); v != "" {
		var err error
		if year, err = s.editionYear(r, v); err != nil {
			s.apiError(w, r, malformedFields("invalid query", nrm.FieldErrors(err)))
			return
		}
	}
	es, err := s.db.FindEditions(r.Context(), year)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if es == nil {
		es = []*nrm.Edition{}
	}
	writeJSON(w, http.StatusOK, editionListResponse{Editions: es})
}

func (s *Server) apiEdition(w http.ResponseWriter, r *http.Request) {
	year, err1 := strconv.Atoi(r.PathValue("year"))
	number, err2 := strconv.Atoi(r.PathValue("number"))
	if err1 != nil || err2 != nil || number < 1 {
		s.apiError(w, r, nrm.Errorf(nrm.ENOTFOUND, "no such edition"))
		return
	}
	e, err := s.db.FindEdition(r.Context(), year, number)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiPublishEdition(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var req publishRequest
	if err := decodeJSON(r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	q, err := publishQuery(req.Year, req.Cutoff)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.publish(r, q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/editions/%d/%d", e.Year, e.Number))
	writeJSON(w, http.StatusCreated, e)
}

// statsCleared reports whether the request's user has statistics
// clearance (nrm.SettingStatisticsClearance): exact national figures, the
// minors' list and arbitrary cut-off dates.
func (s *Server) statsCleared(r *http.Request) bool {
	if currentUser(r) == nil {
		return false
	}
	c, err := s.db.StatisticsClearance(r.Context())
	if err != nil {
		s.logInternal(r, err)
	}
	return c.Allows(nrm.ActorFromContext(r.Context()))
}

// editionChanges lists, for a cleared user's exact view, the published
// numbers of edition e whose exact value now differs (table / row /
// column: published → now), at most max of them.
func editionChanges(e *nrm.Edition, exact []disclosure.CellState, max int) (lines []string, more int) {
	now := map[disclosure.CellKey]int{}
	for _, c := range exact {
		now[c.CellKey] = c.Value
	}
	for _, c := range e.Cells {
		if c.Hidden {
			continue
		}
		v, ok := now[disclosure.CellKey{Table: c.Table, Row: c.Row, Col: c.Col}]
		if !ok || v == c.Value {
			continue
		}
		if len(lines) == max {
			more++
			continue
		}
		lines = append(lines, fmt.Sprintf("%s / %s / %s: %d → %d", c.Table, c.Row, c.Col, c.Value, v))
	}
	return lines, more
}
