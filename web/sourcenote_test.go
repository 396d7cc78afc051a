package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nrm"
)

func TestSourcesPageAndAPI(t *testing.T) {
	e := newTestEnv(t)
	if err := e.db.UpsertOrganisation(system, &nrm.Organisation{Code: "RODE_KORS", NameDA: "Dansk Røde Kors", NameEN: "Danish Red Cross", Kind: "ngo"}); err != nil {
		t.Fatal(err)
	}
	an := e.login("analyst")
	if page := an.get("/stats/sources?year=2011"); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Der er ingen kildenoter for året.") ||
		strings.Contains(page.Body, `action="/stats/sources/notes#notes"`) {
		t.Fatalf("empty page (analyst): %d %s", page.StatusCode, page.Body)
	}
	co := e.login("coord")
	tok := co.csrf("/stats/sources?year=2011")
	note := url.Values{"csrf": {tok}, "year": {"2011"}, "section": {"returns"}, "org": {"US"}, "attributed": {"1"},
		"text_da": {"Oplysningerne er baseret på en manuel gennemgang af sager."}, "text_en": {"The figures are based on a manual review of cases."}}
	if res := co.post("/stats/sources/notes", note); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save note: %d %s", res.StatusCode, res.Body)
	}
	scr := url.Values{"csrf": {tok}, "year": {"2011"}, "org": {"RODE_KORS"}, "screening_kind": {"interview"}, "target_group": {"minors"}, "persons": {"80"}}
	if res := co.post("/stats/sources/screenings", scr); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save screening: %d %s", res.StatusCode, res.Body)
	}
	page := an.get("/stats/sources?year=2011&lang=en")
	for _, want := range []string{"The figures are based on a manual review of cases.", "Prepared returns", "Danish Red Cross", "Trafficking interview", "Minors", ">80<"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// One message per fault, in Danish and English; nothing is stored.
	bad := url.Values{"csrf": {tok}, "year": {"2011"}, "org": {"NOPE"}, "screening_kind": {"chat"}, "target_group": {"minors"}, "persons": {"many"}}
	res := co.post("/stats/sources/screenings", bad)
	for _, want := range []string{"Organisation henviser til noget, der ikke findes", "Art har en ukendt værdi", "Antal personer har et ugyldigt format"} {
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, want) {
			t.Errorf("invalid (da): %d lacks %q", res.StatusCode, want)
		}
	}
	if res := co.post("/stats/sources/notes?lang=en", url.Values{"csrf": {tok}, "year": {"2011"}, "section": {"weather"}, "org": {"US"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "Section has an unknown value") || !strings.Contains(res.Body, "Text (Danish) is required") {
		t.Errorf("invalid note (en): %d %s", res.StatusCode, res.Body)
	}
	var rows []nrm.Screening
	if res := an.api("GET", "/api/v1/screenings?year=2011", ""); json.Unmarshal([]byte(res.Body), &rows) != nil || len(rows) != 1 || rows[0].Persons != 80 {
		t.Fatalf("screenings after a refused save: %s", res.Body)
	}
	// Attack: the analyst, a caseworker and the auditor write through the
	// forms and the API; the auditor does not read statistics.
	for _, who := range []string{"analyst", "worker", "auditor"} {
		c := e.login(who)
		ctok := c.csrf("/account")
		if res := c.post("/stats/sources/notes", note); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s form save: %d", who, res.StatusCode)
		}
		if res := c.api("PUT", "/api/v1/screenings", `{"year":2011,"org":"US","kind":"interview","group":"all","persons":1}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s API put: %d", who, res.StatusCode)
		}
	}
	if res := e.login("auditor").get("/stats/sources"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("auditor reads the sources: %d", res.StatusCode)
	}
	// The API: put, list, delete.
	if res := co.api("PUT", "/api/v1/source-notes", `{"year":2011,"section":"minors","org":"CMM","text_da":"Kontakt til ganske få mindreårige."}`, "X-CSRF-Token", tok); res.StatusCode != http.StatusOK {
		t.Fatalf("API put note: %d %s", res.StatusCode, res.Body)
	}
	var notes []nrm.SourceNote
	if res := an.api("GET", "/api/v1/source-notes?year=2011", ""); json.Unmarshal([]byte(res.Body), &notes) != nil || len(notes) != 2 || notes[0].Section != "minors" {
		t.Fatalf("API notes: %s", res.Body)
	}
	if res := an.api("GET", "/api/v1/source-notes?year=11x", ""); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad year: %d", res.StatusCode)
	}
	if res := co.api("DELETE", "/api/v1/screenings?year=2011&org=RODE_KORS&kind=interview&group=minors", "", "X-CSRF-Token", tok); res.StatusCode != http.StatusNoContent {
		t.Fatalf("API delete: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("DELETE", "/api/v1/screenings?year=2011&org=RODE_KORS&kind=interview&group=minors", "", "X-CSRF-Token", tok); res.StatusCode != http.StatusNotFound {
		t.Fatalf("API delete again: %d", res.StatusCode)
	}
}
