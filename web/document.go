package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"nrm"
)

// Documents of a case: upload (a multipart form on the case page, or the
// API), download under a generic name, deletion. The content is read
// into memory within the size limit in force — never spooled to a
// temporary file, where it would lie in clear — and judged by its bytes
// (nrm.CheckDocument), not by its name or declared type.

// uploadSlack is what a multipart upload may carry beyond the document:
// the boundaries, headers and the CSRF token.
const uploadSlack = 64 << 10

// maxDocumentBody bounds an upload's body at the largest limit the
// setting can take; each request is then held to the limit in force.
const maxDocumentBody = nrm.MaxDocumentsMaxMB*1_000_000 + uploadSlack

func (s *Server) documentRoutes() {
	s.route("POST /cases/{id}/documents", maxDocumentBody, caseRoles, s.caseUploadDocument)
	s.route("GET /cases/{id}/documents", 0, caseRoles, s.caseFileBack)
	s.route("GET /cases/{id}/documents/{did}", 0, caseRoles, s.caseDownloadDocument)
	s.route("POST /cases/{id}/documents/{did}/delete", maxFormBytes, caseRoles, s.caseDeleteDocument)
	s.route("GET /api/v1/cases/{id}/documents", 0, caseRoles, s.apiDocuments)
	s.route("POST /api/v1/cases/{id}/documents", maxDocumentBody, caseRoles, s.apiUploadDocument)
	s.route("GET /api/v1/cases/{id}/documents/{did}", 0, caseRoles, s.caseDownloadDocument)
	s.route("DELETE /api/v1/cases/{id}/documents/{did}", 0, caseRoles, s.apiDeleteDocument)
}

// upload is a read multipart upload: the file's name and content and the
// small form fields beside it.
type upload struct {
	name   string
	data   []byte
	fields map[string]string
}

// readUpload reads a multipart/form-data body with one file in the part
// named "document" (or "file"), holding at most limit+1 bytes of it: a
// larger file is cut there, so that CheckDocument refuses it with the
// limit named, without reading it all. The request body as a whole is
// held to limit plus uploadSlack.
func readUpload(w http.ResponseWriter, r *http.Request, limit int64) (*upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, malformedFields("The upload must be a multipart/form-data form with the file in the field document.",
			[]nrm.FieldError{fieldErr("Content-Type", nrm.RuleOneOf, "", "multipart/form-data")})
	}
	u := &upload{fields: map[string]string{}}
	found := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, uploadReadError(err)
		}
		switch name := part.FormName(); {
		case (name == "document" || name == "file") && !found:
			found = true
			u.name = part.FileName()
			var b bytes.Buffer
			if _, err := io.Copy(&b, io.LimitReader(part, limit+1)); err != nil {
				return nil, uploadReadError(err)
			}
			u.data = b.Bytes()
			if int64(len(u.data)) > limit {
				return u, nil // refused by CheckDocument; the rest is not read
			}
		case name != "":
			v, err := io.ReadAll(io.LimitReader(part, 4096))
			if err != nil {
				return nil, uploadReadError(err)
			}
			u.fields[name] = string(v)
		}
		part.Close()
	}
	return u, nil
}

func uploadReadError(err error) error {
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		return tooLargeError()
	}
	return malformed("The form could not be read.")
}

// caseUploadDocument stores a document posted from the case page.
func (s *Server) caseUploadDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := caseFileID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := readUpload(w, r, s.db.DocumentMaxBytes(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.checkCSRF(r, u.fields["csrf"]) {
		s.csrfFailed(w, r)
		return
	}
	if _, err := s.db.AddDocument(r.Context(), id, u.name, u.data); err != nil {
		// The re-shown form keeps no value: a file input cannot be
		// prefilled, and the file's name is not echoed.
		r.PostForm = nil
		s.caseFileRefused(w, r, id, "document", err)
		return
	}
	localRedirect(w, r, fmt.Sprintf("/cases/%d#documents", id), http.StatusSeeOther)
}

// caseDownloadDocument sends a document's content as an attachment named
// document-ID.ext, in the type found at upload; the download is audited
// before the first byte is sent.
func (s *Server) caseDownloadDocument(w http.ResponseWriter, r *http.Request) {
	id, ok1 := caseFileID(r, "id")
	did, ok2 := caseFileID(r, "did")
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	doc, data, err := s.db.OpenDocument(r.Context(), id, did)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", doc.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName()}))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	// Opened in the browser by mistake, the file runs nothing.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	clear(data)
}

// caseDeleteDocument removes a document (administrators and the owning
// organisation) after the user confirmed it.
func (s *Server) caseDeleteDocument(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, ok1 := caseFileID(r, "id")
	did, ok2 := caseFileID(r, "did")
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		s.caseFileRefused(w, r, id, "document", &nrm.Error{Code: nrm.EINVALID, Message: "Confirm the deletion.",
			Fields: []nrm.FieldError{fieldErr("confirm", nrm.RuleRequired, "", "")}})
		return
	}
	if err := s.db.DeleteDocument(r.Context(), id, did); err != nil {
		s.fail(w, r, err)
		return
	}
	localRedirect(w, r, fmt.Sprintf("/cases/%d#documents", id), http.StatusSeeOther)
}

// documentsResponse is the answer of GET /api/v1/cases/{id}/documents.
type documentsResponse struct {
	CaseID    int64           `json:"case_id"`
	MaxBytes  int64           `json:"max_bytes"`
	Documents []*nrm.Document `json:"documents"`
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) {
	id, ok := caseFileID(r, "id")
	if !ok {
		s.apiNotFound(w, r)
		return
	}
	docs, err := s.db.FindDocuments(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if docs == nil {
		docs = []*nrm.Document{}
	}
	writeJSON(w, http.StatusOK, documentsResponse{CaseID: id, MaxBytes: s.db.DocumentMaxBytes(r.Context()), Documents: docs})
}

func (s *Server) apiUploadDocument(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, ok := caseFileID(r, "id")
	if !ok {
		s.apiNotFound(w, r)
		return
	}
	u, err := readUpload(w, r, s.db.DocumentMaxBytes(r.Context()))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	doc, err := s.db.AddDocument(r.Context(), id, u.name, u.data)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/cases/%d/documents/%d", id, doc.ID))
	writeJSON(w, http.StatusCreated, doc)
}

func (s *Server) apiDeleteDocument(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	id, ok1 := caseFileID(r, "id")
	did, ok2 := caseFileID(r, "did")
	if !ok1 || !ok2 {
		s.apiNotFound(w, r)
		return
	}
	if err := s.db.DeleteDocument(r.Context(), id, did); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
