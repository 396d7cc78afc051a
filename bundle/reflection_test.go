package bundle_test

import (
	"errors"
	"strings"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/sqlstore/sqltest"
)

// A bundle written before reflection periods had a kind still imports:
// its reflection_periods.csv has three columns, and the periods get no
// kind (initial) and are not held to the statutory maximum.
func TestReflectionOldColumnsImport(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	files := richBundle()
	files["reflection_periods.csv"] = "case_ref,start_date,end_date\nR-1,2011-01-20,2011-03-01\nR-1,2011-03-01,2011-06-01\n"
	if _, err := importDir(t, db, writeBundle(t, files)); err != nil {
		t.Fatal(err)
	}
	c, err := db.FindCaseByRef(admin, "R-1")
	if err != nil {
		t.Fatal(err)
	}
	if p := c.ReflectionPeriods; len(p) != 2 || p[0].Kind != "" || p[1].End.String() != "2011-06-01" {
		t.Fatalf("periods %+v", p)
	}
	// The export writes the new columns, empty; it re-imports unchanged.
	out := exportDir(t, db)
	if got := out["reflection_periods.csv"]; !strings.HasPrefix(got, "case_ref,start_date,end_date,kind,reason,decided_by\nR-1,2011-01-20,2011-03-01,,,\n") {
		t.Fatalf("export %q", got)
	}
	res, err := importDir(t, db, writeBundle(t, out))
	if err != nil || res.Unchanged != 4 {
		t.Fatalf("re-import %+v %v", res, err)
	}
}

// A kind that is not one, and an extension without a reason, are row
// errors naming the file, line and column.
func TestReflectionBadRows(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	files := richBundle()
	files["reflection_periods.csv"] = "case_ref,start_date,end_date,kind,reason,decided_by\n" +
		"R-1,2011-01-20,2011-03-01,forever,,\nR-1,2011-03-01,2011-04-01,extension,,US\n"
	_, err := importDir(t, db, writeBundle(t, files))
	var be *bundle.Errors
	if !errors.As(err, &be) {
		t.Fatalf("import: %v", err)
	}
	got := map[string]bool{}
	for _, e := range be.List {
		if e.File == "reflection_periods.csv" {
			got[e.Field+" "+e.Rule] = true
		}
	}
	if !got["kind "+nrm.RuleOneOf] || !got["reason "+nrm.RuleRequired] {
		t.Fatalf("row errors %+v", be.List)
	}
}
