package cli_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"nrm"
)

// TestPublishedMechanism: the demo's 2011 statistics of the mechanism go
// through disclosure control in the published JSON: small counts show as
// "<3", large ones as they are, every table's total is the referrals'
// (or requests') total, and percentiles only of groups large enough.
func TestPublishedMechanism(t *testing.T) {
	t.Setenv("NRM_LANG", "")
	db := filepath.Join(t.TempDir(), "nrm.db")
	run(t, "--db", db, "demo")
	base := []string{"--db", db, "report", "--year", "2011", "--format", "json"}
	var s nrm.Stats
	if err := json.Unmarshal([]byte(run(t, base...)), &s); err != nil {
		t.Fatal(err)
	}
	var pub map[string]any
	if err := json.Unmarshal([]byte(run(t, append(base, "--published")...)), &pub); err != nil {
		t.Fatal(err)
	}
	obj := func(m any, key string) map[string]any {
		t.Helper()
		v, ok := m.(map[string]any)[key].(map[string]any)
		if !ok {
			t.Fatalf("published JSON: %q is no object", key)
		}
		return v
	}
	// want is a raw count as published: itself from k = 3 on, "<3" or
	// ".." below (secondary suppression may hide a larger one too).
	want := func(name string, got any, raw int) {
		t.Helper()
		switch {
		case got == float64(raw) && (raw == 0 || raw >= 3):
		case got == "<3" && raw >= 1 && raw < 3:
		case got == ".." && raw >= 3:
		case got == "<3" && raw == 0:
		default:
			t.Errorf("%s: published %v for %d", name, got, raw)
		}
	}
	ref := obj(pub, "referrals")
	want("referrals.total", ref["total"], s.Referrals.Total)
	if ref["total"] != float64(s.Referrals.Total) || s.Referrals.Total < 3 {
		t.Errorf("referrals.total %v, raw %d: the demo's total is large", ref["total"], s.Referrals.Total)
	}
	for key, raw := range map[string]map[string]int{"by_purpose": s.Referrals.ByPurpose, "by_source_contact_form": s.Referrals.BySourceContactForm,
		"by_status": s.Referrals.ByStatus, "by_outcome": s.Referrals.ByOutcome} {
		got := obj(ref, key)
		if len(got) != len(raw) {
			t.Errorf("referrals.%s: published keys %v, raw %v", key, got, raw)
		}
		for code, n := range raw {
			want("referrals."+key+"."+code, got[code], n)
		}
	}
	if got := obj(ref, "by_status")["returned"]; s.Referrals.ByStatus["returned"] == 1 && got != "<3" {
		t.Errorf("one returned referral published as %v", got)
	}
	pr := obj(pub, "presumed")
	want("presumed.total", pr["total"], s.Presumed.Total)
	for a, n := range s.Presumed.ByAuthority {
		want("presumed.by_authority."+a, obj(pr, "by_authority")[a], n)
	}
	rc := obj(pub, "reconsiderations")
	for key, n := range map[string]int{"requested": s.Reconsiderations.Requested, "upheld": s.Reconsiderations.Upheld,
		"overturned": s.Reconsiderations.Overturned, "pending": s.Reconsiderations.Pending} {
		want("reconsiderations."+key, rc[key], n)
	}
	dd := obj(pub, "decision_days")
	check := func(name string, got map[string]any, raw nrm.DaysSummary) {
		t.Helper()
		want(name+".count", got["count"], raw.Count)
		for key, v := range map[string]*int{"median": raw.Median, "p90": raw.P90} {
			min := map[string]int{"median": 3, "p90": 10}[key]
			switch {
			case v == nil && got[key] != nil:
				t.Errorf("%s.%s = %v without a value", name, key, got[key])
			case v != nil && got["count"] == float64(raw.Count) && raw.Count >= min && got[key] != float64(*v):
				t.Errorf("%s.%s = %v, want %d", name, key, got[key], *v)
			case v != nil && (raw.Count < min || got["count"] != float64(raw.Count)) && got[key] != "..":
				t.Errorf("%s.%s = %v of %d values, want \"..\"", name, key, got[key], raw.Count)
			}
		}
	}
	check("decision_days", dd, s.DecisionDays.DaysSummary)
	for a, raw := range s.DecisionDays.ByAuthority {
		check("decision_days.by_authority."+a, obj(obj(dd, "by_authority"), a), raw)
	}
	if s.DecisionDays.Count < 10 {
		t.Errorf("the demo decides only %d cases in 2011", s.DecisionDays.Count)
	}
}
