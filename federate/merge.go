package federate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"nrm"
)

// Merged is several countries' bundles of one year side by side, with a
// total per line: the sum where every country published its number, the
// suppression mark where one did not.
type Merged struct {
	Format    string         `json:"format"`
	Year      int            `json:"year"`
	Countries []string       `json:"countries"`
	Cutoffs   []nrm.Date     `json:"cutoffs"`
	K         []int          `json:"k"`
	Tables    []MergedTable  `json:"tables"`
	Counts    []MergedLine   `json:"counts"`
	Police    []MergedPolice `json:"prosecution,omitempty"`
}

// MergedTable is one table of the contract across countries; each line is
// a cell (or a total) of the national tables.
type MergedTable struct {
	Name  string       `json:"name"`
	Lines []MergedLine `json:"lines"`
}

// MergedLine is one number across countries: Values in the order of
// Merged.Countries, and their total.
type MergedLine struct {
	Label  string `json:"label"`
	Values []Cell `json:"values"`
	Total  Cell   `json:"total"`
}

// MergedPolice is one country's prosecution row.
type MergedPolice struct {
	Country string                `json:"country"`
	Row     *nrm.ProsecutionStats `json:"row"`
}

// MergedFormat names the version of the merged table.
const MergedFormat = "nrm-federation-merged/1"

// Merge combines bundles of the same reporting year, one per country.
// Categories missing from a country's table count 0 there (the contract
// lists every category with data; a missing one has none).
func Merge(bs []*Bundle) (*Merged, error) {
	if len(bs) == 0 {
		return nil, fmt.Errorf("federate: nothing to merge")
	}
	sorted := append([]*Bundle(nil), bs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Country < sorted[j].Country })
	m := &Merged{Format: MergedFormat, Year: sorted[0].Year}
	for i, b := range sorted {
		if b.Year != m.Year {
			return nil, fmt.Errorf("federate: %s reports %d, %s %d: merge bundles of one year", sorted[0].Country, m.Year, b.Country, b.Year)
		}
		if i > 0 && b.Country == sorted[i-1].Country {
			return nil, fmt.Errorf("federate: two bundles from %s", b.Country)
		}
		m.Countries = append(m.Countries, b.Country)
		m.Cutoffs = append(m.Cutoffs, b.Cutoff)
		m.K = append(m.K, b.K)
		if b.Prosecution != nil {
			m.Police = append(m.Police, MergedPolice{Country: b.Country, Row: b.Prosecution})
		}
	}
	n := len(sorted)
	// Tables and lines in first-seen order.
	var names []string
	lines := map[string]*[]MergedLine{}
	index := map[string]map[string]int{}
	add := func(table, label string, country int, c Cell) {
		if _, ok := lines[table]; !ok {
			names = append(names, table)
			lines[table] = &[]MergedLine{}
			index[table] = map[string]int{}
		}
		ls := lines[table]
		i, ok := index[table][label]
		if !ok {
			i = len(*ls)
			index[table][label] = i
			*ls = append(*ls, MergedLine{Label: label, Values: make([]Cell, n)})
		}
		(*ls)[i].Values[country] = c
	}
	for ci, b := range sorted {
		for _, t := range b.Tables {
			for _, l := range flatten(t) {
				add(t.Name, l.Label, ci, l.Cell)
			}
		}
		for _, c := range b.Counts {
			add("\x00counts", c.Name, ci, c.Cell)
		}
	}
	for _, name := range names {
		ls := *lines[name]
		for i := range ls {
			ls[i].Total = total(ls[i].Values)
		}
		if name == "\x00counts" {
			m.Counts = ls
			continue
		}
		m.Tables = append(m.Tables, MergedTable{Name: name, Lines: ls})
	}
	return m, nil
}

// total sums the values, or marks the total when any value is suppressed.
func total(vs []Cell) Cell {
	sum := 0
	for _, v := range vs {
		if v.Suppressed {
			return Cell{Suppressed: true, Mark: "..", Value: 0}
		}
		sum += v.Value
	}
	return Cell{Value: sum}
}

type labelled struct {
	Label string
	Cell  Cell
}

// flatten lists every number of a table with a label: "row" for a
// one-column table, "row × column" otherwise, "total" for totals.
func flatten(t Table) []labelled {
	var out []labelled
	one := len(t.Cols) == 1 && len(t.RowTotals) == 0
	label := func(r, c string) string {
		if one {
			return r
		}
		return r + " × " + c
	}
	for i, r := range t.Rows {
		for j, c := range t.Cols {
			out = append(out, labelled{label(r, c), t.Cells[i][j]})
		}
		if i < len(t.RowTotals) {
			out = append(out, labelled{r + " × total", t.RowTotals[i]})
		}
	}
	for j, c := range t.ColTotals {
		if one {
			out = append(out, labelled{"total", c})
		} else {
			out = append(out, labelled{"total × " + t.Cols[j], c})
		}
	}
	if t.GrandTotal != nil {
		out = append(out, labelled{"total × total", *t.GrandTotal})
	}
	return out
}

// Markdown writes the merged tables as Markdown.
func (m *Merged) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Multi-country statistics %d\n\n", m.Year)
	fmt.Fprintf(&b, "Countries: %s. Each country's bundle is disclosure-controlled by that country (threshold k per country: %s); ", strings.Join(m.Countries, ", "), ints(m.K))
	b.WriteString("a suppressed number is shown as its mark (\"<k\" or \"..\"), and a total is shown only when no country suppressed a number of its line.\n\n")
	head := "| | " + strings.Join(m.Countries, " | ") + " | Total |\n|---|" + strings.Repeat("---:|", len(m.Countries)+1) + "\n"
	row := func(l MergedLine) {
		b.WriteString("| " + escape(l.Label))
		for _, v := range l.Values {
			b.WriteString(" | " + v.String())
		}
		b.WriteString(" | " + l.Total.String() + " |\n")
	}
	b.WriteString("## counts\n\n" + head)
	for _, l := range m.Counts {
		row(l)
	}
	for _, t := range m.Tables {
		b.WriteString("\n## " + t.Name + "\n\n" + head)
		for _, l := range t.Lines {
			row(l)
		}
	}
	if len(m.Police) > 0 {
		b.WriteString("\n## prosecution (police figures, as reported)\n\n| | charges | decisions | convictions |\n|---|---:|---:|---:|\n")
		for _, p := range m.Police {
			fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", p.Country, p.Row.Charges, p.Row.Decisions, p.Row.ConvictionsTotal)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

func escape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
