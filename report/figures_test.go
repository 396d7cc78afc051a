package report_test

import (
	"slices"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
)

// TestZeroNationalitiesInAlphabeticalOrder: the nationalities of other
// years with no victim this year are named and listed in the alphabet of
// the report's language. Danish ends Z, Æ, Ø, Å; a bytewise sort would
// put Å first.
func TestZeroNationalitiesInAlphabeticalOrder(t *testing.T) {
	for _, tc := range []struct {
		lang nrm.Lang
		want []string // written apart from the code: the alphabet by hand
	}{
		{nrm.LangDA, []string{"Zimbabwe", "Ækvatorialguinea", "Østrig", "Østtimor", "Åland"}},
		{nrm.LangEN, []string{"Åland Islands", "Austria", "Equatorial Guinea", "Timor-Leste", "Zimbabwe"}},
	} {
		in := reporttest.Input(t, tc.lang)
		st := *in.Stats
		st.ByNationality = map[string]int{}
		for k, v := range in.Stats.ByNationality {
			st.ByNationality[k] = v
		}
		for _, code := range []string{"AX", "AT", "GQ", "TL", "ZW"} {
			if _, ok := st.ByNationality[code]; ok {
				t.Fatalf("%s already in the test data", code)
			}
			st.ByNationality[code] = 0
		}
		in.Stats = &st
		d, err := report.Build(in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range d.Figures() {
			if f.ID != "nationality" || f.Data == nil {
				continue
			}
			for _, r := range f.Data.Rows {
				if len(r.Cells) > 0 && slices.Contains(tc.want, r.Cells[0].Text) {
					got = append(got, r.Cells[0].Text)
				}
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: zero-count nationalities in the order %q, want %q", tc.lang, got, tc.want)
		}
	}
}
