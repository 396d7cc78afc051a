package disclosure

import (
	"slices"

	"nrm"
)

// Labels of the reconsiderations table.
const (
	// LabelUpheld is the row of reconsiderations that upheld the decision.
	LabelUpheld = "upheld"
	// LabelOverturned is the row of reconsiderations that overturned it.
	LabelOverturned = "overturned"
	// LabelPending is the row of reconsiderations not decided by the cut-off.
	LabelPending = "pending"
)

// DaysSummary is a published median and 90th percentile of a number of
// days; nil fields are hidden or unknown.
type DaysSummary struct {
	// Median is the nearest-rank median.
	Median *int
	// P90 is the nearest-rank 90th percentile.
	P90 *int
}

// Smallest groups whose percentiles are published besides the threshold:
// the nearest-rank median of fewer than 3 values and the 90th percentile
// of fewer than 10 are the smallest or the largest value, one person's
// number (the contract never publishes minima or maxima).
const (
	minMedianCount = 3
	minP90Count    = 10
)

// mechanism protects the tables of the mechanism between organisations:
// the referral tables together (they share the number of referrals, and
// the outcomes add up to the assessment referrals), the presumed victims,
// the decided cases behind the decision times, and the reconsiderations.
func (p *PublishedStats) mechanism(s *nrm.Stats, k int) []group {
	r := s.Referrals
	purpose := list("referrals.by_purpose", keys("referral_purpose", r.ByPurpose), r.ByPurpose)
	form := items("referrals.by_source_contact_form", keys("contact_form", r.BySourceContactForm), r.BySourceContactForm)
	status := items("referrals.by_status", keys("referral_status", r.ByStatus), r.ByStatus)
	outcome := items("referrals.by_outcome", keys("assessment_outcome", r.ByOutcome), r.ByOutcome)
	ts := []Table{purpose, form, status, outcome}
	links := []Link{
		{Parts: rowRefs(1, form), Total: totalRef(0, purpose)},
		{Parts: rowRefs(2, status), Total: totalRef(0, purpose)},
	}
	if i := slices.Index(purpose.RowLabels, string(nrm.PurposeAssessment)); i >= 0 {
		links = append(links, Link{Parts: rowRefs(3, outcome), Total: Ref{0, i, 0}})
	}
	p.ReferralsByPurpose.RowSet = "referral_purpose"
	p.ReferralsByContactForm.RowSet = "contact_form"
	p.ReferralsByStatus.RowSet = "referral_status"
	p.ReferralsByOutcome.RowSet = "assessment_outcome"
	g1 := p.protectGroup(k, []*Masked{&p.ReferralsByPurpose, &p.ReferralsByContactForm, &p.ReferralsByStatus, &p.ReferralsByOutcome}, ts, links)

	groups := []group{g1}
	if !p.presumedLinked { // else protected with the registered victims (eurostat)
		p.Presumed.RowSet = "authority"
		groups = append(groups, p.protectGroup(k, []*Masked{&p.Presumed}, []Table{presumedTable(s)}, nil))
	}

	dd := s.DecisionDays
	counts := map[string]int{}
	for a, d := range dd.ByAuthority {
		counts[a] = d.Count
	}
	decided := list("decision_days.by_authority", keys("authority", counts), counts)
	p.DecisionDays.RowSet = "authority"
	g3 := p.protectGroup(k, []*Masked{&p.DecisionDays}, []Table{decided}, nil)
	p.DecisionDaysByAuthority = map[string]DaysSummary{}
	for i, a := range p.DecisionDays.RowLabels {
		p.DecisionDaysByAuthority[a] = daysSummary(dd.ByAuthority[a], p.DecisionDays.IsSuppressed(i, 0), k)
	}
	p.DecisionDaysSummary = daysSummary(dd.DaysSummary, p.DecisionDays.IsSuppressed(p.DecisionDays.Rows(), 0), k)

	rc := s.Reconsiderations
	recon := list("reconsiderations", []string{LabelUpheld, LabelOverturned, LabelPending},
		map[string]int{LabelUpheld: rc.Upheld, LabelOverturned: rc.Overturned, LabelPending: rc.Pending})
	g4 := p.protectGroup(k, []*Masked{&p.Reconsiderations}, []Table{recon}, nil)
	return append(groups, g3, g4)
}

// daysSummary publishes a median only for at least max(k, 3) values and a
// 90th percentile only for at least max(k, 10), and neither when their
// count is withheld; without protection (k ≤ 1) it publishes both.
// presumedTable is the presumed victims of the year by authority, with
// the total.
func presumedTable(s *nrm.Stats) Table {
	return list("presumed.by_authority", keys("authority", s.Presumed.ByAuthority), s.Presumed.ByAuthority)
}

func daysSummary(d nrm.DaysSummary, countHidden bool, k int) DaysSummary {
	var out DaysSummary
	if k <= 1 {
		return DaysSummary{Median: clonePtr(d.Median), P90: clonePtr(d.P90)}
	}
	if countHidden {
		return out
	}
	if d.Count >= max(k, minMedianCount) {
		out.Median = clonePtr(d.Median)
	}
	if d.Count >= max(k, minP90Count) {
		out.P90 = clonePtr(d.P90)
	}
	return out
}
