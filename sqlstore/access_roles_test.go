package sqlstore_test

import (
	"context"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// Every role that reads cases sees only its organisation's cases, those
// shared with it and those referred to it: an assessor of another
// organisation is refused like a caseworker, on every read and write
// path, in the storage layer itself (not only in the web handlers).
func TestAssessorsSeeOnlyTheirOrganisationsCases(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		own := newCase("AS-1") // owned by CMM
		if err := db.CreateCase(admin, own); err != nil {
			t.Fatal(err)
		}
		shared := newCase("AS-2")
		shared.SharedWith = []string{"REDEN"}
		if err := db.CreateCase(admin, shared); err != nil {
			t.Fatal(err)
		}
		stored, err := db.FindCaseByRef(admin, "AS-1")
		if err != nil {
			t.Fatal(err)
		}
		_, missing := db.FindCaseByRef(actorCtx(nrm.RoleCaseworker, "US", ""), "AS-404")
		if nrm.ErrorCode(missing) != nrm.ENOTFOUND {
			t.Fatalf("missing case: %v", missing)
		}
		outsiders := map[string]context.Context{
			"US assessor of US":      actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS),
			"CMM assessor of US":     actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityCMM),
			"US assessor of REDEN":   actorCtx(nrm.RoleAssessor, "REDEN", nrm.AuthorityUS),
			"caseworker of PRO_VEST": actorCtx(nrm.RoleCaseworker, "PRO_VEST", ""),
		}
		for name, ctx := range outsiders {
			if _, err := db.FindCaseByRef(ctx, "AS-1"); nrm.ErrorCode(err) != nrm.ENOTFOUND || err.Error() != missing.Error() {
				t.Errorf("%s: FindCaseByRef of another organisation's case: %v", name, err)
			}
			if _, err := db.FindCaseByID(ctx, stored.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Errorf("%s: FindCaseByID: %v", name, err)
			}
			if _, err := db.CaseHistory(ctx, stored.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Errorf("%s: CaseHistory: %v", name, err)
			}
			list, total, err := db.FindCases(ctx, nrm.CaseFilter{})
			if err != nil {
				t.Fatalf("%s: FindCases: %v", name, err)
			}
			for _, c := range list {
				if c.Ref == "AS-1" {
					t.Errorf("%s: listed another organisation's case", name)
				}
			}
			if name != "US assessor of REDEN" && (total != 0 || len(list) != 0) {
				t.Errorf("%s: listed %d cases (total %d), want none", name, len(list), total)
			}
			edit := *stored
			edit.Gender = nrm.GenderMale
			if err := db.UpdateCase(ctx, &edit); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Errorf("%s: UpdateCase of another organisation's case: %v", name, err)
			}
			if err := db.CorrectCase(ctx, &edit, "a reason"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Errorf("%s: CorrectCase of another organisation's case: %v", name, err)
			}
		}
		// The same roles in the owning organisation, and in an
		// organisation the case is shared with, see it.
		for name, tc := range map[string]struct {
			ctx context.Context
			ref string
		}{
			"US assessor of CMM":   {actorCtx(nrm.RoleAssessor, "CMM", nrm.AuthorityUS), "AS-1"},
			"US assessor of REDEN": {actorCtx(nrm.RoleAssessor, "REDEN", nrm.AuthorityUS), "AS-2"},
		} {
			if _, err := db.FindCaseByRef(tc.ctx, tc.ref); err != nil {
				t.Errorf("%s cannot read %s: %v", name, tc.ref, err)
			}
			list, total, err := db.FindCases(tc.ctx, nrm.CaseFilter{Ref: tc.ref})
			if err != nil || total != 1 || len(list) != 1 {
				t.Errorf("%s lists %s: %d (%d), %v", name, tc.ref, len(list), total, err)
			}
		}
		if got, err := db.FindCaseByRef(admin, "AS-1"); err != nil || got.Gender != nrm.GenderFemale || got.Version != stored.Version {
			t.Fatalf("the refused edits changed the case: %+v, %v", got, err)
		}
	})
}
