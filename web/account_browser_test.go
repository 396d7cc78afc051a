package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nrm"
	"nrm/auth"
)

// TestAccountSetUpInBrowser walks the first sign-in of an administrator
// created like the demo's ("nrm demo" prints a one-time password) in
// Chromium with the production two-factor default: the one-time
// password, the forced change, signing in again, enrolling an
// authenticator, taking the recovery codes, and later signing in with a
// recovery code; then the settings and users pages. Each set-up page is
// checked at 390 px for sideways scrolling.
func TestAccountSetUpInBrowser(t *testing.T) {
	needChromium(t)
	shots := screenshotDir(t)
	_, db, base := browserServer(t)
	oneTime, err := auth.OneTimePassword()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(system, &nrm.User{Username: "admin", DisplayName: "Demo administrator", Role: nrm.RoleAdmin, Org: "CMM"}, oneTime); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 3*time.Minute)
	failShot := func(name string) {
		if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(shots, "account-failed-"+name+".png"), buf, 0o644)
		}
	}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			failShot(strings.ReplaceAll(name, " ", "-"))
			t.Fatalf("%s: %v", name, err)
		}
	}
	submit := func(name, sel string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		res, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil || res.Status != http.StatusOK {
			failShot(strings.ReplaceAll(name, " ", "-"))
			t.Fatalf("%s: %v %v", name, err, res)
		}
	}
	at := func(path string) {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil || !strings.HasPrefix(strings.TrimPrefix(loc, base), path) {
			failShot("location")
			t.Fatalf("at %q, want %s", loc, path)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			failShot("text")
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	// fits photographs the page at 390 and 1280 px and fails when the
	// phone must scroll sideways.
	fits := func(name string) {
		t.Helper()
		step("phone", chromedp.EmulateViewport(390, 900, chromedp.EmulateMobile))
		sw, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil || len(sw) != 2 || sw[0] > 391 || sw[1] > 391 {
			t.Errorf("%s scrolls sideways at 390 px: %v %v", name, sw, err)
		}
		if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(shots, "account-"+name+"-390.png"), buf, 0o644)
		}
		step("wide", chromedp.EmulateViewport(1280, 900))
		if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(shots, "account-"+name+"-1280.png"), buf, 0o644)
		}
	}
	signIn := func(password string) {
		t.Helper()
		step("login page", chromedp.Navigate(base+"/login?lang=en"), chromedp.WaitVisible(chromedp.ID("username")))
		step("credentials", chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), password))
		submit("sign in", `form[action="/login"] button[type="submit"]`)
	}

	// The one-time password leads to the password change, nowhere else.
	signIn(oneTime)
	at("/account")
	if s := text("#setup"); !strings.Contains(s, "one-time password") {
		t.Fatalf("set-up notice: %q", s)
	}
	if n := must(chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("nav a").length`)))(t); n != 0 {
		t.Errorf("the main menu is offered during the set-up (%d links)", n)
	}
	fits("password")
	step("change", chromedp.SendKeys(chromedp.ID("current_password"), oneTime),
		chromedp.SendKeys(chromedp.ID("new_password"), "the demo admin's own passphrase"),
		chromedp.SendKeys(chromedp.ID("repeat_password"), "the demo admin's own passphrase"))
	submit("change password", `form[action="/account/password#password"] button[type="submit"]`)
	at("/login")

	// Then two-factor sign-in with an authenticator, and recovery codes.
	signIn("the demo admin's own passphrase")
	at("/account")
	if s := text("#setup"); !strings.Contains(s, "two-factor") {
		t.Fatalf("set-up notice: %q", s)
	}
	submit("start two-factor", "#totp-start")
	secret := text("#totp-secret")
	fits("enrol")
	code := must(auth.TOTPCode(secret, time.Now().Add(-30*time.Second)))(t)
	step("code", chromedp.SendKeys(chromedp.ID("totp-code"), code))
	submit("confirm", `form[action="/account/totp/confirm#totp"] button[type="submit"]`)
	at("/account")
	if s := text("#setup"); !strings.Contains(s, "recovery codes") {
		t.Fatalf("set-up notice: %q", s)
	}
	submit("take codes", "#recovery-new")
	codes := strings.Fields(text("#recovery-codes"))
	if len(codes) != nrm.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown: %v", len(codes), codes)
	}
	fits("codes")
	submit("continue", `#recovery a[href="/"]`)
	at("/stats")

	// A recovery code signs in instead of the app's code.
	submit("sign out", `form[action="/logout"] button[type="submit"]`)
	signIn("the demo admin's own passphrase")
	at("/login/totp")
	fits("recovery-sign-in")
	step("recovery code", chromedp.SendKeys(chromedp.ID("code"), codes[0]))
	submit("verify", `form[action="/login/totp"] button[type="submit"]`)
	at("/stats")

	// The administrator's pages of this issue.
	for _, p := range []string{"/admin/settings", "/admin/users"} {
		step("open "+p, chromedp.Navigate(base+p))
		at(p)
		fits(strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "-"))
	}
}
