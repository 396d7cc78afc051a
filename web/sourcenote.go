package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"nrm"
)

// sourceRoutes registers the page and API of the sources behind the
// statistics: the source notes and the screening figures. Everyone who
// sees statistics reads; the coordinating ministry writes.
func (s *Server) sourceRoutes() {
	s.route("GET /stats/sources", 0, statsRoles, s.sourcesShow)
	s.route("POST /stats/sources/notes", maxFormBytes, planWriters, s.sourceNoteSave)
	s.route("POST /stats/sources/notes/delete", maxFormBytes, planWriters, s.sourceNoteDelete)
	s.route("POST /stats/sources/screenings", maxFormBytes, planWriters, s.screeningSave)
	s.route("POST /stats/sources/screenings/delete", maxFormBytes, planWriters, s.screeningDelete)

	s.route("GET /api/v1/source-notes", 0, statsRoles, s.apiSourceNotes)
	s.route("PUT /api/v1/source-notes", maxFormBytes, planWriters, s.apiPutSourceNote)
	s.route("DELETE /api/v1/source-notes", maxFormBytes, planWriters, s.apiDeleteSourceNote)
	s.route("GET /api/v1/screenings", 0, statsRoles, s.apiScreenings)
	s.route("PUT /api/v1/screenings", maxFormBytes, planWriters, s.apiPutScreening)
	s.route("DELETE /api/v1/screenings", maxFormBytes, planWriters, s.apiDeleteScreening)
}

type sourcesPage struct {
	page
	Year       int
	Notes      []*nrm.SourceNote
	Screenings []*nrm.Screening
	Orgs       []*nrm.Organisation
	Note       *form
	Screening  *form
	CanWrite   bool
}

// NoteText is a note in the page's language.
func (p *sourcesPage) NoteText(n *nrm.SourceNote) string { return n.Text(p.Lang) }

// OrgName is an organisation's name in the page's language.
func (p *sourcesPage) OrgName(code string) string {
	for _, o := range p.Orgs {
		if o.Code == code {
			return p.Pick(o.NameDA, o.NameEN)
		}
	}
	return code
}

// sourcesYear is the year asked for (?year=, or the form's year), else
// last year: the year a status report is written for.
func sourcesYear(r *http.Request) int {
	for _, v := range []string{r.PostFormValue("year"), r.URL.Query().Get("year")} {
		if y, err := strconv.Atoi(v); err == nil && y >= 1900 && y <= 2200 {
			return y
		}
	}
	return time.Now().Year() - 1
}

func (s *Server) sourcesShow(w http.ResponseWriter, r *http.Request) {
	s.renderSources(w, r, http.StatusOK, nil, nil)
}

// renderSources renders the page; note or screening is a form after a
// failed save.
func (s *Server) renderSources(w http.ResponseWriter, r *http.Request, status int, note, screening *form) {
	ctx, lang := r.Context(), langOf(r)
	year := sourcesYear(r)
	notes, err := s.db.FindSourceNotes(ctx, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scr, err := s.db.FindScreenings(ctx, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.db.FindOrganisations(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	p := &sourcesPage{page: s.newPage(w, r, tr(lang, "sources.title")), Year: year, Notes: notes, Screenings: scr, Orgs: orgs,
		Note: note, Screening: screening, CanWrite: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator}
	if p.Note == nil {
		p.Note = newForm(nil)
	}
	if p.Screening == nil {
		p.Screening = newForm(nil)
	}
	s.render(w, r, status, "sources", p)
}

// sourceNoteFromForm reads a source note from the page's form.
func sourceNoteFromForm(p *parser) *nrm.SourceNote {
	return &nrm.SourceNote{Year: p.integer("year"), Section: nrm.StatsSection(p.str("section")), Org: p.str("org"),
		Attributed: p.str("attributed") != "", TextDA: p.str("text_da"), TextEN: p.str("text_en")}
}

// screeningFromForm reads a screening figure from the page's form.
func screeningFromForm(p *parser) *nrm.Screening {
	return &nrm.Screening{Year: p.integer("year"), Org: p.str("org"), Kind: nrm.ScreeningKind(p.str("screening_kind")),
		Group: nrm.ScreeningGroup(p.str("target_group")), Persons: p.integer("persons")}
}

// sourcesErr merges the form's parse errors with the domain's for the
// fields that parsed, and an unregistered organisation: every fault at
// once.
func (s *Server) sourcesErr(r *http.Request, p *parser, verr error, org, msg string) error {
	if org != "" && !slices.ContainsFunc(nrm.FieldErrors(verr), func(f nrm.FieldError) bool { return f.Field == "org" }) {
		orgs, err := s.db.FindOrganisations(r.Context())
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(orgs, func(o *nrm.Organisation) bool { return o.Code == org }) {
			p.errors = append(p.errors, fieldErr("org", nrm.RuleUnknownReference, org, "a registered organisation code"))
		}
	}
	return p.errAlong(verr, msg)
}

func (s *Server) sourcesRedirect(w http.ResponseWriter, r *http.Request, year int, anchor string) {
	http.Redirect(w, r, "/stats/sources?year="+strconv.Itoa(year)+"&saved=1#"+anchor, http.StatusSeeOther)
}

func (s *Server) sourceNoteSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := &parser{v: r.PostForm}
	n := sourceNoteFromForm(p)
	var err error
	if len(p.errors) > 0 {
		err = s.sourcesErr(r, p, n.Validate(), n.Org, "The source note has invalid fields.")
	} else {
		err = s.db.SaveSourceNote(r.Context(), n)
	}
	switch nrm.ErrorCode(err) {
	case "":
		s.sourcesRedirect(w, r, n.Year, "notes")
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(err, langOf(r))
		s.renderSources(w, r, http.StatusUnprocessableEntity, f, nil)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) sourceNoteDelete(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	year := sourcesYear(r)
	if err := s.db.DeleteSourceNote(r.Context(), year, nrm.StatsSection(r.PostFormValue("section")), r.PostFormValue("org")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sourcesRedirect(w, r, year, "notes")
}

func (s *Server) screeningSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := &parser{v: r.PostForm}
	sc := screeningFromForm(p)
	var err error
	if len(p.errors) > 0 {
		err = s.sourcesErr(r, p, sc.Validate(), sc.Org, "The screening figure has invalid fields.")
	} else {
		err = s.db.SaveScreening(r.Context(), sc)
	}
	switch nrm.ErrorCode(err) {
	case "":
		s.sourcesRedirect(w, r, sc.Year, "screenings")
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(err, langOf(r))
		s.renderSources(w, r, http.StatusUnprocessableEntity, nil, f)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) screeningDelete(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	year := sourcesYear(r)
	err := s.db.DeleteScreening(r.Context(), year, r.PostFormValue("org"), nrm.ScreeningKind(r.PostFormValue("screening_kind")),
		nrm.ScreeningGroup(r.PostFormValue("target_group")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sourcesRedirect(w, r, year, "screenings")
}

// apiYear reads the optional ?year= of a list (0: every year).
func apiYear(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > 2200 {
		return 0, &nrm.Error{Code: nrm.EINVALID, Message: "The form has invalid fields.",
			Fields: []nrm.FieldError{fieldErr("year", nrm.RuleRange, v, "a year between 1900 and 2200")}}
	}
	return y, nil
}

func (s *Server) apiSourceNotes(w http.ResponseWriter, r *http.Request) {
	y, err := apiYear(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	notes, err := s.db.FindSourceNotes(r.Context(), y)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, notes)
}

// apiPutSourceNote creates or replaces the note of its year, section and
// organisation.
func (s *Server) apiPutSourceNote(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var n nrm.SourceNote
	if err := decodeJSON(r, &n); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.db.SaveSourceNote(r.Context(), &n); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &n)
}

func (s *Server) apiDeleteSourceNote(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	q := r.URL.Query()
	y, _ := strconv.Atoi(q.Get("year"))
	if err := s.db.DeleteSourceNote(r.Context(), y, nrm.StatsSection(q.Get("section")), q.Get("org")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiScreenings(w http.ResponseWriter, r *http.Request) {
	y, err := apiYear(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rows, err := s.db.FindScreenings(r.Context(), y)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rows)
}

// apiPutScreening creates or replaces the figure of its year,
// organisation, kind and group.
func (s *Server) apiPutScreening(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var sc nrm.Screening
	if err := decodeJSON(r, &sc); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.db.SaveScreening(r.Context(), &sc); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &sc)
}

func (s *Server) apiDeleteScreening(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	q := r.URL.Query()
	y, _ := strconv.Atoi(q.Get("year"))
	if err := s.db.DeleteScreening(r.Context(), y, q.Get("org"), nrm.ScreeningKind(q.Get("kind")), nrm.ScreeningGroup(q.Get("group"))); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
