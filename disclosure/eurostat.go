package disclosure

import (
	"slices"

	"nrm"
	"nrm/refdata"
)

// Eurostat's categories, as row and column labels of the Eurostat tables.
const (
	LabelFemale   = "female"
	LabelMale     = "male"
	LabelChild    = "child"
	LabelAdult    = "adult"
	LabelNational = "national"
	LabelOtherEU  = "other_eu"
	LabelNonEU    = "non_eu"
	LabelSexual   = "sexual"
	LabelLabour   = "labour"
	LabelOther    = "other"
)

// eurostat adds the Eurostat/UNODC tables of the year's persons to the
// linked system: they regroup the report's cells (sex from gender, child
// and adult from the age bands, citizenship groups from the nationalities,
// three forms by sex from forms × gender), so a reader holding both could
// combine them; protected together, they cannot give back what the report
// hides, nor the report what they hide. Sex: nrm records gender, not legal
// sex, so transgender and unknown count as "unknown".
func (p *PublishedStats) eurostat(s *nrm.Stats, l *linkedTables, c cohortRefs) {
	gender := l.ts[c.gender]
	genderRows := func(want func(g string) bool) []Ref {
		var out []Ref
		for i, g := range gender.RowLabels {
			if want(g) && gender.Cells[i][0] > 0 {
				out = append(out, Ref{c.gender, i, 0})
			}
		}
		return out
	}
	sexOf := func(g string) string {
		switch nrm.Gender(g) {
		case nrm.GenderFemale:
			return LabelFemale
		case nrm.GenderMale:
			return LabelMale
		}
		return LabelUnknown
	}
	sexLabels := []string{LabelFemale, LabelMale, LabelUnknown}
	sexCounts := map[string]int{}
	for g, n := range s.ByGender {
		sexCounts[sexOf(g)] += n
	}
	tSex := l.add(&p.EurostatSex, list("eurostat.sex", sexLabels, sexCounts))
	l.link(c.identified, totalRef(tSex, l.ts[tSex]))
	for i, lab := range sexLabels {
		if parts := genderRows(func(g string) bool { return sexOf(g) == lab }); len(parts) > 0 {
			l.link(Ref{tSex, i, 0}, parts...)
		}
	}

	bands := l.ts[c.bands]
	child := s.Age.Bands[nrm.AgeBands[0]]
	ageCounts := map[string]int{LabelChild: child, LabelAdult: s.Age.Known - child, LabelUnknown: s.Age.Unknown}
	tAge := l.add(&p.EurostatAge, list("eurostat.age", []string{LabelChild, LabelAdult, LabelUnknown}, ageCounts))
	l.link(c.identified, totalRef(tAge, l.ts[tAge]))
	var adult []Ref
	for i, b := range bands.RowLabels {
		switch {
		case b == nrm.AgeBands[0]:
			l.link(Ref{tAge, 0, 0}, Ref{c.bands, i, 0})
		case b == LabelUnknown:
			l.link(Ref{tAge, 2, 0}, Ref{c.bands, i, 0})
		case bands.Cells[i][0] > 0:
			adult = append(adult, Ref{c.bands, i, 0})
		}
	}
	if len(adult) > 0 {
		l.link(Ref{tAge, 1, 0}, adult...)
	}

	nat := l.ts[c.nat]
	groupOf := func(code string) string {
		switch {
		case code == LabelUnknown:
			return LabelUnknown
		case code == refdata.ReportingCountry:
			return LabelNational
		case refdata.IsEU(code, s.Year):
			return LabelOtherEU
		}
		return LabelNonEU
	}
	ctzLabels := []string{LabelNational, LabelOtherEU, LabelNonEU, LabelUnknown}
	ctzCounts := map[string]int{}
	ctzParts := map[string][]Ref{}
	for i, code := range nat.RowLabels {
		g := groupOf(code)
		ctzCounts[g] += nat.Cells[i][0]
		ctzParts[g] = append(ctzParts[g], Ref{c.nat, i, 0})
	}
	tCtz := l.add(&p.EurostatCitizenship, list("eurostat.citizenship", ctzLabels, ctzCounts))
	l.link(c.identified, totalRef(tCtz, l.ts[tCtz]))
	for i, g := range ctzLabels {
		if len(ctzParts[g]) > 0 {
			l.link(Ref{tCtz, i, 0}, ctzParts[g]...)
		}
	}

	eg := l.ts[c.exploitation]
	formOf := func(f string) int {
		switch nrm.ExploitationForm(f) {
		case nrm.ExploitationSexual:
			return 0
		case nrm.ExploitationForcedLabour:
			return 1
		}
		return 2
	}
	exp := Table{Name: "eurostat.exploitation", RowLabels: []string{LabelSexual, LabelLabour, LabelOther},
		ColLabels: sexLabels, RowTotals: true, Cells: [][]int{make([]int, 3), make([]int, 3), make([]int, 3)}}
	parts := map[[2]int][]Ref{}
	rowParts := map[int][]Ref{}
	for i, f := range eg.RowLabels {
		r := formOf(f)
		rowParts[r] = append(rowParts[r], Ref{c.exploitation, i, len(eg.ColLabels)})
		for j, g := range eg.ColLabels {
			col := slices.Index(sexLabels, sexOf(g))
			exp.Cells[r][col] += eg.Cells[i][j]
			if eg.Cells[i][j] > 0 {
				parts[[2]int{r, col}] = append(parts[[2]int{r, col}], Ref{c.exploitation, i, j})
			}
		}
	}
	tExp := l.add(&p.EurostatExploitation, exp)
	for rc, ps := range parts {
		l.link(Ref{tExp, rc[0], rc[1]}, ps...)
	}
	for r, ps := range rowParts {
		l.link(Ref{tExp, r, 3}, ps...)
	}
}
