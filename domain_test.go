package nrm_test

import (
	"encoding/json"
	"strings"
	"testing"

	"nrm"
)

func TestAgeAtAndBands(t *testing.T) {
	c := &nrm.Case{Identifiers: nrm.Identifiers{BirthDate: nrm.MustDate("1994-02-28")}}
	for _, tc := range []struct {
		on   string
		want int
	}{{"2012-02-27", 17}, {"2012-02-28", 18}, {"2012-02-29", 18}} {
		if got, _ := c.AgeAt(nrm.MustDate(tc.on)); got != tc.want {
			t.Errorf("age on %s = %d, want %d", tc.on, got, tc.want)
		}
	}
	// Born on 29 February: the birthday counts from 1 March in other years.
	leap := &nrm.Case{Identifiers: nrm.Identifiers{BirthDate: nrm.MustDate("1992-02-29")}}
	if got, _ := leap.AgeAt(nrm.MustDate("2011-02-28")); got != 18 {
		t.Errorf("leap-day age = %d, want 18", got)
	}
	byYear := &nrm.Case{BirthYear: 1990}
	if a, _ := byYear.AgeAt(nrm.MustDate("2011-06-30")); a != 20 {
		t.Errorf("birth-year age before 1 July = %d", a)
	}
	if a, _ := byYear.AgeAt(nrm.MustDate("2011-07-01")); a != 21 {
		t.Errorf("birth-year age on 1 July = %d", a)
	}
	if _, ok := (&nrm.Case{}).AgeAt(nrm.MustDate("2011-07-01")); ok {
		t.Error("age known without birth data")
	}
	for age, band := range map[int]string{0: "0-17", 17: "0-17", 18: "18-19", 19: "18-19", 20: "20-24", 24: "20-24", 25: "25-29",
		44: "40-44", 45: "45-49", 49: "45-49", 50: "50-59", 59: "50-59", 60: "60+", 99: "60+"} {
		if got := nrm.AgeBand(age); got != band {
			t.Errorf("AgeBand(%d) = %s, want %s", age, got, band)
		}
	}
	for days, b := range map[int]string{1: "<=30", 30: "<=30", 31: "31-99", 99: "31-99", 100: ">=100", 400: ">=100"} {
		if got := nrm.ShelterBucket(days); got != b {
			t.Errorf("ShelterBucket(%d) = %s, want %s", days, got, b)
		}
	}
}

func TestDateParsing(t *testing.T) {
	for _, bad := range []string{"2011-02-30", "2011-13-01", "11-02-2011", "2011/02/01", "x"} {
		if _, err := nrm.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	d := nrm.MustDate("2011-12-31")
	if d.AddDays(1).String() != "2012-01-01" || nrm.MustDate("2011-01-01").DaysUntil(d) != 364 {
		t.Error("date arithmetic")
	}
	b := must(json.Marshal(struct {
		D nrm.Date `json:"d"`
	}{d}))(t)
	if string(b) != `{"d":"2011-12-31"}` {
		t.Errorf("json %s", b)
	}
}

func TestValidateNamesFieldAndRule(t *testing.T) {
	c := &nrm.Case{Ref: "bad ref!", OwnerOrg: "CMM", Gender: "woman", ResidenceStatus: nrm.ResidenceLegal, Nationality: "nga",
		Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-05-01"), Form: nrm.ContactPolice}},
		Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-04-01"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
			Exploitation: []nrm.ExploitationForm{"sexual", "sexual"}, LabourSector: "cleaning"}},
		Accommodations: []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate("2011-05-02"), End: nrm.MustDate("2011-05-01")}},
		Exits:          []nrm.Exit{{Date: nrm.MustDate("2030-01-01"), Kind: nrm.ExitDisappeared}},
	}
	err := c.Validate(nrm.MustDate("2012-01-01"))
	if nrm.ErrorCode(err) != nrm.EINVALID {
		t.Fatalf("want invalid, got %v", err)
	}
	got := map[string]bool{}
	for _, f := range nrm.FieldErrors(err) {
		got[f.Field+":"+f.Rule] = true
	}
	for _, want := range []string{"case_ref:format", "gender:one_of", "nationality:one_of", "assessment_authority:authority_mismatch",
		"exploitation:duplicate", "labour_sector:not_allowed", "assessment_date:date_order", "end_date:date_order", "exit_date:range"} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	fe := nrm.FieldError{Field: "gender", Rule: nrm.RuleOneOf, Value: "woman", Expected: "female, male"}
	if da := fe.Message(nrm.LangDA); !strings.HasPrefix(da, "Køn har en ukendt værdi") || !strings.Contains(da, "forventet") {
		t.Errorf("Danish message %q", da)
	}
	if en := fe.Message(nrm.LangEN); en != `Gender has an unknown value (value "woman"); expected: female, male` {
		t.Errorf("English message %q", en)
	}
}

func TestCodeSetsHaveBothLabels(t *testing.T) {
	for _, set := range []string{"gender", "residence_status", "authority", "assessment_outcome", "contact_form", "exploitation",
		"labour_sector", "accommodation_kind", "exit_kind", "offer_kind", "org_kind", "region", "state", "role"} {
		codes := nrm.Codes(set)
		if len(codes) == 0 {
			t.Fatalf("set %s empty", set)
		}
		for _, c := range codes {
			if nrm.Label(set, c, nrm.LangDA) == "" || nrm.Label(set, c, nrm.LangEN) == "" {
				t.Errorf("%s/%s lacks a label", set, c)
			}
			if _, err := nrm.ParseCode(set, c); err != nil {
				t.Errorf("ParseCode(%s, %s): %v", set, c, err)
			}
		}
		if _, err := nrm.ParseCode(set, "no-such-code"); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Errorf("set %s accepted an unknown code", set)
		}
	}
	if nrm.Label("contact_form", "police", nrm.LangDA) != "Politiets indsats" || nrm.Label("region", "Middle East", nrm.LangDA) != "Mellemøsten" {
		t.Error("seed labels")
	}
}

func TestContentHashIgnoresWhatBundlesDoNotCarry(t *testing.T) {
	base := func() *nrm.Case {
		return &nrm.Case{Ref: "A", OwnerOrg: "CMM", Gender: "female", ResidenceStatus: "irregular",
			Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-01-02"), Form: "outreach"}, {Date: nrm.MustDate("2011-01-01"), Form: "police"}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-01-05"), Authority: "US", Outcome: "pending"},
				{Date: nrm.MustDate("2011-02-01"), Authority: "US", Outcome: "identified", Exploitation: []nrm.ExploitationForm{"sexual"}}}}
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	a, b := base(), base()
	b.Identifiers.Name = "Someone"
	b.Contacts = b.Contacts[1:] // the first contact is what a bundle carries
	b.Assessments = b.Assessments[1:]
	if a.ContentHash(key) != b.ContentHash(key) {
		t.Error("hash depends on data a bundle does not carry")
	}
	b.Nationality = "NG"
	if a.ContentHash(key) == b.ContentHash(key) {
		t.Error("hash ignores nationality")
	}
	if b.ContentHash(key) == b.ContentHash([]byte("another key")) {
		t.Error("hash is not keyed")
	}
}

// TestValidCountryIsISO: nationalities are ISO 3166-1 alpha-2 codes that
// exist (and XK), not any two capital letters.
func TestValidCountryIsISO(t *testing.T) {
	for _, c := range []string{"NG", "DK", "TH", "XK", "US", "GB"} {
		if !nrm.ValidCountry(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"XX", "ZZ", "AA", "UK", "EU", "ng", "N", "NGA", ""} {
		if nrm.ValidCountry(c) {
			t.Errorf("%q accepted", c)
		}
	}
	if n := len(nrm.CountryCodes()); n != 250 {
		t.Errorf("%d codes, want the 249 of ISO 3166-1 and XK", n)
	}
	// Every string of two bytes, and a letter pair with a third byte:
	// accepted exactly when it is one of the codes.
	codes := map[string]bool{}
	for _, c := range nrm.CountryCodes() {
		codes[c] = true
	}
	for i := range 1 << 16 {
		s := string([]byte{byte(i >> 8), byte(i)})
		if nrm.ValidCountry(s) != codes[s] {
			t.Errorf("ValidCountry(%q) = %v", s, !codes[s])
		}
		if codes[s] && nrm.ValidCountry(s+string(rune(i%128))) {
			t.Errorf("ValidCountry(%q) accepted", s+string(rune(i%128)))
		}
	}
}
