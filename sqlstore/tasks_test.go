package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// taskCase creates a case owned by org, first met on 2024-01-02, with
// edit applied before it is stored.
func taskCase(t *testing.T, db *sqlstore.DB, ref, org string, edit func(c *nrm.Case)) *nrm.Case {
	t.Helper()
	c := &nrm.Case{Ref: ref, OwnerOrg: org, Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceAsylumSeeker,
		Identifiers: nrm.Identifiers{Name: "Secret Person-" + ref},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2024-01-02"), Form: nrm.ContactPolice, Org: org}}}
	if edit != nil {
		edit(c)
	}
	if err := db.CreateCase(admin, c); err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return c
}

func period(start, end string, k nrm.ReflectionKind) nrm.ReflectionPeriod {
	return nrm.ReflectionPeriod{Start: nrm.MustDate(start), End: nrm.MustDate(end), Kind: k, DecidedBy: "US"}
}

// taskLines renders tasks as "kind ref due days".
func taskLines(ts []*nrm.Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%s %s %s %d", t.Kind, t.CaseRef, t.Due, t.DaysLeft))
	}
	return out
}

func TestTasks(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db) // today is 2024-06-01
		no := false
		// The police's cases.
		taskCase(t, db, "T-SOON", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-05-10", "2024-06-09", nrm.ReflectionInitial)}
		})
		taskCase(t, db, "T-OVER", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-04-20", "2024-05-20", "")}
		})
		taskCase(t, db, "T-FAR", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-05-30", "2024-06-29", nrm.ReflectionInitial)}
		})
		// Extended: the extension's end counts, not the initial period's.
		taskCase(t, db, "T-EXT", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-04-01", "2024-05-01", nrm.ReflectionInitial),
				{Start: nrm.MustDate("2024-05-01"), End: nrm.MustDate("2024-07-01"), Kind: nrm.ReflectionExtension, Reason: "Hospital"}}
		})
		// Closed: the exit ended the period and nothing is due.
		taskCase(t, db, "T-CLOSED", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-05-01", "2024-05-25", nrm.ReflectionInitial)}
			c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate("2024-01-05"), End: nrm.MustDate("2024-05-25")}}
			c.Offers = []nrm.Offer{{Kind: "crisis_shelter", Offered: nrm.MustDate("2024-01-05")}}
			c.Exits = []nrm.Exit{{Date: nrm.MustDate("2024-05-25"), Kind: nrm.ExitPreparedReturn}}
		})
		taskCase(t, db, "T-STAY", "RIGSPOLITIET", func(c *nrm.Case) {
			c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate("2024-02-01")}, // 121 days
				{Kind: nrm.AccommodationPrivate, Start: nrm.MustDate("2024-01-03")}} // not a shelter
			c.Offers = []nrm.Offer{{Kind: "crisis_shelter", Offered: nrm.MustDate("2024-05-10")}, // unanswered 22 days
				{Kind: "crisis_shelter", Offered: nrm.MustDate("2024-05-01"), Accepted: &no}} // answered
		})
		// Another organisation's case: never in the police's worklist.
		taskCase(t, db, "T-REDEN", "REDEN", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-05-10", "2024-06-05", nrm.ReflectionInitial)}
		})
		// Closed in 2019: its identifiers are due for purging in 2024.
		taskCase(t, db, "T-OLD", "REDEN", func(c *nrm.Case) {
			c.Contacts[0].Date = nrm.MustDate("2018-01-02")
			c.Exits = []nrm.Exit{{Date: nrm.MustDate("2019-01-10"), Kind: nrm.ExitPreparedReturn}}
		})
		// A referral to US, sent on 2024-05-30: due for an answer in 7 days.
		ref := refCase(t, db, "T-REF", nrm.ResidenceAsylumSeeker, "1990-03-01")
		rid := send(t, db, ref.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-05-30"), ConsentID: consent(t, db, ref.ID)})
		// A referral accepted on 2024-01-15 and not decided since.
		pend := refCase(t, db, "T-PEND", nrm.ResidenceAsylumSeeker, "1990-03-01")
		pid := send(t, db, pend.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-01-15"), ConsentID: consent(t, db, pend.ID)})
		us := actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS)
		if err := db.AcceptReferral(us, pid, nrm.MustDate("2024-01-16")); err != nil {
			t.Fatal(err)
		}
		// A reconsideration due on 2024-06-10.
		taskCase(t, db, "T-RECON", "RIGSPOLITIET", func(c *nrm.Case) {
			c.Assessments = []nrm.Assessment{{ID: 1, Date: nrm.MustDate("2024-03-01"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal}}
			c.Reconsiderations = []nrm.Reconsideration{{AssessmentID: 1, RequestedOn: nrm.MustDate("2024-05-11"), Deadline: nrm.MustDate("2024-06-10")}}
		})

		list := func(ctx context.Context, f nrm.TaskFilter) []string {
			t.Helper()
			ts, err := db.FindTasks(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range ts {
				if strings.Contains(x.CaseRef, "Secret") || x.Link == "" {
					t.Fatalf("task %+v", x)
				}
			}
			return taskLines(ts)
		}
		police := actorCtx(nrm.RoleCaseworker, "RIGSPOLITIET", "")
		got := list(police, nrm.TaskFilter{})
		want := []string{
			"assessment_pending T-PEND 2024-04-14 -48",
			"long_stay T-STAY 2024-05-11 -21",
			"reflection_end T-OVER 2024-05-20 -12",
			"offer_unanswered T-STAY 2024-05-24 -8",
			"reflection_end T-SOON 2024-06-09 8",
			"reconsideration_deadline T-RECON 2024-06-10 9",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("police worklist:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// A wider window takes in the far period and the extension.
		got = list(police, nrm.TaskFilter{Within: 30, Kind: nrm.TaskReflectionEnd})
		if strings.Join(got, "|") != "reflection_end T-OVER 2024-05-20 -12|reflection_end T-SOON 2024-06-09 8|reflection_end T-FAR 2024-06-29 28|reflection_end T-EXT 2024-07-01 30" {
			t.Fatalf("30 days: %v", got)
		}
		// The assessor: the authority's queue (the referral waiting, the
		// pending decision) and the reconsideration of its decision.
		got = list(us, nrm.TaskFilter{})
		want = []string{
			"assessment_pending T-PEND 2024-04-14 -48",
			"referral_waiting T-REF 2024-06-06 5",
			"reconsideration_deadline T-RECON 2024-06-10 9",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("US worklist:\n%s", strings.Join(got, "\n"))
		}
		ts, _ := db.FindTasks(us, nrm.TaskFilter{Kind: nrm.TaskReferralWaiting})
		if len(ts) != 1 || ts[0].Link != fmt.Sprintf("/referrals/%d", rid) {
			t.Fatalf("referral task %+v", ts)
		}
		// The administrator sees everything, retention included; with an
		// organisation, that organisation's cases only.
		got = list(admin, nrm.TaskFilter{Org: "REDEN", Within: 14})
		if strings.Join(got, "|") != "retention_due T-OLD 2024-01-10 -143|reflection_end T-REDEN 2024-06-05 4" {
			t.Fatalf("admin, REDEN: %v", got)
		}
		all := list(admin, nrm.TaskFilter{})
		if len(all) != 9 {
			t.Fatalf("admin: %d tasks\n%s", len(all), strings.Join(all, "\n"))
		}
		// Counts agree with the lists, in one query; coordinators count
		// every organisation's and list none.
		counts, err := db.CountTasks(police, nrm.TaskFilter{})
		if err != nil || counts.Total != 6 || counts.Overdue != 4 {
			t.Fatalf("police counts %+v %v", counts, err)
		}
		for _, k := range counts.ByKind {
			if k.Kind == nrm.TaskRetentionDue {
				t.Fatal("a caseworker has retention in the counts")
			}
		}
		coord := actorCtx(nrm.RoleCoordinator, "CMM", "")
		counts, err = db.CountTasks(coord, nrm.TaskFilter{})
		if err != nil || counts.Total != 9 {
			t.Fatalf("coordinator counts %+v %v", counts, err)
		}
		if _, err := db.FindTasks(coord, nrm.TaskFilter{}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("coordinator lists tasks: %v", err)
		}
		for _, r := range []nrm.Role{nrm.RoleAnalyst, nrm.RoleAuditor} {
			if _, err := db.CountTasks(actorCtx(r, "CMM", ""), nrm.TaskFilter{}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s counts tasks: %v", r, err)
			}
		}
		// A caseworker cannot ask for another organisation's worklist.
		if _, err := db.FindTasks(police, nrm.TaskFilter{Org: "REDEN"}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("police asks for REDEN's tasks: %v", err)
		}
		if _, err := db.FindTasks(police, nrm.TaskFilter{Within: 9999}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("window too wide: %v", err)
		}
		// Answering the offer and ending the stay take them off the list.
		c, err := db.FindCaseByRef(admin, "T-STAY")
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		c.Offers[1].Accepted = &yes // sorted by date: the 2024-05-10 offer is second
		c.Accommodations[1].End = nrm.MustDate("2024-05-31")
		if err := db.UpdateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		if got := list(police, nrm.TaskFilter{Kind: nrm.TaskOfferUnanswered}); len(got) != 0 {
			t.Fatalf("answered offer still listed: %v", got)
		}
		if got := list(police, nrm.TaskFilter{Kind: nrm.TaskLongStay}); len(got) != 0 {
			t.Fatalf("ended stay still listed: %v", got)
		}
		// The list is audited; the counts are not.
		if dump := auditDump(t, db); !strings.Contains(dump, "tasks.read") {
			t.Fatal("worklist read not audited")
		}
	})
}

// Reflection periods keep their kind, reason and decider on both
// engines, and a write is held to the maximum of the setting in force.
func TestReflectionStorage(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		c := taskCase(t, db, "R-1", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{period("2024-01-02", "2024-02-01", nrm.ReflectionInitial),
				{Start: nrm.MustDate("2024-02-01"), End: nrm.MustDate("2024-04-11"), Kind: nrm.ReflectionExtension, Reason: "Hospital stay", DecidedBy: "US"}}
		})
		got, err := db.FindCaseByID(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p := got.ReflectionPeriods; len(p) != 2 || p[0].Kind != nrm.ReflectionInitial || p[0].DecidedBy != "US" ||
			p[1].Kind != nrm.ReflectionExtension || p[1].Reason != "Hospital stay" {
			t.Fatalf("periods %+v", p)
		}
		// One day beyond 100 in total is refused, with one fault, and
		// nothing is stored.
		got.ReflectionPeriods[1].End = nrm.MustDate("2024-04-12")
		err = db.CorrectCase(admin, got, "Extension decided again")
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "reflection_end" || fe[0].Rule != nrm.RuleRange {
			t.Fatalf("101 days: %v", err)
		}
		again, _ := db.FindCaseByID(admin, c.ID)
		if again.ReflectionPeriods[1].End.String() != "2024-04-11" || again.Version != 1 {
			t.Fatalf("refused change stored: %+v", again.ReflectionPeriods)
		}
		// A longer statutory maximum allows it.
		if err := db.SetSetting(admin, nrm.SettingReflectionMaxDays, "120"); err != nil {
			t.Fatal(err)
		}
		got.Version = again.Version
		if err := db.CorrectCase(admin, got, "Extension decided again"); err != nil {
			t.Fatalf("101 days under 120: %v", err)
		}
		if d, m, err := db.ReflectionSettings(admin); err != nil || d != 30 {
			t.Fatalf("settings %d %d %v", d, m, err)
		}
		// Periods from before kinds are not held to the maximum.
		old := taskCase(t, db, "R-OLD", "RIGSPOLITIET", func(c *nrm.Case) {
			c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: nrm.MustDate("2024-01-02"), End: nrm.MustDate("2024-05-30")}}
		})
		if old.ID == 0 {
			t.Fatal("old case not stored")
		}
	})
}

// The navigation's count is reused only while nothing changed: a new
// task counts at once, and a closed case's task drops at once.
func TestTaskCountsFresh(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		police := actorCtx(nrm.RoleCaseworker, "RIGSPOLITIET", "")
		count := func() int {
			t.Helper()
			c, err := db.CountTasks(police, nrm.TaskFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return c.Total
		}
		before := count()
		if again := count(); again != before {
			t.Fatalf("count %d, then %d", before, again)
		}
		today := nrm.DateOf(db.Now())
		c := taskCase(t, db, "T-FRESH", "RIGSPOLITIET", func(c *nrm.Case) {
			c.Contacts[0].Date = today.AddDays(-10)
			c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: today.AddDays(-10), End: today.AddDays(3), Kind: nrm.ReflectionInitial, DecidedBy: "US"}}
		})
		if got := count(); got != before+1 {
			t.Fatalf("after a new reflection period: %d, want %d", got, before+1)
		}
		got, err := db.FindCaseByID(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got.Exits = []nrm.Exit{{Date: today.AddDays(-1), Kind: nrm.ExitSelfReturn}}
		got.EndOpenOn(today.AddDays(-1))
		if err := db.CorrectCase(admin, got, "Left the country"); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != before {
			t.Fatalf("after the exit: %d, want %d", got, before)
		}
	})
}

// An import holds every case to the maximum too: a new case over it is
// refused with one fault, and nothing of the bundle is stored.
func TestImportHoldsReflectionMax(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		over := newCase("IMP-OVER")
		over.ReflectionPeriods = []nrm.ReflectionPeriod{period("2011-01-02", "2011-02-01", nrm.ReflectionInitial),
			{Start: nrm.MustDate("2011-02-01"), End: nrm.MustDate("2011-04-13"), Kind: nrm.ReflectionExtension, Reason: "Hospital stay", DecidedBy: "US"}}
		_, err := db.Import(admin, func(w nrm.ImportWriter) error {
			if err := w.PutCase(admin, newCase("IMP-OK")); err != nil {
				return err
			}
			return w.PutCase(admin, over)
		})
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "reflection_end" || fe[0].Rule != nrm.RuleRange {
			t.Fatalf("import of 101 days: %v", err)
		}
		if _, n, err := db.FindCases(admin, nrm.CaseFilter{}); err != nil || n != 0 {
			t.Fatalf("after a refused import: %d cases, %v", n, err)
		}
		over.ReflectionPeriods[1].End = nrm.MustDate("2011-04-12") // 100 days (2011 is no leap year)
		if _, err := db.Import(admin, func(w nrm.ImportWriter) error { return w.PutCase(admin, over) }); err != nil {
			t.Fatalf("import of 100 days: %v", err)
		}
	})
}

// BenchmarkTasks reads the worklist as a caseworker, an assessor and an
// administrator, and the navigation's count, beside their floor: a plain
// indexed COUNT of the same table in the same run. Over NRM_BENCH_DB when
// set (a million cases, bench/run.sh), else over 20,000 generated cases,
// a tenth of them open with a reflection period, a shelter stay and an
// unanswered offer.
func BenchmarkTasks(b *testing.B) {
	var db *sqlstore.DB
	if dsn := os.Getenv("NRM_BENCH_DB"); dsn != "" {
		db = benchOpen(b, dsn)
	} else {
		db = sqltest.MustOpenDB(b, "sqlite")
		today := nrm.DateOf(db.Now())
		if _, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := range 20000 {
				c := newCase(fmt.Sprintf("T-%06d", i))
				c.Identifiers = nrm.Identifiers{}
				c.OwnerOrg = []string{"CMM", "REDEN", "US"}[i%3]
				start := today.AddDays(-400 + i%400)
				c.Contacts[0].Date = start
				c.Assessments[0].Date = start.AddDays(5)
				c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: start, End: start.AddDays(30), Kind: nrm.ReflectionInitial}}
				c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: start}}
				c.Offers = []nrm.Offer{{Kind: "crisis_shelter", Offered: start}}
				if i%10 != 0 { // nine in ten closed: their periods and stays ended
					exit := start.AddDays(20)
					c.EndOpenOn(exit)
					c.Exits = []nrm.Exit{{Date: exit, Kind: nrm.ExitPreparedReturn}}
				}
				if err := w.PutCase(admin, c); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	f := nrm.TaskFilter{Within: 14, Limit: 50}
	for _, a := range []struct {
		name string
		ctx  context.Context
	}{{"caseworker", actorCtx(nrm.RoleCaseworker, "REDEN", "")}, {"assessor", actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS)}, {"admin", admin}} {
		b.Run(a.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.FindTasks(a.ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(a.name+"-count", func(b *testing.B) {
			for b.Loop() {
				if _, err := db.CountTasks(a.ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("floor", func(b *testing.B) {
		for b.Loop() {
			var n int
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM cases WHERE owner_org = 'REDEN'").Scan(&n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
