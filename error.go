// Package nrm holds the domain of the national referral mechanism against
// human trafficking: cases of presumed victims, their contacts, assessments,
// support and exits, the action plan, the reference network and the
// statistics contract. Storage, HTTP, report formats and the CLI depend on
// this package; it depends on none of them.
package nrm

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes: a short, closed set that callers branch on.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
)

// Error is the one error type of the application. Message is safe to show
// to a user; internal errors never carry details to users.
type Error struct {
	Code    string
	Message string
	// Fields lists field-level problems for EINVALID errors.
	Fields []FieldError
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("nrm error: code=%s message=%s", e.Code, e.Message)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Message(LangEN)
	}
	return fmt.Sprintf("nrm error: code=%s message=%s: %s", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the root *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get
// a generic message so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error."
}

// FieldErrors returns the field errors carried by err, if any.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldError names one field, the rule it broke, the offending value and
// what was expected. Message renders it in Danish or English.
type FieldError struct {
	Field    string `json:"field"`
	Rule     string `json:"rule"`
	Value    string `json:"value,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Detail and DetailDA say what is wrong where no value was expected
	// (a file that cannot be read: "the file is empty"), in English and
	// Danish; Message adds the one of its language after the rule.
	Detail   string `json:"-"`
	DetailDA string `json:"-"`
}

// Validation rules named by FieldError.Rule.
const (
	RuleRequired          = "required"
	RuleOneOf             = "one_of"
	RuleFormat            = "format"
	RuleRange             = "range"
	RuleDateOrder         = "date_order"
	RuleAuthorityMismatch = "authority_mismatch"
	RuleNotAllowed        = "not_allowed"
	RuleDuplicate         = "duplicate"
	RuleTooLong           = "too_long"
	RuleUnknownReference  = "unknown_reference"
	RuleClosed            = "closed"
	RuleOpenAfterExit     = "open_after_exit"
	RuleUnreadable        = "unreadable"
)

var ruleText = map[string][2]string{ // rule -> {da, en}
	RuleRequired:          {"skal udfyldes", "is required"},
	RuleOneOf:             {"har en ukendt værdi", "has an unknown value"},
	RuleFormat:            {"har et ugyldigt format", "has an invalid format"},
	RuleRange:             {"er uden for det tilladte interval", "is out of range"},
	RuleDateOrder:         {"har en umulig dato-rækkefølge", "has an impossible date order"},
	RuleAuthorityMismatch: {"passer ikke til opholdsgrundlaget (US vurderer asylansøgere og personer uden lovligt ophold, CMM personer med lovligt ophold); angiv en begrundelse for at tilsidesætte", "does not match the residence status (US assesses asylum seekers and people without legal stay, CMM people with legal stay); give a reason to override"},
	RuleNotAllowed:        {"er ikke tilladt her", "is not allowed here"},
	RuleDuplicate:         {"findes allerede", "already exists"},
	RuleTooLong:           {"er for lang", "is too long"},
	RuleUnknownReference:  {"henviser til noget, der ikke findes", "refers to something that does not exist"},
	RuleClosed:            {"ligger efter sagens afslutning (udtræden)", "falls after the case was closed (exit)"},
	RuleOpenAfterExit:     {"efterlader ophold eller refleksionsperioder åbne efter udtræden", "leaves stays or reflection periods open after the exit"},
	RuleUnreadable:        {"kan ikke læses", "cannot be read"},
}

// Message renders the field error in the given language.
func (f FieldError) Message(lang Lang) string {
	i := 1
	if lang == LangDA {
		i = 0
	}
	rt, ok := ruleText[f.Rule]
	text := f.Rule
	if ok {
		text = rt[i]
	}
	var b strings.Builder
	b.WriteString(FieldLabel(f.Field, lang))
	b.WriteString(" ")
	b.WriteString(text)
	if d := f.Detail; d != "" {
		if lang == LangDA && f.DetailDA != "" {
			d = f.DetailDA
		}
		b.WriteString(": ")
		b.WriteString(d)
	}
	if f.Value != "" {
		if lang == LangDA {
			fmt.Fprintf(&b, " (værdi %q)", TruncateValue(f.Value))
		} else {
			fmt.Fprintf(&b, " (value %q)", TruncateValue(f.Value))
		}
	}
	if f.Expected != "" {
		if lang == LangDA {
			fmt.Fprintf(&b, "; forventet: %s", expectedIn(f.Expected, lang))
		} else {
			fmt.Fprintf(&b, "; expected: %s", f.Expected)
		}
	}
	return b.String()
}

// MaxQuotedValue is the most characters of a value that a message quotes.
const MaxQuotedValue = 100

// TruncateValue returns s cut to MaxQuotedValue characters, ending in "…"
// when something was cut, so that a message never repeats a long value
// (a 100 MiB cell) whole.
func TruncateValue(s string) string {
	n := 0
	for i := range s {
		if n == MaxQuotedValue {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// invalid collects field errors during validation.
type invalid struct{ fields []FieldError }

func (v *invalid) add(field, rule, value, expected string) {
	v.fields = append(v.fields, FieldError{Field: field, Rule: rule, Value: value, Expected: expected})
}

func (v *invalid) err(msg string) error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: msg, Fields: v.fields}
}
