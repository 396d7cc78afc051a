// Package reporttest holds the report fixtures shared by the report
// packages' tests: the seed's 2011 statistics, a small action plan
// transcribed from the seed, and a fixed input.
package reporttest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"nrm"
	"nrm/report"
)

// Generated is the fixed generation time used by golden tests.
var Generated = time.Date(2012, time.April, 16, 10, 30, 0, 0, time.UTC)

// dir is report/testdata, found from this file so tests in any package
// can load it.
func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

func load(tb testing.TB, name string, v any) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir(), name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

// Stats2011 is the seed's 2011 statistics, entered by hand from the seed
// report. The seed's overall mean age ("omkring 30 år") and its means per
// region are copied as printed; they are not exactly consistent with the
// region counts.
func Stats2011(tb testing.TB) *nrm.Stats {
	tb.Helper()
	s := &nrm.Stats{}
	load(tb, "stats2011.json", s)
	return s
}

// Plan is a small part of the 2011-2014 action plan from the seed.
func Plan(tb testing.TB) *nrm.Plan {
	tb.Helper()
	p := &nrm.Plan{}
	load(tb, "plan.json", p)
	return p
}

// OrgNames names the organisations of Plan.
func OrgNames(lang nrm.Lang) map[string]string {
	if lang == nrm.LangEN {
		return map[string]string{"CMM": "Danish Centre against Human Trafficking (CMM)", "US": "Danish Immigration Service (US)",
			"LIGE": "Ministry of Gender Equality and Ecclesiastical Affairs", "UM": "Ministry of Foreign Affairs (UM)", "RA": "Director of Public Prosecutions"}
	}
	return map[string]string{"CMM": "Center mod Menneskehandel (CMM)", "US": "Udlændingestyrelsen (US)",
		"LIGE": "Ministeriet for Ligestilling og Kirke", "UM": "Udenrigsministeriet (UM)", "RA": "Rigsadvokaten"}
}

// Input is the fixture input in lang with status period 2012-spring and
// no disclosure control.
func Input(tb testing.TB, lang nrm.Lang) report.Input {
	tb.Helper()
	return report.Input{Stats: Stats2011(tb), Lang: lang, Plan: Plan(tb), Period: "2012-spring",
		OrgNames: OrgNames(lang), Generated: Generated}
}

// Document builds the fixture report in lang.
func Document(tb testing.TB, lang nrm.Lang) *report.Document {
	tb.Helper()
	d, err := report.Build(Input(tb, lang))
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
