package disclosure

import (
	"math/rand/v2"
	"testing"

	"nrm"
)

// randomMechanism returns statistics whose mechanism keys are random and
// consistent (every table adds up to its total), small numbers often.
func randomMechanism(r *rand.Rand) *nrm.Stats {
	s := seedStats()
	small := func() int {
		if r.IntN(3) == 0 {
			return r.IntN(3)
		}
		return r.IntN(25)
	}
	split := func(set string, total int) map[string]int {
		m := zero(set)
		codes := nrm.Codes(set)
		for i := 0; i < total; i++ {
			m[codes[r.IntN(len(codes))]]++
		}
		return m
	}
	ref := &s.Referrals
	ref.ByPurpose = zero("referral_purpose")
	ref.ByPurpose["assessment"], ref.ByPurpose["support"] = small(), small()
	ref.Total = ref.ByPurpose["assessment"] + ref.ByPurpose["support"]
	ref.BySourceContactForm = split("contact_form", ref.Total)
	ref.ByStatus = split("referral_status", ref.Total)
	ref.ByOutcome = split("assessment_outcome", ref.ByPurpose["assessment"])
	s.Presumed.ByAuthority = map[string]int{"US": small(), "CMM": small()}
	s.Presumed.Total = s.Presumed.ByAuthority["US"] + s.Presumed.ByAuthority["CMM"]
	days := func(n int) nrm.DaysSummary {
		d := nrm.DaysSummary{Count: n}
		if n > 0 {
			d.Median, d.P90 = ip(10+r.IntN(50)), ip(60+r.IntN(100))
		}
		return d
	}
	us, cmm := small(), small()
	s.DecisionDays = nrm.DecisionDays{DaysSummary: days(us + cmm), ByAuthority: map[string]nrm.DaysSummary{"US": days(us), "CMM": days(cmm)}}
	rc := &s.Reconsiderations
	rc.Upheld, rc.Overturned, rc.Pending = small(), small(), small()
	rc.Requested = rc.Upheld + rc.Overturned + rc.Pending
	return s
}

func TestSuppressMechanism(t *testing.T) {
	for run := range 300 {
		r := rand.New(rand.NewPCG(uint64(run), 3))
		s := randomMechanism(r)
		k := 3 + run%3
		p := auditGroups(t, s, k)
		for _, m := range []Masked{p.ReferralsByPurpose, p.ReferralsByContactForm, p.ReferralsByStatus, p.ReferralsByOutcome,
			p.Presumed, p.DecisionDays, p.Reconsiderations} {
			for i := 0; i <= m.Rows(); i++ {
				for j := 0; j <= m.Cols(); j++ {
					if !m.Exists(i, j) {
						continue
					}
					if v, sup := m.raw(i, j); v >= 1 && v < k && !sup {
						t.Fatalf("run %d k=%d: %s (%d,%d)=%d published", run, k, m.Name, i, j, v)
					}
				}
			}
		}
		if v, ok := p.ReferralsByPurpose.Value(p.ReferralsByPurpose.Rows(), 0); ok && v != s.Referrals.Total {
			t.Fatalf("referrals total %d, want %d", v, s.Referrals.Total)
		}
		if v, ok := p.Reconsiderations.Value(p.Reconsiderations.Rows(), 0); ok && v != s.Reconsiderations.Requested {
			t.Fatalf("reconsiderations requested %d, want %d", v, s.Reconsiderations.Requested)
		}
		check := func(name string, d nrm.DaysSummary, pub DaysSummary, hidden bool) {
			if pub.Median != nil && (hidden || d.Count < max(k, 3) || *pub.Median != *d.Median) {
				t.Fatalf("run %d k=%d %s: median of %d published (hidden count %v)", run, k, name, d.Count, hidden)
			}
			if pub.P90 != nil && (hidden || d.Count < max(k, 10) || *pub.P90 != *d.P90) {
				t.Fatalf("run %d k=%d %s: p90 of %d published", run, k, name, d.Count)
			}
			if !hidden && d.Count >= max(k, 10) && (pub.Median == nil || pub.P90 == nil) {
				t.Fatalf("run %d k=%d %s: percentiles of %d hidden", run, k, name, d.Count)
			}
		}
		dd := p.DecisionDays
		check("overall", s.DecisionDays.DaysSummary, p.DecisionDaysSummary, dd.IsSuppressed(dd.Rows(), 0))
		for i, a := range dd.RowLabels {
			check(a, s.DecisionDays.ByAuthority[a], p.DecisionDaysByAuthority[a], dd.IsSuppressed(i, 0))
		}
	}
}

// TestSuppressMechanismUnprotected: with k = 1 every number and
// percentile is published as computed.
func TestSuppressMechanismUnprotected(t *testing.T) {
	s := randomMechanism(rand.New(rand.NewPCG(1, 1)))
	s.DecisionDays.ByAuthority["CMM"] = nrm.DaysSummary{Count: 1, Median: ip(7), P90: ip(7)}
	p := SuppressStats(s, 1)
	if d := p.DecisionDaysByAuthority["CMM"]; d.Median == nil || *d.Median != 7 || *d.P90 != 7 {
		t.Fatalf("unprotected CMM days %+v", d)
	}
	if v, ok := p.Presumed.Value(p.Presumed.Rows(), 0); !ok || v != s.Presumed.Total {
		t.Fatalf("unprotected presumed %d %v", v, ok)
	}
}
