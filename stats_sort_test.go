package nrm_test

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode"

	"nrm"
)

// danishKey is an independent rendering of the Danish alphabet for plain
// names (letters and spaces): a–z, then æ (ä), ø (ö), å — and "aa" is å.
// Case and the accents of other letters are ignored.
func danishKey(s string) []int {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "aa", "å")
	var k []int
	for _, r := range s {
		switch r {
		case ' ':
			k = append(k, 0)
		case 'æ', 'ä':
			k = append(k, 27)
		case 'ø', 'ö':
			k = append(k, 28)
		case 'å':
			k = append(k, 29)
		case 'é', 'è', 'ê':
			k = append(k, 'e'-'a'+1)
		default:
			k = append(k, int(r-'a'+1))
		}
	}
	return k
}

// englishKey: a–z, accents (å, é, ø as o, æ as ae) ignored.
func englishKey(s string) []int {
	var k []int
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ':
			k = append(k, 0)
		case 'å', 'ä':
			k = append(k, 1)
		case 'é', 'è', 'ê':
			k = append(k, 'e'-'a'+1)
		case 'ø', 'ö':
			k = append(k, 'o'-'a'+1)
		case 'æ':
			k = append(k, 1, 'e'-'a'+1)
		default:
			if !unicode.IsLetter(r) || r > 'z' {
				panic("englishKey: " + string(r))
			}
			k = append(k, int(r-'a'+1))
		}
	}
	return k
}

func names(rows []nrm.NationalityCount, lang nrm.Lang) []string {
	var out []string
	for _, r := range rows {
		if lang == nrm.LangEN {
			out = append(out, r.NameEN)
		} else {
			out = append(out, r.NameDA)
		}
	}
	return out
}

// TestSortNationalitiesDanishCollation: equal counts are ordered by name
// in the language's alphabet — Danish ends with Z, Æ, Ø, Å and reads AA
// as Å; English reads Å as A — higher counts first, and equal names by
// code.
func TestSortNationalitiesDanishCollation(t *testing.T) {
	rows := []nrm.NationalityCount{
		{Code: "AX", NameDA: "Ålandsøerne", NameEN: "Åland Islands", Count: 2},
		{Code: "AT", NameDA: "Østrig", NameEN: "Austria", Count: 2},
		{Code: "GQ", NameDA: "Ækvatorialguinea", NameEN: "Equatorial Guinea", Count: 2},
		{Code: "ZM", NameDA: "Zambia", NameEN: "Zambia", Count: 2},
		{Code: "AL", NameDA: "Albanien", NameEN: "Albania", Count: 2},
		{Code: "XA", NameDA: "Aabenraa land", NameEN: "Aabenraa land", Count: 2},
		{Code: "NG", NameDA: "Nigeria", NameEN: "Nigeria", Count: 9},
		{Code: "XB", NameDA: "Østrig", NameEN: "Austria", Count: 2},
	}
	da := slices.Clone(rows)
	nrm.SortNationalities(da, nrm.LangDA)
	want := []string{"NG", "AL", "ZM", "GQ", "AT", "XB", "XA", "AX"}
	var got []string
	for _, r := range da {
		got = append(got, r.Code)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Danish order %v (%q), want %v", got, names(da, nrm.LangDA), want)
	}
	en := slices.Clone(rows)
	nrm.SortNationalities(en, nrm.LangEN)
	got = nil
	for _, r := range en {
		got = append(got, r.Code)
	}
	if want := []string{"NG", "XA", "AX", "AL", "AT", "XB", "GQ", "ZM"}; !slices.Equal(got, want) {
		t.Errorf("English order %v (%q), want %v", got, names(en, nrm.LangEN), want)
	}
}

// TestSortNationalitiesAgreesWithAlphabet sorts shuffled country names
// of equal count and checks every neighbouring pair against the
// hand-written alphabets above.
func TestSortNationalitiesAgreesWithAlphabet(t *testing.T) {
	pairs := [][2]string{
		{"Ægypten", "Egypt"}, {"Østrig", "Austria"}, {"Ækvatorialguinea", "Equatorial Guinea"}, {"Ålandsøerne", "Aland Islands"},
		{"Afghanistan", "Afghanistan"}, {"Albanien", "Albania"}, {"Aserbajdsjan", "Azerbaijan"}, {"Zambia", "Zambia"},
		{"Zimbabwe", "Zimbabwe"}, {"Østtimor", "Timor Leste"}, {"Vietnam", "Viet Nam"}, {"Yemen", "Yemen"},
		{"Belgien", "Belgium"}, {"Bangladesh", "Bangladesh"}, {"Danmark", "Denmark"}, {"Dominica", "Dominica"},
		{"Storbritannien", "United Kingdom"}, {"Sverige", "Sweden"}, {"Sydafrika", "South Africa"}, {"Cote d", "Cote d"},
		{"Forenede Arabiske Emirater", "United Arab Emirates"}, {"Færøerne", "Faroe Islands"}, {"Frankrig", "France"},
		{"Grønland", "Greenland"}, {"Guatemala", "Guatemala"}, {"Gabon", "Gabon"}, {"Aaland", "Aaland"},
	}
	rng := rand.New(rand.NewSource(14))
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		key := danishKey
		if lang == nrm.LangEN {
			key = englishKey
		}
		for round := 0; round < 20; round++ {
			var rows []nrm.NationalityCount
			for i, p := range pairs {
				rows = append(rows, nrm.NationalityCount{Code: string(rune('A'+i/26)) + string(rune('A'+i%26)), NameDA: p[0], NameEN: p[1], Count: 1})
			}
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			nrm.SortNationalities(rows, lang)
			ns := names(rows, lang)
			for i := 1; i < len(ns); i++ {
				if slices.Compare(key(ns[i-1]), key(ns[i])) > 0 {
					t.Fatalf("%s: %q before %q in %q", lang, ns[i-1], ns[i], ns)
				}
			}
		}
	}
}
