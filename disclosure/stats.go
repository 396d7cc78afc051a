package disclosure

import (
	"crypto/sha256"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"sync"

	"nrm"
)

// Count is one published number outside a table, with its suppression.
type Count struct {
	// Value is the number (a stand-in when scrubbed and suppressed).
	Value int
	// Suppressed hides the number.
	Suppressed bool
	// K is the threshold, for formatting "<k".
	K int
	// Uniform shows the count, when hidden, as Confidential whatever its
	// size, like the table it belongs to (Masked.Uniform).
	Uniform bool
}

// String formats the count like Masked.Cell.
func (c Count) String() string { return format(c.Value, c.Suppressed, c.K, c.Uniform) }

// Published returns the value and whether it may be shown.
func (c Count) Published() (int, bool) {
	if c.Suppressed {
		return 0, false
	}
	return c.Value, true
}

func (c Count) scrub() Count {
	if c.Suppressed {
		if c.Value < c.K {
			c.Value = 0
		} else {
			c.Value = c.K
		}
	}
	return c
}

// primaryCount applies the threshold to a number that is in no table.
func primaryCount(v, k int) Count {
	return Count{Value: v, Suppressed: k > 1 && v >= 1 && v < k, K: k}
}

// AgeSummary is a published min, max and mean; nil fields are hidden or
// unknown.
type AgeSummary struct {
	// Min is the youngest age in completed years.
	Min *int
	// Max is the oldest age.
	Max *int
	// Mean is the mean age, one decimal.
	Mean *float64
}

// NationalityName is the Danish and English name of a nationality code.
type NationalityName struct {
	// NameDA is the Danish name.
	NameDA string
	// NameEN is the English name.
	NameEN string
}

// PublishedStats is the statistics contract after disclosure control:
// every table the report publishes, protected with one threshold and
// scrubbed (suppressed values replaced by stand-ins, see Masked.Scrub).
// Labels are codes: RowSet/ColSet name the nrm code set to translate them.
type PublishedStats struct {
	// Year is the reporting year.
	Year int
	// Cutoff is the cut-off date of the statistics.
	Cutoff nrm.Date
	// K is the threshold the tables were protected with.
	K int
	// Identified is the number of persons identified in the year.
	Identified Count
	// ByAuthority: authorities × one column, with the total.
	ByAuthority Masked
	// ByYearAuthority is Figure 1: years × (US, CMM) with year totals.
	ByYearAuthority Masked
	// ByContactForm: contact forms × one column, with the total.
	ByContactForm Masked
	// ByRegion: regions of origin × one column, with the total.
	ByRegion Masked
	// ByNationality: ISO codes × one column, with the total; published
	// rows by count then name, then suppressed rows by code (their order
	// must not reveal their size), then zeros, then unknown nationality.
	ByNationality Masked
	// NationalityNames names the codes of ByNationality.
	NationalityNames map[string]NationalityName
	// ExploitationGender: forms × genders with all totals; its row totals
	// are by_exploitation (a person with two forms counts in each).
	ExploitationGender Masked
	// ExploitationPersons is the number of persons with a recorded form.
	ExploitationPersons Count
	// MultiFormPersons is the number of persons with several forms.
	MultiFormPersons Count
	// ForcedLabourSectors: sectors × one column, with the total.
	ForcedLabourSectors Masked
	// ByGender: genders × one column, with the total.
	ByGender Masked
	// AgeBands: the contract's bands and "unknown" × one column, with the
	// total.
	AgeBands Masked
	// Age is the overall min, max and mean age.
	Age AgeSummary
	// AgeByRegion: regions × one column of persons with a known age.
	AgeByRegion Masked
	// AgeByRegionSummary holds min, max and mean per region code.
	AgeByRegionSummary map[string]AgeSummary
	// Minors is the number of minors (the 0-17 band).
	Minors Count
	// MinorCases lists the minors; nil when k > 1, because a list of
	// persons cannot be protected by a threshold.
	MinorCases []nrm.MinorCase
	// ShelterBuckets: shelter-day buckets × one column, with the total.
	ShelterBuckets Masked
	// ShelterStatus: still in shelter at year end / left by year end,
	// with the same total as ShelterBuckets.
	ShelterStatus Masked
	// ShelterDays is the total number of shelter days.
	ShelterDays Count
	// PrivateHousing: still at year end, disappeared, returned on their
	// own, and the rest × one column; the total is the number in private
	// housing.
	PrivateHousing Masked
	// ReturnsPeriod: identification years × exit kinds, all totals; the
	// column totals are the exits of each kind dated in the year.
	ReturnsPeriod Masked
	// ReturnsCohort: exit years × exit kinds, all totals; the column
	// totals are the exits of each kind of the year's cohort.
	ReturnsCohort Masked
	// Prosecution is the police's aggregate row, published as reported:
	// it counts charges and decisions, not persons.
	Prosecution nrm.ProsecutionStats

	// ReferralsByPurpose: purposes × one column; its total is the number
	// of referrals, which every other referral table adds up to.
	ReferralsByPurpose Masked
	// ReferralsByContactForm: the contact form of the case's first
	// contact × one column (rows add up to the referrals).
	ReferralsByContactForm Masked
	// ReferralsByStatus: statuses as of the cut-off × one column (rows add
	// up to the referrals).
	ReferralsByStatus Masked
	// ReferralsByOutcome: outcomes × one column; rows add up to the
	// assessment referrals (a row of ReferralsByPurpose).
	ReferralsByOutcome Masked
	// Presumed: presumed victims by authority × one column, with the total.
	Presumed Masked
	// DecisionDays: cases decided by authority × one column, with the
	// total: the counts behind the medians.
	DecisionDays Masked
	// DecisionDaysSummary is the overall median and 90th percentile.
	DecisionDaysSummary DaysSummary
	// DecisionDaysByAuthority holds the median and 90th percentile per
	// authority code.
	DecisionDaysByAuthority map[string]DaysSummary
	// Reconsiderations: upheld, overturned, pending × one column; the
	// total is the number requested.
	Reconsiderations Masked

	// EurostatSex: registered victims (identified + presumed not
	// identified by the cut-off), female, male, unknown × one column,
	// with the total.
	EurostatSex Masked
	// EurostatAge: registered victims, child, adult, unknown × one
	// column, with the total.
	EurostatAge Masked
	// EurostatCitizenship: registered victims, national, other EU,
	// non-EU, unknown × one column, with the total.
	EurostatCitizenship Masked
	// EurostatExploitation: registered victims, sexual, labour, other,
	// unknown (no recorded form) × female, male, unknown with the row
	// totals (a person counts once in each form).
	EurostatExploitation Masked

	// hide names numbers to keep hidden (SuppressStatsHiding).
	hide map[CellKey]bool
	// exploitationPersons holds ExploitationPersons and MultiFormPersons
	// as protected in the linked system.
	exploitationPersons Masked
	// presumedLinked: Presumed is protected in the linked system, with
	// the registered victims (eurostat), not on its own.
	presumedLinked bool
}

// Labels of rows and columns that are not codes of a set.
const (
	// LabelCount is the column of one-column tables.
	LabelCount = "count"
	// LabelUnknown is the row of persons whose category is not known.
	LabelUnknown = "unknown"
	// LabelStillAtYearEnd is the row of persons still housed at 31 December.
	LabelStillAtYearEnd = "still_at_year_end"
	// LabelLeftByYearEnd is the row of persons who left shelter by 31 December.
	LabelLeftByYearEnd = "left_by_year_end"
	// LabelDisappeared is the private-housing row of persons who disappeared.
	LabelDisappeared = "disappeared"
	// LabelSelfReturn is the private-housing row of persons who returned on their own.
	LabelSelfReturn = "self_return"
	// LabelYes is the private-housing column of persons with the outcome.
	LabelYes = "yes"
	// LabelNo is the private-housing column of persons without it.
	LabelNo = "no"
)

// SuppressStats protects every published table of s with threshold k
// (k ≤ 1: nothing hidden). It is pure: s is not modified and nothing else
// is read. Tables that share numbers (the identified total, the regions
// and their nationalities, the age bands and the age table, the two
// shelter tables, the private-housing rows) are protected together. Only
// what the report prints is published and constrains the protection: the
// one-way tables of the year's persons have no totals of their own (they
// add up to the identified total), the persons with a known age and a
// gender's total over forms of exploitation are not published.
func SuppressStats(s *nrm.Stats, k int) *PublishedStats {
	return SuppressStatsHiding(s, k, nil)
}

// SuppressStatsHiding protects like SuppressStats and keeps hidden every
// non-zero number that hide names: the numbers an earlier edition of the
// same year hid, so that a new edition cannot be differenced against it.
func SuppressStatsHiding(s *nrm.Stats, k int, hide []CellKey) *PublishedStats {
	key, ok := memoKey(s, k, hide)
	if ok {
		if p := memo.get(key); p != nil {
			return p
		}
	}
	p, _ := publish(s, k, hide)
	p.scrub()
	if ok {
		memo.put(key, p)
		if c := memo.get(key); c != nil {
			return c // every caller gets the same decoded form
		}
	}
	return p
}

// memo keeps the last protections computed: protecting a small country's
// year takes seconds (the search over one linked system), and the
// dashboard, the API and the downloads ask for the same one again and
// again. Entries are kept as JSON and decoded afresh for every caller, so
// that no caller sees another's changes.
var memo protections

type protections struct {
	mu      sync.Mutex
	keys    [][32]byte
	entries [][]byte
}

const memoSize = 16

func memoKey(s *nrm.Stats, k int, hide []CellKey) ([32]byte, bool) {
	b, err := json.Marshal(struct {
		S    *nrm.Stats
		K    int
		Hide []CellKey
	}{s, k, hide})
	if err != nil {
		return [32]byte{}, false
	}
	return sha256.Sum256(b), true
}

func (m *protections) get(key [32]byte) *PublishedStats {
	m.mu.Lock()
	var b []byte
	for i, k := range m.keys {
		if k == key {
			b = m.entries[i]
			break
		}
	}
	m.mu.Unlock()
	if b == nil {
		return nil
	}
	var p PublishedStats
	if json.Unmarshal(b, &p) != nil {
		return nil
	}
	return &p
}

func (m *protections) put(key [32]byte, p *PublishedStats) {
	b, err := json.Marshal(p)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.keys) >= memoSize {
		m.keys, m.entries = m.keys[1:], m.entries[1:]
	}
	m.keys, m.entries = append(m.keys, key), append(m.entries, b)
}

// CellKey names one published number: the table (Masked.Name, or
// "counts" for the numbers outside tables), the row label and the column
// label; TotalLabel names a total row or column.
type CellKey struct {
	Table string `json:"table"`
	Row   string `json:"row"`
	Col   string `json:"col"`
}

// TotalLabel is the row label of a column-total row and the column label of
// a row-total column in a CellKey.
const TotalLabel = "total"

// CellState is one number of a publication as published: its value when
// shown, else whether it was hidden and the symbol shown instead.
type CellState struct {
	CellKey
	// Value is the number when it is shown (0 when hidden).
	Value int `json:"value"`
	// Hidden reports that the number is withheld.
	Hidden bool `json:"hidden,omitempty"`
	// Text is the number or the symbol as printed ("<3", "..").
	Text string `json:"text"`
}

func cellKey(m Masked, i, j int) CellKey {
	row, col := TotalLabel, TotalLabel
	if i < len(m.RowLabels) {
		row = m.RowLabels[i]
	}
	if j < len(m.ColLabels) {
		col = m.ColLabels[j]
	}
	return CellKey{Table: m.Name, Row: row, Col: col}
}

// Cells lists every number of the publication with its state: the tables
// cell by cell (row-major, then the totals), then the numbers outside
// tables under the table "counts".
func (p *PublishedStats) Cells() []CellState {
	var out []CellState
	for _, m := range p.tables() {
		for i := 0; i <= m.Rows(); i++ {
			for j := 0; j <= m.Cols(); j++ {
				if !m.Exists(i, j) || m.Unpublished || m.Known {
					continue
				}
				v, shown := m.Value(i, j)
				out = append(out, CellState{CellKey: cellKey(*m, i, j), Value: v, Hidden: !shown, Text: m.Cell(i, j)})
			}
		}
	}
	for _, c := range []struct {
		name string
		c    Count
	}{{"identified", p.Identified}, {"exploitation_persons", p.ExploitationPersons}, {"multi_form_persons", p.MultiFormPersons},
		{"minors", p.Minors}, {"shelter_days", p.ShelterDays}} {
		v, shown := c.c.Published()
		out = append(out, CellState{CellKey: CellKey{Table: "counts", Row: c.name, Col: LabelCount}, Value: v, Hidden: !shown, Text: c.c.String()})
	}
	return out
}

// group is a set of tables protected together, as protected (before any
// reordering for display), kept for the audit.
type group struct {
	ms    []Masked
	links []Link
}

// protectGroup protects tables together and stores the results in dst,
// keeping hidden the numbers p.hide names.
func (p *PublishedStats) protectGroup(k int, dst []*Masked, ts []Table, links []Link) group {
	var hide []Ref
	if len(p.hide) > 0 {
		for ti, t := range ts {
			m := newMasked(t, k)
			for i := 0; i <= m.Rows(); i++ {
				for j := 0; j <= m.Cols(); j++ {
					if m.Exists(i, j) && p.hide[cellKey(m, i, j)] {
						hide = append(hide, Ref{ti, i, j})
					}
				}
			}
		}
	}
	ms := SuppressLinkedHiding(ts, k, links, hide)
	for i := range ms {
		rs, cs := dst[i].RowSet, dst[i].ColSet
		*dst[i] = ms[i]
		dst[i].RowSet, dst[i].ColSet = rs, cs
	}
	return group{ms: ms, links: links}
}

// publish builds the protected tables without scrubbing, returning the
// groups for the audit.
func publish(s *nrm.Stats, k int, hide []CellKey) (*PublishedStats, []group) {
	if k < 1 {
		k = 1
	}
	p := &PublishedStats{Year: s.Year, Cutoff: s.Cutoff, K: k, Prosecution: s.Prosecution}
	if len(hide) > 0 {
		p.hide = map[CellKey]bool{}
		for _, c := range hide {
			p.hide[c] = true
		}
	}
	// Every table about the year's persons is one linked system: they
	// share the identified total and many subtotals (see persons.go).
	var l linkedTables
	c := p.cohort(s, &l)
	c.exploitation = p.exploitation(s, &l, c)
	p.eurostat(s, &l, c, k)
	p.shelter(s, &l, c)
	p.private(s, &l, c)
	p.returns(s, &l)
	groups := []group{p.protectGroup(k, l.dst, l.ts, l.links)}
	p.afterCohort(s, k)
	p.afterShelter(s, k)
	groups = append(groups, p.mechanism(s, k)...)
	return p, groups
}

// keys returns the codes of set in display order, then any other key of
// the maps, sorted, so that no category is lost silently.
func keys[V any](set string, ms ...map[string]V) []string {
	out := nrm.Codes(set)
	seen := map[string]bool{}
	for _, c := range out {
		seen[c] = true
	}
	var extra []string
	for _, m := range ms {
		for c := range m {
			if !seen[c] {
				seen[c] = true
				extra = append(extra, c)
			}
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// list is a one-column table of counts with its total.
func list(name string, labels []string, counts map[string]int) Table {
	t := Table{Name: name, RowLabels: labels, ColLabels: []string{LabelCount}, ColTotals: true}
	for _, l := range labels {
		t.Cells = append(t.Cells, []int{counts[l]})
	}
	return t
}

// items is a one-column table of counts without a total: the report
// prints its rows only (their total is the identified total, published
// once, in the authority table).
func items(name string, labels []string, counts map[string]int) Table {
	t := list(name, labels, counts)
	t.ColTotals = false
	return t
}

// totalRef is the total of a one-column table.
func totalRef(ti int, t Table) Ref { return Ref{ti, len(t.Cells), 0} }

// rowRefs names every row of a one-column table.
func rowRefs(ti int, t Table) []Ref {
	out := make([]Ref, len(t.Cells))
	for i := range out {
		out[i] = Ref{ti, i, 0}
	}
	return out
}

// cohort adds the tables of the year's identified persons. Only what the
// report prints is published: the identified total (the authority table's
// total, the one number all the one-way tables add up to), the rows of the
// one-way tables, the year totals of the series. The persons with a known
// age (the age table's total) are not printed; their count per region
// minus the region's count is the number of persons of the region whose
// age is unknown, an unpublished table that ties the regions, the age
// table and the unknown ages together. The region of origin is the sum of
// its nationalities; a nationality with no person is shown as 0 (zeros are
// never hidden), so a listed "<k" is a nationality of one or more persons.
func (p *PublishedStats) cohort(s *nrm.Stats, l *linkedTables) cohortRefs {
	auth := list("by_authority", keys("authority", s.Identified.ByAuthority), s.Identified.ByAuthority)
	auth.Headline = true

	series := Table{Name: "by_year_authority", ColLabels: []string{string(nrm.AuthorityUS), string(nrm.AuthorityCMM)}, RowTotals: true}
	yearRow := -1
	for _, ya := range s.Identified.ByYearAuthority {
		if ya.Year == s.Year {
			yearRow = len(series.Cells)
		}
		series.RowLabels = append(series.RowLabels, strconv.Itoa(ya.Year))
		series.Cells = append(series.Cells, []int{ya.US, ya.CMM})
	}

	contact := items("by_contact_form", keys("contact_form", s.ByContactForm), s.ByContactForm)
	region := items("by_region", keys("region", s.ByRegion), s.ByRegion)

	// Nationalities in code order for protection; reordered for display.
	natRegion := map[string]string{}
	p.NationalityNames = map[string]NationalityName{}
	for _, n := range s.NationalityRanking {
		natRegion[n.Code] = n.Region
		p.NationalityNames[n.Code] = NationalityName{NameDA: n.NameDA, NameEN: n.NameEN}
	}
	codes := make([]string, 0, len(s.ByNationality))
	known := 0
	for c, n := range s.ByNationality {
		codes = append(codes, c)
		known += n
	}
	sort.Strings(codes)
	nat := items("by_nationality", codes, s.ByNationality)
	unknownNat := s.Identified.Total - known
	if unknownNat > 0 {
		nat.RowLabels = append(nat.RowLabels, LabelUnknown)
		nat.Cells = append(nat.Cells, []int{unknownNat})
	}

	gender := items("by_gender", keys("gender", s.ByGender), s.ByGender)

	bandCounts := map[string]int{LabelUnknown: s.Age.Unknown}
	for b, n := range s.Age.Bands {
		bandCounts[b] = n
	}
	bandLabels := append(append([]string(nil), nrm.AgeBands...), LabelUnknown)
	bands := items("age_bands", bandLabels, bandCounts)

	ageCounts := map[string]int{}
	for r, a := range s.Age.ByRegion {
		ageCounts[r] = a.Count
	}
	ageRegion := items("age_by_region", keys("region", s.Age.ByRegion), ageCounts)
	unknownCounts := map[string]int{}
	for _, r := range ageRegion.RowLabels {
		unknownCounts[r] = max(s.ByRegion[r]-ageCounts[r], 0)
	}
	ageUnknown := items("age_unknown_by_region", ageRegion.RowLabels, unknownCounts)
	ageUnknown.Unpublished = true

	p.ByAuthority.RowSet = "authority"
	p.ByYearAuthority.ColSet = "authority"
	p.ByContactForm.RowSet = "contact_form"
	p.ByRegion.RowSet = "region"
	p.ByGender.RowSet = "gender"
	p.AgeByRegion.RowSet = "region"
	tAuth := l.add(&p.ByAuthority, auth)
	tSeries := l.add(&p.ByYearAuthority, series)
	tContact := l.add(&p.ByContactForm, contact)
	tRegion := l.add(&p.ByRegion, region)
	tNat := l.add(&p.ByNationality, nat)
	tGender := l.add(&p.ByGender, gender)
	tBands := l.add(&p.AgeBands, bands)
	tAgeRegion := l.add(&p.AgeByRegion, ageRegion)
	tAgeUnknown := l.add(new(Masked), ageUnknown)

	identified := totalRef(tAuth, auth)
	for _, ti := range []int{tContact, tRegion, tNat, tGender, tBands} {
		l.link(identified, rowRefs(ti, l.ts[ti])...)
	}
	unknownBand := Ref{tBands, len(bandLabels) - 1, 0}
	l.link(identified, append(rowRefs(tAgeRegion, ageRegion), unknownBand)...)
	l.link(unknownBand, rowRefs(tAgeUnknown, ageUnknown)...)
	for ai, r := range ageRegion.RowLabels {
		if ri := slices.Index(region.RowLabels, r); ri >= 0 {
			l.link(Ref{tRegion, ri, 0}, Ref{tAgeRegion, ai, 0}, Ref{tAgeUnknown, ai, 0})
		}
	}
	if yearRow >= 0 {
		for j, a := range []nrm.Authority{nrm.AuthorityUS, nrm.AuthorityCMM} {
			if i := slices.Index(auth.RowLabels, string(a)); i >= 0 {
				l.link(Ref{tAuth, i, 0}, Ref{tSeries, yearRow, j})
			}
		}
		l.link(identified, Ref{tSeries, yearRow, 2})
	}
	for ri, r := range region.RowLabels {
		var parts []Ref
		for ni, c := range nat.RowLabels {
			nr, ok := natRegion[c]
			if !ok || nr == "" {
				nr = string(nrm.RegionUnknown)
			}
			if nr == r && nat.Cells[ni][0] > 0 {
				parts = append(parts, Ref{tNat, ni, 0})
			}
		}
		if len(parts) > 0 {
			l.link(Ref{tRegion, ri, 0}, parts...)
		}
	}
	return cohortRefs{identified: identified, gender: tGender, bands: tBands, nat: tNat}
}

// cohortRefs names the numbers of the cohort that other tables relate to,
// by table index.
type cohortRefs struct {
	identified   Ref
	gender       int // by_gender
	bands        int // age_bands
	nat          int // by_nationality
	exploitation int // by_exploitation_gender (set by exploitation)
}

// afterCohort derives what follows the protection of the cohort: the
// identified count, the nationalities' display order, the minors and the
// ages.
func (p *PublishedStats) afterCohort(s *nrm.Stats, k int) {
	tot := p.ByAuthority
	v, sup := tot.raw(tot.Rows(), 0)
	p.Identified = Count{Value: v, Suppressed: sup, K: k, Uniform: tot.Uniform}
	p.ByNationality = displayOrder(p.ByNationality, s.NationalityRanking)

	if i := slices.Index(p.AgeBands.RowLabels, nrm.AgeBands[0]); i >= 0 && p.AgeBands.Cells[i][0] == s.Minors.Count {
		p.Minors = Count{Value: s.Minors.Count, Suppressed: p.AgeBands.Suppressed[i][0], K: k, Uniform: p.AgeBands.Uniform}
	} else {
		p.Minors = primaryCount(s.Minors.Count, k)
	}
	if k <= 1 {
		p.MinorCases = append([]nrm.MinorCase(nil), s.Minors.Cases...)
	}
	p.ages(s, k)
}

// displayOrder sorts the nationality rows for display: published non-zero
// rows by count (descending) and name, then suppressed rows by code, then
// zeros by code, then unknown. Only the published counts decide the order.
func displayOrder(m Masked, ranking []nrm.NationalityCount) Masked {
	name := map[string]string{}
	for _, n := range ranking {
		name[n.Code] = n.NameDA
	}
	rank := func(i int) int {
		switch {
		case m.RowLabels[i] == LabelUnknown:
			return 3
		case m.Suppressed[i][0]:
			return 1
		case m.Cells[i][0] == 0:
			return 2
		}
		return 0
	}
	idx := make([]int, m.Rows())
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if ri, rj := rank(i), rank(j); ri != rj {
			return ri < rj
		}
		if rank(i) == 0 && m.Cells[i][0] != m.Cells[j][0] {
			return m.Cells[i][0] > m.Cells[j][0]
		}
		if rank(i) == 0 && name[m.RowLabels[i]] != name[m.RowLabels[j]] {
			return name[m.RowLabels[i]] < name[m.RowLabels[j]]
		}
		return m.RowLabels[i] < m.RowLabels[j]
	})
	out := m
	out.RowLabels = make([]string, len(idx))
	out.Cells = make([][]int, len(idx))
	out.Suppressed = make([][]bool, len(idx))
	for a, i := range idx {
		out.RowLabels[a], out.Cells[a], out.Suppressed[a] = m.RowLabels[i], m.Cells[i], m.Suppressed[i]
	}
	return out
}

// ages publishes the ages. Without protection (k ≤ 1) everything. With
// it, no minimum or maximum at all: an extreme is one person's age (the
// youngest of a region is often the minor the "<k" of the 0-17 band
// hides). Means only when no age band is hidden; then a region's mean
// when its count is published and at least k, and the overall mean when
// the regions left without a mean hold no person or at least k persons
// together (else their age sum, the overall sum minus the published ones,
// is a small group's).
func (p *PublishedStats) ages(s *nrm.Stats, k int) {
	p.AgeByRegionSummary = map[string]AgeSummary{}
	if k <= 1 {
		for r, a := range s.Age.ByRegion {
			p.AgeByRegionSummary[r] = AgeSummary{Min: clonePtr(a.Min), Max: clonePtr(a.Max), Mean: clonePtr(a.Mean)}
		}
		p.Age = AgeSummary{Min: clonePtr(s.Age.Min), Max: clonePtr(s.Age.Max), Mean: clonePtr(s.Age.Mean)}
		return
	}
	// A mean times its count is an age sum, which the age bands bound from
	// both sides: with a band hidden, the sums could tell how many persons
	// the hidden bands hold. No mean then.
	for i := range p.AgeBands.Rows() {
		if p.AgeBands.Suppressed[i][0] {
			for r, a := range s.Age.ByRegion {
				if a.Count > 0 {
					p.AgeByRegionSummary[r] = AgeSummary{}
				}
			}
			return
		}
	}
	withoutMean := 0
	for r, a := range s.Age.ByRegion {
		if a.Count == 0 {
			continue
		}
		i := slices.Index(p.AgeByRegion.RowLabels, r)
		if a.Count < k || i < 0 || p.AgeByRegion.Suppressed[i][0] {
			withoutMean += a.Count
			p.AgeByRegionSummary[r] = AgeSummary{}
			continue
		}
		p.AgeByRegionSummary[r] = AgeSummary{Mean: clonePtr(a.Mean)}
	}
	if s.Age.Known >= k && (withoutMean == 0 || withoutMean >= k) {
		p.Age.Mean = clonePtr(s.Age.Mean)
	}
}

func clonePtr[T any](v *T) *T {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

// exploitation adds forms × gender, the persons with a form and with
// several forms, and the sectors. A reader knows: each form's total is
// printed beside its cells; a cell of a gender is at most the persons of
// that gender (a person counts once per form); the forms' totals add up to
// the persons with a form plus those with several forms plus the third
// and later forms (assumed known to the reader: the worst case); the
// persons with a form and the sectors' total are at most the identified
// persons and the persons in forced labour.
func (p *PublishedStats) exploitation(s *nrm.Stats, l *linkedTables, c cohortRefs) int {
	forms := keys("exploitation", s.ByExploitation)
	for _, f := range keys("exploitation", s.ByExploitationGender) {
		if !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	var gsets []map[string]int
	for _, m := range s.ByExploitationGender {
		gsets = append(gsets, m)
	}
	genders := keys("gender", gsets...)
	t := Table{Name: "by_exploitation_gender", RowLabels: forms, ColLabels: genders, RowTotals: true}
	mentions := 0
	for _, f := range forms {
		row := make([]int, len(genders))
		for j, g := range genders {
			row[j] = s.ByExploitationGender[f][g]
			mentions += row[j]
		}
		t.Cells = append(t.Cells, row)
	}
	p.ExploitationGender.RowSet, p.ExploitationGender.ColSet = "exploitation", "gender"
	tEG := l.add(&p.ExploitationGender, t)
	genderTable := l.ts[c.gender]
	for i := range forms {
		for j, g := range genders {
			gi := slices.Index(genderTable.RowLabels, g)
			if t.Cells[i][j] == 0 || gi < 0 {
				continue
			}
			l.atMost(Ref{tEG, i, j}, Ref{c.gender, gi, 0})
		}
	}

	persons := items("exploitation_persons", []string{"persons", "multi_form"},
		map[string]int{"persons": s.ExploitationPersons, "multi_form": s.MultiFormPersons})
	tP := l.add(&p.exploitationPersons, persons)
	if extra := mentions - s.ExploitationPersons - s.MultiFormPersons; extra >= 0 && len(forms) > 0 {
		sum := l.unpublished("form_mentions", mentions)
		formTotals := make([]Ref, len(forms))
		for i := range forms {
			formTotals[i] = Ref{tEG, i, len(genders)}
		}
		l.link(sum, formTotals...)
		l.link(sum, Ref{tP, 0, 0}, Ref{tP, 1, 0}, l.known("extra_forms", extra))
	}
	l.atMost(Ref{tP, 0, 0}, c.identified)
	l.formsByGender(s, c, tEG, t, Ref{tP, 0, 0}, Ref{tP, 1, 0}, mentions)

	sectors := list("forced_labour_sectors", keys("labour_sector", s.ForcedLabourSectors), s.ForcedLabourSectors)
	p.ForcedLabourSectors.RowSet = "labour_sector"
	tS := l.add(&p.ForcedLabourSectors, sectors)
	// The sectors cover the persons in forced labour when every one has a
	// sector; a reader may assume so (the worst case), so where the data
	// agree the two are protected as the same number.
	if i := slices.Index(forms, string(nrm.ExploitationForcedLabour)); i >= 0 {
		fl := Ref{tEG, i, len(genders)}
		if l.value(fl) == l.value(totalRef(tS, sectors)) {
			l.link(fl, totalRef(tS, sectors))
		} else {
			l.atMost(totalRef(tS, sectors), fl)
		}
	}
	return tEG
}

// formsByGender adds, per gender, what ties the forms × gender cells to
// the gender's persons: the cells of a gender add up to its persons with a
// form plus their forms beyond the first; those persons are at most the
// gender's persons and add up, over genders, to the persons with a form;
// the extra forms add up to the persons with several forms plus the third
// and later forms. When everyone has a form, a gender's count is then
// bounded by its cells (3 transgender cells and "..": exactly 3).
func (l *linkedTables) formsByGender(s *nrm.Stats, c cohortRefs, tEG int, eg Table, persons, multi Ref, mentions int) {
	if len(s.FormsByGender) == 0 {
		return // statistics from before the breakdown: nothing to tie
	}
	gender := l.ts[c.gender]
	var ws, xs []Ref
	extra := 0
	for j, g := range eg.ColLabels {
		fc := s.FormsByGender[g]
		gi := slices.Index(gender.RowLabels, g)
		if gi < 0 {
			continue
		}
		var cells []Ref
		sum := 0
		for i := range eg.RowLabels {
			if eg.Cells[i][j] > 0 {
				cells = append(cells, Ref{tEG, i, j})
				sum += eg.Cells[i][j]
			}
		}
		if sum != fc.Persons+fc.ExtraForms {
			return // inconsistent figures state no relation
		}
		w := l.unpublished("forms_persons."+g, fc.Persons)
		x := l.unpublished("forms_extra."+g, fc.ExtraForms)
		if len(cells) > 0 {
			t := l.unpublished("forms_cells."+g, sum)
			l.ts[t.Table].Slack = true
			l.link(t, cells...)
			l.link(t, w, x)
		}
		l.atMost(w, Ref{c.gender, gi, 0})
		ws, xs = append(ws, w), append(xs, x)
		extra += fc.ExtraForms
	}
	l.link(persons, ws...)
	if rest := extra - s.MultiFormPersons; rest >= 0 {
		sx := l.unpublished("forms_extra", extra)
		l.ts[sx.Table].Slack = true
		l.link(sx, xs...)
		l.link(sx, multi, l.known("third_forms", rest))
	}
}

// shelter adds the buckets and the year-end status, which share the number
// of persons in shelter, at most the identified persons.
func (p *PublishedStats) shelter(s *nrm.Stats, l *linkedTables, c cohortRefs) {
	sh := s.Shelter
	buckets := list("shelter_buckets", nrm.ShelterBuckets, sh.Buckets)
	status := list("shelter_status", []string{LabelStillAtYearEnd, LabelLeftByYearEnd},
		map[string]int{LabelStillAtYearEnd: sh.StillAtYearEnd, LabelLeftByYearEnd: max(sh.Count-sh.StillAtYearEnd, 0)})
	tB := l.add(&p.ShelterBuckets, buckets)
	tS := l.add(&p.ShelterStatus, status)
	l.link(totalRef(tB, buckets), totalRef(tS, status))
	l.atMost(totalRef(tB, buckets), c.identified)
}

// afterShelter hides the shelter days with the persons in shelter.
func (p *PublishedStats) afterShelter(s *nrm.Stats, k int) {
	sh := s.Shelter
	_, totalHidden := p.ShelterBuckets.raw(p.ShelterBuckets.Rows(), 0)
	p.ShelterDays = Count{Value: sh.TotalDays, Suppressed: k > 1 && sh.Count > 0 && (totalHidden || sh.Count < k), K: k}
	ep := p.exploitationPersons
	v, sup := ep.raw(0, 0)
	p.ExploitationPersons = Count{Value: v, Suppressed: sup, K: k, Uniform: ep.Uniform}
	v, sup = ep.raw(1, 0)
	p.MultiFormPersons = Count{Value: v, Suppressed: sup, K: k, Uniform: ep.Uniform}
}

// private adds the private-housing outcomes as one partition of the
// persons in private housing: still there at year end, disappeared,
// returned on their own, and the rest (left otherwise), whose total is the
// persons, at most the identified persons. The rest is printed nowhere
// but follows from the others, so it is protected as a printed number.
func (p *PublishedStats) private(s *nrm.Stats, l *linkedTables, c cohortRefs) {
	ph := s.PrivateHousing
	rest := max(ph.Count-ph.StillAtYearEnd-ph.Disappeared-ph.SelfReturn, 0)
	t := list("private_housing", []string{LabelStillAtYearEnd, LabelDisappeared, LabelSelfReturn, LabelOther},
		map[string]int{LabelStillAtYearEnd: ph.StillAtYearEnd, LabelDisappeared: ph.Disappeared, LabelSelfReturn: ph.SelfReturn, LabelOther: rest})
	ti := l.add(&p.PrivateHousing, t)
	l.atMost(totalRef(ti, t), c.identified)
}

// returns adds the period and cohort views, each as years × kinds. They
// share a row: the exits in the year of persons identified in the year are
// the period view's row of the year and the cohort view's row of the year.
func (p *PublishedStats) returns(s *nrm.Stats, l *linkedTables) {
	split := func(name string, byKind map[string]int, byYear map[string]map[string]int) Table {
		var ms []map[string]int
		for _, m := range byYear {
			ms = append(ms, m)
		}
		kinds := keys("exit_kind", append(ms, byKind)...)
		years := make([]string, 0, len(byYear))
		for y := range byYear {
			years = append(years, y)
		}
		sort.Strings(years)
		t := Table{Name: name, RowLabels: years, ColLabels: kinds, RowTotals: true, ColTotals: true}
		rest := make([]int, len(kinds))
		anyRest := false
		for j, kd := range kinds {
			rest[j] = byKind[kd]
		}
		for _, y := range years {
			row := make([]int, len(kinds))
			for j, kd := range kinds {
				row[j] = byYear[y][kd]
				rest[j] -= row[j]
			}
			t.Cells = append(t.Cells, row)
		}
		for j := range rest {
			rest[j] = max(rest[j], 0)
			anyRest = anyRest || rest[j] > 0
		}
		if anyRest { // kinds counted without a year split: keep them
			t.RowLabels = append(t.RowLabels, LabelUnknown)
			t.Cells = append(t.Cells, rest)
		}
		return t
	}
	period := split("returns_period", s.Returns.Period.ByKind, s.Returns.Period.ByIdentificationYear)
	cohort := split("returns_cohort", s.Returns.Cohort.ByKind, s.Returns.Cohort.ByExitYear)
	p.ReturnsPeriod.ColSet, p.ReturnsCohort.ColSet = "exit_kind", "exit_kind"
	tP := l.add(&p.ReturnsPeriod, period)
	tC := l.add(&p.ReturnsCohort, cohort)
	year := strconv.Itoa(s.Year)
	pi, ci := slices.Index(period.RowLabels, year), slices.Index(cohort.RowLabels, year)
	if pi < 0 || ci < 0 {
		return
	}
	for j, kd := range period.ColLabels {
		if cj := slices.Index(cohort.ColLabels, kd); cj >= 0 {
			l.link(Ref{tC, ci, cj}, Ref{tP, pi, j})
		}
	}
	l.link(Ref{tC, ci, len(cohort.ColLabels)}, Ref{tP, pi, len(period.ColLabels)})
}

// linkedTables collects the tables of one linked system and their
// relations.
type linkedTables struct {
	ts    []Table
	dst   []*Masked
	links []Link
}

// add adds a table protected into dst and returns its index.
func (l *linkedTables) add(dst *Masked, t Table) int {
	l.ts = append(l.ts, t)
	l.dst = append(l.dst, dst)
	return len(l.ts) - 1
}

// link states that parts add up to total (one part: the same number).
func (l *linkedTables) link(total Ref, parts ...Ref) {
	l.links = append(l.links, Link{Parts: parts, Total: total})
}

// unpublished adds a number that is not printed and unknown to a reader.
func (l *linkedTables) unpublished(name string, v int) Ref {
	return Ref{l.add(new(Masked), Table{Name: name, RowLabels: []string{LabelCount}, ColLabels: []string{LabelCount}, Cells: [][]int{{v}}, Unpublished: true}), 0, 0}
}

// known adds a number that is not printed but assumed known to a reader.
func (l *linkedTables) known(name string, v int) Ref {
	return Ref{l.add(new(Masked), Table{Name: name, RowLabels: []string{LabelCount}, ColLabels: []string{LabelCount}, Cells: [][]int{{v}}, Known: true}), 0, 0}
}

// atMost states part ≤ whole, through an unpublished difference.
func (l *linkedTables) atMost(part, whole Ref) {
	pv, wv := l.value(part), l.value(whole)
	if pv < 0 || wv < pv {
		return
	}
	r := l.unpublished("rest", wv-pv)
	l.ts[r.Table].Slack = true
	l.link(whole, part, r)
}

// value returns the number at r (before protection), -1 if there is none.
func (l *linkedTables) value(r Ref) int {
	if r.Table < 0 || r.Table >= len(l.ts) {
		return -1
	}
	m := newMasked(l.ts[r.Table], 1)
	if !m.Exists(r.Row, r.Col) {
		return -1
	}
	v, _ := m.raw(r.Row, r.Col)
	return v
}

// UniformTables names the tables (Masked.Name) that show every hidden
// number as Confidential, whatever its size, because no pattern could keep
// the "<k" display safe for them; "exploitation_persons" stands for the
// persons with a form and with several forms. It reads only what a
// PublishedStats carries in its exported fields (the counts' own Uniform
// for the persons with a form), so that a copy decoded from JSON, as the
// memo hands out, names the same tables as the one protected: a table
// left out would let a reader take its ".." for at least k.
func (p *PublishedStats) UniformTables() []string {
	var out []string
	for _, m := range p.tables() {
		if m.Uniform && m.Name != "" {
			out = append(out, m.Name)
		}
	}
	if p.ExploitationPersons.Uniform || p.MultiFormPersons.Uniform {
		out = append(out, "exploitation_persons")
	}
	return out
}

// tables lists every protected table of the publication.
func (p *PublishedStats) tables() []*Masked {
	return []*Masked{&p.ByAuthority, &p.ByYearAuthority, &p.ByContactForm, &p.ByRegion, &p.ByNationality,
		&p.ExploitationGender, &p.ForcedLabourSectors, &p.ByGender, &p.AgeBands, &p.AgeByRegion,
		&p.ShelterBuckets, &p.ShelterStatus, &p.PrivateHousing, &p.ReturnsPeriod, &p.ReturnsCohort,
		&p.ReferralsByPurpose, &p.ReferralsByContactForm, &p.ReferralsByStatus, &p.ReferralsByOutcome,
		&p.Presumed, &p.DecisionDays, &p.Reconsiderations,
		&p.EurostatSex, &p.EurostatAge, &p.EurostatCitizenship, &p.EurostatExploitation}
}

// scrub replaces every suppressed value by its stand-in.
func (p *PublishedStats) scrub() {
	p.hide = nil
	for _, m := range []*Masked{&p.EurostatSex, &p.EurostatAge, &p.EurostatCitizenship, &p.EurostatExploitation, &p.ByAuthority, &p.ByYearAuthority, &p.ByContactForm, &p.ByRegion, &p.ByNationality,
		&p.ExploitationGender, &p.ForcedLabourSectors, &p.ByGender, &p.AgeBands, &p.AgeByRegion,
		&p.ShelterBuckets, &p.ShelterStatus, &p.PrivateHousing, &p.ReturnsPeriod, &p.ReturnsCohort,
		&p.ReferralsByPurpose, &p.ReferralsByContactForm, &p.ReferralsByStatus, &p.ReferralsByOutcome,
		&p.Presumed, &p.DecisionDays, &p.Reconsiderations} {
		*m = m.Scrub()
	}
	for _, c := range []*Count{&p.Identified, &p.ExploitationPersons, &p.MultiFormPersons, &p.Minors, &p.ShelterDays} {
		*c = c.scrub()
	}
}
