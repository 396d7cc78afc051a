package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nrm"
)

func TestEvaluationPagesAndAPI(t *testing.T) {
	e := newTestEnv(t)
	outputPlan(t, e)
	an := e.login("analyst")
	if page := an.get("/plans/P/evaluation"); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Der er ikke registreret en evaluering") ||
		strings.Contains(page.Body, `action="/plans/P/evaluation#edit"`) {
		t.Fatalf("empty page (analyst): %d %s", page.StatusCode, page.Body)
	}
	co := e.login("coord")
	tok := co.csrf("/plans/P/evaluation")
	form := url.Values{"csrf": {tok}, "evaluator": {"Evalueringsfirma A/S"}, "date": {"2015-03-31"},
		"summary_da": {"Planen er gennemført.\r\n\r\nIdentifikationen er styrket."}, "summary_en": {"The plan was carried out."},
		"recommendations":    {"Fasthold de opsøgende tilbud.\r\nStyrk indsatsen mod tvangsarbejde."},
		"recommendations_en": {"Keep the outreach services.\nStrengthen the work against forced labour."},
		"link":               {"https://example.org/evaluering.pdf"}}
	if res := co.post("/plans/P/evaluation", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	page := an.get("/plans/P/evaluation?lang=en")
	for _, want := range []string{"Evalueringsfirma A/S", "The plan was carried out.", "<li>Strengthen the work against forced labour.</li>",
		`<a href="https://example.org/evaluering.pdf" rel="noopener noreferrer">`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The plan page and the plan's work page show it, with the plan
	// pages' navigation.
	if plan := an.get("/plans/P?lang=da"); !strings.Contains(plan.Body, "Slutevaluering") || !strings.Contains(plan.Body, "Planen er gennemført.") ||
		!strings.Contains(plan.Body, `href="/workgroups?plan=P"`) || !strings.Contains(plan.Body, `href="/plans/P/evaluation"`) {
		t.Fatalf("plan page: %s", plan.Body)
	}
	if work := an.get("/plans/P/work?lang=da"); !strings.Contains(work.Body, "Evalueringsfirma A/S") || !strings.Contains(work.Body, "Identifikationen er styrket.") {
		t.Fatalf("work page: %s", work.Body)
	}
	// One message per fault, in Danish and English; nothing is stored.
	bad := url.Values{"csrf": {tok}, "evaluator": {""}, "date": {"31.3.2015"}, "summary_da": {""},
		"recommendations": {"a\nb"}, "recommendations_en": {"only one"}, "link": {"javascript:alert(1)"}}
	res := co.post("/plans/P/evaluation", bad)
	for _, want := range []string{"Evaluerende organisation skal udfyldes", "Dato har et ugyldigt format", "Resultater og konklusioner (dansk) skal udfyldes",
		"Anbefalinger (engelsk)", "Link eller filreference har et ugyldigt format"} {
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, want) {
			t.Errorf("invalid (da): %d lacks %q", res.StatusCode, want)
		}
	}
	if res := co.post("/plans/P/evaluation?lang=en", bad); !strings.Contains(res.Body, "Evaluator is required") {
		t.Errorf("invalid (en): %s", res.Body)
	}
	// Attack: the analyst, a caseworker and the auditor write through the
	// form and the API, and a form post without the CSRF token.
	for _, who := range []string{"analyst", "worker", "auditor"} {
		c := e.login(who)
		ctok := c.csrf("/plans/P/evaluation")
		if res := c.post("/plans/P/evaluation", url.Values{"csrf": {ctok}, "evaluator": {"x"}, "date": {"2015-01-01"}, "summary_da": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s form save: %d", who, res.StatusCode)
		}
		if res := c.api("PUT", "/api/v1/plans/P/evaluation", `{"evaluator":"x","date":"2015-01-01","summary_da":"x"}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s API put: %d", who, res.StatusCode)
		}
		if res := c.post("/plans/P/evaluation/delete", url.Values{"csrf": {ctok}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s delete: %d", who, res.StatusCode)
		}
	}
	if res := co.post("/plans/P/evaluation", url.Values{"evaluator": {"x"}, "date": {"2015-01-01"}, "summary_da": {"x"}}); res.StatusCode == http.StatusSeeOther {
		t.Fatal("post without CSRF token accepted")
	}
	// The API: get, put (replaces), bad body, delete.
	var got nrm.PlanEvaluation
	if res := an.api("GET", "/api/v1/plans/P/evaluation", ""); json.Unmarshal([]byte(res.Body), &got) != nil || got.Evaluator != "Evalueringsfirma A/S" ||
		len(got.Recommendations) != 2 || got.Recommendations[1].TextEN != "Strengthen the work against forced labour." || got.SummaryDA != "Planen er gennemført.\r\n\r\nIdentifikationen er styrket." {
		t.Fatalf("API get: %s", res.Body)
	}
	if res := co.api("PUT", "/api/v1/plans/P/evaluation", `{"evaluator":"B","date":"2015-06-01","summary_da":"Ny.","link":"data:text/html,x"}`, "X-CSRF-Token", tok); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("API bad put: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("PUT", "/api/v1/plans/P/evaluation", `{"evaluator":"B","date":"2015-06-01","summary_da":"Ny."}`, "X-CSRF-Token", tok); res.StatusCode != http.StatusOK {
		t.Fatalf("API put: %d %s", res.StatusCode, res.Body)
	}
	// The plan-work YAML carries the evaluation: export, delete, import.
	y := co.get("/plans/P/outputs/export.yaml")
	if !strings.Contains(y.Body, "evaluation:") || !strings.Contains(y.Body, "evaluator: B") {
		t.Fatalf("export: %s", y.Body)
	}
	if wy := e.login("worker").get("/plans/P/outputs/export.yaml"); strings.Contains(wy.Body, "evaluation:") {
		t.Fatalf("a caseworker's export holds the evaluation: %s", wy.Body)
	}
	if res := co.api("DELETE", "/api/v1/plans/P/evaluation", "", "X-CSRF-Token", tok); res.StatusCode != http.StatusNoContent {
		t.Fatalf("API delete: %d", res.StatusCode)
	}
	if res := an.api("GET", "/api/v1/plans/P/evaluation", ""); res.StatusCode != http.StatusNotFound {
		t.Fatalf("API get after delete: %d", res.StatusCode)
	}
	if res := co.upload("/plans/P/outputs/import", tok, "w.yaml", y.Body, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, res.Body)
	}
	if res := an.api("GET", "/api/v1/plans/P/evaluation", ""); !strings.Contains(res.Body, `"evaluator": "B"`) {
		t.Fatalf("after import: %s", res.Body)
	}
	// Fault: a file with a bad evaluation is refused whole, naming the line.
	badYAML := "plan: P\noutputs:\n  - {activity: \"1.1.1\", kind: training, title_da: Kursus, period: \"2011\"}\nevaluation:\n  evaluator: C\n  summary_da: x\n"
	res = co.upload("/plans/P/outputs/import", tok, "w.yaml", badYAML, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "4: Evaluation: Date") {
		t.Fatalf("bad evaluation import: %d %s", res.StatusCode, res.Body)
	}
	if outs, _ := e.db.FindOutputs(system, "P"); len(outs) != 0 {
		t.Fatalf("a refused file stored %d outputs", len(outs))
	}
	// Attack: a caseworker imports a file with an evaluation.
	w := e.login("worker")
	wtok := w.csrf("/plans/P/outputs")
	if res := w.upload("/plans/P/outputs/import", wtok, "w.yaml", "plan: P\nevaluation:\n  evaluator: C\n  date: 2015-01-01\n  summary_da: x\n", nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("caseworker evaluation import: %d %s", res.StatusCode, res.Body)
	}
}

func TestEvaluationAndOutreachInOpenAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for path, methods := range map[string][]string{"/plans/{code}/evaluation": {"get", "put", "delete"}, "/outreach": {"get"},
		"/outreach/services/{code}": {"put"}, "/outreach/stats": {"put"}} {
		for _, m := range methods {
			if _, ok := doc.Paths[path][m]; !ok {
				t.Errorf("openapi.json lacks %s %s", m, path)
			}
		}
	}
}

func TestPlanWorkOutreachTrend(t *testing.T) {
	e := newTestEnv(t)
	outputPlan(t, e)
	for _, s := range []*nrm.OutreachService{
		{Code: "MOEDESTEDET", NameDA: "Mødestedet", NameEN: "The meeting place", Kind: nrm.OutreachMeetingPlace, OrgCode: "CMM"},
		{Code: "KLINIK", NameDA: "Sundhedsklinikken", Kind: nrm.OutreachHealthClinic},
	} {
		if err := e.db.SaveOutreachService(system, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []*nrm.OutreachStat{
		{ServiceCode: "MOEDESTEDET", Period: "2010", Visits: 3120}, {ServiceCode: "MOEDESTEDET", Period: "2011", Visits: 3540},
		{ServiceCode: "KLINIK", Period: "2010", Visits: 236}, {ServiceCode: "KLINIK", Period: "2011-Q1", Visits: 60},
	} {
		if err := e.db.SaveOutreachStat(system, st); err != nil {
			t.Fatal(err)
		}
	}
	an := e.login("analyst")
	body := strings.Join(strings.Fields(an.get("/plans/P/work?lang=en").Body), " ")
	for _, want := range []string{
		`<th scope="row">The meeting place</th> <td class="num">3,120</td><td class="num">3,540<br><span class="muted">&#43;13 %</span><br><span class="muted">Rising</span></td>`,
		// Fault: a partial year is marked and gets no trend.
		`<th scope="row">Sundhedsklinikken</th> <td class="num">236</td><td class="num">60*</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("work page lacks %s in\n%s", want, body)
		}
	}
	if strings.Contains(body, "/network#stat") {
		t.Error("the analyst is offered to register visits")
	}
	da := strings.Join(strings.Fields(e.login("coord").get("/plans/P/work").Body), " ")
	if !strings.Contains(da, "3.540<br><span class=\"muted\">&#43;13 %</span><br><span class=\"muted\">Stigende</span>") || !strings.Contains(da, `href="/network#stat"`) {
		t.Errorf("Danish work page:\n%s", da)
	}
	// The API: read with the years; write as coordinator only.
	var out struct {
		Years []nrm.OutreachYear `json:"years"`
	}
	if res := an.api("GET", "/api/v1/outreach", ""); json.Unmarshal([]byte(res.Body), &out) != nil || len(out.Years) != 4 {
		t.Fatalf("API get: %s", res.Body)
	}
	if y := out.Years[3]; y.Service != "MOEDESTEDET" || y.Year != 2011 || y.Change != 420 || y.Trend != nrm.TrendRising {
		t.Fatalf("API year: %+v", y)
	}
	atok := an.csrf("/plans/P/work")
	if res := an.api("PUT", "/api/v1/outreach/stats", `{"service_code":"KLINIK","period":"2011","visits":1}`, "X-CSRF-Token", atok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("analyst API put: %d", res.StatusCode)
	}
	co := e.login("coord")
	ctok := co.csrf("/plans/P/work")
	if res := co.api("PUT", "/api/v1/outreach/stats", `{"service_code":"KLINIK","period":"2011","visits":240}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusOK {
		t.Fatalf("API put: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("PUT", "/api/v1/outreach/stats", `{"service_code":"NOPE","period":"2011","visits":-1}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
		t.Fatalf("API bad put: %d %s", res.StatusCode, res.Body)
	}
	if res := co.api("PUT", "/api/v1/outreach/services/PROVEST", `{"name_da":"Pro Vest","kind":"drop_in"}`, "X-CSRF-Token", ctok); res.StatusCode != http.StatusOK {
		t.Fatalf("API put service: %d %s", res.StatusCode, res.Body)
	}
	body = strings.Join(strings.Fields(an.get("/plans/P/work?lang=en").Body), " ")
	if !strings.Contains(body, `<td class="num">240<br><span class="muted">&#43;2 %</span><br><span class="muted">Stable</span></td>`) {
		t.Errorf("after the yearly figure:\n%s", body)
	}
	// The working-groups page opened from a plan carries its navigation.
	if g := an.get("/workgroups?plan=P"); !strings.Contains(g.Body, `href="/workgroups?plan=P" aria-current="page"`) {
		t.Errorf("working groups from the plan: %s", g.Body)
	}
}
