package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nrm"
)

// outputPlan stores a plan with an activity of CMM and one of the police.
func outputPlan(t *testing.T, e *testEnv) {
	t.Helper()
	p := &nrm.Plan{Code: "P", NameDA: "Plan", StartYear: 2011, EndYear: 2014, Areas: []nrm.Area{{Number: 1, NameDA: "Område", Goals: []nrm.Goal{
		{Code: "1.1", NameDA: "Mål", Activities: []nrm.Activity{
			{Code: "1.1.1", TextDA: "Kurser for sundhedspersonale.", Responsible: []string{"CMM"}},
			{Code: "1.1.2", TextDA: "Politiets kurser.", Responsible: []string{"RIGSPOLITIET"}},
		}}}}}}
	if err := e.db.SavePlan(system, p); err != nil {
		t.Fatal(err)
	}
}

func TestOutputPagesAndAPI(t *testing.T) {
	e := newTestEnv(t)
	outputPlan(t, e)
	w := e.login("worker") // CMM caseworker
	tok := w.csrf("/plans/P/outputs")
	res := w.post("/plans/P/outputs", url.Values{"csrf": {tok}, "activity": {"1.1.1"}, "kind": {"training"}, "title_da": {"Kursus for sundhedspersonale"},
		"period": {"2011"}, "audience": {"sundhedspersonale"}, "events": {"4"}, "participants": {"80"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.StatusCode, res.Body)
	}
	page := w.get("/plans/P/outputs")
	if !strings.Contains(page.Body, "Kursus for sundhedspersonale") || !strings.Contains(page.Body, "Center mod Menneskehandel") {
		t.Fatalf("list: %s", page.Body)
	}
	// One message per fault, in Danish and in English.
	bad := url.Values{"csrf": {tok}, "activity": {"1.1.1"}, "kind": {"webinar"}, "title_da": {""}, "period": {"spring"}, "participants": {"many"}}
	res = w.post("/plans/P/outputs", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Titel (dansk) skal udfyldes") ||
		!strings.Contains(res.Body, "Deltagere eller rækkevidde har et ugyldigt format") {
		t.Fatalf("invalid (da): %d %s", res.StatusCode, res.Body)
	}
	res = w.post("/plans/P/outputs?lang=en", bad)
	if !strings.Contains(res.Body, "Participants or reach has an invalid format") {
		t.Fatalf("invalid (en): %s", res.Body)
	}
	// Attack: CMM adds an output to the police's activity.
	res = w.post("/plans/P/outputs", url.Values{"csrf": {tok}, "activity": {"1.1.2"}, "kind": {"training"}, "title_da": {"x"}, "period": {"2011"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("other body's activity: %d", res.StatusCode)
	}
	// Attack: a link with a script scheme is refused and never rendered as a link.
	res = w.post("/plans/P/outputs", url.Values{"csrf": {tok}, "activity": {"1.1.1"}, "kind": {"campaign"}, "title_da": {"x"}, "period": {"2011"},
		"link": {"javascript:alert(1)"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("script link: %d", res.StatusCode)
	}
	// Attack: a form post without the CSRF token.
	if res := w.post("/plans/P/outputs", url.Values{"activity": {"1.1.1"}, "kind": {"training"}, "title_da": {"x"}, "period": {"2011"}}); res.StatusCode == http.StatusSeeOther {
		t.Fatal("post without CSRF token accepted")
	}

	// The API: list, add, patch, delete; a session needs X-CSRF-Token.
	co := e.login("coord")
	ctok := co.csrf("/plans/P/outputs")
	body := `{"activity":"1.1.2","kind":"campaign","title_da":"Ud med bagmændene","period":"2011-11","org":"RIGSPOLITIET","link":"https://example.org"}`
	if res := co.api("POST", "/api/v1/plans/P/outputs", body); res.StatusCode != http.StatusForbidden {
		t.Fatalf("API without CSRF header: %d", res.StatusCode)
	}
	res = co.api("POST", "/api/v1/plans/P/outputs", body, "X-CSRF-Token", ctok)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("API add: %d %s", res.StatusCode, res.Body)
	}
	var o nrm.Output
	if err := json.Unmarshal([]byte(res.Body), &o); err != nil || o.ID == 0 {
		t.Fatalf("API add body: %v %s", err, res.Body)
	}
	id := res.Header.Get("Location")
	if res := co.api("PATCH", id, `{"participants":1200}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusOK || !strings.Contains(strings.ReplaceAll(res.Body, " ", ""), `"participants":1200`) {
		t.Fatalf("API patch: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("PATCH", id, `{"colour":"red"}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("API patch unknown field: %d", res.StatusCode)
	}
	// Attack: the CMM caseworker patches or deletes the police's output.
	wtok := w.csrf("/plans/P/outputs")
	if res := w.api("PATCH", id, `{"participants":1}`, "X-CSRF-Token", wtok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("CMM patches police output: %d", res.StatusCode)
	}
	if res := w.api("DELETE", id, "", "X-CSRF-Token", wtok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("CMM deletes police output: %d", res.StatusCode)
	}
	an := e.login("analyst")
	res = an.api("GET", "/api/v1/plans/P/outputs", "")
	var list []nrm.Output
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list) != 2 || list[1].Participants != 1200 {
		t.Fatalf("API list: %v %s", err, res.Body)
	}
	if res := co.api("DELETE", id, "", "X-CSRF-Token", ctok); res.StatusCode != http.StatusNoContent {
		t.Fatalf("API delete: %d", res.StatusCode)
	}

	// Export and import round-trip through CSV; a bad file changes nothing.
	csv := co.get("/plans/P/outputs/export.csv")
	if csv.StatusCode != http.StatusOK || !strings.Contains(csv.Body, "Kursus for sundhedspersonale") {
		t.Fatalf("export: %d %s", csv.StatusCode, csv.Body)
	}
	if res := co.upload("/plans/P/outputs/import", ctok, "o.csv", csv.Body, url.Values{"replace": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, res.Body)
	}
	res = co.upload("/plans/P/outputs/import", ctok, "o.csv", csv.Body+"9.9.9,training,x,,2011,,,,,,,,,,,\n", nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "linje 3: Aktivitet henviser til noget, der ikke findes") {
		t.Fatalf("bad import: %d %s", res.StatusCode, res.Body)
	}
	if y := co.get("/plans/P/outputs/export.yaml"); !strings.Contains(y.Body, "plan: P") || strings.Count(y.Body, "activity:") != 1 {
		t.Fatalf("yaml export after refused import: %s", y.Body)
	}
	// Attack: a caseworker replaces all outputs by import.
	if res := w.upload("/plans/P/outputs/import", wtok, "o.csv", csv.Body, url.Values{"replace": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker replace: %d", res.StatusCode)
	}
}

func TestFundingPagesAndAPI(t *testing.T) {
	e := newTestEnv(t)
	outputPlan(t, e)
	co := e.login("coord")
	tok := co.csrf("/plans/P/funding")
	res := co.post("/plans/P/funding", url.Values{"csrf": {tok}, "activity": {"1.1.1"}, "year": {"2012"}, "line": {"satspulje"},
		"allocated_dkk": {"1.500.000"}, "spent_dkk": {"1200000"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("put: %d %s", res.StatusCode, res.Body)
	}
	if page := co.get("/plans/P/funding"); !strings.Contains(page.Body, "1.500.000") || !strings.Contains(page.Body, "1.200.000") {
		t.Fatalf("funding page: %s", page.Body)
	}
	res = co.post("/plans/P/funding", url.Values{"csrf": {tok}, "activity": {"1.1.1"}, "year": {"20x"}, "line": {"Sats pulje"}, "allocated_dkk": {"mange"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Bevillingslinje") || !strings.Contains(res.Body, "Bevilget (kr.) har et ugyldigt format") {
		t.Fatalf("invalid funding: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("PUT", "/api/v1/plans/P/funding", `{"activity":"1.1.2","year":2013,"line":"politiet","allocated_dkk":500000,"spent_dkk":0}`, "X-CSRF-Token", tok); res.StatusCode != http.StatusOK {
		t.Fatalf("API put: %d %s", res.StatusCode, res.Body)
	}
	var fs []nrm.ActivityFunding
	if res := e.login("analyst").api("GET", "/api/v1/plans/P/funding", ""); json.Unmarshal([]byte(res.Body), &fs) != nil || len(fs) != 2 {
		t.Fatalf("API list: %s", res.Body)
	}
	// Attack: a caseworker of a responsible body writes funding.
	w := e.login("worker")
	wtok := w.csrf("/plans/P/outputs")
	if res := w.api("PUT", "/api/v1/plans/P/funding", `{"activity":"1.1.1","year":2012,"line":"satspulje","allocated_dkk":9}`, "X-CSRF-Token", wtok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker API put: %d", res.StatusCode)
	}
	if res := w.post("/plans/P/funding", url.Values{"csrf": {wtok}, "activity": {"1.1.1"}, "year": {"2012"}, "line": {"satspulje"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker form put: %d", res.StatusCode)
	}
	if res := co.api("DELETE", "/api/v1/plans/P/funding/1.1.2/2013/politiet", "", "X-CSRF-Token", tok); res.StatusCode != http.StatusNoContent {
		t.Fatalf("API delete: %d %s", res.StatusCode, res.Body)
	}
}

func TestWorkGroupPagesAndAPI(t *testing.T) {
	e := newTestEnv(t)
	co := e.login("coord")
	tok := co.csrf("/workgroups")
	y := "groups:\n  - code: IMG\n    kind: inter_ministerial\n    name_da: Den tværministerielle arbejdsgruppe\n    chair: LIGESTILLING\n    members: [LIGESTILLING, RIGSPOLITIET]\n    actions:\n      - text_da: Statusrapport udarbejdes.\n        org: LIGESTILLING\n"
	if res := co.upload("/workgroups/import", tok, "g.yaml", y, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, res.Body)
	}
	if res := co.post("/workgroups/IMG/meetings", url.Values{"csrf": {tok}, "date": {"2012-03-01"}, "minutes_da": {"Status drøftet."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("meeting: %d %s", res.StatusCode, res.Body)
	}
	res := co.post("/workgroups/IMG/meetings", url.Values{"csrf": {tok}, "date": {"1. marts"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Dato har et ugyldigt format") {
		t.Fatalf("bad meeting: %d %s", res.StatusCode, res.Body)
	}
	an := e.login("analyst")
	page := an.get("/workgroups?lang=en")
	if !strings.Contains(page.Body, "Inter-ministerial") || !strings.Contains(page.Body, "Status drøftet.") || !strings.Contains(page.Body, "Danish National Police") {
		t.Fatalf("page: %s", page.Body)
	}
	if strings.Contains(page.Body, "/workgroups/IMG/meetings") {
		t.Fatal("analyst is offered the meeting form")
	}
	// Attack: the analyst writes through the form and the API.
	atok := an.csrf("/workgroups")
	if res := an.post("/workgroups/IMG/meetings", url.Values{"csrf": {atok}, "date": {"2012-04-01"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("analyst meeting: %d", res.StatusCode)
	}
	if res := an.api("PUT", "/api/v1/workgroups/IMG", `{"kind":"thematic","name_da":"x"}`, "X-CSRF-Token", atok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("analyst put: %d", res.StatusCode)
	}
	// The API: put, list, bad body, delete.
	if res := co.api("PUT", "/api/v1/workgroups/MINDRE", `{"kind":"thematic","name_da":"Arbejdsgruppen om mindreårige","members":["CMM"]}`, "X-CSRF-Token", tok); res.StatusCode != http.StatusOK {
		t.Fatalf("API put: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("PUT", "/api/v1/workgroups/X", `{"kind":"reference","name_da":""}`, "X-CSRF-Token", tok); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("API bad put: %d %s", res.StatusCode, res.Body)
	}
	var gs []nrm.WorkGroup
	if res := an.api("GET", "/api/v1/workgroups", ""); json.Unmarshal([]byte(res.Body), &gs) != nil || len(gs) != 2 || len(gs[0].Meetings) != 1 {
		t.Fatalf("API list: %s", res.Body)
	}
	if res := co.api("DELETE", "/api/v1/workgroups/MINDRE", "", "X-CSRF-Token", tok); res.StatusCode != http.StatusNoContent {
		t.Fatalf("API delete: %d", res.StatusCode)
	}
	if exp := co.get("/workgroups/export.yaml"); !strings.Contains(exp.Body, "code: IMG") || strings.Contains(exp.Body, "MINDRE") {
		t.Fatalf("export: %s", exp.Body)
	}
}

func TestPlanWorkDashboard(t *testing.T) {
	e := newTestEnv(t)
	outputPlan(t, e)
	for _, o := range []*nrm.Output{
		{Activity: "1.1.1", Kind: nrm.OutputTraining, TitleDA: "Kursus A", Period: "2011", Participants: 30, Org: "CMM"},
		{Activity: "1.1.1", Kind: nrm.OutputTraining, TitleDA: "Kursus B", Period: "2012-03", Participants: 50, Org: "CMM"},
		{Activity: "1.1.2", Kind: nrm.OutputPublication, TitleDA: "Billedmateriale", Period: "2012"},
	} {
		if err := e.db.AddOutput(system, "P", o); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []nrm.ActivityFunding{
		{Activity: "1.1.1", Year: 2012, Line: "satspulje", AllocatedDKK: 1000000, SpentDKK: 750000},
		{Activity: "1.1.2", Year: 2012, Line: "politiet", AllocatedDKK: 1000000, SpentDKK: 250000},
	} {
		if err := e.db.PutFunding(system, "P", f); err != nil {
			t.Fatal(err)
		}
	}
	an := e.login("analyst")
	if dash := an.get("/plans/P/dashboard"); !strings.Contains(dash.Body, `href="/plans/P/work"`) {
		t.Fatal("dashboard does not link to the plan's work")
	}
	page := an.get("/plans/P/work?lang=en")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("work page: %d %s", page.StatusCode, page.Body)
	}
	body := strings.Join(strings.Fields(page.Body), " ")
	for _, want := range []string{
		// Area 1 row: 2011: 1, 2012: 2, 2013: 0, 2014: 0, total 3, 80 participants.
		`<td class="num">1</td><td class="num">2</td><td class="num">0</td><td class="num">0</td><td class="num"><strong>3</strong></td><td class="num">80</td>`,
		// 2012: 2,000,000 allocated, 1,000,000 spent, 50 %.
		`<th scope="row">2012</th><td class="num">2,000,000</td><td class="num">1,000,000</td><td class="num">50 %</td>`,
		`<th scope="row">satspulje</th><td class="num">1,000,000</td><td class="num">750,000</td><td class="num">75 %</td>`,
		// CMM delivered two trainings; the police one publication.
		`<th scope="row">Danish Centre against Human Trafficking</th><td class="num">2</td>`,
		`<th scope="row">Danish National Police</th><td class="num">0</td><td class="num">0</td><td class="num">1</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("work page lacks %s", want)
		}
	}
}

// TestOutputYAMLImportWithFunding: a YAML file's outputs and funding are
// stored together; a caseworker cannot slip funding in with outputs.
func TestOutputYAMLImportWithFunding(t *testing.T) {
	e := newTestEnv(t)
	outputPlan(t, e)
	y := "plan: P\noutputs:\n  - activity: \"1.1.1\"\n    kind: study\n    title_da: Undersøgelse\n    period: \"2011\"\n    org: CMM\nfunding:\n  - {activity: \"1.1.1\", year: 2011, line: satspulje, allocated_dkk: 100, spent_dkk: 50}\n"
	w := e.login("worker")
	if res := w.upload("/plans/P/outputs/import", w.csrf("/plans/P/outputs"), "o.yaml", y, nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker funding import: %d", res.StatusCode)
	}
	co := e.login("coord")
	tok := co.csrf("/plans/P/outputs")
	bad := strings.Replace(y, `activity: "1.1.1", year`, `activity: "7.7.7", year`, 1)
	res := co.upload("/plans/P/outputs/import", tok, "o.yaml", bad, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "linje 9: Aktivitet henviser til noget, der ikke findes") {
		t.Fatalf("bad funding: %d %s", res.StatusCode, res.Body)
	}
	if outs := must(e.db.FindOutputs(system, "P"))(t); len(outs) != 0 {
		t.Fatalf("outputs stored with refused funding: %d", len(outs))
	}
	if res := co.upload("/plans/P/outputs/import", tok, "o.yaml", y, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, res.Body)
	}
	if fs := must(e.db.FindFunding(system, "P"))(t); len(fs) != 1 || fs[0].SpentDKK != 50 {
		t.Fatalf("funding: %+v", fs)
	}
}
