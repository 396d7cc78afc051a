package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

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
	for _, step := range []func(context.Context, *Tx) error{c.referrals, c.presumed, c.presumedNotIdentified, c.decisionDays, c.reconsiderations} {
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
	sc, args := c.scope("c")
	q := `SELECT t.purpose, t.form, t.status, t.outcome, COUNT(*) FROM (
			SELECT r.purpose AS purpose, c.first_contact_form AS form,
				CASE WHEN r.status <> 'sent' AND r.status_on IS NOT NULL AND r.status_on <= ? THEN r.status ELSE 'sent' END AS status,
				CASE WHEN r.purpose = 'assessment' THEN COALESCE((SELECT a.outcome FROM assessments a
					WHERE a.case_id = r.case_id AND a.authority = r.to_org AND a.stage <> 'preliminary'
						AND a.outcome IN ('identified', 'not_identified') AND a.date <= ?
					ORDER BY a.date, a.id LIMIT 1), 'pending') ELSE '' END AS outcome
			FROM referrals r JOIN cases c ON c.id = r.case_id
			WHERE r.date >= ? AND r.date <= ?` + sc + `) t
		GROUP BY t.purpose, t.form, t.status, t.outcome`
	err := each(ctx, tx, q, append([]any{c.q.Cutoff, c.q.Cutoff, c.y0, c.upper}, args...), func(rows *sql.Rows) error {
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
	sc, args := c.scopeCase("a")
	q := `SELECT a.authority, COUNT(*) FROM assessments a
		WHERE a.stage = 'preliminary' AND a.outcome = 'identified' AND a.date >= ? AND a.date <= ?
			AND NOT EXISTS (SELECT 1 FROM assessments b WHERE b.case_id = a.case_id
				AND b.stage = 'preliminary' AND b.outcome = 'identified' AND ` + before("b.date", "b.id", "a.date", "a.id") + `)` + sc + `
		GROUP BY a.authority`
	return each(ctx, tx, q, append([]any{c.y0, c.upper}, args...), func(rows *sql.Rows) error {
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

// presumedNotIdentified breaks down the presumed victims of Y (the cases
// of the presumed step) that have no final identification dated on or
// before the cut-off (identified_on on the cases row is the first one):
// by gender, age group at the preliminary assessment (from the birth
// year), nationality and the forms of exploitation that assessment
// records. It reads the small partial index assessments_presumed and one
// row per form, so it costs next to nothing without presumed victims.
func (c *statsCalc) presumedNotIdentified(ctx context.Context, tx *Tx) error {
	p := &c.s.PresumedNotIdentified
	sc, args := c.scope("c")
	q := `SELECT a.id, c.gender, c.birth_year, c.nationality, a.date, f.form
		FROM assessments a JOIN cases c ON c.id = a.case_id
			LEFT JOIN assessment_forms f ON f.assessment_id = a.id
		WHERE a.stage = 'preliminary' AND a.outcome = 'identified' AND a.date >= ? AND a.date <= ?
			AND NOT EXISTS (SELECT 1 FROM assessments b WHERE b.case_id = a.case_id
				AND b.stage = 'preliminary' AND b.outcome = 'identified' AND ` + before("b.date", "b.id", "a.date", "a.id") + `)
			AND (c.identified_on IS NULL OR c.identified_on > ?)` + sc + `
		ORDER BY a.id`
	type person struct {
		gender string
		forms  []string
	}
	var persons []*person
	byID := map[int64]*person{}
	err := each(ctx, tx, q, append([]any{c.y0, c.upper, c.q.Cutoff}, args...), func(rows *sql.Rows) error {
		var id int64
		var gender, nat, form sql.NullString
		var birthYear sql.NullInt64
		var on nrm.Date
		if err := rows.Scan(&id, &gender, &birthYear, &nat, &on, &form); err != nil {
			return err
		}
		pp := byID[id]
		if pp == nil {
			pp = &person{gender: gender.String}
			if pp.gender == "" {
				pp.gender = string(nrm.GenderUnknown)
			}
			byID[id] = pp
			persons = append(persons, pp)
			p.Total++
			p.ByGender[pp.gender]++
			group := nrm.AgeGroupUnknown
			if birthYear.Valid && birthYear.Int64 > 0 {
				group = nrm.AgeGroupAdult
				if nrm.NewDate(int(birthYear.Int64), 7, 1).YearsUntil(on) < 18 {
					group = nrm.AgeGroupChild
				}
			}
			p.ByAgeGroup[group]++
			n := nat.String
			if n == "" {
				n = "unknown"
			}
			p.ByNationality[n]++
		}
		if form.Valid && form.String != "" && !slices.Contains(pp.forms, form.String) {
			pp.forms = append(pp.forms, form.String)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, pp := range persons {
		forms := pp.forms
		if len(forms) == 0 {
			forms = []string{"unknown"}
		}
		for _, f := range forms {
			if p.ByExploitationGender[f] == nil {
				p.ByExploitationGender[f] = zeroMap("gender")
			}
			p.ByExploitationGender[f][pp.gender]++
		}
	}
	return nil
}

// decisionDays is the time from the first contact to the first final
// decision, for the cases whose first final decision is dated in Y (up to
// the cut-off). A case's first final decision is its first final
// identification (on the cases row) unless a negative final decision
// comes first. So the histogram of days is (A) the cases identified in Y
// without an earlier negative final decision, plus (B) the cases whose
// first negative final decision is dated in Y and comes before any
// identification. The percentiles are taken from the histogram.
//
// The negative decisions come from the small partial index
// assessments_negative; the redundant "date <=" lets SQLite probe it
// rather than every assessment of a case. (A) differs by engine, each
// the fastest over 1,000,000 cases: PostgreSQL hash-joins the year's
// identified cases with the negative decisions; on SQLite the exploitation
// step, which reads the same table rows of the cohort, lists each day's
// first contact dates (Go counts the days, addContactDays), and this step
// subtracts the few cases with an earlier negative decision found from
// the partial index — asking each identified case instead costs three
// times as much. Both add to one histogram, which decisionSummary turns
// into percentiles after every step has run.
func (c *statsCalc) decisionDays(ctx context.Context, tx *Tx) error {
	ident := c.d.daysBetween("c.first_contact_date", "c.identified_on")
	sc, scArgs := c.scope("c")
	neg := c.d.daysBetween("c.first_contact_date", "n.date")
	earlierNegative := `EXISTS (SELECT 1 FROM assessments n WHERE n.case_id = c.id AND ` + negative("n") + `
				AND n.date <= c.identified_on AND ` + before("n.date", "n.id", "c.identified_on", "c.identified_assessment_id") + `)`
	// (B), with sign 1.
	q := `SELECT n.authority, ` + neg + `, COUNT(*), 1 FROM assessments n JOIN cases c ON c.id = n.case_id
		WHERE ` + negative("n") + ` AND n.date >= ? AND n.date <= ? AND c.first_contact_date IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM assessments m WHERE m.case_id = n.case_id AND ` + negative("m") + `
				AND m.date <= n.date AND ` + before("m.date", "m.id", "n.date", "n.id") + `)
			AND (c.identified_on IS NULL OR NOT ` + before("c.identified_on", "c.identified_assessment_id", "n.date", "n.id") + `)` + sc + `
		GROUP BY 1, 2`
	args := append([]any{c.y0, c.upper}, scArgs...)
	if c.d.name() == "postgres" {
		q += `
		UNION ALL
		SELECT c.identified_authority, ` + ident + `, COUNT(*), 1 FROM cases c
		WHERE ` + cohort + ` AND c.first_contact_date IS NOT NULL AND NOT ` + earlierNegative + sc + `
		GROUP BY 1, 2`
		args = append(append(args, c.y0, c.upper), scArgs...)
	} else {
		// (A) every identified case is counted by the exploitation step,
		// which reads the same rows (addContactDays); here, minus those
		// with an earlier negative decision (sign -1).
		q += `
		UNION ALL
		SELECT c.identified_authority, ` + ident + `, COUNT(*), -1 FROM cases c
		WHERE c.id IN (SELECT n.case_id FROM assessments n WHERE ` + negative("n") + ` AND n.date <= ?)
			AND ` + cohort + ` AND c.first_contact_date IS NOT NULL AND ` + earlierNegative + sc + `
		GROUP BY 1, 2`
		args = append(append(args, c.upper, c.y0, c.upper), scArgs...)
	}
	return each(ctx, tx, q, args, func(rows *sql.Rows) error {
		var auth string
		var days, n, sign int
		if err := rows.Scan(&auth, &days, &n, &sign); err != nil {
			return err
		}
		c.addDays(auth, days, sign*n)
		return nil
	})
}

// addDays adds n decisions by auth taken days after the first contact.
func (c *statsCalc) addDays(auth string, days, n int) {
	c.daysMu.Lock()
	defer c.daysMu.Unlock()
	if c.days == nil {
		c.days = map[string]map[int]int{}
	}
	if c.days[auth] == nil {
		c.days[auth] = map[int]int{}
	}
	c.days[auth][days] += n
}

// addContactDays adds the identifications by auth on date on of cases
// first met on the comma-separated dates contacts (group_concat of
// YYYY-MM-DD dates, counted without parsing them as times).
func (c *statsCalc) addContactDays(auth string, on nrm.Date, contacts string) error {
	end := civilDays(on.Year(), int(on.Month()), on.Day())
	for len(contacts) >= 10 {
		d := contacts[:10]
		y, m, dd := atoi(d[0:4]), atoi(d[5:7]), atoi(d[8:10])
		if y < 0 || m < 0 || dd < 0 || d[4] != '-' || d[7] != '-' {
			return fmt.Errorf("first contact date %q", d)
		}
		c.addDays(auth, end-civilDays(y, m, dd), 1)
		contacts = strings.TrimPrefix(contacts[10:], ",")
	}
	if contacts != "" {
		return fmt.Errorf("first contact dates end in %q", contacts)
	}
	return nil
}

// decisionSummary turns the histogram of days into the decision_days
// key, once every step has run.
func (c *statsCalc) decisionSummary() {
	type bin struct{ days, n int }
	all := []bin{}
	by := map[string][]bin{}
	for auth, h := range c.days {
		for days, n := range h {
			if n != 0 {
				all = append(all, bin{days, n})
				by[auth] = append(by[auth], bin{days, n})
			}
		}
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
}

// reconsiderations counts the reconsiderations requested in Y (up to the
// cut-off) by their outcome as of the cut-off.
func (c *statsCalc) reconsiderations(ctx context.Context, tx *Tx) error {
	r := &c.s.Reconsiderations
	sc, args := c.scopeCase("x")
	err := tx.queryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN x.outcome = 'upheld' AND x.decided_on <= ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN x.outcome = 'overturned' AND x.decided_on <= ? THEN 1 ELSE 0 END), 0)
		FROM reconsiderations x WHERE x.requested_on >= ? AND x.requested_on <= ?`+sc,
		append([]any{c.q.Cutoff, c.q.Cutoff, c.y0, c.upper}, args...)...).Scan(&r.Requested, &r.Upheld, &r.Overturned)
	r.Pending = r.Requested - r.Upheld - r.Overturned
	return err
}

// civilDays is the number of days from 1970-01-01 to a date of the
// proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
func civilDays(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// atoi parses a short run of ASCII digits; -1 if it is not one.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
