package nrm_test

import (
	"testing"

	"nrm"
)

// reflectionCase is an open case with the given reflection periods.
func reflectionCase(ps ...nrm.ReflectionPeriod) *nrm.Case {
	return &nrm.Case{Ref: "R-1", OwnerOrg: "CMM", Gender: nrm.GenderFemale, ResidenceStatus: nrm.ResidenceIrregular,
		Contacts:          []nrm.Contact{{Date: nrm.MustDate("2024-01-02"), Form: nrm.ContactPolice}},
		ReflectionPeriods: ps}
}

func rules(err error) map[string]string {
	m := map[string]string{}
	for _, f := range nrm.FieldErrors(err) {
		m[f.Field] = f.Rule
	}
	return m
}

func TestReflectionKinds(t *testing.T) {
	today := nrm.MustDate("2024-06-01")
	initial := nrm.ReflectionPeriod{Start: nrm.MustDate("2024-01-02"), End: nrm.MustDate("2024-02-01"), Kind: nrm.ReflectionInitial, DecidedBy: "US"}
	ext := nrm.ReflectionPeriod{Start: nrm.MustDate("2024-02-01"), End: nrm.MustDate("2024-04-11"), Kind: nrm.ReflectionExtension,
		Reason: "Needs time to recover", DecidedBy: "US"}
	if err := reflectionCase(initial, ext).Validate(today); err != nil {
		t.Fatalf("initial and extension: %v", err)
	}
	// Old data: no kind at all stays valid, and long periods are not
	// held to the maximum.
	old := reflectionCase(nrm.ReflectionPeriod{Start: nrm.MustDate("2011-02-10"), End: nrm.MustDate("2011-06-10")})
	if err := old.Validate(today); err != nil {
		t.Fatalf("period without kind: %v", err)
	}
	if err := old.ValidateReflectionMax(100); err != nil {
		t.Fatalf("period without kind held to the maximum: %v", err)
	}
	for name, tc := range map[string]struct {
		c     *nrm.Case
		field string
		rule  string
	}{
		"unknown kind":             {reflectionCase(nrm.ReflectionPeriod{Start: initial.Start, Kind: "forever"}), "reflection_kind", nrm.RuleOneOf},
		"extension without reason": {reflectionCase(initial, nrm.ReflectionPeriod{Start: ext.Start, End: ext.End, Kind: nrm.ReflectionExtension}), "reflection_reason", nrm.RuleRequired},
		"extension alone":          {reflectionCase(ext), "reflection_kind", nrm.RuleNotAllowed},
		"extension before initial": {reflectionCase(initial, nrm.ReflectionPeriod{Start: nrm.MustDate("2024-01-01"), End: ext.End,
			Kind: nrm.ReflectionExtension, Reason: "x"}), "reflection_kind", nrm.RuleNotAllowed},
		"decided by too long": {reflectionCase(nrm.ReflectionPeriod{Start: initial.Start, Kind: nrm.ReflectionInitial,
			DecidedBy: string(make([]byte, 201))}), "reflection_decided_by", nrm.RuleTooLong},
	} {
		err := tc.c.Validate(today)
		if got := rules(err); got[tc.field] != tc.rule || len(nrm.FieldErrors(err)) != 1 {
			t.Errorf("%s: %v, want one fault %s on %s", name, err, tc.rule, tc.field)
		}
		// Every fault reads in both languages, naming no internal field.
		for _, f := range nrm.FieldErrors(err) {
			if da := f.Message(nrm.LangDA); da == f.Message(nrm.LangEN) || containsAny(da, "reflection_", "decided_by") {
				t.Errorf("%s: Danish message %q", name, da)
			}
		}
	}
	// The maximum: 100 days in total from the first start.
	over := ext
	over.End = nrm.MustDate("2024-04-12") // 101 days after 2024-01-02
	err := reflectionCase(initial, over).ValidateReflectionMax(100)
	if got := rules(err); got["reflection_end"] != nrm.RuleRange || len(nrm.FieldErrors(err)) != 1 {
		t.Fatalf("101 days: %v", err)
	}
	if err := reflectionCase(initial, over).ValidateReflectionMax(120); err != nil {
		t.Fatalf("101 days under a maximum of 120: %v", err)
	}
	if err := reflectionCase(initial, ext).ValidateReflectionMax(100); err != nil {
		t.Fatalf("100 days: %v", err)
	}
	if d, ok := reflectionCase(initial, ext).ReflectionDays(); !ok || d != 100 {
		t.Fatalf("ReflectionDays = %d %v", d, ok)
	}
	// Default ends: the default length, or the maximum for an extension.
	c := reflectionCase(initial)
	if e := c.ReflectionEndFor(nrm.ReflectionInitial, nrm.MustDate("2024-03-01"), 30, 100); e.String() != "2024-03-31" {
		t.Errorf("initial end %s", e)
	}
	if e := c.ReflectionEndFor(nrm.ReflectionExtension, nrm.MustDate("2024-02-01"), 30, 100); e.String() != "2024-04-11" {
		t.Errorf("extension end %s", e)
	}
}

// An exit ends an open period on its date; a period planned beyond the
// exit is ended there too.
func TestExitEndsReflectionPeriod(t *testing.T) {
	c := reflectionCase(nrm.ReflectionPeriod{Start: nrm.MustDate("2024-01-02"), End: nrm.MustDate("2024-02-01"), Kind: nrm.ReflectionInitial})
	if !c.HasOpenOn(nrm.MustDate("2024-01-20")) {
		t.Fatal("period not open before its end")
	}
	if n := c.EndOpenOn(nrm.MustDate("2024-01-20")); n != 1 || c.ReflectionPeriods[0].End.String() != "2024-01-20" {
		t.Fatalf("EndOpenOn: %d %+v", n, c.ReflectionPeriods)
	}
}

func TestParseWithin(t *testing.T) {
	for in, want := range map[string]int{"14": 14, "14d": 14, "2w": 14, " 0 ": 0, "365d": 365} {
		if got, err := nrm.ParseWithin(in); err != nil || got != want {
			t.Errorf("ParseWithin(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "x", "-1", "366", "53w", "14y"} {
		if _, err := nrm.ParseWithin(in); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Errorf("ParseWithin(%q): %v", in, err)
		}
	}
	f := nrm.TaskFilter{Within: 400, Org: "not a code!", Kind: "coffee", Limit: -1}
	if got := rules(f.Validate()); len(got) != 4 {
		t.Errorf("filter faults %v", got)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		for i := 0; i+len(x) <= len(s); i++ {
			if s[i:i+len(x)] == x {
				return true
			}
		}
	}
	return false
}
