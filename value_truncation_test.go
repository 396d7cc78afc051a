package nrm_test

import (
	"strings"
	"testing"

	"nrm"
)

// A message quotes at most 100 characters of a value, cut on a character
// boundary and ended with "…".
func TestFieldErrorQuotesAtMost100Characters(t *testing.T) {
	long := strings.Repeat("ø", 5000) + "TAIL"
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		msg := nrm.FieldError{Field: "provider", Rule: nrm.RuleTooLong, Value: long, Expected: "at most 200 characters"}.Message(lang)
		want := `"` + strings.Repeat("ø", 100) + `…"`
		if !strings.Contains(msg, want) || strings.Contains(msg, "TAIL") || len(msg) > 400 {
			t.Errorf("%s: %d bytes: %.300s", lang, len(msg), msg)
		}
	}
	if got := nrm.TruncateValue(strings.Repeat("x", 100)); got != strings.Repeat("x", 100) {
		t.Errorf("100 characters were cut: %q", got)
	}
	if got := nrm.TruncateValue(strings.Repeat("x", 101)); got != strings.Repeat("x", 100)+"…" {
		t.Errorf("101 characters: %q", got)
	}
	if got := nrm.TruncateValue("kort"); got != "kort" {
		t.Errorf("short value: %q", got)
	}
}
