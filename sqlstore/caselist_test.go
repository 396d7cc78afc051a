package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// listCases creates the cases of the list tests, relative to today:
// L-A a 16-year-old with a reflection period ending in 5 days and an
// open stay, shared with REDEN; L-B turning 18 this year, whose period is
// extended to 40 days from now; L-C owned by REDEN, first contact in
// 2012, not identified, its stay ended; L-D 19 this year, its period over.
func listCases(t *testing.T, db *sqlstore.DB, today nrm.Date) {
	t.Helper()
	day := func(n int) nrm.Date { return today.AddDays(n) }
	a := newCase("L-A")
	a.BirthYear, a.SharedWith = today.Year()-16, []string{"REDEN"}
	a.Identifiers.BirthDate = nrm.Date{}
	a.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: day(-20), End: day(5)}}
	a.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: day(-10)}}
	b := newCase("L-B")
	b.BirthYear = today.Year() - 18
	b.Identifiers.BirthDate = nrm.Date{}
	b.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: day(-25), End: day(5)}, {Start: day(5), End: day(40)}}
	c := newCase("L-C")
	c.OwnerOrg, c.BirthYear = "REDEN", 1990
	c.Identifiers.BirthDate = nrm.Date{}
	c.Contacts = []nrm.Contact{{Date: nrm.MustDate("2012-03-01"), Form: nrm.ContactPolice, Org: "RIGSPOLITIET"}}
	c.Assessments = nil
	c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate("2012-03-02"), End: nrm.MustDate("2012-04-01")}}
	d := newCase("L-D")
	d.BirthYear = today.Year() - 19
	d.Identifiers.BirthDate = nrm.Date{}
	d.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: day(-40), End: day(-1)}}
	for _, x := range []*nrm.Case{a, b, c, d} {
		if err := db.CreateCase(admin, x); err != nil {
			t.Fatalf("%s: %v", x.Ref, err)
		}
	}
}

func listRefs(list []*nrm.CaseSummary) string {
	var out []string
	for _, s := range list {
		out = append(out, s.Ref)
	}
	return strings.Join(out, " ")
}

// TestCaseListFiltersAndSorts: each filter of the case list keeps the
// cases it names and no other, on both engines; every sort key orders by
// its column with unknown values first ascending and last descending;
// the list stays inside what the actor may see.
func TestCaseListFiltersAndSorts(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		today := nrm.DateOf(time.Now().UTC())
		listCases(t, db, today)
		find := func(ctx context.Context, f nrm.CaseFilter) string {
			t.Helper()
			f.Today = today
			if f.Sort == "" {
				f.Sort = nrm.SortRef
			}
			list, n := must2(db.FindCases(ctx, f))(t)
			if n != len(list) && f.Limit == 0 {
				t.Fatalf("total %d, listed %d", n, len(list))
			}
			return listRefs(list)
		}
		for _, tc := range []struct {
			name string
			f    nrm.CaseFilter
			want string
		}{
			{"all", nrm.CaseFilter{}, "L-A L-B L-C L-D"},
			{"minors", nrm.CaseFilter{Minors: true}, "L-A L-B"},
			{"open stay", nrm.CaseFilter{OpenStay: true}, "L-A"},
			{"deadline 14 days", nrm.CaseFilter{DeadlineWithin: 14}, "L-A"},
			{"deadline 60 days", nrm.CaseFilter{DeadlineWithin: 60}, "L-A L-B"},
			{"deadline 4 days", nrm.CaseFilter{DeadlineWithin: 4}, ""},
			{"owner", nrm.CaseFilter{OwnerOrg: "REDEN"}, "L-C"},
			{"first contact from", nrm.CaseFilter{FirstContactFrom: nrm.MustDate("2012-01-01")}, "L-C"},
			{"first contact to", nrm.CaseFilter{FirstContactTo: nrm.MustDate("2011-12-31")}, "L-A L-B L-D"},
			{"identified range", nrm.CaseFilter{IdentifiedFrom: nrm.MustDate("2011-02-10"), IdentifiedTo: nrm.MustDate("2011-02-10")}, "L-A L-B L-D"},
			{"identified empty range", nrm.CaseFilter{IdentifiedFrom: nrm.MustDate("2011-02-11")}, ""},
			{"ref desc", nrm.CaseFilter{Sort: nrm.SortRef, Desc: true}, "L-D L-C L-B L-A"},
			{"identified asc: unknown first", nrm.CaseFilter{Sort: nrm.SortIdentifiedOn}, "L-C L-A L-B L-D"},
			{"identified desc: unknown last", nrm.CaseFilter{Sort: nrm.SortIdentifiedOn, Desc: true}, "L-D L-B L-A L-C"},
			{"authority asc", nrm.CaseFilter{Sort: nrm.SortAuthority}, "L-C L-A L-B L-D"},
			{"first contact desc", nrm.CaseFilter{Sort: nrm.SortFirstContact, Desc: true}, "L-C L-D L-B L-A"},
			{"owner desc", nrm.CaseFilter{Sort: nrm.SortOwnerOrg, Desc: true}, "L-C L-D L-B L-A"},
			{"page", nrm.CaseFilter{Limit: 2, Offset: 1}, "L-B L-C"},
			{"unknown sort is the default", nrm.CaseFilter{Sort: "identifiers; DROP TABLE cases"}, ""},
		} {
			got := find(admin, tc.f)
			if tc.name == "unknown sort is the default" {
				// The latest change first: L-D was written last.
				if !strings.HasPrefix(got, "L-D") {
					t.Errorf("%s: %q", tc.name, got)
				}
				continue
			}
			if got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		// A caseworker of REDEN sees its own case and the one shared with
		// it, whatever the filter asks for.
		reden := actorCtx(nrm.RoleCaseworker, "REDEN", "")
		if got := find(reden, nrm.CaseFilter{}); got != "L-A L-C" {
			t.Errorf("REDEN sees %q", got)
		}
		if got := find(reden, nrm.CaseFilter{OwnerOrg: "CMM"}); got != "L-A" {
			t.Errorf("REDEN, owner CMM: %q", got)
		}
		// The summary carries the birth year, for the age and the badge.
		list, _ := must2(db.FindCases(admin, nrm.CaseFilter{Ref: "L-A", Today: today}))(t)
		if len(list) != 1 || list[0].BirthYear != today.Year()-16 || !nrm.Minor(list[0].BirthYear, today) || nrm.AgeIn(list[0].BirthYear, today) != 16 {
			t.Errorf("L-A summary: %+v", list)
		}
	})
}

// TestAgeAndMinor: the age is the one reached this year; a person
// turning 18 this year is a minor until the year ends; an unknown birth
// year is neither.
func TestAgeAndMinor(t *testing.T) {
	today := nrm.MustDate("2026-03-01")
	for _, tc := range []struct {
		year  int
		age   int
		minor bool
	}{{2010, 16, true}, {2008, 18, true}, {2007, 19, false}, {0, -1, false}, {2027, -1, false}} {
		if a, m := nrm.AgeIn(tc.year, today), nrm.Minor(tc.year, today); a != tc.age || m != tc.minor {
			t.Errorf("born %d: age %d minor %v, want %d %v", tc.year, a, m, tc.age, tc.minor)
		}
	}
}

// TestCaseListExport: names go out only to a caseworker and only for
// the cases of the caseworker's organisation; an assessor's and an
// administrator's exports carry none; every export is audited with its
// filter and row count but never with what was typed as a reference.
func TestCaseListExport(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		today := nrm.DateOf(time.Now().UTC())
		listCases(t, db, today)
		export := func(ctx context.Context, f nrm.CaseFilter) map[string]string {
			t.Helper()
			f.Today = today
			out := map[string]string{}
			n, err := db.ExportCaseList(ctx, f, true, func(r *sqlstore.CaseExportRow) error {
				out[r.Ref] = r.Name
				return nil
			})
			if err != nil || n != len(out) {
				t.Fatalf("export: %d %v", n, err)
			}
			return out
		}
		reden := export(actorCtx(nrm.RoleCaseworker, "REDEN", ""), nrm.CaseFilter{})
		if len(reden) != 2 || reden["L-C"] != "Blessing Okafor-L-C" || reden["L-A"] != "" {
			t.Errorf("REDEN's export: %v", reden)
		}
		cmm := export(actorCtx(nrm.RoleCaseworker, "CMM", ""), nrm.CaseFilter{Minors: true})
		if len(cmm) != 2 || cmm["L-A"] != "Blessing Okafor-L-A" || cmm["L-B"] != "Blessing Okafor-L-B" {
			t.Errorf("CMM's export of minors: %v", cmm)
		}
		for _, ctx := range []context.Context{admin, actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS)} {
			for ref, name := range export(ctx, nrm.CaseFilter{Search: "Blessing"}) {
				if name != "" {
					t.Errorf("%s: name exported to %v", ref, nrm.ActorFromContext(ctx).Role)
				}
			}
		}
		for _, role := range []nrm.Role{nrm.RoleCoordinator, nrm.RoleAnalyst, nrm.RoleAuditor} {
			if _, err := db.ExportCaseList(actorCtx(role, "CMM", ""), nrm.CaseFilter{}, true, func(*sqlstore.CaseExportRow) error { return nil }); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Errorf("%s may export: %v", role, err)
			}
		}
		entries := must(db.FindAudit(admin, sqlstore.AuditFilter{Action: "case.export", Limit: 100}))(t)
		if len(entries) != 4 {
			t.Fatalf("%d export entries", len(entries))
		}
		if e := entries[1]; e.Username != "caseworker@CMM" || !strings.Contains(e.Detail, "minors=true") || !strings.Contains(e.Detail, "rows: 2") || !strings.Contains(e.Detail, "names: 2") {
			t.Errorf("CMM's entry: %+v", e)
		}
		for _, e := range entries {
			if strings.Contains(e.Detail, "Blessing") {
				t.Errorf("typed text in the audit log: %q", e.Detail)
			}
		}
		if e := entries[2]; !strings.Contains(e.Detail, "names: none") || !strings.Contains(e.Detail, "search=given") {
			t.Errorf("admin's entry: %q", e.Detail)
		}
	})
}

// BenchmarkCaseListSorted reads one sorted, filtered page of the case
// list as an administrator and as a caseworker, and its floor: a plain
// count over an index of the same table, in the same run. Over
// NRM_BENCH_DB when set (a million cases, bench/run.sh), else over 20,000
// generated cases.
func BenchmarkCaseListSorted(b *testing.B) {
	var db *sqlstore.DB
	if dsn := os.Getenv("NRM_BENCH_DB"); dsn != "" {
		db = benchOpen(b, dsn)
	} else {
		db = sqltest.MustOpenDB(b, "sqlite")
		if _, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := range 20000 {
				c := newCase(fmt.Sprintf("B-%06d", i))
				c.Identifiers = nrm.Identifiers{}
				c.OwnerOrg = []string{"CMM", "REDEN", "US"}[i%3]
				c.BirthYear = 1960 + i%60
				c.Contacts[0].Date = nrm.MustDate("2011-01-01").AddDays(i % 3000)
				c.Assessments[0].Date = c.Contacts[0].Date.AddDays(5)
				if err := w.PutCase(admin, c); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	f := nrm.CaseFilter{Sort: nrm.SortFirstContact, Desc: true, IdentifiedFrom: nrm.MustDate("2011-01-01"), Limit: 50, Offset: 100}
	for _, a := range []struct {
		name string
		ctx  context.Context
	}{{"admin", admin}, {"caseworker", actorCtx(nrm.RoleCaseworker, "REDEN", "")}} {
		b.Run(a.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.FindCases(a.ctx, f); err != nil {
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

// benchOpen opens dsn with the key file NRM_BENCH_KEY_FILE (dsn + ".key"
// for SQLite by default), as the bench package does.
func benchOpen(b *testing.B, dsn string) *sqlstore.DB {
	b.Helper()
	keys := os.Getenv("NRM_BENCH_KEY_FILE")
	if keys == "" && !sqlstore.IsPostgres(dsn) {
		keys = dsn + ".key"
	}
	ring, err := seal.Load(keys, false)
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Sealer: ring})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}
