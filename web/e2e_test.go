package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/report"
	"nrm/report/html"
	"nrm/report/markdown"
	"nrm/report/pdf"
	"nrm/report/xlsx"
	"nrm/sqlstore"
)

// chromiumPath is Debian's Chromium.
const chromiumPath = "/usr/bin/chromium"

// testRenderer renders report downloads with the report packages, as the
// command line wires Config.Render.
func testRenderer(db *sqlstore.DB) ReportRenderer {
	return func(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) ([]byte, string, error) {
		st, err := db.Statistics(ctx, q)
		if err != nil {
			return nil, "", err
		}
		doc, err := report.Build(report.Input{Stats: st, Lang: lang, K: k, Generated: time.Now()})
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		switch format {
		case "pdf":
			err = pdf.Write(&buf, doc)
			return buf.Bytes(), "application/pdf", err
		case "html":
			err = html.Write(&buf, doc)
			return buf.Bytes(), "text/html; charset=utf-8", err
		case "md":
			err = markdown.Write(&buf, doc)
			return buf.Bytes(), "text/markdown; charset=utf-8", err
		case "xlsx":
			err = xlsx.Write(&buf, doc)
			return buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", err
		}
		return nil, "", nrm.Errorf(nrm.ENOTFOUND, "format %s", format)
	}
}

// TestEndToEnd drives the real server in headless Chromium: sign in,
// register a presumed victim, record contact, assessment (with a refused
// authority mismatch first), shelter stay and exit, see the case counted
// on the statistics dashboard, download the PDF report and switch to
// English. Screenshots go to $NRM_SCREENSHOTS, else to a temporary
// directory.
func TestEndToEnd(t *testing.T) {
	needChromium(t)
	shots := screenshotDir(t)
	srv, _, base := browserServer(t)
	if err := srv.cfg.Users.CreateUser(system, &nrm.User{Username: "e2e-admin", DisplayName: "E2E Admin", Role: nrm.RoleAdmin, Org: "CMM"}, testPassword); err != nil {
		t.Fatal(err)
	}
	// Signs in with a password of its own and without an authenticator
	// (the set-up itself is tested in account_test.go).
	ownPassword(t, srv.db, "e2e-admin")
	relaxTwoFactor(t, srv.db)
	ctx := newBrowser(t, 3*time.Minute)

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// submit clicks a button and waits for the page it leads to.
	submit := func(name, sel string, wantStatus int) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		res, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			if buf, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
				os.WriteFile(filepath.Join(shots, "failed.png"), buf, 0o644)
			}
			t.Fatalf("%s: %v", name, err)
		}
		if int(res.Status) != wantStatus {
			t.Fatalf("%s: status %d, want %d", name, res.Status, wantStatus)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	value := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// viewShot saves only the visible part of a long page.
	viewShot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set := func(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.CSS(sel), v) }
	// fill sets form fields one by one, so that a failure names its field.
	fill := func(pairs ...string) {
		t.Helper()
		for i := 0; i+1 < len(pairs); i += 2 {
			step("set "+pairs[i], set(pairs[i], pairs[i+1]))
		}
	}

	// Every page is watched for Content-Security-Policy violations: the
	// policy forbids inline scripts and styles, so a template that used one
	// would break in the browser although it renders on the server.
	step("watch CSP", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`})
		return err
	}))
	noViolations := func(where string) {
		t.Helper()
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Array.isArray(window.__csp)`)); err != nil || !ok {
			t.Fatalf("%s: the CSP watcher is not installed (%v)", where, err)
		}
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`))
		if err != nil {
			t.Fatalf("%s: reading CSP violations (is the watcher installed?): %v", where, err)
		}
		if len(v) > 0 {
			t.Errorf("%s: CSP violations: %v", where, v)
		}
	}

	// Sign in through the form.
	step("login page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("username")))
	shot("01-login")
	step("credentials", chromedp.SendKeys(chromedp.ID("username"), "e2e-admin"), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	submit("sign in", `form[action="/login"] button[type="submit"]`, http.StatusOK)
	if loc := must(chromedp.Run(ctx, chromedp.Location()))(t); !strings.HasSuffix(loc, "/stats") {
		t.Fatalf("after sign-in at %s", loc)
	}

	// Register a presumed victim.
	step("new case", chromedp.Navigate(base+"/cases/new"), chromedp.WaitVisible(chromedp.ID("register")))
	fill("#case_ref", "E2E-2011-1", "#gender", "female", "#nationality", "NG", "#residence_status", "irregular",
		"#name", "Joy E2E-Testperson", "#birth_date", "1990-05-17", "#phone", "+45 12 34 56 78")
	shot("02-register")
	submit("register", "#register", http.StatusOK)
	if h := text("h1"); !strings.Contains(h, "E2E-2011-1") {
		t.Fatalf("case page heading %q", h)
	}
	caseURL := must(chromedp.Run(ctx, chromedp.Location()))(t)
	caseURL = strings.SplitN(caseURL, "?", 2)[0]

	// Contact.
	fill("#contact-date", "2011-02-01", "#contact-form", "police", "#contact-org", "RIGSPOLITIET")
	submit("save contact", "#save-contact", http.StatusOK)
	if tl := text("#timeline"); !strings.Contains(tl, "Politiets indsats") || !strings.Contains(tl, "Første kontakt") {
		t.Fatalf("timeline after contact: %q", tl)
	}
	noViolations("case page")

	// Assessment: the authority is preselected from the residence status
	// (irregular → US). Choosing CMM without a reason is refused with the
	// message next to the field, in Danish.
	if v := value("#assessment-authority"); v != "US" {
		t.Fatalf("authority preselected %q, want US", v)
	}
	fill("#assessment-stage", "final", "#assessment-date", "2011-02-10", "#assessment-authority", "CMM", "#assessment-outcome", "identified")
	step("exploitation", chromedp.Click(chromedp.ID("exploitation-sexual")))
	submit("save mismatched assessment", "#save-assessment", http.StatusUnprocessableEntity)
	if msg := text("#assessment .field-error"); !strings.Contains(msg, "passer ikke til opholdsgrundlaget") {
		t.Fatalf("mismatch message %q", msg)
	}
	shot("03-assessment-error")
	// The entered values were kept; choose US and save.
	if v := value("#assessment-date"); v != "2011-02-10" {
		t.Fatalf("assessment date not kept: %q", v)
	}
	step("assessment US", set("#assessment-authority", "US"))
	submit("save assessment", "#save-assessment", http.StatusOK)
	if tl := text("#timeline"); !strings.Contains(tl, "Vurderet handlet") || !strings.Contains(tl, "Prostitution") {
		t.Fatalf("timeline after assessment: %q", tl)
	}

	// Crisis shelter stay, then end it.
	fill("#accommodation-kind", "crisis_shelter", "#accommodation-provider", "Reden", "#accommodation-start", "2011-02-11")
	submit("save shelter", "#save-accommodation", http.StatusOK)
	if tl := text("#timeline"); !strings.Contains(tl, "Krisecenter (Reden)") || !strings.Contains(tl, "Igangværende") {
		t.Fatalf("timeline after shelter: %q", tl)
	}
	step("end stay", set(`input[id^="end-"]`, "2011-03-15"))
	submit("end stay", `button[id^="end-stay-"]`, http.StatusOK)
	if tl := text("#timeline"); !strings.Contains(tl, "Til 2011-03-15 – 33 dage") {
		t.Fatalf("timeline after ending the stay: %q", tl)
	}

	// Exit.
	fill("#exit-date", "2011-03-15", "#exit-kind", "prepared_return")
	step("confirm exit", chromedp.Click(chromedp.ID("exit-confirm")))
	submit("save exit", "#save-exit", http.StatusOK)
	if tl := text("#timeline"); !strings.Contains(tl, "Forberedt hjemsendelse") {
		t.Fatalf("timeline after exit: %q", tl)
	}
	step("scroll top", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("timeline")))
	shot("04-case-timeline")

	// The case list finds it by its filters.
	step("list", chromedp.Navigate(base+"/cases?year=2011&authority=US&status=closed"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if l := text("table.list"); !strings.Contains(l, "E2E-2011-1") {
		t.Fatalf("case list: %q", l)
	}
	shot("05-case-list")

	// Counted on the statistics dashboard for 2011.
	step("stats", chromedp.Navigate(base+"/stats?year=2011"), chromedp.WaitVisible(chromedp.ID("key-numbers")))
	if k := text("#key-numbers li:first-child"); !strings.Contains(k, "1") || !strings.Contains(k, "vurderet handlet") {
		t.Fatalf("key number: %q", k)
	}
	if h := text("#fig-identified_by_year"); h == "" {
		t.Fatal("figure 1 missing")
	}
	noViolations("statistics")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart svg").length`)); err != nil || n < 3 {
		t.Fatalf("charts drawn: %d %v", n, err)
	}
	shot("06-statistics")

	// Download the PDF report with the button.
	dl := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	step("download pdf", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: ptrTo(true)})
		return err
	}), chromedp.Click(chromedp.ID("download-pdf")))
	var pdfBytes []byte
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download canceled")
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		if pdfBytes, err = os.ReadFile(filepath.Join(dl, ev.GUID)); err != nil {
			t.Fatal(err)
		}
		break
	}
	if !bytes.HasPrefix(pdfBytes, []byte("%PDF")) {
		t.Fatalf("the PDF download starts with %q", pdfBytes[:min(len(pdfBytes), 16)])
	}

	// Switch to English.
	submitLink := func(sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	submitLink("#lang-switch")
	if h := text("h1"); !strings.HasPrefix(h, "Statistics 2011") {
		t.Fatalf("English heading %q", h)
	}
	if k := text("#key-numbers li:first-child"); !strings.Contains(k, "identified as victims") {
		t.Fatalf("English key number %q", k)
	}
	if lang := must(chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")))(t); lang.Value != "en" {
		t.Fatalf("html lang %q", lang.Value)
	}
	shot("07-statistics-en")
	// The choice is remembered on the next page.
	step("case en", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("timeline")))
	if tl := text("#timeline"); !strings.Contains(tl, "Prepared return (IOM)") || !strings.Contains(tl, "Police action") {
		t.Fatalf("English timeline %q", tl)
	}
	shot("08-case-en")

	// The action plan: import the demo plan through the upload form, add a
	// status entry, and see the dashboard.
	files := t.TempDir()
	for _, name := range []string{"actionplan_2011_2014.yaml", "network.yaml"} {
		b, err := fs.ReadFile(demoplan.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(files, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step("plans da", chromedp.Navigate(base+"/plans?lang=da"), chromedp.WaitVisible(chromedp.ID("import-file")),
		chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{filepath.Join(files, "actionplan_2011_2014.yaml")}))
	submit("import plan", `#import button[type="submit"]`, http.StatusOK)
	if h := text("h1"); !strings.Contains(h, "Handlingsplan til bekæmpelse af menneskehandel 2011-2014") {
		t.Fatalf("plan heading %q", h)
	}
	step("open status form", chromedp.Click(chromedp.CSS(`#a-1\.1\.1 details summary`)))
	fill(`#period-1\.1\.1`, "2013", `#state-1\.1\.1`, "done", `#text_da-1\.1\.1`, "Mødestederne er videreudviklet som planlagt.")
	submit("save status", `#a-1\.1\.1 form button[type="submit"]`, http.StatusOK)
	if row := text(`#a-1\.1\.1`); !strings.Contains(row, "Gennemført") || !strings.Contains(row, "videreudviklet som planlagt") {
		t.Fatalf("activity row after status: %q", row)
	}
	noViolations("plan")
	step("plan top", chromedp.Navigate(base+"/plans/DK-2011-2014"), chromedp.WaitVisible(chromedp.ID("area-1")))
	viewShot("09-plan")
	step("plan dashboard", chromedp.Navigate(base+"/plans/DK-2011-2014/dashboard"), chromedp.WaitVisible(chromedp.ID("h-by-resp")))
	if d := text("#h-by-resp + p + table"); !strings.Contains(d, "Center mod Menneskehandel") {
		t.Fatalf("dashboard by responsible: %q", d)
	}
	shot("10-plan-dashboard")

	// The reference network: import, then record a meeting.
	step("network", chromedp.Navigate(base+"/network"), chromedp.WaitVisible(chromedp.ID("network-file")),
		chromedp.SetUploadFiles(chromedp.ID("network-file"), []string{filepath.Join(files, "network.yaml")}))
	submit("import network", `#import button[type="submit"]`, http.StatusOK)
	fill("#meeting-group", "REF-NORDJYLLAND", "#meeting-date", "2012-04-20", "#meeting-topics", "Menneskehandel med børn\nOpsøgende indsats i Aalborg")
	submit("save meeting", `#meeting button[type="submit"]`, http.StatusOK)
	if g := text("#g-REF-NORDJYLLAND"); g == "" {
		t.Fatal("no Nordjylland group")
	}
	if m := text("#groups-REF-NORDJYLLAND-meetings"); !strings.Contains(m, "Menneskehandel med børn") {
		t.Fatalf("meeting not listed: %q", m)
	}
	noViolations("network")
	shot("11-network")

	// Users and the audit log.
	step("users", chromedp.Navigate(base+"/admin/users"), chromedp.WaitVisible(chromedp.ID("u-username")))
	fill("#u-username", "sagsbehandler", "#u-display", "Sara Sagsbehandler", "#u-role", "caseworker", "#u-org", "REDEN", "#u-password", "a-long-enough-password")
	submit("create user", `#new-user button[type="submit"]`, http.StatusOK)
	if l := text("table.list"); !strings.Contains(l, "Sara Sagsbehandler") {
		t.Fatalf("user list: %q", l)
	}
	shot("12-users")
	step("audit", chromedp.Navigate(base+"/audit?verify=1&entity=case"), chromedp.WaitVisible(chromedp.ID("verify-result")))
	if a := text("table.list"); !strings.Contains(a, "case.create") || !strings.Contains(a, "case.read") {
		t.Fatalf("audit log: %q", a)
	}
	shot("13-audit")
	t.Logf("screenshots in %s", shots)
}

func ptrTo[T any](v T) *T { return &v }
