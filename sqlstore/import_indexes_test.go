package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// schemaObjects lists every index and constraint of the database with its
// definition, as the engine reports them.
func schemaObjects(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	q := `SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name`
	if db.Engine() == "postgres" {
		q = `SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
			UNION ALL
			SELECT 'constraint ' || c.conname || ' on ' || r.relname || ': ' || pg_get_constraintdef(c.oid)
			FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid WHERE r.relnamespace = to_regnamespace(current_schema())
			ORDER BY 1`
	}
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// A first import into an empty database builds the secondary indexes
// (and on PostgreSQL the foreign keys) after the rows: afterwards every
// one is there again with its definition, whether the import committed or
// failed, and the planner uses them.
func TestFirstImportRebuildsIndexes(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		before := schemaObjects(t, db)
		if len(before) < 20 {
			t.Fatalf("only %d indexes and constraints: %v", len(before), before)
		}
		boom := errors.New("stop")
		_, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := 0; i < 50; i++ {
				if err := w.PutCase(admin, newCase(fmt.Sprintf("F-%03d", i))); err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failed import: %v", err)
		}
		if got := schemaObjects(t, db); !slices.Equal(got, before) {
			t.Fatalf("after a failed import:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
		}
		res, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := 0; i < 50; i++ {
				if err := w.PutCase(admin, newCase(fmt.Sprintf("F-%03d", i))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || res.Created != 50 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if got := schemaObjects(t, db); !slices.Equal(got, before) {
			t.Fatalf("after an import:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
		}
		// The foreign keys hold again: a child row without its case is
		// refused.
		if db.Engine() == "postgres" {
			if _, err := db.SQL().Exec("INSERT INTO exits (case_id, date, kind) VALUES (999999, '2011-01-01', 'asylum')"); err == nil {
				t.Fatal("an exit without its case was stored: the foreign key is gone")
			}
		}
	})
}

// fullCase is newCase with a row in every bulk table that numbers its
// rows.
func fullCase(ref string) *nrm.Case {
	c := newCase(ref)
	yes := true
	c.Offers = []nrm.Offer{{Kind: "crisis_shelter", Offered: nrm.MustDate("2011-02-10"), Accepted: &yes}}
	c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: nrm.MustDate("2011-02-10"), End: nrm.MustDate("2011-05-10")}}
	c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: "Reden", Start: nrm.MustDate("2011-02-10")}}
	c.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-06-01"), Kind: nrm.ExitPreparedReturn}}
	return c
}

// A first import numbers its rows itself while it holds the tables
// (PostgreSQL: counted up from the sequences, set past them once rows
// numbered by the engine follow); rows the engine numbers in the same
// import, and cases written afterwards, never take an id twice, and a
// failed first import leaves nothing that a second one trips on.
func TestFirstImportHandsIdsBack(t *testing.T) {
	defer sqlstore.SetBulkBatch(8)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		put := func(w nrm.ImportWriter, from, to int) error {
			for i := from; i < to; i++ {
				if err := w.PutCase(admin, fullCase(fmt.Sprintf("L-%03d", i))); err != nil {
					return err
				}
			}
			return nil
		}
		boom := errors.New("stop")
		if _, err := db.Import(admin, func(w nrm.ImportWriter) error {
			if err := put(w, 0, 30); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("failed import: %v", err)
		}
		res, err := db.Import(admin, func(w nrm.ImportWriter) error {
			if err := put(w, 0, 20); err != nil {
				return err
			}
			// A case the bulk tables cannot hold is written row by row,
			// numbered by the engine, between bulk batches.
			odd := fullCase("L-ODD")
			odd.Assessments[0].DecidedBy = "assessor"
			if err := w.PutCase(admin, odd); err != nil {
				return err
			}
			return put(w, 20, 40)
		})
		if err != nil || res.Created != 41 {
			t.Fatalf("import: %+v %v", res, err)
		}
		for i := range 3 {
			if err := db.CreateCase(admin, fullCase(fmt.Sprintf("AFTER-%d", i))); err != nil {
				t.Fatalf("a case after the import: %v", err)
			}
		}
		for _, ref := range []string{"L-000", "L-ODD", "L-039", "AFTER-2"} {
			c, err := db.FindCaseByRef(admin, ref)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Contacts) != 1 || len(c.Assessments) != 1 || len(c.Offers) != 1 || len(c.ReflectionPeriods) != 1 ||
				len(c.Accommodations) != 1 || len(c.Exits) != 1 {
				t.Fatalf("%s is not whole: %+v", ref, c)
			}
		}
		for _, table := range []string{"cases", "contacts", "assessments", "reflection_periods", "accommodations", "offers", "exits"} {
			var rows, ids int
			if err := db.SQL().QueryRow("SELECT COUNT(*), COUNT(DISTINCT id) FROM "+table).Scan(&rows, &ids); err != nil {
				t.Fatal(err)
			}
			if rows != 44 || ids != 44 {
				t.Fatalf("%s: %d rows, %d ids; want 44", table, rows, ids)
			}
		}
	})
}

// Under the application role of docs/deployment.md — rights on the rows
// and the sequences, not the tables' ownership — a first import keeps the
// indexes and constraints in place (it may not drop them) and numbers rows
// from the sequences (it may not set them), and succeeds all the same.
func TestFirstImportAsApplicationRole(t *testing.T) {
	if os.Getenv(sqltest.EnvPostgres) == "" {
		t.Skip("PostgreSQL tests skipped: " + sqltest.EnvPostgres + " is not set")
	}
	defer sqlstore.SetBulkBatch(8)()
	dsn := sqltest.DSN(t, "postgres")
	owner := sqltest.MustOpenDSN(t, dsn) // migrates, as the owner
	before := schemaObjects(t, owner)
	role := fmt.Sprintf("nrm_app_%d", os.Getpid())
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"GRANT USAGE ON SCHEMA public TO " + role,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role,
	} {
		if _, err := owner.SQL().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		owner.SQL().Exec("DROP OWNED BY " + role)
		owner.SQL().Exec("DROP ROLE " + role)
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	app, err := sqlstore.Open(context.Background(), u.String(), sqlstore.Options{Sealer: sqltest.Keyring(t)})
	if err != nil {
		t.Fatalf("open as the application role: %v", err)
	}
	defer app.Close()
	res, err := app.Import(admin, func(w nrm.ImportWriter) error {
		for i := range 30 {
			c := fullCase(fmt.Sprintf("A-%03d", i))
			if i == 11 {
				c.Assessments[0].DecidedBy = "assessor" // written row by row
			}
			if err := w.PutCase(admin, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || res.Created != 30 {
		t.Fatalf("import as the application role: %+v %v", res, err)
	}
	if err := app.CreateCase(admin, fullCase("A-AFTER")); err != nil {
		t.Fatalf("a case after the import: %v", err)
	}
	if got := schemaObjects(t, owner); !slices.Equal(got, before) {
		t.Fatalf("after the import:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}
}
