package web

import (
	"net/url"
	"strconv"
	"strings"

	"nrm"
)

// form is a submitted (or prefilled) form with its errors by field, so
// that a page can put each message next to the input it concerns.
type form struct {
	Values url.Values
	Errors map[string][]string
	// Summary lists every message in order, for the error summary at the
	// top of the form.
	Summary []string
	// Message is a form-level message (a stale edit, a refused import).
	Message string
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{Values: v, Errors: map[string][]string{}}
}

// V returns a field's submitted value.
func (f *form) V(name string) string { return f.Values.Get(name) }

// Has reports whether the field has the value (selects, checkboxes).
func (f *form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// E returns the messages of a field.
func (f *form) E(name string) []string { return f.Errors[name] }

// Failed reports whether the form carries any error.
func (f *form) Failed() bool { return len(f.Summary) > 0 || f.Message != "" }

// add records a message for a field.
func (f *form) add(field, msg string) {
	f.Errors[field] = append(f.Errors[field], msg)
	f.Summary = append(f.Summary, msg)
}

// addErr records a domain error: its field errors next to their fields,
// translated; any other error as the form's message.
func (f *form) addErr(err error, lang nrm.Lang) {
	fes := nrm.FieldErrors(err)
	if len(fes) == 0 {
		f.Message = userMessage(err, lang)
		return
	}
	for _, fe := range fes {
		f.add(fe.Field, fe.Message(lang))
	}
}

// fieldErr is a field error to report from parsing.
func fieldErr(field, rule, value, expected string) nrm.FieldError {
	return nrm.FieldError{Field: field, Rule: rule, Value: value, Expected: expected}
}

// parser reads typed values from a form, collecting field errors.
type parser struct {
	v      url.Values
	errors []nrm.FieldError
}

func (p *parser) str(name string) string { return strings.TrimSpace(p.v.Get(name)) }

// date parses a YYYY-MM-DD field; empty is the zero date.
func (p *parser) date(name string) nrm.Date {
	s := p.str(name)
	d, err := nrm.ParseDate(s)
	if err != nil {
		p.errors = append(p.errors, fieldErr(name, nrm.RuleFormat, s, "YYYY-MM-DD"))
	}
	return d
}

// requiredDate is date with a required check.
func (p *parser) requiredDate(name string) nrm.Date {
	if p.str(name) == "" {
		p.errors = append(p.errors, fieldErr(name, nrm.RuleRequired, "", "YYYY-MM-DD"))
		return nrm.Date{}
	}
	return p.date(name)
}

// integer parses a whole number; empty is 0.
func (p *parser) integer(name string) int {
	s := p.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		p.errors = append(p.errors, fieldErr(name, nrm.RuleFormat, s, "a whole number"))
	}
	return n
}

// code parses a value of a closed set; empty is allowed unless required.
func (p *parser) code(name, set string, required bool) string {
	s := p.str(name)
	if s == "" {
		if required {
			p.errors = append(p.errors, fieldErr(name, nrm.RuleRequired, "", nrm.ExpectedCodes(set)))
		}
		return ""
	}
	if !nrm.ValidCode(set, s) {
		p.errors = append(p.errors, fieldErr(name, nrm.RuleOneOf, s, nrm.ExpectedCodes(set)))
	}
	return s
}

// list splits a multi-line or ;-separated field into trimmed items.
func (p *parser) list(name string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(p.v.Get(name), func(r rune) bool { return r == '\n' || r == ';' }) {
		if s := strings.TrimSpace(line); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// err returns the collected field errors as one EINVALID error.
func (p *parser) err() error {
	if len(p.errors) == 0 {
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: "The form has invalid fields.", Fields: p.errors}
}

// errAlong returns the collected field errors as one EINVALID error with
// message msg, together with the domain's errors in verr (a Validate of
// what the form gave) for the fields that parsed: every fault at once,
// none twice.
func (p *parser) errAlong(verr error, msg string) error {
	fields := append([]nrm.FieldError{}, p.errors...)
	parsed := map[string]bool{}
	for _, fe := range p.errors {
		parsed[fe.Field] = true
	}
	for _, fe := range nrm.FieldErrors(verr) {
		if !parsed[fe.Field] {
			fields = append(fields, fe)
		}
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: msg, Fields: fields}
}

// page reads the paging parameters offset (0 or more) and limit (1 to
// 500, default 50) of a list request into offset and limit.
func (p *parser) page(offset, limit *int) {
	*offset, *limit = p.integer("offset"), p.integer("limit")
	if *limit < 0 || *limit > 500 {
		p.errors = append(p.errors, fieldErr("limit", nrm.RuleRange, p.v.Get("limit"), "1 to 500"))
	}
	if *offset < 0 {
		p.errors = append(p.errors, fieldErr("offset", nrm.RuleRange, p.v.Get("offset"), "0 or more"))
	}
	if *limit == 0 {
		*limit = 50
	}
}
