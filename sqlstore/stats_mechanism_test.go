package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// The statistics of the mechanism (referrals, presumed victims, time to
// decision, reconsiderations) are checked against an independent
// computation in Go from the cases, referrals and reconsiderations the
// test wrote, over many random data sets.

// mechReferral is a referral row the test writes with plain SQL.
type mechReferral struct {
	caseIdx  int
	purpose  string
	toOrg    string
	date     nrm.Date
	status   string
	statusOn nrm.Date
}

// mechReconsideration is a reconsideration row the test writes with SQL.
type mechReconsideration struct {
	caseIdx     int
	assessment  int64
	requestedOn nrm.Date
	outcome     string
	decidedOn   nrm.Date
}

type mechData struct {
	cases []*nrm.Case
	refs  []mechReferral
	recs  []mechReconsideration
}

var mechStart = nrm.MustDate("2009-06-01")

// edges are the dates where the rules change: first and last days of the
// years and the default cut-offs.
var edges = []nrm.Date{nrm.MustDate("2010-01-01"), nrm.MustDate("2010-12-31"), nrm.MustDate("2011-01-01"), nrm.MustDate("2011-03-01"),
	nrm.MustDate("2011-12-31"), nrm.MustDate("2012-01-01"), nrm.MustDate("2012-03-01"), nrm.MustDate("2012-12-31"), nrm.MustDate("2013-03-01")}

// day returns a random date between from and from + span days; one in
// five is an edge date in that range, when there is one.
func day(r *rand.Rand, from nrm.Date, span int) nrm.Date {
	if r.IntN(5) == 0 {
		e := edges[r.IntN(len(edges))]
		if !e.Before(from) && !e.After(from.AddDays(span)) {
			return e
		}
	}
	return from.AddDays(r.IntN(span + 1))
}

// randomMechanism builds n random cases with contacts and assessments of
// every stage and outcome (ties of dates on purpose), and random
// referrals and reconsiderations for them.
func randomMechanism(r *rand.Rand, n int) *mechData {
	md := &mechData{}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	forms := nrm.Codes("contact_form")
	for i := range n {
		res := nrm.ResidenceStatus(pick("legal", "irregular", "asylum_seeker", "unknown"))
		c := &nrm.Case{Ref: fmt.Sprintf("m%04d", i), OwnerOrg: "CMM", Gender: nrm.Gender(pick("female", "male", "transgender", "unknown")),
			Nationality: pick("NG", "TH", "RO"), ResidenceStatus: res, BirthYear: 1970 + r.IntN(30)}
		first := day(r, mechStart, 900)
		if r.IntN(12) > 0 { // a few cases without any contact
			for j := range 1 + r.IntN(3) {
				d := first
				if j > 0 && r.IntN(2) == 0 {
					d = day(r, first, 200)
				}
				c.Contacts = append(c.Contacts, nrm.Contact{Date: d, Form: nrm.ContactForm(forms[r.IntN(len(forms))])})
			}
		}
		var last nrm.Date
		for j := range r.IntN(4) {
			d := day(r, first, 700)
			if j > 0 && r.IntN(4) == 0 {
				d = last // same day as the previous one: the list order decides
			}
			last = d
			a := nrm.Assessment{Date: d, Authority: nrm.Authority(pick("US", "CMM")),
				Outcome: nrm.Outcome(pick("identified", "identified", "not_identified", "pending")),
				Stage:   nrm.AssessmentStage(pick("", "final", "preliminary", "preliminary"))}
			if want := nrm.AuthorityFor(res); want != "" && want != a.Authority {
				a.OverrideReason = "test"
			}
			if a.Outcome == nrm.OutcomeIdentified {
				a.Exploitation = []nrm.ExploitationForm{"sexual"}
			}
			c.Assessments = append(c.Assessments, a)
		}
		md.cases = append(md.cases, c)
		for range r.IntN(3) {
			ref := mechReferral{caseIdx: i, purpose: pick("assessment", "assessment", "support"), date: day(r, first, 800),
				status: pick("sent", "accepted", "returned", "withdrawn")}
			ref.toOrg = pick("US", "CMM")
			if ref.purpose == "support" || r.IntN(8) == 0 {
				ref.toOrg = pick("RK", "IOM")
			}
			if ref.status != "sent" && r.IntN(6) > 0 || r.IntN(4) == 0 {
				ref.statusOn = day(r, ref.date, 300)
			}
			md.refs = append(md.refs, ref)
		}
	}
	return md
}

// addReconsiderations adds random reconsiderations of the stored cases'
// negative final decisions (they need the assessments' ids).
func (md *mechData) addReconsiderations(r *rand.Rand) {
	for i, c := range md.cases {
		for _, a := range c.Assessments {
			if !a.IsFinal() || a.Outcome != nrm.OutcomeNotIdentified || r.IntN(3) == 0 {
				continue
			}
			rec := mechReconsideration{caseIdx: i, assessment: a.ID, requestedOn: day(r, a.Date, 300)}
			switch r.IntN(3) {
			case 0:
				rec.outcome = "upheld"
			case 1:
				rec.outcome = "overturned"
			}
			if rec.outcome != "" {
				rec.decidedOn = day(r, rec.requestedOn, 120)
			}
			md.recs = append(md.recs, rec)
		}
	}
}

// store writes the data set: the cases through the store, the referrals
// and reconsiderations as plain rows.
func (md *mechData) store(t *testing.T, db *sqlstore.DB, r *rand.Rand) {
	t.Helper()
	for _, c := range md.cases {
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatalf("%s: %v", c.Ref, err)
		}
	}
	md.addReconsiderations(r)
	opt := func(d nrm.Date) any {
		if d.IsZero() {
			return nil
		}
		return d
	}
	for _, f := range md.refs {
		sqlExec(t, db, `INSERT INTO referrals (case_id, purpose, from_org, to_org, date, status, status_on) VALUES (?, ?, 'RK', ?, ?, ?, ?)`,
			md.cases[f.caseIdx].ID, f.purpose, f.toOrg, f.date, f.status, opt(f.statusOn))
	}
	for _, x := range md.recs {
		sqlExec(t, db, `INSERT INTO reconsiderations (case_id, assessment_id, requested_on, deadline, outcome, decided_on) VALUES (?, ?, ?, ?, ?, ?)`,
			md.cases[x.caseIdx].ID, x.assessment, x.requestedOn, x.requestedOn.AddDays(nrm.DefaultReconsiderationDays), x.outcome, opt(x.decidedOn))
	}
}

// sqlExec runs one statement on the test database (placeholders ?).
func sqlExec(t *testing.T, db *sqlstore.DB, q string, args ...any) {
	t.Helper()
	if err := db.ExecForTest(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// mechExpected is the checker's answer for the four keys.
type mechExpected struct {
	Referrals        nrm.ReferralStats
	Presumed         nrm.PresumedStats
	DecisionDays     nrm.DecisionDays
	Reconsiderations nrm.ReconsiderationStats
}

func zeros(set string) map[string]int {
	m := map[string]int{}
	for _, c := range nrm.Codes(set) {
		m[c] = 0
	}
	return m
}

// first returns the index of the first element of as (by date, then id)
// that ok accepts, or -1.
func first(as []nrm.Assessment, ok func(nrm.Assessment) bool) int {
	best := -1
	for i, a := range as {
		if !ok(a) {
			continue
		}
		if best < 0 || a.Date.Before(as[best].Date) || (a.Date == as[best].Date && a.ID < as[best].ID) {
			best = i
		}
	}
	return best
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []int, p float64) *int {
	if len(sorted) == 0 {
		return nil
	}
	v := sorted[int(math.Ceil(p*float64(len(sorted))))-1]
	return &v
}

func daysSummary(days []int) nrm.DaysSummary {
	sort.Ints(days)
	return nrm.DaysSummary{Count: len(days), Median: percentile(days, 0.5), P90: percentile(days, 0.9)}
}

// expectMechanism computes the keys from the data in Go.
func (md *mechData) expect(year int, cutoff nrm.Date) mechExpected {
	y0, upper := nrm.NewDate(year, 1, 1), nrm.NewDate(year, 12, 31)
	if cutoff.Before(upper) {
		upper = cutoff
	}
	in := func(d nrm.Date) bool { return !d.Before(y0) && !d.After(upper) }
	var e mechExpected
	e.Referrals = nrm.ReferralStats{ByPurpose: zeros("referral_purpose"), BySourceContactForm: zeros("contact_form"),
		ByStatus: zeros("referral_status"), ByOutcome: zeros("assessment_outcome")}
	for _, f := range md.refs {
		if !in(f.date) {
			continue
		}
		c := md.cases[f.caseIdx]
		e.Referrals.Total++
		e.Referrals.ByPurpose[f.purpose]++
		form := "unknown"
		var firstOn nrm.Date
		for i, ct := range c.Contacts {
			if i == 0 || ct.Date.Before(firstOn) { // ties: the first listed
				form, firstOn = string(ct.Form), ct.Date
			}
		}
		e.Referrals.BySourceContactForm[form]++
		status := "sent"
		if !f.statusOn.IsZero() && !f.statusOn.After(cutoff) {
			status = f.status
		}
		e.Referrals.ByStatus[status]++
		if f.purpose == "assessment" {
			outcome := "pending"
			if i := first(c.Assessments, func(a nrm.Assessment) bool {
				return string(a.Authority) == f.toOrg && a.Stage != nrm.StagePreliminary && a.Outcome != nrm.OutcomePending && !a.Date.After(cutoff)
			}); i >= 0 {
				outcome = string(c.Assessments[i].Outcome)
			}
			e.Referrals.ByOutcome[outcome]++
		}
	}
	e.Presumed.ByAuthority = zeros("authority")
	all, by := []int{}, map[string][]int{}
	for _, c := range md.cases {
		if i := first(c.Assessments, func(a nrm.Assessment) bool {
			return a.Stage == nrm.StagePreliminary && a.Outcome == nrm.OutcomeIdentified
		}); i >= 0 && in(c.Assessments[i].Date) {
			e.Presumed.Total++
			e.Presumed.ByAuthority[string(c.Assessments[i].Authority)]++
		}
		i := first(c.Assessments, func(a nrm.Assessment) bool {
			return a.Stage != nrm.StagePreliminary && (a.Outcome == nrm.OutcomeIdentified || a.Outcome == nrm.OutcomeNotIdentified)
		})
		if i < 0 || !in(c.Assessments[i].Date) || len(c.Contacts) == 0 {
			continue
		}
		earliest := c.Contacts[0].Date
		for _, ct := range c.Contacts {
			if ct.Date.Before(earliest) {
				earliest = ct.Date
			}
		}
		d := int(c.Assessments[i].Date.Time().Sub(earliest.Time()).Hours() / 24)
		all = append(all, d)
		by[string(c.Assessments[i].Authority)] = append(by[string(c.Assessments[i].Authority)], d)
	}
	e.DecisionDays.DaysSummary = daysSummary(all)
	e.DecisionDays.ByAuthority = map[string]nrm.DaysSummary{}
	for _, a := range nrm.Codes("authority") {
		e.DecisionDays.ByAuthority[a] = daysSummary(by[a])
	}
	for _, x := range md.recs {
		if !in(x.requestedOn) {
			continue
		}
		e.Reconsiderations.Requested++
		switch {
		case x.outcome == "upheld" && !x.decidedOn.After(cutoff):
			e.Reconsiderations.Upheld++
		case x.outcome == "overturned" && !x.decidedOn.After(cutoff):
			e.Reconsiderations.Overturned++
		default:
			e.Reconsiderations.Pending++
		}
	}
	return e
}

// mechSeen sums what the data sets exercised, so that the property test
// cannot pass on empty statistics.
type mechSeen struct{ referrals, outcomes, presumed, decisions, upheld, pending int }

// checkMechanism compares the store's statistics with the checker's for
// several years and cut-offs.
func checkMechanism(t *testing.T, db *sqlstore.DB, md *mechData, r *rand.Rand, seen *mechSeen) {
	t.Helper()
	for _, year := range []int{2009, 2010, 2011, 2012} {
		cutoffs := []nrm.Date{nrm.DefaultCutoff(year), day(r, nrm.NewDate(year, 1, 1), 500)}
		for _, cutoff := range cutoffs {
			s, err := db.Statistics(admin, nrm.StatsQuery{Year: year, Cutoff: cutoff})
			if err != nil {
				t.Fatal(err)
			}
			got := mechExpected{s.Referrals, s.Presumed, s.DecisionDays, s.Reconsiderations}
			if got.Referrals.BySourceContactForm["unknown"] == 0 {
				delete(got.Referrals.BySourceContactForm, "unknown")
			}
			want := md.expect(year, cutoff)
			if want.Referrals.BySourceContactForm["unknown"] == 0 {
				delete(want.Referrals.BySourceContactForm, "unknown")
			}
			seen.referrals += got.Referrals.Total
			seen.outcomes += got.Referrals.ByOutcome["identified"] * got.Referrals.ByOutcome["not_identified"]
			seen.presumed += got.Presumed.Total
			seen.decisions += got.DecisionDays.Count
			seen.upheld += got.Reconsiderations.Upheld
			seen.pending += got.Reconsiderations.Pending
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%d, cut-off %s:\n got %s\nwant %s", year, cutoff, dump(got), dump(want))
			}
		}
	}
}

func dump(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// TestStatsMechanismProperty compares the SQL statistics of the mechanism
// with the Go checker on random data sets: 50 on SQLite, 4 on PostgreSQL.
func TestStatsMechanismProperty(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			runs := 50
			if engine == "postgres" {
				runs = 4
			}
			if testing.Short() {
				runs = 5
			}
			var seen mechSeen
			for run := range runs {
				r := rand.New(rand.NewPCG(uint64(run), 10))
				db := sqltest.MustOpenDB(t, engine)
				md := randomMechanism(r, 30+r.IntN(171))
				md.store(t, db, r)
				t.Run(fmt.Sprint(run), func(t *testing.T) { checkMechanism(t, db, md, r, &seen) })
			}
			if seen.referrals == 0 || seen.outcomes == 0 || seen.presumed == 0 || seen.decisions == 0 || seen.upheld == 0 || seen.pending == 0 {
				t.Fatalf("the data sets exercised too little: %+v", seen)
			}
			t.Logf("exercised: %+v", seen)
		})
	}
}

// TestStatsMechanismRules: the documented rules on a small data set —
// nearest-rank percentiles, a preliminary assessment is no decision but
// a presumed victim, a negative final decision before the identification
// is the first decision, and the status as of the cut-off.
func TestStatsMechanismRules(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		mk := func(ref, contact string, as ...nrm.Assessment) *nrm.Case {
			c := &nrm.Case{Ref: ref, OwnerOrg: "CMM", Gender: "female", ResidenceStatus: nrm.ResidenceIrregular,
				Contacts: []nrm.Contact{{Date: nrm.MustDate(contact), Form: nrm.ContactOutreach}}, Assessments: as}
			return c
		}
		a := func(date string, outcome nrm.Outcome, stage nrm.AssessmentStage) nrm.Assessment {
			x := nrm.Assessment{Date: nrm.MustDate(date), Authority: "US", Outcome: outcome, Stage: stage}
			if outcome == nrm.OutcomeIdentified {
				x.Exploitation = []nrm.ExploitationForm{"sexual"}
			}
			return x
		}
		md := &mechData{cases: []*nrm.Case{
			// 4, 7, 9 and 30 days to the first final decision.
			mk("d4", "2011-01-01", a("2011-01-05", "identified", "")),
			mk("d7", "2011-02-01", a("2011-02-08", "not_identified", "final"), a("2011-03-01", "identified", "final")),
			mk("d9", "2011-03-01", a("2011-03-02", "identified", "preliminary"), a("2011-03-10", "identified", "final")),
			mk("d30", "2011-04-01", a("2011-04-02", "pending", "final"), a("2011-05-01", "not_identified", "")),
			// Presumed only: no final decision.
			mk("p", "2011-05-01", a("2011-05-03", "identified", "preliminary")),
			// Decided in 2010: not in 2011.
			mk("old", "2010-01-01", a("2010-12-31", "not_identified", "final"), a("2011-06-01", "identified", "final")),
		}}
		md.refs = []mechReferral{
			{caseIdx: 1, purpose: "assessment", toOrg: "US", date: nrm.MustDate("2011-02-01"), status: "accepted", statusOn: nrm.MustDate("2012-03-01")},
			{caseIdx: 4, purpose: "assessment", toOrg: "US", date: nrm.MustDate("2011-05-01"), status: "returned", statusOn: nrm.MustDate("2012-03-02")},
			{caseIdx: 2, purpose: "support", toOrg: "RK", date: nrm.MustDate("2011-03-01"), status: "sent"},
		}
		md.store(t, db, rand.New(rand.NewPCG(1, 2)))
		s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		d := s.DecisionDays
		if d.Count != 4 || *d.Median != 7 || *d.P90 != 30 || d.ByAuthority["US"].Count != 4 || d.ByAuthority["CMM"].Median != nil {
			t.Errorf("decision_days %+v median %v p90 %v", d, *d.Median, *d.P90)
		}
		if s.Presumed.Total != 2 || s.Presumed.ByAuthority["US"] != 2 {
			t.Errorf("presumed %+v", s.Presumed)
		}
		r := s.Referrals
		if r.Total != 3 || r.ByPurpose["assessment"] != 2 || r.ByStatus["accepted"] != 1 || r.ByStatus["sent"] != 2 ||
			r.ByOutcome["not_identified"] != 1 || r.ByOutcome["pending"] != 1 || r.BySourceContactForm["outreach"] != 3 {
			t.Errorf("referrals %+v", r)
		}
		// d4, d7 (after its negative decision), d9 and old (first final
		// identification in 2011, first decision in 2010); never p.
		if s.Identified.Total != 4 {
			t.Errorf("identified %d", s.Identified.Total)
		}
		checkMechanism(t, db, md, rand.New(rand.NewPCG(3, 4)), &mechSeen{})
	})
}

// TestStatsMechanismCache: a referral or reconsideration written after the
// statistics were computed moves the data version, so the cached answer
// is not served.
func TestStatsMechanismCache(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		md := &mechData{cases: []*nrm.Case{{Ref: "c1", OwnerOrg: "CMM", Gender: "male", ResidenceStatus: nrm.ResidenceLegal,
			Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-01-10"), Form: nrm.ContactPolice}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-01"), Authority: "CMM", Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal}}}}}
		if err := db.CreateCase(admin, md.cases[0]); err != nil {
			t.Fatal(err)
		}
		if s := stats(t, db, 2011, ""); s.Referrals.Total != 0 || s.Reconsiderations.Requested != 0 || s.DecisionDays.Count != 1 || *s.DecisionDays.Median != 22 {
			t.Fatalf("before: %+v %+v %+v", s.Referrals, s.Reconsiderations, s.DecisionDays)
		}
		sqlExec(t, db, `INSERT INTO referrals (case_id, purpose, from_org, to_org, date, status) VALUES (?, 'assessment', 'RK', 'CMM', ?, 'sent')`,
			md.cases[0].ID, nrm.MustDate("2011-01-11"))
		sqlExec(t, db, `INSERT INTO reconsiderations (case_id, assessment_id, requested_on, deadline) VALUES (?, ?, ?, ?)`,
			md.cases[0].ID, md.cases[0].Assessments[0].ID, nrm.MustDate("2011-03-01"), nrm.MustDate("2011-03-31"))
		s := stats(t, db, 2011, "")
		if s.Referrals.Total != 1 || s.Referrals.ByOutcome["not_identified"] != 1 || s.Referrals.BySourceContactForm["police"] != 1 ||
			s.Reconsiderations.Requested != 1 || s.Reconsiderations.Pending != 1 {
			t.Fatalf("after: %+v %+v", s.Referrals, s.Reconsiderations)
		}
	})
}
