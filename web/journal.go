package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nrm"
)

// The case journal and documents: a section of the case page (its own
// partial template, _case_journal.html) with the journal's form and
// entries, newest first, and the documents' upload form and list; the
// handlers of its forms; and the API under /api/v1/cases/{id}/journal
// and /documents. Storage checks who may see the case and audits every
// read and write.

func (s *Server) journalRoutes() {
	s.route("POST /cases/{id}/journal", maxFormBytes, caseRoles, s.caseAddJournal)
	s.route("GET /cases/{id}/journal", 0, caseRoles, s.caseFileBack)
	s.route("GET /api/v1/cases/{id}/journal", 0, caseRoles, s.apiJournal)
	s.route("POST /api/v1/cases/{id}/journal", maxFormBytes, caseRoles, s.apiAddJournal)
	s.documentRoutes()
}

// caseFileBack brings a browser that reloads or switches language on the
// address a journal or document form posted to back to the case.
func (s *Server) caseFileBack(w http.ResponseWriter, r *http.Request) {
	id, ok := caseFileID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	localRedirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
}

// caseFileID parses a positive numeric path value.
func caseFileID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// journalSection is the journal and documents section of the case page.
type journalSection struct {
	page
	Case      *nrm.Case
	Entries   []*nrm.JournalEntry
	Documents []*nrm.Document
	// Form and Upload are the journal's and the upload's forms, with the
	// values and errors of a refused post.
	Form   *form
	Upload *form
	// CanDelete: administrators and the owning organisation delete
	// documents.
	CanDelete bool
	MaxMB     int64
	Today     string
	// Unavailable is set when the journal could not be read.
	Unavailable bool
}

// Lines splits a note into its lines, for line breaks on the page.
func (j *journalSection) Lines(s string) []string { return strings.Split(s, "\n") }

// KB renders a size in kilobytes (at least 1).
func (j *journalSection) KB(n int64) string { return strconv.FormatInt(max(1, (n+999)/1000), 10) }

// Kind names a document's type for people: PDF, JPEG, PNG.
func (j *journalSection) Kind(contentType string) string {
	if contentType == nrm.DocumentJPEG {
		return "JPEG"
	}
	return strings.ToUpper(nrm.DocumentExt(contentType))
}

// Day renders the day of a time in the page's language.
func (j *journalSection) Day(t time.Time) string { return j.Date(nrm.DateOf(t)) }

// Author renders who wrote an entry: the username and organisation.
func (j *journalSection) Author(user, org string) string {
	if org == "" {
		return user
	}
	return user + " (" + org + ")"
}

// journalSection reads the journal and documents of c for its page
// (one audited read); failed names a refused form of the section
// ("journal", "document") and f carries its values and errors.
func (s *Server) journalSection(pg page, r *http.Request, c *nrm.Case, failed string, f *form) *journalSection {
	ctx := r.Context()
	today := nrm.DateOf(s.now()).String()
	j := &journalSection{page: pg, Case: c, Today: today, MaxMB: s.db.DocumentMaxBytes(ctx) / 1_000_000,
		Form: newForm(nil), Upload: newForm(nil)}
	j.Form.Values.Set("journal_date", today)
	if u := pg.User; u != nil {
		j.CanDelete = u.Role == nrm.RoleAdmin || u.Org == c.OwnerOrg
	}
	switch failed {
	case "journal":
		j.Form = f
	case "document":
		j.Upload = f
	}
	file, err := s.db.FindCaseFile(ctx, c.ID)
	if err != nil {
		s.logInternal(r, err)
		j.Unavailable = true
		return j
	}
	j.Entries, j.Documents = file.Journal, file.Documents
	return j
}

// caseAddJournal appends a note to the case's journal.
func (s *Server) caseAddJournal(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, ok := caseFileID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	p := &parser{v: r.PostForm}
	e := &nrm.JournalEntry{Text: r.PostForm.Get("journal_text"), Date: p.date("journal_date")}
	if v := p.str("journal_corrects"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.errors = append(p.errors, fieldErr("journal_corrects", nrm.RuleFormat, v, "a number"))
		}
		e.Corrects = n
	}
	err := p.err()
	if err == nil {
		err = s.db.AddJournalEntry(r.Context(), id, e)
	}
	if err != nil {
		s.caseFileRefused(w, r, id, "journal", err)
		return
	}
	localRedirect(w, r, fmt.Sprintf("/cases/%d#journal", id), http.StatusSeeOther)
}

// caseFileRefused shows the case page again with the refused form of the
// section and its messages; a refusal that is not about the form's
// fields (no such case, no right) is the error page.
func (s *Server) caseFileRefused(w http.ResponseWriter, r *http.Request, id int64, failed string, err error) {
	if nrm.ErrorCode(err) != nrm.EINVALID {
		s.fail(w, r, err)
		return
	}
	c, cerr := s.db.FindCaseByID(r.Context(), id)
	if cerr != nil {
		s.fail(w, r, cerr)
		return
	}
	f := newForm(r.PostForm)
	f.addErr(err, langOf(r))
	s.renderCase(w, r, httpStatus(err), c, failed, f)
}

// journalResponse is the answer of GET /api/v1/cases/{id}/journal.
type journalResponse struct {
	CaseID  int64               `json:"case_id"`
	Entries []*nrm.JournalEntry `json:"entries"`
}

func (s *Server) apiJournal(w http.ResponseWriter, r *http.Request) {
	id, ok := caseFileID(r, "id")
	if !ok {
		s.apiNotFound(w, r)
		return
	}
	entries, err := s.db.FindJournal(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if entries == nil {
		entries = []*nrm.JournalEntry{}
	}
	writeJSON(w, http.StatusOK, journalResponse{CaseID: id, Entries: entries})
}

// journalRequest is the body of POST /api/v1/cases/{id}/journal.
type journalRequest struct {
	Date     nrm.Date `json:"date,omitzero"`
	Text     string   `json:"text"`
	Corrects int64    `json:"corrects,omitempty"`
}

func (s *Server) apiAddJournal(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, ok := caseFileID(r, "id")
	if !ok {
		s.apiNotFound(w, r)
		return
	}
	var req journalRequest
	if err := decodeJSON(r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	e := &nrm.JournalEntry{Date: req.Date, Text: req.Text, Corrects: req.Corrects}
	if err := s.db.AddJournalEntry(r.Context(), id, e); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/cases/%d/journal", id))
	writeJSON(w, http.StatusCreated, e)
}
