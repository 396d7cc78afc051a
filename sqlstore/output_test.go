package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func testOutput() *nrm.Output {
	return &nrm.Output{Activity: "1.1.1", Kind: nrm.OutputTraining, TitleDA: "Kurser for sundhedspersonale", Period: "2011",
		Audience: "sundhedspersonale", Events: 4, Participants: 80, Org: "CMM"}
}

func TestOutputRoundTripAndAudit(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		o := testOutput()
		o.Date = nrm.MustDate("2011-11-01")
		o.Link = "https://example.org/kursus"
		if err := db.AddOutput(coord, "DK-2011-2014", o); err != nil || o.ID == 0 {
			t.Fatalf("add: %v %d", err, o.ID)
		}
		camp := &nrm.Output{Activity: "5.1.1", Kind: nrm.OutputCampaign, TitleDA: "Ud med bagmændene", Period: "2011-11", Until: "2012",
			Audience: "mænd 18-25 år", Org: "JM", TextEN: "Campaign."}
		if err := db.AddOutput(coord, "DK-2011-2014", camp); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindOutputs(actorCtx(nrm.RoleAnalyst, "DST", ""), "DK-2011-2014")
		if err != nil || len(got) != 2 {
			t.Fatalf("find: %v %d", err, len(got))
		}
		if g := got[0]; g.Plan != "DK-2011-2014" || g.Participants != 80 || g.Events != 4 || g.Date != o.Date || g.Link != o.Link || g.Kind != nrm.OutputTraining {
			t.Fatalf("output: %+v", g)
		}
		if got[1].Until != "2012" || got[1].LastYear() != 2012 || got[1].Year() != 2011 {
			t.Fatalf("campaign: %+v", got[1])
		}
		// Patch changes only the fields given.
		n := 95
		up, err := db.UpdateOutput(coord, "DK-2011-2014", o.ID, &nrm.OutputPatch{Participants: &n})
		if err != nil || up.Participants != 95 || up.TitleDA != o.TitleDA {
			t.Fatalf("update: %v %+v", err, up)
		}
		// Replacing the plan keeps its outputs.
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindOutputs(coord, "DK-2011-2014"))(t); len(got) != 2 {
			t.Fatalf("outputs after plan import: %d", len(got))
		}
		if err := db.DeleteOutput(coord, "DK-2011-2014", camp.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindOutput(coord, "DK-2011-2014", camp.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("deleted: %v", err)
		}
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Entity: "output"})
		if err != nil || len(entries) != 4 || entries[0].Action != "output.create" || entries[2].Action != "output.update" || entries[3].Action != "output.delete" {
			t.Fatalf("audit: %v %+v", err, entries)
		}
	})
}

// TestOutputRights: the responsible organisation writes its own outputs
// of its own activities; others, and auditors, are refused.
func TestOutputRights(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		cmm := actorCtx(nrm.RoleCaseworker, "CMM", "")
		mine := testOutput()
		mine.Org = ""
		if err := db.AddOutput(cmm, "DK-2011-2014", mine); err != nil || mine.Org != "CMM" {
			t.Fatalf("CMM adds output of its activity: %v %q", err, mine.Org)
		}
		// Attack: CMM registers an output of JM's activity.
		other := testOutput()
		other.Activity = "5.1.1"
		if err := db.AddOutput(cmm, "DK-2011-2014", other); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("CMM on JM's activity: %v", err)
		}
		// Attack: CMM credits its activity's output to another body.
		forged := testOutput()
		forged.Org = "PRO_VEST"
		if err := db.AddOutput(cmm, "DK-2011-2014", forged); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("CMM credits PRO_VEST: %v", err)
		}
		// Attack: PRO_VEST (co-responsible) changes or deletes CMM's output.
		pv := actorCtx(nrm.RoleCaseworker, "PRO_VEST", "")
		n := 1
		if _, err := db.UpdateOutput(pv, "DK-2011-2014", mine.ID, &nrm.OutputPatch{Participants: &n}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("PRO_VEST updates CMM's output: %v", err)
		}
		if err := db.DeleteOutput(pv, "DK-2011-2014", mine.ID); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("PRO_VEST deletes CMM's output: %v", err)
		}
		// Attack: CMM moves its output onto JM's activity.
		act := "5.1.1"
		if _, err := db.UpdateOutput(cmm, "DK-2011-2014", mine.ID, &nrm.OutputPatch{Activity: &act}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("CMM moves output: %v", err)
		}
		// Attack: auditor writes; caseworker replaces all outputs by import.
		if err := db.AddOutput(actorCtx(nrm.RoleAuditor, "CMM", ""), "DK-2011-2014", testOutput()); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("auditor: %v", err)
		}
		if err := db.ImportOutputs(cmm, "DK-2011-2014", []*nrm.Output{testOutput()}, true); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker replace: %v", err)
		}
		// An output of another plan's id is not found through this plan.
		if _, err := db.FindOutput(coord, "NO-SUCH", mine.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("other plan: %v", err)
		}
		if got := must(db.FindOutputs(coord, "DK-2011-2014"))(t); len(got) != 1 || got[0].Participants != 80 || got[0].Activity != "1.1.1" {
			t.Fatalf("outputs changed by refused writes: %+v", got)
		}
	})
}

// TestOutputValidation: one field error per fault, in both languages,
// and an import is all or nothing.
func TestOutputValidation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		bad := &nrm.Output{Activity: "1.1.1", Kind: "webinar", Period: "spring 2012", Until: "20x", Participants: -3,
			Link: "javascript:alert(1)", Org: "cmm lower"}
		err := db.AddOutput(coord, "DK-2011-2014", bad)
		want := map[string]string{"output_kind": nrm.RuleOneOf, "title_da": nrm.RuleRequired, "period": nrm.RuleFormat, "until": nrm.RuleFormat,
			"participants": nrm.RuleRange, "link": nrm.RuleFormat, "org": nrm.RuleFormat}
		fe := nrm.FieldErrors(err)
		if nrm.ErrorCode(err) != nrm.EINVALID || len(fe) != len(want) {
			t.Fatalf("errors: %v", err)
		}
		for _, f := range fe {
			if want[f.Field] != f.Rule {
				t.Errorf("field %s rule %s, want %s", f.Field, f.Rule, want[f.Field])
			}
			if da, en := f.Message(nrm.LangDA), f.Message(nrm.LangEN); da == en || da == "" {
				t.Errorf("message not translated: %q", da)
			}
		}
		for _, link := range []string{"data:text/html,x", "JAVASCRIPT:alert(1)", "https://x\n.org", "vbscript:x"} {
			o := testOutput()
			o.Link = link
			if err := db.AddOutput(coord, "DK-2011-2014", o); nrm.ErrorCode(err) != nrm.EINVALID {
				t.Errorf("link %q accepted: %v", link, err)
			}
		}
		o := testOutput()
		o.Activity = "9.9.9"
		if err := db.AddOutput(coord, "DK-2011-2014", o); nrm.ErrorCode(err) != nrm.EINVALID || nrm.FieldErrors(err)[0].Rule != nrm.RuleUnknownReference {
			t.Fatalf("unknown activity: %v", err)
		}
		good, unknown := testOutput(), testOutput()
		unknown.Activity = "7.7.7"
		err = db.ImportOutputs(coord, "DK-2011-2014", []*nrm.Output{good, unknown}, false)
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "line 2: activity" {
			t.Fatalf("import: %v", err)
		}
		if got := must(db.FindOutputs(coord, "DK-2011-2014"))(t); len(got) != 0 {
			t.Fatalf("partial import stored %d outputs", len(got))
		}
		if err := db.ImportOutputs(coord, "DK-2011-2014", []*nrm.Output{testOutput(), testOutput()}, false); err != nil {
			t.Fatal(err)
		}
		if err := db.ImportOutputs(coord, "DK-2011-2014", []*nrm.Output{testOutput()}, true); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindOutputs(coord, "DK-2011-2014"))(t); len(got) != 1 {
			t.Fatalf("replace import: %d", len(got))
		}
	})
}
