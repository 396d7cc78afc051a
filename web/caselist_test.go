package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/sqlstore"
)

// listEnv holds W-1 (CMM, a minor, a name that is a spreadsheet formula),
// W-2 (CMM, an adult) and W-3 (owned by REDEN, shared with CMM).
func listEnv(t *testing.T) *testEnv {
	e := newTestEnv(t)
	year := time.Now().Year()
	for _, c := range []*nrm.Case{
		{Ref: "W-1", OwnerOrg: "CMM", BirthYear: year - 15, Identifiers: nrm.Identifiers{Name: `=HYPERLINK("http://evil.example","x")`}},
		{Ref: "W-2", OwnerOrg: "CMM", BirthYear: year - 40, Identifiers: nrm.Identifiers{Name: "Plain Name"}},
		{Ref: "W-3", OwnerOrg: "REDEN", BirthYear: year - 30, SharedWith: []string{"CMM"}, Identifiers: nrm.Identifiers{Name: "Reden Person"}},
	} {
		c.Gender, c.Nationality, c.ResidenceStatus = nrm.GenderFemale, "NG", nrm.ResidenceIrregular
		c.Contacts = []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}}
		if err := e.db.CreateCase(system, c); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// readCSV parses an export and returns its header and rows by reference.
func readCSV(t *testing.T, res *response) ([]string, map[string]map[string]string) {
	t.Helper()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s %.300s", res.StatusCode, res.Header.Get("Content-Type"), res.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("csv: %v", err)
	}
	rows := map[string]map[string]string{}
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows[m["ref"]] = m
	}
	return recs[0], rows
}

// TestCaseListSortsAndFilters: the page sorts by a whitelisted column in
// both directions, refuses an unknown one with a message (and lists in the
// default order), filters minors and marks them, and pages at the size
// chosen; the API sorts and refuses alike.
func TestCaseListSortsAndFilters(t *testing.T) {
	e := listEnv(t)
	c := e.login("worker")
	order := func(body string, refs ...string) bool {
		last := -1
		for _, r := range refs {
			i := strings.Index(body, ">"+r+"</a>")
			if i < last || i < 0 {
				return false
			}
			last = i
		}
		return true
	}
	if res := c.get("/cases?sort=ref&dir=desc&lang=en"); res.StatusCode != 200 || !order(res.Body, "W-3", "W-2", "W-1") || !strings.Contains(res.Body, `aria-sort="descending"`) {
		t.Errorf("sorted by reference, descending: %d %v", res.StatusCode, order(res.Body, "W-3", "W-2", "W-1"))
	}
	if res := c.get("/cases?sort=ref&dir=asc"); !order(res.Body, "W-1", "W-2", "W-3") {
		t.Error("sorted by reference, ascending")
	}
	res := c.get("/cases?sort=name&lang=da")
	if res.StatusCode != 200 || !strings.Contains(res.Body, "error-summary") || !strings.Contains(res.Body, "Sortering (sort)") || !order(res.Body, "W-3", "W-2", "W-1") {
		t.Errorf("unknown sort key: %d %.200s", res.StatusCode, res.Body)
	}
	res = c.get("/cases?minors=1&lang=en")
	if !strings.Contains(res.Body, ">W-1</a>") || strings.Contains(res.Body, ">W-2</a>") || !strings.Contains(res.Body, `class="badge minor"`) {
		t.Errorf("minors: %.300s", res.Body)
	}
	if res := c.get("/cases?size=250"); !strings.Contains(res.Body, `<option value="250" selected>`) {
		t.Error("page size not kept")
	}
	if res := c.get("/cases?deadline_within=-3&lang=en"); !strings.Contains(res.Body, "error-summary") {
		t.Error("a negative deadline is not reported")
	}
	// The case page shows the age and the badge.
	list, _ := must2(e.db.FindCases(system, nrm.CaseFilter{Ref: "W-1"}))(t)
	if res := c.get("/cases/" + strconv.FormatInt(list[0].ID, 10) + "?lang=en"); !strings.Contains(res.Body, `id="minor-badge"`) || !strings.Contains(res.Body, "Age this year: 15") {
		t.Errorf("case page: no age or badge")
	}
	// The API.
	var got caseListResponse
	res = bearerGet(e, "worker", "/api/v1/cases?sort=ref&dir=desc")
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil || len(got.Cases) != 3 || got.Cases[0].Ref != "W-3" || got.Cases[0].BirthYear == 0 {
		t.Errorf("API sorted: %v %.300s", err, res.Body)
	}
	if res := bearerGet(e, "worker", "/api/v1/cases?sort=name"); res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "sort") {
		t.Errorf("API unknown sort: %d %s", res.StatusCode, res.Body)
	}
	if res := bearerGet(e, "worker", "/api/v1/cases?minors=true"); !strings.Contains(res.Body, `"W-1"`) || strings.Contains(res.Body, `"W-2"`) {
		t.Errorf("API minors: %s", res.Body)
	}
}

// TestCaseListExportRoles is the export's attack surface: names only for
// a caseworker and only of the caseworker's own organisation's cases,
// never for an assessor or an administrator; a name that is a formula
// leaves guarded; roles without cases get nothing; every export is
// audited with its filter and row count.
func TestCaseListExportRoles(t *testing.T) {
	e := listEnv(t)
	worker := e.login("worker")
	h, rows := readCSV(t, worker.get("/cases/export.csv?names=1"))
	if !slices.Contains(h, "name") || len(rows) != 3 {
		t.Fatalf("worker's export: %v %v", h, rows)
	}
	if n := rows["W-1"]["name"]; n != `'=HYPERLINK("http://evil.example","x")` {
		t.Errorf("formula name exported as %q", n)
	}
	if rows["W-2"]["name"] != "Plain Name" || rows["W-3"]["name"] != "" {
		t.Errorf("names: W-2 %q, W-3 (REDEN's) %q", rows["W-2"]["name"], rows["W-3"]["name"])
	}
	if rows["W-1"]["minor"] != "true" || rows["W-2"]["minor"] != "false" || rows["W-1"]["age"] != "15" {
		t.Errorf("age columns: %v", rows["W-1"])
	}
	// Without asking, no names.
	if h, _ := readCSV(t, worker.get("/cases/export.csv?minors=1")); slices.Contains(h, "name") {
		t.Error("names without asking")
	}
	if _, rows := readCSV(t, e.login("reden").get("/cases/export.csv?names=1")); len(rows) != 1 || rows["W-3"]["name"] != "Reden Person" {
		t.Errorf("REDEN's export: %v", rows)
	}
	for _, u := range []string{"admin", "assessor-us"} {
		res := e.login(u).get("/cases/export.csv?names=1")
		if res.StatusCode != http.StatusOK {
			continue // an assessor may see no case: then the export is empty or refused, never named
		}
		if h, _ := readCSV(t, res); slices.Contains(h, "name") || strings.Contains(res.Body, "Plain Name") {
			t.Errorf("%s exported names", u)
		}
	}
	for _, u := range []string{"coord", "analyst", "auditor"} {
		if res := e.login(u).get("/cases/export.csv"); res.StatusCode == http.StatusOK {
			t.Errorf("%s may export the case list", u)
		}
	}
	// The API export, as a token.
	_, rows = readCSV(t, bearerGet(e, "worker", "/api/v1/cases/export.csv?minors=true&names=true"))
	if len(rows) != 1 || rows["W-1"]["name"] == "" {
		t.Errorf("API export: %v", rows)
	}
	if res := bearerGet(e, "worker", "/api/v1/cases/export.csv?open_stay=maybe"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("API export, bad filter: %d", res.StatusCode)
	}
	entries := must(e.db.FindAudit(system, sqlstore.AuditFilter{Action: "case.export", Limit: 100}))(t)
	if len(entries) < 6 {
		t.Fatalf("%d export entries", len(entries))
	}
	if d := entries[0].Detail; entries[0].Username != "worker" || !strings.Contains(d, "rows: 3") || !strings.Contains(d, "names: 2") {
		t.Errorf("first export's entry: %+v", entries[0])
	}
	for _, en := range entries {
		if strings.Contains(en.Detail, "Plain") || strings.Contains(en.Detail, "HYPERLINK") {
			t.Errorf("a name in the audit log: %q", en.Detail)
		}
	}
}

// TestAuditLogPage: newest first, the case reference instead of its id,
// the fields a change named, and filters by action, user and dates.
func TestAuditLogPage(t *testing.T) {
	e := listEnv(t)
	c := must(e.db.FindCaseByRef(system, "W-2"))(t)
	c.Gender = nrm.GenderMale
	if err := e.db.CorrectCase(system, c, "recorded wrongly"); err != nil {
		t.Fatal(err)
	}
	e.login("worker").get("/cases/" + strconv.FormatInt(c.ID, 10))
	aud := e.login("auditor")
	res := aud.get("/audit?lang=en")
	if res.StatusCode != 200 {
		t.Fatalf("audit: %d", res.StatusCode)
	}
	read, correct := strings.Index(res.Body, "<code>case.read</code>"), strings.Index(res.Body, "<code>case.correct</code>")
	if read < 0 || correct < 0 || read > correct {
		t.Errorf("not newest first: read at %d, correct at %d", read, correct)
	}
	res = aud.get("/audit?action=case.correct&lang=en")
	if !strings.Contains(res.Body, `<span class="ref">W-2</span>`) || !strings.Contains(res.Body, "<li>gender</li>") || strings.Contains(res.Body, "case.create") {
		t.Errorf("case.correct filter: %.2000s", res.Body)
	}
	res = aud.get("/audit?action=case.&user=worker")
	if !strings.Contains(res.Body, "case.read") || strings.Contains(res.Body, "case.correct") {
		t.Error("action family and user filter")
	}
	if res := aud.get("/audit?from=2000-01-01&to=2000-01-02&lang=en"); !strings.Contains(res.Body, "No entries.") {
		t.Error("date range")
	}
	today := time.Now().UTC().Format("2006-01-02")
	if res := aud.get("/audit?from=" + today + "&to=" + today + "&action=case.correct"); !strings.Contains(res.Body, "W-2") {
		t.Error("today's range misses today's entry")
	}
	if res := aud.get("/audit?from=yesterday&lang=da"); !strings.Contains(res.Body, "ÅÅÅÅ-MM-DD") {
		t.Error("a malformed date is not reported")
	}
}
