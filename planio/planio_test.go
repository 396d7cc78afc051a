package planio_test

import (
	"bytes"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/planio"
)

const demoDir = "../demo/plan/"

func loadPlan(t *testing.T) *nrm.Plan {
	t.Helper()
	f, err := os.Open(demoDir + "actionplan_2011_2014.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := planio.ReadPlanYAML(f)
	if err != nil {
		t.Fatalf("ReadPlanYAML: %v", err)
	}
	return p
}

func loadOrgs(t *testing.T) map[string]nrm.Organisation {
	t.Helper()
	f, err := os.Open(demoDir + "organisations.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	orgs, err := planio.ReadOrganisationsCSV(f)
	if err != nil {
		t.Fatalf("ReadOrganisationsCSV: %v", err)
	}
	m := map[string]nrm.Organisation{}
	for _, o := range orgs {
		m[o.Code] = o
	}
	return m
}

func activities(p *nrm.Plan) map[string]nrm.Activity {
	m := map[string]nrm.Activity{}
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				m[act.Code] = act
			}
		}
	}
	return m
}

// TestShippedPlan checks the transcription of the seed's action plan.
func TestShippedPlan(t *testing.T) {
	p := loadPlan(t)
	if p.Code != "DK-2011-2014" || p.StartYear != 2011 || p.EndYear != 2014 || p.BudgetDKK != 85600000 {
		t.Errorf("plan head = %s %d-%d %.0f", p.Code, p.StartYear, p.EndYear, p.BudgetDKK)
	}
	if p.NameDA != "Handlingsplan til bekæmpelse af menneskehandel 2011-2014" {
		t.Errorf("name_da = %q", p.NameDA)
	}
	if len(p.Funding) != 5 || p.Funding[0].Source != "satspulje" || p.Funding[0].AmountDKK != 85600000 || p.Funding[4].Org != "SKAT_ADM" {
		t.Errorf("funding = %+v", p.Funding)
	}
	if bg := p.Background; bg == nil || bg.Coordinator != "LIGESTILLING" || len(bg.History) != 2 || bg.History[0].AnnexYear != 2005 ||
		bg.Centre == nil || bg.Centre.Year != 2007 || !bg.EndEvaluation || bg.ReportToDA != "satspuljeordførerne" {
		t.Errorf("background = %+v", p.Background)
	}

	wantAreas := []struct {
		name       string
		goals      int
		activities int
	}{
		{"Ofre for menneskehandel identificeres", 3, 13},
		{"Ofre for menneskehandel får optimal støtte", 2, 8},
		{"Efterspørgslen på ydelser fra menneskehandlede i Danmark begrænses", 1, 5},
		{"Menneskehandel forebygges internationalt", 1, 6},
		{"Retsforfølgelse af bagmændene", 1, 5},
	}
	if len(p.Areas) != len(wantAreas) {
		t.Fatalf("areas = %d, want 5", len(p.Areas))
	}
	total := 0
	for i, a := range p.Areas {
		w := wantAreas[i]
		n := 0
		for _, g := range a.Goals {
			n += len(g.Activities)
		}
		total += n
		if a.Number != i+1 || a.NameDA != w.name || len(a.Goals) != w.goals || n != w.activities {
			t.Errorf("area %d = %q, %d goals, %d activities; want %q, %d, %d", a.Number, a.NameDA, len(a.Goals), n, w.name, w.goals, w.activities)
		}
		if a.NameEN == "" {
			t.Errorf("area %d has no English name", a.Number)
		}
	}
	if total != 37 {
		t.Errorf("activities = %d, want 37", total)
	}
	if g := p.Areas[4].Goals[0]; g.Code != "5.1" || g.NameDA != p.Areas[4].NameDA {
		t.Errorf("area 5's goal = %s %q, want 5.1 named like the area", g.Code, g.NameDA)
	}

	orgs := loadOrgs(t)
	states := map[nrm.ActivityState]int{}
	hyphen := regexp.MustCompile(`\p{Ll}- \p{Ll}`)
	for ai, a := range p.Areas {
		for gi, g := range a.Goals {
			if want := strings.Join([]string{itoa(ai + 1), itoa(gi + 1)}, "."); g.Code != want {
				t.Errorf("goal code %s, want %s", g.Code, want)
			}
			if g.NameEN == "" {
				t.Errorf("goal %s has no English name", g.Code)
			}
			for xi, act := range g.Activities {
				if want := g.Code + "." + itoa(xi+1); act.Code != want {
					t.Errorf("activity code %s, want %s", act.Code, want)
				}
				if act.TextEN == "" || act.ResponsibleText == "" || len(act.Responsible) == 0 {
					t.Errorf("activity %s lacks text_en, responsible or responsible_text", act.Code)
				}
				for _, r := range act.Responsible {
					if _, ok := orgs[r]; !ok {
						t.Errorf("activity %s: responsible %s not in organisations.csv", act.Code, r)
					}
				}
				if len(act.Statuses) != 1 || act.Statuses[0].Period != "2012-spring" {
					t.Fatalf("activity %s: statuses %+v, want one for 2012-spring", act.Code, act.Statuses)
				}
				s := act.Statuses[0]
				states[s.State]++
				if s.TextDA == "" || s.TextEN == "" {
					t.Errorf("activity %s: status text missing", act.Code)
				}
				// Hyphenation from the PDF's line breaks must be undone; a
				// hyphen before "og"/"eller" is a real one.
				for _, txt := range []string{act.TextDA, s.TextDA} {
					for _, m := range hyphen.FindAllStringIndex(txt, -1) {
						rest := txt[m[0]+3:]
						if !strings.HasPrefix(rest, "og ") && !strings.HasPrefix(rest, "eller ") {
							t.Errorf("activity %s: suspicious hyphen in %q", act.Code, txt[m[0]:min(len(txt), m[1]+12)])
						}
					}
				}
			}
		}
	}
	wantStates := map[nrm.ActivityState]int{"in_progress": 23, "done": 5, "planned": 5, "awaiting": 4}
	if !reflect.DeepEqual(states, wantStates) {
		t.Errorf("states = %v, want %v", states, wantStates)
	}

	acts := activities(p)
	exact := []struct {
		code, text, resp string
		respCodes        []string
		state            nrm.ActivityState
		status           string
	}{
		{"1.1.1", "Mødestederne med sundhedstilbud videreudvikles.", "Center Mod Menneskehandel (CMM)", []string{"CMM"}, "in_progress", ""},
		{"2.1.2", "Præcisering af de støttemuligheder, der tilbydes de forskellige grupper af ofre, herunder ofre (kvinder, mænd og mindreårige) med henholdsvis lovligt og ulovligt ophold i Danmark.", "CMM", []string{"CMM"}, "planned", "Dette arbejde er planlagt til sidste halvdel af 2012"},
		{"2.1.5", "", "Rigspolitiet", []string{"RIGSPOLITIET"}, "done", "Rigspolitiets vejledning på området er ændret."},
		{"2.2.2", "Afhængig af resultatet af evalueringen justeres den forberedte hjemsendelse.", "Justitsministeriet i samarbejde med Udlændingestyrelsen, Ligestillingsministeriet samt Center mod Menneskehandel", []string{"JM", "US", "LIGESTILLING", "CMM"}, "awaiting", "Afventer evalueringen."},
		{"3.1.2", "", "CMM", []string{"CMM"}, "planned", "Er endnu ikke systematisk afdækket."},
		{"4.1.3", "Der gennemføres en ny træning i viden om menneskehandel for ambassadeansatte fra forskellige relevante ambassader i København", "UM i samarbejde med CMM", []string{"UM", "CMM"}, "planned", "Der har ikke i 2011 været afholdt kursus. Der har i alt til dato været afholdt 4 kurser."},
		{"5.1.3", "", "Justitsministeriet", []string{"JM"}, "done", ""},
		{"5.1.4", "Der sættes øget fokus på undervisning og træning af dommere, anklagere og forsvarsadvokater.", "Rigsadvokaten fsva. anklagemyndigheden. CMM", []string{"RIGSADVOKATEN", "CMM"}, "in_progress", ""},
	}
	for _, e := range exact {
		a, ok := acts[e.code]
		if !ok {
			t.Errorf("activity %s missing", e.code)
			continue
		}
		if e.text != "" && a.TextDA != e.text {
			t.Errorf("%s text_da = %q, want %q", e.code, a.TextDA, e.text)
		}
		if a.ResponsibleText != e.resp || !reflect.DeepEqual(a.Responsible, e.respCodes) {
			t.Errorf("%s responsible = %v %q, want %v %q", e.code, a.Responsible, a.ResponsibleText, e.respCodes, e.resp)
		}
		if s := a.Statuses[0]; s.State != e.state || (e.status != "" && s.TextDA != e.status) {
			t.Errorf("%s status = %s %q, want %s %q", e.code, s.State, s.TextDA, e.state, e.status)
		}
	}
	// Paragraphs and lists survive.
	if s := acts["4.1.1"].Statuses[0].TextDA; !strings.Contains(s, "øremærket til følgende:\n\n- Udvikling af en integreret national handlingsplan til bekæmpelse af menneskehandel.\n- Evaluering") {
		t.Errorf("4.1.1 bullet list not kept: %q", s)
	}
	if s := acts["5.1.3"].Statuses[0].TextDA; strings.Count(s, "\n\n") != 4 || !strings.HasSuffix(s, "Herudover forhøjes strafferammen fra 8 til 10 års fængsel.") {
		t.Errorf("5.1.3 paragraphs: %q", s)
	}
	if s := acts["1.3.1"].Statuses[0].TextDA; !strings.Contains(s, "meget dårlige arbejds- og levevilkår") {
		t.Errorf("1.3.1 lost the real hyphen: %q", s)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestPlanYAMLRoundTrip writes the shipped plan and reads it back.
func TestPlanYAMLRoundTrip(t *testing.T) {
	p := loadPlan(t)
	var buf bytes.Buffer
	if err := planio.WritePlanYAML(&buf, p); err != nil {
		t.Fatal(err)
	}
	q, err := planio.ReadPlanYAML(&buf)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Error("YAML round trip changed the plan")
	}
}

// TestPlanCSVRoundTrip goes YAML → CSV → plan and compares.
func TestPlanCSVRoundTrip(t *testing.T) {
	p := loadPlan(t)
	var buf bytes.Buffer
	if err := planio.WritePlanCSV(&buf, p); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(strings.SplitN(buf.String(), "\n", 2)[0], ","); lines != len(planio.PlanCSVColumns)-1 {
		t.Errorf("header has %d commas", lines)
	}
	head := *p
	head.Areas = nil
	q, err := planio.ReadPlanCSV(bytes.NewReader(buf.Bytes()), &head)
	if err != nil {
		t.Fatalf("ReadPlanCSV: %v", err)
	}
	// The CSV form carries the table; the introduction's wording of the
	// areas, footnotes and the English responsible text are YAML only.
	for ai := range p.Areas {
		a := &p.Areas[ai]
		a.IntroDA, a.IntroEN = "", ""
		for gi := range a.Goals {
			g := &a.Goals[gi]
			g.Footnotes = nil
			for ti := range g.Activities {
				g.Activities[ti].Footnotes, g.Activities[ti].ResponsibleTextEN = nil, ""
			}
		}
	}
	if !reflect.DeepEqual(p, q) {
		t.Error("YAML → CSV → plan changed the plan")
	}
	var yml bytes.Buffer
	if err := planio.WritePlanYAML(&yml, q); err != nil {
		t.Fatal(err)
	}
	r, err := planio.ReadPlanYAML(&yml)
	if err != nil || !reflect.DeepEqual(p, r) {
		t.Errorf("YAML → CSV → YAML differs (err %v)", err)
	}
}

// TestPlanCSVStatusDateAndEmpty covers the optional date column and an
// activity without status entries.
func TestPlanCSVStatusDateAndEmpty(t *testing.T) {
	p := &nrm.Plan{Code: "T", NameDA: "Test", StartYear: 2020, EndYear: 2021, Areas: []nrm.Area{{
		Number: 1, NameDA: "Område", Goals: []nrm.Goal{{Code: "1.1", NameDA: "Mål", Activities: []nrm.Activity{
			{Code: "1.1.1", TextDA: "Uden status", Responsible: []string{"CMM"}},
			{Code: "1.1.2", TextDA: "Med status", Statuses: []nrm.StatusEntry{
				{Period: "2020", State: "done", TextDA: "Færdig.\n\nAfsnit to.", Date: nrm.MustDate("2020-12-01")},
				{Period: "2021", State: "planned", TextDA: "Planlagt"}}},
		}}}}}}
	var buf bytes.Buffer
	if err := planio.WritePlanCSV(&buf, p); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.SplitN(buf.String(), "\n", 2)[0], ",status_date") {
		t.Errorf("no status_date column: %q", buf.String())
	}
	head := *p
	q, err := planio.ReadPlanCSV(&buf, &head)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Errorf("round trip:\n got %+v\nwant %+v", q, p)
	}
}

func fieldErrors(t *testing.T, err error) []nrm.FieldError {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	if nrm.ErrorCode(err) != nrm.EINVALID {
		t.Fatalf("error code = %s (%v), want invalid", nrm.ErrorCode(err), err)
	}
	return nrm.FieldErrors(err)
}

func hasField(fs []nrm.FieldError, field, value string) bool {
	for _, f := range fs {
		if f.Field == field && (value == "" || f.Value == value) {
			return true
		}
	}
	return false
}

const smallPlan = `code: T
name_da: Test
start_year: 2011
end_year: 2014
areas:
  - number: 1
    name_da: Område
    goals:
      - code: "1.1"
        name_da: Mål
        activities:
          - code: "1.1.1"
            text_da: Aktivitet
            responsible: [CMM]
            statuses:
              - period: 2012-spring
                state: in_progress
                text_da: Status
`

func TestReadPlanYAMLErrors(t *testing.T) {
	if _, err := planio.ReadPlanYAML(strings.NewReader(smallPlan)); err != nil {
		t.Fatalf("valid plan: %v", err)
	}
	tests := []struct {
		name, yaml string
		field      string // expected field error, with line
		value      string
	}{
		{"unknown field", strings.Replace(smallPlan, "            text_da: Aktivitet\n", "            text_da: Aktivitet\n            txet_en: typo\n", 1), "line 14: txet_en", ""},
		{"unknown top-level field", "budget: 3\n" + smallPlan, "line 1: budget", ""},
		{"bad state", strings.Replace(smallPlan, "state: in_progress", "state: bogus", 1), "line 17: status.state", "bogus"},
		{"missing text", strings.Replace(smallPlan, "            text_da: Aktivitet\n", "", 1), "line 12: activity.text_da", "1.1.1"},
		{"bad responsible", strings.Replace(smallPlan, "[CMM]", "[CMM, \"bad code\"]", 1), "line 14: activity.responsible", "bad code"},
		{"missing period", strings.Replace(smallPlan, "              - period: 2012-spring\n                state", "              - state", 1), "line 16: status.period", "1.1.1"},
		{"wrong type", strings.Replace(smallPlan, "number: 1", "number: one", 1), "line 6: number", "one"},
		{"missing code", strings.Replace(smallPlan, "code: T\n", "", 1), "line 1: code", ""},
		{"syntax", smallPlan + "  bad: [\n", "", ""},
		{"empty", "", "file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planio.ReadPlanYAML(strings.NewReader(tt.yaml))
			fs := fieldErrors(t, err)
			if tt.field != "" && !hasField(fs, tt.field, tt.value) {
				t.Errorf("field errors %+v lack %q (value %q)", fs, tt.field, tt.value)
			}
			if !strings.Contains(err.Error(), "line") && tt.field != "file" {
				t.Errorf("error does not name a line: %v", err)
			}
		})
	}
	// The unknown-field error lists what is allowed.
	_, err := planio.ReadPlanYAML(strings.NewReader(tests[0].yaml))
	if msg := err.Error(); !strings.Contains(msg, "txet_en") || !strings.Contains(msg, "text_en") {
		t.Errorf("unknown field message = %q", msg)
	}
	// All errors, not just the first.
	two := strings.Replace(strings.Replace(smallPlan, "state: in_progress", "state: bogus", 1), "[CMM]", "[\"x y\"]", 1)
	if fs := fieldErrors(t, func() error { _, err := planio.ReadPlanYAML(strings.NewReader(two)); return err }()); len(fs) != 2 {
		t.Errorf("want 2 errors, got %+v", fs)
	}
}

func TestReadPlanCSVErrors(t *testing.T) {
	header := strings.Join(planio.PlanCSVColumns, ",") + "\n"
	good := "1,Område,Area,1.1,Mål,Goal,1.1.1,Aktivitet,Activity,CMM,CMM,2012-spring,done,Status,Status\n"
	head := &nrm.Plan{Code: "T", NameDA: "Test", StartYear: 2011, EndYear: 2014}
	if _, err := planio.ReadPlanCSV(strings.NewReader(header+good), head); err != nil {
		t.Fatalf("valid CSV: %v", err)
	}
	bad := header + good +
		"x,Område,Area,1.1,Mål,Goal,1.1.2,Aktivitet,Activity,CMM,CMM,2012-spring,done,S,S\n" + // line 3: area_number
		"1,Område,Area,1.1,Mål,Goal,1.1.3,,Activity,CMM,CMM,2012-spring,finished,S,S\n" + // line 4: activity_da, state
		"1,Andet navn,Area,1.1,Mål,Goal,1.1.4,A,A,bad code,CMM,2012-spring,done,S,S\n" + // line 5: area_da, responsible
		"1,Område,Area,1.1,Mål,Goal,1.1.1,Aktivitet,Activity,CMM,CMM,2012-spring,done,S,S\n" + // line 6: duplicate period
		"1,Område,Area,1.1,Mål,Goal,1.1.5,A,A,CMM,CMM,,done,,\n" + // line 7: state without period
		"1,Område\n" // line 8: cell count
	_, err := planio.ReadPlanCSV(strings.NewReader(bad), head)
	fs := fieldErrors(t, err)
	want := []struct{ field, value string }{
		{"line 3, column area_number", "x"},
		{"line 4, column activity_da", ""},
		{"line 4, column state", "finished"},
		{"line 5, column area_da", "Andet navn"},
		{"line 5, column responsible", "bad code"},
		{"line 6, column period", "2012-spring"},
		{"line 7, column state", "done"},
		{"line 8, column *", "2"},
	}
	for _, w := range want {
		if !hasField(fs, w.field, w.value) {
			t.Errorf("missing %s (value %q) in %+v", w.field, w.value, fs)
		}
	}
	for _, f := range fs {
		if f.Expected == "" {
			t.Errorf("%s: no expectation given", f.Field)
		}
	}
	if !strings.Contains(err.Error(), "expected: planned, in_progress, done, delayed, awaiting, dropped") {
		t.Errorf("state error does not list the states: %v", err)
	}

	// Header problems.
	_, err = planio.ReadPlanCSV(strings.NewReader("area_number,area_da,extra\n"), head)
	fs = fieldErrors(t, err)
	if !hasField(fs, "line 1, column 3", "extra") || !hasField(fs, "line 1, column goal_code", "") {
		t.Errorf("header errors = %+v", fs)
	}
	// Malformed CSV.
	_, err = planio.ReadPlanCSV(strings.NewReader(header+"1,\"unterminated\n"), head)
	fieldErrors(t, err)
}

func TestShippedOrganisations(t *testing.T) {
	orgs := loadOrgs(t)
	want := []string{"CMM", "US", "RIGSPOLITIET", "RIGSADVOKATEN", "JM", "UM", "LIGESTILLING", "SOCIAL", "SKAT", "BM", "SUM",
		"RODE_KORS", "REDEN", "PRO_VEST", "LOKK", "IOM", "DOMSTOLSSTYRELSEN", "AT", "SKAT_ADM"}
	if len(orgs) != len(want) {
		t.Errorf("organisations = %d, want %d", len(orgs), len(want))
	}
	for _, c := range want {
		o, ok := orgs[c]
		if !ok || o.NameEN == "" {
			t.Errorf("organisation %s missing or without English name", c)
		}
	}
	if orgs["REDEN"].Kind != "ngo" || orgs["IOM"].Kind != "international" || orgs["RIGSPOLITIET"].Kind != "police" || orgs["JM"].Kind != "ministry" {
		t.Error("organisation kinds wrong")
	}
}

func TestReadOrganisationsCSVErrors(t *testing.T) {
	in := "code,name_da,name_en,kind\nCMM,Center,Centre,authority\nCMM,Igen,Again,authority\nX Y,,N,club\n"
	_, err := planio.ReadOrganisationsCSV(strings.NewReader(in))
	fs := fieldErrors(t, err)
	for _, w := range []struct{ field, value string }{
		{"line 3, column code", "CMM"},
		{"line 4, column code", "X Y"},
		{"line 4, column name_da", ""},
		{"line 4, column kind", "club"},
	} {
		if !hasField(fs, w.field, w.value) {
			t.Errorf("missing %s %q in %+v", w.field, w.value, fs)
		}
	}
	if _, err := planio.ReadOrganisationsCSV(strings.NewReader("code,name\n")); err == nil {
		t.Error("bad header accepted")
	}
}

func TestShippedNetwork(t *testing.T) {
	f, err := os.Open(demoDir + "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := planio.ReadNetworkYAML(f)
	if err != nil {
		t.Fatalf("ReadNetworkYAML: %v", err)
	}
	orgs := loadOrgs(t)
	national, regional := 0, 0
	for _, g := range n.Groups {
		if g.IsNational() {
			national++
		} else if g.ParentCode == "REF-NAT" {
			regional++
		}
		state, nonState := 0, 0
		for _, m := range g.Members {
			if m.OrgCode != "" {
				if _, ok := orgs[m.OrgCode]; !ok {
					t.Errorf("group %s: member %s not in organisations.csv", g.Code, m.OrgCode)
				}
			}
			if m.State {
				state++
			} else {
				nonState++
			}
		}
		if state == 0 || nonState == 0 {
			t.Errorf("group %s lacks state or non-state members", g.Code)
		}
	}
	if national != 1 || regional != 6 {
		t.Errorf("groups: %d national, %d regional; want 1 and 6", national, regional)
	}
	children := 0
	for _, m := range n.Meetings {
		if m.Date.Year() < 2011 || m.Date.Year() > 2012 {
			t.Errorf("meeting %s %s outside 2011-2012", m.GroupCode, m.Date)
		}
		for _, topic := range m.TopicsDA {
			if topic == "Oplæg om menneskehandel med børn" {
				children++
			}
		}
	}
	if children != 7 {
		t.Errorf("%d groups heard the presentation on trafficking in children, want all 7", children)
	}
	if len(n.Services) != 5 {
		t.Errorf("services = %d, want 5", len(n.Services))
	}
	stat := map[string]nrm.OutreachStat{}
	for _, s := range n.Stats {
		stat[s.ServiceCode+"/"+s.Period] = s
	}
	// The seed's trends for 2011 against 2010.
	rise := func(code string) float64 {
		a, b := stat[code+"/2010"], stat[code+"/2011"]
		if a.Visits == 0 || b.Visits == 0 {
			t.Fatalf("no 2010/2011 stats for %s", code)
		}
		return float64(b.Visits)/float64(a.Visits) - 1
	}
	if r := rise("MOEDESTEDET"); r < 0.08 {
		t.Errorf("Mødestedet: rise %.2f, seed says fortsat stigende", r)
	}
	if r := rise("PROVEST_DROPIN"); r <= 0 || r > 0.1 {
		t.Errorf("Pro Vest drop-in: rise %.2f, seed says svagt stigende", r)
	}
	if r := rise("PROVEST_KLINIK"); r < -0.03 || r > 0.03 {
		t.Errorf("Pro Vest clinic: change %.2f, seed says stabilt", r)
	}
}

func TestReadNetworkYAMLErrors(t *testing.T) {
	in := `groups:
  - code: N
    name_da: National
    members: [{org_code: CMM, state: true}]
  - code: R
    name_da: Regional
    parent_code: MISSING
    members: [{state: false}]
meetings:
  - {group_code: NOPE, date: 2011-01-01, topics_da: [x]}
services:
  - {code: S, name_da: S, name_en: S, kind: boat}
stats:
  - {service_code: S, period: "2011", visits: -1, consultations: 0}
  - {service_code: T, period: "2011x", visits: 1, consultations: 0}
`
	_, err := planio.ReadNetworkYAML(strings.NewReader(in))
	fs := fieldErrors(t, err)
	for _, w := range []string{"groups[1].parent_code", "groups[1].members[0].org_code", "meetings[0].group_code", "services[0].kind",
		"stats[0].visits", "stats[1].service_code", "stats[1].period"} {
		if !hasField(fs, w, "") {
			t.Errorf("missing %s in %+v", w, fs)
		}
	}
	_, err = planio.ReadNetworkYAML(strings.NewReader("meetings:\n  - {group_code: X, date: 2011-13-01, topics_da: [x]}\n"))
	if fs := fieldErrors(t, err); !hasField(fs, "line 2: date", "2011-13-01") {
		t.Errorf("bad date: %+v", fs)
	}
	_, err = planio.ReadNetworkYAML(strings.NewReader("groups: []\nmeetngs: []\n"))
	if fs := fieldErrors(t, err); !hasField(fs, "line 2: meetngs", "") {
		t.Errorf("unknown field: %+v", fs)
	}
}

// TestEmbeddedFS checks that the demo files are embedded.
func TestEmbeddedFS(t *testing.T) {
	for _, name := range []string{"actionplan_2011_2014.yaml", "organisations.csv", "network.yaml"} {
		data, err := fs.ReadFile(demoplan.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		disk, err := os.ReadFile(demoDir + name)
		if err != nil || !bytes.Equal(data, disk) {
			t.Errorf("%s: embedded copy differs from disk (%v)", name, err)
		}
	}
	f := must(demoplan.FS.Open("actionplan_2011_2014.yaml"))(t)
	defer f.Close()
	if _, err := planio.ReadPlanYAML(f); err != nil {
		t.Error(err)
	}
}
