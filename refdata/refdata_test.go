package refdata

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"nrm"
)

func TestCountriesEmbedded(t *testing.T) {
	cs, err := Countries()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(nrm.CountryCodes()) {
		t.Errorf("got %d countries, want one per code nrm accepts (every ISO 3166-1 alpha-2 code and XK)", len(cs))
	}
	code := regexp.MustCompile(`^[A-Z]{2}$`)
	seen := map[string]bool{}
	for _, c := range cs {
		if !code.MatchString(c.Code) || !nrm.ValidCountry(c.Code) {
			t.Errorf("malformed or unknown code %q", c.Code)
		}
		if seen[c.Code] {
			t.Errorf("duplicate code %q", c.Code)
		}
		seen[c.Code] = true
		if c.NameDA == "" || c.NameEN == "" {
			t.Errorf("%s: missing name (da %q, en %q)", c.Code, c.NameDA, c.NameEN)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Code, err)
		}
	}
	if !slices.IsSortedFunc(cs, func(a, b nrm.Country) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("countries.csv is not sorted by code")
	}
	// Every region has countries; none is Unknown.
	for _, r := range validRegions() {
		if !slices.ContainsFunc(cs, func(c nrm.Country) bool { return c.Region == nrm.Region(r) }) {
			t.Errorf("no country in region %s", r)
		}
	}
	// The caller owns the copy.
	cs[0].NameDA = "changed"
	again := must(Countries())(t)
	if again[0].NameDA == "changed" {
		t.Error("Countries returned shared storage")
	}
}

func TestRegionOf(t *testing.T) {
	for code, want := range map[string]nrm.Region{
		"NG": nrm.RegionAfrica, "TH": nrm.RegionAsia, "IQ": nrm.RegionMiddleEast,
		"RO": nrm.RegionEurope, "BR": nrm.RegionLatinAmerica, "US": nrm.RegionNorthAmerica,
		"AU": nrm.RegionOceania, "EG": nrm.RegionAfrica, "UG": nrm.RegionAfrica,
		"IR": nrm.RegionMiddleEast, "SY": nrm.RegionMiddleEast, "AF": nrm.RegionAsia,
		"PK": nrm.RegionAsia, "TR": nrm.RegionEurope, "CY": nrm.RegionEurope,
		"GE": nrm.RegionEurope, "RU": nrm.RegionEurope, "UA": nrm.RegionEurope,
		"KZ": nrm.RegionAsia, "MX": nrm.RegionLatinAmerica, "JM": nrm.RegionLatinAmerica,
		"GL": nrm.RegionNorthAmerica, "CA": nrm.RegionNorthAmerica, "MA": nrm.RegionAfrica,
		"XK": nrm.RegionEurope, "FJ": nrm.RegionOceania, "DK": nrm.RegionEurope,
		" ng ": nrm.RegionAfrica,
		"":     nrm.RegionUnknown, "ZZ": nrm.RegionUnknown, "NGA": nrm.RegionUnknown,
	} {
		if got := RegionOf(code); got != want {
			t.Errorf("RegionOf(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestDanishNames(t *testing.T) {
	cs, err := Countries()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]nrm.Country{}
	for _, c := range cs {
		byCode[c.Code] = c
	}
	for code, want := range map[string]string{
		"ZA": "Sydafrika", "AT": "Østrig", "FO": "Færøerne", "GL": "Grønland",
		"RO": "Rumænien", "GR": "Grækenland", "PS": "Palæstina", "TL": "Østtimor",
		"GQ": "Ækvatorialguinea", "AX": "Åland", "NG": "Nigeria", "TH": "Thailand",
		"UG": "Uganda", "BR": "Brasilien", "DE": "Tyskland", "NL": "Nederlandene",
		"CN": "Kina", "EG": "Egypten", "IQ": "Irak", "IR": "Iran", "AF": "Afghanistan",
		"BQ": "Bonaire, Sint Eustatius og Saba",
	} {
		if got := byCode[code].NameDA; got != want {
			t.Errorf("%s: Danish name %q, want %q", code, got, want)
		}
	}
	ci := byCode["CI"]
	if got := ci.Name(nrm.LangEN); got != "Côte d'Ivoire" {
		t.Errorf("CI English name %q", got)
	}
}

func TestCountriesFrom(t *testing.T) {
	in := "\ufeffRegion, Code ,name_en,name_da\n" +
		"afrika,ng,Nigeria,Nigeria\n" +
		"middle east,IQ,,Irak\n" +
		"Europe,DK,Denmark,\"Danmark\"\n"
	cs, err := CountriesFrom(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []nrm.Country{
		{Code: "NG", NameDA: "Nigeria", NameEN: "Nigeria", Region: nrm.RegionAfrica},
		{Code: "IQ", NameDA: "Irak", NameEN: "", Region: nrm.RegionMiddleEast},
		{Code: "DK", NameDA: "Danmark", NameEN: "Denmark", Region: nrm.RegionEurope},
	}
	if !slices.Equal(cs, want) {
		t.Errorf("got %+v, want %+v", cs, want)
	}
}

func TestCountriesFromErrors(t *testing.T) {
	const header = "code,name_da,name_en,region\n"
	for _, tc := range []struct {
		name string
		in   string
		want []string // substrings of the error, each naming a line
	}{
		{"bad code", header + "NG,Nigeria,Nigeria,Africa\nN1,Noget,Something,Africa\n",
			[]string{`line 3: Code has an invalid format (value "N1"); expected: ISO 3166-1 alpha-2 code`}},
		{"bad region", header + "NG,Nigeria,Nigeria,Afrca\n",
			[]string{`line 2: Region of origin has an unknown value (value "Afrca"); expected: Africa, Asia`}},
		{"unknown region", header + "NG,Nigeria,Nigeria,Unknown\n",
			[]string{`line 2: Region of origin has an unknown value (value "Unknown")`}},
		{"missing column in row", header + "NG,Nigeria,Nigeria\n",
			[]string{`line 2: Row has an invalid format`, `expected: 4 columns`, `line 2: Region of origin is required`}},
		{"missing column in header", "code,name_da,name_en\nNG,Nigeria,Nigeria\n",
			[]string{`line 1: Region of origin is required`}},
		{"unknown column in header", "code,name_da,name_en,region,note\n",
			[]string{`line 1: column 5 has an unknown value (value "note")`}},
		{"empty name", header + "NG,,Nigeria,Africa\n",
			[]string{`line 2: Name (Danish) is required`}},
		{"duplicate code", header + "NG,Nigeria,Nigeria,Africa\nTH,Thailand,Thailand,Asia\nng,Nigeria,Nigeria,Africa\n",
			[]string{`line 4: Code already exists (value "NG"); expected: each code once (first on line 2)`}},
		{"bad quote", header + "NG,Nigeria,Nigeria,Africa\nTH,\"Thai\"land,Thailand,Asia\n",
			[]string{`line 3: column`, `well-formed CSV`}},
		{"empty file", "", []string{`line 1: Header row is required`}},
		{"header only", header, []string{`line 2: Code is required`, `at least one country row`}},
		{"all errors reported", header +
			"NG,Nigeria,Nigeria,Africa\n" +
			"1X,Noget,Something,Asia\n" +
			"TH,Thailand,Thailand,Asai\n" +
			"RO,Rumænien,Romania,Moon\n" +
			"BR,Brasilien\n",
			[]string{`line 3: Code`, `line 4: Region of origin has an unknown value (value "Asai")`, `line 5: Region of origin has an unknown value (value "Moon")`, `line 6: Row`, `line 6: Region of origin is required`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := CountriesFrom(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; got %+v", cs)
			}
			if nrm.ErrorCode(err) != nrm.EINVALID {
				t.Errorf("code %q, want %q", nrm.ErrorCode(err), nrm.EINVALID)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			for _, f := range nrm.FieldErrors(err) {
				if !strings.HasPrefix(f.Field, "line ") {
					t.Errorf("field error %+v does not name a line", f)
				}
			}
		})
	}
}

// "Asien" is the Danish label of Asia and therefore accepted.
func TestCountriesFromDanishRegion(t *testing.T) {
	cs, err := CountriesFrom(strings.NewReader("code,name_da,name_en,region\nTH,Thailand,Thailand,Asien\nIQ,Irak,Iraq,Mellemøsten\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].Region != nrm.RegionAsia || cs[1].Region != nrm.RegionMiddleEast {
		t.Errorf("got %+v", cs)
	}
}
