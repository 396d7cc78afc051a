package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/bundle"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// tableDump returns every row of the bulk tables with each value's storage
// class and exact bytes (SQLite's quote()); the sealed identifiers, whose
// nonces differ between imports, by storage class and length only.
func tableDump(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"cases", "case_shares", "contacts", "assessments", "assessment_forms", "reflection_periods",
		"accommodations", "offers", "exits", "person_index"} {
		rows, err := db.SQL().Query("SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
		if err != nil {
			t.Fatal(err)
		}
		var exprs []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			e := "typeof(" + c + ") || ':' || quote(" + c + ")"
			if c == "identifiers" {
				e = "typeof(" + c + ") || ':' || coalesce(length(" + c + "), '')"
			}
			exprs = append(exprs, e)
		}
		rows.Close()
		if len(exprs) == 0 {
			t.Fatalf("table %s has no columns", table)
		}
		q := "SELECT " + strings.Join(exprs, " || '|' || ") + " FROM " + table + " ORDER BY 1"
		r, err := db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s\n", table, s)
		}
		r.Close()
	}
	return b.String()
}

// Binding through the SQLite handle stores exactly what binding through
// the driver stores: every value of every bulk table with its storage
// class, empty texts as texts, NULLs as NULL, blobs as blobs.
func TestDirectBindStoresWhatTheDriverStores(t *testing.T) {
	defer sqlstore.SetBulkBatch(100)()
	src := genBundle(t, 450)
	clock := time.Date(2013, 6, 1, 12, 30, 0, 0, time.UTC)
	load := func(direct bool) *sqlstore.DB {
		defer sqlstore.SetDirectBind(direct)()
		db := sqltest.MustOpenDB(t, "sqlite")
		db.Now = func() time.Time { return clock }
		if ok, err := sqlstore.BindsDirectly(db); err != nil || !ok {
			t.Fatalf("direct binding available: %v %v", ok, err)
		}
		res, err := bundle.Import(admin, src, db, bundle.Options{Today: nrm.MustDate("2013-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 450 {
			t.Fatalf("created %d", res.Created)
		}
		// Offers (accepted, declined, open) and reflection periods, which
		// generated bundles lack.
		res, err = db.Import(admin, func(w nrm.ImportWriter) error {
			yes, no := true, false
			for i, acc := range []*bool{&yes, &no, nil, &yes, nil} {
				c := fullCase(fmt.Sprintf("D-%03d", i))
				c.Offers[0].Accepted = acc
				if i%2 == 1 {
					c.ReflectionPeriods = append(c.ReflectionPeriods, nrm.ReflectionPeriod{Start: nrm.MustDate("2011-05-11"),
						End: nrm.MustDate("2011-05-18"), Kind: "extension", Reason: "Venter på afhøring", DecidedBy: "US"})
				}
				if err := w.PutCase(admin, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || res.Created != 5 {
			t.Fatalf("import: %+v %v", res, err)
		}
		return db
	}
	direct, viaDriver := tableDump(t, load(true)), tableDump(t, load(false))
	if direct != viaDriver {
		a, b := strings.Split(direct, "\n"), strings.Split(viaDriver, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("line %d differs:\ndirect: %s\ndriver: %s", i, a[i], b[i])
			}
		}
		t.Fatalf("%d lines direct, %d through the driver", len(a), len(b))
	}
	for _, want := range []string{"text:''", "null:NULL", "blob:", "integer:", "\ncases ", "\ncontacts ", "\nassessments ",
		"\nassessment_forms ", "\nreflection_periods ", "\naccommodations ", "\noffers ", "\nexits ", "\nperson_index "} {
		if !strings.Contains(direct, want) {
			t.Errorf("no value %q in the dump: the comparison does not cover it", want)
		}
	}
}
