package web

// The attack suite: every subtest is one attempt to get in, read or change
// what the attacker may not, and asserts the exact defended behaviour —
// the status code, an unchanged database (read back as the
// administrator) and no leaked identifier in the answer.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"nrm"
	"nrm/auth"
	"nrm/bundle"
	"nrm/bundle/xlsxbundle"
)

func TestAttacks(t *testing.T) {
	attackIDOR(t)
	attackRoles(t)
	attackCSRF(t)
	attackXSS(t)
	attackSQLInjection(t)
	attackFormulaInjection(t)
	attackBruteForce(t)
	attackSession(t)
	attackUploads(t)
	attackHeaders(t)
	attackLogs(t)
}

// ---------------------------------------------------------------------
// IDOR across organisations

func attackIDOR(t *testing.T) {
	t.Run("IDOR/case page of another organisation is the missing-case 404", func(t *testing.T) {
		e := newAttackEnv(t)
		r := e.as("reden")
		foreign, missing := fmt.Sprintf("/cases/%d", e.cmm.ID), fmt.Sprintf("/cases/%d", missingID)
		a, b := r.get(foreign), r.get(missing)
		mustStatus(t, a, http.StatusNotFound, "foreign case page")
		samePage(t, "foreign vs missing case page", a, b, foreign, missing)
		noLeak(t, "foreign case page", a.Body, e.caseSecrets()...)
		// Its own case opens: the 404 is about the organisation.
		mustStatus(t, r.get(fmt.Sprintf("/cases/%d", e.reden.ID)), http.StatusOK, "own case page")
	})

	t.Run("IDOR/case JSON GET of another organisation, by token and by cookie", func(t *testing.T) {
		e := newAttackEnv(t)
		tok := e.token("reden")
		a := e.bearer(tok, "GET", fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), "")
		b := e.bearer(tok, "GET", fmt.Sprintf("/api/v1/cases/%d", missingID), "")
		mustStatus(t, a, http.StatusNotFound, "foreign case JSON (token)")
		samePage(t, "foreign vs missing case JSON", a, b, "", "")
		noLeak(t, "foreign case JSON", a.Body, e.caseSecrets()...)
		r := e.as("reden")
		c := r.api("GET", fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), "")
		mustStatus(t, c, http.StatusNotFound, "foreign case JSON (cookie)")
		samePage(t, "foreign case JSON cookie vs token", a, c, "", "")
	})

	t.Run("IDOR/case JSON PUT of another organisation", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		var c map[string]any
		if err := json.Unmarshal([]byte(before), &c); err != nil {
			t.Fatal(err)
		}
		c["id"] = 0
		c["identifiers"] = map[string]any{"name": "Overwritten by REDEN"}
		c["owner_org"] = "REDEN"
		body := must(json.Marshal(c))(t)
		tok := e.token("reden")
		a := e.bearer(tok, "PUT", fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), string(body))
		b := e.bearer(tok, "PUT", fmt.Sprintf("/api/v1/cases/%d", missingID), string(body))
		mustStatus(t, a, http.StatusNotFound, "foreign PUT (token)")
		samePage(t, "foreign vs missing PUT", a, b, "", "")
		noLeak(t, "foreign PUT", a.Body, e.caseSecrets()...)
		// With the session cookie and a valid CSRF token: the same.
		r := e.as("reden")
		res := r.api("PUT", fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), string(body), "X-CSRF-Token", r.csrf("/cases"))
		mustStatus(t, res, http.StatusNotFound, "foreign PUT (cookie)")
		e.unchanged(e.cmm.ID, before)
	})

	// Every sub-form of the case page, posted by REDEN with a valid CSRF
	// token and the current version of CMM's case.
	for _, name := range []string{"contacts", "assessments", "reflection", "accommodations", "end stay", "offers", "exits"} {
		t.Run("IDOR/case sub-form "+name+" on a case of another organisation", func(t *testing.T) {
			e := newAttackEnv(t)
			before := e.snapshot(e.cmm.ID)
			aid := e.cmm.Accommodations[0].ID
			forms := caseForms(e.cmm.Version, aid)
			sub := name
			if name == "end stay" {
				sub = fmt.Sprintf("accommodations/%d/end", aid)
			}
			v := forms[sub]
			r := e.as("reden")
			v.Set("csrf", r.csrf("/cases"))
			foreign := fmt.Sprintf("/cases/%d/%s", e.cmm.ID, sub)
			missing := fmt.Sprintf("/cases/%d/%s", missingID, sub)
			a, b := r.post(foreign, v), r.post(missing, v)
			mustStatus(t, a, http.StatusNotFound, "foreign "+name)
			samePage(t, "foreign vs missing "+name, a, b, fmt.Sprintf("/cases/%d", e.cmm.ID), fmt.Sprintf("/cases/%d", missingID))
			noLeak(t, "foreign "+name, a.Body, e.caseSecrets()...)
			e.unchanged(e.cmm.ID, before)
		})
	}

	t.Run("IDOR/enumeration by sequential ids: foreign and missing answer alike", func(t *testing.T) {
		e := newAttackEnv(t)
		for i := range 3 {
			e.newCase(fmt.Sprintf("CMM-ENUM-%d", i), nrm.ResidenceLegal)
		}
		shared := &nrm.Case{Ref: "CMM-SHARED-REDEN", OwnerOrg: "CMM", SharedWith: []string{"REDEN"}, Gender: nrm.GenderMale, ResidenceStatus: nrm.ResidenceLegal}
		if err := e.db.CreateCase(system, shared); err != nil {
			t.Fatal(err)
		}
		r := e.as("reden")
		tok := e.token("reden")
		missingPage := r.get(fmt.Sprintf("/cases/%d", missingID))
		missingJSON := e.bearer(tok, "GET", fmt.Sprintf("/api/v1/cases/%d", missingID), "")
		visible := map[int64]bool{e.reden.ID: true, shared.ID: true}
		for id := int64(1); id <= shared.ID+3; id++ {
			p := fmt.Sprintf("/cases/%d", id)
			page, js := r.get(p), e.bearer(tok, "GET", "/api/v1"+p, "")
			if visible[id] {
				mustStatus(t, page, http.StatusOK, "visible "+p)
				mustStatus(t, js, http.StatusOK, "visible API "+p)
				continue
			}
			samePage(t, "page "+p, page, missingPage, p, fmt.Sprintf("/cases/%d", missingID))
			samePage(t, "API "+p, js, missingJSON, "", "")
			noLeak(t, p, page.Body+js.Body, e.caseSecrets()...)
			noLeak(t, p, page.Body+js.Body, "CMM-ENUM")
		}
	})

	t.Run("IDOR/non-numeric, zero, negative and overflowing ids are the missing-case 404", func(t *testing.T) {
		e := newAttackEnv(t)
		r := e.as("reden")
		missing := r.get(fmt.Sprintf("/cases/%d", missingID))
		for _, id := range []string{"0", "-1", fmt.Sprint(-e.cmm.ID), "1%20OR%201=1", "1'--", "99999999999999999999", "0x1", "1.0", "%2e%2e"} {
			p := "/cases/" + id
			res := r.get(p)
			mustStatus(t, res, http.StatusNotFound, p)
			if res.StatusCode == http.StatusNotFound {
				// The language switch repeats the (cleaned) request path:
				// "/cases/%2e%2e" links to "/".
				langLink := regexp.MustCompile(`id="lang-switch" href="[^"]*"`)
				got := strings.ReplaceAll(res.Body, res.Request.URL.Path, "/cases/X")
				got = regexp.MustCompile(`href="/cases/[^"?]*\?`).ReplaceAllString(got, `href="/cases/X?`)
				got = langLink.ReplaceAllString(got, `id="lang-switch" href="X"`)
				want := regexp.MustCompile(`href="/cases/[^"?]*\?`).ReplaceAllString(missing.Body, `href="/cases/X?`)
				want = langLink.ReplaceAllString(want, `id="lang-switch" href="X"`)
				if got != want {
					t.Errorf("%s: body differs from the missing-case page", p)
				}
			}
			js := e.bearer(e.token("reden"), "GET", "/api/v1"+p, "")
			mustStatus(t, js, http.StatusNotFound, "API "+p)
		}
	})

	t.Run("IDOR/ending a stay of another organisation's case from one's own case", func(t *testing.T) {
		e := newAttackEnv(t)
		beforeCMM, beforeOwn := e.snapshot(e.cmm.ID), e.snapshot(e.reden.ID)
		r := e.as("reden")
		res := r.post(fmt.Sprintf("/cases/%d/accommodations/%d/end", e.reden.ID, e.cmm.Accommodations[0].ID),
			url.Values{"csrf": {r.csrf("/cases")}, "version": {"1"}, "end_date": {"2011-03-05"}})
		mustStatus(t, res, http.StatusUnprocessableEntity, "foreign stay id")
		noLeak(t, "foreign stay id", res.Body, e.caseSecrets()...)
		e.unchanged(e.cmm.ID, beforeCMM)
		e.unchanged(e.reden.ID, beforeOwn)
	})

	t.Run("IDOR/US assessor on a CMM case not shared with US", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		us := e.as("assessor-us")
		p := fmt.Sprintf("/cases/%d", e.cmm.ID)
		mustStatus(t, us.get(p), http.StatusNotFound, "page")
		v := url.Values{"csrf": {us.csrf("/cases")}, "version": {"1"}, "assessment_date": {"2011-03-01"}, "assessment_authority": {"US"},
			"assessment_outcome": {"not_identified"}, "override_reason": {"x"}}
		res := us.post(p+"/assessments", v)
		mustStatus(t, res, http.StatusNotFound, "assessment")
		noLeak(t, "assessment", res.Body, e.caseSecrets()...)
		mustStatus(t, e.bearer(e.token("assessor-us"), "GET", "/api/v1"+p, ""), http.StatusNotFound, "API")
		e.unchanged(e.cmm.ID, before)
	})

	t.Run("IDOR/list filters never reach another organisation's cases", func(t *testing.T) {
		e := newAttackEnv(t)
		tok := e.token("reden")
		for _, q := range []string{"owner_org=CMM", "ref=" + secretRef, "search=CMM", "search=" + secretRef, "owner_org=CMM&open=true", "limit=500"} {
			res := e.bearer(tok, "GET", "/api/v1/cases?"+q, "")
			mustStatus(t, res, http.StatusOK, q)
			noLeak(t, q, res.Body, secretRef, `"owner_org": "CMM"`)
		}
		r := e.as("reden")
		for _, q := range []string{"q=CMM", "q=" + secretRef, "q=&status=open", "nationality=NG"} {
			res := r.get("/cases?" + q)
			mustStatus(t, res, http.StatusOK, q)
			// The search box echoes what was typed; no result row may
			// name or link the case.
			noLeak(t, q, res.Body, fmt.Sprintf(`href="/cases/%d"`, e.cmm.ID), ">"+secretRef+"<", secretName)
		}
	})

	t.Run("IDOR/API create with the id and version of another organisation's case", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		body := fmt.Sprintf(`{"id":%d,"version":%d,"ref":"RED-NEW-1","owner_org":"REDEN","gender":"female","residence_status":"legal"}`, e.cmm.ID, e.cmm.Version)
		res := e.bearer(e.token("reden"), "POST", "/api/v1/cases", body)
		mustStatus(t, res, http.StatusCreated, "create")
		var got nrm.Case
		if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
			t.Fatal(err)
		}
		if got.ID == e.cmm.ID || got.Version != 1 || got.OwnerOrg != "REDEN" {
			t.Errorf("create took over the posted id or version: %+v", got)
		}
		e.unchanged(e.cmm.ID, before)
	})
}

// ---------------------------------------------------------------------
// Role escalation

func attackRoles(t *testing.T) {
	for _, user := range []string{"analyst", "coord", "auditor"} {
		t.Run("Role/"+user+" on case pages and the case API", func(t *testing.T) {
			e := newAttackEnv(t)
			before := e.snapshot(e.cmm.ID)
			u := e.as(user)
			casePath := fmt.Sprintf("/cases/%d", e.cmm.ID)
			for _, p := range []string{"/cases", "/cases?q=CMM", casePath, "/cases/new"} {
				res := u.get(p)
				mustStatus(t, res, http.StatusForbidden, p)
				noLeak(t, p, res.Body, e.caseSecrets()...)
			}
			tok := u.csrf("/plans")
			for sub, v := range caseForms(1, e.cmm.Accommodations[0].ID) {
				v.Set("csrf", tok)
				mustStatus(t, u.post(casePath+"/"+sub, v), http.StatusForbidden, "post "+sub)
			}
			mustStatus(t, u.post("/cases", url.Values{"csrf": {tok}, "gender": {"female"}, "residence_status": {"legal"}, "name": {"x"}}),
				http.StatusForbidden, "register")
			bt := e.token(user)
			body := `{"ref":"ROLE-1","owner_org":"CMM","gender":"female","residence_status":"legal"}`
			for _, res := range []*response{
				e.bearer(bt, "GET", "/api/v1/cases", ""),
				e.bearer(bt, "GET", "/api/v1"+casePath, ""),
				e.bearer(bt, "POST", "/api/v1/cases", body),
				e.bearer(bt, "PUT", "/api/v1"+casePath, before),
				u.api("GET", "/api/v1"+casePath, ""),
				u.api("PUT", "/api/v1"+casePath, before, "X-CSRF-Token", tok),
			} {
				mustStatus(t, res, http.StatusForbidden, res.Request.Method+" "+res.Request.URL.Path)
				noLeak(t, "API", res.Body, e.caseSecrets()...)
			}
			e.unchanged(e.cmm.ID, before)
			if _, n := must2(e.db.FindCases(system, nrm.CaseFilter{Ref: "ROLE-1"}))(t); n != 0 {
				t.Error("a case was created")
			}
		})
	}

	t.Run("Role/caseworker creates a user with role admin", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		res := w.post("/admin/users", url.Values{"csrf": {w.csrf("/cases")}, "username": {"mallory"}, "display_name": {"Mallory"},
			"role": {"admin"}, "org": {"CMM"}, "password": {testPassword}})
		mustStatus(t, res, http.StatusForbidden, "create admin")
		if _, err := e.db.FindUserByUsername(system, "mallory"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Errorf("user created: %v", err)
		}
		mustStatus(t, w.get("/admin/users"), http.StatusForbidden, "user list")
	})

	t.Run("Role/non-administrators create a user in another organisation", func(t *testing.T) {
		e := newAttackEnv(t)
		for _, user := range []string{"reden", "coord", "assessor-us", "auditor"} {
			u := e.as(user)
			res := u.post("/admin/users", url.Values{"csrf": {u.csrf("/plans")}, "username": {"plant-" + user}, "role": {"caseworker"},
				"org": {"CMM"}, "password": {testPassword}})
			mustStatus(t, res, http.StatusForbidden, user)
			if _, err := e.db.FindUserByUsername(system, "plant-"+user); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Errorf("%s created a user: %v", user, err)
			}
		}
	})

	t.Run("Role/caseworker disables the administrator", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		mustStatus(t, w.post("/admin/users/admin/disabled", url.Values{"csrf": {w.csrf("/cases")}, "disabled": {"1"}}), http.StatusForbidden, "disable")
		if u := must(e.db.FindUserByUsername(system, "admin"))(t); u == nil || u.Disabled {
			t.Error("admin disabled")
		}
	})

	t.Run("Role/caseworker imports a plan", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		res := w.upload("/plans/import", w.csrf("/plans"), "plan.yaml", planYAML("EVIL-PLAN", "Evil"), nil)
		mustStatus(t, res, http.StatusForbidden, "plan import")
		res = w.upload("/network/import", w.csrf("/plans"), "network.yaml", networkYAML("Evil"), nil)
		mustStatus(t, res, http.StatusForbidden, "network import")
		if ps := must(e.db.FindPlans(system))(t); len(ps) != 0 {
			t.Error("plan stored")
		}
		if gs := must(e.db.FindGroups(system))(t); len(gs) != 0 {
			t.Error("network stored")
		}
	})

	t.Run("Role/caseworker and analyst read the audit log", func(t *testing.T) {
		e := newAttackEnv(t)
		for _, user := range []string{"worker", "analyst", "coord", "assessor-us"} {
			u := e.as(user)
			for _, p := range []string{"/audit", "/audit?entity=case&verify=1", "/audit?user=admin"} {
				res := u.get(p)
				mustStatus(t, res, http.StatusForbidden, user+" "+p)
				noLeak(t, p, res.Body, "case.read", "auth.login")
			}
		}
	})

	t.Run("Role/CMM assessor records a US assessment", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		a := e.as("assessor-cmm")
		p := fmt.Sprintf("/cases/%d", e.cmm.ID)
		mustStatus(t, a.get(p), http.StatusOK, "own organisation's case")
		v := url.Values{"csrf": {a.csrf(p)}, "version": {"1"}, "assessment_stage": {"final"}, "assessment_date": {"2011-03-01"}, "assessment_authority": {"US"},
			"assessment_outcome": {"identified"}, "exploitation": {"sexual"}, "override_reason": {"pretend"}}
		res := a.post(p+"/assessments", v)
		mustStatus(t, res, http.StatusForbidden, "US assessment by CMM")
		// Over the API, as an added assessment.
		var c map[string]any
		if err := json.Unmarshal([]byte(before), &c); err != nil {
			t.Fatal(err)
		}
		c["assessments"] = append(c["assessments"].([]any), map[string]any{"date": "2011-03-01", "authority": "US", "outcome": "not_identified", "override_reason": "x"})
		body := must(json.Marshal(c))(t)
		mustStatus(t, e.bearer(e.token("assessor-cmm"), "PUT", "/api/v1"+p, string(body)), http.StatusForbidden, "API")
		e.unchanged(e.cmm.ID, before)
	})

	t.Run("Role/US assessor rewrites or deletes a CMM decision over the API", func(t *testing.T) {
		e := newAttackEnv(t)
		c := &nrm.Case{Ref: "SHARED-US", OwnerOrg: "CMM", SharedWith: []string{"US"}, Gender: nrm.GenderFemale, ResidenceStatus: nrm.ResidenceLegal,
			Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityCMM, Outcome: nrm.OutcomeNotIdentified}}}
		if err := e.db.CreateCase(system, c); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot(c.ID)
		tok := e.token("assessor-us")
		var m map[string]any
		if err := json.Unmarshal([]byte(before), &m); err != nil {
			t.Fatal(err)
		}
		m["assessments"].([]any)[0].(map[string]any)["outcome"] = "identified"
		m["assessments"].([]any)[0].(map[string]any)["exploitation"] = []string{"sexual"}
		rewritten := must(json.Marshal(m))(t)
		m["assessments"] = []any{}
		deleted := must(json.Marshal(m))(t)
		for name, body := range map[string][]byte{"rewrite": rewritten, "delete": deleted} {
			mustStatus(t, e.bearer(tok, "PUT", fmt.Sprintf("/api/v1/cases/%d", c.ID), string(body)), http.StatusForbidden, name)
		}
		e.unchanged(c.ID, before)
	})

	t.Run("Role/caseworker records an assessment at all", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.reden.ID)
		r := e.as("reden")
		p := fmt.Sprintf("/cases/%d", e.reden.ID)
		res := r.post(p+"/assessments", url.Values{"csrf": {r.csrf(p)}, "version": {"1"}, "assessment_date": {"2011-03-05"},
			"assessment_authority": {"US"}, "assessment_outcome": {"identified"}, "exploitation": {"sexual"}})
		mustStatus(t, res, http.StatusForbidden, "assessment by caseworker")
		e.unchanged(e.reden.ID, before)
	})

	t.Run("Role/caseworker changes owner_org via PUT and the form", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.reden.ID)
		var m map[string]any
		if err := json.Unmarshal([]byte(before), &m); err != nil {
			t.Fatal(err)
		}
		m["owner_org"] = "CMM"
		body := must(json.Marshal(m))(t)
		p := fmt.Sprintf("/api/v1/cases/%d", e.reden.ID)
		mustStatus(t, e.bearer(e.token("reden"), "PUT", p, string(body)), http.StatusForbidden, "PUT owner_org (token)")
		r := e.as("reden")
		mustStatus(t, r.api("PUT", p, string(body), "X-CSRF-Token", r.csrf("/cases")), http.StatusForbidden, "PUT owner_org (cookie)")
		e.unchanged(e.reden.ID, before)
		// Registering for another organisation: refused by the API, and
		// the form's owner_org is ignored for non-administrators.
		res := e.bearer(e.token("reden"), "POST", "/api/v1/cases", `{"ref":"PLANT-CMM","owner_org":"CMM","gender":"female","residence_status":"legal"}`)
		mustStatus(t, res, http.StatusForbidden, "API create for CMM")
		res = r.post("/cases", url.Values{"csrf": {r.csrf("/cases/new")}, "case_ref": {"PLANT-CMM-2"}, "owner_org": {"CMM"}, "gender": {"female"}, "residence_status": {"legal"}})
		mustStatus(t, res, http.StatusSeeOther, "form create")
		if c, err := e.db.FindCaseByRef(system, "PLANT-CMM-2"); err != nil || c.OwnerOrg != "REDEN" {
			t.Errorf("form create with owner_org=CMM: %v %+v", err, c)
		}
		if _, err := e.db.FindCaseByRef(system, "PLANT-CMM"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Errorf("API create for CMM stored: %v", err)
		}
	})

	t.Run("Role/an organisation a case is shared with widens or cuts the sharing", func(t *testing.T) {
		e := newAttackEnv(t)
		c := &nrm.Case{Ref: "SHARED-REDEN", OwnerOrg: "CMM", SharedWith: []string{"REDEN", "US"}, Gender: nrm.GenderFemale, ResidenceStatus: nrm.ResidenceLegal,
			Identifiers: nrm.Identifiers{Name: "Shared Person"}}
		if err := e.db.CreateCase(system, c); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot(c.ID)
		tok := e.token("reden")
		p := fmt.Sprintf("/api/v1/cases/%d", c.ID)
		for name, shares := range map[string][]string{"widen to the police": {"REDEN", "US", "RIGSPOLITIET"}, "cut US off": {"REDEN"}} {
			var m map[string]any
			if err := json.Unmarshal([]byte(before), &m); err != nil {
				t.Fatal(err)
			}
			m["shared_with"] = shares
			body := must(json.Marshal(m))(t)
			res := e.bearer(tok, "PUT", p, string(body))
			mustStatus(t, res, http.StatusForbidden, name)
		}
		e.unchanged(c.ID, before)
		// The owner may share its own case.
		var m map[string]any
		if err := json.Unmarshal([]byte(e.snapshot(e.reden.ID)), &m); err != nil {
			t.Fatal(err)
		}
		m["shared_with"] = []string{"CMM"}
		body := must(json.Marshal(m))(t)
		mustStatus(t, e.bearer(tok, "PUT", fmt.Sprintf("/api/v1/cases/%d", e.reden.ID), string(body)), http.StatusOK, "owner shares")
	})

	t.Run("Role/disabled user's existing session and API token", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		tok := e.token("worker")
		mustStatus(t, w.get("/cases"), http.StatusOK, "before")
		a := e.as("admin")
		mustStatus(t, a.post("/admin/users/worker/disabled", url.Values{"csrf": {a.csrf("/admin/users")}, "disabled": {"1"}}), http.StatusSeeOther, "disable")
		res := w.get("/cases")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("disabled user's session: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		mustStatus(t, w.api("GET", "/api/v1/cases", ""), http.StatusUnauthorized, "cookie API")
		mustStatus(t, e.bearer(tok, "GET", "/api/v1/cases", ""), http.StatusUnauthorized, "token API")
		// Signing in again is refused with the one failure message.
		c := e.anon()
		res = c.post("/login", url.Values{"csrf": {c.csrf("/login")}, "username": {"worker"}, "password": {testPassword}})
		mustStatus(t, res, http.StatusUnauthorized, "login")
		if !strings.Contains(res.Body, tr(nrm.LangDA, "login.failed")) {
			t.Error("login refusal lacks the generic message")
		}
	})

	t.Run("Role/analyst writes plans and the network", func(t *testing.T) {
		e := newAttackEnv(t)
		an := e.as("analyst")
		tok := an.csrf("/plans")
		mustStatus(t, an.upload("/plans/import", tok, "plan.yaml", planYAML("AN-PLAN", "x"), nil), http.StatusForbidden, "plan import")
		mustStatus(t, an.post("/network/meetings", url.Values{"csrf": {tok}, "group_code": {"REF-NAT"}, "date": {"2011-01-01"}, "topics_da": {"x"}}), http.StatusForbidden, "meeting")
		mustStatus(t, an.post("/network/outreach", url.Values{"csrf": {tok}, "service_code": {"X"}, "period": {"2011"}, "visits": {"1"}}), http.StatusForbidden, "outreach")
		mustStatus(t, an.upload("/network/import", tok, "n.yaml", networkYAML("x"), nil), http.StatusForbidden, "network import")
		if ps := must(e.db.FindPlans(system))(t); len(ps) != 0 {
			t.Error("plan stored")
		}
	})
}

// planYAML is a small valid plan whose every text is text.
func planYAML(code, text string) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	return fmt.Sprintf(`code: %s
name_da: %s
name_en: %s
start_year: 2011
end_year: 2014
budget_dkk: 1000000
areas:
  - number: 1
    name_da: %s
    name_en: %s
    goals:
      - code: "1.1"
        name_da: %s
        name_en: %s
        activities:
          - code: "1.1.1"
            text_da: %s
            text_en: %s
            responsible: [CMM]
            responsible_text: %s
            statuses:
              - period: "2012-spring"
                state: in_progress
                text_da: %s
                text_en: %s
          - code: "1.1.2"
            text_da: %s
            responsible: [CMM, REDEN]
            statuses: []
`, q(code), q("Plan "+text), q("Plan "+text), q(text), q(text), q(text), q(text), q(text), q(text), q(text), q(text), q(text), q(text))
}

// networkYAML is a small valid network whose free texts are text.
func networkYAML(text string) string {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	return fmt.Sprintf(`groups:
  - code: REF-NAT
    name_da: %s
    name_en: %s
    region: %s
    members:
      - {org_code: CMM, state: true}
      - {name_da: %s, state: false}
  - code: REF-X
    name_da: %s
    parent_code: REF-NAT
    members:
      - {name_da: %s, state: true}
meetings:
  - group_code: REF-X
    date: 2011-11-15
    topics_da: [%s, %s]
services:
  - code: SVC-X
    name_da: %s
    name_en: %s
    kind: meeting_place
    area: %s
stats:
  - service_code: SVC-X
    period: "2011"
    visits: 12
`, q(text), q(text), q(text), q(text), q("Gruppe "+text), q(text), q(text), q("Emne "+text), q(text), q(text), q(text))
}

// ---------------------------------------------------------------------
// CSRF

func attackCSRF(t *testing.T) {
	contact := func(tok string) url.Values {
		return url.Values{"csrf": {tok}, "version": {"1"}, "contact_date": {"2011-03-01"}, "contact_form": {"outreach"}}
	}

	t.Run("CSRF/form post without a token", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		w := e.as("worker")
		for _, tok := range []string{"", " ", "null"} {
			res := w.post(fmt.Sprintf("/cases/%d/contacts", e.cmm.ID), contact(tok))
			mustStatus(t, res, http.StatusForbidden, fmt.Sprintf("token %q", tok))
		}
		v := contact("")
		v.Del("csrf")
		mustStatus(t, w.post(fmt.Sprintf("/cases/%d/contacts", e.cmm.ID), v), http.StatusForbidden, "no field")
		e.unchanged(e.cmm.ID, before)
	})

	t.Run("CSRF/form post with another session's token", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		victim, attacker := e.as("worker"), e.as("worker")
		other := e.as("admin")
		for name, tok := range map[string]string{"same user, other session": attacker.csrf("/cases"), "other user": other.csrf("/cases")} {
			mustStatus(t, victim.post(fmt.Sprintf("/cases/%d/contacts", e.cmm.ID), contact(tok)), http.StatusForbidden, name)
		}
		e.unchanged(e.cmm.ID, before)
	})

	t.Run("CSRF/token in the query string instead of the body", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		w := e.as("worker")
		tok := w.csrf("/cases")
		v := contact("")
		v.Del("csrf")
		mustStatus(t, w.post(fmt.Sprintf("/cases/%d/contacts?csrf=%s", e.cmm.ID, url.QueryEscape(tok)), v), http.StatusForbidden, "query token")
		e.unchanged(e.cmm.ID, before)
	})

	for name, hdr := range map[string][]string{
		"cross-site Sec-Fetch-Site with a valid token": {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		"foreign Origin without Fetch metadata":        {"Origin", "https://evil.example"},
		"same-site sibling origin":                     {"Sec-Fetch-Site", "same-site", "Origin", "https://evil.nrm.example"},
		"null Origin from a sandboxed frame":           {"Origin", "null"},
	} {
		t.Run("CSRF/"+name, func(t *testing.T) {
			e := newAttackEnv(t)
			before := e.snapshot(e.cmm.ID)
			w := e.as("worker")
			res := w.postWith(fmt.Sprintf("/cases/%d/contacts", e.cmm.ID), contact(w.csrf("/cases")), hdr...)
			mustStatus(t, res, http.StatusForbidden, name)
			noLeak(t, name, res.Body, e.caseSecrets()...)
			// The API refuses the same cross-origin write even with the
			// right X-CSRF-Token.
			body := `{"ref":"XO-1","owner_org":"CMM","gender":"female","residence_status":"legal"}`
			mustStatus(t, w.api("POST", "/api/v1/cases", body, append([]string{"X-CSRF-Token", w.csrf("/cases")}, hdr...)...), http.StatusForbidden, "API "+name)
			e.unchanged(e.cmm.ID, before)
			if _, err := e.db.FindCaseByRef(system, "XO-1"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Error("cross-origin API write stored")
			}
		})
	}

	t.Run("CSRF/API cookie-authenticated write without X-CSRF-Token", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		w := e.as("worker")
		mustStatus(t, w.api("POST", "/api/v1/cases", `{"ref":"NOCSRF-1","owner_org":"CMM","gender":"female","residence_status":"legal"}`), http.StatusForbidden, "POST")
		mustStatus(t, w.api("PUT", fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), before), http.StatusForbidden, "PUT")
		// A form-encoded post (what a cross-site form can send) is refused
		// before its body is read.
		res := w.postWith("/api/v1/cases", url.Values{"ref": {"NOCSRF-2"}, "csrf": {w.csrf("/cases")}})
		mustStatus(t, res, http.StatusForbidden, "form post to the API")
		e.unchanged(e.cmm.ID, before)
		for _, ref := range []string{"NOCSRF-1", "NOCSRF-2"} {
			if _, err := e.db.FindCaseByRef(system, ref); nrm.ErrorCode(err) != nrm.ENOTFOUND {
				t.Errorf("%s stored", ref)
			}
		}
	})

	t.Run("CSRF/API cookie-authenticated write with another session's X-CSRF-Token", func(t *testing.T) {
		e := newAttackEnv(t)
		w, other := e.as("worker"), e.as("worker")
		res := w.api("POST", "/api/v1/cases", `{"ref":"WRONGCSRF","owner_org":"CMM","gender":"female","residence_status":"legal"}`, "X-CSRF-Token", other.csrf("/cases"))
		mustStatus(t, res, http.StatusForbidden, "POST")
		if _, err := e.db.FindCaseByRef(system, "WRONGCSRF"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Error("stored")
		}
	})

	t.Run("CSRF/login without a token, with an attacker's token, and cross-site", func(t *testing.T) {
		e := newAttackEnv(t)
		good := url.Values{"username": {"admin"}, "password": {testPassword}}
		victim := e.anon()
		victim.csrf("/login") // the victim's own pre-session cookie
		attacker := e.anon()
		attackerTok := attacker.csrf("/login")
		for name, res := range map[string]*response{
			"no token":         victim.post("/login", good),
			"attacker's token": victim.post("/login", url.Values{"csrf": {attackerTok}, "username": {"admin"}, "password": {testPassword}}),
			"token, no cookie": e.anon().post("/login", url.Values{"csrf": {attackerTok}, "username": {"admin"}, "password": {testPassword}}),
			"cross-site": victim.postWith("/login", url.Values{"csrf": {victim.cookie(preSessionCookie)}, "username": {"admin"}, "password": {testPassword}},
				"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"),
		} {
			mustStatus(t, res, http.StatusForbidden, name)
			if setCookieOf(res, sessionCookie) != nil {
				t.Errorf("%s: a session cookie was set", name)
			}
		}
		if res := victim.get("/cases"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("victim signed in as the attacker: %d", res.StatusCode)
		}
	})

	t.Run("CSRF/logout without a token leaves the session alone", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		mustStatus(t, w.post("/logout", url.Values{}), http.StatusForbidden, "logout")
		mustStatus(t, w.postWith("/logout", url.Values{"csrf": {w.csrf("/cases")}}, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "cross-site logout")
		mustStatus(t, w.get("/cases"), http.StatusOK, "session after forged logout")
	})

	t.Run("CSRF/user creation and uploads without a token", func(t *testing.T) {
		e := newAttackEnv(t)
		a := e.as("admin")
		mustStatus(t, a.post("/admin/users", url.Values{"username": {"csrfuser"}, "role": {"admin"}, "org": {"CMM"}, "password": {testPassword}}), http.StatusForbidden, "user")
		if _, err := e.db.FindUserByUsername(system, "csrfuser"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Error("user created")
		}
		mustStatus(t, a.upload("/plans/import", "", "plan.yaml", planYAML("CSRF-PLAN", "x"), nil), http.StatusForbidden, "plan import")
		mustStatus(t, a.upload("/network/import", "forged-forged-forged-forged-forged-1", "n.yaml", networkYAML("x"), nil), http.StatusForbidden, "network import")
		mustStatus(t, a.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"attacker-chosen-pass"}, "repeat_password": {"attacker-chosen-pass"}}), http.StatusForbidden, "password")
		if ps := must(e.db.FindPlans(system))(t); len(ps) != 0 {
			t.Error("plan stored")
		}
		mustStatus(t, a.get("/cases"), http.StatusOK, "password unchanged, session alive")
	})
}

// ---------------------------------------------------------------------
// Stored and reflected XSS

func attackXSS(t *testing.T) {
	t.Run("XSS/case identifiers: name, aliases, address, notes, phone, documents", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		for i, p := range xssPayloads {
			res := w.post("/cases", url.Values{"csrf": {w.csrf("/cases/new")}, "case_ref": {fmt.Sprintf("XSS-%d", i)}, "gender": {"female"},
				"residence_status": {"legal"}, "name": {p}, "aliases": {p + "\nplain"}, "address": {p}, "notes": {p}, "phone": {p}, "document_numbers": {p}})
			mustStatus(t, res, http.StatusSeeOther, "register")
			page := w.get(res.Header.Get("Location"))
			mustStatus(t, page, http.StatusOK, "case page")
			inert(t, "case page "+p, page, true, p)
			inert(t, "case list", w.get("/cases"), false)
			js := w.api("GET", "/api/v1"+strings.SplitN(res.Header.Get("Location"), "?", 2)[0], "")
			if ct := js.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || js.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("API answer could be sniffed as HTML: %q", ct)
			}
		}
	})

	caseField := func(name, form, field string, extra url.Values, as string) {
		t.Run("XSS/"+name, func(t *testing.T) {
			e := newAttackEnv(t)
			u := e.as(as)
			p := fmt.Sprintf("/cases/%d", e.cmm.ID)
			for i, payload := range xssPayloads {
				v := url.Values{"csrf": {u.csrf(p)}, "version": {fmt.Sprint(e.cmm.Version + i)}, field: {payload}}
				for k, vs := range extra {
					v[k] = vs
				}
				mustStatus(t, u.post(p+"/"+form, v), http.StatusSeeOther, "post")
				inert(t, name, u.get(p), true, payload)
			}
		})
	}
	caseField("contact place", "contacts", "place", url.Values{"contact_date": {"2011-03-01"}, "contact_form": {"outreach"}}, "worker")
	caseField("accommodation provider", "accommodations", "provider", url.Values{"kind": {"private"}, "start_date": {"2011-03-01"}}, "worker")
	caseField("assessment override reason", "assessments", "override_reason",
		url.Values{"assessment_stage": {"final"}, "assessment_date": {"2011-03-01"}, "assessment_authority": {"US"}, "assessment_outcome": {"not_identified"}}, "admin")

	t.Run("XSS/plan names and texts via plan import", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		for i, p := range xssPayloads {
			code := fmt.Sprintf("XSS-PLAN-%d", i)
			res := co.upload("/plans/import", co.csrf("/plans"), "plan.yaml", planYAML(code, p), nil)
			mustStatus(t, res, http.StatusSeeOther, "import")
			inert(t, "plan list", co.get("/plans"), true, "Plan "+p)
			inert(t, "plan page", co.get("/plans/"+code), true, p)
			inert(t, "plan page (en)", co.get("/plans/"+code+"?lang=en"), true, p)
			inert(t, "plan dashboard", co.get("/plans/"+code+"/dashboard"), true, p)
		}
	})

	t.Run("XSS/plan status text", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		mustStatus(t, co.upload("/plans/import", co.csrf("/plans"), "plan.yaml", planYAML("ST-PLAN", "Plain"), nil), http.StatusSeeOther, "import")
		for i, p := range xssPayloads {
			res := co.post("/plans/ST-PLAN/activities/1.1.2/status", url.Values{"csrf": {co.csrf("/plans")}, "period": {fmt.Sprint(2011 + i)},
				"state": {"in_progress"}, "text_da": {p}, "text_en": {p}})
			mustStatus(t, res, http.StatusSeeOther, "status")
			inert(t, "plan page", co.get("/plans/ST-PLAN"), true, p)
			// A refused status (bad period) re-renders the input.
			res = co.post("/plans/ST-PLAN/activities/1.1.2/status", url.Values{"csrf": {co.csrf("/plans")}, "period": {p}, "state": {"done"}, "text_da": {p}})
			mustStatus(t, res, http.StatusUnprocessableEntity, "bad period")
			inert(t, "refused status", res, true, p)
		}
	})

	t.Run("XSS/meeting topics", func(t *testing.T) {
		e := newAttackEnv(t)
		if err := e.db.SaveGroup(system, &nrm.ReferenceGroup{Code: "REF-NAT", NameDA: "National", Members: []nrm.GroupMember{{OrgCode: "CMM", State: true}}}); err != nil {
			t.Fatal(err)
		}
		co := e.as("coord")
		for i, p := range xssPayloads {
			res := co.post("/network/meetings", url.Values{"csrf": {co.csrf("/network")}, "group_code": {"REF-NAT"}, "date": {fmt.Sprintf("2011-11-%02d", 10+i)},
				"topics_da": {p + "\nplain"}, "topics_en": {p + "\nplain"}})
			mustStatus(t, res, http.StatusSeeOther, "meeting")
			inert(t, "network page", co.get("/network"), true, p)
			inert(t, "network page (en)", co.get("/network?lang=en"), true, p)
		}
	})

	t.Run("XSS/user display name", func(t *testing.T) {
		e := newAttackEnv(t)
		a := e.as("admin")
		for i, p := range xssPayloads {
			name := fmt.Sprintf("xss%d", i)
			res := a.post("/admin/users", url.Values{"csrf": {a.csrf("/admin/users")}, "username": {name}, "display_name": {p},
				"role": {"caseworker"}, "org": {"REDEN"}, "password": {testPassword}})
			mustStatus(t, res, http.StatusSeeOther, "create")
			inert(t, "user list", a.get("/admin/users"), true, p)
			inert(t, "own header", e.as(name).get("/cases"), true, p)
			// A refused creation re-renders it.
			res = a.post("/admin/users", url.Values{"csrf": {a.csrf("/admin/users")}, "username": {name}, "display_name": {p},
				"role": {"caseworker"}, "org": {"REDEN"}, "password": {testPassword}})
			mustStatus(t, res, http.StatusConflict, "duplicate")
			inert(t, "refused user form", res, true, p)
		}
	})

	t.Run("XSS/organisation names", func(t *testing.T) {
		e := newAttackEnv(t)
		for i, p := range xssPayloads {
			if err := e.db.UpsertOrganisation(system, &nrm.Organisation{Code: fmt.Sprintf("EVIL%d", i), NameDA: p, NameEN: p, Kind: "ngo"}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.newCase("ORG-XSS", nrm.ResidenceLegal)
		c.Contacts = append(c.Contacts, nrm.Contact{Date: nrm.MustDate("2011-02-02"), Form: nrm.ContactOutreach, Org: "EVIL0"},
			nrm.Contact{Date: nrm.MustDate("2011-02-03"), Form: nrm.ContactOutreach, Org: "EVIL1"}, nrm.Contact{Date: nrm.MustDate("2011-02-04"), Form: nrm.ContactOutreach, Org: "EVIL2"})
		if err := e.db.UpdateCase(system, c); err != nil {
			t.Fatal(err)
		}
		if err := e.db.SaveGroup(system, &nrm.ReferenceGroup{Code: "REF-NAT", NameDA: "National", Members: []nrm.GroupMember{{OrgCode: "EVIL0"}, {OrgCode: "EVIL1"}, {OrgCode: "EVIL2", State: true}}}); err != nil {
			t.Fatal(err)
		}
		a := e.as("admin")
		page := a.get(fmt.Sprintf("/cases/%d", c.ID))
		inert(t, "case page", page, true, xssPayloads...)
		inert(t, "new case form", a.get("/cases/new"), true, xssPayloads...)
		inert(t, "user admin", a.get("/admin/users"), true, xssPayloads...)
		inert(t, "network", a.get("/network?lang=en"), true, xssPayloads...)
		co := e.as("coord")
		mustStatus(t, co.upload("/plans/import", co.csrf("/plans"), "plan.yaml", strings.Replace(planYAML("ORG-PLAN", "x"), "[CMM, REDEN]", "[EVIL0, EVIL1, EVIL2]", 1), nil), http.StatusSeeOther, "import")
		inert(t, "plan (en)", co.get("/plans/ORG-PLAN?lang=en"), true, xssPayloads...)
		inert(t, "plan dashboard", co.get("/plans/ORG-PLAN/dashboard"), true, xssPayloads...)
	})

	t.Run("XSS/network import", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		for _, p := range xssPayloads {
			res := co.upload("/network/import", co.csrf("/network"), "network.yaml", networkYAML(p), nil)
			mustStatus(t, res, http.StatusSeeOther, "import")
			inert(t, "network", co.get("/network"), true, p)
			inert(t, "network (en)", co.get("/network?lang=en"), true, p)
		}
	})

	t.Run("XSS/reflected query and path parameters", func(t *testing.T) {
		e := newAttackEnv(t)
		w, au, a := e.as("worker"), e.as("auditor"), e.as("admin")
		for _, p := range xssPayloads {
			q := url.QueryEscape(p)
			inert(t, "case search", w.get("/cases?q="+q+"&nationality="+q+"&gender="+q+"&year="+q), true, p)
			inert(t, "audit filter", au.get("/audit?user="+q+"&entity="+q+"&id="+q), true, p)
			res := a.get("/stats?year=" + q)
			mustStatus(t, res, http.StatusUnprocessableEntity, "stats year")
			inert(t, "stats year", res, false)
			res = a.get("/stats?year=2011&cutoff=" + q)
			inert(t, "stats cut-off", res, false)
			res = w.get("/plans/" + url.PathEscape(p))
			mustStatus(t, res, http.StatusNotFound, "plan code")
			inert(t, "plan code", res, false)
			inert(t, "language switch", w.get("/cases/new?"+q+"="+q), false)
			inert(t, "404 page", w.get("/nope/"+url.PathEscape(p)), false)
			inert(t, "login page", e.anon().get("/login?lang="+q+"&"+q+"=1"), false)
			lc := e.anon()
			res = failedLogin(lc, lc.csrf("/login"), p, "x")
			mustStatus(t, res, http.StatusUnauthorized, "login")
			inert(t, "refused login", res, true, p)
		}
	})

	t.Run("XSS/a refused registration re-renders the input escaped", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		for _, p := range xssPayloads {
			res := w.post("/cases", url.Values{"csrf": {w.csrf("/cases/new")}, "gender": {p}, "residence_status": {"legal"}, "name": {p}, "notes": {p}, "birth_date": {p}})
			mustStatus(t, res, http.StatusUnprocessableEntity, "refused registration")
			inert(t, "refused registration", res, true, p)
		}
	})

	t.Run("XSS/country names in the dashboard charts and the HTML report", func(t *testing.T) {
		e := newAttackEnv(t)
		for i, p := range xssPayloads {
			code := []string{"BV", "HM", "AQ"}[i]
			if err := e.db.UpsertCountries(system, []*nrm.Country{{Code: code, NameDA: p, NameEN: p, Region: nrm.RegionEurope}}); err != nil {
				t.Fatal(err)
			}
			c := &nrm.Case{Ref: "CTRY-" + code, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: code, ResidenceStatus: nrm.ResidenceLegal,
				Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}},
				Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityCMM, Outcome: nrm.OutcomeIdentified, Exploitation: []nrm.ExploitationForm{"sexual"}}}}
			if err := e.db.CreateCase(system, c); err != nil {
				t.Fatal(err)
			}
		}
		a := e.as("admin")
		page := a.get("/stats?year=2011")
		mustStatus(t, page, http.StatusOK, "dashboard")
		inert(t, "dashboard", page, false)
		if !strings.Contains(page.Body, htmlTextEscape(xssPayloads[0])) && !strings.Contains(page.Body, "&lt;script&gt;") {
			t.Error("country name not shown on the dashboard")
		}
		fig := a.get("/stats/figures/nationality?year=2011")
		mustStatus(t, fig, http.StatusOK, "standalone figure")
		if !strings.HasPrefix(fig.Header.Get("Content-Type"), "image/svg+xml") || !strings.HasPrefix(fig.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("figure headers: %v", fig.Header)
		}
		if strings.Contains(fig.Body, "<script>alert(1)</script>") || strings.Contains(fig.Body, "<img src=x") || eventHandlerAttr.MatchString(quotedValue.ReplaceAllString(fig.Body, `=""`)) {
			t.Error("standalone figure carries the payload as markup")
		}
		if !strings.Contains(fig.Body, "&lt;script&gt;") {
			t.Error("country name not in the figure")
		}
		rep := a.get("/stats/report/html?year=2011")
		mustStatus(t, rep, http.StatusOK, "HTML report")
		if !strings.HasPrefix(rep.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("HTML report is not a download: %q", rep.Header.Get("Content-Disposition"))
		}
		if strings.Contains(rep.Body, "<script>alert(1)</script>") || strings.Contains(rep.Body, "<img src=x") || eventHandlerAttr.MatchString(rep.Body) {
			t.Error("HTML report carries the payload as markup")
		}
		if rep.Header.Get("Content-Security-Policy") == "" {
			t.Error("HTML report served without CSP")
		}
	})
}

// ---------------------------------------------------------------------
// SQL injection in filters and searches

var sqlPayloads = []string{`%`, `_`, `' OR 1=1 --`, `\`, `%' OR '1'='1`, `"; DROP TABLE cases; --`, `') UNION SELECT ref FROM cases --`, `*`, "\x00", `CMM%`, `R_D%`}

func attackSQLInjection(t *testing.T) {
	t.Run("SQLi/case list search with wildcards, quotes and backslashes", func(t *testing.T) {
		e := newAttackEnv(t)
		r := e.as("reden")
		if res := r.get("/cases?q=RED"); !strings.Contains(res.Body, redenRef) {
			t.Fatal("the search does not find the organisation's own case by prefix")
		}
		for _, p := range sqlPayloads {
			res := r.get("/cases?q=" + url.QueryEscape(p))
			mustStatus(t, res, http.StatusOK, p)
			noLeak(t, p, res.Body, secretRef)
			// LIKE wildcards are literal: "%" or "R_D%" match nothing.
			noLeak(t, p, res.Body, redenRef)
		}
	})

	t.Run("SQLi/case list filters: nationality, gender, outcome, authority, year, status, page", func(t *testing.T) {
		e := newAttackEnv(t)
		r := e.as("reden")
		for _, p := range sqlPayloads {
			for _, k := range []string{"nationality", "gender", "outcome", "authority", "year", "status", "page"} {
				res := r.get("/cases?" + k + "=" + url.QueryEscape(p))
				mustStatus(t, res, http.StatusOK, k+"="+p)
				noLeak(t, k+"="+p, res.Body, secretRef)
			}
		}
		for _, pg := range []string{"9223372036854775807", "-9223372036854775808", "4611686018427387904"} {
			mustStatus(t, r.get("/cases?page="+pg), http.StatusOK, "page "+pg)
		}
	})

	t.Run("SQLi/API case list search and filters", func(t *testing.T) {
		e := newAttackEnv(t)
		tok := e.token("reden")
		for _, p := range sqlPayloads {
			for _, k := range []string{"search", "ref", "owner_org", "nationality", "gender", "outcome", "authority", "open", "identified_year", "limit", "offset"} {
				res := e.bearer(tok, "GET", "/api/v1/cases?"+k+"="+url.QueryEscape(p), "")
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
					t.Errorf("%s=%q: status %d", k, p, res.StatusCode)
				}
				noLeak(t, k+"="+p, res.Body, secretRef)
				var l caseListResponse
				if res.StatusCode == http.StatusOK {
					if err := json.Unmarshal([]byte(res.Body), &l); err != nil || l.Total > 1 {
						t.Errorf("%s=%q: %d cases (REDEN has 1)", k, p, l.Total)
					}
				}
			}
		}
		for _, q := range []string{"offset=9223372036854775807", "limit=500&offset=1000000000", "limit=-1", "limit=501", "offset=-5", "limit=1e9"} {
			res := e.bearer(tok, "GET", "/api/v1/cases?"+q, "")
			if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d", q, res.StatusCode)
			}
		}
	})

	t.Run("SQLi/audit log filters", func(t *testing.T) {
		e := newAttackEnv(t)
		e.as("admin").get(fmt.Sprintf("/cases/%d", e.cmm.ID))
		au := e.as("auditor")
		for _, p := range sqlPayloads {
			for _, k := range []string{"user", "entity", "id", "after"} {
				res := au.get("/audit?" + k + "=" + url.QueryEscape(p))
				mustStatus(t, res, http.StatusOK, k+"="+p)
				if k != "after" && strings.Contains(res.Body, "case.read") {
					t.Errorf("%s=%q lists entries", k, p)
				}
			}
		}
	})

	t.Run("SQLi/statistics year and cut-off", func(t *testing.T) {
		e := newAttackEnv(t)
		a := e.as("admin")
		tok := e.token("admin")
		for _, p := range append(sqlPayloads, "2011' OR '1'='1", "2011;--", "99999999999999999999", "2011.5") {
			q := url.QueryEscape(p)
			mustStatus(t, a.get("/stats?year="+q), http.StatusUnprocessableEntity, "page year "+p)
			mustStatus(t, a.get("/stats?year=2011&cutoff="+q), http.StatusUnprocessableEntity, "page cut-off "+p)
			mustStatus(t, a.get("/stats/report/json?year="+q), http.StatusUnprocessableEntity, "download year "+p)
			mustStatus(t, e.bearer(tok, "GET", "/api/v1/stats?year="+q, ""), http.StatusBadRequest, "API year "+p)
			mustStatus(t, e.bearer(tok, "GET", "/api/v1/stats?year=2011&cutoff="+q, ""), http.StatusBadRequest, "API cut-off "+p)
		}
		for _, y := range []string{"-1", "0", "1", "9999", "2147483648"} {
			for _, res := range []*response{a.get("/stats?year=" + y), e.bearer(tok, "GET", "/api/v1/stats?year="+y, ""), a.get("/stats/figures/fig1?year=" + y)} {
				if res.StatusCode >= 500 {
					t.Errorf("year %s: %s status %d", y, res.Request.URL.Path, res.StatusCode)
				}
			}
		}
	})

	t.Run("SQLi/plan code, activity and sign-in name", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		for _, p := range sqlPayloads {
			path := "/plans/" + url.PathEscape(p)
			mustStatus(t, co.get(path), http.StatusNotFound, path)
			mustStatus(t, co.get(path+"/export.csv"), http.StatusNotFound, path+"/export.csv")
			mustStatus(t, co.post(path+"/activities/"+url.PathEscape(p)+"/status", url.Values{"csrf": {co.csrf("/plans")}, "period": {"2011"}, "state": {"done"}}),
				http.StatusNotFound, "status "+p)
		}
		c := e.anon()
		tok := c.csrf("/login")
		for _, u := range []string{"admin' --", "admin' OR '1'='1", `" OR ""="`} {
			mustStatus(t, c.post("/login", url.Values{"csrf": {tok}, "username": {u}, "password": {"x' OR '1'='1"}}), http.StatusUnauthorized, u)
		}
	})
}

// ---------------------------------------------------------------------
// Spreadsheet formula injection

const (
	formulaProvider = `=HYPERLINK("http://x")`
	formulaName     = `+cmd|' /C calc'!A0`
)

// protectedCells fails for any cell a spreadsheet would run as a formula,
// and reports whether want appears, protected.
func protectedCells(t *testing.T, what string, rows [][]string, want ...string) {
	t.Helper()
	found := map[string]bool{}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s: unprotected formula cell %q", what, cell)
			}
			for _, w := range want {
				if cell == "'"+w {
					found[w] = true
				}
			}
		}
	}
	for _, w := range want {
		if !found[w] {
			t.Errorf("%s: %q not exported with its protecting apostrophe", what, w)
		}
	}
}

func attackFormulaInjection(t *testing.T) {
	plant := func(e *attackEnv) {
		e.t.Helper()
		c := &nrm.Case{Ref: "FORMULA-1", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceLegal,
			Identifiers:    nrm.Identifiers{Name: formulaName, Notes: formulaProvider},
			Contacts:       []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice, Place: "@SUM(1+1)"}},
			Accommodations: []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: formulaProvider, Start: nrm.MustDate("2011-02-02")}, {Kind: nrm.AccommodationCrisisShelter, Provider: "-2+3", Start: nrm.MustDate("2011-02-03")}}}
		if err := e.db.CreateCase(system, c); err != nil {
			e.t.Fatal(err)
		}
	}

	t.Run("Formula/bundle export as a zip of CSV files", func(t *testing.T) {
		e := newAttackEnv(t)
		plant(e)
		var buf bytes.Buffer
		sink := bundle.ZipSink(&buf)
		if _, err := bundle.Export(system, e.db, nil, sink); err != nil {
			t.Fatal(err)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var all [][]string
		for _, f := range zr.File {
			rc := must(f.Open())(t)
			rows, err := csv.NewReader(rc).ReadAll()
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			all = append(all, rows...)
		}
		protectedCells(t, "bundle CSV", all, formulaProvider, "-2+3")
		noLeak(t, "bundle CSV", fmt.Sprint(all), "cmd|")
	})

	t.Run("Formula/bundle export as XLSX", func(t *testing.T) {
		e := newAttackEnv(t)
		plant(e)
		var buf bytes.Buffer
		sink := xlsxbundle.NewSink(&buf)
		if _, err := bundle.Export(system, e.db, nil, sink); err != nil {
			t.Fatal(err)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var all [][]string
		for _, sh := range f.GetSheetList() {
			rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, rows...)
			for r := range rows {
				for c := range rows[r] {
					cell := must(excelize.CoordinatesToCellName(c+1, r+1))(t)
					if fm := must(f.GetCellFormula(sh, cell))(t); fm != "" {
						t.Errorf("%s!%s is a formula: %q", sh, cell, fm)
					}
				}
			}
		}
		protectedCells(t, "bundle XLSX", all, formulaProvider, "-2+3")
	})

	t.Run("Formula/statistics XLSX report with a planted country name", func(t *testing.T) {
		e := newAttackEnv(t)
		if err := e.db.UpsertCountries(system, []*nrm.Country{{Code: "GS", NameDA: formulaProvider, NameEN: formulaName, Region: nrm.RegionEurope}}); err != nil {
			t.Fatal(err)
		}
		c := &nrm.Case{Ref: "CTRY-GS", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "GS", ResidenceStatus: nrm.ResidenceLegal,
			Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityCMM, Outcome: nrm.OutcomeIdentified, Exploitation: []nrm.ExploitationForm{"sexual"}}}}
		if err := e.db.CreateCase(system, c); err != nil {
			t.Fatal(err)
		}
		a := e.as("admin")
		for _, lang := range []string{"da", "en"} {
			res := a.get("/stats/report/xlsx?year=2011&lang=" + lang)
			mustStatus(t, res, http.StatusOK, "xlsx")
			f, err := excelize.OpenReader(strings.NewReader(res.Body))
			if err != nil {
				t.Fatal(err)
			}
			seen := false
			for _, sh := range f.GetSheetList() {
				rows := must(f.GetRows(sh))(t)
				for r := range rows {
					for col, v := range rows[r] {
						cell := must(excelize.CoordinatesToCellName(col+1, r+1))(t)
						if fm := must(f.GetCellFormula(sh, cell))(t); strings.Contains(fm, "HYPERLINK") || strings.Contains(fm, "cmd") {
							t.Errorf("%s!%s: planted text became a formula: %q", sh, cell, fm)
						}
						if strings.Contains(v, "HYPERLINK") || strings.Contains(v, "cmd|") {
							seen = true
						}
					}
				}
			}
			f.Close()
			if !seen {
				t.Errorf("%s: planted country name not in the workbook", lang)
			}
		}
	})

	t.Run("Formula/plan CSV export", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		y := planYAML("FORMULA-PLAN", formulaProvider)
		y = strings.Replace(y, "'Plan "+formulaProvider+"'", "'Formula plan'", 2)
		mustStatus(t, co.upload("/plans/import", co.csrf("/plans"), "plan.yaml", y, nil), http.StatusSeeOther, "import")
		res := co.post("/plans/FORMULA-PLAN/activities/1.1.2/status", url.Values{"csrf": {co.csrf("/plans")}, "period": {"2013"}, "state": {"done"},
			"text_da": {formulaName}, "text_en": {"@SUM(1+1)"}})
		mustStatus(t, res, http.StatusSeeOther, "status")
		exp := co.get("/plans/FORMULA-PLAN/export.csv")
		mustStatus(t, exp, http.StatusOK, "export")
		if !strings.HasPrefix(exp.Header.Get("Content-Disposition"), "attachment") || exp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("CSV export headers: %v", exp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(exp.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		protectedCells(t, "plan CSV", rows, formulaProvider, formulaName, "@SUM(1+1)")
		// Importing the export gives the texts back without the
		// apostrophes.
		res = co.upload("/plans/import", co.csrf("/plans"), "plan.csv", exp.Body, url.Values{"plan": {"FORMULA-PLAN"}})
		mustStatus(t, res, http.StatusSeeOther, "re-import")
		pl, err := e.db.FindPlan(system, "FORMULA-PLAN")
		if err != nil {
			t.Fatal(err)
		}
		act := pl.Areas[0].Goals[0].Activities
		if act[0].TextDA != formulaProvider || act[1].Statuses[len(act[1].Statuses)-1].TextDA != formulaName {
			t.Errorf("round trip changed the texts: %q %+v", act[0].TextDA, act[1].Statuses)
		}
	})
}

// ---------------------------------------------------------------------
// Brute force

// failedLogin posts a sign-in and returns the answer.
func failedLogin(c *client, tok, username, password string, hdr ...string) *response {
	c.t.Helper()
	return c.postWith("/login", url.Values{"csrf": {tok}, "username": {username}, "password": {password}}, hdr...)
}

// enrolTOTP turns TOTP on for username through storage and returns the
// secret; the confirming code is from the previous step, so that the
// current one is still unused.
func enrolTOTP(e *attackEnv, username string) string {
	e.t.Helper()
	u, err := e.db.FindUserByUsername(system, username)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx := nrm.NewContextWithActor(context.Background(), u.Actor("test"))
	otp, err := e.db.EnrollTOTP(ctx, username)
	if err != nil {
		e.t.Fatal(err)
	}
	parsed := must(url.Parse(otp))(e.t)
	secret := parsed.Query().Get("secret")
	code := must(auth.TOTPCode(secret, e.db.Now().Add(-30*time.Second)))(e.t)
	if err := e.db.ConfirmTOTP(ctx, username, code); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// wrongCodes returns n six-digit codes valid at no step near now.
func wrongCodes(secret string, now time.Time, n int) []string {
	valid := map[string]bool{}
	for d := -2; d <= 2; d++ {
		c, err := auth.TOTPCode(secret, now.Add(time.Duration(d)*30*time.Second))
		if err != nil {
			panic(err) // a code left out would count as wrong
		}
		valid[c] = true
	}
	var out []string
	for i := 0; len(out) < n; i++ {
		c := fmt.Sprintf("%06d", (i*104729+7)%1000000)
		if !valid[c] {
			out = append(out, c)
		}
	}
	return out
}

func attackBruteForce(t *testing.T) {
	t.Run("BruteForce/six wrong passwords lock the account; the right one then fails alike", func(t *testing.T) {
		e := newAttackEnv(t)
		c := e.anon()
		tok := c.csrf("/login")
		var wrong *response
		for i := range 6 {
			wrong = failedLogin(c, tok, "worker", fmt.Sprintf("wrong-password-%d", i))
			mustStatus(t, wrong, http.StatusUnauthorized, "wrong password")
		}
		right := failedLogin(c, tok, "worker", testPassword)
		mustStatus(t, right, http.StatusUnauthorized, "right password on a locked account")
		samePage(t, "locked vs wrong", right, wrong, "", "")
		if setCookieOf(right, sessionCookie) != nil {
			t.Error("a locked account got a session cookie")
		}
		if u := must(e.db.FindUserByUsername(system, "worker"))(t); u.LockedUntil == nil {
			t.Error("account not locked")
		}
		// The lock-out ends after its time.
		e.skew.Store(int64(auth.LockoutDuration + time.Minute))
		mustStatus(t, failedLogin(c, tok, "worker", testPassword), http.StatusSeeOther, "after the lock-out")
	})

	t.Run("BruteForce/per-address throttling across usernames, spoofed forwarding headers ignored", func(t *testing.T) {
		e := newAttackEnv(t)
		c := e.anon()
		tok := c.csrf("/login")
		for i := range auth.RemoteMaxFailures {
			user := []string{"worker", "reden", "analyst", "nobody", fmt.Sprintf("ghost%d", i)}[i%5]
			mustStatus(t, failedLogin(c, tok, user, fmt.Sprintf("guess-%d-guess", i)), http.StatusUnauthorized, "spray")
		}
		wrong := failedLogin(c, tok, "coord", "some-wrong-password")
		for _, hdr := range [][]string{nil, {"X-Forwarded-For", "203.0.113.9"}, {"X-Real-IP", "203.0.113.10"}, {"Forwarded", "for=203.0.113.11"}} {
			res := failedLogin(c, tok, "coord", testPassword, hdr...)
			mustStatus(t, res, http.StatusUnauthorized, fmt.Sprintf("right password from a throttled address %v", hdr))
			samePage(t, "throttled vs wrong", res, wrong, "", "")
		}
		if u := must(e.db.FindUserByUsername(system, "coord"))(t); u.LockedUntil != nil {
			t.Error("the throttle locked an account that was never guessed at")
		}
		e.skew.Store(int64(auth.RemoteWindow + time.Minute))
		mustStatus(t, failedLogin(c, tok, "coord", testPassword), http.StatusSeeOther, "after the window")
	})

	t.Run("BruteForce/unknown user, wrong password, disabled and locked accounts look alike", func(t *testing.T) {
		e := newAttackEnv(t)
		a := e.as("admin")
		mustStatus(t, a.post("/admin/users/analyst/disabled", url.Values{"csrf": {a.csrf("/admin/users")}, "disabled": {"1"}}), http.StatusSeeOther, "disable")
		c := e.anon()
		tok := c.csrf("/login")
		for range auth.MaxFailures {
			failedLogin(c, tok, "auditor", "not-the-password")
		}
		norm := func(res *response, user string) *response {
			r := *res
			r.Body = strings.ReplaceAll(res.Body, `value="`+user+`"`, `value="USER"`)
			return &r
		}
		ref := norm(failedLogin(c, tok, "worker", "not-the-password"), "worker")
		for name, res := range map[string]*response{
			"unknown user":     norm(failedLogin(c, tok, "nosuchuser", "not-the-password"), "nosuchuser"),
			"disabled account": norm(failedLogin(c, tok, "analyst", testPassword), "analyst"),
			"locked account":   norm(failedLogin(c, tok, "auditor", testPassword), "auditor"),
		} {
			samePage(t, name+" vs wrong password", res, ref, "", "")
			if len(res.Header["Set-Cookie"]) != len(ref.Header["Set-Cookie"]) {
				t.Errorf("%s sets other cookies", name)
			}
		}
	})

	t.Run("BruteForce/TOTP code guessing is limited", func(t *testing.T) {
		e := newAttackEnv(t)
		secret := enrolTOTP(e, "worker")
		c := e.anon()
		tok := c.csrf("/login")
		res := failedLogin(c, tok, "worker", testPassword)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/totp" {
			t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		for _, code := range wrongCodes(secret, time.Now(), auth.MaxFailures) {
			mustStatus(t, c.post("/login/totp", url.Values{"csrf": {tok}, "code": {code}}), http.StatusUnauthorized, "guess")
		}
		good := must(auth.TOTPCode(secret, time.Now()))(t)
		res = c.post("/login/totp", url.Values{"csrf": {tok}, "code": {good}})
		mustStatus(t, res, http.StatusUnauthorized, "right code after the guesses")
		if res := c.get("/cases"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("signed in after guessing: %d", res.StatusCode)
		}
		// The account is locked: a fresh password step fails too.
		c2 := e.anon()
		mustStatus(t, failedLogin(c2, c2.csrf("/login"), "worker", testPassword), http.StatusUnauthorized, "password after TOTP guessing")
	})

	t.Run("BruteForce/a used TOTP code is refused the second time", func(t *testing.T) {
		e := newAttackEnv(t)
		secret := enrolTOTP(e, "worker")
		code := must(auth.TOTPCode(secret, time.Now()))(t)
		c := e.anon()
		tok := c.csrf("/login")
		failedLogin(c, tok, "worker", testPassword)
		mustStatus(t, c.post("/login/totp", url.Values{"csrf": {tok}, "code": {code}}), http.StatusSeeOther, "first use")
		// An attacker who saw the code (shoulder, phishing proxy) replays it.
		m := e.anon()
		mtok := m.csrf("/login")
		mustStatus(t, failedLogin(m, mtok, "worker", testPassword), http.StatusSeeOther, "password step")
		mustStatus(t, m.post("/login/totp", url.Values{"csrf": {mtok}, "code": {code}}), http.StatusUnauthorized, "replayed code")
		if res := m.get("/cases"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("replayed code signed in: %d", res.StatusCode)
		}
	})

	t.Run("BruteForce/the password change form is no unlimited password oracle", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		for i := range auth.MaxFailures {
			res := w.post("/account/password", url.Values{"csrf": {w.csrf("/account")}, "current_password": {fmt.Sprintf("guess-%d-guess", i)},
				"new_password": {"attacker-chosen-pass"}, "repeat_password": {"attacker-chosen-pass"}})
			mustStatus(t, res, http.StatusUnprocessableEntity, "guess")
		}
		c := e.anon()
		mustStatus(t, failedLogin(c, c.csrf("/login"), "worker", testPassword), http.StatusUnauthorized, "login after guessing in the form")
		res := w.post("/account/password", url.Values{"csrf": {w.csrf("/account")}, "current_password": {testPassword},
			"new_password": {"attacker-chosen-pass"}, "repeat_password": {"attacker-chosen-pass"}})
		mustStatus(t, res, http.StatusUnprocessableEntity, "right current password on a locked account")
	})

	t.Run("BruteForce/username case and spacing variants share one counter", func(t *testing.T) {
		e := newAttackEnv(t)
		c := e.anon()
		tok := c.csrf("/login")
		for _, u := range []string{"worker", "WORKER", " Worker ", "wOrKeR", "worker\t", "WoRkEr"} {
			failedLogin(c, tok, u, "not-the-password")
		}
		mustStatus(t, failedLogin(c, tok, "worker", testPassword), http.StatusUnauthorized, "right password after variants")
	})
}

// ---------------------------------------------------------------------
// Sessions and tokens

func attackSession(t *testing.T) {
	t.Run("Session/fixation: a planted session cookie is replaced and never accepted", func(t *testing.T) {
		e := newAttackEnv(t)
		const planted = "attacker-chosen-session-token-0123456789abcdef"
		c := e.anon()
		c.setCookie(sessionCookie, planted)
		tok := c.csrf("/login")
		res := failedLogin(c, tok, "worker", testPassword)
		mustStatus(t, res, http.StatusSeeOther, "login")
		issued := setCookieOf(res, sessionCookie)
		if issued == nil || issued.Value == planted || len(issued.Value) < 32 {
			t.Fatalf("login did not issue a fresh token: %+v", issued)
		}
		// The attacker's browser, holding the planted value, is not
		// signed in.
		m := e.anon()
		m.setCookie(sessionCookie, planted)
		if res := m.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("planted cookie accepted: %d", res.StatusCode)
		}
		mustStatus(t, m.api("GET", "/api/v1/cases", ""), http.StatusUnauthorized, "planted cookie on the API")
		// Two sign-ins never share a token.
		if e.as("worker").cookie(sessionCookie) == issued.Value {
			t.Error("token reused across sign-ins")
		}
	})

	t.Run("Session/fixation at the TOTP step: the pending token does not become the session", func(t *testing.T) {
		e := newAttackEnv(t)
		secret := enrolTOTP(e, "worker")
		victim := e.anon()
		res := failedLogin(victim, victim.csrf("/login"), "worker", testPassword)
		mustStatus(t, res, http.StatusSeeOther, "password step")
		pending := victim.cookie(sessionCookie)
		// The attacker holds the pending token (planted before, or read
		// off the password step) and waits for the victim's code.
		m := e.anon()
		m.setCookie(sessionCookie, pending)
		code := must(auth.TOTPCode(secret, time.Now()))(t)
		res = victim.post("/login/totp", url.Values{"csrf": {victim.cookie(preSessionCookie)}, "code": {code}})
		mustStatus(t, res, http.StatusSeeOther, "code step")
		fresh := setCookieOf(res, sessionCookie)
		if fresh == nil || fresh.Value == pending || len(fresh.Value) < 32 {
			t.Fatalf("the second step kept the pending token: %+v", fresh)
		}
		mustStatus(t, victim.get("/cases"), http.StatusOK, "victim signed in")
		if res := m.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("the pending token opened the session: %d", res.StatusCode)
		}
		mustStatus(t, m.api("GET", "/api/v1/cases", ""), http.StatusUnauthorized, "pending token on the API")
	})

	t.Run("Session/logout invalidates the token on the server", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		stolen := w.cookie(sessionCookie)
		mustStatus(t, w.post("/logout", url.Values{"csrf": {w.csrf("/cases")}}), http.StatusSeeOther, "logout")
		m := e.anon()
		m.setCookie(sessionCookie, stolen)
		if res := m.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("replayed cookie after logout: %d", res.StatusCode)
		}
		mustStatus(t, m.api("GET", "/api/v1/cases", ""), http.StatusUnauthorized, "API")
		if _, _, err := e.db.Authenticate(context.Background(), stolen); err == nil {
			t.Error("session still stored")
		}
	})

	t.Run("Session/absolute expiry and idle timeout on a fake clock", func(t *testing.T) {
		e := newAttackEnv(t)
		w := e.as("worker")
		e.skew.Store(int64(20 * time.Minute))
		mustStatus(t, w.get("/cases"), http.StatusOK, "after 20 idle minutes")
		e.skew.Store(int64(20*time.Minute + auth.SessionIdle + time.Minute))
		if res := w.get("/cases"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("idle session still valid: %d", res.StatusCode)
		}
		e.skew.Store(0)
		w = e.as("worker")
		for step := time.Duration(0); step <= auth.SessionMaxAge; step += 20 * time.Minute {
			e.skew.Store(int64(step))
			w.get("/account") // keeps the session from idling
		}
		e.skew.Store(int64(auth.SessionMaxAge + time.Minute))
		if res := w.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("session past its absolute expiry: %d", res.StatusCode)
		}
		mustStatus(t, w.api("GET", "/api/v1/cases", ""), http.StatusUnauthorized, "API past expiry")
	})

	t.Run("Session/cookie flags: HttpOnly, SameSite=Strict, no persistence", func(t *testing.T) {
		e := newAttackEnv(t)
		c := e.anon()
		pre := setCookieOf(c.get("/login"), preSessionCookie)
		res := failedLogin(c, c.cookie(preSessionCookie), "worker", testPassword)
		sess := setCookieOf(res, sessionCookie)
		lang := setCookieOf(c.get("/cases?lang=en"), langCookie)
		out := setCookieOf(c.post("/logout", url.Values{"csrf": {c.csrf("/cases")}}), sessionCookie)
		for name, ck := range map[string]*http.Cookie{"pre-session": pre, "session": sess, "language": lang, "logout": out} {
			if ck == nil {
				t.Errorf("%s cookie not set", name)
				continue
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.Domain != "" {
				t.Errorf("%s cookie flags: %s", name, ck.String())
			}
		}
		if sess != nil && (sess.MaxAge != 0 || !sess.Expires.IsZero()) {
			t.Errorf("session cookie persists: %s", sess.String())
		}
		if out != nil && (out.MaxAge >= 0 || out.Value != "") {
			t.Errorf("logout does not clear the cookie: %s", out.String())
		}
	})

	t.Run("Session/Secure cookies with SecureCookies", func(t *testing.T) {
		e := newAttackEnv(t)
		srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, SecureCookies: true})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/login?lang=en", nil))
		cookies := rec.Result().Cookies()
		var pre string
		for _, ck := range cookies {
			if ck.Name == preSessionCookie {
				pre = ck.Value
			}
		}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"csrf": {pre}, "username": {"worker"}, "password": {testPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: preSessionCookie, Value: pre})
		rec = httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("login: %d", rec.Code)
		}
		cookies = append(cookies, rec.Result().Cookies()...)
		names := map[string]bool{}
		for _, ck := range cookies {
			names[ck.Name] = true
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				t.Errorf("cookie %s: %s", ck.Name, ck.String())
			}
		}
		for _, n := range []string{preSessionCookie, sessionCookie, langCookie} {
			if !names[n] {
				t.Errorf("cookie %s not seen", n)
			}
		}
	})

	t.Run("Session/API token revoked", func(t *testing.T) {
		e := newAttackEnv(t)
		tok := e.token("worker")
		mustStatus(t, e.bearer(tok, "GET", "/api/v1/cases", ""), http.StatusOK, "before")
		w := nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "worker", Role: nrm.RoleCaseworker, Org: "CMM"})
		if err := e.db.RevokeAPIToken(w, "worker", "attack-worker"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Errorf("a caseworker revoked a token: %v", err)
		}
		if err := e.db.RevokeAPIToken(system, "worker", "attack-worker"); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, e.bearer(tok, "GET", "/api/v1/cases", ""), http.StatusUnauthorized, "revoked")
		mustStatus(t, e.bearer(tok, "POST", "/api/v1/cases", `{"ref":"REVOKED-1","owner_org":"CMM","gender":"female","residence_status":"legal"}`), http.StatusUnauthorized, "revoked write")
		if err := e.db.RevokeAPIToken(system, "worker", "no-such-token"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Errorf("revoking an unknown token: %v", err)
		}
	})

	t.Run("Session/unknown, malformed and misplaced bearer tokens", func(t *testing.T) {
		e := newAttackEnv(t)
		tok := e.token("worker")
		for name, h := range map[string]string{
			"unknown":        "Bearer " + strings.Repeat("A", 43),
			"empty":          "Bearer ",
			"truncated":      "Bearer " + tok[:len(tok)-1],
			"extended":       "Bearer " + tok + "x",
			"two tokens":     "Bearer " + tok + " " + tok,
			"huge":           "Bearer " + strings.Repeat("x", 8000),
			"SQL":            "Bearer ' OR 1=1 --",
			"basic":          "Basic " + tok,
			"hash of token":  "Bearer " + auth.HashToken(tok),
			"session as API": "Bearer " + e.as("worker").cookie(sessionCookie),
		} {
			req := must(http.NewRequest("GET", e.ts.URL+"/api/v1/cases", nil))(t)
			req.Header.Set("Authorization", h)
			res := e.anon().do(req)
			mustStatus(t, res, http.StatusUnauthorized, name)
			noLeak(t, name, res.Body, secretRef, redenRef)
		}
		// A bearer token opens no page; an API token is no session cookie.
		req := must(http.NewRequest("GET", e.ts.URL+"/cases", nil))(t)
		req.Header.Set("Authorization", "Bearer "+tok)
		if res := e.anon().do(req); res.StatusCode != http.StatusSeeOther {
			t.Errorf("bearer on a page: %d", res.StatusCode)
		}
		m := e.anon()
		m.setCookie(sessionCookie, tok)
		if res := m.get("/cases"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("API token as session cookie: %d", res.StatusCode)
		}
	})

	t.Run("Session/a pending TOTP session opens no page and no API", func(t *testing.T) {
		e := newAttackEnv(t)
		enrolTOTP(e, "worker")
		c := e.anon()
		res := failedLogin(c, c.csrf("/login"), "worker", testPassword)
		if res.Header.Get("Location") != "/login/totp" {
			t.Fatalf("not pending: %s", res.Header.Get("Location"))
		}
		for _, p := range []string{"/cases", "/account", fmt.Sprintf("/cases/%d", e.cmm.ID)} {
			if res := c.get(p); res.StatusCode != http.StatusSeeOther {
				t.Errorf("pending session reached %s: %d", p, res.StatusCode)
			}
		}
		mustStatus(t, c.api("GET", "/api/v1/cases", ""), http.StatusUnauthorized, "API")
		mustStatus(t, e.bearer(c.cookie(sessionCookie), "GET", "/api/v1/cases", ""), http.StatusUnauthorized, "pending token as bearer")
	})

	t.Run("Session/changing the password ends the other sessions", func(t *testing.T) {
		e := newAttackEnv(t)
		thief, owner := e.as("worker"), e.as("worker")
		res := owner.post("/account/password", url.Values{"csrf": {owner.csrf("/account")}, "current_password": {testPassword},
			"new_password": {"a-fresh-passphrase-1"}, "repeat_password": {"a-fresh-passphrase-1"}})
		mustStatus(t, res, http.StatusSeeOther, "change")
		if res := thief.get("/cases"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("stolen session survived a password change: %d", res.StatusCode)
		}
	})
}

// ---------------------------------------------------------------------
// Malformed and oversized uploads and JSON bodies

// fillReader yields n bytes of 'a'.
type fillReader struct{ n int64 }

func (f *fillReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), f.n)
	for i := range p[:k] {
		p[i] = 'a'
	}
	f.n -= k
	return int(k), nil
}

// hugeUpload posts a multipart upload with a valid CSRF token and a file
// of size bytes, streamed.
func hugeUpload(c *client, path, tok string, size int64) *response {
	c.t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	mw.WriteField("csrf", tok)
	mw.CreateFormFile("file", "big.yaml")
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), &fillReader{n: size}, strings.NewReader(tail))
	req := must(http.NewRequest(http.MethodPost, c.env.ts.URL+path, body))(c.t)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func attackUploads(t *testing.T) {
	for _, path := range []string{"/plans/import", "/network/import"} {
		t.Run("Upload/"+path+" with a body over 50 MiB is 413", func(t *testing.T) {
			e := newAttackEnv(t)
			co := e.as("coord")
			res := hugeUpload(co, path, co.csrf("/plans"), maxUploadBytes+1<<20)
			mustStatus(t, res, http.StatusRequestEntityTooLarge, path)
			if ps := must(e.db.FindPlans(system))(t); len(ps) != 0 {
				t.Error("plan stored")
			}
			if gs := must(e.db.FindGroups(system))(t); len(gs) != 0 {
				t.Error("network stored")
			}
			mustStatus(t, co.get("/plans"), http.StatusOK, "server still serves")
		})
	}

	t.Run("Upload/malformed plan and network YAML", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		for name, y := range map[string]string{
			"syntax":         "code: [unclosed\nname_da: x",
			"unknown field":  strings.Replace(planYAML("BAD-PLAN", "x"), "budget_dkk:", "evil_field: 1\nbudget_dkk:", 1),
			"wrong type":     strings.Replace(planYAML("BAD-PLAN", "x"), "start_year: 2011", "start_year: [1,2]", 1),
			"binary":         "\x00\x01\x02\xff\xfe",
			"empty":          "",
			"two documents":  planYAML("BAD-PLAN", "x") + "\n---\n" + planYAML("BAD-PLAN-2", "x"),
			"python tag":     "code: !!python/object/apply:os.system ['id']\n",
			"merge of alias": "a: &a {code: X}\n<<: *a\n",
		} {
			for _, p := range []string{"/plans/import", "/network/import"} {
				res := co.upload(p, co.csrf("/plans"), "file.yaml", y, nil)
				if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
					t.Errorf("%s %s: status %d", p, name, res.StatusCode)
				}
				noLeak(t, name, res.Body, "goroutine", "panic", ".go:")
			}
		}
		if ps := must(e.db.FindPlans(system))(t); len(ps) != 0 {
			t.Errorf("%d plans stored", len(ps))
		}
		if gs := must(e.db.FindGroups(system))(t); len(gs) != 0 {
			t.Error("network stored")
		}
	})

	t.Run("Upload/YAML alias bomb is refused quickly", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		var b strings.Builder
		b.WriteString("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
		for i := 1; i < 10; i++ {
			fmt.Fprintf(&b, "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		start := time.Now()
		for _, p := range []string{"/plans/import", "/network/import"} {
			res := co.upload(p, co.csrf("/plans"), "bomb.yaml", b.String(), nil)
			if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d", p, res.StatusCode)
			}
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("alias bomb took %v", d)
		}
	})

	t.Run("Upload/wrong content types and disguised files", func(t *testing.T) {
		e := newAttackEnv(t)
		co := e.as("coord")
		tok := co.csrf("/plans")
		// Not multipart at all.
		for _, p := range []string{"/plans/import", "/network/import"} {
			mustStatus(t, co.postWith(p, url.Values{"csrf": {tok}, "file": {planYAML("FORM-PLAN", "x")}}), http.StatusBadRequest, p+" form-encoded")
			req := must(http.NewRequest("POST", e.ts.URL+p, strings.NewReader(`{"csrf":"`+tok+`"}`)))(t)
			req.Header.Set("Content-Type", "application/json")
			mustStatus(t, co.do(req), http.StatusBadRequest, p+" JSON")
			req = must(http.NewRequest("POST", e.ts.URL+p, strings.NewReader("--x\r\nbroken")))(t)
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			mustStatus(t, co.do(req), http.StatusBadRequest, p+" broken multipart")
			// No file part.
			res := co.upload(p, tok, "", "", nil)
			mustStatus(t, res, http.StatusUnprocessableEntity, p+" without a file")
		}
		// A zip bomb (or any zip) named plan.yaml, and unknown extensions.
		var zbuf bytes.Buffer
		zw := zip.NewWriter(&zbuf)
		f := must(zw.Create("cases.csv"))(t)
		f.Write(bytes.Repeat([]byte{'0'}, 10<<20))
		zw.Close()
		for name, file := range map[string]string{"plan.yaml": zbuf.String(), "plan.zip": zbuf.String(), "plan.exe": "MZ", "plan.yaml.php": "<?php", "../../etc/passwd": "x"} {
			res := co.upload("/plans/import", tok, name, file, nil)
			mustStatus(t, res, http.StatusUnprocessableEntity, name)
		}
		if ps := must(e.db.FindPlans(system))(t); len(ps) != 0 {
			t.Error("plan stored")
		}
	})

	t.Run("Upload/bundle zip bomb and oversized members are refused", func(t *testing.T) {
		// Bundles are imported from the command line (nrm import) through
		// bundle.ZipBytes / OpenPath; no web endpoint takes them.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		// A member that lies about its size: 100 bytes declared, 64 MiB of
		// zeros inside.
		hdr := &zip.FileHeader{Name: "cases.csv", Method: zip.Deflate}
		w := must(zw.CreateHeader(hdr))(t)
		io.Copy(w, io.MultiReader(strings.NewReader(strings.Join(bundle.Columns[bundle.FileCases], ",")+"\n"), &fillReader{n: 64 << 20}))
		zw.Close()
		data := buf.Bytes()
		// Patch the declared uncompressed sizes (local header and central
		// directory) down to 100 bytes.
		lying := patchZipSizes(t, data, 100)
		src, err := bundle.ZipBytes(lying)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := bundle.Check(src, bundle.Options{}); err == nil || !strings.Contains(err.Error(), "not a valid zip") {
			t.Errorf("lying zip: %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("lying zip took %v", d)
		}
		// An honest member over the size limit is refused before reading.
		old := bundle.MaxFileSize
		bundle.MaxFileSize = 1 << 20
		defer func() { bundle.MaxFileSize = old }()
		src, err = bundle.ZipBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := bundle.Check(src, bundle.Options{}); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("oversized member: %v", err)
		}
		if _, err := bundle.ZipBytes([]byte("PK\x03\x04 not a zip")); err == nil {
			t.Error("garbage zip accepted")
		}
	})

	jsonCase := func(t *testing.T, e *attackEnv, name, contentType, body string, want int) {
		t.Helper()
		before, n0 := must2(e.db.FindCases(system, nrm.CaseFilter{Limit: 500}))(t)
		req := must(http.NewRequest("POST", e.ts.URL+"/api/v1/cases", strings.NewReader(body)))(t)
		req.Header.Set("Authorization", "Bearer "+e.token("worker"))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res := e.anon().do(req)
		mustStatus(t, res, want, name)
		var m map[string]any
		if err := json.Unmarshal([]byte(res.Body), &m); err != nil || m["code"] != "invalid" {
			t.Errorf("%s: not a JSON error: %.200s", name, res.Body)
		}
		noLeak(t, name, res.Body, "goroutine", "json: ", "reflect")
		if _, n1 := must2(e.db.FindCases(system, nrm.CaseFilter{Limit: 500}))(t); n1 != n0 {
			t.Errorf("%s: %d cases stored (%d before)", name, n1-n0, len(before))
		}
		// The same on PUT.
		req = must(http.NewRequest("PUT", e.ts.URL+fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), strings.NewReader(body)))(t)
		req.Header.Set("Authorization", "Bearer "+e.token("worker"))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		mustStatus(t, e.anon().do(req), want, name+" (PUT)")
	}
	good := `{"ref":"JSON-1","owner_org":"CMM","gender":"female","residence_status":"legal"`
	t.Run("JSON/unknown fields, including ones that would escalate", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		for _, f := range []string{`"colour":"red"`, `"role":"admin"`, `"is_admin":true`, `"identifiers":{"name":"x","ssn":"1"}`, `"__proto__":{}`} {
			jsonCase(t, e, f, "application/json", good+","+f+"}", http.StatusBadRequest)
		}
		e.unchanged(e.cmm.ID, before)
	})
	t.Run("JSON/wrong types", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		for _, f := range []string{`"ref":42`, `"contacts":"x"`, `"identifiers":{"name":["a"]}`, `"version":"1"`, `"shared_with":"REDEN"`, `"birth_year":1e400`} {
			jsonCase(t, e, f, "application/json", `{`+f+`}`, http.StatusBadRequest)
		}
		for _, b := range []string{`[]`, `"x"`, `null x`, `{} {}`, `{"ref":"A"}{"ref":"B"}`, ``} {
			jsonCase(t, e, b, "application/json", b, http.StatusBadRequest)
		}
		e.unchanged(e.cmm.ID, before)
	})
	t.Run("JSON/huge body is 413", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		jsonCase(t, e, "2 MiB name", "application/json", good+`,"identifiers":{"name":"`+strings.Repeat("x", 2<<20)+`"}}`, http.StatusRequestEntityTooLarge)
		e.unchanged(e.cmm.ID, before)
	})
	t.Run("JSON/deeply nested body", func(t *testing.T) {
		e := newAttackEnv(t)
		before := e.snapshot(e.cmm.ID)
		deep := 200000
		jsonCase(t, e, "nested arrays", "application/json", good+`,"identifiers":{"notes":`+strings.Repeat("[", deep)+strings.Repeat("]", deep)+`}}`, http.StatusBadRequest)
		jsonCase(t, e, "nested objects", "application/json", strings.Repeat(`{"a":`, 100000)+"1"+strings.Repeat("}", 100000), http.StatusBadRequest)
		e.unchanged(e.cmm.ID, before)
	})
	t.Run("JSON/wrong content type", func(t *testing.T) {
		e := newAttackEnv(t)
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"} {
			jsonCase(t, e, ct, ct, good+"}", http.StatusBadRequest)
		}
	})
}

// patchZipSizes rewrites the uncompressed size of every member in the
// local headers and the central directory of a zip without data
// descriptors... and with them: both the descriptor and the directory.
func patchZipSizes(t *testing.T, data []byte, size uint32) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	le := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	put := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }
	patched := 0
	for i := 0; i+46 <= len(out); i++ {
		switch le(out[i:]) {
		case 0x02014b50: // central directory header: uncompressed size at +24
			put(out[i+24:], size)
			patched++
		case 0x08074b50: // data descriptor: sig, crc, compressed, uncompressed
			put(out[i+12:], size)
			patched++
		}
	}
	if patched == 0 {
		t.Fatal("no zip headers patched")
	}
	return out
}

// ---------------------------------------------------------------------
// Headers and error pages

func attackHeaders(t *testing.T) {
	setup := func(t *testing.T) (*attackEnv, *client) {
		e := newAttackEnv(t)
		co := e.as("coord")
		mustStatus(t, co.upload("/plans/import", co.csrf("/plans"), "plan.yaml", planYAML("HDR-PLAN", "x"), nil), http.StatusSeeOther, "plan")
		return e, e.as("admin")
	}

	t.Run("Headers/strict CSP and no framing on every page type", func(t *testing.T) {
		e, a := setup(t)
		w := e.as("worker")
		pages := map[string]*response{
			"login":           e.anon().get("/login"),
			"login redirect":  e.anon().get("/cases"),
			"case list":       a.get("/cases"),
			"new case":        a.get("/cases/new"),
			"case":            a.get(fmt.Sprintf("/cases/%d", e.cmm.ID)),
			"plans":           a.get("/plans"),
			"plan":            a.get("/plans/HDR-PLAN"),
			"plan dashboard":  a.get("/plans/HDR-PLAN/dashboard"),
			"plan YAML":       a.get("/plans/HDR-PLAN/export.yaml"),
			"plan CSV":        a.get("/plans/HDR-PLAN/export.csv"),
			"network":         a.get("/network"),
			"stats":           a.get("/stats?year=2011"),
			"report html":     a.get("/stats/report/html?year=2011"),
			"report json":     a.get("/stats/report/json?year=2011"),
			"users":           a.get("/admin/users"),
			"audit":           a.get("/audit"),
			"account":         a.get("/account"),
			"404":             a.get("/no/such/page"),
			"403":             w.get("/admin/users"),
			"422":             a.get("/stats?year=x"),
			"405":             a.api("DELETE", "/cases", ""),
			"API list":        a.api("GET", "/api/v1/cases", ""),
			"API 401":         e.anon().get("/api/v1/cases"),
			"API 404":         a.api("GET", "/api/v1/nope", ""),
			"cross-origin":    a.postWith("/logout", url.Values{}, "Sec-Fetch-Site", "cross-site"),
			"healthz":         e.anon().get("/healthz"),
			"static":          e.anon().get("/static/style.css"),
			"static traverse": e.anon().get("/static/..%2f..%2fgo.mod"),
		}
		for name, res := range pages {
			csp := res.Header.Get("Content-Security-Policy")
			if csp != contentSecurityPolicy {
				t.Errorf("%s (%d): CSP %q", name, res.StatusCode, csp)
			}
			if res.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: framing allowed", name)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s: nosniff/referrer headers missing", name)
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s: status %d", name, res.StatusCode)
			}
		}
		if res := pages["static traverse"]; res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
			t.Errorf("static path traversal: %d", res.StatusCode)
		} else if strings.Contains(res.Body, "module nrm") {
			t.Error("static path traversal read go.mod")
		}
		for _, name := range []string{"case", "case list", "API list", "account", "report html", "plan CSV"} {
			if cc := pages[name].Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s may be cached: %q", name, cc)
			}
		}
		// The standalone chart has its own policy: nothing but its inline
		// styles, no scripts at all.
		e.newCase("HDR-FIG", nrm.ResidenceLegal)
		fig := a.get("/stats/figures/gender?year=2011")
		mustStatus(t, fig, http.StatusOK, "figure")
		if csp := fig.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") || strings.Contains(csp, "script") {
			t.Errorf("figure CSP %q", csp)
		}
	})

	t.Run("Headers/no CORS: the API and pages are not readable cross-origin", func(t *testing.T) {
		e, a := setup(t)
		for _, p := range []string{"/api/v1/cases", fmt.Sprintf("/api/v1/cases/%d", e.cmm.ID), "/api/v1/stats?year=2011", fmt.Sprintf("/cases/%d", e.cmm.ID)} {
			res := a.api("GET", p, "", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
			for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} {
				if v := res.Header.Get(h); v != "" {
					t.Errorf("%s: %s: %s", p, h, v)
				}
			}
		}
		req := must(http.NewRequest("OPTIONS", e.ts.URL+"/api/v1/cases", nil))(t)
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Access-Control-Request-Method", "PUT")
		req.Header.Set("Access-Control-Request-Headers", "X-CSRF-Token")
		res := a.do(req)
		if res.StatusCode == http.StatusOK || res.StatusCode == http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Allow-Methods") != "" {
			t.Errorf("preflight answered: %d %v", res.StatusCode, res.Header)
		}
	})

	t.Run("Headers/no server or framework version", func(t *testing.T) {
		e, a := setup(t)
		for _, res := range []*response{e.anon().get("/login"), a.get("/nope"), a.api("DELETE", "/cases", ""), a.api("GET", "/api/v1/nope", ""), e.anon().get("/healthz")} {
			for _, h := range []string{"Server", "X-Powered-By", "X-AspNet-Version", "Via"} {
				if v := res.Header.Get(h); v != "" {
					t.Errorf("%s %s: %s: %s", res.Request.Method, res.Request.URL.Path, h, v)
				}
			}
			noLeak(t, res.Request.URL.Path, res.Body, "go1.", "net/http", "Go-http", "sqlite", "modernc")
		}
	})

	t.Run("Headers/a 500 page and a 500 JSON show no internal detail", func(t *testing.T) {
		e := newAttackEnv(t)
		a := e.as("admin")
		tok := e.token("admin")
		if _, err := e.db.SQL().Exec("DROP TABLE offers"); err != nil {
			t.Fatal(err)
		}
		p := fmt.Sprintf("/cases/%d", e.cmm.ID)
		page := a.get(p)
		mustStatus(t, page, http.StatusInternalServerError, "case page")
		if !strings.Contains(page.Body, htmlTextEscape(tr(nrm.LangDA, "error.internal"))) {
			t.Error("500 page lacks its fixed message")
		}
		js := e.bearer(tok, "GET", "/api/v1"+p, "")
		mustStatus(t, js, http.StatusInternalServerError, "case JSON")
		var m map[string]any
		if json.Unmarshal([]byte(js.Body), &m) != nil || m["code"] != "internal" || m["fields"] != nil {
			t.Errorf("500 JSON: %s", js.Body)
		}
		for _, res := range []*response{page, js} {
			noLeak(t, "500", res.Body, append(e.caseSecrets(), "offers", "no such table", "SQL", "sqlite", "sqlstore", ".go", "goroutine")...)
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Error("500 without CSP")
			}
		}
		// The log has the cause, but no identifier.
		log := e.log.String()
		if !strings.Contains(log, "internal error") {
			t.Errorf("internal error not logged:\n%s", log)
		}
		noLeak(t, "log", log, e.caseSecrets()...)
	})

	t.Run("Headers/a closed database answers without detail", func(t *testing.T) {
		e := newAttackEnv(t)
		a := e.as("admin")
		e.db.Close()
		h := e.anon().get("/healthz")
		mustStatus(t, h, http.StatusServiceUnavailable, "healthz")
		c := e.anon()
		res := failedLogin(c, c.csrf("/login"), "admin", testPassword)
		mustStatus(t, res, http.StatusUnauthorized, "login")
		for _, r := range []*response{h, res, a.get("/cases"), a.api("GET", "/api/v1/cases", "")} {
			if r.StatusCode == http.StatusOK {
				t.Errorf("%s served from a closed database", r.Request.URL.Path)
			}
			noLeak(t, r.Request.URL.Path, r.Body, "database is closed", "sql:", "sqlite")
		}
	})
}

// ---------------------------------------------------------------------
// Logs

func attackLogs(t *testing.T) {
	t.Run("Logs/a full flow leaves no identifier, password or token in the log", func(t *testing.T) {
		e := newAttackEnv(t)
		const (
			name     = "Ingrid Loggable-Plant"
			phone    = "+4587654321"
			ref      = "LOG-PLANT-42"
			provider = "Loggable Shelter ApS"
		)
		apiTok := e.token("worker")
		c := e.anon()
		tok := c.csrf("/login")
		// People type passwords into the username field.
		failedLogin(c, tok, testPassword, "x")
		failedLogin(c, tok, "worker", "Wrong-Secret-Password-9")
		res := failedLogin(c, tok, "worker", testPassword)
		mustStatus(t, res, http.StatusSeeOther, "login")
		session := c.cookie(sessionCookie)
		ctok := c.csrf("/cases/new")
		res = c.post("/cases", url.Values{"csrf": {ctok}, "case_ref": {ref}, "gender": {"female"}, "residence_status": {"irregular"},
			"name": {name}, "phone": {phone}, "address": {secretAddr}})
		mustStatus(t, res, http.StatusSeeOther, "register")
		loc := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
		c.get(loc)
		c.post(loc+"/accommodations", url.Values{"csrf": {ctok}, "version": {"1"}, "kind": {"crisis_shelter"}, "provider": {provider}, "start_date": {"2011-03-01"}})
		c.post(loc+"/accommodations", url.Values{"csrf": {ctok}, "version": {"1"}, "kind": {"crisis_shelter"}, "provider": {provider}, "start_date": {"bad"}})
		c.get("/cases?q=" + url.QueryEscape(ref) + "&nationality=" + url.QueryEscape(name))
		e.bearer(apiTok, "GET", "/api/v1/cases?ref="+url.QueryEscape(ref), "")
		e.bearer(apiTok, "GET", "/api/v1"+loc, "")
		e.bearer(apiTok, "POST", "/api/v1/cases", `{"ref":"`+ref+`-2","owner_org":"CMM","gender":"female","residence_status":"legal","identifiers":{"name":"`+name+`"}}`)
		e.bearer(apiTok, "POST", "/api/v1/cases", `{"ref":"`+ref+`-3","identifiers":{"name":"`+name+`"},"colour":1}`)
		e.bearer("not-"+apiTok, "GET", "/api/v1/cases", "")
		c.post("/account/password", url.Values{"csrf": {ctok}, "current_password": {"Wrong-Secret-Password-9"}, "new_password": {"New-Secret-Passphrase-1"}, "repeat_password": {"New-Secret-Passphrase-1"}})
		c.post("/logout", url.Values{"csrf": {ctok}})
		e.anon().get("/healthz") // flushes the previous request's line
		log := e.log.String()
		for _, secret := range []string{name, "Ingrid", "Loggable", phone, "87654321", ref, provider, secretAddr, testPassword, "Wrong-Secret-Password-9",
			"New-Secret-Passphrase-1", session, apiTok, ctok, auth.HashToken(apiTok), auth.HashToken(session), "q=", "Bearer"} {
			if strings.Contains(log, secret) {
				t.Errorf("log contains %q", secret)
			}
		}
		for _, want := range []string{`route="POST /login"`, `route="POST /cases"`, `route="GET /api/v1/cases/{id}"`, "status=401", "status=303"} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %s", want)
			}
		}
		if lines := strings.Count(log, "\n"); lines < 15 {
			t.Errorf("only %d log lines", lines)
		}
	})
}
