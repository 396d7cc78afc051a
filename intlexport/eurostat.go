package intlexport

import (
	"strconv"

	"nrm"
	"nrm/disclosure"
)

// Codes of the aggregate tables (nrm's own; the categories are Eurostat's).
const (
	// CodeVictimsSex is registered victims by sex.
	CodeVictimsSex = "thb_victims_sex"
	// CodeVictimsAge is registered victims by age group.
	CodeVictimsAge = "thb_victims_age"
	// CodeVictimsCitizenship is registered victims by citizenship group.
	CodeVictimsCitizenship = "thb_victims_citizenship"
	// CodeVictimsExploitation is registered victims by form of exploitation and sex.
	CodeVictimsExploitation = "thb_victims_exploitation_sex"
	// CodeProsecution is the police's figures by stage.
	CodeProsecution = "thb_prosecution"
)

// EurostatTables returns the Eurostat/UNODC aggregate tables of the
// year's registered (identified) victims and the police's prosecution
// figures, protected with the published threshold (disclosure.DefaultK),
// since the design sends international bodies disclosure-controlled
// figures only.
func EurostatTables(s *nrm.Stats) []Table {
	return EurostatTablesK(s, disclosure.DefaultK)
}

// EurostatTablesK is EurostatTables with threshold k (k ≤ 1: exact
// figures, for a secured transmission channel).
func EurostatTablesK(s *nrm.Stats, k int) []Table {
	total := s.Identified.Total

	// Sex: Eurostat collects female, male and unknown. nrm records gender,
	// not legal sex; a transgender person is counted as "unknown" rather
	// than assigned a sex we do not know (and these are the smallest
	// groups, so merging them also protects them).
	g := s.ByGender
	sex := oneColumn("sex", []string{"female", "male", "unknown"},
		[]int{g[string(nrm.GenderFemale)], g[string(nrm.GenderMale)], total - g[string(nrm.GenderFemale)] - g[string(nrm.GenderMale)]})

	// Age at identification: child < 18, adult, unknown.
	child := s.Age.Bands[nrm.AgeBands[0]]
	age := oneColumn("age", []string{"child", "adult", "unknown"}, []int{child, s.Age.Known - child, s.Age.Unknown})

	// Citizenship: national (DK), other EU member states, non-EU, unknown.
	var national, otherEU, nonEU, known int
	for c, n := range s.ByNationality {
		known += n
		switch {
		case c == ReportingCountry:
			national += n
		case IsEU(c, s.Year):
			otherEU += n
		default:
			nonEU += n
		}
	}
	ctz := oneColumn("citizenship", []string{"national", "other_eu", "non_eu", "unknown"}, []int{national, otherEU, nonEU, total - known})

	ms := disclosure.SuppressLinked([]disclosure.Table{sex, age, ctz}, k, []disclosure.Link{
		{Parts: []disclosure.Ref{{Table: 1, Row: 3, Col: 0}}, Total: disclosure.Ref{Table: 0, Row: 3, Col: 0}},
		{Parts: []disclosure.Ref{{Table: 2, Row: 4, Col: 0}}, Total: disclosure.Ref{Table: 0, Row: 3, Col: 0}},
	})

	// Forms of exploitation by sex: a person with several forms counts in
	// each, as in the national statistics, so rows do not add up to
	// persons; "other" adds forced criminality, begging, forced marriage,
	// organ removal and other forms.
	exp := disclosure.Table{Name: "exploitation", RowLabels: []string{"sexual", "labour", "other"}, ColLabels: []string{"female", "male", "unknown"}, RowTotals: true}
	rowOf := func(form string) int {
		switch nrm.ExploitationForm(form) {
		case nrm.ExploitationSexual:
			return 0
		case nrm.ExploitationForcedLabour:
			return 1
		}
		return 2
	}
	colOf := func(gender string) int {
		switch nrm.Gender(gender) {
		case nrm.GenderFemale:
			return 0
		case nrm.GenderMale:
			return 1
		}
		return 2
	}
	exp.Cells = [][]int{make([]int, 3), make([]int, 3), make([]int, 3)}
	for f, byG := range s.ByExploitationGender {
		for gd, n := range byG {
			exp.Cells[rowOf(f)][colOf(gd)] += n
		}
	}
	em := disclosure.Suppress(exp, k)

	return []Table{
		render(CodeVictimsSex, "Registered victims of trafficking in human beings by sex", []string{"sex", "victims"}, ms[0]),
		render(CodeVictimsAge, "Registered victims by age group (child: under 18 at identification)", []string{"age_group", "victims"}, ms[1]),
		render(CodeVictimsCitizenship, "Registered victims by citizenship (national = "+ReportingCountry+")", []string{"citizenship", "victims"}, ms[2]),
		render(CodeVictimsExploitation, "Registered victims by form of exploitation and sex (a person counts once in each form)",
			[]string{"form", "female", "male", "unknown", "total"}, em),
		prosecution(s),
	}
}

// oneColumn is a list of counts with its total.
func oneColumn(name string, labels []string, counts []int) disclosure.Table {
	t := disclosure.Table{Name: name, RowLabels: labels, ColLabels: []string{"victims"}, ColTotals: true}
	for _, n := range counts {
		t.Cells = append(t.Cells, []int{max(n, 0)})
	}
	return t
}

// render formats a protected table, totals included, as strings.
func render(code, title string, headers []string, m disclosure.Masked) Table {
	t := Table{Code: code, Title: title, Headers: headers}
	rows := m.Rows()
	if m.ColTotals {
		rows++
	}
	cols := m.Cols()
	if m.RowTotals {
		cols++
	}
	for i := range rows {
		label := "total"
		if i < m.Rows() {
			label = m.RowLabels[i]
		}
		rec := []string{label}
		for j := range cols {
			rec = append(rec, m.Cell(i, j))
		}
		t.Rows = append(t.Rows, rec)
	}
	return t
}

// prosecution is published as the police report it: charges and decisions
// are counted per case event, not per person, so no threshold applies.
func prosecution(s *nrm.Stats) Table {
	p := s.Prosecution
	t := Table{Code: CodeProsecution, Title: "Traffickers by stage of the criminal justice process (police aggregate: charges and decisions, not persons)",
		Headers: []string{"stage", "count"}}
	val := func(n int) string {
		if !p.Reported {
			return "" // empty = not reported
		}
		return strconv.Itoa(n)
	}
	t.Rows = [][]string{
		{"suspected", val(p.Charges)},
		{"prosecuted", val(p.Decisions)},
		{"convicted", val(max(p.ConvictionsTotal, p.ConvictionsUnconditional+p.ConvictionsPartlySuspended))},
		{"convicted_unconditional", val(p.ConvictionsUnconditional)},
		{"convicted_partly_suspended", val(p.ConvictionsPartlySuspended)},
	}
	return t
}
