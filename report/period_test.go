package report

import (
	"testing"

	"nrm"
)

func TestLatestStatus(t *testing.T) {
	a := &nrm.Activity{Statuses: []nrm.StatusEntry{
		{Period: "2012-autumn", TextDA: "efterår 2012"},
		{Period: "2011", TextDA: "2011"},
		{Period: "2012-spring", TextDA: "forår 2012"},
		{Period: "2011-spring", TextDA: "forår 2011"},
	}}
	for period, want := range map[string]string{
		"": "efterår 2012", "2012-spring": "forår 2012", "2012-summer": "forår 2012", "2012": "efterår 2012",
		"2011-autumn": "forår 2011", "2011": "2011", "2013-spring": "efterår 2012",
	} {
		got, ok := a.LatestStatus(period)
		if !ok || got.TextDA != want {
			t.Errorf("latestStatus(%q) = %q, %v; want %q", period, got.TextDA, ok, want)
		}
	}
	if _, ok := a.LatestStatus("2010"); ok {
		t.Error("a status before any period")
	}
}
