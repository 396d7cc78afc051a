package report

import (
	"testing"

	"nrm"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		n      int
		da, en string
	}{
		{0, "nul", "zero"}, {1, "én", "one"}, {2, "to", "two"}, {3, "tre", "three"}, {7, "syv", "seven"},
		{9, "ni", "nine"}, {10, "ti", "ten"}, {11, "elleve", "eleven"}, {12, "tolv", "twelve"},
		{13, "13", "13"}, {60, "60", "60"}, {1234, "1.234", "1,234"}, {1000000, "1.000.000", "1,000,000"}, {-5, "-5", "-5"},
	} {
		if got := Words(tc.n, nrm.LangDA); got != tc.da {
			t.Errorf("Words(%d, da) = %q, want %q", tc.n, got, tc.da)
		}
		if got := Words(tc.n, nrm.LangEN); got != tc.en {
			t.Errorf("Words(%d, en) = %q, want %q", tc.n, got, tc.en)
		}
	}
	if got := WordsNeuter(1, nrm.LangDA); got != "ét" {
		t.Errorf("WordsNeuter(1) = %q", got)
	}
	if got := Capitalize(Words(1, nrm.LangDA)); got != "Én" {
		t.Errorf("Capitalize(én) = %q", got)
	}
}

func TestShare(t *testing.T) {
	for _, tc := range []struct {
		part, whole int
		da, en      string
	}{
		{45, 60, "omkring ¾", "about three quarters"},
		{30, 60, "omkring halvdelen", "about half"},
		{8, 16, "omkring halvdelen", "about half"},
		{18, 60, "omkring 1/3", "about a third"},
		{11, 60, "omkring 1/6", "about a sixth"},
		{8, 60, "omkring 1/8", "about an eighth"},
		{40, 60, "omkring 2/3", "about two thirds"},
		{15, 60, "omkring ¼", "about a quarter"},
		{56, 60, "93 pct.", "93 per cent"},
		{12, 60, "20 pct.", "20 per cent"},
		{6, 60, "ti pct.", "ten per cent"},
		{1, 60, "to pct.", "two per cent"},
		{34, 60, "57 pct.", "57 per cent"},
		{60, 60, "alle", "all"},
		{0, 60, "ingen", "none"},
		{3, 0, "ingen", "none"},
	} {
		if got := Share(tc.part, tc.whole, nrm.LangDA); got != tc.da {
			t.Errorf("Share(%d, %d, da) = %q, want %q", tc.part, tc.whole, got, tc.da)
		}
		if got := Share(tc.part, tc.whole, nrm.LangEN); got != tc.en {
			t.Errorf("Share(%d, %d, en) = %q, want %q", tc.part, tc.whole, got, tc.en)
		}
	}
	for _, tc := range []struct {
		x  float64
		da string
		ok bool
	}{
		{0.75, "omkring ¾", true}, {0.5, "omkring halvdelen", true}, {0.3, "omkring 1/3", true},
		{0.2, "", false}, {0.9, "", false}, {0.05, "", false},
	} {
		got, ok := Fraction(tc.x, nrm.LangDA)
		if got != tc.da || ok != tc.ok {
			t.Errorf("Fraction(%v) = %q, %v; want %q, %v", tc.x, got, ok, tc.da, tc.ok)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		part, whole int
		da, en      string
	}{
		{25, 47, "53 pct.", "53 per cent"}, {10, 47, "21 pct.", "21 per cent"}, {11, 60, "18 pct.", "18 per cent"},
		{8, 60, "13 pct.", "13 per cent"}, {6, 60, "ti pct.", "ten per cent"}, {1, 200, "én pct.", "one per cent"},
	} {
		if got := Percent(tc.part, tc.whole, nrm.LangDA); got != tc.da {
			t.Errorf("Percent(%d, %d) = %q, want %q", tc.part, tc.whole, got, tc.da)
		}
		if got := Percent(tc.part, tc.whole, nrm.LangEN); got != tc.en {
			t.Errorf("Percent(%d, %d, en) = %q, want %q", tc.part, tc.whole, got, tc.en)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		x      float64
		da, en string
	}{
		{37.6, "37,6", "37.6"}, {30, "30", "30"}, {30.04, "30", "30"}, {25.75, "25,8", "25.8"}, {1234.5, "1.234,5", "1,234.5"},
	} {
		if got := FormatDecimal(tc.x, 1, nrm.LangDA); got != tc.da {
			t.Errorf("FormatDecimal(%v, da) = %q, want %q", tc.x, got, tc.da)
		}
		if got := FormatDecimal(tc.x, 1, nrm.LangEN); got != tc.en {
			t.Errorf("FormatDecimal(%v, en) = %q, want %q", tc.x, got, tc.en)
		}
	}
	if got := FormatDate(nrm.MustDate("2012-03-01"), nrm.LangDA); got != "1. marts 2012" {
		t.Errorf("FormatDate da = %q", got)
	}
	if got := FormatDate(nrm.MustDate("2012-03-01"), nrm.LangEN); got != "1 March 2012" {
		t.Errorf("FormatDate en = %q", got)
	}
	for in, want := range map[string]string{"2012-spring": "foråret 2012", "2012-autumn": "efteråret 2012", "2012": "2012", "2012-Q1": "1. kvartal 2012", "2012-05": "maj 2012", "2012-xx": "2012-xx"} {
		if got := FormatPeriod(in, nrm.LangDA); got != want {
			t.Errorf("FormatPeriod(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWithheldCountsInRunningText: a withheld count standing alone and one
// before its noun read as English, and "are" goes after the whole count.
func TestWithheldCountsInRunningText(t *testing.T) {
	b := &builder{lang: nrm.LangEN, k: 3}
	large, small, shown := count{v: 12, hidden: true}, count{v: 2, hidden: true}, count{v: 54}
	for _, tc := range []struct{ got, want string }{
		{b.w(large) + " were returned home", "an undisclosed number were returned home"},
		{b.np(large, "woman", "women"), "an undisclosed number of women"},
		{b.w(small) + " were returned home", "fewer than three were returned home"},
		{b.np(small, "woman", "women"), "fewer than three women"},
		{b.enAre(b.np(large, "woman", "women") + " and two men"), "an undisclosed number are women and two men"},
		{b.enAre(b.np(small, "woman", "women")), "fewer than three are women"},
		{b.enAre(b.np(shown, "woman", "women") + " and two men"), "54 are women and two men"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
	da := &builder{lang: nrm.LangDA, k: 3}
	if got := da.w(large) + "/" + da.np(large, "kvinde", "kvinder"); got != "et ikke oplyst antal/et ikke oplyst antal kvinder" {
		t.Errorf("da: %q", got)
	}
}
