package federate_test

import (
	"testing"
	"time"

	"nrm/federate"
)

// TestBundleMechanism: the demo's statistics of the mechanism travel in
// the bundle as protected tables: the referrals' total as published, the
// one returned referral withheld.
func TestBundleMechanism(t *testing.T) {
	s, _ := demoStats(t)
	b, err := federate.Build(s, "DK", 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]federate.Table{}
	for _, tb := range b.Tables {
		byName[tb.Name] = tb
	}
	for _, name := range []string{"referrals.by_purpose", "referrals.by_source_contact_form", "referrals.by_status", "referrals.by_outcome",
		"presumed.by_authority", "decision_days.by_authority", "reconsiderations"} {
		if _, ok := byName[name]; !ok {
			t.Fatalf("bundle lacks %s", name)
		}
	}
	p := byName["referrals.by_purpose"]
	if len(p.ColTotals) != 1 || p.ColTotals[0].Suppressed || p.ColTotals[0].Value != s.Referrals.Total || s.Referrals.Total == 0 {
		t.Errorf("referrals total %+v, want %d", p.ColTotals, s.Referrals.Total)
	}
	st := byName["referrals.by_status"]
	for i, r := range st.Rows {
		if c := st.Cells[i][0]; s.Referrals.ByStatus[r] > 0 && s.Referrals.ByStatus[r] < 3 && !c.Suppressed {
			t.Errorf("referrals.by_status %s = %d published", r, c.Value)
		}
	}
}
