package sqlstore

import (
	"context"
	"database/sql"
	"sort"

	"nrm"
)

// The statistics of the mechanism between organisations: referrals,
// presumed victims, the time to a final decision and reconsiderations
// (README, "The statistics contract"). Every query starts from an index
// that holds only the rows it counts (migration 00008: referrals by date,
// reconsiderations by request date, partial indexes of the positive
// preliminary and the negative final assessments), so that they cost next
// to nothing when the mechanism is not used, and the time to decision
// reads the identified cohort from the cases row like the other steps.

// negative is the condition "a negative final decision" on an
// assessments alias (an empty stage counts as final), written in the
// terms of the partial index assessments_negative so that both engines
// use it.
func negative(a string) string {
	return a + ".outcome = 'not_identified' AND " + a + ".stage <> 'preliminary'"
}

// before is "assessment x comes before assessment y": earlier date, or the
// same date and a smaller id (the order the case lists them in).
func before(xDate, xID, yDate, yID string) string {
	return "(" + xDate + " < " + yDate + " OR (" + xDate + " = " + yDate + " AND " + xID + " < " + yID + "))"
}

// mechanism fills the referral, presumed, decision_days and
// reconsiderations keys.
func (c *statsCalc) mechanism(ctx context.Context, tx *Tx) error {
	for _, step := range []func(context.Context, *Tx) error{c.referrals, c.presumed, c.decisionDays, c.reconsiderations} {
		if err := step(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// referrals counts the referrals dated in Y (up to the cut-off) by
// purpose, the contact form of the case's first contact, the status as of
// the cut-off and, for assessment referrals, the outcome of the first
// final decision by the authority referred to.
func (c *statsCalc) referrals(ctx context.Context, tx *Tx) error {
	r := &c.s.Referrals
	q := `SELECT t.purpose, t.form, t.status, t.outcome, COUNT(*) FROM (
			SELECT r.purpose AS purpose, c.first_contact_form AS form,
				CASE WHEN r.status <> 'sent' AND r.status_on IS NOT NULL AND r.status_on <= ? THEN r.status ELSE 'sent' END AS status,
				CASE WHEN r.purpose = 'assessment' THEN COALESCE((SELECT a.outcome FROM assessments a
					WHERE a.case_id = r.case_id AND a.authority = r.to_org AND a.stage <> 'preliminary'
						AND a.outcome IN ('identified', 'not_identified') AND a.date <= ?
					ORDER BY a.date, a.id LIMIT 1), 'pending') ELSE '' END AS outcome
			FROM referrals r JOIN cases c ON c.id = r.case_id
			WHERE r.date >= ? AND r.date <= ?) t
		GROUP BY t.purpose, t.form, t.status, t.outcome`
	err := each(ctx, tx, q, []any{c.q.Cutoff, c.q.Cutoff, c.y0, c.upper}, func(rows *sql.Rows) error {
		var purpose, status, outcome string
		var form sql.NullString
		var n int
		if err := rows.Scan(&purpose, &form, &status, &outcome, &n); err != nil {
			return err
		}
		r.Total += n
		r.ByPurpose[purpose] += n
		if form.Valid && form.String != "" {
			r.BySourceContactForm[form.String] += n
		} else {
			r.BySourceContactForm["unknown"] += n
		}
		r.ByStatus[status] += n
		if outcome != "" {
			r.ByOutcome[outcome] += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.BySourceContactForm["unknown"] == 0 {
		delete(r.BySourceContactForm, "unknown")
	}
	return nil
}

// presumed counts the cases whose first positive preliminary assessment
// is dated in Y (up to the cut-off), by its authority.
func (c *statsCalc) presumed(ctx context.Context, tx *Tx) error {
	p := &c.s.Presumed
	q := `SELECT a.authority, COUNT(*) FROM assessments a
		WHERE a.stage = 'preliminary' AND a.outcome = 'identified' AND a.date >= ? AND a.date <= ?
			AND NOT EXISTS (SELECT 1 FROM assessments b WHERE b.case_id = a.case_id
				AND b.stage = 'preliminary' AND b.outcome = 'identified' AND ` + before("b.date", "b.id", "a.date", "a.id") + `)
		GROUP BY a.authority`
	return each(ctx, tx, q, []any{c.y0, c.upper}, func(rows *sql.Rows) error {
		var auth string
		var n int
		if err := rows.Scan(&auth, &n); err != nil {
			return err
		}
		p.Total += n
		p.ByAuthority[auth] += n
		return nil
	})
}

// decisionDays is the time from the first contact to the first final
// decision, for the cases whose first final decision is dated in Y (up to
// the cut-off). A case's first final decision is its first final
// identification (on the cases row) unless a negative final decision
// comes first; the redundant "date <=" lets SQLite probe the small
// partial index rather than every assessment of the case. The days are counted per authority and number of days, and
// the percentiles taken from that histogram.
func (c *statsCalc) decisionDays(ctx context.Context, tx *Tx) error {
	ident := c.d.daysBetween("c.first_contact_date", "c.identified_on")
	neg := c.d.daysBetween("c.first_contact_date", "n.date")
	q := `SELECT c.identified_authority, ` + ident + `, COUNT(*) FROM cases c
		WHERE ` + cohort + ` AND c.first_contact_date IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM assessments n WHERE n.case_id = c.id AND ` + negative("n") + `
				AND n.date <= c.identified_on AND ` + before("n.date", "n.id", "c.identified_on", "c.identified_assessment_id") + `)
		GROUP BY 1, 2
		UNION ALL
		SELECT n.authority, ` + neg + `, COUNT(*) FROM assessments n JOIN cases c ON c.id = n.case_id
		WHERE ` + negative("n") + ` AND n.date >= ? AND n.date <= ? AND c.first_contact_date IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM assessments m WHERE m.case_id = n.case_id AND ` + negative("m") + `
				AND m.date <= n.date AND ` + before("m.date", "m.id", "n.date", "n.id") + `)
			AND (c.identified_on IS NULL OR NOT ` + before("c.identified_on", "c.identified_assessment_id", "n.date", "n.id") + `)
		GROUP BY 1, 2`
	type bin struct{ days, n int }
	all := []bin{}
	by := map[string][]bin{}
	err := each(ctx, tx, q, []any{c.y0, c.upper, c.y0, c.upper}, func(rows *sql.Rows) error {
		var auth string
		var b bin
		if err := rows.Scan(&auth, &b.days, &b.n); err != nil {
			return err
		}
		all = append(all, b)
		by[auth] = append(by[auth], b)
		return nil
	})
	if err != nil {
		return err
	}
	summary := func(bins []bin) nrm.DaysSummary {
		sort.Slice(bins, func(i, j int) bool { return bins[i].days < bins[j].days })
		var s nrm.DaysSummary
		for _, b := range bins {
			s.Count += b.n
		}
		if s.Count == 0 {
			return s
		}
		at := func(rank int) *int {
			seen := 0
			for _, b := range bins {
				if seen += b.n; seen >= rank {
					return ptr(b.days)
				}
			}
			return nil
		}
		s.Median, s.P90 = at(nrm.NearestRank(s.Count, 50)), at(nrm.NearestRank(s.Count, 90))
		return s
	}
	d := &c.s.DecisionDays
	d.DaysSummary = summary(all)
	for auth, bins := range by {
		d.ByAuthority[auth] = summary(bins)
	}
	return nil
}

// reconsiderations counts the reconsiderations requested in Y (up to the
// cut-off) by their outcome as of the cut-off.
func (c *statsCalc) reconsiderations(ctx context.Context, tx *Tx) error {
	r := &c.s.Reconsiderations
	err := tx.queryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN outcome = 'upheld' AND decided_on <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN outcome = 'overturned' AND decided_on <= ? THEN 1 ELSE 0 END), 0)
		FROM reconsiderations WHERE requested_on >= ? AND requested_on <= ?`,
		c.q.Cutoff, c.q.Cutoff, c.y0, c.upper).Scan(&r.Requested, &r.Upheld, &r.Overturned)
	r.Pending = r.Requested - r.Upheld - r.Overturned
	return err
}
