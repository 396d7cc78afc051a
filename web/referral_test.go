package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nrm"
)

// ngoCase stores a case owned by the NGO Reden: a woman without legal
// stay (so US assesses), born 1990.
func (e *testEnv) ngoCase(ref string) *nrm.Case {
	e.t.Helper()
	c := &nrm.Case{Ref: ref, OwnerOrg: "REDEN", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
		Identifiers: nrm.Identifiers{Name: "Secret Name " + ref, BirthDate: nrm.MustDate("1990-05-17")},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactOutreach, Org: "REDEN"}}}
	if err := e.db.CreateCase(system, c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	e     *testEnv
	token string
}

func (e *testEnv) api(username string) *apiClient {
	e.t.Helper()
	tok, err := e.db.CreateAPIToken(system, username, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return &apiClient{e: e, token: tok}
}

func (a *apiClient) call(method, path, body string) (*response, map[string]any) {
	a.e.t.Helper()
	req := must(http.NewRequest(method, a.e.ts.URL+path, strings.NewReader(body)))(a.e.t)
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res := a.e.client().do(req)
	var m map[string]any
	if err := json.Unmarshal([]byte(res.Body), &m); err != nil && strings.Contains(res.Header.Get("Content-Type"), "json") && !json.Valid([]byte(res.Body)) {
		a.e.t.Fatalf("%s %s: a JSON answer that does not parse: %v", method, path, err)
	}
	return res, m
}

// referralID returns the id of the case's only referral to org.
func (e *testEnv) referralTo(caseID int64, org string) nrm.Referral {
	e.t.Helper()
	c, err := e.db.FindCaseByID(system, caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	var found []nrm.Referral
	for _, r := range c.Referrals {
		if r.ToOrg == org {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("case %d: %d referrals to %s", caseID, len(found), org)
	}
	return found[0]
}

func TestReferralFlow(t *testing.T) {
	e := newTestEnv(t)
	c := e.ngoCase("DK-REF-1")
	today := nrm.DateOf(e.srv.now()).String()
	casePath := fmt.Sprintf("/cases/%d", c.ID)

	ngo := e.login("reden")
	page := ngo.get(casePath)
	if page.StatusCode != http.StatusOK {
		t.Fatalf("case page: %d", page.StatusCode)
	}
	// The refer form preselects neither the purpose nor the receiver, and
	// names the competent authority in text.
	if regexp.MustCompile(`name="referral_purpose" value="[a-z]+" id="[^"]+" required checked`).MatchString(page.Body) {
		t.Error("a referral purpose is preselected")
	}
	if regexp.MustCompile(`<select id="mech-to"[^>]*>\s*<option value="">[^<]*</option>\s*<option value="[A-Z]+" selected`).MatchString(page.Body) ||
		strings.Contains(page.Body, `<option value="US" selected>`) {
		t.Error("a receiver is preselected")
	}
	rule := fmt.Sprintf(tr(nrm.LangDA, "referral.route_rule"), nrm.Label("residence_status", "irregular", nrm.LangDA), "Udlændingestyrelsen")
	if !strings.Contains(page.Body, htmlEscape(rule)) {
		t.Errorf("the residence-status rule is not stated: %q", rule)
	}
	tok := csrfInput.FindStringSubmatch(page.Body)[1]

	// Consent first: refer and statistics.
	res := ngo.post(casePath+"/consents", url.Values{"csrf": {tok}, "consent_scope": {"refer", "statistics"}, "consent_given_on": {today}, "consent_given_by": {"the person"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("give consent: %d %s", res.StatusCode, res.Body)
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Consents) != 1 || !got.Consents[0].Has(nrm.ConsentRefer, nrm.MustDate(today)) {
		t.Fatalf("consent not stored: %+v", got.Consents)
	}
	consentID := got.Consents[0].ID

	// Refer to US for assessment.
	res = ngo.post(casePath+"/referrals", url.Values{"csrf": {tok}, "referral_purpose": {"assessment"}, "referral_to": {"US"}, "referral_date": {today},
		"referral_reason": {"Met at outreach, passport held by employer"}, "indicators": {"documents_withheld", "debt_bondage"}, "consent": {fmt.Sprint(consentID)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("refer: %d %s", res.StatusCode, res.Body)
	}
	ref := e.referralTo(c.ID, "US")
	if ref.Status != nrm.ReferralSent || ref.FromOrg != "REDEN" || len(ref.Indicators) != 2 {
		t.Fatalf("referral stored as %+v", ref)
	}
	page = ngo.get(casePath)
	if !strings.Contains(page.Body, "Reden International → Udlændingestyrelsen") || !strings.Contains(page.Body, "Identitetspapirer tilbageholdt") {
		t.Error("the case page does not list the referral")
	}

	// US sees it in its queue, on the web and in the API, and not yet the case.
	us := e.login("assessor-us")
	q := us.get("/queue")
	if q.StatusCode != http.StatusOK || !strings.Contains(q.Body, fmt.Sprintf(`<a href="/referrals/%d">DK-REF-1</a>`, ref.ID)) {
		t.Fatalf("US queue: %d %s", q.StatusCode, q.Body)
	}
	res, m := e.api("assessor-us").call("GET", "/api/v1/queue", "")
	if res.StatusCode != http.StatusOK || m["authority"] != "US" || !strings.Contains(res.Body, `"case_ref": "DK-REF-1"`) || !strings.Contains(res.Body, `"days_waiting": 0`) {
		t.Fatalf("API queue: %d %s", res.StatusCode, res.Body)
	}
	if res := us.get(casePath); res.StatusCode != http.StatusNotFound {
		t.Fatalf("US sees the case before accepting: %d", res.StatusCode)
	}
	rp := us.get(fmt.Sprintf("/referrals/%d", ref.ID))
	if rp.StatusCode != http.StatusOK || !strings.Contains(rp.Body, "Nigeria") || !strings.Contains(rp.Body, "Gældsbinding") {
		t.Fatalf("referral page: %d", rp.StatusCode)
	}
	if strings.Contains(rp.Body, "Secret Name") || strings.Contains(rp.Body, "1990-05-17") {
		t.Error("the referral page shows identifiers")
	}
	utok := csrfInput.FindStringSubmatch(rp.Body)[1]
	// Accepting is confirmed first.
	res = us.post(fmt.Sprintf("/referrals/%d/accept", ref.ID), url.Values{"csrf": {utok}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, htmlEscape(tr(nrm.LangDA, "mech.confirm_first"))) {
		t.Fatalf("unconfirmed accept: %d", res.StatusCode)
	}
	if e.referralTo(c.ID, "US").Status != nrm.ReferralSent {
		t.Fatal("an unconfirmed accept changed the referral")
	}
	res = us.post(fmt.Sprintf("/referrals/%d/accept", ref.ID), url.Values{"csrf": {utok}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), casePath) {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := us.get(casePath); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "DK-REF-1") {
		t.Fatalf("US cannot open the accepted case: %d", res.StatusCode)
	}
	// The queue now links to the case.
	if q := us.get("/queue"); !strings.Contains(q.Body, fmt.Sprintf(`<a href="/cases/%d">DK-REF-1</a>`, c.ID)) {
		t.Error("the queue does not link the accepted case")
	}

	// The NGO sees the referral accepted, and US's access on the case page.
	list := ngo.get("/referrals")
	if list.StatusCode != http.StatusOK || !strings.Contains(list.Body, `<span class="state ref-accepted">Modtaget</span>`) {
		t.Fatalf("NGO list: %d %s", list.StatusCode, list.Body)
	}
	ngoAPI := e.api("reden")
	res, m = ngoAPI.call("GET", "/api/v1/referrals?direction=out", "")
	if res.StatusCode != http.StatusOK || m["total"].(float64) != 1 || !strings.Contains(res.Body, `"status": "accepted"`) {
		t.Fatalf("API list: %d %s", res.StatusCode, res.Body)
	}
	page = ngo.get(casePath)
	if !strings.Contains(page.Body, `id="h-access"`) || !strings.Contains(page.Body, fmt.Sprintf(`/referrals/%d/revoke`, ref.ID)) {
		t.Error("the case page offers no revocation of US's access")
	}

	// Another organisation sees nothing of it.
	cmm := e.login("worker")
	if res := cmm.get(fmt.Sprintf("/referrals/%d", ref.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("CMM opens the referral: %d", res.StatusCode)
	}
	if res, _ := e.api("worker").call("GET", fmt.Sprintf("/api/v1/referrals/%d", ref.ID), ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("CMM reads the referral by API: %d", res.StatusCode)
	}
	if res, _ := e.api("worker").call("POST", fmt.Sprintf("/api/v1/referrals/%d/withdraw", ref.ID), ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("CMM withdraws the referral by API: %d", res.StatusCode)
	}

	// The coordinator sees the sizes, never a case.
	coord := e.login("coord")
	q = coord.get("/queue")
	if q.StatusCode != http.StatusOK || !strings.Contains(q.Body, tr(nrm.LangDA, "queue.sizes")) || strings.Contains(q.Body, "DK-REF-1") || strings.Contains(q.Body, "/referrals/") {
		t.Fatalf("coordinator queue: %d %s", q.StatusCode, q.Body)
	}
	coordAPI := e.api("coord")
	res, _ = coordAPI.call("GET", "/api/v1/queues", "")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"authority": "US"`) || !strings.Contains(res.Body, `"undecided": 1`) || strings.Contains(res.Body, "DK-REF-1") {
		t.Fatalf("API queues: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := coordAPI.call("GET", "/api/v1/queue", ""); res.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator reads a queue: %d", res.StatusCode)
	}
	if res := coord.get(fmt.Sprintf("/referrals/%d", ref.ID)); res.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator opens a referral: %d", res.StatusCode)
	}

	// The owner revokes US's access (reason and confirmation required).
	res = ngo.post(fmt.Sprintf("%s/referrals/%d/revoke", casePath, ref.ID), url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, htmlEscape(nrm.FieldError{Field: "revoke_reason", Rule: nrm.RuleRequired}.Message(nrm.LangDA))) ||
		!strings.Contains(res.Body, htmlEscape(tr(nrm.LangDA, "mech.confirm_first"))) {
		t.Fatalf("revoke without reason: %d %s", res.StatusCode, res.Body)
	}
	res = ngo.post(fmt.Sprintf("%s/referrals/%d/revoke", casePath, ref.ID), url.Values{"csrf": {tok}, "revoke_reason": {"Person asked us to"}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Body)
	}
	if res := us.get(casePath); res.StatusCode != http.StatusNotFound {
		t.Errorf("US still sees the case after revocation: %d", res.StatusCode)
	}
}

func TestReferralReturnAndWithdraw(t *testing.T) {
	e := newTestEnv(t)
	today := nrm.DateOf(e.srv.now()).String()
	ngoAPI := e.api("reden")
	refer := func(c *nrm.Case) int64 {
		t.Helper()
		res, k := ngoAPI.call("POST", fmt.Sprintf("/api/v1/cases/%d/consents", c.ID), fmt.Sprintf(`{"scopes":["refer"],"given_on":%q}`, today))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("API consent: %d %s", res.StatusCode, res.Body)
		}
		body := fmt.Sprintf(`{"case_id":%d,"purpose":"assessment","to_org":"US","date":%q,"reason":"Indicators seen","indicators":["isolation"],"consent_id":%v}`,
			c.ID, today, k["id"])
		res, m := ngoAPI.call("POST", "/api/v1/referrals", body)
		if res.StatusCode != http.StatusCreated || m["status"] != "sent" || res.Header.Get("Location") == "" {
			t.Fatalf("API refer: %d %s", res.StatusCode, res.Body)
		}
		return int64(m["id"].(float64))
	}

	// Return, on the web: the reason is required.
	c1 := e.ngoCase("DK-RET-1")
	id := refer(c1)
	us := e.login("assessor-us")
	tok := us.csrf(fmt.Sprintf("/referrals/%d", id))
	res := us.post(fmt.Sprintf("/referrals/%d/return", id), url.Values{"csrf": {tok}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, htmlEscape(nrm.FieldError{Field: "return_reason", Rule: nrm.RuleRequired}.Message(nrm.LangDA))) {
		t.Fatalf("return without reason: %d", res.StatusCode)
	}
	res = us.post(fmt.Sprintf("/referrals/%d/return", id), url.Values{"csrf": {tok}, "confirm": {"yes"}, "return_reason": {"Legal stay: CMM assesses"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d %s", res.StatusCode, res.Body)
	}
	ngo := e.login("reden")
	page := ngo.get(fmt.Sprintf("/referrals/%d", id))
	if !strings.Contains(page.Body, "Returneret") || !strings.Contains(page.Body, "Legal stay: CMM assesses") {
		t.Errorf("the sender does not see the return and its reason")
	}
	// A returned referral cannot be accepted any more.
	if res, m := e.api("assessor-us").call("POST", fmt.Sprintf("/api/v1/referrals/%d/accept", id), ""); res.StatusCode != http.StatusConflict || m["code"] != "conflict" {
		t.Errorf("accept after return: %d %s", res.StatusCode, res.Body)
	}

	// Return by API: the reason is required there too.
	c2 := e.ngoCase("DK-RET-2")
	id2 := refer(c2)
	usAPI := e.api("assessor-us")
	if res, _ := usAPI.call("POST", fmt.Sprintf("/api/v1/referrals/%d/return", id2), `{"reason":"  "}`); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("API return without reason: %d", res.StatusCode)
	}
	if res, m := usAPI.call("POST", fmt.Sprintf("/api/v1/referrals/%d/return", id2), `{"reason":"Not enough to go on"}`); res.StatusCode != http.StatusOK || m["status"] != "returned" {
		t.Errorf("API return: %d %s", res.StatusCode, res.Body)
	}

	// Withdraw, from the case page: confirmed first; then gone from US's queue.
	c3 := e.ngoCase("DK-WD-1")
	id3 := refer(c3)
	casePath := fmt.Sprintf("/cases/%d", c3.ID)
	tok = ngo.csrf(casePath)
	res = ngo.post(fmt.Sprintf("/referrals/%d/withdraw?next=case", id3), url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, htmlEscape(tr(nrm.LangDA, "mech.confirm_first"))) {
		t.Fatalf("unconfirmed withdraw: %d", res.StatusCode)
	}
	if !strings.Contains(us.get("/queue").Body, "DK-WD-1") {
		t.Fatal("the referral is not in US's queue")
	}
	res = ngo.post(fmt.Sprintf("/referrals/%d/withdraw?next=case", id3), url.Values{"csrf": {tok}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), casePath) {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	if e.referralTo(c3.ID, "US").Status != nrm.ReferralWithdrawn {
		t.Error("the referral is not withdrawn")
	}
	if strings.Contains(us.get("/queue").Body, "DK-WD-1") {
		t.Error("a withdrawn referral stays in the queue")
	}
	// The receiver cannot withdraw; the sender withdraws by API.
	c4 := e.ngoCase("DK-WD-2")
	id4 := refer(c4)
	if res, _ := usAPI.call("POST", fmt.Sprintf("/api/v1/referrals/%d/withdraw", id4), ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("receiver withdraws: %d", res.StatusCode)
	}
	if res, m := ngoAPI.call("POST", fmt.Sprintf("/api/v1/referrals/%d/withdraw", id4), "{}"); res.StatusCode != http.StatusOK || m["status"] != "withdrawn" {
		t.Errorf("API withdraw: %d %s", res.StatusCode, res.Body)
	}
	res, m := ngoAPI.call("GET", "/api/v1/referrals?direction=out&status=withdrawn", "")
	if res.StatusCode != http.StatusOK || m["total"].(float64) != 2 {
		t.Errorf("API list withdrawn: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := ngoAPI.call("GET", "/api/v1/referrals?direction=sideways&status=lost", ""); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(res.Body, `"field": "direction"`) || !strings.Contains(res.Body, `"field": "status"`) {
		t.Errorf("bad query: %d %s", res.StatusCode, res.Body)
	}

	// Withdrawing consent, from the case page.
	got := must(e.db.FindCaseByID(system, c4.ID))(t)
	cid := got.Consents[0].ID
	tok = ngo.csrf(fmt.Sprintf("/cases/%d", c4.ID))
	res = ngo.post(fmt.Sprintf("/cases/%d/consents/%d/withdraw", c4.ID, cid), url.Values{"csrf": {tok}, "consent_withdrawn_on": {today}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unconfirmed consent withdrawal: %d", res.StatusCode)
	}
	res = ngo.post(fmt.Sprintf("/cases/%d/consents/%d/withdraw", c4.ID, cid), url.Values{"csrf": {tok}, "consent_withdrawn_on": {today}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent withdrawal: %d %s", res.StatusCode, res.Body)
	}
	got = must(e.db.FindCaseByID(system, c4.ID))(t)
	if got.Consents[0].WithdrawnOn.IsZero() {
		t.Error("the consent is not withdrawn")
	}
}

func TestReferralFormShowsEveryError(t *testing.T) {
	e := newTestEnv(t)
	c := e.ngoCase("DK-FORM-1")
	ngo := e.login("reden")
	path := fmt.Sprintf("/cases/%d", c.ID)
	tok := ngo.csrf(path)
	before := must(e.db.FindCaseByID(system, c.ID))(t)
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		res := ngo.post(path+"/referrals?lang="+string(lang), url.Values{"csrf": {tok}, "referral_date": {"not a date"}, "indicators": {"bogus"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d", lang, res.StatusCode)
		}
		for _, fe := range []nrm.FieldError{
			{Field: "referral_purpose", Rule: nrm.RuleRequired, Expected: nrm.ExpectedCodes("referral_purpose")},
			{Field: "referral_to", Rule: nrm.RuleRequired, Expected: "an organisation"},
			{Field: "referral_date", Rule: nrm.RuleFormat, Value: "not a date", Expected: "YYYY-MM-DD"},
			{Field: "referral_reason", Rule: nrm.RuleRequired},
			{Field: "indicators", Rule: nrm.RuleOneOf, Value: "bogus", Expected: nrm.ExpectedCodes("indicator")},
			{Field: "consent", Rule: nrm.RuleRequired, Expected: "the person's consent to be referred"},
		} {
			if msg := htmlEscape(fe.Message(lang)); !strings.Contains(res.Body, `<p class="field-error">`+msg) {
				t.Errorf("%s: message missing next to %s: %s", lang, fe.Field, msg)
			}
		}
		if n := strings.Count(res.Body, `aria-invalid="true"`); n < 6 {
			t.Errorf("%s: %d fields marked invalid", lang, n)
		}
		if strings.Contains(res.Body, ">referral_") || strings.Contains(res.Body, "referral_reason ") {
			t.Errorf("%s: an internal field name shows", lang)
		}
	}
	// The consent form: no scope, a future date.
	res := ngo.post(path+"/consents?lang=da", url.Values{"csrf": {tok}, "consent_given_on": {"2999-01-01"}, "consent_share_with": {"US"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("consent: %d", res.StatusCode)
	}
	for _, f := range []string{"consent_scope", "consent_given_on", "consent_share_with"} {
		if !strings.Contains(res.Body, `<p class="field-error">`+htmlEscape(nrm.FieldLabel(f, nrm.LangDA))) {
			t.Errorf("consent: no message for %s", f)
		}
	}
	after := must(e.db.FindCaseByID(system, c.ID))(t)
	if after.Version != before.Version || len(after.Consents) != 0 || len(after.Referrals) != 0 {
		t.Error("refused forms changed the case")
	}
	// Referring for assessment to the other authority needs a reason.
	res = ngo.post(path+"/referrals?lang=da", url.Values{"csrf": {tok}, "referral_purpose": {"assessment"}, "referral_to": {"CMM"},
		"referral_date": {nrm.DateOf(e.srv.now()).String()}, "referral_reason": {"x"}})
	fe := nrm.FieldError{Field: "referral_to", Rule: nrm.RuleAuthorityMismatch, Value: "CMM", Expected: "US"}
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, htmlEscape(fe.Message(nrm.LangDA))) {
		t.Errorf("route mismatch: %d", res.StatusCode)
	}
}

func TestReferralPagesInBothLanguages(t *testing.T) {
	e := newTestEnv(t)
	c := e.ngoCase("DK-LANG-1")
	checks := []struct {
		user, path string
		keys       []string
	}{
		{"reden", fmt.Sprintf("/cases/%d", c.ID), []string{"mech.title", "mech.consents", "mech.referrals", "mech.access", "consent.give", "referral.refer", "referral.send", "mech.required"}},
		{"reden", "/referrals", []string{"referrals.title", "referrals.incoming", "referrals.outgoing", "nav.referrals"}},
		{"assessor-us", "/queue", []string{"queue.title", "nav.queue", "queue.empty"}},
		{"coord", "/queue", []string{"queue.sizes", "queue.waiting", "queue.undecided", "queue.oldest_days"}},
		{"admin", "/queue?authority=CMM", []string{"queue.sizes", "queue.show", "queue.empty"}},
	}
	for _, ch := range checks {
		cl := e.login(ch.user)
		for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
			sep := "?"
			if strings.Contains(ch.path, "?") {
				sep = "&"
			}
			res := cl.get(ch.path + sep + "lang=" + string(lang))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s (%s): %d", ch.user, ch.path, lang, res.StatusCode)
			}
			for _, k := range ch.keys {
				if !strings.Contains(res.Body, htmlEscape(tr(lang, k))) {
					t.Errorf("%s %s (%s): label %s missing", ch.user, ch.path, lang, k)
				}
			}
			// The other language's section labels do not leak in.
			other := nrm.LangEN
			if lang == nrm.LangEN {
				other = nrm.LangDA
			}
			for _, k := range ch.keys {
				if tr(other, k) != tr(lang, k) && strings.Contains(res.Body, ">"+htmlEscape(tr(other, k))+"<") {
					t.Errorf("%s %s (%s): %s shows in the other language", ch.user, ch.path, lang, k)
				}
			}
		}
	}
	// Every label of the mechanism has both languages.
	for k, v := range referralTranslations {
		if v[0] == "" || v[1] == "" || translations[k] != v {
			t.Errorf("label %s incomplete or not merged", k)
		}
	}
}

func TestReferralMinorLateQueueAndAPIErrors(t *testing.T) {
	e := newTestEnv(t)
	now := nrm.DateOf(e.srv.now())
	// A minor needs no consent; the municipality is informed instead.
	minor := &nrm.Case{Ref: "DK-MINOR-1", OwnerOrg: "REDEN", Gender: nrm.GenderMale, Nationality: "RO", ResidenceStatus: nrm.ResidenceAsylumSeeker,
		Identifiers: nrm.Identifiers{BirthDate: now.AddDays(-365 * 15)},
		Contacts:    []nrm.Contact{{Date: now.AddDays(-40), Form: nrm.ContactPolice}}}
	if err := e.db.CreateCase(system, minor); err != nil {
		t.Fatal(err)
	}
	ngo := e.login("reden")
	path := fmt.Sprintf("/cases/%d", minor.ID)
	page := ngo.get(path + "?lang=da")
	if !strings.Contains(page.Body, htmlEscape(tr(nrm.LangDA, "mech.minor"))) || !strings.Contains(page.Body, `name="municipality_informed_on"`) {
		t.Fatal("the minor's form does not ask for the municipality")
	}
	tok := csrfInput.FindStringSubmatch(page.Body)[1]
	v := url.Values{"csrf": {tok}, "referral_purpose": {"assessment"}, "referral_to": {"US"}, "referral_date": {now.String()}, "referral_reason": {"Found at a car wash"}}
	res := ngo.post(path+"/referrals?lang=da", v)
	fe := nrm.FieldError{Field: "municipality_informed_on", Rule: nrm.RuleRequired, Expected: "the date the municipality was informed (a minor needs no consent)"}
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, htmlEscape(fe.Message(nrm.LangDA))) {
		t.Fatalf("minor without the municipality: %d", res.StatusCode)
	}
	if strings.Contains(res.Body, htmlEscape(nrm.FieldLabel("consent", nrm.LangDA))+" skal udfyldes") {
		t.Error("a minor's referral asks for consent")
	}
	v.Set("municipality", "Aarhus")
	v.Set("municipality_informed_on", now.String())
	if res := ngo.post(path+"/referrals", v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("minor referral: %d %s", res.StatusCode, res.Body)
	}

	// A referral waiting 20 days stands out in the queue.
	adult := e.ngoCase("DK-LATE-1")
	ngoAPI := e.api("reden")
	res, k := ngoAPI.call("POST", fmt.Sprintf("/api/v1/cases/%d/consents", adult.ID), fmt.Sprintf(`{"scopes":["refer"],"given_on":%q,"given_by":"the person"}`, now.AddDays(-30)))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("consent: %d %s", res.StatusCode, res.Body)
	}
	res, _ = ngoAPI.call("POST", "/api/v1/referrals", fmt.Sprintf(`{"case_id":%d,"purpose":"assessment","to_org":"US","date":%q,"reason":"r","consent_id":%v}`, adult.ID, now.AddDays(-20), k["id"]))
	if res.StatusCode != http.StatusCreated || !strings.Contains(res.Body, `"days_waiting": 20`) {
		t.Fatalf("late referral: %d %s", res.StatusCode, res.Body)
	}
	us := e.login("assessor-us")
	q := us.get("/queue")
	if !regexp.MustCompile(`<span class="late"[^>]*>20</span>`).MatchString(q.Body) {
		t.Errorf("a 20-day wait is not highlighted")
	}
	if regexp.MustCompile(`<span class="late"[^>]*>0</span>`).MatchString(q.Body) {
		t.Errorf("a fresh referral is highlighted")
	}

	// API errors: each fault named, in the request's language, nothing stored.
	res, m := ngoAPI.call("POST", fmt.Sprintf("/api/v1/cases/%d/consents?lang=en", adult.ID), `{"scopes":["refer","gossip"],"given_on":"2999-01-01"}`)
	if res.StatusCode != http.StatusUnprocessableEntity || m["code"] != "invalid" || !strings.Contains(res.Body, `"field": "consent_scope"`) ||
		!strings.Contains(res.Body, `"field": "consent_given_on"`) || !strings.Contains(res.Body, "Consent scope has an unknown value") {
		t.Errorf("API consent: %d %s", res.StatusCode, res.Body)
	}
	res, _ = ngoAPI.call("POST", "/api/v1/referrals?lang=da", fmt.Sprintf(`{"case_id":%d,"purpose":"holiday","to_org":"CMM","date":%q}`, adult.ID, now))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field": "referral_purpose"`) || !strings.Contains(res.Body, `"field": "referral_reason"`) ||
		!strings.Contains(res.Body, `"field": "consent"`) || !strings.Contains(res.Body, "Begrundelse for henvisningen skal udfyldes") {
		t.Errorf("API referral: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := ngoAPI.call("POST", "/api/v1/referrals", `{"purpose":"assessment"}`); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field": "case_id"`) {
		t.Errorf("API referral without a case: %d %s", res.StatusCode, res.Body)
	}
	if res, _ := ngoAPI.call("POST", "/api/v1/referrals", `{"case_id":1,"colour":"red"}`); res.StatusCode != http.StatusBadRequest {
		t.Errorf("API referral with an unknown field: %d", res.StatusCode)
	}
	got := must(e.db.FindCaseByID(system, adult.ID))(t)
	if len(got.Consents) != 1 || len(got.Referrals) != 1 {
		t.Errorf("refused API calls changed the case: %d consents, %d referrals", len(got.Consents), len(got.Referrals))
	}
	// An assessor reads only their own authority's queue.
	usAPI := e.api("assessor-us")
	if res, _ := usAPI.call("GET", "/api/v1/queue?authority=CMM", ""); res.StatusCode != http.StatusForbidden {
		t.Errorf("US reads CMM's queue: %d", res.StatusCode)
	}

	// Every API route of the mechanism is described in the OpenAPI document.
	res = e.client().get("/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(res.Body), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, method string }{
		{"/referrals", "get"}, {"/referrals", "post"}, {"/referrals/{id}", "get"}, {"/referrals/{id}/accept", "post"},
		{"/referrals/{id}/return", "post"}, {"/referrals/{id}/withdraw", "post"}, {"/cases/{id}/consents", "post"},
		{"/cases/{id}/consents/{cid}/withdraw", "post"}, {"/queue", "get"}, {"/queues", "get"},
	} {
		if _, ok := doc.Paths[p.path][p.method]; !ok {
			t.Errorf("openapi lacks %s %s", p.method, p.path)
		}
	}
}
