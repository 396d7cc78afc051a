package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	demoplan "nrm/demo/plan"
	"nrm/planio"
)

// pageKind names the kind of page a path is: segments that carry an id
// or a code (a digit or a capital letter) become {x}, so that /cases/12
// and /cases/40 are one kind and /cases/new another.
func pageKind(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.ContainsAny(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			parts[i] = "{x}"
		}
	}
	return strings.Join(parts, "/")
}

// skipLink tells which links are not pages to look at: downloads, the
// API, static files, other hosts.
var skipLink = regexp.MustCompile(`^/(api|static)/|\.(csv|ya?ml|json|xlsx|ods|pdf|png|svg|txt|zip)$|/report/|/export|/download`)

// untranslatedKey matches a translation key shown as text: a key the
// table lacks is rendered as itself ("cases.sort_ref").
func untranslatedKey() *regexp.Regexp {
	prefixes := map[string]bool{}
	for k := range translations {
		if p, _, ok := strings.Cut(k, "."); ok {
			prefixes[regexp.QuoteMeta(p)] = true
		}
	}
	var ps []string
	for p := range prefixes {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return regexp.MustCompile(`\b(` + strings.Join(ps, "|") + `)\.[a-z][a-z0-9_]*\b`)
}

// TestEveryPageFitsAPhone signs in as each role and visits every kind of
// page the role can reach — the links of the navigation and, from there,
// of the pages' content (the first case, the first plan, …), three links
// deep — in Danish and English, at 390 × 844 (a phone) and 1280 × 800:
// no page scrolls sideways and none shows an untranslated label. The
// pages are found by following links (the header's too: the account
// page), so that pages added later are covered without a list to keep.
func TestEveryPageFitsAPhone(t *testing.T) {
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
	groups, err := planio.ReadWorkGroupsYAML(bytes.NewReader(read("workgroups.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if err := e.db.SaveWorkGroup(system, g); err != nil {
			t.Fatal(err)
		}
	}
	base := e.ts.URL
	ctx := newBrowser(t, 9*time.Minute)
	keyRE := untranslatedKey()
	run := func(name string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	shot := func(name string) {
		if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
			os.WriteFile(filepath.Join(shots, "phone-"+strings.NewReplacer("/", "_", "{", "", "}", "").Replace(name)+".png"), buf, 0o644)
		}
	}
	// open loads a page; it reports whether the page answered 200.
	open := func(path string) (int64, error) {
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
		if err != nil {
			return 0, err
		}
		return res.Status, nil
	}
	// links returns the local links of the navigation and the content.
	links := func() []string {
		hrefs := must(chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("header a[href], main a[href]")).filter(a => !a.hasAttribute("download")).map(a => a.getAttribute("href"))`)))(t)
		var out []string
		for _, h := range hrefs {
			u, err := url.Parse(h)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") || skipLink.MatchString(u.Path) {
				continue
			}
			q := u.Query()
			q.Del("lang")
			u.RawQuery, u.Fragment = q.Encode(), ""
			out = append(out, u.String())
		}
		return out
	}
	// check measures the open page at both widths.
	check := func(name string) {
		t.Helper()
		for _, w := range []int64{390, 1280} {
			if w == 390 {
				run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			} else {
				run("desktop", chromedp.EmulateViewport(1280, 800))
			}
			sw := must(chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`)))(t)
			// On a phone an overflowing page widens the layout viewport
			// too (innerWidth grows with it): both are compared with the
			// width asked for.
			if sw[0] > int(w)+1 || sw[1] > int(w)+1 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > `+strconv.Itoa(int(w))+` + 1 && !e.closest(".table-wrap, .mech-scroll, table.list")).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className : ""))`))
				t.Errorf("%s at %d px scrolls sideways: scrollWidth %d, innerWidth %d (%v)", name, w, sw[0], sw[1], wide)
				shot(name + "-" + strconv.Itoa(int(w)))
			}
		}
		// The visible text, without codes, references and what was typed.
		text := must(chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const b = document.body.cloneNode(true);
			b.querySelectorAll("code, .ref, .code, input, textarea, select, datalist, script, td.detail").forEach(e => e.remove());
			return b.innerText; })()`)))(t)
		if m := keyRE.FindString(text); m != "" {
			t.Errorf("%s shows the untranslated label %q", name, m)
		}
	}

	for _, user := range []string{"admin", "worker", "assessor-us", "coord", "analyst", "auditor"} {
		if status, err := open("/login"); err != nil || status != http.StatusOK {
			t.Fatalf("login page: %d %v", status, err)
		}
		run("credentials", chromedp.SendKeys(chromedp.ID("username"), user))
		run("credentials", chromedp.SendKeys(chromedp.ID("password"), testPassword))
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if _, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`))); err != nil {
			cancel()
			t.Fatalf("sign in %s: %v", user, err)
		}
		cancel()
		// Breadth first from the home page, one page per kind.
		seen := map[string]bool{}
		queue := []struct {
			path  string
			depth int
		}{{"/", 0}}
		kinds := 0
		for len(queue) > 0 && kinds < 60 {
			next := queue[0]
			queue = queue[1:]
			u, _ := url.Parse(next.path)
			kind := pageKind(u.Path)
			if seen[kind] {
				continue
			}
			seen[kind] = true
			kinds++
			for _, lang := range []string{"da", "en"} {
				sep := "?"
				if u.RawQuery != "" {
					sep = "&"
				}
				status, err := open(next.path + sep + "lang=" + lang)
				if err != nil {
					t.Fatalf("%s: open %s: %v", user, next.path, err)
				}
				if status != http.StatusOK {
					t.Errorf("%s: %s answers %d", user, next.path, status)
					break
				}
				check(user + " " + kind + " (" + lang + ")")
				if lang == "en" && next.depth < 3 {
					for _, l := range links() {
						lu, _ := url.Parse(l)
						if !seen[pageKind(lu.Path)] && lu.Path != "/logout" {
							queue = append(queue, struct {
								path  string
								depth int
							}{l, next.depth + 1})
						}
					}
				}
			}
		}
		var visited []string
		for k := range seen {
			visited = append(visited, k)
		}
		slices.Sort(visited)
		t.Logf("%s: %d kinds of page: %s", user, kinds, strings.Join(visited, " "))
		if kinds < 3 {
			t.Errorf("%s reached only %v", user, seen)
		}
		sctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)))
		cancel()
	}
}
