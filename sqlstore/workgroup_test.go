package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func testGroup() *nrm.WorkGroup {
	return &nrm.WorkGroup{Code: "TVANGSARBEJDE", Plan: "DK-2011-2014", Kind: nrm.GroupThematic, NameDA: "Arbejdsgruppen om tvangsarbejde",
		Chair: "CMM", Members: []string{"CMM", "JM", "RIGSPOLITIET"},
		Meetings: []nrm.GroupMeeting{{Date: nrm.MustDate("2012-03-01"), MinutesDA: "Samarbejdsaftale drøftet."}},
		Actions:  []nrm.GroupAction{{TextDA: "Samarbejdsaftale indgås.", Org: "CMM", Due: nrm.MustDate("2012-06-30")}}}
}

func TestWorkGroupRoundTripRightsAndValidation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveWorkGroup(coord, testGroup()); err != nil {
			t.Fatal(err)
		}
		if err := db.AddGroupMeeting(coord, "TVANGSARBEJDE", nrm.GroupMeeting{Date: nrm.MustDate("2012-01-15"), MinutesDA: "Første møde."}); err != nil {
			t.Fatal(err)
		}
		g, err := db.FindWorkGroup(actorCtx(nrm.RoleAnalyst, "DST", ""), "TVANGSARBEJDE")
		if err != nil || len(g.Members) != 3 || g.Members[2] != "RIGSPOLITIET" || len(g.Meetings) != 2 || g.Meetings[0].MinutesDA != "Første møde." ||
			len(g.Actions) != 1 || g.Actions[0].Due != nrm.MustDate("2012-06-30") || g.Chair != "CMM" {
			t.Fatalf("group: %v %+v", err, g)
		}
		// Replacing keeps one group with the new members.
		g2 := testGroup()
		g2.Members = []string{"CMM"}
		g2.Actions[0].Done = true
		if err := db.SaveWorkGroup(coord, g2); err != nil {
			t.Fatal(err)
		}
		gs := must(db.FindWorkGroups(coord))(t)
		if len(gs) != 1 || len(gs[0].Members) != 1 || !gs[0].Actions[0].Done {
			t.Fatalf("replaced: %+v", gs)
		}
		// Attack: users other than the coordinator write groups.
		for _, role := range []nrm.Role{nrm.RoleCaseworker, nrm.RoleAnalyst, nrm.RoleAuditor} {
			ctx := actorCtx(role, "CMM", "")
			if err := db.SaveWorkGroup(ctx, testGroup()); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s save: %v", role, err)
			}
			if err := db.AddGroupMeeting(ctx, "TVANGSARBEJDE", nrm.GroupMeeting{Date: nrm.MustDate("2012-05-01")}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s meeting: %v", role, err)
			}
			if err := db.DeleteWorkGroup(ctx, "TVANGSARBEJDE"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s delete: %v", role, err)
			}
		}
		// One error per fault.
		bad := &nrm.WorkGroup{Code: "bad code!", Kind: "reference", Chair: "x y", Members: []string{"CMM", "CMM"},
			Meetings: []nrm.GroupMeeting{{}}, Actions: []nrm.GroupAction{{Org: "CMM"}}}
		err = db.SaveWorkGroup(coord, bad)
		want := []string{"code", "group_kind", "name_da", "chair", "members", "meeting.date", "action.text"}
		fe := nrm.FieldErrors(err)
		if len(fe) != len(want) {
			t.Fatalf("invalid group: %v", err)
		}
		for i, f := range fe {
			if f.Field != want[i] || f.Message(nrm.LangDA) == f.Message(nrm.LangEN) {
				t.Errorf("error %d: %+v", i, f)
			}
		}
		unknownPlan := testGroup()
		unknownPlan.Plan = "NO-PLAN"
		if err := db.SaveWorkGroup(coord, unknownPlan); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("unknown plan: %v", err)
		}
		if err := db.DeleteWorkGroup(coord, "TVANGSARBEJDE"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindWorkGroup(coord, "TVANGSARBEJDE"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("deleted: %v", err)
		}
		entries := must(db.FindAudit(admin, sqlstore.AuditFilter{Entity: "workgroup"}))(t)
		if len(entries) != 4 || entries[0].Action != "workgroup.create" || entries[3].Action != "workgroup.delete" {
			t.Fatalf("audit: %+v", entries)
		}
	})
}
