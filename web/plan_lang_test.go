package web

import (
	"strings"
	"testing"

	"nrm"
)

// TestPlanNumbersAndPeriodsInTheLanguage: the plan pages, the dashboard
// and the network page write amounts and numbers in the page's format
// ("85,6 mio. kr.", "1.234" in Danish; "DKK 85.6 million", "1,234" in
// English) and periods by name ("forår 2012", "spring 2012"), in time
// order, never as the code "2012-spring".
func TestPlanNumbersAndPeriodsInTheLanguage(t *testing.T) {
	e := newTestEnv(t)
	pl := &nrm.Plan{Code: "FMT-PLAN", NameDA: "Formatplan", NameEN: "Format plan", StartYear: 2011, EndYear: 2014, BudgetDKK: 85.6e6,
		Areas: []nrm.Area{{Number: 1, NameDA: "Område", Goals: []nrm.Goal{{Code: "1.1", NameDA: "Mål", Activities: []nrm.Activity{{
			Code: "1.1.1", TextDA: "Aktivitet", Responsible: []string{"CMM"},
			Statuses: []nrm.StatusEntry{
				{Period: "2012-autumn", State: "done", TextDA: "Færdig."},
				{Period: "2012-spring", State: "in_progress", TextDA: "I gang."},
			}}}}}}}}
	if err := e.db.SavePlan(system, pl); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveOutreachService(system, &nrm.OutreachService{Code: "MOEDESTEDET", NameDA: "Mødestedet", Kind: nrm.OutreachMeetingPlace}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveOutreachStat(system, &nrm.OutreachStat{ServiceCode: "MOEDESTEDET", Period: "2011-H1", Visits: 1234}); err != nil {
		t.Fatal(err)
	}
	c := e.login("coord")
	for _, tc := range []struct {
		path      string
		da, en    []string
		notDA     []string
		orderedDA []string
	}{
		{path: "/plans", da: []string{"85,6 mio. kr."}, en: []string{"DKK 85.6 million"}, notDA: []string{"85.6"}},
		{path: "/plans/FMT-PLAN", da: []string{"85,6 mio. kr.", ">forår 2012<", ">efterår 2012<"}, en: []string{"DKK 85.6 million", ">spring 2012<", ">autumn 2012<"},
			notDA: []string{">2012-spring<", ">2012-autumn<", "2012-autumn</span>"}, orderedDA: []string{">forår 2012<", ">efterår 2012<"}},
		{path: "/plans/FMT-PLAN?period=2012-spring", da: []string{"forår 2012</span>"}, en: []string{"spring 2012</span>"}},
		{path: "/plans/FMT-PLAN/dashboard?period=2012-spring", da: []string{"Status pr. periode forår 2012."}, en: []string{"spring 2012"}, notDA: []string{"2012-spring."}},
		{path: "/network", da: []string{"1. halvår 2011", "1.234"}, en: []string{"H1 2011", "1,234"}, notDA: []string{">2011-H1<"}},
	} {
		sep := "?"
		if strings.Contains(tc.path, "?") {
			sep = "&"
		}
		// The language chosen sticks to the session: ask for each.
		da := c.get(tc.path + sep + "lang=da")
		en := c.get(tc.path + sep + "lang=en")
		if da.StatusCode != 200 || en.StatusCode != 200 {
			t.Fatalf("%s: status %d, %d", tc.path, da.StatusCode, en.StatusCode)
		}
		for _, w := range tc.da {
			if !strings.Contains(da.Body, w) {
				t.Errorf("%s (da) lacks %q", tc.path, w)
			}
		}
		for _, w := range tc.notDA {
			if strings.Contains(da.Body, w) {
				t.Errorf("%s (da) has %q", tc.path, w)
			}
		}
		for _, w := range tc.en {
			if !strings.Contains(en.Body, w) {
				t.Errorf("%s (en) lacks %q", tc.path, w)
			}
		}
		if len(tc.orderedDA) == 2 && strings.Index(da.Body, tc.orderedDA[0]) > strings.Index(da.Body, tc.orderedDA[1]) {
			t.Errorf("%s (da): %s after %s", tc.path, tc.orderedDA[0], tc.orderedDA[1])
		}
	}
}
