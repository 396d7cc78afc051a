package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"nrm"
)

// malformedError marks a request the server could not even read (bad
// JSON, a non-numeric id, a broken form): 400, where a well-formed request
// that breaks a domain rule is 422.
type malformedError struct{ err *nrm.Error }

// Error implements error.
func (e malformedError) Error() string { return e.err.Error() }

// Unwrap exposes the *nrm.Error for nrm.ErrorCode and FieldErrors.
func (e malformedError) Unwrap() error { return e.err }

func malformed(msg string) error {
	return malformedError{&nrm.Error{Code: nrm.EINVALID, Message: msg}}
}

// malformedFields is malformed with the fields that could not be read.
func malformedFields(msg string, fields []nrm.FieldError) error {
	return malformedError{&nrm.Error{Code: nrm.EINVALID, Message: msg, Fields: fields}}
}

// tooLargeError is the answer to an oversized body.
type bodyTooLarge struct{ err *nrm.Error }

// Error implements error.
func (e bodyTooLarge) Error() string { return e.err.Error() }

// Unwrap exposes the *nrm.Error for nrm.ErrorCode.
func (e bodyTooLarge) Unwrap() error { return e.err }

func tooLargeError() error {
	return bodyTooLarge{&nrm.Error{Code: nrm.EINVALID, Message: "The request is too large."}}
}

func asMaxBytes(err error, target **http.MaxBytesError) bool { return errors.As(err, target) }

// httpStatus maps an error to its HTTP status: the one place where error
// codes meet status codes.
func httpStatus(err error) int {
	var m malformedError
	var big bodyTooLarge
	switch {
	case errors.As(err, &big):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &m):
		return http.StatusBadRequest
	}
	switch nrm.ErrorCode(err) {
	case nrm.EINVALID:
		return http.StatusUnprocessableEntity
	case nrm.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case nrm.EFORBIDDEN:
		return http.StatusForbidden
	case nrm.ENOTFOUND:
		return http.StatusNotFound
	case nrm.ECONFLICT:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// userMessage returns what a person is told about err in lang. Denials
// and missing records get one fixed sentence each, so that a 403 or 404
// reveals nothing about what exists; internal errors carry no detail.
func userMessage(err error, lang nrm.Lang) string {
	var big bodyTooLarge
	if errors.As(err, &big) {
		return tr(lang, "error.too_large")
	}
	switch nrm.ErrorCode(err) {
	case nrm.EINVALID:
		var m malformedError
		if errors.As(err, &m) {
			return tr(lang, "error.malformed")
		}
		if lang == nrm.LangEN {
			return nrm.ErrorMessage(err)
		}
		return tr(lang, "error.invalid")
	case nrm.EUNAUTHORIZED:
		return tr(lang, "error.unauthorized")
	case nrm.EFORBIDDEN:
		return tr(lang, "error.forbidden")
	case nrm.ENOTFOUND:
		return tr(lang, "error.not_found")
	case nrm.ECONFLICT:
		return tr(lang, "error.conflict")
	}
	return tr(lang, "error.internal")
}

// logInternal records an internal error without request data: the error
// text comes from storage and code, never from a victim's record.
func (s *Server) logInternal(r *http.Request, err error) {
	if httpStatus(err) == http.StatusInternalServerError {
		s.log.Error("internal error", "route", r.Pattern, "error", err)
	}
}

// fail answers a browser request with an error page (or an API request
// with a JSON error).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.apiError(w, r, err)
		return
	}
	s.logInternal(r, err)
	status := httpStatus(err)
	lang := langOf(r)
	p := &errorPage{page: s.newPage(w, r, tr(lang, "error.title")), Status: status, Message: userMessage(err, lang)}
	for _, f := range nrm.FieldErrors(err) {
		p.Fields = append(p.Fields, f.Message(lang))
	}
	s.render(w, r, status, "error", p)
}

type errorPage struct {
	page
	Status  int
	Message string
	Fields  []string
}

// apiFieldError is a field error as the API reports it.
type apiFieldError struct {
	Field    string `json:"field"`
	Rule     string `json:"rule"`
	Value    string `json:"value,omitempty"`
	Expected string `json:"expected,omitempty"`
	Message  string `json:"message"`
}

// apiErrorBody is the JSON error of the API.
type apiErrorBody struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Fields  []apiFieldError `json:"fields,omitempty"`
}

// apiError writes err as JSON in the request's language.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	s.logInternal(r, err)
	lang := langOf(r)
	code := nrm.ErrorCode(err)
	body := apiErrorBody{Code: code, Message: userMessage(err, lang)}
	if code != nrm.EINTERNAL {
		for _, f := range nrm.FieldErrors(err) {
			body.Fields = append(body.Fields, apiFieldError{Field: f.Field, Rule: f.Rule, Value: f.Value, Expected: f.Expected, Message: f.Message(lang)})
		}
	}
	writeJSON(w, httpStatus(err), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
}

// csrfFailed answers a form post whose token is missing or wrong.
func (s *Server) csrfFailed(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, &nrm.Error{Code: nrm.EFORBIDDEN, Message: "csrf"})
}

// crossOriginDenied answers a cross-origin browser post.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		s.apiError(w, r, nrm.Errorf(nrm.EFORBIDDEN, "cross-origin request refused"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	w.Write([]byte(tr(langOf(r), "error.cross_origin") + "\n"))
}
