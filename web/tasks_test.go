package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"nrm"
)

// taskEnv is a test server with a CMM case whose reflection period ends
// in five days and a REDEN case whose period ended two days ago.
func taskEnv(t *testing.T) (*testEnv, *nrm.Case, *nrm.Case) {
	e := newTestEnv(t)
	today := nrm.DateOf(time.Now())
	soon := &nrm.Case{Ref: "TASK-SOON", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
		Identifiers:       nrm.Identifiers{Name: "Test Person SOON"},
		Contacts:          []nrm.Contact{{Date: today.AddDays(-30), Form: nrm.ContactPolice}},
		ReflectionPeriods: []nrm.ReflectionPeriod{{Start: today.AddDays(-20), End: today.AddDays(5), Kind: nrm.ReflectionInitial}}}
	if err := e.db.CreateCase(system, soon); err != nil {
		t.Fatal(err)
	}
	other := &nrm.Case{Ref: "TASK-REDEN", OwnerOrg: "REDEN", Gender: nrm.GenderMale, ResidenceStatus: nrm.ResidenceLegal,
		Identifiers:       nrm.Identifiers{Name: "Hidden Name REDEN"},
		Contacts:          []nrm.Contact{{Date: today.AddDays(-40), Form: nrm.ContactNGO}},
		ReflectionPeriods: []nrm.ReflectionPeriod{{Start: today.AddDays(-32), End: today.AddDays(-2), Kind: nrm.ReflectionInitial}}}
	if err := e.db.CreateCase(system, other); err != nil {
		t.Fatal(err)
	}
	return e, soon, other
}

func TestTaskPages(t *testing.T) {
	e, soon, other := taskEnv(t)
	worker := e.login("worker")

	// The caseworker's home page: the worklist and my cases, with the
	// count in the navigation; never a name.
	res := worker.get("/")
	mustStatus(t, res, http.StatusOK, "caseworker home")
	for _, want := range []string{"Mine sager", `href="/cases/` + strconv.FormatInt(soon.ID, 10) + `"`, "Refleksionsperiode udløber",
		`href="/tasks">Opgaver <span class="nav-count">(1)</span>`, "5 dage"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	noLeak(t, "home", res.Body, "Test Person", "Hidden Name", "TASK-REDEN")

	// The worklist in English; another organisation's task is not there.
	res = worker.get("/tasks?lang=en&within=30")
	mustStatus(t, res, http.StatusOK, "worklist")
	if !strings.Contains(res.Body, "Reflection period ends") || !strings.Contains(res.Body, "TASK-SOON") || !strings.Contains(res.Body, "Tasks due within 30 days") {
		t.Errorf("English worklist: %s", res.Body)
	}
	noLeak(t, "worklist", res.Body, "TASK-REDEN", "Hidden Name")

	// REDEN's caseworker sees its own, overdue task and not CMM's.
	reden := e.login("reden")
	res = reden.get("/tasks")
	if !strings.Contains(res.Body, "TASK-REDEN") || !strings.Contains(res.Body, "overskredet med 2 dage") || strings.Contains(res.Body, "TASK-SOON") {
		t.Errorf("REDEN worklist: %s", res.Body)
	}
	_ = other

	// The coordinator sees counts of every organisation, never a case.
	coord := e.login("coord")
	res = coord.get("/tasks")
	mustStatus(t, res, http.StatusOK, "coordinator worklist")
	noLeak(t, "coordinator worklist", res.Body, "TASK-SOON", "TASK-REDEN")
	if !strings.Contains(res.Body, `<span class="nav-count">(2)</span>`) {
		t.Errorf("coordinator count: %s", res.Body)
	}
	// Analysts and auditors have no worklist and no count.
	for _, u := range []string{"analyst", "auditor"} {
		c := e.login(u)
		if res := c.get("/tasks"); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
			t.Errorf("%s opens the worklist: %d", u, res.StatusCode)
		}
		if res := c.get("/plans"); strings.Contains(res.Body, "nav-count") {
			t.Errorf("%s has a task count", u)
		}
	}
	// A bad window is one Danish message, no internal name.
	res = worker.get("/tasks?lang=da&within=forever")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "<li>Antal dage frem er uden for det tilladte interval") ||
		strings.Contains(res.Body, "expected") {
		t.Errorf("bad window: %d %s", res.StatusCode, res.Body)
	}
	// A caseworker cannot pick another organisation: the filter is
	// ignored, not obeyed.
	res = worker.get("/tasks?org=REDEN")
	if strings.Contains(res.Body, "TASK-REDEN") {
		t.Error("caseworker read REDEN's worklist")
	}
}

// New tasks since the last visit are announced on the home page.
func TestTaskNotice(t *testing.T) {
	e, _, _ := taskEnv(t)
	worker := e.login("worker")
	if res := worker.get("/"); strings.Contains(res.Body, `id="new-tasks"`) {
		t.Fatal("notice on the first visit")
	}
	// The last visit was a month ago: the task came within the window
	// since.
	month := nrm.DateOf(time.Now()).AddDays(-30)
	if _, err := e.db.SQL().Exec("UPDATE task_notices SET seen_on = ?", month.String()); err != nil {
		t.Fatal(err)
	}
	res := worker.get("/")
	if !strings.Contains(res.Body, `id="new-tasks">1 ny opgave siden dit sidste besøg den `+month.String()) {
		t.Fatalf("no notice: %s", res.Body)
	}
	// Seen now: no notice on the next visit.
	if res := worker.get("/"); strings.Contains(res.Body, `id="new-tasks"`) {
		t.Fatal("notice after the visit")
	}
}

func TestTaskAPI(t *testing.T) {
	e, soon, _ := taskEnv(t)
	worker := e.login("worker")
	res := worker.api("GET", "/api/v1/tasks?within=14d", "")
	mustStatus(t, res, http.StatusOK, "API worklist")
	var body struct {
		Within int             `json:"within"`
		Counts nrm.TaskCounts  `json:"counts"`
		Tasks  []nrm.Task      `json:"tasks"`
		Extra  json.RawMessage `json:"-"`
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Within != 14 || body.Counts.Total != 1 || len(body.Tasks) != 1 || body.Tasks[0].CaseRef != "TASK-SOON" ||
		body.Tasks[0].DaysLeft != 5 || body.Tasks[0].Link != "/cases/"+strconv.FormatInt(soon.ID, 10) {
		t.Fatalf("API body %s", res.Body)
	}
	noLeak(t, "API worklist", res.Body, "Test Person", "Hidden Name", "TASK-REDEN")
	coord := e.login("coord")
	res = coord.api("GET", "/api/v1/tasks", "")
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "TASK-") || !strings.Contains(res.Body, `"total": 2`) {
		t.Fatalf("coordinator API: %s", res.Body)
	}
	res = worker.api("GET", "/api/v1/tasks?kind=coffee", "")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field": "task_kind"`) {
		t.Fatalf("bad kind: %d %s", res.StatusCode, res.Body)
	}
}

// The reflection form prefills the end from the default length, and an
// extension beyond the maximum is refused with one message.
func TestReflectionForm(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("REFL-1", nrm.ResidenceIrregular)
	today := nrm.DateOf(time.Now())
	worker := e.login("worker")
	page := worker.get("/cases/" + strconv.FormatInt(c.ID, 10))
	if !strings.Contains(page.Body, `name="reflection_end" type="date" value="`+today.AddDays(30).String()+`"`) {
		t.Fatalf("end not prefilled with 30 days")
	}
	tok := worker.csrf("/cases/" + strconv.FormatInt(c.ID, 10))
	post := func(v url.Values) *response {
		v.Set("csrf", tok)
		cur, err := e.db.FindCaseByID(system, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.Set("version", strconv.Itoa(cur.Version))
		return worker.post("/cases/"+strconv.FormatInt(c.ID, 10)+"/reflection", v)
	}
	start := today.AddDays(-10)
	res := post(url.Values{"reflection_start": {start.String()}, "reflection_end": {start.AddDays(30).String()}, "reflection_kind": {"initial"},
		"reflection_decided_by": {"US"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("initial period: %d %s", res.StatusCode, res.Body)
	}
	// The next form offers an extension up to the maximum.
	page = worker.get("/cases/" + strconv.FormatInt(c.ID, 10))
	if !strings.Contains(page.Body, `value="extension" selected`) || !strings.Contains(page.Body, `value="`+start.AddDays(100).String()+`"`) {
		t.Fatalf("extension not offered")
	}
	res = post(url.Values{"reflection_start": {start.AddDays(30).String()}, "reflection_end": {start.AddDays(101).String()}, "reflection_kind": {"extension"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Begrundelse for forlængelse") ||
		!strings.Contains(res.Body, "højst 100 dages refleksionsperiode i alt") {
		t.Fatalf("extension beyond the maximum without a reason: %d", res.StatusCode)
	}
	res = post(url.Values{"reflection_start": {start.AddDays(30).String()}, "reflection_end": {start.AddDays(100).String()}, "reflection_kind": {"extension"},
		"reflection_reason": {"Needs treatment"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("extension: %d %s", res.StatusCode, res.Body)
	}
	got, _ := e.db.FindCaseByID(system, c.ID)
	if len(got.ReflectionPeriods) != 2 || got.ReflectionPeriods[1].Kind != nrm.ReflectionExtension || got.ReflectionPeriods[1].Reason != "Needs treatment" ||
		got.ReflectionPeriods[0].DecidedBy != "US" {
		t.Fatalf("periods %+v", got.ReflectionPeriods)
	}
}
