package auditcheck_test

import (
	"fmt"
	"testing"
)

// checkRegionsAndCountries is the reading of the region and nationality
// tables the last attack made: a region shown as non-zero
// ("<3", "..", a number) with no listed country in it, or a country in
// the ranking that nobody of it stands behind (a hidden zero, shown with
// its code for a name and the region "Unknown"). In a published
// contract, against the exact one:
//   - every ranking row stands for at least one person and carries the
//     exact region and names of its country;
//   - a region printed as 0 lists no country, and every other region
//     (except Unknown, which holds the persons of no nationality) lists
//     at least one;
//   - a nationality printed as 0 is 0, and a hidden one is not.
func checkRegionsAndCountries(published, internal map[string]any) []string {
	var faults []string
	exactRows := map[string]map[string]any{}
	for _, x := range list(internal["nationality_ranking"]) {
		row := x.(map[string]any)
		exactRows[row["code"].(string)] = row
	}
	listed := map[string]int{}
	for _, x := range list(published["nationality_ranking"]) {
		row := x.(map[string]any)
		code, _ := row["code"].(string)
		exact, ok := exactRows[code]
		if !ok {
			faults = append(faults, fmt.Sprintf("the ranking lists %q, which no person identified in the year holds", code))
			continue
		}
		for _, f := range []string{"region", "name_da", "name_en"} {
			if row[f] != exact[f] {
				faults = append(faults, fmt.Sprintf("%s: %s is %v, the country's is %v", code, f, row[f], exact[f]))
			}
		}
		listed[fmt.Sprint(row["region"])]++
	}
	regions, _ := published["by_region"].(map[string]any)
	for region, v := range regions {
		shownZero := fmt.Sprint(v) == "0"
		switch {
		case region == "Unknown":
		case shownZero && listed[region] > 0:
			faults = append(faults, fmt.Sprintf("%s is printed as 0 but %d listed countries belong to it", region, listed[region]))
		case !shownZero && listed[region] == 0:
			faults = append(faults, fmt.Sprintf("%s is printed as %v but no listed country belongs to it", region, v))
		}
	}
	exactNat, _ := internal["by_nationality"].(map[string]any)
	pubNat, _ := published["by_nationality"].(map[string]any)
	for code, v := range pubNat {
		n, _ := exactNat[code].(float64)
		switch s := fmt.Sprint(v); {
		case s == "0" && n != 0:
			faults = append(faults, fmt.Sprintf("nationality %s is printed as 0 but holds persons", code))
		case s != "0" && n == 0:
			faults = append(faults, fmt.Sprintf("nationality %s is printed as %q but holds nobody (a hidden zero)", code, s))
		}
	}
	return faults
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestAttackRegionWithoutCountry: in the demo's published edition each
// non-zero region lists a country of it and no hidden zero stands in
// the ranking.
func TestAttackRegionWithoutCountry(t *testing.T) {
	p := demo(t)
	faults := checkRegionsAndCountries(readJSON(t, p.path("published.json")), readJSON(t, p.path("internal.json")))
	for _, f := range faults {
		t.Error(f)
	}
}

// TestCheckRegionsAndCountriesCatches: the check itself finds the two
// faults of the attack in a hand-made publication.
func TestCheckRegionsAndCountriesCatches(t *testing.T) {
	internal := map[string]any{
		"nationality_ranking": []any{map[string]any{"code": "NG", "region": "Africa", "name_da": "Nigeria", "name_en": "Nigeria"}},
		"by_nationality":      map[string]any{"NG": 4.0, "US": 0.0},
	}
	published := map[string]any{
		"nationality_ranking": []any{
			map[string]any{"code": "NG", "region": "Africa", "name_da": "Nigeria", "name_en": "Nigeria"},
			map[string]any{"code": "US", "region": "Unknown", "name_da": "US", "name_en": "US"},
		},
		"by_region":      map[string]any{"Africa": 4.0, "North America": "<3", "Unknown": 0.0},
		"by_nationality": map[string]any{"NG": 4.0, "US": "<3"},
	}
	if got := checkRegionsAndCountries(published, internal); len(got) != 3 {
		t.Errorf("want three faults (the hidden zero in the ranking, North America, the hidden zero), got %q", got)
	}
}
