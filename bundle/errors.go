package bundle

import (
	"fmt"
	"strings"

	"nrm"
)

// RowError is one problem in a bundle: where it is, what was found, and
// what was expected.
type RowError struct {
	File string `json:"file"`
	Line int    `json:"line"`
	nrm.FieldError
	// Detail replaces the rule text for problems that are not about one
	// field (e.g. malformed CSV), in English; DetailDA is its Danish.
	Detail   string `json:"detail,omitempty"`
	DetailDA string `json:"detail_da,omitempty"`
}

// Message renders the error in Danish or English.
func (e RowError) Message(lang nrm.Lang) string {
	var where string
	switch {
	case e.Line > 0 && e.Field != "" && lang == nrm.LangDA:
		where = fmt.Sprintf("%s linje %d, kolonne %s", e.File, e.Line, e.Field)
	case e.Line > 0 && e.Field != "":
		where = fmt.Sprintf("%s line %d, column %s", e.File, e.Line, e.Field)
	case e.Line > 0 && lang == nrm.LangDA:
		where = fmt.Sprintf("%s linje %d", e.File, e.Line)
	case e.Line > 0:
		where = fmt.Sprintf("%s line %d", e.File, e.Line)
	default:
		where = e.File
	}
	if e.Detail != "" {
		if lang == nrm.LangDA && e.DetailDA != "" {
			return where + ": " + e.DetailDA
		}
		return where + ": " + e.Detail
	}
	return where + ": " + e.FieldError.Message(lang)
}

// MaxErrors bounds the errors collected from one bundle.
const MaxErrors = 1000

// Errors is the list of every problem found; a bundle with any is not
// imported at all.
type Errors struct {
	List      []RowError
	Truncated bool
}

// Error lists the problems in English.
func (e *Errors) Error() string { return e.Format(nrm.LangEN) }

// Format lists the problems in the given language, one per line.
func (e *Errors) Format(lang nrm.Lang) string {
	var b strings.Builder
	if lang == nrm.LangDA {
		fmt.Fprintf(&b, "Bundtet blev ikke importeret; intet er ændret. %d fejl:\n", len(e.List))
	} else {
		noun := "errors"
		if len(e.List) == 1 {
			noun = "error"
		}
		fmt.Fprintf(&b, "The bundle was not imported; nothing was changed. %d %s:\n", len(e.List), noun)
	}
	for _, r := range e.List {
		b.WriteString("  ")
		b.WriteString(r.Message(lang))
		b.WriteByte('\n')
	}
	if e.Truncated {
		if lang == nrm.LangDA {
			fmt.Fprintf(&b, "  (flere end %d fejl; resten er ikke vist)\n", MaxErrors)
		} else {
			fmt.Fprintf(&b, "  (more than %d errors; the rest are not shown)\n", MaxErrors)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (e *Errors) add(r RowError) {
	if len(e.List) >= MaxErrors {
		e.Truncated = true
		return
	}
	r.Value = nrm.TruncateValue(r.Value) // a cell may hold 64 KiB
	e.List = append(e.List, r)
}

func (e *Errors) any() bool { return len(e.List) > 0 }
