package auditcheck_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// k is the published threshold the demo's publications use.
const k = 3

var demoOnce sync.Once
var demoPub publication
var demoErr error

// demo is the demo database's published 2011 edition in every format
// (built once per test run).
func demo(t *testing.T) publication {
	t.Helper()
	key := signingKey(t)
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "auditcheck-demo")
		if err != nil {
			demoErr = err
			return
		}
		db := filepath.Join(dir, "nrm.db")
		if _, demoErr = nrmErr("--db", db, "demo"); demoErr != nil {
			return
		}
		demoPub, demoErr = publish(db, filepath.Join(dir, "2011"), key, 2011, "md", "html", "xlsx", "pdf")
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoPub
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoPub.dir != "" {
		os.RemoveAll(filepath.Dir(demoPub.dir))
	}
	if registeredDemoPub.dir != "" {
		os.RemoveAll(filepath.Dir(registeredDemoPub.dir))
	}
	if keyFile != "" {
		os.RemoveAll(filepath.Dir(keyFile))
	}
	os.Exit(code)
}

// views are the two readings of the demo: the contract alone, and the
// contract with the Eurostat tables and the federation bundle of the same
// year (a reader can have all three).
func views(t *testing.T) map[string]auditResult {
	t.Helper()
	p := demo(t)
	viewsMu.Lock()
	defer viewsMu.Unlock()
	if demoViews == nil {
		demoViews = map[string]auditResult{
			"contract": audit(t, p.path("published.json")),
			"linked":   audit(t, p.dir),
		}
	}
	return demoViews
}

var viewsMu sync.Mutex
var demoViews map[string]auditResult

// TestDemoAudit runs the checker on the demo's published 2011 edition:
// no hidden cell may be narrowed, and the checker's ranges must hold the
// true figures.
func TestDemoAudit(t *testing.T) {
	p := demo(t)
	internal := readJSON(t, p.path("internal.json"))
	for name, r := range views(t) {
		t.Run(name, func(t *testing.T) {
			checkSound(t, r, internal)
			if len(r.Cells) == 0 {
				t.Fatal("the checker found no hidden cell in the demo's published edition")
			}
			for _, u := range r.Unplaced {
				if strings.HasPrefix(u, "eurostat") {
					t.Errorf("the checker could not place a Eurostat table or row: %s", u)
				}
			}
			if len(r.Unplaced) > 0 {
				t.Logf("keys the checker could not place in a relation: %v", r.Unplaced)
			}
			if name == "linked" && (r.Eurostat == nil || len(r.Eurostat.Observed) == 0) {
				t.Error("the checker observed no Eurostat cell in the linked view")
			}
			if !r.OK {
				t.Errorf("the audit fails:%s", report(r))
			}
		})
	}
}

// TestAttackRegionNationality: region ⊃ nationality must not narrow
// Latin America, the Middle East or their small nationalities.
func TestAttackRegionNationality(t *testing.T) {
	for name, r := range views(t) {
		t.Run(name, func(t *testing.T) {
			for _, id := range []string{"by_region.Latin America", "by_region.Middle East",
				"by_nationality.CO", "by_nationality.DO", "by_nationality.IQ"} {
				assertProtected(t, r, k, id)
			}
			if c, ok := r.cell("by_region.Middle East"); ok && c.Symbol != "<3" {
				t.Errorf("Middle East is %q, want \"<3\" (it holds a small count)", c.Symbol)
			}
		})
	}
}

// TestAttackReturnViews: the period and cohort views share the reporting
// year's row; its prepared returns must not be narrowed, and the small
// cells of 2010 (period) and 2012 (cohort) keep {1, 2}.
func TestAttackReturnViews(t *testing.T) {
	for name, r := range views(t) {
		t.Run(name, func(t *testing.T) {
			for _, id := range []string{
				"returns.period.by_identification_year.2011.prepared_return",
				"returns.cohort.by_exit_year.2011.prepared_return",
				"returns.period.by_identification_year.2010.prepared_return",
				"returns.cohort.by_exit_year.2012.prepared_return",
			} {
				assertProtected(t, r, k, id)
			}
			for _, id := range []string{"returns.period.by_identification_year.2010.prepared_return", "returns.cohort.by_exit_year.2012.prepared_return"} {
				if c, ok := r.cell(id); ok && c.Symbol != "<3" {
					t.Errorf("%s is %q, want \"<3\"", id, c.Symbol)
				}
			}
		})
	}
}

// TestAttackSeveralForms: the persons with several forms, the forms'
// totals and the identified total do not pin forced criminality; the
// private-housing sub-rows do not pin "still housed".
func TestAttackSeveralForms(t *testing.T) {
	for name, r := range views(t) {
		t.Run(name, func(t *testing.T) {
			for _, id := range []string{"by_exploitation.forced_criminality", "by_exploitation_gender.forced_criminality.female",
				"multi_form_persons", "private_housing.disappeared", "private_housing.self_return"} {
				assertProtected(t, r, k, id)
			}
			// Still housed may be printed (with the number in private
			// housing hidden it reveals nobody), but never narrowed.
			assertNotNarrowed(t, r, k, "private_housing.still_at_year_end", true)
		})
	}
}

// statisticsChapter returns text from the statistics chapter's heading on
// (Markdown or HTML, Danish or English), or all of text when it has none.
func statisticsChapter(text string) string {
	for _, h := range []string{"## Statistiske opgørelser", "<h2>Statistiske opgørelser", "## Statistics", "<h2>Statistics"} {
		if i := strings.Index(text, h); i >= 0 {
			return text[i:]
		}
	}
	return text
}

// ageRange is an age span such as "16-59 år" or "16–58 years".
var ageRange = regexp.MustCompile(`(\d{1,3})\s?[-–]\s?(\d{1,3})\s*(år|years|year)`)

// TestAttackAgeExtremes: a published report prints no age minimum or
// maximum (one person's age), in the text or in the age-by-region table.
func TestAttackAgeExtremes(t *testing.T) {
	p := demo(t)
	bands := map[string]bool{}
	for _, b := range []string{"0-17", "18-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-59"} {
		bands[b] = true
	}
	for _, f := range []string{"md", "html"} {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(p.path("report." + f))
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			// Ages of persons are published in the statistics chapter
			// only; the plan's chapter may name a campaign's audience
			// ("mænd 18–25 år"), which is nobody's age.
			for _, m := range ageRange.FindAllStringSubmatch(statisticsChapter(text), -1) {
				if !bands[m[1]+"-"+m[2]] {
					t.Errorf("the %s report prints an age range %q (a minimum and a maximum)", f, m[0])
				}
			}
			tables, err := parseTables(f, text)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				for j, h := range tb.header {
					if h != "Yngste" && h != "Ældste" {
						continue
					}
					for _, row := range tb.rows {
						if j < len(row) && isNumber(row[j]) {
							t.Errorf("the %s report prints the %s of %s: %s", f, strings.ToLower(h), row[0], row[j])
						}
					}
				}
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		r := views(t)["contract"]
		for _, v := range r.Violations {
			if v.Kind == "age_extreme" || v.Kind == "age_mean" {
				t.Errorf("%s: %s", v.Cell, v.Detail)
			}
		}
	})
}
