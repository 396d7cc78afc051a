// Package sqltest opens throwaway databases for tests: a SQLite file in a
// temporary directory always, and a fresh PostgreSQL database on the
// server the test script started (NRM_TEST_POSTGRES) when there is one.
package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nrm/seal"
	"nrm/sqlstore"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// EnvPostgres names the environment variable holding the admin URL of the
// test PostgreSQL server, e.g. postgres://postgres@127.0.0.1:55432/postgres.
const EnvPostgres = "NRM_TEST_POSTGRES"

// Engines returns the engines to run storage tests on: both, so that a
// run without a PostgreSQL server says so — its postgres subtests are
// skipped with the reason (DSN) rather than silently left out.
func Engines() []string {
	return []string{"sqlite", "postgres"}
}

// Keyring returns a fresh identifier keyring (with the shared test
// content-hash key).
func Keyring(tb testing.TB) *seal.Keyring {
	tb.Helper()
	k, err := seal.NewKey("test1")
	if err != nil {
		tb.Fatal(err)
	}
	// One content-hash key for every test database, so that databases
	// written by different paths can be compared row by row.
	mac := seal.Key{ID: seal.MACKeyID, Bytes: []byte("nrm test content-hash key 32 by!")}
	r, err := seal.New(mac, k)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

var seq atomic.Int64

// DSN creates an empty database for engine and returns its DSN; it is
// dropped when the test ends.
func DSN(tb testing.TB, engine string) string {
	tb.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(tb.TempDir(), "nrm.db")
	case "postgres":
		admin := os.Getenv(EnvPostgres)
		if admin == "" {
			tb.Skip("PostgreSQL tests skipped: " + EnvPostgres + " is not set (scripts/test.sh starts a server and sets it)")
		}
		name := fmt.Sprintf("nrm_test_%d_%d", os.Getpid(), seq.Add(1))
		db, err := sql.Open("pgx", admin)
		if err != nil {
			tb.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
			tb.Fatalf("create test database: %v", err)
		}
		tb.Cleanup(func() {
			db, err := sql.Open("pgx", admin)
			if err != nil {
				return
			}
			defer db.Close()
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		})
		u, err := url.Parse(admin)
		if err != nil {
			tb.Fatal(err)
		}
		u.Path = "/" + name
		return u.String()
	}
	tb.Fatalf("unknown engine %q", engine)
	return ""
}

// MustOpenDB opens a fresh, migrated database for engine with a test
// keyring, closed when the test ends.
func MustOpenDB(tb testing.TB, engine string) *sqlstore.DB {
	tb.Helper()
	return MustOpenDSN(tb, DSN(tb, engine))
}

// MustOpenDSN opens dsn with a test keyring, closed when the test ends.
func MustOpenDSN(tb testing.TB, dsn string) *sqlstore.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Sealer: Keyring(tb)})
	if err != nil {
		tb.Fatalf("open %s: %v", strings.SplitN(dsn, "?", 2)[0], err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Each runs fn as a subtest on every engine with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	for _, e := range Engines() {
		t.Run(e, func(t *testing.T) {
			fn(t, MustOpenDB(t, e))
		})
	}
}
