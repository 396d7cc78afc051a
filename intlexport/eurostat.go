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
// year's registered victims (identified + presumed, see EurostatTablesK)
// and the police's prosecution
// figures, protected with the published threshold (disclosure.DefaultK),
// since the design sends international bodies disclosure-controlled
// figures only.
func EurostatTables(s *nrm.Stats) []Table {
	return EurostatTablesK(s, disclosure.DefaultK)
}

// Confidential is Eurostat's flag for a value withheld for confidentiality,
// written instead of every hidden number (whether below k or hidden to
// protect another): Eurostat's format has one symbol for both.
const Confidential = "c"

// EurostatTablesK is EurostatTables with threshold k (k ≤ 1: exact
// figures, for a secured transmission channel). The tables are cells of
// the one linked disclosure system of the published statistics
// (disclosure.PublishedStats), so that they hide exactly what the report
// hides and a reader holding both learns nothing more. They count
// Eurostat's registered victims = identified + presumed: the persons
// identified in the year, and the presumed victims of the year (first
// positive preliminary assessment in the year) that no final decision
// identified by the cut-off (nrm.Stats.PresumedNotIdentified), each person
// once: by sex (nrm records gender, not legal sex: transgender and unknown
// count as "unknown"), age group (child: under 18 at identification, or
// at the preliminary assessment for a presumed victim), citizenship
// (national = ReportingCountry, other EU member states on 31 December,
// non-EU, unknown) and forms of exploitation by sex (a person with several
// forms counts in each; "other" adds forced criminality, begging, forced
// marriage, organ removal and other forms; "unknown" is a person without
// a recorded form, as a presumed victim often is).
func EurostatTablesK(s *nrm.Stats, k int) []Table {
	p := disclosure.SuppressStats(s, max(k, 1))
	return []Table{
		render(CodeVictimsSex, "Registered victims of trafficking in human beings (identified + presumed) by sex", []string{"sex", "victims"}, p.EurostatSex),
		render(CodeVictimsAge, "Registered victims by age group (child: under 18 at identification or preliminary assessment)", []string{"age_group", "victims"}, p.EurostatAge),
		render(CodeVictimsCitizenship, "Registered victims by citizenship (national = "+ReportingCountry+")", []string{"citizenship", "victims"}, p.EurostatCitizenship),
		render(CodeVictimsExploitation, "Registered victims by form of exploitation and sex (a person counts once in each form)",
			[]string{"form", "female", "male", "unknown", "total"}, p.EurostatExploitation),
		prosecution(s),
	}
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
			if v, ok := m.Value(i, j); ok {
				rec = append(rec, strconv.Itoa(v))
			} else {
				rec = append(rec, Confidential)
			}
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
