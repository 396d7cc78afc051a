package sqlstore_test

import (
	"errors"
	"fmt"
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
