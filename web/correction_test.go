package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nrm"
	"nrm/sqlstore"
)

// fieldErrorHTML is a field error as the page shows it next to its field.
func fieldErrorHTML(field, rule string, lang nrm.Lang) string {
	return `<p class="field-error">` + htmlEscape(nrm.FieldLabel(field, lang)+" "+ruleWords(rule, lang))
}

// ruleWords is the start of a rule's text (the message goes on with the
// value and what was expected).
func ruleWords(rule string, lang nrm.Lang) string {
	m := nrm.FieldError{Field: "x", Rule: rule}.Message(lang)
	return strings.TrimPrefix(m, "x ")
}

func TestCorrectFactNeedsReasonAndShowsInHistory(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-CORR-1", nrm.ResidenceIrregular)
	cid := c.Contacts[0].ID
	w := e.login("worker")
	form := w.get(fmt.Sprintf("/cases/%d/contacts/%d/correct", c.ID, cid))
	if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `<option value="police" selected>`) || !strings.Contains(form.Body, `value="2011-02-01"`) {
		t.Fatalf("correction form not prefilled: %d", form.StatusCode)
	}
	tok := csrfInput.FindStringSubmatch(form.Body)[1]
	path := fmt.Sprintf("/cases/%d/contacts/%d/correct", c.ID, cid)
	v := url.Values{"csrf": {tok}, "version": {"1"}, "contact_date": {"2011-02-01"}, "contact_form": {"outreach"}}
	res := w.post(path, v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldErrorHTML("reason", nrm.RuleRequired, nrm.LangDA)) {
		t.Fatalf("correction without reason: %d", res.StatusCode)
	}
	if res := w.post(path+"?lang=en", v); !strings.Contains(res.Body, fieldErrorHTML("reason", nrm.RuleRequired, nrm.LangEN)) {
		t.Errorf("English reason error missing")
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if got.Version != 1 || got.Contacts[0].Form != nrm.ContactPolice {
		t.Fatalf("refused correction changed the case: v%d %s", got.Version, got.Contacts[0].Form)
	}
	v.Set("reason", "Recorded under the wrong form")
	if res := w.post(path, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("correction with reason: %d", res.StatusCode)
	}
	got = must(e.db.FindCaseByID(system, c.ID))(t)
	if got.Version != 2 || got.Contacts[0].Form != nrm.ContactOutreach || got.Contacts[0].ID != cid {
		t.Fatalf("correction not stored: %+v", got.Contacts)
	}
	// The history shows the version, the field and the reason; the old
	// version opens as it was.
	h := w.get(fmt.Sprintf("/cases/%d/history?lang=da", c.ID))
	if h.StatusCode != http.StatusOK || !strings.Contains(h.Body, "Recorded under the wrong form") ||
		!strings.Contains(h.Body, htmlEscape(tr(nrm.LangDA, "history.kind_contact")+": "+nrm.FieldLabel("contact_form", nrm.LangDA))) ||
		!strings.Contains(h.Body, tr(nrm.LangDA, "history.action_case_correct")) {
		t.Fatalf("history lacks the correction: %d %s", h.StatusCode, h.Body)
	}
	if !strings.Contains(w.get(fmt.Sprintf("/cases/%d", c.ID)).Body, fmt.Sprintf(`href="/cases/%d/history"`, c.ID)) {
		t.Errorf("case page does not link to the history")
	}
	old := w.get(fmt.Sprintf("/cases/%d/history/1?lang=en", c.ID))
	if old.StatusCode != http.StatusOK || !strings.Contains(old.Body, "Contact: "+nrm.Label("contact_form", "police", nrm.LangEN)) ||
		strings.Contains(old.Body, "/correct") {
		t.Errorf("version 1 not shown as it was (read-only): %d", old.StatusCode)
	}
	if res := w.get(fmt.Sprintf("/cases/%d/history/9", c.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing version: %d", res.StatusCode)
	}
	// The case's own attributes: gender corrected with a reason.
	cf := w.get(fmt.Sprintf("/cases/%d/correct", c.ID))
	if !strings.Contains(cf.Body, `value="Test Person DK-CORR-1"`) {
		t.Fatalf("case correction form not prefilled")
	}
	res = w.post(fmt.Sprintf("/cases/%d/correct", c.ID), url.Values{"csrf": {tok}, "version": {"2"}, "gender": {"male"}, "residence_status": {"irregular"},
		"nationality": {"NG"}, "name": {"Test Person DK-CORR-1"}, "birth_date": {"1990-05-17"}, "reason": {"Misread at intake"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("case correction: %d", res.StatusCode)
	}
	if got = must(e.db.FindCaseByID(system, c.ID))(t); got.Gender != nrm.GenderMale || got.Identifiers.Name != "Test Person DK-CORR-1" {
		t.Errorf("case correction not stored: %s", got.Gender)
	}
	// The audit names the fields, never the values or the reason.
	entries, err := e.db.FindAudit(system, sqlstore.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, a := range entries {
		if strings.Contains(a.Detail, "Misread") || strings.Contains(a.Detail, "wrong form") || strings.Contains(a.Detail, "Test Person") {
			t.Errorf("audit detail carries a value or reason: %q", a.Detail)
		}
		seen = seen || a.Action == "case.correct" && strings.Contains(a.Detail, "gender")
	}
	if !seen {
		t.Errorf("no audit entry names the corrected field")
	}
}

func TestVoidFactNeedsConfirmation(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-VOID-1", nrm.ResidenceIrregular)
	c.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-03-01"), Kind: nrm.ExitSelfReturn}}
	if err := e.db.UpdateCase(system, c); err != nil {
		t.Fatal(err)
	}
	c = must(e.db.FindCaseByID(system, c.ID))(t)
	xid := c.Exits[0].ID
	w := e.login("worker")
	path := fmt.Sprintf("/cases/%d/exits/%d/void", c.ID, xid)
	tok := w.csrf(fmt.Sprintf("/cases/%d/exits/%d/correct", c.ID, xid))
	res := w.post(path, url.Values{"csrf": {tok}, "version": {"2"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldErrorHTML("confirm", nrm.RuleRequired, nrm.LangDA)) ||
		!strings.Contains(res.Body, fieldErrorHTML("reason", nrm.RuleRequired, nrm.LangDA)) {
		t.Fatalf("void without reason and confirmation: %d, both errors expected", res.StatusCode)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); len(got.Exits) != 1 {
		t.Fatalf("refused void removed the exit")
	}
	res = w.post(path, url.Values{"csrf": {tok}, "version": {"2"}, "reason": {"Exit was recorded on the wrong case"}, "confirm": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("void: %d", res.StatusCode)
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Exits) != 0 || got.IsClosed() {
		t.Fatalf("exit not voided: %+v", got.Exits)
	}
	h := w.get(fmt.Sprintf("/cases/%d/history?lang=en", c.ID))
	if !strings.Contains(h.Body, "Exit (voided)") || !strings.Contains(h.Body, "Exit was recorded on the wrong case") {
		t.Errorf("history lacks the void")
	}
}

func TestExitEndsOpenStaysAndClosesTheCase(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-EXIT-1", nrm.ResidenceIrregular)
	c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate("2011-02-02")}}
	c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: nrm.MustDate("2011-02-02"), End: nrm.MustDate("2011-06-01")}}
	if err := e.db.UpdateCase(system, c); err != nil {
		t.Fatal(err)
	}
	w := e.login("worker")
	page := w.get(fmt.Sprintf("/cases/%d", c.ID))
	if !strings.Contains(page.Body, `name="end_open"`) || !strings.Contains(page.Body, `name="confirm"`) {
		t.Fatalf("exit form lacks the confirmations")
	}
	tok := csrfInput.FindStringSubmatch(page.Body)[1]
	exits := fmt.Sprintf("/cases/%d/exits", c.ID)
	// Neither confirmed: both the confirmation and the open stay refuse it,
	// in one answer.
	res := w.post(exits, url.Values{"csrf": {tok}, "version": {"2"}, "exit_date": {"2011-03-01"}, "exit_kind": {"self_return"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldErrorHTML("confirm", nrm.RuleRequired, nrm.LangDA)) ||
		!strings.Contains(res.Body, fieldErrorHTML("exit_date", nrm.RuleOpenAfterExit, nrm.LangDA)) {
		t.Fatalf("unconfirmed exit: %d", res.StatusCode)
	}
	// Confirmed, but the open stay not ended: refused with the rule.
	res = w.post(exits, url.Values{"csrf": {tok}, "version": {"2"}, "exit_date": {"2011-03-01"}, "exit_kind": {"self_return"}, "confirm": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldErrorHTML("exit_date", nrm.RuleOpenAfterExit, nrm.LangDA)) {
		t.Fatalf("exit leaving a stay open: %d", res.StatusCode)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); len(got.Exits) != 0 || got.Version != 2 {
		t.Fatalf("refused exit stored")
	}
	res = w.post(exits, url.Values{"csrf": {tok}, "version": {"2"}, "exit_date": {"2011-03-01"}, "exit_kind": {"self_return"}, "confirm": {"1"}, "end_open": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed exit: %d", res.StatusCode)
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Exits) != 1 || got.Accommodations[0].End != nrm.MustDate("2011-03-01") || got.ReflectionPeriods[0].End != nrm.MustDate("2011-03-01") {
		t.Fatalf("exit did not end the open facts: %+v %+v", got.Accommodations, got.ReflectionPeriods)
	}
	// Closed: the page says so, offers the reopening and no second exit.
	page = w.get(fmt.Sprintf("/cases/%d", c.ID))
	if !strings.Contains(page.Body, htmlEscape(fmt.Sprintf(tr(nrm.LangDA, "case.closed_on"), "2011-03-01"))) || !strings.Contains(page.Body, `action="/cases/`+fmt.Sprint(c.ID)+`/reopen`) ||
		strings.Contains(page.Body, `id="save-exit"`) {
		t.Errorf("closed case page: closed notice, reopen form, no exit form expected")
	}
	// A stay after the exit is refused until the case is reopened.
	stay := url.Values{"csrf": {tok}, "version": {"3"}, "kind": {"private"}, "start_date": {"2011-04-01"}}
	res = w.post(fmt.Sprintf("/cases/%d/accommodations", c.ID), stay)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldErrorHTML("start_date", nrm.RuleClosed, nrm.LangDA)) {
		t.Fatalf("stay after exit: %d", res.StatusCode)
	}
	reopen := fmt.Sprintf("/cases/%d/reopen", c.ID)
	res = w.post(reopen, url.Values{"csrf": {tok}, "version": {"3"}, "reopen_date": {"2011-03-20"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fieldErrorHTML("reopen_reason", nrm.RuleRequired, nrm.LangDA)) {
		t.Fatalf("reopen without reason: %d", res.StatusCode)
	}
	if res = w.post(reopen, url.Values{"csrf": {tok}, "version": {"3"}, "reopen_date": {"2011-03-20"}, "reopen_reason": {"Returned to Denmark"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reopen: %d", res.StatusCode)
	}
	stay.Set("version", "4")
	if res = w.post(fmt.Sprintf("/cases/%d/accommodations", c.ID), stay); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stay after reopening: %d", res.StatusCode)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); got.IsClosed() || len(got.Accommodations) != 2 || len(got.Reopenings) != 1 {
		t.Errorf("after reopening: closed=%v stays=%d", got.IsClosed(), len(got.Accommodations))
	}
}

// selectBody returns the options of the select with the given id.
func selectBody(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select id="` + id + `"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no select %s", id)
	}
	return m[1]
}

func TestSafeForms(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-SAFE-1", nrm.ResidenceIrregular)
	a := e.login("admin")
	page := a.get("/cases/new")
	gender := selectBody(t, page.Body, "gender")
	if regexp.MustCompile(`value="[a-z]+" selected`).MatchString(gender) || !strings.Contains(gender, `<option value="" selected>`) {
		t.Errorf("a gender is preselected: %s", gender)
	}
	if !strings.Contains(page.Body, `<abbr class="req"`) || !regexp.MustCompile(`<select id="gender" name="gender" required`).MatchString(page.Body) {
		t.Errorf("required gender not marked")
	}
	casePage := a.get(fmt.Sprintf("/cases/%d", c.ID))
	for _, id := range []string{"contact-form", "assessment-stage", "assessment-outcome", "accommodation-kind", "offer-kind", "exit-kind"} {
		opts := selectBody(t, casePage.Body, id)
		if strings.Contains(opts, "selected") || !strings.HasPrefix(strings.TrimSpace(opts), `<option value="">`) {
			t.Errorf("%s: preselected or no empty choice: %s", id, opts)
		}
	}
	// Three faults of one form are shown at once.
	tok := csrfInput.FindStringSubmatch(page.Body)[1]
	res := a.post("/cases", url.Values{"csrf": {tok}, "case_ref": {"bad ref!"}, "gender": {"female"}, "residence_status": {"legal"},
		"birth_year": {"19x0"}, "nationality": {"ZZZ"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad case: %d", res.StatusCode)
	}
	if n := strings.Count(res.Body, `<p class="field-error">`); n != 3 {
		t.Errorf("%d field errors shown, want 3 (case_ref, birth_year, nationality)", n)
	}
	for _, f := range []string{"case_ref", "birth_year", "nationality"} {
		if !strings.Contains(res.Body, `<p class="field-error">`+htmlEscape(nrm.FieldLabel(f, nrm.LangDA))) {
			t.Errorf("no error for %s", f)
		}
	}
	// A case form: missing stage, missing outcome, bad date — all three.
	res = a.post(fmt.Sprintf("/cases/%d/assessments", c.ID), url.Values{"csrf": {tok}, "version": {"1"}, "assessment_date": {"10-02-2011"}, "assessment_authority": {"US"}})
	if n := strings.Count(res.Body, `<p class="field-error">`); res.StatusCode != http.StatusUnprocessableEntity || n != 3 {
		t.Errorf("assessment with three faults: %d, %d errors shown", res.StatusCode, n)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); got.Version != 1 {
		t.Errorf("refused form changed the case")
	}
}

func TestDecisionStagesAndReconsideration(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-RECON-1", nrm.ResidenceIrregular)
	c.SharedWith = []string{"US"} // the competent authority sees the case
	if err := e.db.UpdateCase(system, c); err != nil {
		t.Fatal(err)
	}
	us := e.login("assessor-us")
	tok := us.csrf(fmt.Sprintf("/cases/%d", c.ID))
	// A preliminary decision: presumed victim, reasons sealed, shown on
	// the case page only.
	res := us.post(fmt.Sprintf("/cases/%d/assessments", c.ID), url.Values{"csrf": {tok}, "version": {"2"}, "assessment_stage": {"preliminary"},
		"assessment_date": {"2011-02-05"}, "assessment_authority": {"US"}, "assessment_outcome": {"identified"},
		"decision_reasons": {"Consistent account of recruitment"}, "notified_on": {"2011-02-06"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("preliminary: %d %s", res.StatusCode, res.Body)
	}
	res = us.post(fmt.Sprintf("/cases/%d/assessments", c.ID), url.Values{"csrf": {tok}, "version": {"3"}, "assessment_stage": {"final"},
		"assessment_date": {"2011-03-01"}, "assessment_authority": {"US"}, "assessment_outcome": {"not_identified"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("final: %d %s", res.StatusCode, res.Body)
	}
	page := us.get(fmt.Sprintf("/cases/%d?lang=en", c.ID))
	for _, want := range []string{"Presumed victim", "Consistent account of recruitment", "Date the person was told: 2011-02-06", "Request reconsideration"} {
		if !strings.Contains(page.Body, htmlEscape(want)) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if list := us.get("/cases"); strings.Contains(list.Body, "Consistent account") {
		t.Errorf("reasons shown in the list")
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	final := got.Assessments[1].ID
	// A caseworker requests reconsideration; the deadline defaults to 30 days.
	w := e.login("worker")
	res = w.post(fmt.Sprintf("/cases/%d/assessments/%d/reconsiderations", c.ID, final), url.Values{"csrf": {w.csrf("/cases")}, "version": {"4"},
		"requested_on": {"2011-03-10"}, "grounds": {"New evidence from the NGO"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("request: %d %s", res.StatusCode, res.Body)
	}
	got = must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Reconsiderations) != 1 || got.Reconsiderations[0].Deadline != nrm.MustDate("2011-04-09") {
		t.Fatalf("reconsideration: %+v", got.Reconsiderations)
	}
	rid := got.Reconsiderations[0].ID
	decide := fmt.Sprintf("/cases/%d/reconsiderations/%d/decide", c.ID, rid)
	// The caseworker cannot decide it.
	if res := w.post(decide, url.Values{"csrf": {w.csrf("/cases")}, "version": {"5"}, "reconsideration_outcome": {"overturned"},
		"reconsideration_decided_on": {"2011-04-01"}, "exploitation": {"sexual"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker decided a reconsideration")
	}
	res = us.post(decide, url.Values{"csrf": {tok}, "version": {"5"}, "reconsideration_outcome": {"overturned"},
		"reconsideration_decided_on": {"2011-04-01"}, "exploitation": {"sexual"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("overturn: %d %s", res.StatusCode, res.Body)
	}
	got = must(e.db.FindCaseByID(system, c.ID))(t)
	r := got.Reconsiderations[0]
	if r.Outcome != nrm.ReconsiderationOverturned || r.NewAssessmentID == 0 || len(got.Assessments) != 3 {
		t.Fatalf("overturned reconsideration: %+v, %d assessments", r, len(got.Assessments))
	}
	if a, ok := got.FirstIdentified(); !ok || a.ID != r.NewAssessmentID || a.Date != nrm.MustDate("2011-04-01") || a.Authority != nrm.AuthorityUS {
		t.Errorf("new final assessment: %+v", a)
	}
}

func TestCorrectionAPI(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-PATCH-1", nrm.ResidenceIrregular)
	cid := c.Contacts[0].ID
	token, err := e.db.CreateAPIToken(system, "worker", "integration")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string) (*response, map[string]any) {
		t.Helper()
		req := must(http.NewRequest(method, e.ts.URL+path, strings.NewReader(body)))(t)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res := e.client().do(req)
		var m map[string]any
		if err := json.Unmarshal([]byte(res.Body), &m); err != nil && strings.Contains(res.Header.Get("Content-Type"), "json") && !json.Valid([]byte(res.Body)) {
			t.Fatalf("%s %s: a JSON answer that does not parse: %v", method, path, err)
		}
		return res, m
	}
	fields := func(m map[string]any) []string {
		var out []string
		fs, _ := m["fields"].([]any)
		for _, f := range fs {
			out = append(out, f.(map[string]any)["field"].(string))
		}
		return out
	}
	contact := fmt.Sprintf("/api/v1/cases/%d/contacts/%d", c.ID, cid)
	res, m := call("PATCH", contact, `{"version":1,"form":"outreach"}`)
	if res.StatusCode != http.StatusUnprocessableEntity || fmt.Sprint(fields(m)) != "[reason]" {
		t.Fatalf("PATCH without reason: %d %s", res.StatusCode, res.Body)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); got.Version != 1 || got.Contacts[0].Form != nrm.ContactPolice {
		t.Fatalf("refused PATCH changed the case")
	}
	if res, m := call("PATCH", contact, `{"version":1,"reason":"x","colour":"red"}`); res.StatusCode != http.StatusUnprocessableEntity || fmt.Sprint(fields(m)) != "[colour]" {
		t.Errorf("unknown field: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := call("PATCH", contact, `{"reason":"x","form":"outreach"}`); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("PATCH without version: %d", res.StatusCode)
	}
	res, m = call("PATCH", contact, `{"version":1,"reason":"Wrong contact form","form":"outreach"}`)
	if res.StatusCode != http.StatusOK || m["version"].(float64) != 2 {
		t.Fatalf("PATCH: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := call("PATCH", contact, `{"version":1,"reason":"again","form":"hotline"}`); res.StatusCode != http.StatusConflict {
		t.Errorf("stale PATCH: %d", res.StatusCode)
	}
	if res, _ := call("PATCH", fmt.Sprintf("/api/v1/cases/%d/widgets/%d", c.ID, cid), `{"version":2,"reason":"x"}`); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown kind: %d", res.StatusCode)
	}
	if res, _ := call("PATCH", fmt.Sprintf("/api/v1/cases/%d/contacts/999999", c.ID), `{"version":2,"reason":"x"}`); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown fact: %d", res.StatusCode)
	}
	// The case's own attributes; identifiers merge field by field.
	res, _ = call("PATCH", fmt.Sprintf("/api/v1/cases/%d", c.ID), `{"version":2,"reason":"Misread","gender":"male","identifiers":{"phone":"+4511223344"}}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH case: %d %s", res.StatusCode, res.Body)
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if got.Gender != nrm.GenderMale || got.Identifiers.Phone != "+4511223344" || got.Identifiers.Name != "Test Person DK-PATCH-1" {
		t.Errorf("PATCH case: %s %+v", got.Gender, got.Identifiers)
	}
	if res, m := call("PATCH", fmt.Sprintf("/api/v1/cases/%d", c.ID), `{"version":3,"reason":"x","owner_org":"REDEN"}`); res.StatusCode != http.StatusUnprocessableEntity || fmt.Sprint(fields(m)) != "[owner_org]" {
		t.Errorf("PATCH owner: %d %s", res.StatusCode, res.Body)
	}
	// An exit, voided; then a reopening of a closed case.
	got.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-03-01"), Kind: nrm.ExitSelfReturn}}
	if err := e.db.UpdateCase(system, got); err != nil {
		t.Fatal(err)
	}
	got = must(e.db.FindCaseByID(system, c.ID))(t)
	exit := fmt.Sprintf("/api/v1/cases/%d/exits/%d", c.ID, got.Exits[0].ID)
	if res, m := call("PATCH", exit, `{"version":4,"void":true}`); res.StatusCode != http.StatusUnprocessableEntity || fmt.Sprint(fields(m)) != "[reason]" {
		t.Errorf("void without reason: %d %s", res.StatusCode, res.Body)
	}
	res, m = call("POST", fmt.Sprintf("/api/v1/cases/%d/reopen", c.ID), `{"version":4,"date":"2011-03-05","reason":"Came back"}`)
	if res.StatusCode != http.StatusOK || len(m["reopenings"].([]any)) != 1 {
		t.Fatalf("reopen: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := call("PATCH", exit, `{"version":5,"void":true,"reason":"Wrong case"}`); res.StatusCode != http.StatusOK {
		t.Errorf("void: %d %s", res.StatusCode, res.Body)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); len(got.Exits) != 0 {
		t.Errorf("exit not voided")
	}
	// The history, with the reasons.
	res, _ = call("GET", fmt.Sprintf("/api/v1/cases/%d/history", c.ID), "")
	var hist []nrm.CaseVersion
	if err := json.Unmarshal([]byte(res.Body), &hist); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("history: %d %v", res.StatusCode, err)
	}
	reasons := map[string]bool{}
	for _, v := range hist {
		reasons[v.Reason] = true
	}
	if len(hist) != 6 || !reasons["Wrong contact form"] || !reasons["Misread"] || !reasons["Wrong case"] {
		t.Errorf("history: %d versions, reasons %v", len(hist), reasons)
	}
	// Every path in the OpenAPI document.
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{"/cases/{id}": "patch", "/cases/{id}/{kind}/{fid}": "patch", "/cases/{id}/reopen": "post", "/cases/{id}/history": "get"} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("openapi.json lacks %s %s", method, path)
		}
	}
}

func TestCorrectionLabels(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-LBL-1", nrm.ResidenceIrregular)
	w := e.login("worker")
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		page := w.get(fmt.Sprintf("/cases/%d?lang=%s", c.ID, lang))
		for _, key := range []string{"case.correct_facts", "case.history", "case.correct", "case.exit_confirm", "form.required_note"} {
			if !strings.Contains(page.Body, htmlEscape(tr(lang, key))) {
				t.Errorf("%s: case page lacks %s", lang, key)
			}
		}
		cf := w.get(fmt.Sprintf("/cases/%d/contacts/%d/correct?lang=%s", c.ID, c.Contacts[0].ID, lang))
		for _, key := range []string{"correct.lead", "correct.void_title", "form.confirm"} {
			if !strings.Contains(cf.Body, htmlEscape(tr(lang, key))) {
				t.Errorf("%s: correction page lacks %s", lang, key)
			}
		}
	}
}

// TestCorrectionPagesFitSmallScreens loads the case, correction and
// history pages in Chromium at 390 and 1280 px: the page never scrolls
// sideways (wide tables scroll inside their wrapper).
func TestCorrectionPagesFitSmallScreens(t *testing.T) {
	needChromium(t)
	e := newTestEnv(t)
	c := e.newCase("DK-LAYOUT-LONG-REFERENCE-2011-0001", nrm.ResidenceIrregular)
	c.Assessments = []nrm.Assessment{{Date: nrm.MustDate("2011-02-05"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal,
		Reasons: strings.Repeat("A long reason that must wrap in a narrow layout. ", 5)}}
	c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: "Reden International Copenhagen", Start: nrm.MustDate("2011-02-02")}}
	if err := e.db.UpdateCase(system, c); err != nil {
		t.Fatal(err)
	}
	c = must(e.db.FindCaseByID(system, c.ID))(t)
	c.Contacts[0].Form = nrm.ContactOutreach
	if err := e.db.CorrectCase(system, c, strings.Repeat("A long reason for the correction. ", 4)); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/login"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), testPassword)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int64{390, 1280} {
		for _, p := range []string{fmt.Sprintf("/cases/%d", c.ID), fmt.Sprintf("/cases/%d/assessments/%d/correct", c.ID, c.Assessments[0].ID),
			fmt.Sprintf("/cases/%d/correct", c.ID), fmt.Sprintf("/cases/%d/history", c.ID), fmt.Sprintf("/cases/%d/history/3", c.ID), "/cases/new"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(e.ts.URL+p)); err != nil {
				t.Fatal(err)
			}
			over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if over {
				t.Errorf("%s at %d px scrolls sideways", p, w)
			}
		}
	}
}
