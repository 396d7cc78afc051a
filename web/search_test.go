package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nrm"
)

// The search posts: no identifier is ever in an address or a log line,
// and a caseworker finds only the cases his organisation may see.
func TestSearchPage(t *testing.T) {
	e := newAttackEnv(t)
	worker := e.as("worker")
	tok := worker.csrf("/search")
	res := worker.post("/search", url.Values{"csrf": {tok}, "name": {"plantedname ZORANA"}, "birth_date": {"1991-03-04"}})
	mustStatus(t, res, http.StatusOK, "search")
	if !strings.Contains(res.Body, secretRef) || !strings.Contains(res.Body, fmt.Sprintf(`href="/cases/%d"`, e.cmm.ID)) {
		t.Fatalf("own organisation's case not found:\n%s", res.Body)
	}
	noLeak(t, "search results", res.Body, secretAddr, "Planted note", "+4512345678")
	// The address carries nothing; a GET with a query does not search.
	res = worker.get("/search?name=Zorana")
	mustStatus(t, res, http.StatusOK, "search by address")
	if strings.Contains(res.Body, secretRef) {
		t.Fatal("a GET with the query in the address searched")
	}
	// REDEN's caseworker does not find CMM's case, by any criterion.
	reden := e.as("reden")
	tok = reden.csrf("/search")
	for _, q := range []url.Values{{"name": {"zorana"}}, {"phone": {"12345678"}}, {"birth_date": {"1991-03-04"}}} {
		q.Set("csrf", tok)
		res = reden.post("/search", q)
		mustStatus(t, res, http.StatusOK, "REDEN search")
		if strings.Contains(res.Body, secretRef) || strings.Contains(res.Body, fmt.Sprintf("/cases/%d", e.cmm.ID)) {
			t.Fatalf("REDEN found CMM's case by %v", q)
		}
	}
	// An empty search is refused with a message in the page's language.
	res = reden.post("/search?lang=en", url.Values{"csrf": {tok}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "empty search")
	if !strings.Contains(res.Body, "a name, a birth date, a document number or a phone number") {
		t.Fatalf("empty search message:\n%s", res.Body)
	}
	// The API: a caseworker's hits, JSON in, JSON out.
	res = e.bearer(e.token("worker"), http.MethodPost, "/api/v1/search", `{"name":"zora"}`)
	mustStatus(t, res, http.StatusOK, "API search")
	var body struct {
		Hits []nrm.SearchHit `json:"hits"`
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil || len(body.Hits) != 1 || body.Hits[0].Ref != secretRef {
		t.Fatalf("API search: %v %s", err, res.Body)
	}
	noLeak(t, "API search", res.Body, secretName, secretAddr)
	res = e.bearer(e.token("reden"), http.MethodPost, "/api/v1/search", `{"name":"zora"}`)
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, secretRef) {
		t.Fatalf("REDEN API search: %d %s", res.StatusCode, res.Body)
	}
	res = e.bearer(e.token("analyst"), http.MethodPost, "/api/v1/search", `{"name":"zora"}`)
	mustStatus(t, res, http.StatusForbidden, "analyst API search")
	// Nothing searched for reached the log.
	noLeak(t, "server log", e.log.String(), "plantedname", "ZORANA", "Zorana", "zora", "12345678", "1991-03-04")
}

// Registering a person another organisation already holds: the case is
// stored, and the notice names the organisation only.
func TestDuplicateNoticeAtRegistration(t *testing.T) {
	e := newAttackEnv(t)
	reden := e.as("reden")
	tok := reden.csrf("/cases/new")
	res := reden.post("/cases", url.Values{"csrf": {tok}, "case_ref": {"RED-NEW-1"}, "gender": {"female"}, "residence_status": {"legal"},
		"name": {"zorana  PLANTEDNAME"}, "birth_date": {"1991-03-04"}})
	mustStatus(t, res, http.StatusSeeOther, "registration")
	loc := res.Header.Get("Location")
	if !strings.Contains(loc, "dup=CMM") || strings.Contains(strings.ToLower(loc), "zorana") {
		t.Fatalf("redirect: %q", loc)
	}
	for _, lang := range []string{"da", "en"} {
		page := reden.get(loc + "&lang=" + lang)
		mustStatus(t, page, http.StatusOK, "new case page")
		want := map[string]string{"da": "Center mod Menneskehandel har muligvis allerede en sag", "en": "A possible existing case is held by organisation Danish Centre against Human Trafficking"}[lang]
		if !strings.Contains(page.Body, want) {
			t.Fatalf("%s: notice missing:\n%s", lang, page.Body)
		}
		noLeak(t, "duplicate notice", page.Body, secretRef, secretAddr, "Aalborg", "Secret Shelter")
	}
	// An address naming an unknown organisation shows nothing.
	page := reden.get(strings.Replace(loc, "dup=CMM", "dup=EVIL%3Cscript%3E", 1))
	if strings.Contains(page.Body, "duplicate-notice") || strings.Contains(page.Body, "EVIL<") {
		t.Fatal("the notice shows text from the address")
	}
	// Through the API the notice is a header.
	res = e.bearer(e.token("reden"), http.MethodPost, "/api/v1/cases",
		`{"ref":"RED-NEW-2","owner_org":"REDEN","gender":"female","residence_status":"legal","identifiers":{"name":"Zoe Other","birth_date":"1991-03-04"}}`)
	mustStatus(t, res, http.StatusCreated, "API registration")
	if h := res.Header.Get("Nrm-Possible-Duplicates"); h != "" {
		t.Fatalf("the same birth date and another name: %q", h)
	}
	res = e.bearer(e.token("reden"), http.MethodPost, "/api/v1/cases",
		`{"ref":"RED-NEW-3","owner_org":"REDEN","gender":"female","residence_status":"legal","identifiers":{"name":"Zorana Plantedname","birth_date":"1991-03-04"}}`)
	mustStatus(t, res, http.StatusCreated, "API registration")
	if h := res.Header.Get("Nrm-Possible-Duplicates"); !strings.Contains(h, "CMM") {
		t.Fatalf("API duplicate header: %q", h)
	}
	noLeak(t, "API registration", res.Body, secretRef)
}

// An administrator merges two cases on the case page; conflicting facts
// are refused with one message.
func TestCaseMergePage(t *testing.T) {
	e := newAttackEnv(t)
	dup := &nrm.Case{Ref: "CMM-DUP-1", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceLegal,
		Identifiers: nrm.Identifiers{Name: "Zorana P.", DocumentNumbers: []string{"X1"}},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-01-15"), Form: nrm.ContactOutreach, Org: "CMM"}}}
	if err := e.db.CreateCase(system, dup); err != nil {
		t.Fatal(err)
	}
	worker := e.as("worker")
	page := worker.get(fmt.Sprintf("/cases/%d", e.cmm.ID))
	if strings.Contains(page.Body, "/merge") {
		t.Fatal("a caseworker is offered the merge form")
	}
	tok := worker.csrf(fmt.Sprintf("/cases/%d", e.cmm.ID))
	res := worker.post(fmt.Sprintf("/cases/%d/merge", e.cmm.ID), url.Values{"csrf": {tok}, "other_ref": {dup.Ref}, "confirm": {"yes"}})
	mustStatus(t, res, http.StatusForbidden, "merge by a caseworker")

	admin := e.as("admin")
	path := fmt.Sprintf("/cases/%d", e.cmm.ID)
	page = admin.get(path)
	if !strings.Contains(page.Body, path+"/merge") {
		t.Fatal("no merge form for the administrator")
	}
	tok = admin.csrf(path)
	res = admin.post(path+"/merge", url.Values{"csrf": {tok}, "other_ref": {dup.Ref}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "merge without confirmation")
	res = admin.post(path+"/merge", url.Values{"csrf": {tok}, "other_ref": {dup.Ref}, "confirm": {"yes"}})
	mustStatus(t, res, http.StatusSeeOther, "merge")
	c, err := e.db.FindCaseByID(system, e.cmm.ID)
	if err != nil || len(c.Contacts) != 2 || !strings.Contains(strings.Join(c.Identifiers.Aliases, ";"), "Zorana P.") {
		t.Fatalf("merged: %+v %v", c, err)
	}
	if _, err := e.db.FindCaseByID(system, dup.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
		t.Fatalf("other case: %v", err)
	}
	// REDEN's case is about a person of another nationality.
	res = admin.post(path+"/merge?lang=da", url.Values{"csrf": {tok}, "other_ref": {redenRef}, "confirm": {"yes"}})
	mustStatus(t, res, http.StatusConflict, "conflicting merge")
	if !strings.Contains(res.Body, "Sagerne kan ikke lægges sammen") || !strings.Contains(res.Body, "Nationalitet") {
		t.Fatalf("conflict page:\n%s", res.Body)
	}
	if _, err := e.db.FindCaseByID(system, e.reden.ID); err != nil {
		t.Fatalf("refused merge removed the case: %v", err)
	}
}

// Accepting a referral checks for possible duplicates too: in the web
// the case page shows the notice, in the API a header names the
// organisations.
func TestDuplicateNoticeAtReferral(t *testing.T) {
	e := newAttackEnv(t)
	refer := func(ref string) int64 {
		c := &nrm.Case{Ref: ref, OwnerOrg: "REDEN", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
			Identifiers: nrm.Identifiers{Name: secretName, BirthDate: nrm.MustDate("1991-03-04")},
			Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-03-01"), Form: nrm.ContactOutreach, Org: "REDEN"}}}
		if err := e.db.CreateCase(system, c); err != nil {
			t.Fatal(err)
		}
		k := &nrm.Consent{Scopes: []nrm.ConsentScope{nrm.ConsentRefer}, GivenOn: nrm.MustDate("2011-03-01"), GivenBy: "the person"}
		if err := e.db.GiveConsent(system, c.ID, k); err != nil {
			t.Fatal(err)
		}
		r := &nrm.Referral{Purpose: nrm.PurposeAssessment, FromOrg: "REDEN", ToOrg: "US", Date: nrm.MustDate("2011-03-02"), Reason: "assessment", ConsentID: k.ID}
		if err := e.db.Refer(system, c.ID, r); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	id := refer("RED-REF-1")
	us := e.as("assessor-us")
	tok := us.csrf(fmt.Sprintf("/referrals/%d", id))
	res := us.post(fmt.Sprintf("/referrals/%d/accept", id), url.Values{"csrf": {tok}, "confirm": {"yes"}})
	mustStatus(t, res, http.StatusSeeOther, "accept")
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "dup=") || !strings.Contains(loc, "CMM") {
		t.Fatalf("accept redirect: %q", loc)
	}
	id = refer("RED-REF-2")
	res = e.bearer(e.token("assessor-us"), http.MethodPost, fmt.Sprintf("/api/v1/referrals/%d/accept", id), "")
	mustStatus(t, res, http.StatusOK, "API accept")
	if h := res.Header.Get("Nrm-Possible-Duplicates"); !strings.Contains(h, "CMM") {
		t.Fatalf("API accept header: %q", h)
	}
	noLeak(t, "API accept", res.Body, secretRef)
}
