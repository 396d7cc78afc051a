package intlexport

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nrm"
)

func ip(v int) *int { return &v }

// syntheticRows draws a deterministic population shaped like the Danish
// one: mostly women from a few countries exploited sexually in Denmark,
// with rare nationalities, ages, sectors and countries at the edges.
func syntheticRows(n int) []CaseRow {
	rng := rand.New(rand.NewPCG(7, 2011))
	pick := func(weights map[string]int) string {
		keys := make([]string, 0, len(weights))
		total := 0
		for k, w := range weights {
			keys = append(keys, k)
			total += w
		}
		slices.Sort(keys)
		x := rng.IntN(total)
		for _, k := range keys {
			if x -= weights[k]; x < 0 {
				return k
			}
		}
		return keys[0]
	}
	region := map[string]nrm.Region{"NG": "Africa", "UG": "Africa", "GH": "Africa", "TH": "Asia", "CN": "Asia", "VN": "Asia",
		"RO": "Europe", "BG": "Europe", "HU": "Europe", "PL": "Europe", "LT": "Europe", "UA": "Europe", "BR": "Latin America", "IQ": "Middle East", "": ""}
	var rows []CaseRow
	for range n {
		r := CaseRow{Year: 2010 + rng.IntN(3), ContactForm: nrm.ContactPolice, Authority: nrm.AuthorityUS, Stage: nrm.StageFinal}
		if rng.IntN(5) == 0 {
			r.Authority = nrm.AuthorityCMM
		}
		if rng.IntN(8) == 0 {
			r.Stage = nrm.StagePreliminary
		}
		r.ReferringOrg = pick(map[string]int{"Police": 50, "Reden International": 20, "HIV-Danmark": 5, "": 10})
		r.Gender = nrm.Gender(pick(map[string]int{"female": 80, "male": 15, "transgender": 2, "unknown": 3}))
		if rng.IntN(10) > 0 {
			r.Age = ip(15 + rng.IntN(25) + rng.IntN(15))
		}
		r.Nationality = pick(map[string]int{"NG": 30, "RO": 15, "TH": 12, "BG": 8, "UG": 5, "GH": 4, "CN": 4, "VN": 3,
			"HU": 3, "PL": 3, "LT": 2, "UA": 2, "BR": 2, "IQ": 1, "": 6})
		r.Region = region[r.Nationality]
		switch x := rng.IntN(100); {
		case x < 78:
			r.Exploitation = []nrm.ExploitationForm{nrm.ExploitationSexual}
		case x < 90:
			r.Exploitation = []nrm.ExploitationForm{nrm.ExploitationForcedLabour}
		case x < 94:
			r.Exploitation = []nrm.ExploitationForm{nrm.ExploitationForcedCriminality}
		case x < 97:
			r.Exploitation = []nrm.ExploitationForm{nrm.ExploitationSexual, nrm.ExploitationForcedLabour}
		case x < 98:
			r.Exploitation = []nrm.ExploitationForm{nrm.ExploitationBegging, nrm.ExploitationForcedMarriage}
		case x < 99:
			r.Exploitation = []nrm.ExploitationForm{nrm.ExploitationOrganRemoval, nrm.ExploitationOther}
		}
		if slices.Contains(r.Exploitation, nrm.ExploitationForcedLabour) {
			r.LabourSector = nrm.LabourSector(pick(map[string]int{"domestic_work": 4, "agriculture": 4, "cleaning": 2, "": 1, "fishing": 1,
				"construction": 1, "hospitality": 1, "manufacturing": 1, "transport": 1, "other": 1}))
		}
		r.ExploitationCountry = pick(map[string]int{"DK": 90, "DE": 3, "IT": 2, "NO": 2, "": 3})
		rows = append(rows, r)
	}
	return rows
}

func readCSV(t *testing.T, b []byte) (header []string, rows [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

func TestHTCDSHeader(t *testing.T) {
	var buf bytes.Buffer
	if _, err := WriteHTCDS(&buf, nil, 11); err != nil {
		t.Fatal(err)
	}
	want := "vic_TraffickingStatus,vic_TraffickingStatusDecisionMakingOrg,prs_Gender,prs_Citizenship," +
		"vic_TypeOfExploitation,vic_ForcedLabourIndustry,vic_TypeOfSexExploitation,hte_Type,hte_Country,cas_ReferringOrganisation\n"
	if buf.String() != want {
		t.Fatalf("header\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	if _, err := WriteCases(&buf, nil, VariantCTDC, 11); err != nil {
		t.Fatal(err)
	}
	want = "yearOfRegistration,Datasource,gender,ageBroad,majorityStatus,citizenship," +
		"isForcedLabour,isSexualExploit,isOtherExploit,isSexAndLabour,isForcedMarriage,isOrganRemoval," +
		"typeOfExploitConcatenated,typeOfLabourAgriculture,typeOfLabourConstruction,typeOfLabourDomesticWork," +
		"typeOfLabourHospitality,typeOfLabourManufacturing,typeOfLabourTransportation,typeOfLabourOther," +
		"typeOfLabourNotSpecified,typeOfLabourConcatenated,typeOfSexProstitution,typeOfSexConcatenated,CountryOfExploitation\n"
	if buf.String() != want {
		t.Fatalf("CTDC header\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestHTCDSKAnonymous(t *testing.T) {
	in := syntheticRows(600)
	for _, v := range Variants {
		for _, k := range []int{0, 5, 11} {
			var buf bytes.Buffer
			rep, err := WriteCases(&buf, in, v, k)
			if err != nil {
				t.Fatal(err)
			}
			want := k
			if k == 0 {
				want = DefaultK
			}
			header, rows := readCSV(t, buf.Bytes())
			if rep.Rows != len(rows) || rep.Rows+rep.Suppressed != len(in) {
				t.Fatalf("%s k=%d report %+v for %d rows written of %d", v, k, rep, len(rows), len(in))
			}
			if len(rep.Generalisations) == 0 {
				t.Fatalf("%s k=%d: this population needs generalisation", v, k)
			}
			// Identical input records at least k times are a class that needs
			// nothing: all of them are written, so the export is never
			// k-anonymous merely by leaving records out.
			var exact bytes.Buffer
			if _, err := WriteCases(&exact, in, v, 1); err != nil {
				t.Fatal(err)
			}
			_, detailed := readCSV(t, exact.Bytes())
			same := map[string]int{}
			for _, r := range detailed {
				same[strings.Join(r, ",")]++
			}
			common := 0
			for _, n := range same {
				if n >= want {
					common += n
				}
			}
			if common == 0 || rep.Rows < common {
				t.Fatalf("%s k=%d: %d records written, but %d records come in classes of at least k as they are", v, k, rep.Rows, common)
			}
			// Every column is a quasi-identifier: each whole row occurs at
			// least k times.
			full := map[string]int{}
			for _, r := range rows {
				full[strings.Join(r, ",")]++
			}
			for key, n := range full {
				if n < want {
					t.Fatalf("%s k=%d: row %q occurs %d times", v, k, key, n)
				}
			}
			if v == VariantCTDC {
				checkPicklists(t, header, rows)
			}
			t.Logf("%s k=%d: %d rows, %d suppressed, %v", v, want, rep.Rows, rep.Suppressed, rep.Generalisations)
		}
	}
}

// checkPicklists checks the CTDC variant's values: every cell is a value
// of its column or -99, and an ISO column holds two capital letters.
func checkPicklists(t *testing.T, header []string, rows [][]string) {
	t.Helper()
	iso := regexp.MustCompile(`^[A-Z]{2}$`)
	oneOf := func(v string, set ...string) bool { return slices.Contains(set, v) }
	for _, r := range rows {
		for i, h := range header {
			v := r[i]
			ok := true
			switch {
			case v == "":
				ok = false // unknown is -99, never empty
			case v == CTDCUnknown:
				ok = h != "yearOfRegistration" && h != "Datasource"
			case h == "yearOfRegistration":
				ok = regexp.MustCompile(`^20\d\d$`).MatchString(v)
			case h == "Datasource":
				ok = v == DatasourceCaseManagement
			case h == "gender":
				ok = oneOf(v, "Female", "Male", "Transgender/NonConforming")
			case h == "ageBroad":
				ok = slices.Contains(AgeBroad, v)
			case h == "majorityStatus":
				ok = oneOf(v, MajorityAdult, MajorityMinor)
			case h == "citizenship" || h == "CountryOfExploitation":
				ok = iso.MatchString(v)
			case strings.HasPrefix(h, "is") || (strings.HasPrefix(h, "typeOf") && !strings.HasSuffix(h, "Concatenated")):
				ok = oneOf(v, "0", "1")
			case h == "typeOfLabourConcatenated":
				ok = oneOf(v, "Agriculture", "Construction", "Domestic work", "Hospitality", "Manufacturing", "Transportation", "Other")
			case h == "typeOfSexConcatenated":
				ok = oneOf(v, "Prostitution")
			}
			if !ok {
				t.Fatalf("%s = %q is not a value of the column", h, v)
			}
		}
		if age, maj := r[slices.Index(header, "ageBroad")], r[slices.Index(header, "majorityStatus")]; age != CTDCUnknown {
			minor := age == "0--8" || age == "9--17"
			if (maj == MajorityMinor) != minor {
				t.Fatalf("ageBroad %s with majorityStatus %s", age, maj)
			}
		}
	}
}

func TestHTCDSNoGeneralisationAtK1(t *testing.T) {
	in := syntheticRows(200)
	var buf bytes.Buffer
	rep, err := WriteCases(&buf, in, VariantCTDC, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Suppressed != 0 || len(rep.Generalisations) != 0 || rep.Rows != len(in) {
		t.Fatalf("k=1: %+v", rep)
	}
	header, rows := readCSV(t, buf.Bytes())
	withAge, withNat := 0, 0
	for _, c := range in {
		if c.Age != nil {
			withAge++
		}
		if c.Nationality != "" {
			withNat++
		}
	}
	gotAge, gotNat := 0, 0
	for _, r := range rows {
		if r[slices.Index(header, "ageBroad")] != CTDCUnknown {
			gotAge++
		}
		if len(r[slices.Index(header, "citizenship")]) == 2 {
			gotNat++
		}
	}
	if gotAge != withAge || gotNat != withNat {
		t.Fatalf("k=1 lost detail: ages %d/%d, nationalities %d/%d", gotAge, withAge, gotNat, withNat)
	}
}

func TestHTCDSMapping(t *testing.T) {
	rows := []CaseRow{{Year: 2011, Stage: nrm.StageFinal, Gender: nrm.GenderTransgender, Age: ip(17), Nationality: "RO", Region: nrm.RegionEurope,
		Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual, nrm.ExploitationForcedLabour, nrm.ExploitationForcedCriminality, nrm.ExploitationBegging},
		LabourSector: "domestic_work", ExploitationCountry: "DK", ReferringOrg: "Reden International", Authority: nrm.AuthorityCMM}}
	get := func(v Variant) map[string]string {
		var buf bytes.Buffer
		if _, err := WriteCases(&buf, rows, v, 1); err != nil {
			t.Fatal(err)
		}
		header, recs := readCSV(t, buf.Bytes())
		got := map[string]string{}
		for i, h := range header {
			got[h] = recs[0][i]
		}
		return got
	}
	check := func(v Variant, want map[string]string) {
		t.Helper()
		got := get(v)
		for h, w := range want {
			if got[h] != w {
				t.Errorf("%s: %s = %q, want %q", v, h, got[h], w)
			}
		}
	}
	check(VariantCTDC, map[string]string{"yearOfRegistration": "2011", "Datasource": "Case Management", "gender": "Transgender/NonConforming",
		"ageBroad": "9--17", "majorityStatus": "Minor", "citizenship": "RO", "isForcedLabour": "1", "isSexualExploit": "1",
		"isOtherExploit": "1", "isSexAndLabour": "1", "isForcedMarriage": "0", "typeOfExploitConcatenated": "Sexual exploitation;Forced labour;Other",
		"typeOfLabourDomesticWork": "1", "typeOfLabourAgriculture": "0", "typeOfLabourConcatenated": "Domestic work",
		"typeOfSexProstitution": "1", "CountryOfExploitation": "DK"})
	check(VariantHTCDS, map[string]string{"vic_TraffickingStatus": "ActualVictimOfTrafficking",
		"vic_TraffickingStatusDecisionMakingOrg": "NonPoliceGovernmentalOrganization", "prs_Gender": "NonSpecifiedUnknown",
		"prs_Citizenship": "RO", "vic_TypeOfExploitation": "ForcedLabour;SexualExploitation;ForcedBegging;Other",
		"vic_ForcedLabourIndustry": "T_ActivitiesOfHouseholdsAsEmployers", "vic_TypeOfSexExploitation": "Prostitution",
		"hte_Type": "Exploitation", "hte_Country": "DK", "cas_ReferringOrganisation": "Reden International"})

	// A presumed victim without a recorded form, sector or country.
	rows = []CaseRow{{Year: 2011, Stage: nrm.StagePreliminary, Gender: nrm.GenderFemale, Authority: nrm.AuthorityUS}}
	check(VariantHTCDS, map[string]string{"vic_TraffickingStatus": "PossibleVictimOfTrafficking", "prs_Gender": "Feminine",
		"prs_Citizenship": "", "vic_TypeOfExploitation": "", "vic_ForcedLabourIndustry": "", "hte_Type": "", "hte_Country": "",
		"cas_ReferringOrganisation": ""})
	check(VariantCTDC, map[string]string{"gender": "Female", "ageBroad": "-99", "majorityStatus": "-99", "citizenship": "-99",
		"isForcedLabour": "-99", "typeOfLabourConcatenated": "-99", "CountryOfExploitation": "-99"})
}

func TestHTCDSOrderIndependent(t *testing.T) {
	in := syntheticRows(300)
	rev := slices.Clone(in)
	slices.Reverse(rev)
	var a, b bytes.Buffer
	ra := must(WriteHTCDS(&a, in, 11))(t)
	rb := must(WriteHTCDS(&b, rev, 11))(t)
	if a.String() != b.String() || !reflect.DeepEqual(ra, rb) {
		t.Fatal("the output depends on the input order")
	}
}

func TestHTCDSInvalidCodesAreUnknown(t *testing.T) {
	rows := []CaseRow{{Year: 2011, Gender: "x", Nationality: "=HYPERLINK(\"http://x\")", ExploitationCountry: "@SUM(1)",
		ReferringOrg: "=cmd|' /C calc'!A0"}}
	for _, v := range Variants {
		var buf bytes.Buffer
		if _, err := WriteCases(&buf, rows, v, 1); err != nil {
			t.Fatal(err)
		}
		s := buf.String()
		if strings.Contains(s, "HYPERLINK") || strings.Contains(s, "SUM") || strings.Contains(s, ",=") || strings.Contains(s, "\n=") {
			t.Fatalf("%s: invalid codes or a formula reached the file: %s", v, s)
		}
		if v == VariantCTDC && !strings.Contains(s, ",-99,") || v == VariantHTCDS && !strings.Contains(s, "NonSpecifiedUnknown") {
			t.Fatalf("%s: unknown not written as unknown: %s", v, s)
		}
	}
}

func TestWriteCSVFormulaInjection(t *testing.T) {
	tab := Table{Code: "x", Headers: []string{"=h", "b"}, Rows: [][]string{{"=SUM(A1)", "+1"}, {"-2", "@x"}, {"\tx", "\rx"}, {"ok", "<3"}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	_, rows := readCSV(t, buf.Bytes())
	want := [][]string{{"'=SUM(A1)", "'+1"}, {"'-2", "'@x"}, {"'\tx", "'\rx"}, {"ok", "<3"}}
	// encoding/csv reads a lone \r inside quotes as \n; compare the rest.
	rows[2][1] = strings.ReplaceAll(rows[2][1], "\n", "\r")
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	if !strings.HasPrefix(buf.String(), "'=h,b\n") {
		t.Fatalf("header not defused: %q", buf.String())
	}
}

func TestEU(t *testing.T) {
	if n := len(EUMembers(2011)); n != 27 {
		t.Fatalf("EU in 2011: %d members", n)
	}
	if n := len(EUMembers(2014)); n != 28 {
		t.Fatalf("EU in 2014: %d members", n)
	}
	if n := len(EUMembers(2021)); n != 27 || IsEU("GB", 2020) || !IsEU("GB", 2019) || !IsEU("HR", 2013) || IsEU("HR", 2012) {
		t.Fatal("EU-27 after Brexit, Croatia from 2013")
	}
	if !IsEU(ReportingCountry, 2011) {
		t.Fatal("Denmark is an EU member")
	}
}

func eurostatStats() *nrm.Stats {
	s := &nrm.Stats{Year: 2011}
	s.Identified.Total = 60
	s.Identified.ByAuthority = map[string]int{"US": 51, "CMM": 9}
	s.ByGender = map[string]int{"female": 56, "male": 3, "transgender": 1, "unknown": 0}
	s.Age = nrm.AgeStats{Known: 57, Unknown: 3, Bands: map[string]int{"0-17": 2, "18-19": 5, "20-24": 50}}
	s.ByNationality = map[string]int{"DK": 4, "GB": 1, "RO": 10, "BG": 5, "NG": 30, "TH": 8, "VN": 0}
	s.ByExploitationGender = map[string]map[string]int{
		"sexual":             {"female": 55, "transgender": 1},
		"forced_labour":      {"female": 1, "male": 2},
		"forced_criminality": {"female": 1, "male": 1},
		"begging":            {"male": 1},
	}
	s.ExploitationPersons, s.MultiFormPersons = 60, 2
	s.FormsByGender = map[string]nrm.FormCount{"female": {Persons: 56, ExtraForms: 1}, "male": {Persons: 3, ExtraForms: 1}, "transgender": {Persons: 1}}
	// Five presumed victims not identified by the cut-off.
	s.PresumedNotIdentified = nrm.PresumedVictims{Total: 5,
		ByGender:      map[string]int{"female": 3, "male": 2},
		ByAgeGroup:    map[string]int{"child": 1, "adult": 3, "unknown": 1},
		ByNationality: map[string]int{"NG": 2, "RO": 1, "DK": 1, "unknown": 1},
		ByExploitationGender: map[string]map[string]int{
			"sexual":  {"female": 2},
			"unknown": {"female": 1, "male": 2},
		}}
	s.Prosecution = nrm.ProsecutionStats{Reported: true, Charges: 30, Decisions: 20, ConvictionsUnconditional: 8, ConvictionsPartlySuspended: 2, ConvictionsTotal: 10}
	return s
}

func tableByCode(t *testing.T, ts []Table, code string) Table {
	t.Helper()
	for _, tb := range ts {
		if tb.Code == code {
			return tb
		}
	}
	t.Fatalf("no table %s", code)
	return Table{}
}

func TestEurostatExact(t *testing.T) {
	ts := EurostatTablesK(eurostatStats(), 1)
	check := func(code string, want [][]string) {
		t.Helper()
		if got := tableByCode(t, ts, code).Rows; !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %v, want %v", code, got, want)
		}
	}
	// Registered = 60 identified + 5 presumed not identified.
	check(CodeVictimsSex, [][]string{{"female", "59"}, {"male", "5"}, {"unknown", "1"}, {"total", "65"}})
	check(CodeVictimsAge, [][]string{{"child", "3"}, {"adult", "58"}, {"unknown", "4"}, {"total", "65"}})
	// 2011: GB is other EU; the 2 identified persons without nationality
	// are unknown, as is one presumed victim.
	check(CodeVictimsCitizenship, [][]string{{"national", "5"}, {"other_eu", "17"}, {"non_eu", "40"}, {"unknown", "3"}, {"total", "65"}})
	check(CodeVictimsExploitation, [][]string{{"sexual", "57", "0", "1", "58"}, {"labour", "1", "2", "0", "3"}, {"other", "1", "2", "0", "3"}, {"unknown", "1", "2", "0", "3"}})
	check(CodeProsecution, [][]string{{"suspected", "30"}, {"prosecuted", "20"}, {"convicted", "10"}, {"convicted_unconditional", "8"}, {"convicted_partly_suspended", "2"}})

	s := eurostatStats()
	s.Year = 2021
	ctz := tableByCode(t, EurostatTablesK(s, 1), CodeVictimsCitizenship)
	if ctz.Rows[1][1] != "16" || ctz.Rows[2][1] != "41" {
		t.Fatalf("2021: GB is non-EU: %v", ctz.Rows)
	}
}

func TestEurostatProtected(t *testing.T) {
	ts := EurostatTables(eurostatStats())
	for _, tb := range ts {
		if tb.Code == CodeProsecution {
			continue
		}
		for _, r := range tb.Rows {
			for _, c := range r[1:] {
				if c == "1" || c == "2" {
					t.Fatalf("%s publishes a count below 3: %v", tb.Code, r)
				}
			}
		}
	}
	// The one unknown is withheld, and so is another row, which would
	// give it back.
	sex := tableByCode(t, ts, CodeVictimsSex)
	hidden := 0
	for _, r := range sex.Rows[:3] {
		if r[1] == Confidential {
			hidden++
		}
	}
	if sex.Rows[2][1] != Confidential || hidden < 2 {
		t.Fatalf("sex table %v", sex.Rows)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sex); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "sex,victims\nfemale,") || !strings.Contains(buf.String(), "\nunknown,c\ntotal,") {
		t.Fatalf("csv %q", buf.String())
	}
	if p := tableByCode(t, ts, CodeProsecution); p.Rows[2][1] != "10" {
		t.Fatal("prosecution is published as reported")
	}
	s := eurostatStats()
	s.Prosecution = nrm.ProsecutionStats{}
	if p := tableByCode(t, EurostatTables(s), CodeProsecution); p.Rows[0][1] != "" {
		t.Fatal("an unreported year is empty, not zero")
	}
}

// TestHTCDSHandCounted is a population small enough to count by hand,
// with k = 5 in the CTDC variant: five identical records (exactly k) are
// written as they are; three Thai and two Vietnamese women, identical
// otherwise but for their age, become one class of five once the age
// band, the country of exploitation and the citizenship are dropped (never
// replaced by "Asia"), and are written; a lone man is generalised as far
// as it goes and still left out.
func TestHTCDSHandCounted(t *testing.T) {
	row := func(nat string, region nrm.Region, age int) CaseRow {
		return CaseRow{Year: 2011, Gender: nrm.GenderFemale, Age: ip(age), Nationality: nat, Region: region,
			Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}, ExploitationCountry: "DK"}
	}
	var in []CaseRow
	for range 5 {
		in = append(in, row("NG", "Africa", 24))
	}
	in = append(in, row("TH", "Asia", 22), row("TH", "Asia", 31), row("TH", "Asia", 45), row("VN", "Asia", 19), row("VN", "Asia", 27))
	in = append(in, CaseRow{Year: 2011, Gender: nrm.GenderMale, Age: ip(52), Nationality: "BR", Region: "Latin America",
		Exploitation: []nrm.ExploitationForm{nrm.ExploitationForcedLabour}, LabourSector: "fishing", ExploitationCountry: "NO"})
	var buf bytes.Buffer
	rep, err := WriteCases(&buf, in, VariantCTDC, 5)
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readCSV(t, buf.Bytes())
	if rep.Rows != 10 || rep.Suppressed != 1 || len(rows) != 10 {
		t.Fatalf("report %+v, %d rows; want 10 written and the lone man left out", rep, len(rows))
	}
	col := func(r []string, name string) string { return r[slices.Index(header, name)] }
	classes := map[string]int{}
	for _, r := range rows {
		classes[col(r, "gender")+"/"+col(r, "ageBroad")+"/"+col(r, "majorityStatus")+"/"+col(r, "citizenship")+"/"+col(r, "CountryOfExploitation")]++
		if col(r, "gender") != "Female" || col(r, "isSexualExploit") != "1" {
			t.Errorf("row %v", r)
		}
	}
	want := map[string]int{"Female/24--26/Adult/NG/DK": 5, "Female/-99/Adult/-99/-99": 5}
	if !reflect.DeepEqual(classes, want) {
		t.Fatalf("classes %v, want %v", classes, want)
	}
	wantGen := []Generalisation{{StepAge, 6}, {StepSector, 1}, {StepCountry, 6}, {StepCitizenship, 6}}
	if !reflect.DeepEqual(rep.Generalisations, wantGen) {
		t.Fatalf("generalisations %v, want %v", rep.Generalisations, wantGen)
	}
	for _, g := range rep.Generalisations {
		if StepLabel(g.Step, nrm.LangDA) == StepLabel(g.Step, nrm.LangEN) || StepLabel(g.Step, nrm.LangDA) == g.Step {
			t.Errorf("step %s has no Danish label", g.Step)
		}
	}
}

// TestSDMX: the Eurostat tables in SDMX-CSV carry the exact figures at
// k = 1; protected, a withheld cell is an empty OBS_VALUE flagged c, no
// published count is below k, no group of parts and total has a single
// withheld cell (which the others would give back), every published value
// equals the exact one, and the police's counts are flagged d.
func TestSDMX(t *testing.T) {
	s := eurostatStats()
	parse := func(ts []Table) map[string][2]string {
		out := map[string][2]string{}
		for _, tb := range ts {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, tb); err != nil {
				t.Fatal(err)
			}
			header, rows := readCSV(t, buf.Bytes())
			if !slices.Equal(header[:3], []string{"DATAFLOW", "freq", "unit"}) || !slices.Equal(header[len(header)-4:], []string{"geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"}) {
				t.Fatalf("%s header %v", tb.Code, header)
			}
			for _, r := range rows {
				if r[0] != "ESTAT:"+strings.ToUpper(tb.Code)+"(1.0)" || r[1] != "A" || r[2] != "NR" || r[len(r)-4] != "DK" || r[len(r)-3] != strconv.Itoa(s.Year) {
					t.Fatalf("%s row %v", tb.Code, r)
				}
				key := tb.Code + ":" + strings.Join(r[3:len(r)-4], ",")
				if _, dup := out[key]; dup {
					t.Fatalf("%s twice", key)
				}
				out[key] = [2]string{r[len(r)-2], r[len(r)-1]}
			}
		}
		return out
	}
	exact := parse(SDMXTables(s, 1))
	want := map[string]string{
		"crim_thb_vage:TOTAL,F": "59", "crim_thb_vage:TOTAL,M": "5", "crim_thb_vage:TOTAL,UNK": "1", "crim_thb_vage:TOTAL,T": "65",
		"crim_thb_vage:Y_LT18,T": "3", "crim_thb_vage:Y_GE18,T": "58", "crim_thb_vage:UNK,T": "4",
		"crim_thb_vctz:NAT,T": "5", "crim_thb_vctz:EU27_2007_FOR,T": "17", "crim_thb_vctz:NEU27_2007_FOR,T": "40", "crim_thb_vctz:UNK,T": "3", "crim_thb_vctz:TOTAL,T": "65",
		"crim_thb_vexp:SEX,F": "57", "crim_thb_vexp:SEX,UNK": "1", "crim_thb_vexp:LAB,M": "2", "crim_thb_vexp:OTH,T": "3",
		"crim_thb_vexp:UNK,F": "1", "crim_thb_vexp:UNK,M": "2", "crim_thb_vexp:UNK,T": "3",
		"crim_thb_lstat:PER_SUSP,T": "30", "crim_thb_lstat:PER_PROS,T": "20", "crim_thb_lstat:PER_CNV,T": "10",
	}
	for key, v := range want {
		if exact[key][0] != v {
			t.Errorf("k=1: %s = %q, want %s", key, exact[key][0], v)
		}
	}
	for key, o := range exact {
		if strings.HasPrefix(key, "crim_thb_lstat") != (o[1] == FlagDefinitionDiffers) || o[1] == FlagConfidential {
			t.Errorf("k=1: %s flag %q", key, o[1])
		}
	}
	prot := parse(SDMXTables(s, 3))
	if len(prot) != len(exact) {
		t.Fatalf("%d observations protected, %d exact", len(prot), len(exact))
	}
	hidden := 0
	for key, o := range prot {
		switch {
		case o[1] == FlagConfidential:
			hidden++
			if o[0] != "" {
				t.Errorf("%s: withheld but OBS_VALUE %q", key, o[0])
			}
		case o[0] != exact[key][0]:
			t.Errorf("%s: published %q, exact %q", key, o[0], exact[key][0])
		case !strings.HasPrefix(key, "crim_thb_lstat") && (o[0] == "1" || o[0] == "2"):
			t.Errorf("%s: publishes %s, below k = 3", key, o[0])
		}
	}
	if hidden == 0 {
		t.Fatal("nothing withheld at k = 3")
	}
	groups := [][]string{
		{"crim_thb_vage:TOTAL,T", "crim_thb_vage:TOTAL,F", "crim_thb_vage:TOTAL,M", "crim_thb_vage:TOTAL,UNK"},
		{"crim_thb_vage:TOTAL,T", "crim_thb_vage:Y_LT18,T", "crim_thb_vage:Y_GE18,T", "crim_thb_vage:UNK,T"},
		{"crim_thb_vctz:TOTAL,T", "crim_thb_vctz:NAT,T", "crim_thb_vctz:EU27_2007_FOR,T", "crim_thb_vctz:NEU27_2007_FOR,T", "crim_thb_vctz:UNK,T"},
	}
	for _, e := range []string{"SEX", "LAB", "OTH", "UNK"} {
		groups = append(groups, []string{"crim_thb_vexp:" + e + ",T", "crim_thb_vexp:" + e + ",F", "crim_thb_vexp:" + e + ",M", "crim_thb_vexp:" + e + ",UNK"})
	}
	for _, g := range groups {
		n := 0
		for _, key := range g {
			if _, ok := prot[key]; !ok {
				t.Fatalf("no observation %s", key)
			}
			if prot[key][1] == FlagConfidential {
				n++
			}
		}
		if n == 1 {
			t.Errorf("%v: one withheld cell, which the others give back", g)
		}
	}
	s.Prosecution = nrm.ProsecutionStats{}
	for key := range parse(SDMXTables(s, 3)) {
		if strings.HasPrefix(key, "crim_thb_lstat") {
			t.Errorf("%s: a year the police did not report has no observations", key)
		}
	}
	s.Year = 2014
	if _, ok := parse(SDMXTables(s, 1))["crim_thb_vctz:EU28_FOR,T"]; !ok {
		t.Error("2014: other EU is the EU-28")
	}
}
