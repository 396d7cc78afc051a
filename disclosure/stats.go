package disclosure

import (
	"slices"
	"sort"
	"strconv"

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
}

// String formats the count like Masked.Cell.
func (c Count) String() string { return format(c.Value, c.Suppressed, c.K, false) }

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
	// PrivateHousing: (still at year end, disappeared, returned on own)
	// × (yes, no); every row total is the number in private housing.
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

	// hide names numbers to keep hidden (SuppressStatsHiding).
	hide map[CellKey]bool
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
	p, _ := publish(s, k, hide)
	p.scrub()
	return p
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
				if !m.Exists(i, j) || m.Unpublished {
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
	var groups []group
	groups = append(groups, p.cohort(s, k))
	groups = append(groups, p.exploitation(s, k)...)
	groups = append(groups, p.shelter(s, k), p.private(s, k))
	groups = append(groups, p.returns(s, k)...)
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

// cohort protects the tables of the year's identified persons together.
// Only what the report prints is published: the identified total (the
// authority table's total, the one number all the one-way tables add up
// to), the rows of the one-way tables, the year totals of the series. The
// persons with a known age (the age table's total) are not printed; their
// count per region minus the region's count is the number of persons of
// the region whose age is unknown, an unpublished table that ties the
// regions, the age table and the unknown ages together.
func (p *PublishedStats) cohort(s *nrm.Stats, k int) group {
	const (
		tAuth = iota
		tSeries
		tContact
		tRegion
		tNat
		tGender
		tBands
		tAgeRegion
		tAgeUnknown
	)
	auth := list("by_authority", keys("authority", s.Identified.ByAuthority), s.Identified.ByAuthority)

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

	ts := []Table{auth, series, contact, region, nat, gender, bands, ageRegion, ageUnknown}
	var links []Link
	for _, ti := range []int{tContact, tRegion, tNat, tGender, tBands} {
		links = append(links, Link{Parts: rowRefs(ti, ts[ti]), Total: totalRef(tAuth, auth)})
	}
	unknownBand := Ref{tBands, len(bandLabels) - 1, 0}
	links = append(links,
		Link{Parts: append(rowRefs(tAgeRegion, ageRegion), unknownBand), Total: totalRef(tAuth, auth)},
		Link{Parts: rowRefs(tAgeUnknown, ageUnknown), Total: unknownBand})
	for ai, r := range ageRegion.RowLabels {
		if ri := slices.Index(region.RowLabels, r); ri >= 0 {
			links = append(links, Link{Parts: []Ref{{tAgeRegion, ai, 0}, {tAgeUnknown, ai, 0}}, Total: Ref{tRegion, ri, 0}})
		}
	}
	if yearRow >= 0 {
		for j, a := range []nrm.Authority{nrm.AuthorityUS, nrm.AuthorityCMM} {
			if i := slices.Index(auth.RowLabels, string(a)); i >= 0 {
				links = append(links, Link{Parts: []Ref{{tSeries, yearRow, j}}, Total: Ref{tAuth, i, 0}})
			}
		}
		links = append(links, Link{Parts: []Ref{{tSeries, yearRow, 2}}, Total: totalRef(tAuth, auth)})
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
			links = append(links, Link{Parts: parts, Total: Ref{tRegion, ri, 0}})
		}
	}
	p.ByAuthority.RowSet = "authority"
	p.ByYearAuthority.ColSet = "authority"
	p.ByContactForm.RowSet = "contact_form"
	p.ByRegion.RowSet = "region"
	p.ByGender.RowSet = "gender"
	p.AgeByRegion.RowSet = "region"
	var unpublished Masked
	g := p.protectGroup(k, []*Masked{&p.ByAuthority, &p.ByYearAuthority, &p.ByContactForm, &p.ByRegion, &p.ByNationality, &p.ByGender, &p.AgeBands, &p.AgeByRegion, &unpublished}, ts, links)

	tot := p.ByAuthority
	v, sup := tot.raw(tot.Rows(), 0)
	p.Identified = Count{Value: v, Suppressed: sup, K: k}
	p.ByNationality = displayOrder(p.ByNationality, s.NationalityRanking)

	if i := slices.Index(p.AgeBands.RowLabels, nrm.AgeBands[0]); i >= 0 && p.AgeBands.Cells[i][0] == s.Minors.Count {
		p.Minors = Count{Value: s.Minors.Count, Suppressed: p.AgeBands.Suppressed[i][0], K: k}
	} else {
		p.Minors = primaryCount(s.Minors.Count, k)
	}
	if k <= 1 {
		p.MinorCases = append([]nrm.MinorCase(nil), s.Minors.Cases...)
	}
	p.ages(s, k)
	return g
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

// ages publishes min, max and mean only for groups of at least k persons
// (the max of a group of one is that person's age), and hides an overall
// figure that would single out a hidden group: an extreme no published
// region attains, or a mean from which a small hidden group's age sum
// follows.
func (p *PublishedStats) ages(s *nrm.Stats, k int) {
	p.AgeByRegionSummary = map[string]AgeSummary{}
	hiddenPersons, anyRegion := 0, false
	var pubMin, pubMax []int
	for r, a := range s.Age.ByRegion {
		if a.Count == 0 {
			continue
		}
		anyRegion = true
		if a.Count < k {
			hiddenPersons += a.Count
			p.AgeByRegionSummary[r] = AgeSummary{}
			continue
		}
		p.AgeByRegionSummary[r] = AgeSummary{Min: clonePtr(a.Min), Max: clonePtr(a.Max), Mean: clonePtr(a.Mean)}
		if a.Min != nil {
			pubMin = append(pubMin, *a.Min)
		}
		if a.Max != nil {
			pubMax = append(pubMax, *a.Max)
		}
	}
	if s.Age.Known < k {
		return
	}
	attained := func(v *int, pub []int) bool { return v != nil && (!anyRegion || slices.Contains(pub, *v)) }
	if attained(s.Age.Min, pubMin) {
		p.Age.Min = clonePtr(s.Age.Min)
	}
	if attained(s.Age.Max, pubMax) {
		p.Age.Max = clonePtr(s.Age.Max)
	}
	if hiddenPersons == 0 || hiddenPersons >= k {
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

// exploitation protects forms × gender and the sectors; the persons counts
// are single numbers.
func (p *PublishedStats) exploitation(s *nrm.Stats, k int) []group {
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
	// The report prints the forms' totals (by_exploitation) beside the
	// cells; a gender's total over forms is printed nowhere (the persons
	// row of the printed table is by_gender, which counts persons).
	t := Table{Name: "by_exploitation_gender", RowLabels: forms, ColLabels: genders, RowTotals: true}
	for _, f := range forms {
		row := make([]int, len(genders))
		for j, g := range genders {
			row[j] = s.ByExploitationGender[f][g]
		}
		t.Cells = append(t.Cells, row)
	}
	p.ExploitationGender.RowSet, p.ExploitationGender.ColSet = "exploitation", "gender"
	g1 := p.protectGroup(k, []*Masked{&p.ExploitationGender}, []Table{t}, nil)

	sectors := list("forced_labour_sectors", keys("labour_sector", s.ForcedLabourSectors), s.ForcedLabourSectors)
	p.ForcedLabourSectors.RowSet = "labour_sector"
	g2 := p.protectGroup(k, []*Masked{&p.ForcedLabourSectors}, []Table{sectors}, nil)

	p.ExploitationPersons = primaryCount(s.ExploitationPersons, k)
	p.MultiFormPersons = primaryCount(s.MultiFormPersons, k)
	// The forms' totals add up to the persons plus the persons' extra
	// forms: with the persons published, the forms' totals (or bounds on
	// the hidden ones) would narrow a hidden number of persons with
	// several forms down to a small group. Hide the persons with it.
	if p.MultiFormPersons.Suppressed && s.ExploitationPersons > 0 {
		p.ExploitationPersons.Suppressed = true
	}
	return []group{g1, g2}
}

// shelter protects the buckets and the year-end status, which share the
// number of persons in shelter.
func (p *PublishedStats) shelter(s *nrm.Stats, k int) group {
	sh := s.Shelter
	buckets := list("shelter_buckets", nrm.ShelterBuckets, sh.Buckets)
	status := list("shelter_status", []string{LabelStillAtYearEnd, LabelLeftByYearEnd},
		map[string]int{LabelStillAtYearEnd: sh.StillAtYearEnd, LabelLeftByYearEnd: max(sh.Count-sh.StillAtYearEnd, 0)})
	links := []Link{{Parts: []Ref{totalRef(1, status)}, Total: totalRef(0, buckets)}}
	g := p.protectGroup(k, []*Masked{&p.ShelterBuckets, &p.ShelterStatus}, []Table{buckets, status}, links)
	_, totalHidden := p.ShelterBuckets.raw(p.ShelterBuckets.Rows(), 0)
	p.ShelterDays = Count{Value: sh.TotalDays, Suppressed: k > 1 && sh.Count > 0 && (totalHidden || sh.Count < k), K: k}
	return g
}

// private protects the private-housing outcomes as partitions of the
// persons in private housing, so that "all but one" cannot be read off.
func (p *PublishedStats) private(s *nrm.Stats, k int) group {
	ph := s.PrivateHousing
	t := Table{Name: "private_housing", RowLabels: []string{LabelStillAtYearEnd, LabelDisappeared, LabelSelfReturn},
		ColLabels: []string{LabelYes, LabelNo}, RowTotals: true}
	for _, v := range []int{ph.StillAtYearEnd, ph.Disappeared, ph.SelfReturn} {
		t.Cells = append(t.Cells, []int{v, max(ph.Count-v, 0)})
	}
	links := []Link{
		{Parts: []Ref{{0, 1, 2}}, Total: Ref{0, 0, 2}},
		{Parts: []Ref{{0, 2, 2}}, Total: Ref{0, 0, 2}},
	}
	return p.protectGroup(k, []*Masked{&p.PrivateHousing}, []Table{t}, links)
}

// returns protects the period and cohort views, each as years × kinds.
func (p *PublishedStats) returns(s *nrm.Stats, k int) []group {
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
	return []group{
		p.protectGroup(k, []*Masked{&p.ReturnsPeriod}, []Table{period}, nil),
		p.protectGroup(k, []*Masked{&p.ReturnsCohort}, []Table{cohort}, nil),
	}
}

// tables lists every protected table of the publication.
func (p *PublishedStats) tables() []*Masked {
	return []*Masked{&p.ByAuthority, &p.ByYearAuthority, &p.ByContactForm, &p.ByRegion, &p.ByNationality,
		&p.ExploitationGender, &p.ForcedLabourSectors, &p.ByGender, &p.AgeBands, &p.AgeByRegion,
		&p.ShelterBuckets, &p.ShelterStatus, &p.PrivateHousing, &p.ReturnsPeriod, &p.ReturnsCohort,
		&p.ReferralsByPurpose, &p.ReferralsByContactForm, &p.ReferralsByStatus, &p.ReferralsByOutcome,
		&p.Presumed, &p.DecisionDays, &p.Reconsiderations}
}

// scrub replaces every suppressed value by its stand-in.
func (p *PublishedStats) scrub() {
	p.hide = nil
	for _, m := range []*Masked{&p.ByAuthority, &p.ByYearAuthority, &p.ByContactForm, &p.ByRegion, &p.ByNationality,
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
