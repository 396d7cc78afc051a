package report_test

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"nrm"
	"nrm/disclosure"
	"nrm/refdata"
	"nrm/report"
	"nrm/report/markdown"
	"nrm/report/reporttest"
)

// printedTable is a GFM table read back from the Markdown output.
type printedTable struct {
	header []string
	rows   [][]string
}

// splitRow splits a GFM table row at the unescaped pipes.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	esc := false
	for _, r := range line {
		switch {
		case esc:
			cur.WriteRune('\\')
			cur.WriteRune(r)
			esc = false
		case r == '\\':
			esc = true
		case r == '|':
			cells = append(cells, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(cells, cur.String())
}

// unescapeMD turns a Markdown cell back into its text: no bold, no
// backslash escapes.
func unescapeMD(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "**") && strings.HasSuffix(s, "**") && len(s) >= 4 {
		s = s[2 : len(s)-2]
	}
	var b strings.Builder
	esc := false
	for _, r := range s {
		if !esc && r == '\\' {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

// readMarkdownTables returns every table of a Markdown document in order.
func readMarkdownTables(md string) []printedTable {
	var out []printedTable
	var cur *printedTable
	rule := false
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cur = nil
			continue
		}
		cells := splitRow(line)
		for i := range cells {
			cells[i] = unescapeMD(cells[i])
		}
		switch {
		case cur == nil:
			out = append(out, printedTable{header: cells})
			cur = &out[len(out)-1]
			rule = true
		case rule:
			rule = false // the alignment row
		default:
			cur.rows = append(cur.rows, cells)
		}
	}
	return out
}

// want is what the report must print for one number: the disclosure
// package's display ("<k", "x" for its "..", or the number) and the true
// value behind it.
type want struct {
	text   string
	value  int
	hidden bool
	// table, code and col are the Mask address, for the narrative check.
	table, code, col string
}

// expectations holds, per report table ID, the wanted cell per (row key,
// column header). Row keys are the row's first cell, or "#i" for tables
// whose labels repeat.
type expectations map[string]map[[2]string]want

func (e expectations) add(id, row, col string, w want) {
	if e[id] == nil {
		e[id] = map[[2]string]want{}
	}
	e[id][[2]string{row, col}] = w
}

// byIndex lists the tables whose rows are keyed by position.
var byIndex = map[string]bool{"accommodation": true, "prosecution": true}

// expected derives from the disclosure tables p (and the true values in
// s) what every statistics table of the report must print.
func expected(s *nrm.Stats, p *disclosure.PublishedStats, lang nrm.Lang) expectations {
	k := p.K
	tr := func(da, en string) string { return tr(lang, da, en) }
	num := tr("Antal", "Number")
	total := tr("I alt", "Total")
	e := expectations{}
	// cell is the wanted display of extended (i, j) of m with true value v.
	cell := func(m disclosure.Masked, i, j, v int, table, code, col string) want {
		w := want{value: v, hidden: m.IsSuppressed(i, j), table: table, code: code, col: col}
		switch {
		case !w.hidden:
			w.text = report.FormatInt(v, lang)
		case m.Cell(i, j) == "<"+strconv.Itoa(k):
			w.text = "<" + strconv.Itoa(k)
		default:
			w.text = "x"
		}
		return w
	}
	row := func(m disclosure.Masked, label string) int {
		for i, l := range m.RowLabels {
			if l == label {
				return i
			}
		}
		return -1
	}
	list := func(id, table string, m disclosure.Masked, label func(string) string, values map[string]int) {
		for i, code := range m.RowLabels {
			if code == disclosure.LabelUnknown && table == report.TabNationality {
				continue
			}
			e.add(id, label(code), num, cell(m, i, 0, values[code], table, code, ""))
		}
	}
	lbl := func(set string) func(string) string {
		return func(c string) string {
			if c == "unknown" && !nrm.ValidCode(set, c) {
				return tr("Ukendt", "Unknown")
			}
			return nrm.Label(set, c, lang)
		}
	}

	// Figure 1.
	for i, ya := range s.Identified.ByYearAuthority {
		y := strconv.Itoa(ya.Year)
		m := p.ByYearAuthority
		e.add("identified_by_year.data", y, nrm.Label("authority", "US", lang), cell(m, i, 0, ya.US, report.TabByYearAuthority, y, "US"))
		e.add("identified_by_year.data", y, nrm.Label("authority", "CMM", lang), cell(m, i, 1, ya.CMM, report.TabByYearAuthority, y, "CMM"))
	}
	list("contact_form.data", report.TabContactForm, p.ByContactForm, lbl("contact_form"), s.ByContactForm)
	list("region.data", report.TabRegion, p.ByRegion, lbl("region"), s.ByRegion)
	names := map[string]string{}
	for _, r := range s.NationalityRanking {
		names[r.Code] = tr(r.NameDA, r.NameEN)
	}
	list("nationality.data", report.TabNationality, p.ByNationality, func(c string) string {
		if n, ok := names[c]; ok && s.ByNationality[c] > 0 {
			return n
		}
		// A country is named, never shown as its code.
		if n, ok := countryNames(lang)[c]; ok {
			return n
		}
		return c
	}, s.ByNationality)
	list("gender.data", report.TabGender, p.ByGender, lbl("gender"), s.ByGender)
	list("forced_labour_sectors", report.TabLabourSectors, p.ForcedLabourSectors, lbl("labour_sector"), s.ForcedLabourSectors)
	for id, m := range map[string]disclosure.Masked{"age.data": p.AgeBands} {
		for i, band := range m.RowLabels {
			if band != disclosure.LabelUnknown {
				e.add(id, band, num, cell(m, i, 0, s.Age.Bands[band], report.TabAgeBands, band, ""))
			}
		}
	}

	// Forms × gender with the forms' totals, and the persons row.
	eg := p.ExploitationGender
	for i, f := range eg.RowLabels {
		for j, g := range eg.ColLabels {
			e.add("exploitation_gender", nrm.Label("exploitation", f, lang), nrm.Label("gender", g, lang),
				cell(eg, i, j, s.ByExploitationGender[f][g], report.TabExploitationGender, f, g))
		}
		w := cell(eg, i, eg.Cols(), s.ByExploitation[f], report.TabExploitation, f, "")
		e.add("exploitation_gender", nrm.Label("exploitation", f, lang), total, w)
		e.add("exploitation.data", nrm.Label("exploitation", f, lang), num, w)
	}
	persons := tr("Personer i alt", "Persons, total")
	for i, g := range p.ByGender.RowLabels {
		e.add("exploitation_gender", persons, nrm.Label("gender", g, lang), cell(p.ByGender, i, 0, s.ByGender[g], report.TabGender, g, ""))
	}
	auth := p.ByAuthority
	e.add("exploitation_gender", persons, total, cell(auth, auth.Rows(), 0, s.Identified.Total, report.TabIdentified, "total", ""))

	// Age by region: persons, and min, max, mean where published.
	ar := p.AgeByRegion
	for i, r := range ar.RowLabels {
		label := nrm.Label("region", r, lang)
		sum := s.Age.ByRegion[r]
		c := cell(ar, i, 0, sum.Count, report.TabAgeByRegion, r, "count")
		e.add("age_by_region", label, num, c)
		pub := p.AgeByRegionSummary[r]
		for _, col := range []struct {
			header      string
			raw, public bool
			text        string
		}{
			{tr("Yngste", "Youngest"), sum.Min != nil, pub.Min != nil, fmtPtr(sum.Min, lang)},
			{tr("Ældste", "Oldest"), sum.Max != nil, pub.Max != nil, fmtPtr(sum.Max, lang)},
			{tr("Gennemsnitsalder", "Mean age"), sum.Mean != nil, pub.Mean != nil, fmtMean(sum.Mean, lang)},
		} {
			w := want{text: col.text}
			switch {
			case !col.raw || sum.Count == 0:
				w.text = "–"
			case c.hidden || !col.public:
				w = want{text: "x", hidden: true}
			}
			e.add("age_by_region", label, col.header, w)
		}
	}

	// Shelter buckets, and the accommodation table.
	sb := p.ShelterBuckets
	bucket := map[string]string{"<=30": tr("Op til 30 dage", "Up to 30 days"), "31-99": tr("31-99 dage", "31-99 days"), ">=100": tr("100 dage eller derover", "100 days or more")}
	for i, b := range sb.RowLabels {
		e.add("shelter.data", bucket[b], num, cell(sb, i, 0, s.Shelter.Buckets[b], report.TabShelterBuckets, b, ""))
	}
	persCol := tr("Antal personer", "Persons")
	e.add("accommodation", "#0", persCol, cell(sb, sb.Rows(), 0, s.Shelter.Count, report.TabShelter, "count", ""))
	ss := p.ShelterStatus
	e.add("accommodation", "#1", persCol, cell(ss, row(ss, disclosure.LabelStillAtYearEnd), 0, s.Shelter.StillAtYearEnd, report.TabShelter, "still_at_year_end", ""))
	ph := p.PrivateHousing
	e.add("accommodation", "#2", persCol, cell(ph, ph.Rows(), 0, s.PrivateHousing.Count, report.TabPrivateHousing, "count", ""))
	for n, r := range []struct {
		label string
		v     int
	}{{disclosure.LabelStillAtYearEnd, s.PrivateHousing.StillAtYearEnd}, {disclosure.LabelDisappeared, s.PrivateHousing.Disappeared}, {disclosure.LabelSelfReturn, s.PrivateHousing.SelfReturn}} {
		e.add("accommodation", "#"+strconv.Itoa(3+n), persCol, cell(ph, row(ph, r.label), 0, r.v, report.TabPrivateHousing, r.label, ""))
	}

	// Returns: kinds × years and the kinds' totals.
	returns := func(id string, m disclosure.Masked, header func(string) string, byYear map[string]map[string]int, byKind map[string]int, tYear, tKind string) {
		for j, kind := range m.ColLabels {
			label := nrm.Label("exit_kind", kind, lang)
			for i, y := range m.RowLabels {
				if y != disclosure.LabelUnknown {
					e.add(id, label, header(y), cell(m, i, j, byYear[y][kind], tYear, y, kind))
				}
			}
			e.add(id, label, total, cell(m, m.Rows(), j, byKind[kind], tKind, kind, ""))
		}
	}
	returns("returns_period", p.ReturnsPeriod, func(y string) string { return tr("Identificeret ", "Identified ") + y },
		s.Returns.Period.ByIdentificationYear, s.Returns.Period.ByKind, report.TabReturnsPeriodByYear, report.TabReturnsPeriod)
	returns("returns_cohort", p.ReturnsCohort, func(y string) string { return y },
		s.Returns.Cohort.ByExitYear, s.Returns.Cohort.ByKind, report.TabReturnsCohortByYear, report.TabReturnsCohort)

	// Prosecution: published as reported.
	pr := s.Prosecution
	for i, v := range []int{pr.Charges, pr.Decisions, pr.ConvictionsUnconditional, pr.ConvictionsPartlySuspended, pr.ConvictionsTotal} {
		e.add("prosecution", "#"+strconv.Itoa(i), num, want{text: report.FormatInt(v, lang), value: v})
	}
	return e
}

func fmtPtr(v *int, lang nrm.Lang) string {
	if v == nil {
		return "–"
	}
	return report.FormatInt(*v, lang)
}

func fmtMean(v *float64, lang nrm.Lang) string {
	if v == nil {
		return "–"
	}
	return report.FormatDecimal(*v, 1, lang)
}

// printedCells pairs each statistics table of d with what the Markdown
// writer printed for it, checks every printed number against the
// disclosure tables and returns the printed cells by table ID.
func printedCells(t *testing.T, d *report.Document, e expectations, k int) map[string]map[[2]string]want {
	t.Helper()
	var buf bytes.Buffer
	if err := markdown.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	printed := readMarkdownTables(buf.String())
	tables := d.Tables()
	if len(printed) != len(tables) {
		t.Fatalf("Markdown has %d tables, the document %d", len(printed), len(tables))
	}
	got := map[string]map[[2]string]want{}
	for ti, dt := range tables {
		pt := printed[ti]
		if len(pt.header) != len(dt.Columns) || (len(pt.header) > 0 && pt.header[len(pt.header)-1] != dt.Columns[len(dt.Columns)-1].Label) {
			t.Fatalf("table %d (%s): Markdown header %q does not match", ti, dt.ID, pt.header)
		}
		exp, ok := e[dt.ID]
		if !ok {
			continue
		}
		got[dt.ID] = map[[2]string]want{}
		for ri, r := range pt.rows {
			key := r[0]
			if byIndex[dt.ID] {
				key = "#" + strconv.Itoa(ri)
			}
			for ci := 1; ci < len(r); ci++ {
				if dt.ID == "prosecution" && ci == 1 {
					continue // the second label column
				}
				at := [2]string{key, pt.header[ci]}
				w, ok := exp[at]
				if !ok {
					t.Errorf("%s: printed cell %v = %q has no counterpart in the disclosure tables", dt.ID, at, r[ci])
					continue
				}
				if r[ci] != w.text {
					t.Errorf("%s %v: printed %q, the disclosure tables show %q (true value %d)", dt.ID, at, r[ci], w.text, w.value)
				}
				shown := w
				shown.hidden = r[ci] == "x" || r[ci] == "<"+strconv.Itoa(k)
				got[dt.ID][at] = shown
			}
		}
		for at, w := range exp {
			if _, ok := got[dt.ID][at]; !ok && w.hidden {
				t.Errorf("%s %v: suppressed cell not printed", dt.ID, at)
			}
		}
	}
	for id := range e {
		if _, ok := got[id]; !ok {
			t.Errorf("table %s not in the report", id)
		}
	}
	// The figures' labels show the same as their data tables, and a
	// withheld bar is drawn as 0.
	for _, f := range d.Figures() {
		exp := e[f.Data.ID]
		if exp == nil {
			continue
		}
		for _, se := range f.Chart.Series {
			for ci, cat := range f.Chart.Categories {
				w, ok := exp[[2]string{cat, se.Name}]
				if !ok {
					t.Errorf("figure %s: bar %s/%s has no counterpart", f.ID, cat, se.Name)
					continue
				}
				if se.Labels[ci] != w.text || (w.hidden && se.Values[ci] != 0) {
					t.Errorf("figure %s: bar %s/%s labelled %q (value %v), want %q", f.ID, cat, se.Name, se.Labels[ci], se.Values[ci], w.text)
				}
			}
		}
	}
	return got
}

// grid rebuilds printed cells as a disclosure table: rows × cols with true
// values and the printed suppression, with a row-total column (rowTotal
// != "") or a column-total row (colTotal set); it fails when a printed
// total is not the sum of its line, since then the rebuilt relation would
// not be one a reader could use.
func grid(t *testing.T, k int, cells map[[2]string]want, rows, cols []string, rowTotal string, colTotal *want) disclosure.Masked {
	t.Helper()
	tab := disclosure.Table{Name: "printed", RowLabels: rows, ColLabels: cols, RowTotals: rowTotal != "", ColTotals: colTotal != nil}
	for _, r := range rows {
		var line []int
		for _, c := range cols {
			line = append(line, cells[[2]string{r, c}].value)
		}
		tab.Cells = append(tab.Cells, line)
	}
	m := disclosure.Suppress(tab, 1)
	m.K = k
	for i, r := range rows {
		for j, c := range cols {
			m.Suppressed[i][j] = cells[[2]string{r, c}].hidden
		}
		if rowTotal != "" {
			w := cells[[2]string{r, rowTotal}]
			if m.RowTotal[i] != w.value {
				t.Fatalf("row %s: printed total %d is not the sum %d", r, w.value, m.RowTotal[i])
			}
			m.RowTotalSuppressed[i] = w.hidden
		}
	}
	if colTotal != nil {
		if m.ColTotal[0] != colTotal.value {
			t.Fatalf("printed total %d is not the sum %d", colTotal.value, m.ColTotal[0])
		}
		m.ColTotalSuppressed[0] = colTotal.hidden
	}
	return m
}

// rowsOf lists the row keys of a printed table with a column.
func rowsOf(cells map[[2]string]want, col string) []string {
	var out []string
	seen := map[string]bool{}
	for at := range cells {
		if at[1] == col && !seen[at[0]] {
			seen[at[0]] = true
			out = append(out, at[0])
		}
	}
	return sortStrings(out)
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// TestPublishedReport builds the seed's 2011 report with the disclosure
// package's protection for k = 3 and k = 5 and checks what the Markdown
// writer prints: (a) every number the disclosure package suppressed shows
// as "<k" or "x" and every other number as the disclosure tables show
// it; (b) no suppressed number can be derived from the printed tables and
// their totals (disclosure.Recoverable on the tables rebuilt from the
// output); (c) the text never states a suppressed number. The variant
// "unknown_age" is the demo data's situation: one person (from Latin
// America) has no known age, so the persons with a known age (printed
// nowhere) differ from the identified total; the headline stays printed.
func TestPublishedReport(t *testing.T) {
	for _, variant := range []string{"seed", "unknown_age"} {
		for _, k := range []int{3, 5} {
			for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
				t.Run(fmt.Sprintf("%s_k%d_%s", variant, k, lang), func(t *testing.T) {
					s := reporttest.Stats2011(t)
					if variant == "unknown_age" {
						withUnknownAge(s)
					}
					p := disclosure.SuppressStats(s, k)
					in := reporttest.Input(t, lang)
					in.Stats = s
					in = report.Publish(in, p)
					if in.K != k || in.Mask == nil {
						t.Fatalf("Publish: K %d, mask %v", in.K, in.Mask != nil)
					}
					d, err := report.Build(in)
					if err != nil {
						t.Fatal(err)
					}
					e := expected(s, p, lang)
					got := printedCells(t, d, e, k)
					checkRecoverable(t, k, lang, s, p, got)
					checkNarrative(t, k, lang, d, e)
					writeAll(t, d)
					// The headline: the identified total and the split by
					// authority are printed.
					persons := tr(lang, "Personer i alt", "Persons, total")
					if w := got["exploitation_gender"][[2]string{persons, tr(lang, "I alt", "Total")}]; w.hidden || w.value != s.Identified.Total {
						t.Errorf("identified total printed as hidden %v (%d)", w.hidden, w.value)
					}
					for _, a := range []string{"US", "CMM"} {
						if w := got["identified_by_year.data"][[2]string{strconv.Itoa(s.Year), nrm.Label("authority", a, lang)}]; w.hidden {
							t.Errorf("%s %d withheld", a, w.value)
						}
					}
				})
			}
		}
	}
}

// withUnknownAge makes the age of one person from Latin America unknown.
func withUnknownAge(s *nrm.Stats) {
	s.Age.Unknown++
	s.Age.Known--
	s.Age.Bands["25-29"]--
	la := s.Age.ByRegion["Latin America"]
	la.Count--
	s.Age.ByRegion["Latin America"] = la
}

// checkRecoverable runs the disclosure audit on every printed table with
// totals, rebuilt from the output, and on the one-way tables linked by
// the printed identified total and the regions' nationalities.
func checkRecoverable(t *testing.T, k int, lang nrm.Lang, s *nrm.Stats, p *disclosure.PublishedStats, got map[string]map[[2]string]want) {
	t.Helper()
	total := tr(lang, "I alt", "Total")
	num := tr(lang, "Antal", "Number")
	audit := func(name string, ms []disclosure.Masked, links []disclosure.Link) {
		t.Helper()
		if r := disclosure.RecoverableLinked(ms, links); len(r) > 0 {
			t.Errorf("%s: suppressed numbers recoverable from the printed tables: %v", name, r)
		}
	}

	// Forms × gender with the forms' totals.
	eg := got["exploitation_gender"]
	persons := tr(lang, "Personer i alt", "Persons, total")
	var forms, genders []string
	for _, f := range nrm.Codes("exploitation") {
		forms = append(forms, nrm.Label("exploitation", f, lang))
	}
	for _, g := range nrm.Codes("gender") {
		genders = append(genders, nrm.Label("gender", g, lang))
	}
	audit("exploitation_gender", []disclosure.Masked{grid(t, k, eg, forms, genders, total, nil)}, nil)

	// The one-way tables of the year's persons, all adding up to the
	// printed identified total; the regions add up their nationalities.
	identified := eg[[2]string{persons, total}]
	fig1 := got["identified_by_year.data"]
	auth := map[[2]string]want{}
	for _, a := range []string{"US", "CMM"} {
		auth[[2]string{a, num}] = fig1[[2]string{strconv.Itoa(s.Year), nrm.Label("authority", a, lang)}]
	}
	personsRow := map[[2]string]want{}
	for _, g := range genders {
		personsRow[[2]string{g, num}] = eg[[2]string{persons, g}]
	}
	// The persons whose age is unknown (stated in the text) complete the
	// age bands and the ages by region to the identified total.
	unknownAge := want{value: s.Age.Unknown}
	for i, b := range p.AgeBands.RowLabels {
		if b == disclosure.LabelUnknown {
			unknownAge.hidden = p.AgeBands.IsSuppressed(i, 0)
		}
	}
	const unknownRow = "?unknown"
	withUnknown := func(cells map[[2]string]want) map[[2]string]want {
		out := map[[2]string]want{{unknownRow, num}: unknownAge}
		for at, w := range cells {
			out[at] = w
		}
		return out
	}
	lists := []map[[2]string]want{auth, got["contact_form.data"], got["region.data"], got["nationality.data"], got["gender.data"],
		withUnknown(got["age.data"]), withUnknown(got["age_by_region"]), personsRow}
	var ms []disclosure.Masked
	var links []disclosure.Link
	for i, cells := range lists {
		rows := rowsOf(cells, num)
		ms = append(ms, grid(t, k, cells, rows, []string{num}, "", &identified))
		if i > 0 {
			links = append(links, disclosure.Link{Parts: []disclosure.Ref{{Table: i, Row: len(rows), Col: 0}}, Total: disclosure.Ref{Table: 0, Row: 2, Col: 0}})
		}
	}
	regionRow := map[string]int{}
	for i, r := range ms[2].RowLabels {
		regionRow[r] = i
	}
	byRegion := map[int][]disclosure.Ref{}
	for _, n := range s.NationalityRanking {
		name := tr(lang, n.NameDA, n.NameEN)
		for i, r := range ms[3].RowLabels {
			if r == name {
				ri := regionRow[nrm.Label("region", n.Region, lang)]
				byRegion[ri] = append(byRegion[ri], disclosure.Ref{Table: 3, Row: i, Col: 0})
			}
		}
	}
	for ri, parts := range byRegion {
		links = append(links, disclosure.Link{Parts: parts, Total: disclosure.Ref{Table: 2, Row: ri, Col: 0}})
	}
	// A region's count minus its count of known ages is the number of its
	// persons whose age is unknown: printed nowhere, but tied to both.
	regions, ages := ms[2], ms[6]
	unknownByRegion := map[[2]string]want{}
	for i, r := range regions.RowLabels {
		if j := slices.Index(ages.RowLabels, r); j >= 0 {
			unknownByRegion[[2]string{r, num}] = want{value: regions.Cells[i][0] - ages.Cells[j][0], hidden: true}
		}
	}
	ur := rowsOf(unknownByRegion, num)
	u := grid(t, k, unknownByRegion, ur, []string{num}, "", nil)
	u.Unpublished = true
	ms = append(ms, u)
	var uParts []disclosure.Ref
	for ui, r := range ur {
		uParts = append(uParts, disclosure.Ref{Table: 8, Row: ui, Col: 0})
		links = append(links, disclosure.Link{
			Parts: []disclosure.Ref{{Table: 6, Row: slices.Index(ages.RowLabels, r), Col: 0}, {Table: 8, Row: ui, Col: 0}},
			Total: disclosure.Ref{Table: 2, Row: slices.Index(regions.RowLabels, r), Col: 0}})
	}
	links = append(links, disclosure.Link{Parts: uParts, Total: disclosure.Ref{Table: 5, Row: slices.Index(ms[5].RowLabels, unknownRow), Col: 0}})
	audit("one-way tables", ms, links)

	// Returns: kinds × years with the kinds' totals.
	for _, id := range []string{"returns_period", "returns_cohort"} {
		cells := got[id]
		var kinds, years []string
		seen := map[string]bool{}
		for at := range cells {
			if at[1] != total && !seen[at[1]] {
				seen[at[1]] = true
				years = append(years, at[1])
			}
		}
		for _, kd := range nrm.Codes("exit_kind") {
			kinds = append(kinds, nrm.Label("exit_kind", kd, lang))
		}
		audit(id, []disclosure.Masked{grid(t, k, cells, kinds, sortStrings(years), total, nil)}, nil)
	}

	// Shelter: the buckets add up to the persons in shelter.
	acc := got["accommodation"]
	inShelter := acc[[2]string{"#0", tr(lang, "Antal personer", "Persons")}]
	sh := got["shelter.data"]
	audit("shelter", []disclosure.Masked{grid(t, k, sh, rowsOf(sh, num), []string{num}, "", &inShelter)}, nil)

	// Prosecution: the two kinds of conviction add up to the total.
	pr := got["prosecution"]
	conv := map[[2]string]want{{"c", "u"}: pr[[2]string{"#2", num}], {"c", "p"}: pr[[2]string{"#3", num}], {"c", "t"}: pr[[2]string{"#4", num}]}
	audit("prosecution", []disclosure.Masked{grid(t, k, conv, []string{"c"}, []string{"u", "p"}, "t", nil)}, nil)
}

// keywords names, per Mask address, the words a sentence about that
// number uses, in Danish and English.
func keywords(w want, lang nrm.Lang) []string {
	pick := func(da, en string) []string { return []string{tr(lang, da, en)} }
	switch w.table {
	case report.TabIdentified:
		switch w.code {
		case "US":
			return pick("Udlændingestyrelsen", "Immigration Service")
		case "CMM":
			return pick("Center mod Menneskehandel", "Centre against Human Trafficking")
		}
		return pick("officielt vurderet", "officially identified")
	case report.TabContactForm:
		return map[string][]string{"police": pick("politi", "police"), "outreach": pick("opsøgende", "outreach"),
			"health_service": pick("sundhed", "health"), "asylum_system": pick("asyl", "asylum"), "ngo": pick("organisation", "organisation")}[w.code]
	case report.TabRegion, report.TabAgeByRegion:
		return []string{nrm.Label("region", w.code, lang)}
	case report.TabExploitation:
		return map[string][]string{"sexual": pick("prostitution", "prostitution"), "forced_labour": pick("tvangsarbejde", "forced labour"),
			"forced_criminality": pick("kriminalitet", "criminal")}[w.code]
	case report.TabExploitationGender:
		return genderWords(w.col, lang)
	case report.TabGender:
		return genderWords(w.code, lang)
	case report.TabLabourSectors:
		return map[string][]string{"domestic_work": pick("husarbejde", "domestic"), "cleaning": pick("rengøring", "cleaning")}[w.code]
	case report.TabMinors:
		return pick("mindreårig", "minor")
	case report.TabShelter:
		return map[string][]string{"count": pick("krisecenter", "crisis shelter"), "still_at_year_end": pick("fortsat ophold", "still in a shelter")}[w.code]
	case report.TabPrivateHousing:
		return map[string][]string{"count": pick("privat indkvarteret", "private housing"), "still_at_year_end": pick("fortsat indkvarteret", "still housed"),
			"disappeared": pick("forsvundet", "disappeared"), "self_return": pick("egen hånd", "on their own")}[w.code]
	case report.TabReturnsPeriod, report.TabReturnsCohort:
		return map[string][]string{"prepared_return": pick("forberedt", "prepared return"), "return_via_social_org": pick("social organisation", "social organisation"),
			"return_via_police": pick("via politiet", "via the police"), "self_return": pick("egen hånd", "on their own"), "disappeared": pick("forsvundet", "disappeared")}[w.code]
	case report.TabReturnsPeriodByYear, report.TabReturnsCohortByYear:
		return pick("i "+w.code, "in "+w.code)
	case report.TabNationality:
		return nil // set by the caller: the name
	}
	return nil
}

func genderWords(g string, lang nrm.Lang) []string {
	return map[string][]string{"female": {tr(lang, "kvind", "wom")}, "male": {tr(lang, "mand", "men"), tr(lang, "mænd", "man ")},
		"transgender": {tr(lang, "transkøn", "transgender")}}[g]
}

// numberWords are the ways the text may state n.
func numberWords(n int, lang nrm.Lang) []string {
	out := []string{report.FormatInt(n, lang), report.Words(n, lang), report.WordsNeuter(n, lang)}
	switch {
	case n == 1:
		out = append(out, tr(lang, "et", "one"), tr(lang, "ét", "one"))
	case n == 0:
		out = append(out, tr(lang, "ingen", "no"), tr(lang, "ingen", "none"))
	}
	return out
}

// checkNarrative: no sentence states a suppressed number near the words
// that name it (within four words after the number), and none of the
// phrases the unprotected report uses for the seed's small groups
// appears.
func checkNarrative(t *testing.T, k int, lang nrm.Lang, d *report.Document, e expectations) {
	t.Helper()
	var texts []string
	for _, st := range []report.ParagraphStyle{report.StyleBody, report.StyleNote, report.StyleLead} {
		texts = append(texts, d.Paragraphs(st)...)
	}
	for _, tb := range d.Tables() {
		if !strings.HasPrefix(tb.ID, "plan.") {
			texts = append(texts, tb.Notes...)
		}
	}
	for _, f := range d.Figures() {
		texts = append(texts, f.Notes...)
	}
	text := strings.Join(texts, "\n")
	names := map[string]string{}
	for id, cells := range e {
		if id != "nationality.data" {
			continue
		}
		for at, w := range cells {
			names[w.code] = at[0]
		}
	}
	tokens := strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) })
	trim := func(s string) string { return strings.ToLower(strings.Trim(s, ",.;:()–-\"“”")) }
	checked := 0
	for _, cells := range e {
		for _, w := range cells {
			if !w.hidden || w.table == "" {
				continue
			}
			kws := keywords(w, lang)
			if w.table == report.TabNationality {
				kws = []string{names[w.code]}
			}
			if len(kws) == 0 {
				continue
			}
			checked++
			nums := map[string]bool{}
			for _, n := range numberWords(w.value, lang) {
				nums[strings.ToLower(n)] = true
			}
			for i, tok := range tokens {
				if !nums[trim(tok)] {
					continue
				}
				if i > 0 && (trim(tokens[i-1]) == "end" || trim(tokens[i-1]) == "than") {
					continue // "færre end tre": the threshold, not the number
				}
				window := strings.ToLower(strings.Join(tokens[i+1:min(len(tokens), i+5)], " "))
				for _, kw := range kws {
					if strings.Contains(window, strings.ToLower(kw)) {
						t.Errorf("the text states the suppressed %s/%s/%s = %d: %q", w.table, w.code, w.col, w.value,
							strings.Join(tokens[i:min(len(tokens), i+5)], " "))
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no suppressed number checked against the text")
	}
	bad := map[nrm.Lang][]string{
		nrm.LangDA: {"én person fra Mellemøsten", "to transkønnede", "to i form af husarbejde", "én i form af rengøring",
			"To kvinder er handlet til kriminalitet", "16 og 17 år", "to til kriminalitet", "heraf to i 2012",
			"én person, som blev vurderet handlet i 2010", "Mellemøsten: 22-22", "54 kvinder", "seksten forskellige lande", "16 forskellige lande",
			"To mindreårige"},
		nrm.LangEN: {"one person from the Middle East", "two transgender", "two in domestic work", "one in cleaning",
			"Two women were trafficked", "16 and 17", "two for forced criminality", "two of them in 2012", "54 women", "16 different countries",
			"Two minors"},
	}
	for _, b := range bad[lang] {
		if strings.Contains(text, b) {
			t.Errorf("the text states a suppressed number: %q", b)
		}
	}
	if !strings.Contains(text, tr(lang, "færre end ", "fewer than ")+report.Words(k, lang)) {
		t.Errorf("the text never says %q", tr(lang, "færre end ", "fewer than ")+report.Words(k, lang))
	}
}

// TestMaskFromDisclosure: the mask answers for the disclosure tables'
// suppressed cells, withholds unknown tables, and leaves the prosecution
// figures as reported.
func TestMaskFromDisclosure(t *testing.T) {
	if report.MaskFromDisclosure(nil) != nil {
		t.Error("nil PublishedStats gives a mask")
	}
	s := reporttest.Stats2011(t)
	p := disclosure.SuppressStats(s, 3)
	m := report.MaskFromDisclosure(p)
	for _, c := range []struct {
		table, row, col string
		want            bool
	}{
		{report.TabRegion, "Middle East", "", true},
		{report.TabRegion, "Africa", "", false},
		{report.TabExploitationGender, "sexual", "transgender", true},
		{report.TabIdentified, "total", "", false},
		{report.TabMinors, "count", "", true},
		{report.TabAgeByRegion, "Middle East", "max", true},
		{report.TabAgeByRegion, "Africa", "max", true}, // extremes are never published
		{report.TabMultiForm, "", "", true},
		{report.TabProsecution, "convictions_partly_suspended", "", false},
		{"no.such.table", "x", "", true},
	} {
		if got := m(c.table, c.row, c.col); got != c.want {
			t.Errorf("mask(%s, %s, %s) = %v, want %v", c.table, c.row, c.col, got, c.want)
		}
	}
	// Every suppressed number of the one-way tables is masked.
	for name, pair := range map[string]struct {
		m     disclosure.Masked
		table string
	}{"contact": {p.ByContactForm, report.TabContactForm}, "region": {p.ByRegion, report.TabRegion},
		"nationality": {p.ByNationality, report.TabNationality}, "sectors": {p.ForcedLabourSectors, report.TabLabourSectors}} {
		for i, l := range pair.m.RowLabels {
			if pair.m.IsSuppressed(i, 0) != m(pair.table, l, "") {
				t.Errorf("%s %s: suppressed %v, masked %v", name, l, pair.m.IsSuppressed(i, 0), m(pair.table, l, ""))
			}
		}
	}
	// Internal reports (k = 1) mask nothing that is shown.
	m1 := report.MaskFromDisclosure(disclosure.SuppressStats(s, 1))
	if m1(report.TabRegion, "Middle East", "") || m1(report.TabMinors, "count", "") {
		t.Error("k = 1 masks a cell")
	}
}

// TestPublishUniform: a table the disclosure package shows uniformly is
// shown with "x" only, never "<k", and the text calls its numbers
// undisclosed.
func TestPublishUniform(t *testing.T) {
	s := reporttest.Stats2011(t)
	p := disclosure.SuppressStats(s, 3)
	p.ByRegion.Uniform = true
	in := report.Publish(reporttest.Input(t, nrm.LangDA), p)
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range d.Tables() {
		if tb.ID != "region.data" {
			continue
		}
		for _, r := range tb.Rows {
			if c := r.Cells[1]; c.Withheld && c.Text != "x" {
				t.Errorf("uniform region %s shows %q", r.Cells[0].Text, c.Text)
			}
		}
	}
	if text := narrative(d); !strings.Contains(text, "et ikke oplyst antal personer fra Mellemøsten") {
		t.Errorf("narrative: %s", text)
	}
}

// countryNames maps the shipped countries' codes to their names in lang.
func countryNames(lang nrm.Lang) map[string]string {
	out := map[string]string{}
	cs, _ := refdata.Countries()
	for _, c := range cs {
		out[c.Code] = c.Name(lang)
	}
	return out
}
