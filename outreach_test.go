package nrm_test

import (
	"testing"

	"nrm"
)

func TestOutreachYears(t *testing.T) {
	stats := []*nrm.OutreachStat{
		{ServiceCode: "A", Period: "2010", Visits: 100},
		{ServiceCode: "A", Period: "2011-H1", Visits: 60},
		{ServiceCode: "A", Period: "2011-H2", Visits: 70},
		{ServiceCode: "A", Period: "2011-03", Visits: 999}, // one month against two halves: the halves win
		{ServiceCode: "A", Period: "2012-Q1", Visits: 40},  // a partial year
		{ServiceCode: "B", Period: "2011", Visits: 50, Consultations: 7},
		{ServiceCode: "B", Period: "2012", Visits: 48},
		{ServiceCode: "B", Period: "2011-Q1", Visits: 5}, // the yearly figure wins
	}
	got := nrm.OutreachYears(stats)
	want := []struct {
		svc           string
		year, visits  int
		partial, prev bool
		change        int
		trend         nrm.OutreachTrendKind
	}{
		{"A", 2010, 100, false, false, 0, nrm.TrendNone},
		{"A", 2011, 130, false, true, 30, nrm.TrendRising},
		{"A", 2012, 40, true, false, 0, nrm.TrendNone}, // fault: a partial year against a whole one is no trend
		{"B", 2011, 50, false, false, 0, nrm.TrendNone},
		{"B", 2012, 48, false, true, -2, nrm.TrendSlightFall},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		g := got[i]
		if g.Service != w.svc || g.Year != w.year || g.Visits != w.visits || g.Partial != w.partial || g.HasPrev != w.prev || g.Change != w.change || g.Trend != w.trend {
			t.Errorf("%d: got %+v, want %+v", i, g, w)
		}
	}
	if got[3].Consultations != 7 {
		t.Errorf("consultations %d", got[3].Consultations)
	}
	for _, c := range []struct {
		prev, cur int
		want      nrm.OutreachTrendKind
	}{{100, 102, nrm.TrendStable}, {100, 98, nrm.TrendStable}, {100, 103, nrm.TrendSlightRise}, {100, 110, nrm.TrendRising},
		{100, 91, nrm.TrendSlightFall}, {100, 90, nrm.TrendFalling}, {0, 10, nrm.TrendNone}} {
		if got := nrm.ClassifyTrend(c.prev, c.cur); got != c.want {
			t.Errorf("ClassifyTrend(%d, %d) = %q, want %q", c.prev, c.cur, got, c.want)
		}
	}
	if nrm.TrendSlightRise.Label(nrm.LangDA) != "Svagt stigende" || nrm.TrendSlightRise.Label(nrm.LangEN) != "Slightly rising" {
		t.Error("trend labels")
	}
}
