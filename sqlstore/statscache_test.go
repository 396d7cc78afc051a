package sqlstore_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/gen"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// identifiedIn2011 reads the statistics of 2011 through the cache.
func identifiedIn2011(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
	if err != nil {
		t.Fatal(err)
	}
	return s.Identified.Total
}

// The cache answers repeated questions without computing again, and
// never answers with statistics older than the data: not after a change
// in this process, not after a change by another process, not after a
// bulk import; reading a case (an audit entry) does not count as a change.
func TestStatisticsCacheFollowsTheData(t *testing.T) {
	defer sqlstore.SetBulkBatch(64)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := caseSpec{ref: "K-1", gender: "female", nat: "NG", birthYear: 1990, assessed: "2011-05-01", auth: nrm.AuthorityUS}.build()
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		if n := identifiedIn2011(t, db); n != 1 {
			t.Fatalf("identified %d, want 1", n)
		}
		before := sqlstore.StatsComputations()
		for range 5 {
			if n := identifiedIn2011(t, db); n != 1 {
				t.Fatalf("identified %d, want 1", n)
			}
		}
		if got := sqlstore.StatsComputations() - before; got != 0 {
			t.Fatalf("unchanged data computed %d times, want 0 (cache)", got)
		}

		// Reading a case writes an audit entry but changes no data.
		v := sqlstore.DataVersion(db)
		if _, err := db.FindCaseByID(admin, c.ID); err != nil {
			t.Fatal(err)
		}
		if sqlstore.DataVersion(db) != v {
			t.Fatal("a case read moved the data version")
		}

		// A change in this process: the assessment moves to 2012.
		c, err := db.FindCaseByID(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.Assessments[0].Date = nrm.MustDate("2012-02-01")
		c.Contacts[0].Date = nrm.MustDate("2012-02-01")
		if err := db.CorrectCase(admin, c, "dates mistyped"); err != nil {
			t.Fatal(err)
		}
		if n := identifiedIn2011(t, db); n != 0 {
			t.Fatalf("after the update: identified %d, want 0 (stale cache)", n)
		}

		// A change by another process (a second handle on the database).
		other := sqltest.MustOpenDSN(t, sqlstore.DSNOf(db))
		c2 := caseSpec{ref: "K-2", gender: "male", nat: "RO", birthYear: 1980, assessed: "2011-07-01", auth: nrm.AuthorityCMM}.build()
		if err := other.CreateCase(admin, c2); err != nil {
			t.Fatal(err)
		}
		if n := identifiedIn2011(t, db); n != 1 {
			t.Fatalf("after another process's change: identified %d, want 1 (stale cache)", n)
		}

		// Reference data the statistics read: the region of a country.
		s1 := must(db.Statistics(admin, nrm.StatsQuery{Year: 2011}))(t)
		if err := other.UpsertCountry(admin, &nrm.Country{Code: "RO", NameDA: "Rumænien", NameEN: "Romania", Region: "Africa"}); err != nil {
			t.Fatal(err)
		}
		s2 := must(db.Statistics(admin, nrm.StatsQuery{Year: 2011}))(t)
		if s1.ByRegion["Africa"] == s2.ByRegion["Africa"] {
			t.Fatalf("a country's new region is not in the statistics: %v then %v", s1.ByRegion, s2.ByRegion)
		}

		// A bulk import (whose triggers are suspended in its transaction),
		// of cases only: prosecution figures would move the version anyway.
		dir := t.TempDir()
		if _, err := gen.WriteDir(dir, gen.Options{Cases: 300, FromYear: 2010, ToYear: 2012, Seed: 5, Today: nrm.MustDate("2013-06-01")}); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, "prosecutions.csv")); err != nil {
			t.Fatal(err)
		}
		src, err := bundle.OpenPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		res, err := bundle.Import(admin, src, db, bundle.Options{Today: nrm.MustDate("2013-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 300 {
			t.Fatalf("created %d", res.Created)
		}
		fresh := sqltest.MustOpenDSN(t, sqlstore.DSNOf(db))
		cached, err := db.StatisticsJSON(admin, nrm.StatsQuery{Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		computed, err := fresh.StatisticsJSON(admin, nrm.StatsQuery{Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cached, computed) {
			t.Fatal("statistics after a bulk import differ from a fresh computation")
		}
		// The triggers are back after the import: a later single change
		// still moves the version.
		v = sqlstore.DataVersion(db)
		c3 := caseSpec{ref: "K-3", gender: "female", nat: "TH", birthYear: 1985, assessed: "2011-09-01", auth: nrm.AuthorityUS}.build()
		if err := db.CreateCase(admin, c3); err != nil {
			t.Fatal(err)
		}
		if sqlstore.DataVersion(db) == v {
			t.Fatal("the data-version triggers were not restored after the import")
		}
		var s3 nrm.Stats
		if err := json.Unmarshal(computed, &s3); err != nil {
			t.Fatal(err)
		}
		if n := identifiedIn2011(t, db); n != s3.Identified.Total+1 {
			t.Fatalf("after the import and one more case: identified %d, want %d", n, s3.Identified.Total+1)
		}
	})
}

// Concurrent requests for the same statistics share one computation, and
// each caller gets its own copy to change.
func TestStatisticsCacheSharesOneComputation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.CreateCase(admin, caseSpec{ref: "K-1", gender: "female", nat: "NG", birthYear: 1990, assessed: "2011-05-01", auth: nrm.AuthorityUS}.build()); err != nil {
			t.Fatal(err)
		}
		before := sqlstore.StatsComputations()
		var wg sync.WaitGroup
		out := make([]*nrm.Stats, 20)
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
				if err != nil {
					t.Error(err)
				}
				out[i] = s
			}()
		}
		wg.Wait()
		if got := sqlstore.StatsComputations() - before; got != 1 {
			t.Fatalf("20 concurrent requests computed %d times, want 1", got)
		}
		out[0].Identified.Total = 99
		if out[1].Identified.Total != 1 || identifiedIn2011(t, db) != 1 {
			t.Fatal("callers share one Stats value")
		}
	})
}
