package report

import (
	"testing"

	"nrm"
)

// TestPeriodNameAndAmounts checks the labels of status periods and the
// amounts of the action plan in both languages.
func TestPeriodNameAndAmounts(t *testing.T) {
	for in, want := range map[string][2]string{
		"2012-spring": {"forår 2012", "spring 2012"},
		"2012-autumn": {"efterår 2012", "autumn 2012"},
		"2012-H1":     {"1. halvår 2012", "H1 2012"},
		"2012-Q3":     {"3. kvartal 2012", "Q3 2012"},
		"2012-05":     {"maj 2012", "May 2012"},
		"2012":        {"2012", "2012"},
		"2012-13":     {"2012-13", "2012-13"},
	} {
		if got := PeriodName(in, nrm.LangDA); got != want[0] {
			t.Errorf("PeriodName(%q, da) = %q, want %q", in, got, want[0])
		}
		if got := PeriodName(in, nrm.LangEN); got != want[1] {
			t.Errorf("PeriodName(%q, en) = %q, want %q", in, got, want[1])
		}
	}
	if got := FormatPeriod("2012-Q3", nrm.LangEN); got != "the third quarter of 2012" {
		t.Errorf("FormatPeriod(Q3, en) = %q", got)
	}
	for _, tc := range []struct {
		amount float64
		da, en string
	}{
		{85.6e6, "85,6 mio. kr.", "DKK 85.6 million"},
		{1234.4e6, "1.234,4 mio. kr.", "DKK 1,234.4 million"},
		{5e6, "5 mio. kr.", "DKK 5 million"},
	} {
		if got := FormatMillionDKK(tc.amount, nrm.LangDA); got != tc.da {
			t.Errorf("FormatMillionDKK(%v, da) = %q, want %q", tc.amount, got, tc.da)
		}
		if got := FormatMillionDKK(tc.amount, nrm.LangEN); got != tc.en {
			t.Errorf("FormatMillionDKK(%v, en) = %q, want %q", tc.amount, got, tc.en)
		}
	}
	if got := FormatDKK(1234567, nrm.LangDA); got != "1.234.567 kr." {
		t.Errorf("FormatDKK da = %q", got)
	}
	if got := FormatDKK(1234567, nrm.LangEN); got != "DKK 1,234,567" {
		t.Errorf("FormatDKK en = %q", got)
	}
}
