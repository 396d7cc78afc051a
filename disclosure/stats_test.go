package disclosure

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
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
		p, groups := publish(seedStats(), k, nil)
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
	// No youngest or oldest is ever published: each is one person's age.
	if p.Age.Min != nil || p.Age.Max != nil {
		t.Fatalf("overall extremes published: %+v", p.Age)
	}
	for r, a := range p.AgeByRegionSummary {
		if a.Min != nil || a.Max != nil {
			t.Fatalf("%s: extremes published", r)
		}
	}
	// The seed hides age bands (the minors' "<3" among them): a mean times
	// its count is an age sum the bands bound, so no mean either.
	hidden := false
	for i := range p.AgeBands.Rows() {
		hidden = hidden || p.AgeBands.IsSuppressed(i, 0)
	}
	if !hidden {
		t.Fatal("setup: the seed hides an age band")
	}
	if p.Age.Mean != nil || p.AgeByRegionSummary["Africa"].Mean != nil {
		t.Fatal("a mean is published beside a hidden age band")
	}
	// With every band published, means of large published groups are.
	s.Age.Bands = map[string]int{"20-24": 30, "25-29": 30}
	s.Age.Unknown, s.Age.Known = 0, 60
	s.Minors = nrm.Minors{}
	p = SuppressStats(s, 3)
	if p.AgeBands.IsSuppressed(0, 0) {
		t.Fatalf("setup: bands %v", p.AgeBands.Suppressed)
	}
	if p.Age.Mean == nil {
		t.Fatal("the overall mean of 60 persons with every band published")
	}
	if p1 := SuppressStats(seedStats(), 1); p1.Age.Min == nil || p1.Age.Max == nil || p1.AgeByRegionSummary["Africa"].Max == nil {
		t.Fatal("k=1 publishes everything")
	}
}

func TestSuppressStatsSmallSections(t *testing.T) {
	s := seedStats()
	p := SuppressStats(s, 3)
	ph := p.PrivateHousing
	if ph.Rows() != 4 || ph.RowLabels[3] != LabelOther || !ph.ColTotals {
		t.Fatalf("private housing: still, disappeared, self return and the rest, with their total: %v", ph.RowLabels)
	}
	if v, ok := ph.Value(ph.Rows(), 0); ok && v != s.PrivateHousing.Count {
		t.Fatalf("private-housing total %d", v)
	}
	if p.ShelterBuckets.Cell(3, 0) != p.ShelterStatus.Cell(2, 0) {
		t.Fatal("both shelter tables show the same total")
	}
	if p.ShelterDays.String() != "1800" {
		t.Fatalf("shelter days %s", p.ShelterDays)
	}
	if !p.MultiFormPersons.Suppressed {
		t.Fatal("one person with two forms is published")
	}
}

func TestSuppressStatsPure(t *testing.T) {
	s := seedStats()
	before := must(json.Marshal(s))(t)
	SuppressStats(s, 3)
	SuppressStats(s, 11)
	after := must(json.Marshal(s))(t)
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

// demoStats has the demo data's 2011 numbers (nrm demo): 60 identified,
// one of them with an unknown age (a person from Latin America), so that
// the persons with a known age (59, printed nowhere) differ from the
// identified total.
func demoStats() *nrm.Stats {
	s := &nrm.Stats{Year: 2011, Cutoff: nrm.MustDate("2012-03-01")}
	s.Identified.Total = 60
	s.Identified.ByAuthority = map[string]int{"US": 51, "CMM": 9}
	s.Identified.ByYearAuthority = []nrm.YearAuthority{{Year: 2007, US: 12, CMM: 5}, {Year: 2008, US: 20, CMM: 8},
		{Year: 2009, US: 19, CMM: 5}, {Year: 2010, US: 47, CMM: 7}, {Year: 2011, US: 51, CMM: 9}}
	s.ByContactForm = with(zero("contact_form"), "police", 45, "outreach", 11, "health_service", 2, "asylum_system", 2)
	s.ByRegion = with(zero("region"), "Africa", 34, "Asia", 11, "Europe", 8, "Latin America", 6, "Middle East", 1)
	region := map[string]string{"NG": "Africa", "TH": "Asia", "UG": "Africa", "RO": "Europe", "BR": "Latin America",
		"BG": "Europe", "GH": "Africa", "KE": "Africa", "CM": "Africa", "CO": "Latin America", "DO": "Latin America",
		"ER": "Africa", "IQ": "Middle East", "LT": "Europe", "SL": "Africa", "SO": "Africa"}
	counts := map[string]int{"NG": 18, "TH": 11, "UG": 8, "RO": 5, "BR": 4, "BG": 2, "GH": 2, "KE": 2,
		"CM": 1, "CO": 1, "DO": 1, "ER": 1, "IQ": 1, "LT": 1, "SL": 1, "SO": 1}
	s.ByNationality = map[string]int{"CZ": 0, "EE": 0, "HU": 0, "PH": 0, "RU": 0, "UA": 0, "VN": 0}
	for c, n := range counts {
		s.ByNationality[c] = n
		s.NationalityRanking = append(s.NationalityRanking, nrm.NationalityCount{Code: c, NameDA: c, NameEN: c, Region: region[c], Count: n})
	}
	slices.SortFunc(s.NationalityRanking, func(a, b nrm.NationalityCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Code, b.Code)
	})
	s.ByExploitation = with(zero("exploitation"), "sexual", 56, "forced_labour", 3, "forced_criminality", 2)
	s.ByExploitationGender = map[string]map[string]int{}
	for _, f := range nrm.Codes("exploitation") {
		s.ByExploitationGender[f] = zero("gender")
	}
	with(s.ByExploitationGender["sexual"], "female", 54, "transgender", 2)
	with(s.ByExploitationGender["forced_labour"], "female", 3)
	with(s.ByExploitationGender["forced_criminality"], "female", 2)
	s.ExploitationPersons, s.MultiFormPersons = 60, 1
	s.ForcedLabourSectors = with(zero("labour_sector"), "domestic_work", 2, "cleaning", 1)
	s.ByGender = with(zero("gender"), "female", 58, "transgender", 2)
	s.Age = nrm.AgeStats{Min: ip(16), Max: ip(59), Mean: fp(30.8), Known: 59, Unknown: 1,
		Bands: map[string]int{"0-17": 2, "18-19": 2, "20-24": 11, "25-29": 15, "30-34": 11, "35-39": 11, "40-44": 3, "45-49": 1, "50-59": 3, "60+": 0},
		ByRegion: map[string]nrm.AgeSummary{
			"Africa": {Min: ip(16), Max: ip(58), Mean: fp(30), Count: 34}, "Asia": {Min: ip(25), Max: ip(59), Mean: fp(33.4), Count: 11},
			"Europe": {Min: ip(19), Max: ip(40), Mean: fp(25.8), Count: 8}, "Latin America": {Min: ip(26), Max: ip(51), Mean: fp(37.6), Count: 5},
			"Middle East": {Min: ip(34), Max: ip(34), Mean: fp(34), Count: 1}, "North America": {}, "Oceania": {}, "Unknown": {},
		}}
	s.Minors = nrm.Minors{Count: 2, Cases: []nrm.MinorCase{
		{Age: 16, Gender: "female", Region: "Africa", Exploitation: []string{"forced_labour"}, LabourSector: "domestic_work", ContactForm: "asylum_system"},
		{Age: 17, Gender: "female", Region: "Africa", Exploitation: []string{"sexual"}, ContactForm: "police"},
	}}
	s.Shelter = nrm.ShelterStats{Count: 47, StillAtYearEnd: 15, Buckets: map[string]int{"<=30": 25, "31-99": 12, ">=100": 10}, TotalDays: 3086}
	s.PrivateHousing = nrm.PrivateHousing{Count: 5, StillAtYearEnd: 3, Disappeared: 1, SelfReturn: 1}
	y2011 := map[string]int{"prepared_return": 11, "return_via_social_org": 3, "return_via_police": 4, "self_return": 3, "disappeared": 4}
	s.Returns.Period = nrm.PeriodReturns{
		ByKind:               with(zero("exit_kind"), "prepared_return", 12, "return_via_social_org", 3, "return_via_police", 4, "self_return", 3, "disappeared", 4),
		ByIdentificationYear: map[string]map[string]int{"2010": {"prepared_return": 1}, "2011": y2011},
	}
	s.Returns.Cohort = nrm.CohortReturns{
		ByKind:     with(zero("exit_kind"), "prepared_return", 13, "return_via_social_org", 3, "return_via_police", 4, "self_return", 3, "disappeared", 4),
		ByExitYear: map[string]map[string]int{"2011": y2011, "2012": {"prepared_return": 2}},
	}
	s.Prosecution = nrm.ProsecutionStats{Reported: true, Charges: 21, Decisions: 15, ConvictionsUnconditional: 6, ConvictionsPartlySuspended: 3, ConvictionsTotal: 9}
	return s
}

// auditGroups runs the exact audit on every group SuppressStats protects.
func auditGroups(t *testing.T, s *nrm.Stats, k int) *PublishedStats {
	t.Helper()
	p, groups := publish(s, k, nil)
	for _, g := range groups {
		if r := RecoverableLinked(g.ms, g.links); len(r) > 0 {
			t.Fatalf("k=%d: group %s recoverable %v", k, g.ms[0].Name, r)
		}
	}
	return p
}

// hiddenCells lists the suppressed numbers of p as "table/row[/col]".
func hiddenCells(p *PublishedStats) []string {
	var out []string
	names := slices.Sorted(maps.Keys(tablesOf(p)))
	for _, name := range names {
		m := tablesOf(p)[name]
		for i := 0; i <= m.Rows(); i++ {
			for j := 0; j <= m.Cols(); j++ {
				if !m.IsSuppressed(i, j) {
					continue
				}
				row, col := "total", "total"
				if i < m.Rows() {
					row = m.RowLabels[i]
				}
				if j < m.Cols() {
					col = m.ColLabels[j]
				}
				if m.Cols() == 1 && j == 0 {
					out = append(out, name+"/"+row)
				} else {
					out = append(out, name+"/"+row+"/"+col)
				}
			}
		}
	}
	return out
}

// TestSuppressStatsDemoHeadline: one person of unknown age must not hide
// the report's headline. The persons with a known age are printed
// nowhere, so they constrain nothing; the identified total, the split by
// authority and the large counts stay published, and the audit is clean.
func TestSuppressStatsDemoHeadline(t *testing.T) {
	s := demoStats()
	p := auditGroups(t, s, 3)
	if v, ok := p.Identified.Published(); !ok || v != 60 {
		t.Fatalf("identified %s, want 60; hidden %v", p.Identified, hiddenCells(p))
	}
	for _, c := range []struct {
		m     Masked
		label string
		want  int
	}{
		{p.ByAuthority, "US", 51}, {p.ByAuthority, "CMM", 9}, {p.ByContactForm, "police", 45},
		{p.ByNationality, "NG", 18}, {p.ByNationality, "TH", 11}, {p.ByRegion, "Africa", 34},
	} {
		if v, ok := value(t, c.m, c.label); !ok || v != c.want {
			t.Errorf("%s %s = %d (published %v), want %d; hidden %v", c.m.Name, c.label, v, ok, c.want, hiddenCells(p))
		}
	}
	if i := slices.Index(p.ByAuthority.RowLabels, "US"); p.ByAuthority.Cell(p.ByAuthority.Rows(), 0) != "60" || p.ByAuthority.Cell(i, 0) != "51" {
		t.Errorf("authority table: total %s, US %s", p.ByAuthority.Cell(p.ByAuthority.Rows(), 0), p.ByAuthority.Cell(i, 0))
	}
	y := p.ByYearAuthority
	if last := y.Rows() - 1; y.Cell(last, 0) != "51" || y.Cell(last, 1) != "9" || y.Cell(last, 2) != "60" {
		t.Errorf("series 2011: %s %s %s", y.Cell(last, 0), y.Cell(last, 1), y.Cell(last, 2))
	}
	e := p.ExploitationGender
	if i := slices.Index(e.RowLabels, "sexual"); e.Cell(i, e.Cols()) != "56" {
		t.Errorf("sexual exploitation %s, want 56", e.Cell(i, e.Cols()))
	}
	if e.ColTotals {
		t.Error("a gender's total over forms is printed nowhere and must not be published")
	}
	if p.AgeByRegion.ColTotals || p.AgeBands.ColTotals {
		t.Error("the persons with a known age are printed nowhere and must not be published")
	}
	if v, ok := value(t, p.AgeBands, LabelUnknown); ok {
		t.Errorf("one unknown age published: %d", v)
	}
	t.Logf("k=3 hides %v", hiddenCells(p))

	for _, k := range []int{5, 11} {
		p := auditGroups(t, s, k)
		if v, ok := p.Identified.Published(); !ok || v != 60 {
			t.Errorf("k=%d: identified %s, want 60; hidden %v", k, p.Identified, hiddenCells(p))
		}
		us, cmm := slices.Index(p.ByAuthority.RowLabels, "US"), slices.Index(p.ByAuthority.RowLabels, "CMM")
		_, usOK := p.ByAuthority.Value(us, 0)
		_, cmmOK := p.ByAuthority.Value(cmm, 0)
		if want := 9 >= k; usOK != want || cmmOK != want {
			t.Errorf("k=%d: US published %v, CMM published %v, want %v", k, usOK, cmmOK, want)
		}
		// At k = 11 the other contact forms (15 persons, each below 11)
		// cannot keep the 10 values a hidden number needs by themselves:
		// the police count goes with them.
		if v, ok := value(t, p.ByContactForm, "police"); k < 11 && (!ok || v != 45) {
			t.Errorf("k=%d: police %d %v", k, v, ok)
		}
		if v, ok := value(t, p.ByNationality, "NG"); !ok || v != 18 {
			t.Errorf("k=%d: Nigeria %d %v", k, v, ok)
		}
		t.Logf("k=%d hides %v", k, hiddenCells(p))
	}
}

// TestSuppressStatsKeepsTotals: over many variations of the demo's
// numbers, the identified total is published whenever it is at least k,
// and the audit stays clean.
func TestSuppressStatsKeepsTotals(t *testing.T) {
	rng := rand.New(rand.NewPCG(60, 51))
	n := 40
	if testing.Short() {
		n = 10
	}
	for it := range n {
		s := demoStats()
		k := []int{2, 3, 5, 11}[rng.IntN(4)]
		// Move persons between categories, keeping every relation.
		move := func(m map[string]int) {
			var from []string
			for c, v := range m {
				if v > 0 {
					from = append(from, c)
				}
			}
			slices.Sort(from)
			to := slices.Sorted(maps.Keys(m))
			a, b := from[rng.IntN(len(from))], to[rng.IntN(len(to))]
			m[a]--
			m[b]++
		}
		for range rng.IntN(6) {
			move(s.ByContactForm)
			move(s.Age.Bands)
		}
		if rng.IntN(2) == 0 { // a second person of unknown age, from Africa
			s.Age.Unknown++
			s.Age.Known--
			s.Age.Bands["20-24"]--
			a := s.Age.ByRegion["Africa"]
			a.Count--
			s.Age.ByRegion["Africa"] = a
		}
		p := auditGroups(t, s, k)
		if v, ok := p.Identified.Published(); !ok || v != 60 {
			t.Errorf("#%d k=%d: identified %s; hidden %v", it, k, p.Identified, hiddenCells(p))
		}
	}
}
