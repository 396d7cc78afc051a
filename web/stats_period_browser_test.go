package web

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPeriodSelectorInBrowser: in Chromium, at 390 and 1280 px, in
// Danish and English, the statistics page with the period selector does
// not scroll sideways; choosing a period and showing the page puts it in
// the report downloads' links.
func TestPeriodSelectorInBrowser(t *testing.T) {
	needChromium(t)
	e := newEditionEnv(t)
	if err := e.db.SavePlan(system, periodPlan()); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 3*time.Minute)
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	open := func(path string) {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(e.ts.URL+path))
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("open %s: %v %v", path, err, res)
		}
	}
	open("/login")
	do("credentials", chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	if _, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	cancel()
	for _, lang := range []string{"da", "en"} {
		open("/stats?year=2011&lang=" + lang)
		for _, w := range []int64{390, 1280} {
			if w == 390 {
				do("phone", chromedp.EmulateViewport(w, 844, chromedp.EmulateMobile))
			} else {
				do("desktop", chromedp.EmulateViewport(w, 800))
			}
			sw := must(chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth, document.getElementById("period").getBoundingClientRect().right]`)))(t)
			if sw[0] > float64(w)+1 || sw[1] > float64(w)+1 || sw[2] > float64(w) {
				t.Errorf("%s at %d px scrolls sideways: scrollWidth %.0f, innerWidth %.0f, the selector ends at %.0f", lang, w, sw[0], sw[1], sw[2])
			}
		}
	}
	do("choose", chromedp.SetValue(chromedp.ID("period"), "2011-autumn"))
	sctx, cancel = context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/stats"] button[type="submit"]`))); err != nil {
		t.Fatalf("show: %v", err)
	}
	href := must(chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("download-md").href`)))(t)
	if want := e.ts.URL + "/stats/report/md?year=2011&cutoff=2012-03-01&period=2011-autumn"; href != want {
		t.Errorf("download link %q, want %q", href, want)
	}
}
