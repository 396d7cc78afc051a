package sqlstore_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// labourCase is an identified case of forced labour in the given sector
// and setting.
func labourCase(ref, date string, sector nrm.LabourSector, setting nrm.LabourSetting) *nrm.Case {
	c := newCase(ref)
	c.Assessments[0].Date = nrm.MustDate(date)
	c.Assessments[0].Exploitation = []nrm.ExploitationForm{nrm.ExploitationForcedLabour}
	c.Assessments[0].LabourSector, c.Assessments[0].LabourSetting = sector, setting
	return c
}

// The labour setting round-trips through single-case writes and bulk
// import, is refused without forced labour, and the narrative facts count
// the year's identified persons by sector and setting.
func TestLabourSettingRoundTripAndNarrativeFacts(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, c := range []*nrm.Case{
			labourCase("LS-1", "2011-03-01", "cleaning", "offices_schools"),
			labourCase("LS-2", "2011-04-01", "domestic_work", "private_home"),
			labourCase("LS-3", "2011-05-01", "domestic_work", ""),
			labourCase("LS-4", "2012-05-01", "domestic_work", "private_home"), // another year
		} {
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		bad := newCase("LS-5")
		bad.Assessments[0].LabourSetting = "private_home" // sexual exploitation only
		if err := db.CreateCase(admin, bad); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("setting without forced labour: %v", err)
		}
		got := must(db.FindCaseByRef(admin, "LS-1"))(t)
		if got.Assessments[0].LabourSetting != "offices_schools" {
			t.Fatalf("setting not round-tripped: %q", got.Assessments[0].LabourSetting)
		}

		// Bulk import of a bundle whose cases.csv carries the column.
		dir := t.TempDir()
		csv := "case_ref,owner_org,gender,birth_date,birth_year,nationality,residence_status,first_contact_date,contact_form,contact_org," +
			"assessment_date,assessment_authority,assessment_outcome,exploitation,labour_sector,exploitation_country,labour_setting\n" +
			"LS-6,CMM,female,,1990,PH,irregular,2011-01-05,ngo,,2011-06-01,US,identified,forced_labour,cleaning,DK,offices_schools\n"
		if err := os.WriteFile(filepath.Join(dir, "cases.csv"), []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		src := must(bundle.OpenPath(dir))(t)
		if _, err := bundle.Import(admin, src, db, bundle.Options{Today: nrm.MustDate("2013-06-01")}); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindCaseByRef(admin, "LS-6"))(t); got.Assessments[0].LabourSetting != "offices_schools" {
			t.Fatalf("bulk import lost the setting: %q", got.Assessments[0].LabourSetting)
		}

		q := nrm.StatsQuery{Year: 2011, Cutoff: nrm.MustDate("2012-03-01")}
		f := must(db.NarrativeFacts(admin, q))(t)
		want := map[string]map[string]int{"cleaning": {"offices_schools": 2}, "domestic_work": {"private_home": 1}}
		if !reflect.DeepEqual(f.LabourSettings, want) {
			t.Fatalf("labour settings %v, want %v", f.LabourSettings, want)
		}
		// Each sector's settings are among the statistics' persons of it.
		s := must(db.ComputeStatistics(admin, q))(t)
		for sc, m := range f.LabourSettings {
			n := 0
			for _, v := range m {
				n += v
			}
			if n > s.ForcedLabourSectors[sc] {
				t.Fatalf("%s: %d with a setting of %d", sc, n, s.ForcedLabourSectors[sc])
			}
		}

		// An edit shows in the next facts (kept under the data version).
		c := must(db.FindCaseByRef(admin, "LS-3"))(t)
		c.Assessments[0].LabourSetting = "private_home"
		if err := db.CorrectCase(admin, c, "setting recorded later"); err != nil {
			t.Fatal(err)
		}
		f = must(db.NarrativeFacts(admin, q))(t)
		if f.LabourSettings["domestic_work"]["private_home"] != 2 {
			t.Fatalf("after the edit: %v", f.LabourSettings)
		}
	})
}
