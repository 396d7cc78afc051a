package web

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"nrm"
	"nrm/report"
	"nrm/report/markdown"
)

// periodPlan has statuses for three periods with a text of its own each,
// so that a report shows which period it was asked for.
func periodPlan() *nrm.Plan {
	return &nrm.Plan{Code: "PERIOD-PLAN", NameDA: "Periodeplan", NameEN: "Period plan", StartYear: 2011, EndYear: 2014,
		Areas: []nrm.Area{{Number: 1, NameDA: "Område", Goals: []nrm.Goal{{Code: "1.1", NameDA: "Mål", Activities: []nrm.Activity{{
			Code: "1.1.1", TextDA: "Aktivitet", Responsible: []string{"CMM"},
			Statuses: []nrm.StatusEntry{
				{Period: "2012-autumn", State: "done", TextDA: "Status efterår 2012."},
				{Period: "2011-autumn", State: "planned", TextDA: "Status efterår 2011."},
				{Period: "2012-spring", State: "in_progress", TextDA: "Status forår 2012."},
			}}}}}}}}
}

// periodRenderer renders markdown with the plan and the period the
// server passes, and records every period it was given.
type periodRenderer struct {
	db interface {
		Statistics(context.Context, nrm.StatsQuery) (*nrm.Stats, error)
	}
	plan *nrm.Plan
	mu   sync.Mutex
	got  []string
}

func (p *periodRenderer) render(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) ([]byte, string, error) {
	p.mu.Lock()
	p.got = append(p.got, period)
	p.mu.Unlock()
	st, err := p.db.Statistics(ctx, q)
	if err != nil {
		return nil, "", err
	}
	doc, err := report.Build(report.Input{Stats: st, Lang: lang, K: k, Plan: p.plan, Period: period, Generated: time.Unix(0, 0)})
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	err = markdown.Write(&buf, doc)
	return buf.Bytes(), "text/markdown; charset=utf-8", err
}

// TestReportPeriodSelector: the statistics page offers the plan's status
// periods by name, defaulting to the latest begun by the cut-off (the
// spring from 1 March, never the autumn after it); the downloads carry
// the chosen period to the renderer and the report shows that period's
// status; an unknown period is refused with one message in the user's
// language and nothing rendered.
func TestReportPeriodSelector(t *testing.T) {
	e := newTestEnv(t)
	plan := periodPlan()
	if err := e.db.SavePlan(system, plan); err != nil {
		t.Fatal(err)
	}
	pr := &periodRenderer{db: e.db, plan: plan}
	srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, Render: pr.render})
	if err != nil {
		t.Fatal(err)
	}
	e.ts.Config.Handler = srv.Handler()
	e.newCase("DK-PERIOD", nrm.ResidenceIrregular)
	admin := e.login("admin")

	// The selector: every period by its Danish or English name, in time
	// order, the expected default selected (worked out by hand here).
	for _, tc := range []struct {
		path, selected string
		names          []string
	}{
		{"/stats?year=2011&lang=da", "2012-spring", []string{"efterår 2011", "forår 2012", "efterår 2012"}},
		{"/stats?year=2011&cutoff=2012-02-29&lang=da", "2011-autumn", []string{"efterår 2011", "forår 2012", "efterår 2012"}},
		{"/stats?year=2011&period=2012-autumn&lang=en", "2012-autumn", []string{"autumn 2011", "spring 2012", "autumn 2012"}},
	} {
		page := admin.get(tc.path)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.path, page.StatusCode)
		}
		if !strings.Contains(page.Body, `<select id="period" name="period"`) {
			t.Fatalf("%s: no period selector", tc.path)
		}
		last := -1
		for _, n := range tc.names {
			i := strings.Index(page.Body, ">"+html.EscapeString(n)+"</option>")
			if i < 0 || i < last {
				t.Errorf("%s: period %q missing or out of order", tc.path, n)
			}
			last = i
		}
		if !strings.Contains(page.Body, `<option value="`+tc.selected+`" selected>`) {
			t.Errorf("%s: %s not selected", tc.path, tc.selected)
		}
	}
	if page := admin.get("/stats?year=2011&lang=en"); !strings.Contains(page.Body, "Action plan status period") {
		t.Error("no English label for the selector")
	}
	// The page's download link, followed as a browser does, carries the
	// year, cut-off and period (each its own parameter, not escaped into
	// one).
	page := admin.get("/stats?year=2011&cutoff=2012-12-31&period=2011-autumn") // English: the language chosen above
	m := regexp.MustCompile(`id="download-md" href="([^"]+)"`).FindStringSubmatch(page.Body)
	if m == nil || html.UnescapeString(m[1]) != "/stats/report/md?year=2011&cutoff=2012-12-31&period=2011-autumn" {
		t.Fatalf("the download link does not carry the query: %q", m)
	}
	if res := admin.get(html.UnescapeString(m[1])); !strings.Contains(res.Body, "Status efterår 2011.") || !strings.Contains(res.Body, "31 December 2012") {
		t.Errorf("the download link's report is not of the chosen period and cut-off:\n%s", res.Body)
	}

	// Downloads: the renderer gets the period; the report shows its status.
	for _, tc := range []struct{ query, period, want string }{
		{"year=2011", "", "Status forår 2012."},
		{"year=2011&period=2012-autumn", "2012-autumn", "Status efterår 2012."},
		{"year=2011&period=2011-AUTUMN", "2011-autumn", "Status efterår 2011."},
	} {
		pr.got = nil
		res := admin.get("/stats/report/md?" + tc.query)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, tc.want) {
			t.Errorf("%s: %d, report lacks %q", tc.query, res.StatusCode, tc.want)
		}
		if len(pr.got) != 1 || pr.got[0] != tc.period {
			t.Errorf("%s: renderer got periods %q, want %q", tc.query, pr.got, tc.period)
		}
	}

	// An unknown period: one message, in the user's language, nothing
	// rendered, on the page and on the download.
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/stats/report/pdf?year=2011&period=2013-spring&lang=da", []string{
			`Periode har en ukendt værdi: handlingsplanen har ingen status for denne periode (værdi &#34;2013-spring&#34;); forventet: 2011-autumn, 2012-spring, 2012-autumn`}},
		{"/stats/report/pdf?year=2011&period=2013-spring&lang=en", []string{
			`Period has an unknown value: the action plan has no status for this period (value &#34;2013-spring&#34;); expected: 2011-autumn, 2012-spring, 2012-autumn`}},
		{"/stats?year=2011&period=spring&lang=da", []string{`(værdi &#34;spring&#34;)`}},
	} {
		pr.got = nil
		res := admin.get(tc.path)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.path, res.StatusCode)
		}
		for _, w := range tc.want {
			if strings.Count(res.Body, w) != 1 {
				t.Errorf("%s: want the message %q once in:\n%s", tc.path, w, res.Body)
			}
		}
		if len(pr.got) != 0 {
			t.Errorf("%s: rendered despite the refusal", tc.path)
		}
	}
}

// TestReportPeriodOfAnEdition: a published edition's files keep the
// status period they were published with; the page offers no selector
// for them, and another period is refused rather than silently ignored.
func TestReportPeriodOfAnEdition(t *testing.T) {
	e := newEditionEnv(t)
	if err := e.db.SavePlan(system, periodPlan()); err != nil {
		t.Fatal(err)
	}
	admin := e.login("admin")
	tok := admin.csrf("/stats/editions?year=2011")
	if res := admin.post("/stats/editions", url.Values{"csrf": {tok}, "year": {"2011"}, "confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	analyst := e.login("analyst")
	if page := analyst.get("/stats?year=2011"); page.StatusCode != http.StatusOK || strings.Contains(page.Body, `id="period"`) {
		t.Errorf("the published view offers a period selector (%d)", page.StatusCode)
	}
	if res := analyst.get("/stats/report/md?year=2011&period=2012-spring"); res.StatusCode != http.StatusOK {
		t.Errorf("the edition's own period: %d", res.StatusCode)
	}
	res := analyst.get("/stats/report/md?year=2011&period=2012-autumn&lang=en")
	if res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "a published edition shows the status period it was published with (value &#34;2012-autumn&#34;); expected: 2012-spring") {
		t.Errorf("another period of an edition: %d\n%s", res.StatusCode, res.Body)
	}
}

// TestDashboardChartNumbersInTheLanguage: the dashboard's charts write
// axis numbers in the page's language: "2.000" in Danish, "2,000" in
// English (a bar chart's axis of whole numbers).
func TestDashboardChartNumbersInTheLanguage(t *testing.T) {
	c := report.Chart{Kind: report.ChartBar, Categories: []string{"a", "b"},
		Series: []report.Series{{Name: "n", Values: []float64{1500, 4000}}}}
	for lang, want := range map[nrm.Lang][2]string{nrm.LangDA: {">2.000<", ">2,000<"}, nrm.LangEN: {">2,000<", ">2.000<"}} {
		svg, err := defaultChart(c, lang)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(svg), want[0]) || strings.Contains(string(svg), want[1]) {
			t.Errorf("%s: the dashboard's chart lacks the tick %s or has %s:\n%s", lang, want[0], want[1], svg)
		}
	}
}
