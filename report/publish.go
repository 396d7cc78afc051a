package report

import (
	"nrm/disclosure"
)

// cellKey is a Mask address.
type cellKey struct{ table, row, col string }

// maskTables are the tables a Mask built from the disclosure package
// answers for; any other table is withheld whole (fail closed), since no
// secondary suppression protects it.
var maskTables = map[string]bool{
	TabIdentified: true, TabByYearAuthority: true, TabContactForm: true, TabRegion: true,
	TabNationality: true, TabExploitation: true, TabExploitationGender: true, TabLabourSectors: true,
	TabGender: true, TabAge: true, TabAgeBands: true, TabAgeByRegion: true, TabMinors: true,
	TabShelter: true, TabShelterBuckets: true, TabPrivateHousing: true, TabReturnsPeriod: true,
	TabReturnsPeriodByYear: true, TabReturnsCohort: true, TabReturnsCohortByYear: true,
	TabProsecution: true, TabMultiForm: true, TabExploitationPersons: true,
}

// disclosureCells maps the disclosure package's published tables onto
// the report's Mask addresses: hidden holds every suppressed number
// (primary and secondary, totals included, and the ages of groups too
// small to publish), uniform those of tables shown uniformly.
func disclosureCells(p *disclosure.PublishedStats) (hidden, uniform map[cellKey]bool) {
	hidden, uniform = map[cellKey]bool{}, map[cellKey]bool{}
	set := func(m disclosure.Masked, i, j int, table, row, col string) {
		if m.IsSuppressed(i, j) {
			k := cellKey{table, row, col}
			hidden[k] = true
			if m.Uniform {
				uniform[k] = true
			}
		}
	}
	// list maps a one-column table's rows (and its total, when the report
	// has an address for it) onto table/label/"".
	list := func(m disclosure.Masked, table, totalRow string) {
		for i, l := range m.RowLabels {
			set(m, i, 0, table, l, "")
		}
		if totalRow != "" && m.ColTotals {
			set(m, m.Rows(), 0, table, totalRow, "")
		}
	}

	// The identified persons: US, CMM and the total.
	list(p.ByAuthority, TabIdentified, "total")
	if p.Identified.Suppressed {
		hidden[cellKey{TabIdentified, "total", ""}] = true
	}
	// Figure 1: years × authorities.
	ya := p.ByYearAuthority
	for i, y := range ya.RowLabels {
		for j, a := range ya.ColLabels {
			set(ya, i, j, TabByYearAuthority, y, a)
		}
	}
	list(p.ByContactForm, TabContactForm, "")
	list(p.ByRegion, TabRegion, "")
	list(p.ByNationality, TabNationality, "")
	list(p.ByGender, TabGender, "")
	list(p.ForcedLabourSectors, TabLabourSectors, "")

	// Forms × gender; the row totals are by_exploitation.
	eg := p.ExploitationGender
	for i, f := range eg.RowLabels {
		for j, g := range eg.ColLabels {
			set(eg, i, j, TabExploitationGender, f, g)
		}
		if eg.RowTotals {
			set(eg, i, eg.Cols(), TabExploitation, f, "")
		}
	}
	if p.ExploitationPersons.Suppressed {
		hidden[cellKey{TabExploitationPersons, "", ""}] = true
	}
	if p.MultiFormPersons.Suppressed {
		hidden[cellKey{TabMultiForm, "", ""}] = true
	}

	// Age: the bands (with "unknown" as age/unknown), persons per region,
	// and min, max and mean where the disclosure package left them out.
	ab := p.AgeBands
	for i, band := range ab.RowLabels {
		if band == disclosure.LabelUnknown {
			set(ab, i, 0, TabAge, "unknown", "")
			continue
		}
		set(ab, i, 0, TabAgeBands, band, "")
	}
	ar := p.AgeByRegion
	for i, r := range ar.RowLabels {
		set(ar, i, 0, TabAgeByRegion, r, "count")
		sum, ok := p.AgeByRegionSummary[r]
		if !ok {
			continue // nobody of that region: nothing to withhold
		}
		if sum.Min == nil {
			hidden[cellKey{TabAgeByRegion, r, "min"}] = true
		}
		if sum.Max == nil {
			hidden[cellKey{TabAgeByRegion, r, "max"}] = true
		}
		if sum.Mean == nil {
			hidden[cellKey{TabAgeByRegion, r, "mean"}] = true
		}
	}
	if p.Age.Min == nil {
		hidden[cellKey{TabAge, "min", ""}] = true
	}
	if p.Age.Max == nil {
		hidden[cellKey{TabAge, "max", ""}] = true
	}
	if p.Age.Mean == nil {
		hidden[cellKey{TabAge, "mean", ""}] = true
	}
	if p.Minors.Suppressed {
		hidden[cellKey{TabMinors, "count", ""}] = true
	}

	// Crisis shelter: the buckets with their total (the persons in
	// shelter) and the year-end status.
	list(p.ShelterBuckets, TabShelterBuckets, "")
	sb := p.ShelterBuckets
	if sb.ColTotals {
		set(sb, sb.Rows(), 0, TabShelter, "count", "")
	}
	ss := p.ShelterStatus
	for i, l := range ss.RowLabels {
		if l == disclosure.LabelStillAtYearEnd {
			set(ss, i, 0, TabShelter, "still_at_year_end", "")
		}
	}
	if ss.ColTotals {
		set(ss, ss.Rows(), 0, TabShelter, "count", "")
	}

	// Private housing: the outcomes, and their total, the number in
	// private housing.
	ph := p.PrivateHousing
	for i, l := range ph.RowLabels {
		set(ph, i, 0, TabPrivateHousing, l, "")
	}
	if ph.ColTotals {
		set(ph, ph.Rows(), 0, TabPrivateHousing, "count", "")
	}

	// Returns: years × kinds; the column totals are the kinds' counts.
	returns := func(m disclosure.Masked, byYear, byKind string) {
		for i, y := range m.RowLabels {
			if y == disclosure.LabelUnknown {
				continue // no year: the report does not show the row
			}
			for j, kind := range m.ColLabels {
				set(m, i, j, byYear, y, kind)
			}
		}
		if m.ColTotals {
			for j, kind := range m.ColLabels {
				set(m, m.Rows(), j, byKind, kind, "")
			}
		}
	}
	returns(p.ReturnsPeriod, TabReturnsPeriodByYear, TabReturnsPeriod)
	returns(p.ReturnsCohort, TabReturnsCohortByYear, TabReturnsCohort)
	// Prosecution figures are published as reported: nothing to add.
	return hidden, uniform
}

// MaskFromDisclosure returns the Mask that withholds, in the report's
// addresses, every number the disclosure package suppressed in p: primary
// and secondary suppressions, the suppressed totals (the identified
// total, the forms' totals, the persons in shelter and in private
// housing, the returns by kind), the min, max and mean ages of groups too
// small to publish, the persons with several forms, the persons with a
// form and the minors. A table the disclosure package does not publish is
// withheld whole. Use it with K = p.K (see Publish), so that a published
// report shows "<K" or "x" wherever the disclosure tables show "<K" or
// "..", and its narrative states none of these numbers.
func MaskFromDisclosure(p *disclosure.PublishedStats) Mask {
	if p == nil {
		return nil
	}
	hidden, _ := disclosureCells(p)
	return func(table, row, col string) bool {
		if !maskTables[table] {
			return true
		}
		return hidden[cellKey{table, row, col}]
	}
}

// Publish returns in prepared for publication with the disclosure
// package's protection p: the threshold p.K, MaskFromDisclosure(p), and
// the uniform display for tables the disclosure package could only
// protect by showing every suppressed number alike.
func Publish(in Input, p *disclosure.PublishedStats) Input {
	if p == nil {
		return in
	}
	in.K = p.K
	in.Mask = MaskFromDisclosure(p)
	_, uniform := disclosureCells(p)
	if len(uniform) > 0 {
		in.Uniform = func(table, row, col string) bool { return uniform[cellKey{table, row, col}] }
	}
	return in
}
