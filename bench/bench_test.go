// Package bench holds nrm's benchmarks (design.md §9): Go benchmarks of
// the bundle check, the import, the statistics and the case read, and
// run.sh, which drives them with the command-line tools and a load
// generator. RESULTS.md records the figures.
package bench

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"nrm"
	"nrm/bundle"
	"nrm/gen"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
	"nrm/web"
)

// size is the number of cases of the generated bundles (NRM_BENCH_CASES,
// default 100,000).
func size() int {
	if n, err := strconv.Atoi(os.Getenv("NRM_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 100000
}

var today = nrm.MustDate("2013-06-01")

// bundleDir generates (once per process) a bundle of n cases.
func bundleDir(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "nrm-bench-bundle-"+strconv.Itoa(n))
	if _, err := os.Stat(filepath.Join(dir, "prosecutions.csv")); err == nil {
		return dir
	}
	if _, err := gen.WriteDir(dir, gen.Options{Cases: n, FromYear: 2007, ToYear: 2012, Seed: 1, Today: today}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkCheck reads and checks a generated bundle without storing it.
func BenchmarkCheck(b *testing.B) {
	dir := bundleDir(b, size())
	src, err := bundle.OpenPath(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := bundle.Check(src, bundle.Options{Today: today}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size()), "cases")
}

// BenchmarkImportSQLite imports a generated bundle into a new SQLite
// database.
func BenchmarkImportSQLite(b *testing.B) {
	dir := bundleDir(b, size())
	src, err := bundle.OpenPath(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	for b.Loop() {
		b.StopTimer()
		db := sqltest.MustOpenDB(b, "sqlite")
		b.StartTimer()
		if _, err := bundle.Import(ctx, src, db, bundle.Options{Today: today}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size()), "cases")
}

// benchDB opens the database named by NRM_BENCH_DB (e.g. one filled by
// bench/run.sh), or skips.
func benchDB(b *testing.B) *sqlstore.DB {
	b.Helper()
	dsn := os.Getenv("NRM_BENCH_DB")
	if dsn == "" {
		b.Skip("NRM_BENCH_DB not set")
	}
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

// BenchmarkStatistics computes the 2011 statistics of NRM_BENCH_DB, every
// time (not from the statistics cache: that is BenchmarkStatisticsCached).
func BenchmarkStatistics(b *testing.B) { benchStatistics(b, (*sqlstore.DB).ComputeStatistics) }

// BenchmarkStatisticsCached answers the 2011 statistics from the cache
// (unchanged data): the version check and a copy of the result.
func BenchmarkStatisticsCached(b *testing.B) { benchStatistics(b, (*sqlstore.DB).Statistics) }

func benchStatistics(b *testing.B, stats func(*sqlstore.DB, context.Context, nrm.StatsQuery) (*nrm.Stats, error)) {
	db := benchDB(b)
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	for b.Loop() {
		if _, err := stats(db, ctx, nrm.StatsQuery{Year: 2011}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatisticsSerial runs every query on one connection, one after
// the other: the figure to compare with the sqlite3 shell running
// stats.sql.
func BenchmarkStatisticsSerial(b *testing.B) {
	defer func(n int) { sqlstore.StatsConns = n }(sqlstore.StatsConns)
	sqlstore.StatsConns = 1
	BenchmarkStatistics(b)
}

// BenchmarkFindCaseByID reads random cases with identifiers opened; every
// read appends an audit entry (a write transaction).
func BenchmarkFindCaseByID(b *testing.B) {
	db := benchDB(b)
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	var n int64
	if err := db.SQL().QueryRow("SELECT MAX(id) FROM cases").Scan(&n); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		for pb.Next() {
			if _, err := db.FindCaseByID(ctx, 1+r.Int64N(n)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCasePage renders random case pages of NRM_BENCH_DB through the
// web handler (session cookie, HTML), as `nrm serve` does for a browser.
func BenchmarkCasePage(b *testing.B) {
	db := benchDB(b)
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	const user, password = "bench-page", "bench-page-password-2011"
	if _, err := db.FindUserByUsername(ctx, user); err != nil {
		if err := db.CreateUser(ctx, &nrm.User{Username: user, Role: nrm.RoleAdmin, Org: "CMM"}, "one-time "+password); err != nil {
			b.Fatal(err)
		}
		// The password an administrator gives is one-time: the user makes
		// it their own, as at a first sign-in.
		u, err := db.FindUserByUsername(ctx, user)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.SetPassword(nrm.NewContextWithActor(context.Background(), u.Actor("bench")), user, password); err != nil {
			b.Fatal(err)
		}
	}
	// The page is measured, not the sign-in: no authenticator here.
	if err := db.SetSetting(ctx, nrm.SettingTwoFactorRoles, ""); err != nil {
		b.Fatal(err)
	}
	token, _, err := db.Login(ctx, user, password, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{DB: db, Auth: db, Users: db})
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	if err := db.SQL().QueryRow("SELECT MAX(id) FROM cases").Scan(&n); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
		for pb.Next() {
			req := httptest.NewRequest("GET", "/cases/"+strconv.FormatInt(1+r.Int64N(n), 10), nil)
			req.AddCookie(&http.Cookie{Name: "nrm_session", Value: token})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
			}
		}
	})
}
