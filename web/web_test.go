package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/auth"
)

// TestLabels checks that every label the Go code asks for exists in both
// languages (templates are checked by New at startup).
func TestLabels(t *testing.T) {
	if _, err := parseTemplates(); err != nil {
		t.Fatal(err)
	}
	use := regexp.MustCompile(`tr\([^,]+, "([a-z_]+\.[a-z0-9_]+)"\)|add\("([a-z_]+\.[a-z0-9_]+)"`)
	files := must(filepath.Glob("*.go"))(t)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(src), -1) {
			key := m[1] + m[2]
			if _, ok := translations[key]; !ok {
				t.Errorf("%s: label %q missing from i18n.go", f, key)
			}
		}
	}
	for _, f := range reportFormats {
		if _, ok := translations["stats.format_"+f]; !ok {
			t.Errorf("label stats.format_%s missing", f)
		}
	}
	for k, v := range translations {
		if v[0] == "" || v[1] == "" {
			t.Errorf("label %q lacks a language", k)
		}
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	e := newTestEnv(t)
	res := e.client().get("/login")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", res.Header)
	}
	if strings.Contains(res.Body, "<script>") || strings.Contains(res.Body, "style=") || strings.Contains(res.Body, " on") && regexp.MustCompile(` on[a-z]+=`).MatchString(res.Body) {
		t.Errorf("page has inline script or style")
	}
	if !strings.Contains(res.Body, `<html lang="da">`) {
		t.Errorf("no lang attribute")
	}

	c := e.client()
	tok := c.csrf("/login")
	res = c.post("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {testPassword}})
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure {
		t.Fatalf("session cookie: %+v", session)
	}

	// Secure cookies behind TLS.
	srv, err := New(Config{DB: e.db, Auth: e.db, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	req := must(http.NewRequest(http.MethodGet, "/login", nil))(t)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if !ck.Secure || !ck.HttpOnly {
			t.Errorf("cookie %s not Secure/HttpOnly", ck.Name)
		}
	}

	// Static assets are embedded and served with the same policy.
	res = e.client().get("/static/style.css")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/css") || res.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("style.css: %d %v", res.StatusCode, res.Header)
	}
}

func TestLoginFailureRevealsNothing(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	tok := c.csrf("/login")
	wrong := c.post("/login", url.Values{"csrf": {tok}, "username": {"admin"}, "password": {"wrong-password-123"}})
	missing := c.post("/login", url.Values{"csrf": {tok}, "username": {"nobody"}, "password": {"wrong-password-123"}})
	if wrong.StatusCode != http.StatusUnauthorized || missing.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d %d", wrong.StatusCode, missing.StatusCode)
	}
	msg := tr(nrm.LangDA, "login.failed")
	if !strings.Contains(wrong.Body, msg) || !strings.Contains(missing.Body, msg) {
		t.Fatalf("message missing")
	}
	// Logging out ends the session.
	c = e.login("worker")
	if res := c.get("/cases"); res.StatusCode != http.StatusOK {
		t.Fatalf("cases: %d", res.StatusCode)
	}
	tok = c.csrf("/cases")
	if res := c.post("/logout", url.Values{"csrf": {tok}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res := c.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("after logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestRoleDenial(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-SECRET-1", nrm.ResidenceIrregular)
	casePath := fmt.Sprintf("/cases/%d", c.ID)

	anon := e.client()
	if res := anon.get(casePath); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	denied := tr(nrm.LangDA, "error.forbidden")
	for _, user := range []string{"analyst", "coord", "auditor"} {
		u := e.login(user)
		for _, p := range []string{"/cases", casePath, "/cases/new", "/cases/99999"} {
			res := u.get(p)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s: status %d", user, p, res.StatusCode)
			}
			if strings.Contains(res.Body, "DK-SECRET-1") || strings.Contains(res.Body, "Test Person") || !strings.Contains(res.Body, denied) {
				t.Errorf("%s %s: denial page reveals or misses its message", user, p)
			}
		}
		// Writes are refused too.
		tok := u.csrf("/plans")
		if res := u.post(casePath+"/exits", url.Values{"csrf": {tok}, "version": {"1"}, "exit_date": {"2011-03-01"}, "exit_kind": {"self_return"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s post exit: %d", user, res.StatusCode)
		}
	}
	// The denial of another organisation's case looks exactly like a
	// missing case.
	reden := e.login("reden")
	other, missing := reden.get(casePath), reden.get("/cases/99999")
	// The pages differ only in the address the user typed (the language
	// switch links back to it).
	missing.Body = strings.ReplaceAll(missing.Body, "/cases/99999", casePath)
	if other.StatusCode != http.StatusNotFound || missing.StatusCode != http.StatusNotFound || other.Body != missing.Body {
		t.Errorf("other org: %d vs missing %d (bodies equal: %v)", other.StatusCode, missing.StatusCode, other.Body == missing.Body)
	}
	if strings.Contains(other.Body, "DK-SECRET-1") {
		t.Error("404 reveals the reference")
	}
	if res := reden.get("/cases"); strings.Contains(res.Body, "DK-SECRET-1") {
		t.Error("case list shows another organisation's case")
	}
	// Admin-only and audit pages.
	w := e.login("worker")
	for _, p := range []string{"/admin/users", "/audit"} {
		if res := w.get(p); res.StatusCode != http.StatusForbidden {
			t.Errorf("caseworker %s: %d", p, res.StatusCode)
		}
	}
	if res := e.login("auditor").get("/stats"); res.StatusCode != http.StatusForbidden {
		t.Errorf("auditor stats: %d", res.StatusCode)
	}
	// The analyst sees statistics, disclosure-controlled.
	if res := e.login("analyst").get("/stats?year=2011"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "<3") && !strings.Contains(res.Body, tr(nrm.LangDA, "stats.no_data")) {
		t.Errorf("analyst stats: %d", res.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-CSRF", nrm.ResidenceIrregular)
	path := fmt.Sprintf("/cases/%d/contacts", c.ID)
	w := e.login("worker")
	good := w.csrf(fmt.Sprintf("/cases/%d", c.ID))
	form := func(tok string) url.Values {
		return url.Values{"csrf": {tok}, "version": {"1"}, "contact_date": {"2011-03-01"}, "contact_form": {"outreach"}}
	}
	for name, v := range map[string]url.Values{"missing": form(""), "wrong": form("forged-token-forged-token-forged-token")} {
		if res := w.post(path, v); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s token: status %d", name, res.StatusCode)
		}
	}
	// A cross-origin browser post is refused even with the right token.
	req := must(http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form(good).Encode())))(t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if res := w.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin: status %d", res.StatusCode)
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Contacts) != 1 {
		t.Fatalf("a refused post changed the case: %d contacts", len(got.Contacts))
	}
	// The sign-in form needs its token too.
	anon := e.client()
	if res := anon.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("login without token: %d", res.StatusCode)
	}
	// The right token works.
	if res := w.post(path, form(good)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("good token: status %d %s", res.StatusCode, res.Body)
	}
	// Cookie-authenticated API writes need X-CSRF-Token.
	body := `{"ref":"DK-API-CSRF","owner_org":"CMM","gender":"female","residence_status":"legal"}`
	req = must(http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/cases", strings.NewReader(body)))(t)
	req.Header.Set("Content-Type", "application/json")
	if res := w.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("API without X-CSRF-Token: %d", res.StatusCode)
	}
	req = must(http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/cases", strings.NewReader(body)))(t)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", good)
	if res := w.do(req); res.StatusCode != http.StatusCreated {
		t.Errorf("API with X-CSRF-Token: %d %s", res.StatusCode, res.Body)
	}
}

func TestStaleEdit(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-STALE", nrm.ResidenceIrregular)
	w := e.login("worker")
	tok := w.csrf(fmt.Sprintf("/cases/%d", c.ID))
	// Someone else saves the case meanwhile.
	other := must(e.db.FindCaseByID(system, c.ID))(t)
	other.Offers = append(other.Offers, nrm.Offer{Kind: "health_care", Offered: nrm.MustDate("2011-02-02")})
	if err := e.db.UpdateCase(system, other); err != nil {
		t.Fatal(err)
	}
	res := w.post(fmt.Sprintf("/cases/%d/exits", c.ID), url.Values{"csrf": {tok}, "version": {"1"}, "exit_date": {"2011-03-01"}, "exit_kind": {"self_return"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale edit: status %d", res.StatusCode)
	}
	if !strings.Contains(res.Body, htmlEscape(tr(nrm.LangDA, "case.conflict"))) {
		t.Fatalf("no conflict message in page")
	}
	// The page shows the current version, and the user's input is kept.
	if !strings.Contains(res.Body, `name="version" value="2"`) || !strings.Contains(res.Body, `value="2011-03-01"`) {
		t.Errorf("conflict page does not offer the current version with the input kept")
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Exits) != 0 || got.Version != 2 {
		t.Fatalf("stale edit stored: %+v", got.Exits)
	}
	// In English.
	res = w.post(fmt.Sprintf("/cases/%d/exits?lang=en", c.ID), url.Values{"csrf": {tok}, "version": {"1"}, "exit_date": {"2011-03-01"}, "exit_kind": {"self_return"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "changed by someone else") {
		t.Errorf("English conflict message missing (%d)", res.StatusCode)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestValidationErrorsNextToFields(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-VAL", nrm.ResidenceIrregular)
	a := e.login("admin")
	page := a.get(fmt.Sprintf("/cases/%d", c.ID))
	// The authority is preselected from the residence status (irregular → US).
	if !regexp.MustCompile(`<option value="US" selected>`).MatchString(page.Body) {
		t.Errorf("US not preselected for an irregular stay")
	}
	tok := csrfInput.FindStringSubmatch(page.Body)[1]
	v := url.Values{"csrf": {tok}, "version": {"1"}, "assessment_stage": {"final"}, "assessment_date": {"2011-02-10"}, "assessment_authority": {"CMM"},
		"assessment_outcome": {"identified"}, "exploitation": {"sexual"}}
	res := a.post(fmt.Sprintf("/cases/%d/assessments", c.ID), v)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("mismatch: status %d", res.StatusCode)
	}
	fe := nrm.FieldError{Field: "assessment_authority", Rule: nrm.RuleAuthorityMismatch, Value: "CMM", Expected: "US"}
	if !strings.Contains(res.Body, `<p class="field-error">`+htmlEscape(fe.Message(nrm.LangDA))) {
		t.Errorf("Danish field error not shown next to the field")
	}
	if !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Errorf("field not marked invalid")
	}
	res = a.post(fmt.Sprintf("/cases/%d/assessments?lang=en", c.ID), v)
	if !strings.Contains(res.Body, htmlEscape(fe.Message(nrm.LangEN))) {
		t.Errorf("English field error missing")
	}
	// With a reason the override is accepted.
	v.Set("override_reason", "Transferred from CMM")
	if res := a.post(fmt.Sprintf("/cases/%d/assessments", c.ID), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("override: status %d", res.StatusCode)
	}
	// An impossible date order: exit before the first contact.
	tok = a.csrf(fmt.Sprintf("/cases/%d?lang=da", c.ID))
	res = a.post(fmt.Sprintf("/cases/%d/exits", c.ID), url.Values{"csrf": {tok}, "version": {"2"}, "exit_date": {"2010-01-01"}, "exit_kind": {"disappeared"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Dato for udtræden har en umulig dato-rækkefølge") {
		t.Errorf("date order: %d %s", res.StatusCode, res.Body)
	}
	// A malformed date is named, not a 500.
	res = a.post(fmt.Sprintf("/cases/%d/exits", c.ID), url.Values{"csrf": {tok}, "version": {"2"}, "exit_date": {"1. marts"}, "exit_kind": {"disappeared"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "ÅÅÅÅ") && !strings.Contains(res.Body, "YYYY-MM-DD") {
		t.Errorf("bad date: %d", res.StatusCode)
	}
	// A US assessor decides only for US: a CMM assessment is refused with
	// the reason shown in the form.
	shared := &nrm.Case{Ref: "DK-SHARED", OwnerOrg: "CMM", SharedWith: []string{"US"}, Gender: nrm.GenderFemale, ResidenceStatus: nrm.ResidenceLegal}
	if err := e.db.CreateCase(system, shared); err != nil {
		t.Fatal(err)
	}
	us := e.login("assessor-us")
	tok = us.csrf(fmt.Sprintf("/cases/%d", shared.ID))
	res = us.post(fmt.Sprintf("/cases/%d/assessments", shared.ID), url.Values{"csrf": {tok}, "version": {"1"}, "assessment_stage": {"final"}, "assessment_date": {"2011-02-10"},
		"assessment_authority": {"CMM"}, "assessment_outcome": {"pending"}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, tr(nrm.LangDA, "error.forbidden")) {
		t.Errorf("US assessor deciding for CMM: %d", res.StatusCode)
	}
	res = us.post(fmt.Sprintf("/cases/%d/assessments", shared.ID), url.Values{"csrf": {tok}, "version": {"1"}, "assessment_stage": {"final"}, "assessment_date": {"2011-02-10"},
		"assessment_authority": {"US"}, "assessment_outcome": {"pending"}, "override_reason": {"Legal stay ended during the case"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("US assessor deciding for US: %d %s", res.StatusCode, res.Body)
	}
}

func TestRequestLogHasNoIdentifiers(t *testing.T) {
	e := newTestEnv(t)
	var buf bytes.Buffer
	srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts.Config.Handler = srv.Handler()
	w := e.login("worker")
	tok := w.csrf("/cases/new")
	res := w.post("/cases", url.Values{"csrf": {tok}, "case_ref": {"DK-LOG-77"}, "gender": {"female"}, "residence_status": {"irregular"},
		"name": {"Esther Identifiable"}, "phone": {"+4599887766"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d %s", res.StatusCode, res.Body)
	}
	w.get("/cases?q=DK-LOG")
	w.get(res.Header.Get("Location"))
	log := buf.String()
	for _, secret := range []string{"Esther", "Identifiable", "4599887766", "DK-LOG", "q="} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q:\n%s", secret, log)
		}
	}
	if !strings.Contains(log, "route=\"POST /cases\"") || !strings.Contains(log, "route=\"GET /cases/{id}\"") || !strings.Contains(log, "status=303") {
		t.Errorf("log lacks method, route or status:\n%s", log)
	}
}

func TestBodyLimit(t *testing.T) {
	e := newTestEnv(t)
	w := e.login("worker")
	tok := w.csrf("/cases/new")
	big := strings.Repeat("x", 2<<20)
	res := w.post("/cases", url.Values{"csrf": {tok}, "notes": {big}})
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB form: status %d", res.StatusCode)
	}
}

func TestRegisterAndRecordFlow(t *testing.T) {
	e := newTestEnv(t)
	a := e.login("admin")
	tok := a.csrf("/cases/new")
	res := a.post("/cases", url.Values{"csrf": {tok}, "case_ref": {""}, "owner_org": {"CMM"}, "gender": {"female"}, "nationality": {"TH"},
		"residence_status": {"legal"}, "name": {"Malee Example"}, "aliases": {"Mali\nMay"}, "birth_date": {"1985-04-02"}, "document_numbers": {"P123"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	page := a.get(loc)
	if !strings.Contains(page.Body, "NRM-") || !strings.Contains(page.Body, "Malee Example") || !strings.Contains(page.Body, "Mali, May") {
		t.Fatalf("case page lacks reference or identifiers")
	}
	// legal stay → CMM preselected
	if !strings.Contains(page.Body, `<option value="CMM" selected>`) {
		t.Errorf("CMM not preselected for a legal stay")
	}
	base := strings.TrimSuffix(strings.SplitN(loc, "?", 2)[0], "/")
	steps := []struct {
		path string
		v    url.Values
	}{
		{"/contacts", url.Values{"contact_date": {"2011-01-05"}, "contact_form": {"outreach"}, "contact_org": {"REDEN"}}},
		{"/assessments", url.Values{"assessment_stage": {"final"}, "assessment_date": {"2011-01-20"}, "assessment_authority": {"CMM"}, "assessment_outcome": {"identified"}, "exploitation": {"sexual", "forced_labour"}, "labour_sector": {"cleaning"}}},
		{"/reflection", url.Values{"reflection_start": {"2011-01-20"}, "reflection_end": {"2011-05-20"}}},
		{"/accommodations", url.Values{"kind": {"crisis_shelter"}, "provider": {"Reden"}, "start_date": {"2011-01-21"}}},
		{"/offers", url.Values{"offer_kind": {"prepared_return"}, "offered": {"2011-03-01"}, "accepted": {"yes"}}},
	}
	for i, s := range steps {
		s.v.Set("csrf", tok)
		s.v.Set("version", fmt.Sprint(i+1))
		if res := a.post(base+s.path, s.v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d", s.path, res.StatusCode)
		}
	}
	c := must(e.db.FindCaseByRef(system, strings.Fields(regexp.MustCompile(`NRM-\d+-[A-Z0-9]+`).FindString(page.Body))[0]))(t)
	stay := c.Accommodations[0].ID
	if res := a.post(fmt.Sprintf("%s/accommodations/%d/end", base, stay), url.Values{"csrf": {tok}, "version": {"6"}, "end_date": {"2011-04-10"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end stay: %d", res.StatusCode)
	}
	if res := a.post(base+"/exits", url.Values{"csrf": {tok}, "version": {"7"}, "exit_date": {"2011-04-10"}, "exit_kind": {"prepared_return"}, "confirm": {"1"}, "end_open": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("exit: %d", res.StatusCode)
	}
	c = must(e.db.FindCaseByID(system, c.ID))(t)
	if len(c.Contacts) != 1 || len(c.Assessments) != 1 || len(c.Assessments[0].Exploitation) != 2 || c.Accommodations[0].End != nrm.MustDate("2011-04-10") ||
		len(c.Exits) != 1 || len(c.ReflectionPeriods) != 1 || len(c.Offers) != 1 || !*c.Offers[0].Accepted || c.Version != 8 {
		t.Fatalf("case after the flow: %+v", c)
	}
	page = a.get(base + "?lang=en")
	for _, want := range []string{"Timeline", "Crisis shelter (Reden)", "Until 2011-04-10 – 80 days", "Deadline 2011-04-10", "Prepared return (IOM)", "First contact (counted in the statistics)"} {
		if !strings.Contains(page.Body, htmlEscape(want)) {
			t.Errorf("English case page lacks %q", want)
		}
	}
	list := a.get("/cases?year=2011&authority=CMM&status=closed")
	if !strings.Contains(list.Body, c.Ref) {
		t.Errorf("filtered list lacks the case")
	}
	if list := a.get("/cases?status=open"); strings.Contains(list.Body, c.Ref) {
		t.Errorf("closed case listed as open")
	}
	stats := a.get("/stats?year=2011&lang=en")
	if stats.StatusCode != http.StatusOK || !strings.Contains(stats.Body, `<span class="kpi-value">1</span> <span class="kpi-label">identified as victims</span>`) {
		t.Errorf("statistics do not count the case")
	}
}

func TestAPI(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-API-1", nrm.ResidenceIrregular)
	token, err := e.db.CreateAPIToken(system, "worker", "integration")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string, hdr ...string) (*response, map[string]any) {
		t.Helper()
		req := must(http.NewRequest(method, e.ts.URL+path, strings.NewReader(body)))(t)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res := e.client().do(req)
		var m map[string]any
		if err := json.Unmarshal([]byte(res.Body), &m); err != nil && strings.Contains(res.Header.Get("Content-Type"), "json") && !json.Valid([]byte(res.Body)) {
			t.Fatalf("%s %s: a JSON answer that does not parse: %v", method, path, err)
		}
		return res, m
	}
	// No credentials: 401 as JSON.
	res := e.client().get("/api/v1/cases")
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(res.Body, `"code": "unauthorized"`) {
		t.Fatalf("anonymous: %d %s", res.StatusCode, res.Body)
	}
	if res, m := call("GET", "/api/v1/cases", ""); res.StatusCode != http.StatusOK || m["total"].(float64) != 1 {
		t.Fatalf("list: %d %s", res.StatusCode, res.Body)
	}
	res, m := call("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "")
	if res.StatusCode != http.StatusOK || m["ref"] != "DK-API-1" {
		t.Fatalf("get: %d %s", res.StatusCode, res.Body)
	}
	if res, m := call("GET", "/api/v1/cases/424242", ""); res.StatusCode != http.StatusNotFound || m["code"] != "not_found" {
		t.Errorf("missing: %d %v", res.StatusCode, m)
	}
	// Create: 201, then 409 for the same reference.
	body := `{"ref":"DK-API-2","owner_org":"CMM","gender":"male","nationality":"RO","residence_status":"legal",
		"contacts":[{"date":"2012-01-03","form":"police"}]}`
	if res, m := call("POST", "/api/v1/cases", body); res.StatusCode != http.StatusCreated || m["version"].(float64) != 1 || res.Header.Get("Location") == "" {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	if res, m := call("POST", "/api/v1/cases", body); res.StatusCode != http.StatusConflict || m["code"] != "conflict" {
		t.Errorf("duplicate: %d %s", res.StatusCode, res.Body)
	}
	// Malformed bodies: 400.
	for name, b := range map[string]string{"syntax": `{"ref":`, "unknown field": `{"ref":"X","colour":"red"}`, "type": `{"ref":42}`, "two objects": `{} {}`} {
		if res, m := call("POST", "/api/v1/cases", b); res.StatusCode != http.StatusBadRequest || m["code"] != "invalid" {
			t.Errorf("%s: %d %s", name, res.StatusCode, res.Body)
		}
	}
	if res, m := call("POST", "/api/v1/cases", `{"ref":"X","colour":"red"}`); m["fields"] == nil || !strings.Contains(res.Body, `"field": "colour"`) {
		t.Errorf("unknown field not named: %s", res.Body)
	}
	// A domain rule: 422 with translated field messages.
	bad := `{"ref":"DK-API-3","owner_org":"CMM","gender":"female","residence_status":"legal",
		"contacts":[{"date":"2011-05-01","form":"police"}],"exits":[{"date":"2011-01-01","kind":"self_return"}]}`
	res, m = call("POST", "/api/v1/cases", bad, "Accept-Language", "en-GB,en;q=0.9")
	if res.StatusCode != http.StatusUnprocessableEntity || m["code"] != "invalid" || !strings.Contains(res.Body, "has an impossible date order") {
		t.Errorf("invalid (en): %d %s", res.StatusCode, res.Body)
	}
	res, _ = call("POST", "/api/v1/cases?lang=da", bad)
	if !strings.Contains(res.Body, "har en umulig dato-rækkefølge") || !strings.Contains(res.Body, `"rule": "date_order"`) {
		t.Errorf("invalid (da): %s", res.Body)
	}
	// Update: version required (422), stale version 409, current version 200.
	_, got := call("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), "")
	got["version"] = 0
	b := must(json.Marshal(got))(t)
	if res, _ := call("PUT", fmt.Sprintf("/api/v1/cases/%d", c.ID), string(b)); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("PUT without version: %d %s", res.StatusCode, res.Body)
	}
	got["version"] = 1
	got["exits"] = []map[string]string{{"date": "2011-06-01", "kind": "self_return"}}
	b = must(json.Marshal(got))(t)
	if res, m := call("PUT", fmt.Sprintf("/api/v1/cases/%d", c.ID), string(b)); res.StatusCode != http.StatusOK || m["version"].(float64) != 2 {
		t.Fatalf("PUT: %d %s", res.StatusCode, res.Body)
	}
	if res, m := call("PUT", fmt.Sprintf("/api/v1/cases/%d", c.ID), string(b)); res.StatusCode != http.StatusConflict || m["code"] != "conflict" {
		t.Errorf("stale PUT: %d %s", res.StatusCode, res.Body)
	}
	// Statistics and plans. A caseworker has no statistics clearance: only
	// the published (disclosure-controlled) view, which this server
	// without a report renderer cannot give; an administrator gets the
	// exact statistics.
	if res, _ := call("GET", "/api/v1/stats?year=2011", ""); res.StatusCode != http.StatusForbidden || strings.Contains(res.Body, "minor") {
		t.Errorf("caseworker's stats: %d %s", res.StatusCode, res.Body)
	}
	adminToken, err := e.db.CreateAPIToken(system, "admin", "stats")
	if err != nil {
		t.Fatal(err)
	}
	token, adminToken = adminToken, token
	if res, m := call("GET", "/api/v1/stats?year=2011", ""); res.StatusCode != http.StatusOK || m["year"].(float64) != 2011 || m["cutoff"] != "2012-03-01" {
		t.Errorf("stats: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := call("GET", "/api/v1/stats", ""); res.StatusCode != http.StatusBadRequest {
		t.Errorf("stats without year: %d", res.StatusCode)
	}
	if res, _ := call("GET", "/api/v1/stats?year=2011&cutoff=2010-01-01", ""); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("cut-off before the year: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := call("GET", "/api/v1/plans", ""); res.StatusCode != http.StatusOK || strings.TrimSpace(res.Body) != "[]" {
		t.Errorf("plans: %d %s", res.StatusCode, res.Body)
	}
	token = adminToken // the caseworker again
	// Roles apply to the API too: an analyst's token reads no cases.
	atok := must(e.db.CreateAPIToken(system, "analyst", "stats"))(t)
	req := must(http.NewRequest("GET", e.ts.URL+"/api/v1/cases", nil))(t)
	req.Header.Set("Authorization", "Bearer "+atok)
	if res := e.client().do(req); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, `"code": "forbidden"`) {
		t.Errorf("analyst API: %d %s", res.StatusCode, res.Body)
	}
	// A wrong token is not a session.
	req = must(http.NewRequest("GET", e.ts.URL+"/api/v1/plans", nil))(t)
	req.Header.Set("Authorization", "Bearer nope")
	if res := e.client().do(req); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad token: %d", res.StatusCode)
	}
	// The OpenAPI description is served and is JSON.
	res = e.client().get("/api/v1/openapi.json")
	var doc map[string]any
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &doc) != nil || doc["openapi"] != "3.0.3" {
		t.Errorf("openapi: %d", res.StatusCode)
	}
	for _, p := range []string{"/cases", "/cases/{id}", "/stats", "/plans"} {
		if _, ok := doc["paths"].(map[string]any)[p]; !ok {
			t.Errorf("openapi lacks %s", p)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newTestEnv(t)
	w := e.login("worker")
	if res := w.get("/cases"); !strings.Contains(res.Body, `<html lang="da">`) || !strings.Contains(res.Body, "Registrér potentielt offer") {
		t.Fatalf("Danish by default")
	}
	if res := w.get("/cases?lang=en"); !strings.Contains(res.Body, `<html lang="en">`) || !strings.Contains(res.Body, "Register a presumed victim") {
		t.Fatalf("?lang=en")
	}
	// Remembered in a cookie.
	if res := w.get("/cases"); !strings.Contains(res.Body, "Register a presumed victim") || !strings.Contains(res.Body, `href="/cases?lang=da"`) {
		t.Fatalf("language not remembered")
	}
}

func TestPlanAndNetworkPages(t *testing.T) {
	e := newTestEnv(t)
	co := e.login("coord")
	yaml := `code: "TEST-PLAN"
name_da: "Testplan"
name_en: "Test plan"
start_year: 2011
end_year: 2014
budget_dkk: 85600000
areas:
  - number: 1
    name_da: "Ofre identificeres"
    name_en: "Victims are identified"
    goals:
      - code: "1.1"
        name_da: "Opsøgende arbejde"
        name_en: "Outreach work"
        activities:
          - code: "1.1.1"
            text_da: "Mødestederne videreudvikles."
            text_en: "The meeting places are developed further."
            responsible: [CMM]
            statuses:
              - period: "2012-spring"
                state: in_progress
                text_da: "Besøgstallet er stigende."
          - code: "1.1.2"
            text_da: "Mobile sundhedstilbud."
            responsible: [CMM, REDEN]
            statuses: []
`
	tok := co.csrf("/plans")
	if res := co.upload("/plans/import", tok, "plan.yaml", yaml, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, res.Body)
	}
	// A broken file changes nothing and names the problem.
	res := co.upload("/plans/import", tok, "plan.yaml", strings.Replace(yaml, "in_progress", "finished", 1), nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "finished") {
		t.Errorf("bad import: %d", res.StatusCode)
	}
	page := co.get("/plans/TEST-PLAN")
	if !strings.Contains(page.Body, "Mødestederne videreudvikles.") || !strings.Contains(page.Body, "Igangsat") {
		t.Fatalf("plan page")
	}
	// Add a status; a bad period is shown next to the field.
	res = co.post("/plans/TEST-PLAN/activities/1.1.2/status", url.Values{"csrf": {tok}, "period": {"spring"}, "state": {"done"}, "text_da": {"Klaret."}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `<p class="field-error">Periode`) && !strings.Contains(res.Body, "field-error") {
		t.Errorf("bad period: %d", res.StatusCode)
	}
	res = co.post("/plans/TEST-PLAN/activities/1.1.2/status", url.Values{"csrf": {tok}, "period": {"2013"}, "state": {"done"}, "text_da": {"Klaret."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status: %d %s", res.StatusCode, res.Body)
	}
	dash := co.get("/plans/TEST-PLAN/dashboard?lang=en")
	if dash.StatusCode != http.StatusOK || !strings.Contains(dash.Body, "By responsible body") || !strings.Contains(dash.Body, "Reden International") {
		t.Errorf("dashboard: %d", dash.StatusCode)
	}
	exp := co.get("/plans/TEST-PLAN/export.yaml")
	if exp.StatusCode != http.StatusOK || !strings.Contains(exp.Body, "Klaret.") || !strings.Contains(exp.Header.Get("Content-Disposition"), "TEST-PLAN.yaml") {
		t.Errorf("export: %d %s", exp.StatusCode, exp.Header)
	}
	if csv := co.get("/plans/TEST-PLAN/export.csv"); csv.StatusCode != http.StatusOK || !strings.Contains(csv.Body, "1.1.2") {
		t.Errorf("export csv: %d", csv.StatusCode)
	}
	// Everyone signed in reads the plan; only coordinators and admins write.
	an := e.login("analyst")
	if res := an.get("/plans/TEST-PLAN"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "/status\"") {
		t.Errorf("analyst plan page: %d", res.StatusCode)
	}
	atok := an.csrf("/plans")
	if res := an.post("/plans/TEST-PLAN/activities/1.1.2/status", url.Values{"csrf": {atok}, "period": {"2014"}, "state": {"done"}, "text_da": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("analyst writes status: %d", res.StatusCode)
	}

	// The network.
	for _, g := range []*nrm.ReferenceGroup{
		{Code: "REF-NAT", NameDA: "National referencegruppe", Members: []nrm.GroupMember{{OrgCode: "CMM", State: true}, {OrgCode: "REDEN"}}},
		{Code: "REF-NORD", NameDA: "Referencegruppe Nordjylland", ParentCode: "REF-NAT", Members: []nrm.GroupMember{{NameDA: "Nordjyllands Politi", State: true}}},
	} {
		if err := e.db.SaveGroup(system, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.SaveOutreachService(system, &nrm.OutreachService{Code: "MOEDESTEDET", NameDA: "Mødestedet", Kind: nrm.OutreachMeetingPlace}); err != nil {
		t.Fatal(err)
	}
	res = co.post("/network/meetings", url.Values{"csrf": {tok}, "group_code": {"REF-NORD"}, "date": {"2011-11-15"}, "topics_da": {"Børn\nTvangsarbejde"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("meeting: %d %s", res.StatusCode, res.Body)
	}
	res = co.post("/network/outreach", url.Values{"csrf": {tok}, "service_code": {"MOEDESTEDET"}, "period": {"2011"}, "visits": {"lots"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "field-error") {
		t.Errorf("bad visits: %d", res.StatusCode)
	}
	res = co.post("/network/outreach", url.Values{"csrf": {tok}, "service_code": {"MOEDESTEDET"}, "period": {"2011"}, "visits": {"1234"}, "consultations": {"56"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("outreach: %d %s", res.StatusCode, res.Body)
	}
	page = an.get("/network")
	for _, want := range []string{"Nordjyllands Politi", "Børn; Tvangsarbejde", "1.234", "Ikke-statslige medlemmer", "Reden International"} {
		if !strings.Contains(page.Body, htmlEscape(want)) {
			t.Errorf("network page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, `action="/network/meetings`) {
		t.Errorf("analyst is offered the meeting form")
	}
}

// upload posts a multipart form with one file.
func (c *client) upload(path, tok, name, content string, extra url.Values) *response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", tok)
	for k, vs := range extra {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw := must(mw.CreateFormFile("file", name))(c.t)
	fw.Write([]byte(content))
	mw.Close()
	req := must(http.NewRequest(http.MethodPost, c.env.ts.URL+path, &buf))(c.t)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestAdminAndAudit(t *testing.T) {
	e := newTestEnv(t)
	a := e.login("admin")
	tok := a.csrf("/admin/users")
	res := a.post("/admin/users", url.Values{"csrf": {tok}, "username": {"newbie"}, "role": {"caseworker"}, "org": {"REDEN"}, "password": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "field-error") || strings.Contains(res.Body, `value="short"`) {
		t.Errorf("weak password: %d", res.StatusCode)
	}
	res = a.post("/admin/users", url.Values{"csrf": {tok}, "username": {"newbie"}, "display_name": {"New Caseworker"}, "role": {"caseworker"}, "org": {"REDEN"}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create user: %d %s", res.StatusCode, res.Body)
	}
	if page := a.get("/admin/users"); !strings.Contains(page.Body, "New Caseworker") {
		t.Errorf("user not listed")
	}
	e.login("newbie")
	if res := a.post("/admin/users/newbie/disabled", url.Values{"csrf": {tok}, "disabled": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("disable: %d", res.StatusCode)
	}
	// The auditor sees the log and verifies the chain.
	c := e.newCase("DK-AUDIT", nrm.ResidenceLegal)
	a.get(fmt.Sprintf("/cases/%d", c.ID))
	au := e.login("auditor")
	page := au.get("/audit?entity=case&verify=1")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "case.read") || !strings.Contains(page.Body, "Revisionsloggen er intakt") {
		t.Errorf("audit page: %d", page.StatusCode)
	}
	if strings.Contains(page.Body, "Test Person") {
		t.Error("audit page shows an identifier")
	}
}

func TestTOTPLogin(t *testing.T) {
	e := newTestEnv(t)
	// Enrol on the account page: the secret is shown as a QR code and as
	// text; the first code turns it on.
	w := e.login("worker")
	tok := w.csrf("/account")
	page := w.post("/account/totp", url.Values{"csrf": {tok}})
	m := regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`).FindStringSubmatch(page.Body)
	if page.StatusCode != http.StatusOK || m == nil || !strings.Contains(page.Body, `<div class="qr"><svg`) {
		t.Fatalf("enrol: %d", page.StatusCode)
	}
	secret := m[1]
	if res := w.post("/account/totp/confirm", url.Values{"csrf": {tok}, "code": {"123"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad first code: %d", res.StatusCode)
	}
	code := must(auth.TOTPCode(secret, time.Now().Add(-30*time.Second)))(t)
	if res := w.post("/account/totp/confirm", url.Values{"csrf": {tok}, "code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res.StatusCode, res.Body)
	}
	if res := w.get("/account"); !strings.Contains(res.Body, tr(nrm.LangDA, "account.totp_on")) {
		t.Fatalf("TOTP not shown as on")
	}

	c := e.client()
	tok = c.csrf("/login")
	res := c.post("/login", url.Values{"csrf": {tok}, "username": {"worker"}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/totp" {
		t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// A pending session opens nothing.
	if res := c.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("pending session reached /cases: %d", res.StatusCode)
	}
	page = c.get("/login/totp")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `autocomplete="one-time-code"`) {
		t.Fatalf("TOTP form: %d", page.StatusCode)
	}
	tok = csrfInput.FindStringSubmatch(page.Body)[1]
	if res := c.post("/login/totp", url.Values{"csrf": {tok}, "code": {"000000"}}); res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, tr(nrm.LangDA, "login.totp_failed")) {
		t.Fatalf("wrong code: %d", res.StatusCode)
	}
	code = must(auth.TOTPCode(secret, time.Now()))(t)
	if res := c.post("/login/totp", url.Values{"csrf": {tok}, "code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code: %d %s", res.StatusCode, res.Body)
	}
	if res := c.get("/cases"); res.StatusCode != http.StatusOK {
		t.Fatalf("after TOTP: %d", res.StatusCode)
	}
}

func TestChangePassword(t *testing.T) {
	e := newTestEnv(t)
	w := e.login("worker")
	tok := w.csrf("/account")
	newPW := "a-brand-new-passphrase"
	if res := w.post("/account/password", url.Values{"csrf": {tok}, "current_password": {"wrong-password-1"}, "new_password": {newPW}, "repeat_password": {newPW}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tr(nrm.LangDA, "account.wrong_password")) {
		t.Fatalf("wrong current password: %d", res.StatusCode)
	}
	if res := w.post("/account/password", url.Values{"csrf": {tok}, "current_password": {testPassword}, "new_password": {"short"}, "repeat_password": {"short"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "field-error") {
		t.Fatalf("weak password: %d", res.StatusCode)
	}
	res := w.post("/account/password", url.Values{"csrf": {tok}, "current_password": {testPassword}, "new_password": {newPW}, "repeat_password": {newPW}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?changed=1" {
		t.Fatalf("change: %d %s", res.StatusCode, res.Body)
	}
	// Every session ended; the new password works.
	if res := w.get("/cases"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("old session still valid: %d", res.StatusCode)
	}
	c := e.client()
	tok = c.csrf("/login?changed=1")
	if res := c.post("/login", url.Values{"csrf": {tok}, "username": {"worker"}, "password": {newPW}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new password: %d", res.StatusCode)
	}
}

func TestReportDownloads(t *testing.T) {
	e := newTestEnv(t)
	var gotK []int
	render := testRenderer(e.db)
	srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, Render: func(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) ([]byte, string, error) {
		gotK = append(gotK, k)
		if format == "json" {
			return []byte(`{"year":2011}`), "application/json", nil
		}
		return render(ctx, format, q, lang, k, period)
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.ts.Config.Handler = srv.Handler()
	e.newCase("DK-DL", nrm.ResidenceIrregular)
	a := e.login("admin")
	page := a.get("/stats?year=2011")
	for _, f := range reportFormats {
		if !strings.Contains(page.Body, `id="download-`+f+`"`) {
			t.Errorf("no %s button", f)
		}
	}
	for format, want := range map[string]string{"pdf": "%PDF", "html": "<!DOCTYPE html", "md": "#", "xlsx": "PK", "json": "{"} {
		res := a.get("/stats/report/" + format + "?year=2011&cutoff=2012-03-01")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(res.Body), want) ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "statusrapport-2011."+format) {
			t.Errorf("%s: %d %q %s", format, res.StatusCode, res.Body[:min(len(res.Body), 20)], res.Header.Get("Content-Disposition"))
		}
	}
	if res := a.get("/stats/report/docx?year=2011"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown format: %d", res.StatusCode)
	}
	if res := a.get("/stats/report/pdf?year=twenty"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad year: %d", res.StatusCode)
	}
	// Published downloads and every analyst download use k = 3.
	gotK = nil
	a.get("/stats/report/md?year=2011&published=1")
	e.login("analyst").get("/stats/report/md?year=2011")
	if len(gotK) != 2 || gotK[0] != 3 || gotK[1] != 3 {
		t.Errorf("k passed to the renderer: %v", gotK)
	}
}
