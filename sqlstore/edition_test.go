package sqlstore_test

import (
	"bytes"
	"strings"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// testEdition is a hand-made edition of 2011: the Africa count is
// africa, Oceania is hidden.
func testEdition(africa int, tag string) *nrm.Edition {
	return &nrm.Edition{Year: 2011, Cutoff: nrm.MustDate("2012-03-01"), K: 3,
		Cells: []nrm.EditionCell{
			{Table: "by_region", Row: "Africa", Col: "count", Value: africa, Text: itoa(africa)},
			{Table: "by_region", Row: "Oceania", Col: "count", Hidden: true, Text: "<3"},
		},
		Files: []nrm.EditionFile{
			{Format: "json", ContentType: "application/json", Body: []byte(`{"edition":"` + tag + `"}`)},
			{Format: "md", Lang: nrm.LangDA, ContentType: "text/markdown", Body: []byte("# Udgave " + tag)},
			{Format: "md", Lang: nrm.LangEN, ContentType: "text/markdown", Body: []byte("# Edition " + tag)},
		}}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

func TestEditions(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e1 := testEdition(20, "one")
		if err := db.CreateEdition(admin, e1); err != nil {
			t.Fatal(err)
		}
		if e1.Number != 1 || e1.PublishedBy != "admin" || e1.PublishedAt.IsZero() || e1.Hash != nrm.EditionHash(e1.Files) || len(e1.Hash) != 64 {
			t.Fatalf("edition 1 = %+v", e1)
		}

		// Refused: a published number differs by 1 or 2 from edition 1,
		// or a number hidden in edition 1 is shown.
		for _, bad := range []*nrm.Edition{testEdition(21, "bad"), testEdition(18, "bad"), func() *nrm.Edition {
			e := testEdition(20, "bad")
			e.Cells[1] = nrm.EditionCell{Table: "by_region", Row: "Oceania", Col: "count", Value: 4, Text: "4"}
			return e
		}()} {
			err := db.CreateEdition(admin, bad)
			if nrm.ErrorCode(err) != nrm.ECONFLICT || !strings.Contains(nrm.ErrorMessage(err), "by_region / ") {
				t.Fatalf("conflicting edition: %v", err)
			}
			for _, v := range []string{"21", "18"} {
				if strings.Contains(nrm.ErrorMessage(err), v) {
					t.Errorf("refusal %q shows a value", nrm.ErrorMessage(err))
				}
			}
		}
		if es, err := db.FindEditions(admin, 2011); err != nil || len(es) != 1 {
			t.Fatalf("after refusals: %d editions, %v", len(es), err)
		}

		// Not cleared: a caseworker, an analyst, a coordinator outside CMM.
		for _, ctx := range []struct {
			role nrm.Role
			org  string
		}{{nrm.RoleCaseworker, "CMM"}, {nrm.RoleAnalyst, "CMM"}, {nrm.RoleCoordinator, "LIGESTILLING"}} {
			if err := db.CreateEdition(actorCtx(ctx.role, ctx.org, ""), testEdition(20, "x")); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Errorf("%s@%s publishes: %v", ctx.role, ctx.org, err)
			}
		}

		// Accepted: a difference of k, by the national centre's coordinator.
		e2 := testEdition(23, "two")
		if err := db.CreateEdition(actorCtx(nrm.RoleCoordinator, "CMM", ""), e2); err != nil {
			t.Fatal(err)
		}
		if e2.Number != 2 {
			t.Fatalf("second edition numbered %d", e2.Number)
		}
		// Only an administrator may change who is cleared: a coordinator
		// (even the cleared one of the national centre) cannot grant it.
		if err := db.SetSetting(actorCtx(nrm.RoleCoordinator, "CMM", ""), nrm.SettingStatisticsClearance, "coordinator"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Errorf("a coordinator changed the clearance: %v", err)
		}
		if err := db.SetSetting(actorCtx(nrm.RoleCoordinator, "CMM", ""), "report.intro", "Indledning"); err != nil {
			t.Errorf("a coordinator may still change other settings: %v", err)
		}
		// The setting moves clearance.
		if err := db.SetSetting(admin, nrm.SettingStatisticsClearance, "analyst@CMM"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateEdition(actorCtx(nrm.RoleCoordinator, "CMM", ""), testEdition(26, "three")); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Errorf("coordinator after the setting changed: %v", err)
		}
		if err := db.CreateEdition(actorCtx(nrm.RoleAnalyst, "CMM", ""), testEdition(26, "three")); err != nil {
			t.Errorf("analyst cleared by the setting: %v", err)
		}

		es, err := db.FindEditions(admin, 0)
		if err != nil || len(es) != 3 || es[2].Number != 3 || len(es[0].Files) != 3 || es[0].Files[0].Format != "json" || es[0].Cells != nil {
			t.Fatalf("FindEditions: %v %+v", err, es)
		}
		latest, err := db.FindEdition(admin, 2011, 0)
		if err != nil || latest.Number != 3 || len(latest.Cells) != 2 || latest.Cells[0].Value != 26 || latest.Cutoff != nrm.MustDate("2012-03-01") {
			t.Fatalf("latest: %v %+v", err, latest)
		}
		f, err := db.EditionFile(admin, 2011, 1, "md", nrm.LangEN)
		if err != nil || !bytes.Equal(f.Body, []byte("# Edition one")) || f.Lang != nrm.LangEN {
			t.Fatalf("md/en of edition 1: %v %+v", err, f)
		}
		if f, err = db.EditionFile(admin, 2011, 2, "json", nrm.LangEN); err != nil || string(f.Body) != `{"edition":"two"}` {
			t.Fatalf("json of edition 2: %v %+v", err, f)
		}
		if _, err := db.EditionFile(admin, 2011, 2, "pdf", nrm.LangDA); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Errorf("missing format: %v", err)
		}
		if _, err := db.FindEdition(admin, 2012, 0); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Errorf("year without editions: %v", err)
		}

		// Immutable, and audited.
		if _, err := db.SQL().Exec("UPDATE editions SET k = 5"); err == nil {
			t.Error("an edition was updated")
		}
		if _, err := db.SQL().Exec("DELETE FROM edition_files"); err == nil {
			t.Error("edition files were deleted")
		}
		audit := auditText(t, db)
		if n := strings.Count(audit, "edition.publish"); n != 3 {
			t.Errorf("%d edition.publish audit entries, want 3", n)
		}
		if !strings.Contains(audit, "2011/2") {
			t.Error("the audit log does not name edition 2011/2")
		}
	})
}

func TestEditionValidate(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	for name, mod := range map[string]func(e *nrm.Edition){
		"k below 2":     func(e *nrm.Edition) { e.K = 1 },
		"cutoff before": func(e *nrm.Edition) { e.Cutoff = nrm.MustDate("2010-12-31") },
		"no json":       func(e *nrm.Edition) { e.Files = e.Files[1:] },
		"no cells":      func(e *nrm.Edition) { e.Cells = nil },
		"unknown format": func(e *nrm.Edition) {
			e.Files = append(e.Files, nrm.EditionFile{Format: "exe", Body: []byte("x")})
		},
	} {
		e := testEdition(20, "v")
		mod(e)
		if err := db.CreateEdition(admin, e); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}
