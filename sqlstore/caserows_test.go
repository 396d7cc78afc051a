package sqlstore_test

import (
	"slices"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// TestCaseRows: one row per case first identified in the year, with its
// statistical attributes; only admins, coordinators and analysts may read
// them, and every read is audited.
func TestCaseRows(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			caseSpec{ref: "a", gender: "female", nat: "NG", birthYear: 1990, assessed: "2011-03-01", auth: "US"},
			caseSpec{ref: "b", gender: "male", nat: "TH", assessed: "2011-12-31", auth: "CMM", form: nrm.ContactOutreach,
				forms: []nrm.ExploitationForm{nrm.ExploitationForcedLabour, nrm.ExploitationSexual}, sector: "cleaning"},
			// Identified first in 2010: not a 2011 row.
			caseSpec{ref: "c", gender: "female", nat: "RO", assessed: "2010-06-01", auth: "US"},
			// Not identified.
			caseSpec{ref: "d", gender: "female", nat: "NG", assessed: "2011-04-01", auth: "US", outcome: nrm.OutcomeNotIdentified},
			// A nationality missing from the countries table: region unknown.
			caseSpec{ref: "e", gender: "transgender", nat: "FJ", assessed: "2011-05-01", auth: "US"},
		)
		rows, err := db.CaseRows(actorCtx(nrm.RoleAnalyst, "CMM", ""), nrm.StatsQuery{Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("rows: %+v", rows)
		}
		byNat := map[string]int{}
		for i, r := range rows {
			byNat[r.Nationality] = i
			if r.Year != 2011 {
				t.Errorf("row %d year %d", i, r.Year)
			}
		}
		a, b, e := rows[byNat["NG"]], rows[byNat["TH"]], rows[byNat["FJ"]]
		if a.Gender != nrm.GenderFemale || a.Age == nil || *a.Age != 20 || a.Region != nrm.RegionAfrica || a.Authority != nrm.AuthorityUS ||
			a.ContactForm != nrm.ContactPolice || !slices.Equal(a.Exploitation, []nrm.ExploitationForm{nrm.ExploitationSexual}) {
			t.Errorf("NG row: %+v", a)
		}
		if b.Gender != nrm.GenderMale || b.Age != nil || b.Region != nrm.RegionAsia || b.Authority != nrm.AuthorityCMM || b.LabourSector != "cleaning" ||
			b.ContactForm != nrm.ContactOutreach || len(b.Exploitation) != 2 {
			t.Errorf("TH row: %+v", b)
		}
		if e.Region != nrm.RegionUnknown {
			t.Errorf("ZZ row: %+v", e)
		}
		// The cut-off counts: the case identified on 31 December is out
		// when the cut-off is before it.
		rows, err = db.CaseRows(admin, nrm.StatsQuery{Year: 2011, Cutoff: nrm.MustDate("2011-12-30")})
		if err != nil || len(rows) != 2 {
			t.Fatalf("cut-off 2011-12-30: %d rows, %v", len(rows), err)
		}
		for _, role := range []nrm.Role{nrm.RoleCaseworker, nrm.RoleAssessor, nrm.RoleAuditor} {
			if _, err := db.CaseRows(actorCtx(role, "CMM", nrm.AuthorityCMM), nrm.StatsQuery{Year: 2011}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Errorf("%s: %v, want forbidden", role, err)
			}
		}
		if _, err := db.CaseRows(actorCtx(nrm.RoleCoordinator, "LIGE", ""), nrm.StatsQuery{Year: 2011}); err != nil {
			t.Errorf("coordinator: %v", err)
		}
		if _, err := db.CaseRows(admin, nrm.StatsQuery{Year: 2011, Cutoff: nrm.MustDate("2010-12-31")}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Errorf("cut-off before the year: %v", err)
		}
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Entity: "statistics", EntityID: "2011"})
		if err != nil {
			t.Fatal(err)
		}
		var reads []string
		for _, en := range entries {
			if en.Action == "statistics.case_rows" {
				reads = append(reads, en.Username+": "+en.Detail)
			}
		}
		if len(reads) != 3 || reads[0] != "analyst@CMM: 3 rows, cut-off 2012-03-01" {
			t.Errorf("audit: %q", reads)
		}
	})
}
