package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// TestCaseRowsReferringOrg: a case row names the organisation of the
// first contact (its English name, else its Danish one, else the code
// itself), for the HTCDS field cas_ReferringOrganisation, and carries the
// stage of the identifying assessment.
func TestCaseRowsReferringOrg(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, o := range []*nrm.Organisation{{Code: "REDEN", NameDA: "Reden København", NameEN: "Reden International", Kind: "ngo"},
			{Code: "LOKK", NameDA: "LOKK", Kind: "ngo"}} {
			if err := db.UpsertOrganisation(admin, o); err != nil {
				t.Fatal(err)
			}
		}
		specs := map[string][]nrm.Contact{
			"en": {{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice, Org: "LOKK"}, {Date: nrm.MustDate("2011-01-10"), Form: nrm.ContactNGO, Org: "REDEN"}},
			"da": {{Date: nrm.MustDate("2011-01-10"), Form: nrm.ContactNGO, Org: "LOKK"}},
			"no": {{Date: nrm.MustDate("2011-01-10"), Form: nrm.ContactNGO}},
		}
		for ref, contacts := range specs {
			c := caseSpec{ref: ref, gender: "female", nat: map[string]string{"en": "NG", "da": "TH", "no": "RO"}[ref], assessed: "2011-03-01", auth: "US"}.build()
			c.Contacts = contacts
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.CaseRows(admin, nrm.StatsQuery{Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range rows {
			got[r.Nationality] = r.ReferringOrg
			if r.Stage != nrm.StageFinal {
				t.Errorf("stage %q", r.Stage)
			}
		}
		if want := map[string]string{"NG": "Reden International", "TH": "LOKK", "RO": ""}; len(got) != 3 || got["NG"] != want["NG"] || got["TH"] != want["TH"] || got["RO"] != "" {
			t.Fatalf("referring organisations %v, want %v", got, want)
		}
	})
}
