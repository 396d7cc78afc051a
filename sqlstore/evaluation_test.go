package sqlstore_test

import (
	"strings"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func testEvaluation() *nrm.PlanEvaluation {
	return &nrm.PlanEvaluation{Evaluator: "Evalueringsfirma A/S", Date: nrm.MustDate("2015-03-01"),
		SummaryDA: "Planen er gennemført.\n\nIdentifikationen er styrket.", SummaryEN: "The plan was carried out.",
		Recommendations: []nrm.Recommendation{{TextDA: "Styrk indsatsen mod tvangsarbejde.", TextEN: "Strengthen the work against forced labour."}},
		Link:            "https://example.org/evaluering.pdf"}
}

func TestEvaluationRoundTripRightsAndValidation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		analyst := actorCtx(nrm.RoleAnalyst, "DST", "")
		if _, err := db.FindEvaluation(analyst, "DK-2011-2014"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("no evaluation yet: %v", err)
		}
		if err := db.SaveEvaluation(coord, "DK-2011-2014", testEvaluation()); err != nil {
			t.Fatal(err)
		}
		e, err := db.FindEvaluation(analyst, "DK-2011-2014")
		if err != nil || e.Evaluator != "Evalueringsfirma A/S" || e.Date != nrm.MustDate("2015-03-01") || !strings.Contains(e.SummaryDA, "\n\nIdentifikationen") ||
			len(e.Recommendations) != 1 || e.Recommendations[0].TextEN != "Strengthen the work against forced labour." || e.LinkURL() == "" {
			t.Fatalf("evaluation: %v %+v", err, e)
		}
		// Saving again replaces it; replacing the plan keeps it.
		e2 := testEvaluation()
		e2.Recommendations = nil
		e2.Link = "evaluering/rapport.pdf"
		if err := db.SaveEvaluation(coord, "DK-2011-2014", e2); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		e = must(db.FindEvaluation(analyst, "DK-2011-2014"))(t)
		if len(e.Recommendations) != 0 || e.Link != "evaluering/rapport.pdf" || e.LinkURL() != "" {
			t.Fatalf("replaced: %+v", e)
		}
		// Attack: users other than the coordinator write or delete it.
		for _, role := range []nrm.Role{nrm.RoleCaseworker, nrm.RoleAnalyst, nrm.RoleAssessor, nrm.RoleAuditor} {
			ctx := actorCtx(role, "CMM", "")
			if err := db.SaveEvaluation(ctx, "DK-2011-2014", testEvaluation()); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s save: %v", role, err)
			}
			if err := db.DeleteEvaluation(ctx, "DK-2011-2014"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s delete: %v", role, err)
			}
		}
		// Attack: a script link is refused; one error per fault.
		bad := &nrm.PlanEvaluation{Link: "javascript:alert(1)", Recommendations: []nrm.Recommendation{{TextEN: "only English"}}}
		want := []string{"evaluator", "date", "summary_da", "recommendation", "link"}
		fe := nrm.FieldErrors(db.SaveEvaluation(coord, "DK-2011-2014", bad))
		if len(fe) != len(want) {
			t.Fatalf("invalid evaluation: %+v", fe)
		}
		for i, f := range fe {
			if f.Field != want[i] || f.Message(nrm.LangDA) == f.Message(nrm.LangEN) {
				t.Errorf("error %d: %+v", i, f)
			}
		}
		if err := db.SaveEvaluation(coord, "NO-PLAN", testEvaluation()); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("unknown plan: %v", err)
		}
		if err := db.DeleteEvaluation(coord, "DK-2011-2014"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteEvaluation(coord, "DK-2011-2014"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
	})
}

// TestOutputAudienceEN: an output's English audience (migration 00014) is
// stored, patched and read back on both engines.
func TestOutputAudienceEN(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		o := testOutput()
		o.AudienceEN = "health staff"
		if err := db.AddOutput(coord, "DK-2011-2014", o); err != nil {
			t.Fatal(err)
		}
		got := must(db.FindOutput(coord, "DK-2011-2014", o.ID))(t)
		if got.Audience != "sundhedspersonale" || got.AudienceEN != "health staff" {
			t.Fatalf("audience: %+v", got)
		}
		en := "doctors and nurses"
		if _, err := db.UpdateOutput(coord, "DK-2011-2014", o.ID, &nrm.OutputPatch{AudienceEN: &en}); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindOutputs(coord, "DK-2011-2014"))(t); len(got) != 1 || got[0].AudienceEN != en || got[0].Audience != "sundhedspersonale" {
			t.Fatalf("patched: %+v", got)
		}
		long := strings.Repeat("x", nrm.MaxOutputTitle+1)
		if _, err := db.UpdateOutput(coord, "DK-2011-2014", o.ID, &nrm.OutputPatch{AudienceEN: &long}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("too long: %v", err)
		}
	})
}
