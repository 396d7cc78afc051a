package bundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/bundle/xlsxbundle"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

var admin = nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "admin", Role: nrm.RoleAdmin})

const casesCSV = `case_ref,owner_org,gender,birth_date,birth_year,nationality,residence_status,first_contact_date,contact_form,contact_org,assessment_date,assessment_authority,assessment_outcome,exploitation,labour_sector,exploitation_country
A-1,CMM,female,1990-05-17,,NG,irregular,2011-01-10,police,RIGSPOLITIET,2011-01-20,US,identified,sexual;forced_criminality,,DK
A-2,CMM,female,,1985,TH,legal,2011-03-01,outreach,CMM,2011-03-15,CMM,identified,forced_labour,domestic_work,DK
A-3,CMM,transgender,,,BR,asylum_seeker,2011-04-01,police,,2011-04-20,US,identified,sexual,,
A-4,CMM,female,1999-01-01,,NG,irregular,2011-05-01,health_service,,2011-06-01,US,not_identified,,,
`

const accCSV = `case_ref,kind,provider,start_date,end_date
A-1,crisis_shelter,"=HYPERLINK(""x"")",2011-01-20,2011-02-18
A-1,crisis_shelter,Reden International,2011-06-01,
A-2,private,,2011-03-15,2011-12-01
`

const exitsCSV = `case_ref,date,kind
A-2,2011-12-02,self_return
A-3,2012-02-01,prepared_return
`

const prosCSV = `year,cutoff_date,charges,decisions,convictions_unconditional,convictions_partly_suspended
2011,2012-03-01,21,15,6,3
`

func writeBundle(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func good() map[string]string {
	return map[string]string{"cases.csv": casesCSV, "accommodations.csv": accCSV, "exits.csv": exitsCSV, "prosecutions.csv": prosCSV}
}

func importDir(t *testing.T, db *sqlstore.DB, dir string) (nrm.ImportResult, error) {
	t.Helper()
	src, err := bundle.OpenPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	return bundle.Import(admin, src, db, bundle.Options{})
}

func statsJSON(t *testing.T, db *sqlstore.DB, year int) string {
	t.Helper()
	s, err := db.Statistics(admin, nrm.StatsQuery{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	b := must(json.Marshal(s))(t)
	return string(b)
}

func TestImportIdempotentAndUpdates(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		dir := writeBundle(t, good())
		res, err := importDir(t, db, dir)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 4 || res.Prosecutions != 1 {
			t.Fatalf("first import: %+v", res)
		}
		before := statsJSON(t, db, 2011)
		res, err = importDir(t, db, dir)
		if err != nil || res.Created != 0 || res.Updated != 0 || res.Unchanged != 4 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		if statsJSON(t, db, 2011) != before {
			t.Fatal("re-import changed the statistics")
		}
		c := must(db.FindCaseByRef(admin, "A-1"))(t)
		if c.Version != 1 || c.Accommodations[0].Provider != `=HYPERLINK("x")` {
			t.Fatalf("unexpected case after re-import: v%d %q", c.Version, c.Accommodations[0].Provider)
		}
		// A changed row updates its case and keeps what bundles don't carry.
		c.Identifiers.Name = "Kept Name"
		if err := db.UpdateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		files := good()
		files["cases.csv"] = strings.Replace(casesCSV, "A-1,CMM,female,1990-05-17,,NG", "A-1,CMM,female,1990-05-17,,GH", 1)
		res, err = importDir(t, db, writeBundle(t, files))
		if err != nil || res.Updated != 1 || res.Unchanged != 3 {
			t.Fatalf("changed import: %+v %v", res, err)
		}
		c = must(db.FindCaseByRef(admin, "A-1"))(t)
		if c.Nationality != "GH" || c.Identifiers.Name != "Kept Name" || c.Version != 3 {
			t.Fatalf("update: nat %s name %q v%d", c.Nationality, c.Identifiers.Name, c.Version)
		}
		s := must(db.Statistics(admin, nrm.StatsQuery{Year: 2011}))(t)
		if s.Identified.Total != 3 || s.ByExploitation["sexual"] != 2 || s.Shelter.Count != 1 || s.PrivateHousing.SelfReturn != 1 ||
			s.Returns.Cohort.ByKind["prepared_return"] != 1 || s.Prosecution.Charges != 21 {
			t.Fatalf("stats after import: %+v", s)
		}
	})
}

func TestImportAllOrNothingListsEveryError(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		files := good()
		files["cases.csv"] = casesCSV +
			"A-5,CMM,femal,1990-02-30,,NGA,irregular,2011-01-10,police,,2011-01-20,CMM,identified,sexual,,\n" +
			"A-1,CMM,female,,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual,,\n" +
			"A-6,CMM,female,,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual;slavery,,\n" +
			"A-7,CMM,female,1890-01-01,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual,,\n"
		files["exits.csv"] = exitsCSV + "A-2,2011-01-01,self_return\nZZ-9,2011-05-01,disappeared\n"
		files["accommodations.csv"] = accCSV + "A-2,crisis_shelter,,2011-05-01,2011-04-01\n"
		_, err := importDir(t, db, writeBundle(t, files))
		var errs *bundle.Errors
		if !asErrors(err, &errs) {
			t.Fatalf("want bundle errors, got %v", err)
		}
		text := errs.Format(nrm.LangEN)
		for _, want := range []string{
			`cases.csv line 6, column gender: Gender has an unknown value (value "femal")`,
			`cases.csv line 6, column birth_date: Birth date has an invalid format (value "1990-02-30"); expected: a real date written YYYY-MM-DD`,
			`cases.csv line 6, column nationality`,
			`cases.csv line 7, column case_ref: Case reference already exists (value "A-1"); expected: a unique case_ref (also on line 2)`,
			`cases.csv line 8, column exploitation: Form of exploitation has an unknown value (value "slavery")`,
			`cases.csv line 9, column birth_date: Birth date is out of range (value "121")`,
			`exits.csv line 4, column date: Date has an impossible date order (value "2011-01-01"); expected: on or after the first contact 2011-03-01`,
			`exits.csv line 5, column case_ref`,
			`accommodations.csv line 5, column end_date`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("missing error %q in:\n%s", want, text)
			}
		}
		if da := errs.Format(nrm.LangDA); !strings.Contains(da, "cases.csv linje 6, kolonne gender: Køn har en ukendt værdi") ||
			!strings.Contains(da, "intet er ændret") {
			t.Errorf("Danish errors:\n%s", da)
		}
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{}))(t); n != 0 {
			t.Fatalf("%d cases stored from a bad bundle", n)
		}
		if ps := must(db.FindProsecutions(admin))(t); len(ps) != 0 {
			t.Fatal("prosecution stored from a bad bundle")
		}
	})
}

func asErrors(err error, target **bundle.Errors) bool {
	e, ok := err.(*bundle.Errors)
	if ok {
		*target = e
	}
	return ok
}

func TestHeaderProblems(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	files := map[string]string{"cases.csv": "case_ref,owner_org,colour\nA,CMM,blue\n"}
	_, err := importDir(t, db, writeBundle(t, files))
	if err == nil || !strings.Contains(err.Error(), `unknown column "colour"`) || !strings.Contains(err.Error(), `missing columns "gender", "birth_date"`) {
		t.Fatalf("header errors: %v", err)
	}
	_, err = importDir(t, db, writeBundle(t, map[string]string{"exits.csv": exitsCSV}))
	if err == nil || !strings.Contains(err.Error(), "cases.csv: the file is missing") {
		t.Fatalf("missing cases.csv: %v", err)
	}
	_, err = importDir(t, db, writeBundle(t, map[string]string{"cases.csv": casesCSV + "A-9,\"CMM\n"}))
	if err == nil || !strings.Contains(err.Error(), "cases.csv line 6: a quoted cell that starts here is never closed") {
		t.Fatalf("malformed CSV: %v", err)
	}
}

func TestExportReimportSameStatistics(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := importDir(t, db, writeBundle(t, good())); err != nil {
			t.Fatal(err)
		}
		pros := must(db.FindProsecutions(admin))(t)
		for _, format := range []string{"dir", "zip", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "export")
				var src bundle.Source
				switch format {
				case "dir", "zip":
					if format == "zip" {
						out += ".zip"
					}
					if _, err := bundle.ExportPath(admin, db, pros, out); err != nil {
						t.Fatal(err)
					}
					var err error
					if src, err = bundle.OpenPath(out); err != nil {
						t.Fatal(err)
					}
				case "xlsx":
					var buf bytes.Buffer
					sink := xlsxbundle.NewSink(&buf)
					if _, err := bundle.Export(admin, db, pros, sink); err != nil {
						t.Fatal(err)
					}
					if err := sink.Close(); err != nil {
						t.Fatal(err)
					}
					x, err := xlsxbundle.OpenReader(&buf)
					if err != nil {
						t.Fatal(err)
					}
					src = x
				}
				fresh := sqltest.MustOpenDB(t, db.Engine())
				if _, err := bundle.Import(admin, src, fresh, bundle.Options{}); err != nil {
					t.Fatal(err)
				}
				if statsJSON(t, fresh, 2011) != statsJSON(t, db, 2011) {
					t.Fatalf("statistics differ after export and re-import:\n%s\n%s", statsJSON(t, fresh, 2011), statsJSON(t, db, 2011))
				}
				// Importing the export into the source changes nothing.
				res, err := bundle.Import(admin, src, db, bundle.Options{})
				if err != nil || res.Unchanged != 4 {
					t.Fatalf("export re-imported into its source: %+v %v", res, err)
				}
			})
		}
		if format := "dir"; format == "dir" {
			out := filepath.Join(t.TempDir(), "x")
			if _, err := bundle.ExportPath(admin, db, pros, out); err != nil {
				t.Fatal(err)
			}
			b := must(os.ReadFile(filepath.Join(out, "accommodations.csv")))(t)
			if !strings.Contains(string(b), `'=HYPERLINK`) {
				t.Fatalf("formula not neutralised:\n%s", b)
			}
		}
	})
}
