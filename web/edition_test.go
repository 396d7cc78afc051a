package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/bundle"
	"nrm/demo"
	demoplan "nrm/demo/plan"
	"nrm/disclosure"
	"nrm/planio"
	"nrm/report"
	"nrm/report/markdown"
)

// editionRenderer renders downloads for the edition tests: markdown as
// the report writes it, and JSON — the statistics for k ≤ 1, else the
// published cells (a stand-in for the published contract, which lives in
// the command line).
func editionRenderer(e *testEnv) ReportRenderer {
	return func(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) ([]byte, string, error) {
		st, err := e.db.Statistics(ctx, q)
		if err != nil {
			return nil, "", err
		}
		return editionFile(st, disclosureFor(st, k), format, lang)
	}
}

func disclosureFor(st *nrm.Stats, k int) *disclosure.PublishedStats {
	if k <= 1 {
		return nil
	}
	return disclosure.SuppressStats(st, k)
}

func editionFile(st *nrm.Stats, pub *disclosure.PublishedStats, format string, lang nrm.Lang) ([]byte, string, error) {
	switch format {
	case "json":
		var v any = st
		if pub != nil {
			v = map[string]any{"year": st.Year, "cutoff": st.Cutoff, "disclosure": map[string]int{"k": pub.K}, "cells": pub.Cells()}
		}
		b, err := json.Marshal(v)
		return b, "application/json; charset=utf-8", err
	case "md":
		in := report.Input{Stats: st, Lang: lang, Generated: time.Now()}
		if pub != nil {
			in = report.Publish(in, pub)
		}
		doc, err := report.Build(in)
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		err = markdown.Write(&buf, doc)
		return buf.Bytes(), "text/markdown; charset=utf-8", err
	}
	return nil, "", nrm.Errorf(nrm.ENOTFOUND, "format %s", format)
}

// editionPublisher publishes as cli.EditionPublisher does, with the
// formats of editionRenderer.
func editionPublisher(e *testEnv) EditionPublisher {
	return func(ctx context.Context, q nrm.StatsQuery, k int, lang nrm.Lang) (*nrm.Edition, error) {
		st, err := e.db.Statistics(ctx, q)
		if err != nil {
			return nil, err
		}
		es, err := e.db.FindEditions(ctx, q.Year)
		if err != nil {
			return nil, err
		}
		var before [][]disclosure.CellState
		for _, ed := range es {
			full, err := e.db.FindEdition(ctx, ed.Year, ed.Number)
			if err != nil {
				return nil, err
			}
			before = append(before, disclosure.CellsOf(full.Cells))
		}
		pub := disclosure.SuppressStatsHiding(st, k, disclosure.HiddenKeys(before...))
		if cs := disclosure.CompareEditions(before, pub.Cells(), k); len(cs) > 0 {
			return nil, &nrm.Error{Code: nrm.ECONFLICT, Message: disclosure.ConflictMessage(cs, k, lang)}
		}
		ed := &nrm.Edition{Year: q.Year, Cutoff: st.Cutoff, K: k, Cells: disclosure.EditionCells(pub.Cells())}
		for _, f := range []struct {
			format string
			lang   nrm.Lang
		}{{"json", ""}, {"md", nrm.LangDA}, {"md", nrm.LangEN}} {
			b, ct, err := editionFile(st, pub, f.format, f.lang)
			if err != nil {
				return nil, err
			}
			ed.Files = append(ed.Files, nrm.EditionFile{Format: f.format, Lang: f.lang, ContentType: ct, Body: b})
		}
		return ed, e.db.CreateEdition(ctx, ed)
	}
}

// newEditionEnv is a testEnv holding the demo data, whose server renders
// downloads and publishes editions.
func newEditionEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newTestEnv(t)
	b, err := fs.ReadFile(demoplan.FS, "organisations.csv")
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := planio.ReadOrganisationsCSV(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for i := range orgs {
		if err := e.db.UpsertOrganisation(system, &orgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	sub := must(fs.Sub(demo.Bundle, "bundle"))(t)
	if _, err := bundle.Import(system, bundle.FS(sub), e.db, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateUser(system, &nrm.User{Username: "coord-cmm", DisplayName: "CMM coordinator", Role: nrm.RoleCoordinator, Org: "CMM"}, testPassword); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, Render: editionRenderer(e), Publish: editionPublisher(e)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.srv, e.ts = srv, ts
	return e
}

// bearerGet calls the API as username with an API token.
func bearerGet(e *testEnv, username, path string) *response {
	e.t.Helper()
	tok, err := e.db.CreateAPIToken(system, username, "edition-test")
	if err != nil {
		e.t.Fatal(err)
	}
	req := must(http.NewRequest(http.MethodGet, e.ts.URL+path, nil))(e.t)
	req.Header.Set("Authorization", "Bearer "+tok)
	return e.client().do(req)
}

// TestDifferencingByCutoff is the analyst's attack on the demo: the
// published statistics at cut-offs 2011-07-04 and 2011-07-05 differ by
// one person. Without clearance neither cut-off is served (it is no
// edition's); a cleared administrator gets exact figures at either.
func TestDifferencingByCutoff(t *testing.T) {
	e := newEditionEnv(t)
	exact := func(cutoff string) *nrm.Stats {
		st, err := e.db.Statistics(system, nrm.StatsQuery{Year: 2011, Cutoff: nrm.MustDate(cutoff)})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if a, b := exact("2011-07-04").Identified.Total, exact("2011-07-05").Identified.Total; b-a != 1 {
		t.Fatalf("the demo's cut-offs differ by %d persons, the attack needs 1", b-a)
	}
	for _, user := range []string{"worker", "reden", "assessor-us", "coord", "analyst"} {
		c := e.login(user)
		for _, cutoff := range []string{"2011-07-04", "2011-07-05"} {
			for _, path := range []string{"/stats?year=2011&cutoff=" + cutoff, "/stats?year=2011&published=1&cutoff=" + cutoff,
				"/stats/report/json?year=2011&published=1&cutoff=" + cutoff, "/stats/report/md?year=2011&cutoff=" + cutoff,
				"/stats/figures/fig1?year=2011&cutoff=" + cutoff} {
				if res := c.get(path); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, `"identified"`) {
					t.Errorf("%s %s: %d", user, path, res.StatusCode)
				}
			}
			if res := bearerGet(e, user, "/api/v1/stats?year=2011&cutoff="+cutoff); res.StatusCode < 400 || strings.Contains(res.Body, "by_authority") {
				t.Errorf("%s API at %s: %d %s", user, cutoff, res.StatusCode, res.Body)
			}
		}
	}
	// The message names the cut-offs allowed, in both languages.
	res := e.login("worker").get("/stats?year=2011&cutoff=2011-07-04&lang=en")
	if !strings.Contains(res.Body, "2012-03-01") {
		t.Errorf("refusal does not name the default cut-off:\n%s", res.Body)
	}
	// Cleared: exact figures at any cut-off, page and API.
	admin := e.login("admin")
	for _, cutoff := range []string{"2011-07-04", "2011-07-05"} {
		res := admin.get("/stats?year=2011&cutoff=" + cutoff)
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "&lt;3") {
			t.Errorf("admin at %s: %d", cutoff, res.StatusCode)
		}
		var st nrm.Stats
		api := bearerGet(e, "admin", "/api/v1/stats?year=2011&cutoff="+cutoff)
		if err := json.Unmarshal([]byte(api.Body), &st); err != nil || st.Identified.Total != exact(cutoff).Identified.Total {
			t.Errorf("admin API at %s: %v %d", cutoff, err, st.Identified.Total)
		}
	}
	if res := e.login("coord-cmm").get("/stats?year=2011&cutoff=2011-07-04"); res.StatusCode != http.StatusOK {
		t.Errorf("CMM coordinator: %d", res.StatusCode)
	}
}

// TestCaseworkerNeverExact: without clearance the dashboard, the
// downloads and the API give the published view only — no exact small
// numbers and no minors' list — while the administrator gets them.
func TestCaseworkerNeverExact(t *testing.T) {
	e := newEditionEnv(t)
	st, err := e.db.Statistics(system, nrm.StatsQuery{Year: 2011})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Minors.Cases) == 0 {
		t.Fatal("the demo has no minors in 2011")
	}
	for _, user := range []string{"worker", "assessor-us", "coord", "analyst"} {
		c := e.login(user)
		page := c.get("/stats?year=2011&lang=en")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "&lt;3") {
			t.Errorf("%s dashboard shows no protected numbers (%d)", user, page.StatusCode)
		}
		api := bearerGet(e, user, "/api/v1/stats?year=2011")
		if api.StatusCode != http.StatusOK || !strings.Contains(api.Body, `"k":3`) || strings.Contains(api.Body, `"cases"`) {
			t.Errorf("%s API: %d %.200s", user, api.StatusCode, api.Body)
		}
		js := c.get("/stats/report/json?year=2011")
		if strings.Contains(js.Body, `"cases"`) || !strings.Contains(js.Body, `"k":3`) {
			t.Errorf("%s JSON download is exact", user)
		}
	}
	api := bearerGet(e, "admin", "/api/v1/stats?year=2011")
	if !strings.Contains(api.Body, `"cases"`) {
		t.Error("the administrator does not get the minors' list")
	}
}

// TestEditionServedAndPublished: a cleared user publishes from the
// editions page; afterwards the published view (download, API) returns
// the edition's bytes even when the data change, and the administrator's
// exact view lists what changed.
func TestEditionServedAndPublished(t *testing.T) {
	e := newEditionEnv(t)
	// Not cleared: no button, and a post is refused.
	worker := e.login("worker")
	if page := worker.get("/stats/editions?year=2011"); page.StatusCode != http.StatusOK || strings.Contains(page.Body, "publish-edition") {
		t.Fatalf("caseworker editions page: %d", page.StatusCode)
	}
	tok := worker.csrf("/stats/editions?year=2011")
	if res := worker.post("/stats/editions", url.Values{"csrf": {tok}, "year": {"2011"}, "confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker publishes: %d", res.StatusCode)
	}
	admin := e.login("admin")
	page := admin.get("/stats/editions?year=2011")
	if !strings.Contains(page.Body, "publish-edition") {
		t.Fatal("no publish button for the administrator")
	}
	tok = admin.csrf("/stats/editions?year=2011")
	if res := admin.post("/stats/editions", url.Values{"csrf": {"wrong"}, "year": {"2011"}, "confirm": {"yes"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF token: %d", res.StatusCode)
	}
	if res := admin.post("/stats/editions", url.Values{"csrf": {tok}, "year": {"2011"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unconfirmed: %d", res.StatusCode)
	}
	res := admin.post("/stats/editions", url.Values{"csrf": {tok}, "year": {"2011"}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "published=1") {
		t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
	}
	ed, err := e.db.FindEdition(system, 2011, 1)
	if err != nil || ed.PublishedBy != "admin" {
		t.Fatalf("edition: %v %+v", err, ed)
	}
	md := must(e.db.EditionFile(system, 2011, 1, "md", nrm.LangDA))(t)
	js := must(e.db.EditionFile(system, 2011, 1, "json", ""))(t)

	// The data change: one more person identified in 2011.
	c := &nrm.Case{Ref: "LATE-1", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-05-20"), Form: nrm.ContactPolice}},
		Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-06-01"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified, Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}}}}
	if err := e.db.CreateCase(system, c); err != nil {
		t.Fatal(err)
	}
	live, _, err := editionRenderer(e)(system, "md", nrm.StatsQuery{Year: 2011}.Normalize(), nrm.LangDA, 3, "")
	if err != nil || bytes.Equal(live, md.Body) {
		t.Fatalf("the live report does not differ from the edition (%v)", err)
	}
	for _, user := range []string{"worker", "analyst", "admin"} {
		c := e.login(user)
		if got := c.get("/stats/report/md?year=2011&published=1"); !bytes.Equal([]byte(got.Body), md.Body) {
			t.Errorf("%s published md is not the edition's", user)
		}
		if got := bearerGet(e, user, "/api/v1/stats?year=2011&published=1"); !bytes.Equal([]byte(got.Body), js.Body) {
			t.Errorf("%s published API is not the edition's: %.200s", user, got.Body)
		}
		dash := c.get("/stats?year=2011&published=1")
		if !strings.Contains(dash.Body, `id="edition-served"`) || !strings.Contains(dash.Body, `id="edition-frozen"`) {
			t.Errorf("%s dashboard does not serve the frozen edition", user)
		}
	}
	// The administrator's exact view says what changed.
	if dash := admin.get("/stats?year=2011&lang=en"); !strings.Contains(dash.Body, "by_authority / total / count: 60 → 61") {
		t.Errorf("exact view lists no change:\n%s", dash.Body)
	}
	// A correction that differs by one is refused with the reason.
	tok = admin.csrf("/stats/editions?year=2011")
	res = admin.post("/stats/editions?lang=en", url.Values{"csrf": {tok}, "year": {"2011"}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "counts / identified / count") {
		t.Errorf("conflicting correction: %d", res.StatusCode)
	}

	// The API: list, metadata with cells, a file; publishing needs clearance.
	list := bearerGet(e, "worker", "/api/v1/editions?year=2011")
	var l editionListResponse
	if err := json.Unmarshal([]byte(list.Body), &l); err != nil || len(l.Editions) != 1 || l.Editions[0].Hash != ed.Hash {
		t.Errorf("API list: %v %s", err, list.Body)
	}
	var got nrm.Edition
	meta := bearerGet(e, "analyst", "/api/v1/editions/2011/1")
	if err := json.Unmarshal([]byte(meta.Body), &got); err != nil || len(got.Cells) != len(ed.Cells) {
		t.Errorf("API edition: %v", err)
	}
	if f := bearerGet(e, "analyst", "/api/v1/editions/2011/1/md?lang=da"); !bytes.Equal([]byte(f.Body), md.Body) {
		t.Error("API file is not the edition's")
	}
	tokW := must(e.db.CreateAPIToken(system, "worker", "w"))(t)
	req := must(http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/editions", strings.NewReader(`{"year":2011}`)))(t)
	req.Header.Set("Authorization", "Bearer "+tokW)
	req.Header.Set("Content-Type", "application/json")
	if res := e.client().do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("caseworker API publish: %d", res.StatusCode)
	}
}

// TestOrganisationSeesOwnCasesExactly: a caseworker or assessor gets the
// exact statistics of the cases their organisation can read — at any
// cut-off, with the minors among them — and the total is the number of
// those cases identified in the year; roles that read no cases are
// refused.
func TestOrganisationSeesOwnCasesExactly(t *testing.T) {
	e := newEditionEnv(t)
	for _, tc := range []struct{ user, org string }{{"worker", "CMM"}, {"assessor-us", "US"}, {"reden", "REDEN"}} {
		// The cases the organisation can read, counted from the case
		// list as the user sees it.
		u, err := e.db.FindUserByUsername(system, tc.user)
		if err != nil {
			t.Fatal(err)
		}
		_, want, err := e.db.FindCases(nrm.NewContextWithActor(t.Context(), u.Actor("test")), nrm.CaseFilter{IdentifiedYear: 2011, Limit: 1})
		if err != nil || want == 0 {
			t.Fatalf("%s: %d cases, %v", tc.user, want, err)
		}
		if res := bearerGet(e, tc.user, "/api/v1/stats?year=2011&cutoff=2011-07-05&scope=organisation"); res.StatusCode != http.StatusOK {
			t.Errorf("%s at another cut-off: %d", tc.user, res.StatusCode)
		}
		var st nrm.Stats
		api := bearerGet(e, tc.user, "/api/v1/stats?year=2011&scope=organisation")
		if err := json.Unmarshal([]byte(api.Body), &st); err != nil || api.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v %.200s", tc.user, api.StatusCode, err, api.Body)
		}
		if st.Organisation != tc.org || st.Identified.Total != want || st.Prosecution.Reported {
			t.Errorf("%s: organisation %q, %d identified (the case list has %d), police figures %v", tc.user, st.Organisation, st.Identified.Total, want, st.Prosecution.Reported)
		}
		for _, lang := range []string{"da", "en"} {
			page := e.login(tc.user).get("/stats?year=2011&cutoff=2011-07-05&scope=organisation&lang=" + lang)
			if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `id="org-scope"`) || strings.Contains(page.Body, "&lt;3") {
				t.Errorf("%s page (%s): %d", tc.user, lang, page.StatusCode)
			}
		}
		md := e.login(tc.user).get("/stats/report/md?year=2011&scope=organisation&lang=en")
		if md.StatusCode != http.StatusOK || !strings.Contains(md.Body, "can see") || strings.Contains(md.Body, "<3") {
			t.Errorf("%s report: %d %.300s", tc.user, md.StatusCode, md.Body)
		}
	}
	for _, user := range []string{"coord", "analyst"} {
		if res := bearerGet(e, user, "/api/v1/stats?year=2011&scope=organisation"); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "by_authority") {
			t.Errorf("%s: %d", user, res.StatusCode)
		}
		if page := e.login(user).get("/stats?year=2011"); strings.Contains(page.Body, `name="scope"`) {
			t.Errorf("%s is offered the organisation's statistics", user)
		}
	}
	if res := bearerGet(e, "worker", "/api/v1/stats?year=2011&scope=region"); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown scope: %d", res.StatusCode)
	}
}
