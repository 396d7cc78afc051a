package disclosure

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"nrm"
)

func ip(v int) *int         { return &v }
func fp(v float64) *float64 { return &v }
func zero(set string) map[string]int {
	m := map[string]int{}
	for _, c := range nrm.Codes(set) {
		m[c] = 0
	}
	return m
}

func with(m map[string]int, kv ...any) map[string]int {
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(int)
	}
	return m
}

// seedStats is shaped like the seed's 2011 figures: 60 identified, small
// groups everywhere at the edges.
func seedStats() *nrm.Stats {
	s := &nrm.Stats{Year: 2011, Cutoff: nrm.MustDate("2012-03-01")}
	s.Identified.Total = 60
	s.Identified.ByAuthority = map[string]int{"US": 51, "CMM": 9}
	s.Identified.ByYearAuthority = []nrm.YearAuthority{{Year: 2009, US: 20, CMM: 2}, {Year: 2010, US: 40, CMM: 11}, {Year: 2011, US: 51, CMM: 9}}
	s.ByContactForm = with(zero("contact_form"), "police", 25, "outreach", 20, "health_service", 3, "asylum_system", 10, "ngo", 2)
	s.ByRegion = with(zero("region"), "Africa", 32, "Asia", 8, "Europe", 16, "Latin America", 2, "Middle East", 1, "Unknown", 1)
	nat := []nrm.NationalityCount{
		{Code: "NG", NameDA: "Nigeria", Region: "Africa", Count: 25}, {Code: "UG", NameDA: "Uganda", Region: "Africa", Count: 4},
		{Code: "GH", NameDA: "Ghana", Region: "Africa", Count: 3}, {Code: "TH", NameDA: "Thailand", Region: "Asia", Count: 6},
		{Code: "CN", NameDA: "Kina", Region: "Asia", Count: 2}, {Code: "RO", NameDA: "Rumænien", Region: "Europe", Count: 8},
		{Code: "BG", NameDA: "Bulgarien", Region: "Europe", Count: 4}, {Code: "HU", NameDA: "Ungarn", Region: "Europe", Count: 2},
		{Code: "PL", NameDA: "Polen", Region: "Europe", Count: 2}, {Code: "BR", NameDA: "Brasilien", Region: "Latin America", Count: 2},
		{Code: "IQ", NameDA: "Irak", Region: "Middle East", Count: 1},
	}
	s.NationalityRanking = nat
	s.ByNationality = map[string]int{"VN": 0}
	for _, n := range nat {
		s.ByNationality[n.Code] = n.Count
	}
	s.ByExploitation = with(zero("exploitation"), "sexual", 56, "forced_labour", 3, "forced_criminality", 2)
	s.ByExploitationGender = map[string]map[string]int{}
	for _, f := range nrm.Codes("exploitation") {
		s.ByExploitationGender[f] = zero("gender")
	}
	with(s.ByExploitationGender["sexual"], "female", 55, "transgender", 1)
	with(s.ByExploitationGender["forced_labour"], "female", 1, "male", 2)
	with(s.ByExploitationGender["forced_criminality"], "female", 1, "male", 1)
	s.ExploitationPersons, s.MultiFormPersons = 60, 1
	s.ForcedLabourSectors = with(zero("labour_sector"), "domestic_work", 1, "agriculture", 2)
	s.ByGender = with(zero("gender"), "female", 56, "male", 3, "transgender", 1)
	s.Age = nrm.AgeStats{Min: ip(16), Max: ip(47), Mean: fp(26.3), Known: 57, Unknown: 3,
		Bands: map[string]int{"0-17": 2, "18-19": 5, "20-24": 20, "25-29": 15, "30-34": 8, "35-39": 4, "40-44": 2, "45-49": 1, "50-59": 0, "60+": 0},
		ByRegion: map[string]nrm.AgeSummary{
			"Africa": {Min: ip(16), Max: ip(40), Mean: fp(24.1), Count: 31}, "Asia": {Min: ip(22), Max: ip(45), Mean: fp(30), Count: 8},
			"Europe": {Min: ip(18), Max: ip(47), Mean: fp(27.2), Count: 15}, "Latin America": {Min: ip(25), Max: ip(33), Mean: fp(29), Count: 2},
			"Middle East": {Min: ip(29), Max: ip(29), Mean: fp(29), Count: 1}, "North America": {}, "Oceania": {}, "Unknown": {},
		}}
	s.Minors = nrm.Minors{Count: 2, Cases: []nrm.MinorCase{
		{Age: 16, Gender: "female", Region: "Africa", Exploitation: []string{"sexual"}, ContactForm: "outreach"},
		{Age: 17, Gender: "female", Region: "Europe", Exploitation: []string{"sexual"}, ContactForm: "police"},
	}}
	s.Shelter = nrm.ShelterStats{Count: 30, StillAtYearEnd: 4, Buckets: map[string]int{"<=30": 10, "31-99": 15, ">=100": 5}, TotalDays: 1800}
	s.PrivateHousing = nrm.PrivateHousing{Count: 5, StillAtYearEnd: 1, Disappeared: 2, SelfReturn: 1}
	s.Returns.Period = nrm.PeriodReturns{
		ByKind: with(zero("exit_kind"), "prepared_return", 10, "disappeared", 5, "self_return", 2),
		ByIdentificationYear: map[string]map[string]int{
			"2010": {"prepared_return": 4, "disappeared": 1},
			"2011": {"prepared_return": 6, "disappeared": 4, "self_return": 2},
		}}
	s.Returns.Cohort = nrm.CohortReturns{
		ByKind:     with(zero("exit_kind"), "prepared_return", 5, "disappeared", 3),
		ByExitYear: map[string]map[string]int{"2011": {"prepared_return": 4, "disappeared": 3}, "2012": {"prepared_return": 1}},
	}
	s.Prosecution = nrm.ProsecutionStats{Reported: true, Charges: 30, Decisions: 20, ConvictionsUnconditional: 1, ConvictionsPartlySuspended: 2, ConvictionsTotal: 3}
	return s
}

func tablesOf(p *PublishedStats) map[string]Masked {
	return map[string]Masked{
		"ByAuthority": p.ByAuthority, "ByYearAuthority": p.ByYearAuthority, "ByContactForm": p.ByContactForm,
		"ByRegion": p.ByRegion, "ByNationality": p.ByNationality, "ExploitationGender": p.ExploitationGender,
		"ForcedLabourSectors": p.ForcedLabourSectors, "ByGender": p.ByGender, "AgeBands": p.AgeBands,
		"AgeByRegion": p.AgeByRegion, "ShelterBuckets": p.ShelterBuckets, "ShelterStatus": p.ShelterStatus,
		"PrivateHousing": p.PrivateHousing, "ReturnsPeriod": p.ReturnsPeriod, "ReturnsCohort": p.ReturnsCohort,
	}
}

// value looks a published one-column count up by row label.
func value(t *testing.T, m Masked, label string) (int, bool) {
	t.Helper()
	i := slices.Index(m.RowLabels, label)
	if i < 0 {
		t.Fatalf("%s: no row %q in %v", m.Name, label, m.RowLabels)
	}
	return m.Value(i, 0)
}

func TestSuppressStatsAudit(t *testing.T) {
	for _, k := range []int{2, 3, 5, 11} {
		p, groups := publish(seedStats(), k)
		for _, g := range groups {
			if r := RecoverableLinked(g.ms, g.links); len(r) > 0 {
				t.Fatalf("k=%d: group %s recoverable %v", k, g.ms[0].Name, r)
			}
		}
		for name, m := range tablesOf(p) {
			for i := 0; i <= m.Rows(); i++ {
				for j := 0; j <= m.Cols(); j++ {
					if !m.Exists(i, j) {
						continue
					}
					if v, sup := m.raw(i, j); v >= 1 && v < k && !sup {
						t.Fatalf("k=%d %s (%d,%d)=%d published", k, name, i, j, v)
					}
				}
			}
		}
	}
}

func TestSuppressStatsValues(t *testing.T) {
	s := seedStats()
	p := SuppressStats(s, 3)
	if p.Identified.String() != "60" || p.K != 3 || p.Year != 2011 {
		t.Fatalf("identified %s k %d year %d", p.Identified, p.K, p.Year)
	}
	check := func(m Masked, counts map[string]int) {
		t.Helper()
		for i, l := range m.RowLabels {
			if v, ok := m.Value(i, 0); ok && v != counts[l] {
				t.Fatalf("%s %s = %d, want %d", m.Name, l, v, counts[l])
			}
		}
	}
	check(p.ByAuthority, s.Identified.ByAuthority)
	check(p.ByContactForm, s.ByContactForm)
	check(p.ByRegion, s.ByRegion)
	check(p.ByNationality, s.ByNationality)
	check(p.ByGender, s.ByGender)
	check(p.ForcedLabourSectors, s.ForcedLabourSectors)
	if v, ok := value(t, p.ByAuthority, "US"); !ok || v != 51 {
		t.Fatalf("US = %d %v", v, ok)
	}
	if _, ok := value(t, p.ByRegion, "Middle East"); ok {
		t.Fatal("one person from the Middle East is published")
	}
	if _, ok := value(t, p.ByNationality, "IQ"); ok {
		t.Fatal("the Iraqi count of 1 is published")
	}
	if v, ok := value(t, p.ByNationality, "VN"); !ok || v != 0 {
		t.Fatal("zero rows stay published")
	}
	if !reflect.DeepEqual(p.Prosecution, s.Prosecution) {
		t.Fatal("prosecution must be published as reported")
	}
	if p.ByRegion.RowSet != "region" || p.ExploitationGender.ColSet != "gender" || p.ReturnsPeriod.ColSet != "exit_kind" {
		t.Fatal("code sets of labels")
	}
	for name, m := range tablesOf(p) { // scrubbed: no hidden value survives
		for i := 0; i <= m.Rows(); i++ {
			for j := 0; j <= m.Cols(); j++ {
				if m.IsSuppressed(i, j) {
					if v, _ := m.raw(i, j); v != 0 && v != 3 {
						t.Fatalf("%s (%d,%d) keeps %d after scrub", name, i, j, v)
					}
				}
			}
		}
	}
}

func TestSuppressStatsNationalityOrder(t *testing.T) {
	p := SuppressStats(seedStats(), 3)
	m := p.ByNationality
	phase := 0 // 0 published non-zero, 1 suppressed, 2 zero, 3 unknown
	last := 1 << 30
	for i, l := range m.RowLabels {
		v, ok := m.Value(i, 0)
		ph := 0
		switch {
		case l == LabelUnknown:
			ph = 3
		case !ok:
			ph = 1
		case v == 0:
			ph = 2
		}
		if ph < phase || (ph == 0 && v > last) {
			t.Fatalf("order %v at %s", m.RowLabels, l)
		}
		phase = ph
		if ph == 0 {
			last = v
		}
	}
	if m.RowLabels[0] != "NG" || m.RowLabels[len(m.RowLabels)-1] != LabelUnknown {
		t.Fatalf("order %v", m.RowLabels)
	}
	if p.NationalityNames["NG"].NameDA != "Nigeria" {
		t.Fatal("names")
	}
}

func TestSuppressStatsSeriesMatchesAuthority(t *testing.T) {
	s := seedStats()
	s.Identified.ByAuthority = map[string]int{"US": 58, "CMM": 2}
	s.Identified.ByYearAuthority[2] = nrm.YearAuthority{Year: 2011, US: 58, CMM: 2}
	p := SuppressStats(s, 3)
	a, y := p.ByAuthority, p.ByYearAuthority
	us, cmm := slices.Index(a.RowLabels, "US"), slices.Index(a.RowLabels, "CMM")
	if a.Cell(cmm, 0) != "<3" || a.Cell(us, 0) != Confidential {
		t.Fatalf("authority: US %s CMM %s", a.Cell(us, 0), a.Cell(cmm, 0))
	}
	if y.Cell(2, 0) != a.Cell(us, 0) || y.Cell(2, 1) != a.Cell(cmm, 0) || y.Cell(2, 2) != "60" {
		t.Fatalf("2011 row %s %s %s differs from the authority table", y.Cell(2, 0), y.Cell(2, 1), y.Cell(2, 2))
	}
}

func TestSuppressStatsMinors(t *testing.T) {
	s := seedStats()
	p := SuppressStats(s, 3)
	if p.MinorCases != nil {
		t.Fatal("the minors' list must be dropped when k > 1")
	}
	if p.Minors.String() != "<3" {
		t.Fatalf("minors %s", p.Minors)
	}
	if i := slices.Index(p.AgeBands.RowLabels, "0-17"); p.AgeBands.Cell(i, 0) != p.Minors.String() {
		t.Fatal("minors and the 0-17 band must show the same")
	}
	p1 := SuppressStats(s, 1)
	if len(p1.MinorCases) != 2 || p1.Minors.String() != "2" {
		t.Fatalf("k=1 keeps the list: %v %s", p1.MinorCases, p1.Minors)
	}
	p1.MinorCases[0].Age = 99
	if s.Minors.Cases[0].Age != 16 {
		t.Fatal("the list must be a copy")
	}
}

func TestSuppressStatsAges(t *testing.T) {
	s := seedStats()
	p := SuppressStats(s, 3)
	if a := p.AgeByRegionSummary["Middle East"]; a.Min != nil || a.Max != nil || a.Mean != nil {
		t.Fatal("the age of the one person from the Middle East is published")
	}
	if a := p.AgeByRegionSummary["Latin America"]; a.Max != nil {
		t.Fatal("a group of two has its ages published")
	}
	if a := p.AgeByRegionSummary["Africa"]; a.Max == nil || *a.Max != 40 {
		t.Fatal("large groups keep their summary")
	}
	if p.Age.Max == nil || *p.Age.Max != 47 || p.Age.Min == nil || p.Age.Mean == nil {
		t.Fatalf("overall %+v: the extremes are attained by published regions, 3 hidden persons ≥ k", p.Age)
	}
	if p5 := SuppressStats(s, 5); p5.Age.Mean != nil {
		t.Fatal("k=5: the mean gives the age sum of 3 hidden persons")
	}
	s.Age.Max = ip(61)
	s.Age.ByRegion["Middle East"] = nrm.AgeSummary{Min: ip(61), Max: ip(61), Mean: fp(61), Count: 1}
	if p := SuppressStats(s, 3); p.Age.Max != nil {
		t.Fatal("an overall max only the hidden person has is that person's age")
	}
	s.Age.Known = 2
	if p := SuppressStats(s, 3); p.Age.Min != nil || p.Age.Mean != nil {
		t.Fatal("fewer than k known ages")
	}
}

func TestSuppressStatsSmallSections(t *testing.T) {
	p := SuppressStats(seedStats(), 3)
	ph := p.PrivateHousing
	for i := range ph.Rows() {
		if ph.Cell(i, 2) != ph.Cell(0, 2) {
			t.Fatal("every private-housing row total is the same number")
		}
	}
	if _, ok := ph.Value(1, 1); ok { // 5 − 2 disappeared = 3, but 2 is hidden
		t.Fatal("the complement of a hidden count gives it back")
	}
	if p.ShelterBuckets.Cell(3, 0) != p.ShelterStatus.Cell(2, 0) {
		t.Fatal("both shelter tables show the same total")
	}
	if p.ShelterDays.String() != "1800" {
		t.Fatalf("shelter days %s", p.ShelterDays)
	}
	if !p.MultiFormPersons.Suppressed || !p.ExploitationPersons.Suppressed {
		t.Fatal("61 forms for 60 persons tells that exactly one person has two forms")
	}
	if got := p.ReturnsPeriod.Cell(p.ReturnsPeriod.Rows(), p.ReturnsPeriod.Cols()); got != "17" {
		t.Fatalf("period grand total %s", got)
	}
}

func TestSuppressStatsPure(t *testing.T) {
	s := seedStats()
	before, _ := json.Marshal(s)
	SuppressStats(s, 3)
	SuppressStats(s, 11)
	after, _ := json.Marshal(s)
	if string(before) != string(after) {
		t.Fatal("SuppressStats modified its input")
	}
	a, b := SuppressStats(s, 3), SuppressStats(s, 3)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("not deterministic")
	}
}

func TestSuppressStatsEmpty(t *testing.T) {
	p := SuppressStats(&nrm.Stats{Year: 2020}, 3)
	if p.Identified.String() != "0" || p.ByRegion.Rows() != len(nrm.Codes("region")) {
		t.Fatalf("empty stats: %s, %d regions", p.Identified, p.ByRegion.Rows())
	}
}
