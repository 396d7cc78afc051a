package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/gen"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// genBundle writes a synthetic bundle of n cases.
func genBundle(t *testing.T, n int) bundle.Source {
	t.Helper()
	dir := t.TempDir()
	if _, err := gen.WriteDir(dir, gen.Options{Cases: n, FromYear: 2009, ToYear: 2012, Seed: 3, Today: nrm.MustDate("2013-06-01")}); err != nil {
		t.Fatal(err)
	}
	src, err := bundle.OpenPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// summaryRows returns the derived per-case columns of every case.
func summaryRows(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT c.ref, c.first_contact_date, c.first_contact_form, c.identified_on, c.identified_authority,
		a.date, c.identified_age, c.latest_outcome, c.closed_on, c.content_hash, c.version,
		(SELECT COUNT(*) FROM accommodations x WHERE x.case_id = c.id), (SELECT COUNT(*) FROM exits x WHERE x.case_id = c.id),
		(SELECT COUNT(*) FROM assessment_forms f JOIN assessments y ON y.id = f.assessment_id WHERE y.case_id = c.id)
		FROM cases c LEFT JOIN assessments a ON a.id = c.identified_assessment_id ORDER BY c.ref`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, 14)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if tm, ok := v.(interface{ Format(string) string }); ok {
				v = tm.Format("2006-01-02")
			} else if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v|", v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// The bulk path must store exactly what the one-case-at-a-time path
// stores: the same rows, the same derived columns, the same statistics.
func TestBulkImportMatchesSingleCaseWrites(t *testing.T) {
	defer sqlstore.SetBulkBatch(128)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		// 600 cases: several batches and a remainder.
		res, err := bundle.Import(admin, genBundle(t, 600), db, bundle.Options{Today: nrm.MustDate("2013-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 600 {
			t.Fatalf("created %d", res.Created)
		}
		one := sqltest.MustOpenDB(t, db.Engine())
		var cases []*nrm.Case
		if err := db.ExportCases(admin, func(c *nrm.Case) error { cases = append(cases, c); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			c.ID = 0
			if err := one.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		pros := must(db.FindProsecutions(admin))(t)
		for _, p := range pros {
			if err := one.UpsertProsecution(admin, p); err != nil {
				t.Fatal(err)
			}
		}
		if a, b := summaryRows(t, db), summaryRows(t, one); a != b {
			t.Fatalf("bulk and single-case writes differ:\n%.2000s\n---\n%.2000s", a, b)
		}
		for _, y := range []int{2010, 2011, 2012} {
			sa := must(db.Statistics(admin, nrm.StatsQuery{Year: y}))(t)
			sb := must(one.Statistics(admin, nrm.StatsQuery{Year: y}))(t)
			ja := must(json.Marshal(sa))(t)
			jb := must(json.Marshal(sb))(t)
			if string(ja) != string(jb) {
				t.Fatalf("statistics %d differ:\n%.3000s\n%.3000s", y, ja, jb)
			}
		}
		if db.Engine() == "sqlite" { // the import ran with enforcement off
			var n int
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&n); err != nil || n != 0 {
				t.Fatalf("foreign key violations: %d %v", n, err)
			}
			var fk int
			if err := db.SQL().QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if fk != 1 {
				t.Fatal("foreign keys left off on a pooled connection")
			}
		}
		// One audit entry per batch, naming its id range, and the chain holds.
		entries := must(db.FindAudit(context.Background(), sqlstore.AuditFilter{Entity: "case", Limit: 10000}))(t)
		total := 0
		for _, e := range entries {
			var n int
			if e.Action != "case.import" || !strings.Contains(e.EntityID, "-") {
				t.Fatalf("unexpected entry %+v", e)
			}
			if _, err := fmt.Sscanf(e.Detail, "created %d cases", &n); err != nil {
				t.Fatalf("entry %+v: %v", e, err)
			}
			total += n
		}
		if total != 600 || len(entries) != 5 {
			t.Fatalf("%d audit entries covering %d cases", len(entries), total)
		}
		if _, problems, err := db.VerifyAudit(context.Background()); err != nil || len(problems) != 0 {
			t.Fatalf("audit: %v %v", problems, err)
		}
	})
}

// New and changed cases in one import: the update path runs between
// bulk batches and both see each other's rows.
func TestBulkImportMixedWithUpdates(t *testing.T) {
	defer sqlstore.SetBulkBatch(128)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		var refs []string
		_, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := 0; i < 700; i++ {
				c := newCase(fmt.Sprintf("M-%04d", i))
				c.Identifiers = nrm.Identifiers{BirthDate: nrm.MustDate("1990-05-17")}
				refs = append(refs, c.Ref)
				if err := w.PutCase(admin, c); err != nil {
					return err
				}
				if i%150 == 149 { // change a case created a moment ago, still queued
					d := newCase(fmt.Sprintf("M-%04d", i-3))
					d.Identifiers = nrm.Identifiers{BirthDate: nrm.MustDate("1990-05-17")}
					d.Nationality = "TH"
					if err := w.PutCase(admin, d); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.FindCaseByRef(admin, "M-0146")
		if err != nil || c.Nationality != "TH" || c.Version != 2 || len(c.Assessments[0].Exploitation) != 1 {
			t.Fatalf("updated case: %+v %v", c, err)
		}
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{}))(t); n != 700 {
			t.Fatalf("%d cases", n)
		}
		var forms int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM assessment_forms").Scan(&forms); err != nil {
			t.Fatal(err)
		}
		if forms != 700 {
			t.Fatalf("%d assessment forms for 700 cases (orphans left by the update?)", forms)
		}
		res, err := db.Import(admin, func(w nrm.ImportWriter) error {
			c := newCase("M-0001")
			c.Identifiers = nrm.Identifiers{BirthDate: nrm.MustDate("1990-05-17")}
			return w.PutCase(admin, c)
		})
		if err != nil || res.Unchanged != 1 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
	})
}

// Concurrent imports through the bulk path and 50 concurrent single-case
// writers: no update is lost, every imported case is whole, ids do not
// collide (PostgreSQL draws them from the shared sequences), and the
// audit chain holds.
func TestConcurrentImportsAndWriters(t *testing.T) {
	defer sqlstore.SetBulkBatch(64)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.CreateCase(admin, newCase("HOT")); err != nil {
			t.Fatal(err)
		}
		const imports, perImport, writers = 4, 200, 50
		var wg sync.WaitGroup
		errs := make(chan error, imports+writers)
		for g := 0; g < imports; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.Import(admin, func(w nrm.ImportWriter) error {
					for i := 0; i < perImport; i++ {
						c := newCase(fmt.Sprintf("I%d-%04d", g, i))
						c.Identifiers = nrm.Identifiers{BirthDate: nrm.MustDate("1990-05-17")}
						c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate("2011-02-10")}}
						if err := w.PutCase(admin, c); err != nil {
							return err
						}
					}
					return nil
				})
				errs <- err
			}()
		}
		for i := 0; i < writers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					c, err := db.FindCaseByRef(admin, "HOT")
					if err != nil {
						errs <- err
						return
					}
					c.Contacts = append(c.Contacts, nrm.Contact{Date: nrm.MustDate("2011-03-01"), Form: nrm.ContactOutreach})
					err = db.UpdateCase(admin, c)
					if nrm.ErrorCode(err) == nrm.ECONFLICT {
						continue
					}
					errs <- err
					return
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		c := must(db.FindCaseByRef(admin, "HOT"))(t)
		if len(c.Contacts) != writers+1 || c.Version != writers+1 {
			t.Fatalf("contacts = %d, version = %d; want %d", len(c.Contacts), c.Version, writers+1)
		}
		var cases, stays, forms int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM cases").Scan(&cases); err != nil {
			t.Fatal(err)
		}
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM accommodations a JOIN cases c ON c.id = a.case_id").Scan(&stays); err != nil {
			t.Fatal(err)
		}
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM assessment_forms f JOIN assessments a ON a.id = f.assessment_id JOIN cases c ON c.id = a.case_id AND c.identified_assessment_id = a.id").Scan(&forms); err != nil {
			t.Fatal(err)
		}
		if cases != imports*perImport+1 || stays != imports*perImport || forms != cases {
			t.Fatalf("%d cases, %d stays, %d forms", cases, stays, forms)
		}
		if _, problems, err := db.VerifyAudit(context.Background()); err != nil || len(problems) != 0 {
			t.Fatalf("audit: %v %v", problems, err)
		}
	})
}

// Re-imports find the cases stored before by a hash of their reference:
// with hashes cut to two bits, so that most references share one, a
// re-import of the same cases changes nothing, and one with some cases
// changed and some new counts and stores exactly what it does with whole
// hashes.
func TestReimportWithSharedReferenceHashes(t *testing.T) {
	defer sqlstore.SetBulkBatch(16)()
	for _, bits := range []uint{64, 2} {
		t.Run(fmt.Sprintf("bits=%d", bits), func(t *testing.T) {
			defer sqlstore.SetStoredHashBits(bits)()
			sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
				put := func(nationality string, from, to int) nrm.ImportResult {
					res, err := db.Import(admin, func(w nrm.ImportWriter) error {
						for i := from; i < to; i++ {
							c := newCase(fmt.Sprintf("R-%03d", i))
							if i%3 == 0 {
								c.Nationality = nationality
							}
							if err := w.PutCase(admin, c); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				if res := put("NG", 0, 40); res.Created != 40 {
					t.Fatalf("first import: %+v", res)
				}
				if res := put("NG", 0, 40); res.Unchanged != 40 || res.Created+res.Updated != 0 {
					t.Fatalf("the same again: %+v", res)
				}
				// Cases 0..59: every third of 0..39 changed, 40..59 new.
				if res := put("TH", 0, 60); res.Updated != 14 || res.Unchanged != 26 || res.Created != 20 {
					t.Fatalf("changed and new: %+v", res)
				}
				if res := put("TH", 0, 60); res.Unchanged != 60 {
					t.Fatalf("the same again: %+v", res)
				}
				var th, all int
				if err := db.SQL().QueryRow("SELECT COUNT(*), COUNT(CASE WHEN nationality = 'TH' THEN 1 END) FROM cases").Scan(&all, &th); err != nil {
					t.Fatal(err)
				}
				if all != 60 || th != 20 {
					t.Fatalf("%d cases, %d from TH; want 60 and 20", all, th)
				}
			})
		})
	}
}
