package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	demoplan "nrm/demo/plan"
	"nrm/planio"
)

// TestPlanPagesInBrowser opens the action plan, its dashboard, its work
// page (outputs, funding, working groups) as a coordinator and as a
// caseworker in Chromium, in Danish and English, at 1280 and 390 px: the
// amounts and periods read in the page's language and no page scrolls
// sideways on a phone.
// periodCode is a status period as stored ("2012-spring"), which a page
// shows as "forår 2012" / "spring 2012".
var periodCode = regexp.MustCompile(`\b\d{4}-(spring|autumn|h[12]|q[1-4])\b`)

func TestPlanPagesInBrowser(t *testing.T) {
	needChromium(t)
	shots := screenshotDir(t)
	e := newEditionEnv(t)
	read := func(name string) []byte {
		b, err := fs.ReadFile(demoplan.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plan, err := planio.ReadPlanYAML(bytes.NewReader(read("actionplan_2011_2014.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SavePlan(system, plan); err != nil {
		t.Fatal(err)
	}
	work, err := planio.ReadOutputsYAML(bytes.NewReader(read("outputs_2011_2014.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ImportPlanWork(system, plan.Code, work.Outputs, work.Funding, true, true); err != nil {
		t.Fatal(err)
	}
	groups, err := planio.ReadWorkGroupsYAML(bytes.NewReader(read("workgroups.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if err := e.db.SaveWorkGroup(system, g); err != nil {
			t.Fatal(err)
		}
	}
	eval, err := planio.ReadOutputsYAML(bytes.NewReader(read("evaluation_2011_2014.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveEvaluation(system, plan.Code, eval.Evaluation); err != nil {
		t.Fatal(err)
	}
	network, err := planio.ReadNetworkYAML(bytes.NewReader(read("network.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for i := range network.Services {
		if err := e.db.SaveOutreachService(system, &network.Services[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range network.Stats {
		if err := e.db.SaveOutreachStat(system, &network.Stats[i]); err != nil {
			t.Fatal(err)
		}
	}
	base := e.ts.URL
	ctx := newBrowser(t, 8*time.Minute) // 36 pages at two widths; a loaded machine is slow
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	open := func(path string) string {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("open %s: %v %v", path, err, res)
		}
		// The tables' text: what the page shows as figures and periods
		// (a form's hint may spell the period syntax one types).
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("main table")).map(t => t.innerText).join("\n")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	fits := func(name string) {
		t.Helper()
		for _, w := range []int64{1280, 390} {
			if w == 390 {
				step("phone", chromedp.EmulateViewport(w, 900, chromedp.EmulateMobile))
			} else {
				step("wide", chromedp.EmulateViewport(w, 900))
			}
			sw, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil || len(sw) != 2 {
				t.Fatalf("%s: width %v %v", name, sw, err)
			}
			if sw[0] > int(w)+1 || sw[1] > int(w)+1 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > `+strconv.Itoa(int(w))+` + 1 && !e.closest(".table-wrap, .mech-scroll")).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))`))
				t.Errorf("%s at %d px scrolls sideways: scrollWidth %d, innerWidth %d (%v)", name, w, sw[0], sw[1], wide)
			}
			if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(shots, name+"-"+strconv.Itoa(int(w))+".png"), buf, 0o644)
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
	code := plan.Code
	for _, user := range []string{"coord", "worker"} {
		login(user)
		for _, lang := range []string{"da", "en"} {
			for _, p := range []struct{ name, path string }{
				{"plans", "/plans"}, {"plan", "/plans/" + code}, {"dashboard", "/plans/" + code + "/dashboard"},
				{"work", "/plans/" + code + "/work"}, {"outputs", "/plans/" + code + "/outputs"},
				{"funding", "/plans/" + code + "/funding"}, {"workgroups", "/workgroups"},
				{"evaluation", "/plans/" + code + "/evaluation"}, {"plan workgroups", "/workgroups?plan=" + code},
			} {
				text := open(p.path + "?lang=" + lang)
				if lang == "da" && periodCode.MatchString(text) {
					for _, line := range strings.Split(text, "\n") {
						if periodCode.MatchString(line) {
							t.Errorf("%s %s (da) shows a period code: %.200q", user, p.name, line)
							break
						}
					}
				}
				if lang == "en" && (periodCode.MatchString(text) || strings.Contains(text, "forår") || strings.Contains(text, "mio. kr.")) {
					t.Errorf("%s %s (en) shows Danish", user, p.name)
				}
				fits("plan-" + p.name + "-" + user + "-" + lang)
			}
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)))
		cancel()
	}
}
