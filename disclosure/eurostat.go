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

// eurostat adds the Eurostat/UNODC tables to the linked system. They count
// Eurostat's registered victims: the year's identified persons (the
// report's cohort) plus the presumed victims not identified by the cut-off
// (nrm.Stats.PresumedNotIdentified), each person once. The identified part
// regroups the report's cells (sex from gender, child and adult from the
// age bands, citizenship groups from the nationalities, three forms by sex
// from forms × gender, the persons without a recorded form from the
// persons with one); the presumed part is in no report table, so it enters
// as unpublished numbers (Table.Unpublished) that a reader could get only
// as a registered cell minus the report's cells: the protection keeps
// every such difference from being pinned at a small value, exactly as it
// keeps the report's own hidden cells. Protected together, the files
// cannot give back what the report hides, nor the report what they hide.
// Sex: nrm records gender, not legal sex, so transgender and unknown count
// as "unknown".
func (p *PublishedStats) eurostat(s *nrm.Stats, l *linkedTables, c cohortRefs, k int) {
	q := s.PresumedNotIdentified
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
	// part adds one number of the registered tables that the report does
	// not print (a presumed part, or identified persons without a form)
	// as unpublished: the protection keeps it from being pinned at a
	// value from 1 to k-1. Every non-zero part stays unknown to the
	// reader: assuming a large one known would let a reader subtract it
	// and pin a small one beside it (a test found exactly that). A zero
	// part is left out of the relations, as if the reader knew it (the
	// worst case for every other number), which keeps the search as small
	// as without presumed victims. The parts are bare numbers without
	// totals of their own: their sums follow from the registered tables'
	// totals.
	part := func(name string, v int) Ref {
		if v == 0 {
			return noRef // adds nothing: left out of the relations
		}
		return l.unpublished(name, v)
	}
	// link states a relation without the parts known to be zero, so that
	// a registered cell equal to one report cell is protected as the same
	// number, as without presumed victims.
	link := func(total Ref, ps ...Ref) {
		var kept []Ref
		for _, r := range ps {
			if r != noRef {
				kept = append(kept, r)
			}
		}
		l.link(total, kept...)
	}
	parts1 := func(name string, labels []string, counts map[string]int) []Ref {
		out := make([]Ref, len(labels))
		for i, lab := range labels {
			out[i] = part(name+"."+lab, counts[lab])
		}
		return out
	}

	// Sex.
	sexLabels := []string{LabelFemale, LabelMale, LabelUnknown}
	qSexCounts, sexCounts := map[string]int{}, map[string]int{}
	for g, n := range q.ByGender {
		qSexCounts[sexOf(g)] += n
		sexCounts[sexOf(g)] += n
	}
	for g, n := range s.ByGender {
		sexCounts[sexOf(g)] += n
	}
	qSex := parts1("eurostat.presumed.sex", sexLabels, qSexCounts)
	tSex := l.add(&p.EurostatSex, list("eurostat.sex", sexLabels, sexCounts))
	registered := totalRef(tSex, l.ts[tSex])
	qTotal := 0
	for _, n := range qSexCounts {
		qTotal += n
	}
	qTotalRef := part("eurostat.presumed.total", qTotal)
	link(registered, c.identified, qTotalRef)
	// The presumed victims not identified are some of the presumed victims
	// of the year, whose table the report prints: a reader bounds the one
	// by the other (a registered total less the identified total is a
	// floor for the presumed victims, a small presumed total a ceiling for
	// the presumed parts), so the table joins the linked system. Without
	// presumed victims not identified there is no relation, and it is
	// protected on its own (mechanism) as before.
	if qTotalRef != noRef {
		p.presumedLinked = true
		p.Presumed.RowSet = "authority"
		pt := presumedTable(s)
		l.atMost(qTotalRef, totalRef(l.add(&p.Presumed, pt), pt))
	}
	for i, lab := range sexLabels {
		parts := genderRows(func(g string) bool { return sexOf(g) == lab })
		link(Ref{tSex, i, 0}, append(parts, qSex[i])...)
	}

	// Age group.
	ageLabels := []string{LabelChild, LabelAdult, LabelUnknown}
	bands := l.ts[c.bands]
	child := s.Age.Bands[nrm.AgeBands[0]]
	qAge := map[string]int{LabelChild: q.ByAgeGroup[nrm.AgeGroupChild], LabelAdult: q.ByAgeGroup[nrm.AgeGroupAdult], LabelUnknown: q.ByAgeGroup[nrm.AgeGroupUnknown]}
	ageCounts := map[string]int{LabelChild: child + qAge[LabelChild], LabelAdult: s.Age.Known - child + qAge[LabelAdult], LabelUnknown: s.Age.Unknown + qAge[LabelUnknown]}
	qAgeRefs := parts1("eurostat.presumed.age", ageLabels, qAge)
	tAge := l.add(&p.EurostatAge, list("eurostat.age", ageLabels, ageCounts))
	link(registered, totalRef(tAge, l.ts[tAge]))
	ageParts := map[int][]Ref{}
	for i, b := range bands.RowLabels {
		switch {
		case b == nrm.AgeBands[0]:
			ageParts[0] = append(ageParts[0], Ref{c.bands, i, 0})
		case b == LabelUnknown:
			ageParts[2] = append(ageParts[2], Ref{c.bands, i, 0})
		case bands.Cells[i][0] > 0:
			ageParts[1] = append(ageParts[1], Ref{c.bands, i, 0})
		}
	}
	for i := range ageLabels {
		link(Ref{tAge, i, 0}, append(ageParts[i], qAgeRefs[i])...)
	}

	// Citizenship group.
	nat := l.ts[c.nat]
	groupOf := func(code string) string {
		switch {
		case code == LabelUnknown || code == "":
			return LabelUnknown
		case code == refdata.ReportingCountry:
			return LabelNational
		case refdata.IsEU(code, s.Year):
			return LabelOtherEU
		}
		return LabelNonEU
	}
	ctzLabels := []string{LabelNational, LabelOtherEU, LabelNonEU, LabelUnknown}
	ctzCounts, qCtz := map[string]int{}, map[string]int{}
	ctzParts := map[string][]Ref{}
	for i, code := range nat.RowLabels {
		g := groupOf(code)
		ctzCounts[g] += nat.Cells[i][0]
		ctzParts[g] = append(ctzParts[g], Ref{c.nat, i, 0})
	}
	for code, n := range q.ByNationality {
		qCtz[groupOf(code)] += n
		ctzCounts[groupOf(code)] += n
	}
	qCtzRefs := parts1("eurostat.presumed.citizenship", ctzLabels, qCtz)
	tCtz := l.add(&p.EurostatCitizenship, list("eurostat.citizenship", ctzLabels, ctzCounts))
	link(registered, totalRef(tCtz, l.ts[tCtz]))
	for i, g := range ctzLabels {
		link(Ref{tCtz, i, 0}, append(ctzParts[g], qCtzRefs[i])...)
	}

	// Form of exploitation × sex; a person counts once in each form, and
	// in "unknown" without a recorded form.
	eg := l.ts[c.exploitation]
	formOf := func(f string) int {
		switch f {
		case string(nrm.ExploitationSexual):
			return 0
		case string(nrm.ExploitationForcedLabour):
			return 1
		case LabelUnknown:
			return 3
		}
		return 2
	}
	formLabels := []string{LabelSexual, LabelLabour, LabelOther, LabelUnknown}
	grid := func() [][]int {
		out := make([][]int, len(formLabels))
		for i := range out {
			out[i] = make([]int, len(sexLabels))
		}
		return out
	}
	qExp := Table{Name: "eurostat.presumed.exploitation", RowLabels: formLabels, ColLabels: sexLabels, RowTotals: true, Cells: grid()}
	for f, byGender := range q.ByExploitationGender {
		for g, n := range byGender {
			qExp.Cells[formOf(f)][slices.Index(sexLabels, sexOf(g))] += n
		}
	}
	exp := Table{Name: "eurostat.exploitation", RowLabels: formLabels, ColLabels: sexLabels, RowTotals: true, Cells: grid()}
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
	// The identified persons without a recorded form, by sex: the sex's
	// persons less its persons with a form (not printed in the report).
	noForm := map[string]int{}
	if len(s.FormsByGender) > 0 || s.ExploitationPersons == 0 {
		for g, n := range s.ByGender {
			noForm[sexOf(g)] += max(n-s.FormsByGender[g].Persons, 0)
		}
	}
	noFormRefs := parts1("eurostat.identified_without_form", sexLabels, noForm)
	if tp := l.tableNamed("exploitation_persons"); tp >= 0 {
		link(c.identified, append([]Ref{{tp, 0, 0}}, noFormRefs...)...)
	}
	for j, lab := range sexLabels {
		// Registered of a sex = its identified persons with a form, its
		// identified persons without one and its presumed victims.
		ps := []Ref{noFormRefs[j], qSex[j]}
		complete := true
		for _, g := range gender.RowLabels {
			if sexOf(g) != lab {
				continue
			}
			if w := l.tableNamed("forms_persons." + g); w >= 0 {
				ps = append(ps, Ref{w, 0, 0})
			} else if s.ByGender[g] > 0 {
				complete = false
			}
		}
		if complete {
			link(Ref{tSex, j, 0}, ps...)
		}
		exp.Cells[3][j] += noForm[lab]
		parts[[2]int{3, j}] = append(parts[[2]int{3, j}], noFormRefs[j])
	}
	for r := range formLabels {
		for j := range sexLabels {
			exp.Cells[r][j] += qExp.Cells[r][j]
			q := part("eurostat.presumed.exploitation."+formLabels[r]+"."+sexLabels[j], qExp.Cells[r][j])
			parts[[2]int{r, j}] = append(parts[[2]int{r, j}], q)
			rowParts[r] = append(rowParts[r], q)
		}
	}
	// A presumed person counts once in sexual, once in labour and once in
	// unknown at most, so each of those parts of a sex is at most the
	// presumed victims of that sex; a reader knows that much (other sums
	// a person with several forms counts in more than once).
	for _, r := range []int{0, 1, 3} {
		for j := range sexLabels {
			qp := parts[[2]int{r, j}][len(parts[[2]int{r, j}])-1]
			l.atMost(qp, qSex[j])
		}
	}
	tExp := l.add(&p.EurostatExploitation, exp)
	for r := range formLabels {
		for j := range sexLabels {
			link(Ref{tExp, r, j}, parts[[2]int{r, j}]...)
		}
		if r != 3 {
			link(Ref{tExp, r, len(sexLabels)}, rowParts[r]...)
		}
	}
}

// noRef stands for a number known to be zero.
var noRef = Ref{Table: -1}

// tableNamed returns the index of the first table named name, or -1.
func (l *linkedTables) tableNamed(name string) int {
	for i, t := range l.ts {
		if t.Name == name {
			return i
		}
	}
	return -1
}
