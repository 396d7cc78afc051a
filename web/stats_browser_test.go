package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestStatisticsInBrowser walks the statistics and the published
// editions in Chromium as each role, in Danish and in English, at 1280
// and at 390 px: the administrator publishes an edition through the
// form, and every other role then sees the published view served from
// it; a caseworker and an assessor switch to their organisation's exact
// figures; no page scrolls sideways on a phone.
func TestStatisticsInBrowser(t *testing.T) {
	needChromium(t)
	shots := screenshotDir(t)
	e := newEditionEnv(t)
	base := e.ts.URL
	ctx := newBrowser(t, 4*time.Minute)
	failShot := func(name string) {
		if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(shots, "stats-failed-"+name+".png"), buf, 0o644)
		}
	}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			failShot(strings.ReplaceAll(name, " ", "-"))
			t.Fatalf("%s: %v", name, err)
		}
	}
	open := func(path string) {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
		if err != nil || res.Status != http.StatusOK {
			failShot("open")
			t.Fatalf("open %s: %v %v", path, err, res)
		}
	}
	body := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// fits photographs the page at 1280 and 390 px and fails when the
	// phone must scroll sideways.
	fits := func(name string) {
		t.Helper()
		for _, w := range []int64{1280, 390} {
			step("width", chromedp.EmulateViewport(w, 900, chromedp.EmulateMobile))
			if w == 1280 {
				step("width", chromedp.EmulateViewport(w, 900))
			}
			sw, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil || len(sw) != 2 {
				t.Fatalf("%s: width: %v %v", name, sw, err)
			}
			// On a phone an overflowing page widens the layout viewport
			// too (innerWidth grows with it), so both are compared with
			// the width asked for.
			if sw[0] > int(w)+1 || sw[1] > int(w)+1 {
				wide := must(chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > `+strconv.Itoa(int(w))+` + 1 && !e.closest(".table-wrap")).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))`)))(t)
				t.Errorf("%s at %d px scrolls sideways: scrollWidth %d, innerWidth %d (%v)", name, w, sw[0], sw[1], wide)
			}
			if buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil && w == 390 {
				os.WriteFile(filepath.Join(shots, name+"-390-top.png"), buf, 0o644) // what a phone shows first
			}
			if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(shots, name+"-"+map[int64]string{1280: "1280", 390: "390"}[w]+".png"), buf, 0o644)
			}
		}
		step("wide", chromedp.EmulateViewport(1280, 900))
	}
	login := func(user string) {
		t.Helper()
		open("/login")
		step("credentials", chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), testPassword))
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`))); err != nil {
			t.Fatalf("sign in %s: %v", user, err)
		}
	}
	logout := func() {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`))); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}
	has := func(where, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				failShot("has")
				t.Errorf("%s: %q missing", where, w)
			}
		}
	}

	// The administrator publishes the 2011 edition through the form.
	login("admin")
	open("/stats/editions?year=2011&lang=en")
	fits("editions-admin-en")
	step("confirm", chromedp.Click(chromedp.ID("publish-confirm")))
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	res, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.ID("publish-edition")))
	cancel()
	if err != nil || res.Status != http.StatusOK {
		failShot("publish")
		t.Fatalf("publish: %v %v", err, res)
	}
	has("editions after publishing", body(), "2012-03-01")
	if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("edition-1"))); err != nil {
		t.Fatalf("edition 1 is not listed: %v", err)
	}
	fits("editions-published-en")
	open("/stats/editions?year=2011&lang=da")
	has("editions (da)", body(), "Udgave", "Offentliggjort")
	fits("editions-published-da")
	open("/stats?year=2011&lang=da")
	has("admin's exact statistics (da)", body(), "ændret siden udgave 1")
	fits("stats-admin-da")
	logout()

	words := map[string][]string{"da": {"Nøgletal", "udgave 1 af 2011"}, "en": {"Key numbers", "edition 1 of 2011"}}
	for _, u := range []struct {
		name string
		org  bool
	}{{"worker", true}, {"assessor-us", true}, {"coord", false}, {"analyst", false}} {
		login(u.name)
		for _, lang := range []string{"da", "en"} {
			open("/stats?year=2011&lang=" + lang)
			page := body()
			has(u.name+" "+lang, page, words[lang]...)
			fits("stats-" + u.name + "-" + lang)
			if u.org {
				step("choose scope", chromedp.SetValue(chromedp.ID("scope"), "organisation"))
				sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				res, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/stats"] button[type="submit"]`)))
				cancel()
				if err != nil || res.Status != http.StatusOK {
					failShot("scope")
					t.Fatalf("%s: scope: %v %v", u.name, err, res)
				}
				note, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("org-scope")))
				if err != nil {
					t.Fatalf("%s: no note on the organisation's figures: %v", u.name, err)
				}
				has(u.name+" organisation note", note, map[string]string{"da": "nøjagtige tal", "en": "exact figures"}[lang])
				fits("stats-org-" + u.name + "-" + lang)
			}
		}
		logout()
	}
}
