package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/auth"
	"nrm/sqlstore"
)

// shows fails unless the page shows the label key in Danish (escaped
// as the template prints it).
func shows(t *testing.T, what string, res *response, key string) {
	t.Helper()
	if !strings.Contains(res.Body, html.EscapeString(tr(nrm.LangDA, key))) {
		t.Errorf("%s: %q not shown (status %d)", what, key, res.StatusCode)
	}
}

// gated fails unless the request was sent to the account page.
func gated(t *testing.T, what string, res *response) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Errorf("%s: %d to %q, want the account page", what, res.StatusCode, res.Header.Get("Location"))
	}
}

// signInForm posts the sign-in form with a password and returns the answer.
func signInForm(e *testEnv, username, password string) (*client, *response) {
	e.t.Helper()
	c := e.client()
	res := c.post("/login", url.Values{"csrf": {c.csrf("/login")}, "username": {username}, "password": {password}})
	return c, res
}

// enrolWeb turns on TOTP for username through storage and returns the
// secret (the confirming code is from the previous step, so that the
// current one is still unused).
func enrolWeb(t *testing.T, db *sqlstore.DB, username string) string {
	t.Helper()
	u, err := db.FindUserByUsername(system, username)
	if err != nil {
		t.Fatal(err)
	}
	ctx := nrm.NewContextWithActor(context.Background(), u.Actor("test"))
	raw, err := db.EnrollTOTP(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	p := must(url.Parse(raw))(t)
	secret := p.Query().Get("secret")
	code := must(auth.TOTPCode(secret, db.Now().Add(-30*time.Second)))(t)
	if err := db.ConfirmTOTP(ctx, username, code); err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestOneTimePasswordMustBeChanged(t *testing.T) {
	e := newTestEnv(t)
	a := e.login("admin")
	const given = "handed over on paper"
	res := a.post("/admin/users", url.Values{"csrf": {a.csrf("/admin/users")}, "username": {"nina"}, "display_name": {"Nina"},
		"role": {"caseworker"}, "org": {"REDEN"}, "lang": {"da"}, "password": {given}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	if list := a.get("/admin/users"); !strings.Contains(list.Body, html.EscapeString(tr(nrm.LangDA, "users.onetime_until"))) {
		t.Error("the user list does not show the one-time password")
	}
	n := e.loginWith("nina", given)

	// Every page and form leads to the password change first.
	for _, p := range []string{"/", "/cases", "/cases/new", "/stats", "/plans", "/referrals", "/admin/users", "/login", "/no-such-page"} {
		gated(t, p, n.get(p))
	}
	_, before := must2(e.db.FindCases(system, nrm.CaseFilter{}))(t)
	gated(t, "new case", n.post("/cases", url.Values{"csrf": {n.csrf("/account")}, "ref": {"DK-GATED"}, "gender": {"female"}, "nationality": {"NG"}}))
	if _, after := must2(e.db.FindCases(system, nrm.CaseFilter{}))(t); after != before {
		t.Fatal("a post got through before the password change")
	}
	res = n.post("/account/totp", url.Values{"csrf": {n.csrf("/account")}})
	if u := must(e.db.FindUserByUsername(system, "nina"))(t); u.TOTPEnabled || res.Header.Get("Location") != "/account#password" {
		t.Fatalf("enrolment before the password change: %q", res.Header.Get("Location"))
	}
	// The API with the session cookie is held up too; an API token is not
	// a session and works.
	res = n.api("GET", "/api/v1/cases", "")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, `"forbidden"`) || !strings.Contains(res.Body, tr(nrm.LangDA, "setup.api")) {
		t.Errorf("API with the cookie: %d %s", res.StatusCode, res.Body)
	}
	tok, err := e.db.CreateAPIToken(system, "nina", "integration")
	if err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	res = anon.api("GET", "/api/v1/cases", "", "Authorization", "Bearer "+tok)
	if res.StatusCode != http.StatusOK {
		t.Errorf("API token of a user with a one-time password: %d", res.StatusCode)
	}

	// The account page explains and offers the password form only.
	page := n.get("/account")
	shows(t, "account page", page, "setup.password")
	if !strings.Contains(page.Body, `action="/account/password`) || strings.Contains(page.Body, `action="/account/totp`) || strings.Contains(page.Body, `aria-label="Hovedmenu"`) {
		t.Error("the set-up page shows more than the password change")
	}
	// The same password again is refused; a new one ends the session.
	res = n.post("/account/password", url.Values{"csrf": {n.csrf("/account")}, "current_password": {given}, "new_password": {given}, "repeat_password": {given}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("same password: %d", res.StatusCode)
	}
	shows(t, "same password", res, "account.same_password")
	const own = "nina's very own passphrase"
	res = n.post("/account/password", url.Values{"csrf": {n.csrf("/account")}, "current_password": {given}, "new_password": {own}, "repeat_password": {own}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?changed=1" {
		t.Fatalf("change: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := n.get("/account"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("the session of the one-time password survived: %d", res.StatusCode)
	}
	// The one-time password never works again.
	if _, res := signInForm(e, "nina", given); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("one-time password after the change: %d", res.StatusCode)
	}
	n = e.loginWith("nina", own)
	if res := n.get("/cases"); res.StatusCode != http.StatusOK {
		t.Fatalf("after the change: %d", res.StatusCode)
	}
}

func TestExpiredOneTimePassword(t *testing.T) {
	e := newTestEnv(t)
	if err := e.db.SetSetting(system, nrm.SettingPasswordOneTimeHours, "1"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateUser(system, &nrm.User{Username: "late", Role: nrm.RoleAnalyst, Org: "CMM"}, "the given one-time passphrase"); err != nil {
		t.Fatal(err)
	}
	e.db.Now = func() time.Time { return time.Now().Add(61 * time.Minute) }
	_, res := signInForm(e, "late", "the given one-time passphrase")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired: %d", res.StatusCode)
	}
	shows(t, "expired", res, "login.onetime_expired")
	// A wrong password learns nothing of it.
	_, res = signInForm(e, "late", "some other passphrase")
	if strings.Contains(res.Body, html.EscapeString(tr(nrm.LangDA, "login.onetime_expired"))) {
		t.Error("a wrong password is told the one-time password expired")
	}
	shows(t, "wrong password", res, "login.failed")
}

var recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)

func TestTwoFactorRequiredSetUp(t *testing.T) {
	e := newTestEnv(t)
	// The production default: administrators, coordinators, assessors.
	if err := e.db.ResetSetting(system, nrm.SettingTwoFactorRoles); err != nil {
		t.Fatal(err)
	}
	if w := e.login("worker"); w.get("/cases").StatusCode != http.StatusOK {
		t.Fatal("a caseworker is held up without a requirement")
	}
	c := e.login("assessor-us")
	gated(t, "cases", c.get("/cases"))
	page := c.get("/account")
	shows(t, "enrol", page, "setup.totp")
	if strings.Contains(page.Body, `action="/account/password`) {
		t.Error("the enrolment step shows the password form")
	}
	page = c.post("/account/totp", url.Values{"csrf": {c.csrf("/account")}})
	m := regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no secret: %d", page.StatusCode)
	}
	code := must(auth.TOTPCode(m[1], time.Now().Add(-30*time.Second)))(t)
	if res := c.post("/account/totp/confirm", url.Values{"csrf": {c.csrf("/account")}, "code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	// The recovery codes are the last step.
	gated(t, "cases before the codes", c.get("/cases"))
	page = c.get("/account")
	shows(t, "codes step", page, "setup.recovery")
	res := c.post("/account/recovery", url.Values{"csrf": {c.csrf("/account")}})
	codes := recoveryCodeRE.FindAllStringSubmatch(res.Body, -1)
	if res.StatusCode != http.StatusOK || len(codes) != nrm.RecoveryCodeCount {
		t.Fatalf("codes: %d, %d shown", res.StatusCode, len(codes))
	}
	shows(t, "codes", res, "account.recovery_shown")
	if res := c.get("/cases"); res.StatusCode != http.StatusOK {
		t.Fatalf("after the set-up: %d", res.StatusCode)
	}
	// Shown once: the account page counts them, never repeats them.
	page = c.get("/account")
	if strings.Contains(page.Body, codes[0][1]) || !strings.Contains(page.Body, `id="recovery-left">10<`) {
		t.Error("the account page repeats the codes or does not count them")
	}

	// A recovery code stands in for the app's code, once.
	signIn := func() *client {
		t.Helper()
		s, res := signInForm(e, "assessor-us", testPassword)
		if res.Header.Get("Location") != "/login/totp" {
			t.Fatalf("password step: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		return s
	}
	s := signIn()
	form := s.get("/login/totp")
	shows(t, "code step", form, "login.recovery_help")
	if res := s.post("/login/totp", url.Values{"csrf": {csrfInput.FindStringSubmatch(form.Body)[1]}, "code": {strings.ToUpper(codes[3][1])}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", res.StatusCode)
	}
	if res := s.get("/cases"); res.StatusCode != http.StatusOK {
		t.Fatalf("after a recovery code: %d", res.StatusCode)
	}
	if !strings.Contains(s.get("/account").Body, `id="recovery-left">9<`) {
		t.Error("a used code is still counted")
	}
	s = signIn()
	if res := s.post("/login/totp", url.Values{"csrf": {s.csrf("/login/totp")}, "code": {codes[3][1]}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the same recovery code again: %d", res.StatusCode)
	}
	// New codes from the account page void the old ones.
	res = c.post("/account/recovery", url.Values{"csrf": {c.csrf("/account")}})
	fresh := recoveryCodeRE.FindAllStringSubmatch(res.Body, -1)
	if len(fresh) != nrm.RecoveryCodeCount {
		t.Fatalf("new codes: %d", len(fresh))
	}
	s = signIn()
	if res := s.post("/login/totp", url.Values{"csrf": {s.csrf("/login/totp")}, "code": {codes[4][1]}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an old code after new ones: %d", res.StatusCode)
	}
	s = signIn()
	if res := s.post("/login/totp", url.Values{"csrf": {s.csrf("/login/totp")}, "code": {fresh[0][1]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new code: %d", res.StatusCode)
	}
}

func TestAdminResetsPasswordAndTwoFactor(t *testing.T) {
	e := newTestEnv(t)
	w := e.login("worker")
	enrolWeb(t, e.db, "worker")
	a := e.login("admin")
	list := a.get("/admin/users")
	if !strings.Contains(list.Body, `action="/admin/users/worker/password`) || !strings.Contains(list.Body, `action="/admin/users/worker/twofactor"`) ||
		strings.Contains(list.Body, `action="/admin/users/admin/password`) {
		t.Fatal("reset buttons missing, or offered on one's own row")
	}

	// A new one-time password, shown once.
	res := a.post("/admin/users/worker/password", url.Values{"csrf": {a.csrf("/admin/users")}})
	m := regexp.MustCompile(`<code id="issued-password">([a-z2-9-]{23})</code>`).FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if strings.Contains(a.get("/admin/users").Body, m[1]) {
		t.Error("the one-time password is shown again")
	}
	entries := must(e.db.FindAudit(system, sqlstore.AuditFilter{Entity: "user"}))(t)
	found := false
	for _, en := range entries {
		if strings.Contains(en.Detail, m[1]) {
			t.Fatalf("the password is in the audit log: %q", en.Detail)
		}
		found = found || (en.Action == "user.password_reset" && en.Username == "admin")
	}
	if !found {
		t.Error("the reset is not audited")
	}
	if res := w.get("/cases"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("the user's session survived the reset: %d", res.StatusCode)
	}
	if _, res := signInForm(e, "worker", testPassword); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("old password after the reset: %d", res.StatusCode)
	}
	if u := must(e.db.FindUserByUsername(system, "worker"))(t); !u.MustChangePassword() || !u.TOTPEnabled {
		t.Fatal("the reset password is not one-time, or the reset took two-factor too")
	}

	// Two-factor: the user enrols again.
	if res := a.post("/admin/users/worker/twofactor", url.Values{"csrf": {a.csrf("/admin/users")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset two-factor: %d", res.StatusCode)
	}
	shows(t, "notice", a.get("/admin/users?totp_reset=1"), "users.totp_reset")
	if u := must(e.db.FindUserByUsername(system, "worker"))(t); u.TOTPEnabled {
		t.Fatal("two-factor still on")
	}
	entries = must(e.db.FindAudit(system, sqlstore.AuditFilter{Entity: "user"}))(t)
	if last := entries[len(entries)-1]; last.Action != "user.totp_reset" || last.Username != "admin" {
		t.Errorf("two-factor reset audit: %s by %s", last.Action, last.Username)
	}
	// Not one's own two-factor; not by anyone but an administrator; not
	// without the form's token.
	enrolWeb(t, e.db, "admin")
	if res := a.post("/admin/users/admin/twofactor", url.Values{"csrf": {a.csrf("/admin/users")}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("own two-factor reset: %d", res.StatusCode)
	}
	co := e.login("coord")
	for _, p := range []string{"/admin/users/analyst/password", "/admin/users/analyst/twofactor"} {
		if res := co.post(p, url.Values{"csrf": {co.csrf("/plans")}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("coordinator %s: %d", p, res.StatusCode)
		}
		if res := a.post(p, url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s without a CSRF token: %d", p, res.StatusCode)
		}
	}
	if u := must(e.db.FindUserByUsername(system, "analyst"))(t); u.MustChangePassword() {
		t.Error("a refused reset changed the password")
	}
}

func TestSettingsPage(t *testing.T) {
	e := newTestEnv(t)
	a := e.login("admin")
	page := a.get("/admin/settings")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("settings: %d", page.StatusCode)
	}
	en := a.get("/admin/settings?lang=en")
	for _, d := range nrm.Settings() {
		if !strings.Contains(page.Body, html.EscapeString(d.Label(nrm.LangDA))) || !strings.Contains(en.Body, html.EscapeString(d.Label(nrm.LangEN))) {
			t.Errorf("%s not listed in both languages", d.Key)
		}
	}
	a.get("/admin/settings?lang=da")
	tok := a.csrf("/admin/settings")

	// A refused value: the message names the setting and what it takes.
	res := a.post("/admin/settings/password.onetime_hours", url.Values{"csrf": {tok}, "value": {"0"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "field-error") ||
		!strings.Contains(res.Body, "Engangsadgangskoders gyldighed (timer) er uden for det tilladte interval") ||
		!strings.Contains(res.Body, "et helt antal timer fra 1 til 720") {
		t.Fatalf("refused value: %d", res.StatusCode)
	}
	if v := must(e.db.Setting(system, nrm.SettingPasswordOneTimeHours))(t); v != "" {
		t.Fatalf("refused value stored: %q", v)
	}
	res = a.post("/admin/settings/password.onetime_hours", url.Values{"csrf": {tok}, "value": {"24"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if v := must(e.db.Setting(system, nrm.SettingPasswordOneTimeHours))(t); v != "24" {
		t.Fatalf("stored %q", v)
	}
	entries := must(e.db.FindAudit(system, sqlstore.AuditFilter{Entity: "setting"}))(t)
	if last := entries[len(entries)-1]; last.Action != "setting.save" || last.EntityID != "password.onetime_hours" || last.Username != "admin" || last.Detail != `from default to "24"` {
		t.Errorf("audit: %+v", last)
	}
	if res := a.post("/admin/settings/password.onetime_hours", url.Values{"csrf": {tok}, "reset": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if vals := must(e.db.FindSettings(system))(t); vals[0].Set {
		t.Error("reset left the value")
	}
	if res := a.post("/admin/settings/password.forever", url.Values{"csrf": {tok}, "value": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown key: %d", res.StatusCode)
	}
	// Administrators only.
	co := e.login("coord")
	if res := co.get("/admin/settings"); res.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator sees settings: %d", res.StatusCode)
	}
	if res := co.post("/admin/settings/reconsideration.days", url.Values{"csrf": {co.csrf("/plans")}, "value": {"40"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator changes a setting: %d", res.StatusCode)
	}
}
