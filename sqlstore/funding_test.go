package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func TestFundingRoundTripRightsAndImport(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		f := nrm.ActivityFunding{Activity: "1.1.1", Year: 2012, Line: "Satspulje", AllocatedDKK: 2e6, SpentDKK: 1.5e6}
		if err := db.PutFunding(coord, "DK-2011-2014", f); err != nil {
			t.Fatal(err)
		}
		f.SpentDKK = 1.8e6 // the same activity, year and line is replaced
		if err := db.PutFunding(coord, "DK-2011-2014", f); err != nil {
			t.Fatal(err)
		}
		if err := db.PutFunding(coord, "DK-2011-2014", nrm.ActivityFunding{Activity: "5.1.1", Year: 2012, Line: "politiet", AllocatedDKK: 5e5}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindFunding(actorCtx(nrm.RoleAnalyst, "DST", ""), "DK-2011-2014")
		if err != nil || len(got) != 2 || got[0].Line != "satspulje" || got[0].SpentDKK != 1.8e6 || got[1].AllocatedDKK != 5e5 {
			t.Fatalf("funding: %v %+v", err, got)
		}
		// Attack: a responsible organisation's user writes funding.
		if err := db.PutFunding(actorCtx(nrm.RoleCaseworker, "CMM", ""), "DK-2011-2014", f); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker funding: %v", err)
		}
		if err := db.ImportPlanWork(actorCtx(nrm.RoleCaseworker, "CMM", ""), "DK-2011-2014", nil, []nrm.ActivityFunding{f}, false, false); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker funding import: %v", err)
		}
		// One error per fault.
		err = db.PutFunding(coord, "DK-2011-2014", nrm.ActivityFunding{Activity: "", Year: 12, Line: "Sats pulje!", AllocatedDKK: -1})
		if fe := nrm.FieldErrors(err); len(fe) != 4 {
			t.Fatalf("invalid funding: %v", err)
		}
		// An import of outputs and funding is all or nothing: a bad
		// funding entry (after the outputs) keeps the good output out.
		err = db.ImportPlanWork(coord, "DK-2011-2014", []*nrm.Output{testOutput()},
			[]nrm.ActivityFunding{{Activity: "8.8.8", Year: 2013, Line: "bistand"}}, false, false)
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "line 2: activity" {
			t.Fatalf("import: %v", err)
		}
		if outs := must(db.FindOutputs(coord, "DK-2011-2014"))(t); len(outs) != 0 {
			t.Fatalf("partial import kept %d outputs", len(outs))
		}
		if err := db.ImportPlanWork(coord, "DK-2011-2014", []*nrm.Output{testOutput()},
			[]nrm.ActivityFunding{{Activity: "1.1.2", Year: 2013, Line: "bistand", AllocatedDKK: 1}}, true, true); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindFunding(coord, "DK-2011-2014"))(t); len(got) != 1 || got[0].Activity != "1.1.2" {
			t.Fatalf("replaced funding: %+v", got)
		}
		if err := db.DeleteFunding(coord, "DK-2011-2014", "1.1.2", 2013, "bistand"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteFunding(coord, "DK-2011-2014", "1.1.2", 2013, "bistand"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
		entries := must(db.FindAudit(admin, sqlstore.AuditFilter{Entity: "activity"}))(t)
		n := 0
		for _, e := range entries {
			if e.Action == "funding.put" || e.Action == "funding.delete" {
				n++
			}
		}
		if n != 4 {
			t.Fatalf("funding audit entries: %d", n)
		}
	})
}
