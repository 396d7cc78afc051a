package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nrm"
)

// TestMechanismEndToEnd drives the referral mechanism in headless
// Chromium, as the acceptance test: an NGO caseworker registers a
// person, records consent and refers them to the competent authority; the
// authority's assessor finds the referral in the queue, accepts it and
// decides; the coordinator sees only the queue sizes; the caseworker sees
// the decision, corrects a fact and reads the history, then withdraws the
// consent, which ends the authority's access. Every role's main page is
// photographed at 1280 and 390 px wide (no sideways scrolling on a phone),
// in Danish and a few in English.
func TestMechanismEndToEnd(t *testing.T) {
	needChromium(t)
	shots := screenshotDir(t)
	srv, db, base := browserServer(t)
	for _, u := range []nrm.User{
		{Username: "mech-reden", DisplayName: "Rikke Reden", Role: nrm.RoleCaseworker, Org: "REDEN"},
		{Username: "mech-us", DisplayName: "Ulla Udlændingestyrelsen", Role: nrm.RoleAssessor, Org: "US", Authority: nrm.AuthorityUS},
		{Username: "mech-coord", DisplayName: "Karl Koordinator", Role: nrm.RoleCoordinator, Org: "SOCIAL"},
	} {
		if err := srv.cfg.Users.CreateUser(system, &u, testPassword); err != nil {
			t.Fatal(err)
		}
		ownPassword(t, db, u.Username)
	}
	// Signing in needs no authenticator here (the set-up itself is tested
	// in account_test.go).
	relaxTwoFactor(t, db)
	// Dates relative to today, as the forms refuse future dates.
	today := nrm.DateOf(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }

	ctx := newBrowser(t, 3*time.Minute)

	failShot := func() {
		if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(shots, "mech-failed.png"), buf, 0o644)
		}
	}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			failShot()
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
			failShot()
			t.Fatalf("%s: %v", name, err)
		}
		if int(res.Status) != wantStatus {
			failShot()
			t.Fatalf("%s: status %d, want %d", name, res.Status, wantStatus)
		}
	}
	// open navigates to a path and returns the HTTP status of the page.
	open := func(path string) int {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		return int(res.Status)
	}
	// page navigates to a path that must answer 200.
	page := func(path string) {
		t.Helper()
		if st := open(path); st != http.StatusOK {
			failShot()
			t.Fatalf("open %s: status %d", path, st)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			failShot()
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
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return strings.SplitN(strings.SplitN(loc, "#", 2)[0], "?", 2)[0]
	}
	save := func(name string, buf []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// shot photographs the whole page at 1280 px and at 390 px, and
	// asserts that on the phone the page does not scroll sideways.
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		save(name+"-1280", buf)
		step("narrow "+name, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil || len(w) != 2 {
			t.Fatalf("%s: page width: %v %v", name, w, err)
		}
		if w[0] > w[1]+1 {
			// Name the elements that stick out, to find the culprit.
			wide := must(chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".mech-scroll, .table-wrap")).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))`)))(t)
			t.Errorf("%s at 390 px scrolls sideways: scrollWidth %d > innerWidth %d (%v)", name, w[0], w[1], wide)
		}
		buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		save(name+"-390", buf)
		step("wide "+name, chromedp.EmulateViewport(1280, 900))
	}
	// part photographs one element of a long page, at 1280 and at 390 px.
	part := func(name, sel string) {
		t.Helper()
		for _, w := range []int64{1280, 390} {
			step("width", chromedp.EmulateViewport(w, 900))
			buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			save(fmt.Sprintf("%s-%d", name, w), buf)
		}
		step("wide "+name, chromedp.EmulateViewport(1280, 900))
	}
	set := func(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.CSS(sel), v) }
	fill := func(pairs ...string) {
		t.Helper()
		for i := 0; i+1 < len(pairs); i += 2 {
			step("set "+pairs[i], set(pairs[i], pairs[i+1]))
		}
	}
	click := func(sels ...string) {
		t.Helper()
		for _, sel := range sels {
			step("click "+sel, chromedp.Click(chromedp.CSS(sel)))
		}
	}
	login := func(user string) {
		t.Helper()
		page("/login")
		step("credentials "+user, chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), testPassword))
		submit("sign in "+user, `form[action="/login"] button[type="submit"]`, http.StatusOK)
		if loc := location(); strings.HasSuffix(loc, "/login") {
			t.Fatalf("sign-in as %s failed: at %s", user, loc)
		}
	}
	logout := func() {
		t.Helper()
		submit("sign out", `form[action="/logout"] button[type="submit"]`, http.StatusOK)
		if loc := location(); !strings.HasSuffix(loc, "/login") {
			t.Fatalf("after sign-out at %s", loc)
		}
	}
	has := func(where, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				failShot()
				t.Fatalf("%s: %q not in %q", where, w, got)
			}
		}
	}

	// Every page is watched for Content-Security-Policy violations.
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
			t.Fatalf("%s: reading CSP violations: %v", where, err)
		}
		if len(v) > 0 {
			t.Errorf("%s: CSP violations: %v", where, v)
		}
	}

	step("desktop width", chromedp.EmulateViewport(1280, 900))

	// coordinatorQueues opens the coordinator's queue page, asserts that no
	// case shows anywhere on it and returns the cells of US's row: waiting,
	// undecided, oldest (days), oldest since.
	coordinatorQueues := func(casePath string) []string {
		t.Helper()
		page("/queue")
		has("queue sizes", text("#sizes"), "Udlændingestyrelsen", "Center mod Menneskehandel")
		html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil || strings.Contains(html, "E2E-MECH-1") || strings.Contains(html, "/referrals/") || strings.Contains(html, casePath+`"`) {
			t.Errorf("the coordinator's queue page shows a case (%v)", err)
		}
		row, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const r = Array.from(document.querySelectorAll("#sizes tbody tr")).find(r => r.querySelector("th").textContent.includes("(US)"));
			return r ? Array.from(r.querySelectorAll("td")).map(td => td.textContent.trim()) : [];
		})()`))
		if err != nil || len(row) != 4 {
			t.Fatalf("US row of the queue sizes: %v %v", row, err)
		}
		return row
	}

	// 1. The REDEN caseworker registers a person. Nothing is preselected.
	login("mech-reden")
	page("/cases/new?lang=da")
	if v := value("#gender"); v != "" {
		t.Fatalf("gender preselected: %q", v)
	}
	fill("#case_ref", "E2E-MECH-1", "#gender", "female", "#nationality", "NG", "#residence_status", "irregular",
		"#name", "Grace Mech-Testperson", "#birth_date", "1995-03-02")
	submit("register", "#register", http.StatusOK)
	has("case heading", text("h1"), "E2E-MECH-1")
	casePath := strings.TrimPrefix(location(), base)
	if !strings.HasPrefix(casePath, "/cases/") {
		t.Fatalf("case page at %s", casePath)
	}
	for _, sel := range []string{"#contact-form", "#exit-kind"} {
		if v := value(sel); v != "" {
			t.Errorf("%s preselected: %q", sel, v)
		}
	}
	// The first contact.
	fill("#contact-date", day(-20), "#contact-form", "outreach", "#contact-org", "REDEN", "#contact-place", "Vesterbro")
	submit("save contact", "#save-contact", http.StatusOK)
	has("timeline after contact", text("#timeline"), "Opsøgende arbejde", tr(nrm.LangDA, "timeline.first_contact"), "Vesterbro")

	// Consent: referral and statistics, given by the person.
	click("#mech-scope-refer", "#mech-scope-statistics")
	fill("#mech-given-on", day(-15), "#mech-given-by", "personen selv")
	submit("give consent", "#mech-save-consent", http.StatusOK)
	has("consents", text("#consents"), "Henvisning", "Brug i statistik", tr(nrm.LangDA, "mech.in_force"))

	// The referral to US, the competent authority for a person without
	// legal stay; the form names the rule.
	has("routing rule", text("#mech-to-hint"), "Udlændingestyrelsen")
	if v := value("#mech-to"); v != "" {
		t.Fatalf("receiver preselected: %q", v)
	}
	click("#mech-purpose-assessment", "#mech-ind-documents_withheld", "#mech-ind-debt_bondage")
	fill("#mech-to", "US", "#mech-date", day(-12), "#mech-reason", "Mødt ved opsøgende arbejde; arbejdsgiveren har passet.")
	step("choose consent", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("mech-consent"); s.value = s.options[1].value; })()`))
	submit("send referral", "#mech-send-referral", http.StatusOK)
	refs := text("#referrals")
	has("referrals after sending", refs, "Reden International → Udlændingestyrelsen", "Sendt", "Identitetspapirer tilbageholdt", "Gældsbinding")
	noViolations("case page")
	step("top", chromedp.Navigate(base+casePath), chromedp.WaitVisible(chromedp.ID("mechanism")))
	shot("mech-01-case-reden-da")
	part("mech-01-case-mechanism-da", "#mechanism")
	page("/referrals")
	has("outgoing referrals", text("main"), "E2E-MECH-1", "Sendt")
	shot("mech-02-referrals-reden-da")
	logout()

	// The coordinator, while the referral waits: one waiting at US, for
	// twelve days, and no case on the page.
	login("mech-coord")
	if row := coordinatorQueues(casePath); row[0] != "1" || row[1] != "0" || row[2] != "12" || row[3] != day(-12) {
		t.Errorf("US queue size while waiting: %q", row)
	}
	noViolations("queue sizes")
	shot("mech-03-queues-coordinator-da")
	logout()

	// 2. The US assessor finds the referral in the queue, with days waiting.
	login("mech-us")
	if st := open(casePath); st != http.StatusNotFound {
		t.Fatalf("US opens the case before accepting: %d", st)
	}
	page("/queue")
	row := text("#queue tbody tr")
	has("US queue", row, "E2E-MECH-1", "Reden International", "Sendt", day(-12))
	if d := strings.TrimSpace(text("#queue tbody tr td:last-child")); d != "12" {
		t.Errorf("days waiting %q, want 12", d)
	}
	noViolations("queue")
	shot("mech-04-queue-us-da")
	submit("open referral", `#queue tbody tr a[href^="/referrals/"]`, http.StatusOK)
	has("referral page", text("main"), "E2E-MECH-1", "Nigeria", "Uden lovligt ophold", "Gældsbinding", "arbejdsgiveren har passet")
	if m := text("main"); strings.Contains(m, "Grace") || strings.Contains(m, "1995-03-02") {
		t.Error("the referral page shows identifiers")
	}
	noViolations("referral page")
	shot("mech-05-referral-us-da")
	page(strings.TrimPrefix(location(), base) + "?lang=en")
	has("English referral page", text("main"), "Referral", "Debt bondage", "Without legal stay")
	shot("mech-06-referral-us-en")
	page(strings.TrimPrefix(location(), base) + "?lang=da")
	// Accepting needs the confirmation; then the case opens.
	click("#accept-confirm")
	submit("accept", "#accept-referral", http.StatusOK)
	if loc := location(); !strings.HasSuffix(loc, casePath) {
		t.Fatalf("after accepting at %s", loc)
	}
	has("accepted referral", text("#referrals"), "Modtaget")
	// The preliminary assessment: presumed victim. The authority follows
	// the residence status.
	if v := value("#assessment-authority"); v != "US" {
		t.Fatalf("authority preselected %q, want US", v)
	}
	for _, sel := range []string{"#assessment-stage", "#assessment-outcome"} {
		if v := value(sel); v != "" {
			t.Errorf("%s preselected: %q", sel, v)
		}
	}
	fill("#assessment-stage", "preliminary", "#assessment-date", day(-8), "#assessment-outcome", "identified")
	submit("preliminary assessment", "#save-assessment", http.StatusOK)
	has("timeline after the preliminary assessment", text("#timeline"), tr(nrm.LangDA, "assessment.presumed"), "Foreløbig vurdering")
	// The final decision: identified, sexual exploitation, with reasons
	// and the date the person was told.
	fill("#assessment-stage", "final", "#assessment-date", day(-2), "#assessment-outcome", "identified",
		"#assessment-reasons", "Troværdig forklaring, støttet af indikatorerne.", "#assessment-notified", day(-1))
	click("#exploitation-sexual")
	submit("final decision", "#save-assessment", http.StatusOK)
	has("timeline after the final decision", text("#timeline"), "Vurderet handlet", "Prostitution", "Troværdig forklaring", day(-1))
	noViolations("case page (assessor)")
	step("top", chromedp.Navigate(base+casePath), chromedp.WaitVisible(chromedp.ID("timeline")))
	shot("mech-07-case-us-da")
	page("/queue")
	// Decided, the case has left the queue.
	if q := text("#queue"); strings.Contains(q, "E2E-MECH-1") || !strings.Contains(q, tr(nrm.LangDA, "queue.empty")) {
		t.Errorf("US queue after the final decision: %q", q)
	}
	logout()

	// 3. The coordinator sees the queues' sizes, and no case.
	login("mech-coord")
	if row := coordinatorQueues(casePath); row[0] != "0" || row[1] != "0" {
		t.Errorf("US queue size after the decision: %q", row)
	}
	shot("mech-08-queues-coordinator-after-da")
	page("/queue?lang=en")
	has("English queue sizes", text("#sizes"), "Danish Immigration Service")
	shot("mech-09-queues-coordinator-en")
	page("/queue?lang=da")
	logout()

	// 4. The caseworker sees the decision and the accepted referral,
	// corrects the contact's place with a reason and reads the history.
	login("mech-reden")
	page(casePath)
	has("decision seen by the NGO", text("#timeline"), "Vurderet handlet", "Prostitution", tr(nrm.LangDA, "assessment.presumed"))
	has("accepted referral seen by the NGO", text("#referrals"), "Modtaget")
	has("access", text("#access"), "Udlændingestyrelsen", tr(nrm.LangDA, "mech.access_since"))
	step("correct contact", chromedp.Click(chromedp.CSS(`#timeline li.ev-contact .fact-actions a`)), chromedp.WaitVisible(chromedp.ID("save-correction")))
	if v := value("#f-place"); v != "Vesterbro" {
		t.Fatalf("correction form place %q", v)
	}
	fill("#f-place", "Nørrebro")
	// Without a reason the correction is refused and nothing changes.
	submit("correction without reason", "#save-correction", http.StatusUnprocessableEntity)
	has("missing reason", text(".error-summary"), nrm.FieldLabel("reason", nrm.LangDA))
	fill("#f-place", "Nørrebro", "#reason", "Stedet var forkert noteret.")
	submit("correct", "#save-correction", http.StatusOK)
	has("timeline after the correction", text("#timeline"), "Nørrebro")
	if strings.Contains(text("#timeline"), "Vesterbro") {
		t.Error("the old place is still on the timeline")
	}
	step("history", chromedp.Click(chromedp.ID("case-history")), chromedp.WaitVisible(chromedp.ID("versions")))
	has("history", text("#versions"), "Stedet var forkert noteret.", nrm.FieldLabel("place", nrm.LangDA), "mech-reden")
	if strings.Contains(text("#versions"), "Vesterbro") || strings.Contains(text("#versions"), "Nørrebro") {
		t.Error("the history list shows changed values")
	}
	// Every action and changed field of the mechanism reads in Danish.
	versions := text("#versions")
	has("history labels", versions, tr(nrm.LangDA, "history.action_consent_give"), tr(nrm.LangDA, "history.action_referral_send"),
		tr(nrm.LangDA, "history.action_referral_accept"), tr(nrm.LangDA, "history.kind_contact")+" "+tr(nrm.LangDA, "history.added"))
	for _, raw := range []string{"referral.", "consent.", "(added)", "consents", "referrals"} {
		if strings.Contains(versions, raw) {
			t.Errorf("the history shows the raw name %q: %q", raw, versions)
		}
	}
	noViolations("history")
	shot("mech-10-history-da")
	historyPath := strings.TrimPrefix(location(), base)
	// The version before the correction still shows the old place.
	step("open old version", chromedp.Evaluate[chromedp.Void](`(() => {
		const rows = Array.from(document.querySelectorAll("#versions tbody tr"));
		const i = rows.findIndex(r => r.textContent.includes("Stedet var forkert noteret."));
		const prev = rows.slice(0, i).concat(rows.slice(i + 1)).map(r => r.querySelector("a")).filter(a => a);
		window.__old = prev.map(a => a.getAttribute("href"));
	})()`))
	olds, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__old`))
	if err != nil || len(olds) == 0 {
		t.Fatalf("no earlier version to open: %v %v", olds, err)
	}
	found := false
	for _, href := range olds {
		page(href)
		if strings.Contains(text("main"), "Vesterbro") {
			found = true
			break
		}
	}
	if !found {
		t.Error("no earlier version shows the place before the correction")
	}
	page(historyPath + "?lang=en")
	has("English history", text("h1"), "History of case")
	has("English history reason", text("#versions"), "Stedet var forkert noteret.")
	shot("mech-11-history-en")
	page(casePath)
	has("English case", text("#mechanism"), "Referrals", "Accepted")
	part("mech-12-case-mechanism-en", "#mechanism")
	page(casePath + "?lang=da")
	shot("mech-13-case-reden-da")

	// 5. Withdrawing the consent (confirmed) ends US's access.
	click(`#consents details.row-action summary`)
	step("withdrawal date", set(`input[id^="mech-cw-on-"]`, day(0)))
	// Unconfirmed, the browser does not send it.
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#consents details.row-action form").checkValidity()`)); err != nil || ok {
		t.Errorf("the consent withdrawal can be sent unconfirmed (%v)", err)
	}
	click(`input[id^="mech-cw-confirm-"]`)
	submit("withdraw consent", `button[id^="mech-cw-"]`, http.StatusOK)
	has("consent withdrawn", text("#consents"), tr(nrm.LangDA, "mech.withdrawn"))
	has("access ended", text("#access"), tr(nrm.LangDA, "mech.access_ended"))
	// The authority keeps its own decision record.
	var caseID int64
	if _, err := fmt.Sscanf(casePath, "/cases/%d", &caseID); err != nil {
		t.Fatal(err)
	}
	stored, err := db.FindCaseByID(system, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Assessments) != 2 || len(stored.Referrals) != 1 || stored.Referrals[0].AccessRevokedOn != today || stored.Consents[0].WithdrawnOn != today {
		t.Errorf("after the consent withdrawal: %d assessments, referrals %+v, consents %+v", len(stored.Assessments), stored.Referrals, stored.Consents)
	}
	noViolations("case page after withdrawal")
	part("mech-14-case-withdrawn-da", "#mechanism")
	logout()

	login("mech-us")
	if st := open(casePath); st != http.StatusNotFound {
		t.Fatalf("US opens the case after the consent was withdrawn: %d", st)
	}
	if m := text("main"); strings.Contains(m, "E2E-MECH-1") {
		t.Error("the not-found page names the case")
	}
	shot("mech-15-case-gone-us-da")
	logout()
	t.Logf("screenshots in %s", shots)
}
