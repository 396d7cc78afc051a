// Package xlsx writes the status report as an Excel workbook with
// excelize: a front sheet with the title, year, cut-off and the generated
// text, one sheet per table (tables that share a Sheet name are stacked
// on one sheet), and each figure's data with a native Excel chart.
package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"nrm"
	"nrm/report"
	"nrm/report/chart"
)

// Write renders d as an XLSX workbook.
func Write(w io.Writer, d *report.Document) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &book{f: f, d: d, used: map[string]bool{}, cache: map[string][]any{}}
	if err := x.styles(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := x.front(); err != nil {
		return fmt.Errorf("xlsx: front sheet: %w", err)
	}
	if err := x.tables(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	props := &excelize.DocProperties{Title: d.Title, Subject: d.Subtitle, Creator: "nrm", LastModifiedBy: "nrm", Language: string(d.Lang)}
	if !d.Generated.IsZero() {
		props.Created = d.Generated.UTC().Format("2006-01-02T15:04:05Z")
		props.Modified = props.Created
	}
	if err := f.SetDocProps(props); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	out, err := x.withCaches(buf.Bytes())
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	_, err = w.Write(out)
	return err
}

// chartRef matches a chart's reference to cells, with excelize's empty
// number cache or no string cache.
var chartRef = regexp.MustCompile(`<f>([^<]*)</f>(<numCache><formatCode></formatCode></numCache>)?</(numRef|strRef)>`)

// withCaches writes the cached values into every chart's references, so
// that a reader that does not recalculate (a viewer, a converter, Excel
// in protected view) shows the charts with their numbers and names.
func (x *book) withCaches(b []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			data = chartRef.ReplaceAllFunc(data, func(m []byte) []byte {
				sub := chartRef.FindSubmatch(m)
				ref := html.UnescapeString(string(sub[1]))
				vals, ok := x.cache[ref]
				if !ok {
					return m
				}
				var c strings.Builder
				if string(sub[3]) == "numRef" {
					c.WriteString(`<numCache><formatCode>General</formatCode>`)
				} else {
					c.WriteString(`<strCache>`)
				}
				fmt.Fprintf(&c, `<ptCount val="%d"></ptCount>`, len(vals))
				for i, v := range vals {
					var text string
					switch v := v.(type) {
					case nil:
						continue
					case float64:
						text = strconv.FormatFloat(v, 'f', -1, 64)
					case string:
						text = html.EscapeString(v)
					}
					fmt.Fprintf(&c, `<pt idx="%d"><v>%s</v></pt>`, i, text)
				}
				if string(sub[3]) == "numRef" {
					c.WriteString(`</numCache>`)
				} else {
					c.WriteString(`</strCache>`)
				}
				return []byte("<f>" + string(sub[1]) + "</f>" + c.String() + "</" + string(sub[3]) + ">")
			})
		}
		hdr := zf.FileHeader
		w, err := zw.CreateHeader(&hdr)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

type book struct {
	f    *excelize.File
	d    *report.Document
	used map[string]bool
	// cache holds the values behind each chart reference ("'Figur 1'!$B$3:$B$7"),
	// a float64, string or nil (an empty or withheld cell) per cell.
	cache map[string][]any
	st    struct{ title, subtitle, area, bold, header, wrap, note, int, dec, total, totalInt, withheld int }
}

func (x *book) styles() error {
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	defs := []struct {
		id *int
		s  *excelize.Style
	}{
		{&x.st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16, Color: report.Hex(report.Accent)}}},
		{&x.st.area, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 13, Color: report.Hex(report.Accent)}}},
		{&x.st.subtitle, &excelize.Style{Font: &excelize.Font{Size: 12, Color: "555555"}}},
		{&x.st.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&x.st.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top,
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{report.Hex(report.Shade)}},
			Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}}},
		{&x.st.wrap, &excelize.Style{Alignment: top}},
		{&x.st.note, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "555555"}, Alignment: top}},
		{&x.st.int, &excelize.Style{NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&x.st.dec, &excelize.Style{NumFmt: 4, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&x.st.total, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top,
			Border: []excelize.Border{{Type: "top", Color: "000000", Style: 2}}}},
		{&x.st.totalInt, &excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 3,
			Border: []excelize.Border{{Type: "top", Color: "000000", Style: 2}}}},
		{&x.st.withheld, &excelize.Style{Font: &excelize.Font{Color: "555555"}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}}},
	}
	for _, s := range defs {
		id, err := x.f.NewStyle(s.s)
		if err != nil {
			return err
		}
		*s.id = id
	}
	return nil
}

// sheetName makes a valid, unique sheet name: at most 31 characters, none
// of []:*?/\ and not used yet (case-insensitively).
func (x *book) sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, "'")
	if s == "" {
		s = "Sheet"
	}
	base := truncate(s, 31)
	name := base
	for i := 2; x.used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = truncate(base, 31-len(suffix)) + suffix
	}
	x.used[strings.ToLower(name)] = true
	return name
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func (x *book) set(sheet string, col, row int, v any, style int) error {
	c := cellName(col, row)
	if err := x.f.SetCellValue(sheet, c, v); err != nil {
		return err
	}
	if style != 0 {
		return x.f.SetCellStyle(sheet, c, c, style)
	}
	return nil
}

// fitHeight sets a row's height for wrapped text in a column of the
// given width (Excel does not fit row heights on opening).
func (x *book) fitHeight(sheet string, row int, text string, width float64) error {
	lines := 0
	for _, p := range strings.Split(text, "\n") {
		lines += max(1, int(math.Ceil(float64(utf8.RuneCountInString(p))/(width*1.15))))
	}
	if lines <= 1 {
		return nil
	}
	return x.f.SetRowHeight(sheet, row, math.Min(409, 15*float64(lines)))
}

// front is the first sheet: title, title-page facts and the narrative.
func (x *book) front() error {
	d := x.d
	name := x.sheetName(d.Words.Front)
	if err := x.f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	if err := x.f.SetColWidth(name, "A", "A", 28); err != nil {
		return err
	}
	if err := x.f.SetColWidth(name, "B", "B", 110); err != nil {
		return err
	}
	row := 1
	if err := x.set(name, 1, row, d.Title, x.st.title); err != nil {
		return err
	}
	row++
	if d.Subtitle != "" {
		if err := x.set(name, 1, row, d.Subtitle, x.st.subtitle); err != nil {
			return err
		}
		row++
	}
	row++
	for _, m := range d.Meta {
		if err := x.set(name, 1, row, m.Label, x.st.bold); err != nil {
			return err
		}
		if err := x.set(name, 2, row, m.Value, x.st.wrap); err != nil {
			return err
		}
		row++
	}
	row++
	if err := x.set(name, 1, row, d.Words.Narrative, x.st.title); err != nil {
		return err
	}
	row++
	for _, s := range d.Sections {
		first := true
		for _, b := range s.Blocks {
			if b.Kind != report.KindParagraph || !b.Paragraph.Narrative {
				continue
			}
			if first {
				if err := x.set(name, 1, row, s.Heading, x.st.bold); err != nil {
					return err
				}
				first = false
			}
			if err := x.set(name, 2, row, b.Paragraph.Text, x.st.wrap); err != nil {
				return err
			}
			if err := x.fitHeight(name, row, b.Paragraph.Text, 110); err != nil {
				return err
			}
			row++
		}
	}
	row++
	return x.set(name, 1, row, d.Footer, x.st.note)
}

// entry is a table on a sheet, with its figure when it is a figure's
// data.
type entry struct {
	table  *report.Table
	figure *report.Figure
	area   string // the heading of the section the table is in
	years  string // the sheet of a histogram's values per unit (year of age)
}

// tables writes the tables and figure data, grouped by sheet in order of
// first appearance.
func (x *book) tables() error {
	var order []string
	groups := map[string][]entry{}
	add := func(sheet string, e entry) {
		if _, ok := groups[sheet]; !ok {
			order = append(order, sheet)
		}
		groups[sheet] = append(groups[sheet], e)
	}
	n := 0
	for _, s := range x.d.Sections {
		area := s.Heading
		for _, b := range s.Blocks {
			switch b.Kind {
			case report.KindTable:
				n++
				sheet := b.Table.Sheet
				if sheet == "" {
					sheet = fmt.Sprintf("%s %d", x.d.Words.Table, n)
				}
				add(sheet, entry{table: b.Table, area: area})
			case report.KindFigure:
				if b.Figure.Data == nil {
					continue
				}
				sheet := b.Figure.Data.Sheet
				if sheet == "" {
					sheet = fmt.Sprintf("%s %d", x.d.Words.Figure, b.Figure.Number)
				}
				add(sheet, entry{table: b.Figure.Data, figure: b.Figure, area: area})
			}
		}
	}
	for _, sheet := range order {
		name := x.sheetName(sheet)
		if _, err := x.f.NewSheet(name); err != nil {
			return err
		}
		// A histogram's years get a sheet of their own right after the
		// figure's, so that its data table keeps one row per band.
		for i, e := range groups[sheet] {
			if histogram(e) {
				groups[sheet][i].years = x.sheetName(sheet + " " + x.tr("pr. år", "per year"))
				if _, err := x.f.NewSheet(groups[sheet][i].years); err != nil {
					return err
				}
			}
		}
		if err := x.sheet(name, groups[sheet]); err != nil {
			return fmt.Errorf("sheet %q: %w", name, err)
		}
	}
	return nil
}

// tr picks the document's language of a text of the workbook's own.
func (x *book) tr(da, en string) string {
	if x.d.Lang == nrm.LangEN {
		return en
	}
	return da
}

// histogram reports whether an entry is a figure drawn as a histogram
// (bands of unequal width on a continuous axis).
func histogram(e entry) bool {
	return e.figure != nil && e.figure.Chart.Intervals != nil && len(e.figure.Chart.Series) == 1 &&
		!chart.Empty(e.figure.Chart) && len(e.figure.Chart.Intervals) == len(e.figure.Chart.Categories)
}

func (x *book) sheet(name string, entries []entry) error {
	row := 1
	widths := map[int]float64{}
	maxCols := 0
	for _, e := range entries {
		t := e.table
		maxCols = max(maxCols, len(t.Columns))
		for i, c := range t.Columns {
			widths[i] = max(widths[i], colWidth(c.Label))
		}
		for _, r := range t.Rows {
			for i, c := range r.Cells {
				widths[i] = max(widths[i], colWidth(c.Text))
			}
		}
	}
	for i := 0; i < maxCols; i++ {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.f.SetColWidth(name, col, col, widths[i]); err != nil {
			return err
		}
	}
	// A sheet that holds the tables of several sections (the action
	// plan's areas) heads each section's tables with its heading.
	areas := false
	for _, e := range entries {
		areas = areas || e.area != entries[0].area
	}
	lastArea := ""
	frozen := false
	for _, e := range entries {
		t := e.table
		if areas && e.area != lastArea {
			if row > 1 {
				row++
			}
			if err := x.set(name, 1, row, e.area, x.st.area); err != nil {
				return err
			}
			row++
			lastArea = e.area
		}
		if t.Caption != "" && !(areas && t.Caption == e.area) {
			if err := x.set(name, 1, row, t.Caption, x.st.bold); err != nil {
				return err
			}
			row++
		}
		headerRow := row
		for i, c := range t.Columns {
			if err := x.set(name, i+1, row, c.Label, x.st.header); err != nil {
				return err
			}
		}
		row++
		if !frozen {
			// The first header row stays in view while scrolling.
			frozen = true
			if err := x.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headerRow,
				TopLeftCell: cellName(1, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
				return err
			}
		}
		first := row
		for ri, r := range t.Rows {
			tall := 0.0
			for i, c := range r.Cells {
				if err := x.cell(name, i+1, row, c, r.Total); err != nil {
					return err
				}
				if !c.IsNumber {
					lines := 0
					for _, p := range strings.Split(c.Text, "\n") {
						lines += max(1, int(math.Ceil(float64(utf8.RuneCountInString(p))/(widths[i]*1.15))))
					}
					tall = max(tall, float64(lines))
				}
			}
			if tall > 1 {
				if err := x.f.SetRowHeight(name, row, math.Min(409, 15*tall)); err != nil {
					return err
				}
			}
			if r.Total {
				if err := x.totals(name, t, ri, first, row); err != nil {
					return err
				}
			}
			row++
		}
		last := row - 1
		notes := t.Notes
		if e.figure != nil {
			// The figure's own notes (what is left out, how a histogram is
			// drawn) go with the chart, as they do under it elsewhere.
			for _, n := range e.figure.Notes {
				if !slices.Contains(notes, n) {
					notes = append(notes[:len(notes):len(notes)], n)
				}
			}
		}
		for _, note := range notes {
			if err := x.set(name, 1, row, note, x.st.note); err != nil {
				return err
			}
			row++
		}
		switch {
		case e.years != "":
			if err := x.histogram(name, e, headerRow, len(t.Columns)+2); err != nil {
				return err
			}
		case e.figure != nil && last >= first && !chart.Empty(e.figure.Chart):
			if err := x.chart(name, e.figure, t, headerRow, first, last, len(t.Columns)+2); err != nil {
				return err
			}
		}
		row++
	}
	return nil
}

// totals turns a total row's numbers into SUM formulas over the rows
// above it (back to the previous total), keeping the number as the cached
// value — but only where the sum is that number: a total of persons is
// not the sum of their several forms, and a column with a withheld cell
// keeps its printed value.
func (x *book) totals(sheet string, t *report.Table, ri, first, row int) error {
	from := 0
	for i := ri - 1; i >= 0; i-- {
		if t.Rows[i].Total {
			from = i + 1
			break
		}
	}
	if from == ri {
		return nil
	}
	for ci, c := range t.Rows[ri].Cells {
		if !c.IsNumber || c.Number != math.Trunc(c.Number) {
			continue
		}
		sum, ok := 0.0, true
		for _, r := range t.Rows[from:ri] {
			if ci >= len(r.Cells) || r.Cells[ci].Withheld || (!r.Cells[ci].IsNumber && strings.TrimSpace(r.Cells[ci].Text) != "") {
				ok = false
				break
			}
			sum += r.Cells[ci].Number
		}
		if !ok || sum != c.Number {
			continue
		}
		top := first + from
		formula := fmt.Sprintf("SUM(%s:%s)", cellName(ci+1, top), cellName(ci+1, row-1))
		if err := x.f.SetCellFormula(sheet, cellName(ci+1, row), formula); err != nil {
			return err
		}
	}
	return nil
}

func colWidth(s string) float64 {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, utf8.RuneCountInString(l))
	}
	return math.Min(70, math.Max(10, float64(n)*1.1+2))
}

func (x *book) cell(sheet string, col, row int, c report.Cell, total bool) error {
	switch {
	case c.IsNumber:
		style := x.st.int
		if c.Number != math.Trunc(c.Number) {
			style = x.st.dec
		} else if total {
			style = x.st.totalInt
		}
		if c.Number == math.Trunc(c.Number) {
			return x.set(sheet, col, row, int64(c.Number), style)
		}
		return x.set(sheet, col, row, c.Number, style)
	case c.Withheld:
		return x.set(sheet, col, row, c.Text, x.st.withheld)
	case total:
		return x.set(sheet, col, row, c.Text, x.st.total)
	}
	return x.set(sheet, col, row, c.Text, x.st.wrap)
}

// chart adds a native chart of a figure beside its data table.
func (x *book) chart(sheet string, f *report.Figure, t *report.Table, header, first, last, col int) error {
	ref := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!"
	abs := func(c, r int) string {
		name, _ := excelize.ColumnNumberToName(c)
		return fmt.Sprintf("$%s$%d", name, r)
	}
	var series []excelize.ChartSeries
	cats := ref + abs(1, first) + ":" + abs(1, last)
	for _, r := range t.Rows {
		x.cache[cats] = append(x.cache[cats], r.Cells[0].Text)
	}
	for i := 1; i < len(t.Columns); i++ {
		s := excelize.ChartSeries{
			Name:       ref + abs(i+1, header),
			Categories: cats,
			Values:     ref + abs(i+1, first) + ":" + abs(i+1, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{report.Hex(report.SeriesColor(i - 1))}},
		}
		x.cache[s.Name] = []any{t.Columns[i].Label}
		var vals []any
		for _, r := range t.Rows {
			if i < len(r.Cells) && r.Cells[i].IsNumber {
				vals = append(vals, r.Cells[i].Number)
			} else {
				vals = append(vals, nil)
			}
		}
		x.cache[s.Values] = vals
		series = append(series, s)
	}
	c := &excelize.Chart{
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: f.Caption}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		Dimension: excelize.ChartDimension{Width: 720, Height: 400},
	}
	if len(series) == 1 {
		c.Legend.Position = "none"
	}
	switch f.Chart.Kind {
	case report.ChartPie:
		c.Type = excelize.Pie
		c.Legend.Position = "right"
		c.PlotArea.ShowPercent = true
	case report.ChartStackedBar:
		c.Type = excelize.ColStacked
		if f.Chart.Horizontal {
			c.Type = excelize.BarStacked
		}
	default:
		c.Type = excelize.Col
		if f.Chart.Horizontal {
			c.Type = excelize.Bar
		}
	}
	if f.Chart.Horizontal {
		// Excel draws the first category at the bottom; the report lists it
		// at the top.
		c.XAxis.ReverseOrder = true
		c.Dimension.Height = uint(max(400, 22*(last-first+1)+120))
	}
	return x.f.AddChart(sheet, cellName(col, header), c)
}

// histogram writes a histogram's values per year of age on its own
// sheet, one row per year, and charts them beside the figure's data as
// touching columns: a band of 5 years is 5 columns as tall as its number
// divided by 5, so every band is as wide as the years it spans and its
// area is its number, as in the PDF and HTML figure. An open band ("60+")
// is as wide as its interval says (the figure's note tells). A withheld
// band is an "x" and draws nothing. The axis names each band's first
// year (the open band by its name) from a column of its own, since not
// every reader honours a chart's label interval.
func (x *book) histogram(sheet string, e entry, header, col int) error {
	f, t, ys := e.figure, e.table, e.years
	c := f.Chart
	s := c.Series[0]
	if err := x.set(ys, 1, 1, f.Caption+" – "+c.ValueLabel, x.st.bold); err != nil {
		return err
	}
	// The report draws only the age bands as a histogram.
	yearLabel := x.tr("Aldersår", "Year of age")
	heads := []string{yearLabel, c.ValueLabel, t.Columns[0].Label, x.tr("Tekst på figurens akse", "Label on the figure's axis")}
	for i, h := range heads {
		if err := x.set(ys, i+1, 2, h, x.st.header); err != nil {
			return err
		}
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.f.SetColWidth(ys, name, name, max(12, colWidth(h))); err != nil {
			return err
		}
	}
	if err := x.f.SetPanes(ys, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	var cats, vals []any
	row := 3
	for ci, iv := range c.Intervals {
		width := iv.To - iv.From
		withheld := ci < len(s.Labels) && withheldLabel(s.Labels[ci])
		for u := iv.From; u < iv.To; u++ {
			if err := x.set(ys, 1, row, int64(u), x.st.int); err != nil {
				return err
			}
			if withheld {
				if err := x.set(ys, 2, row, "x", x.st.withheld); err != nil {
					return err
				}
				vals = append(vals, nil)
			} else {
				// Rounded to the 15 digits a cell keeps, so that the
				// chart's cached value is the cell's.
				v, _ := strconv.ParseFloat(strconv.FormatFloat(s.Values[ci]/width, 'g', 15, 64), 64)
				if err := x.set(ys, 2, row, v, x.st.dec); err != nil {
					return err
				}
				vals = append(vals, v)
			}
			if err := x.set(ys, 3, row, c.Categories[ci], x.st.wrap); err != nil {
				return err
			}
			label := ""
			switch {
			case u == iv.From && iv.Open:
				label = c.Categories[ci]
			case u == iv.From:
				label = strconv.FormatFloat(u, 'f', -1, 64)
			}
			if label != "" {
				if err := x.set(ys, 4, row, label, x.st.wrap); err != nil {
					return err
				}
			}
			cats = append(cats, label)
			row++
		}
	}
	if len(cats) == 0 {
		return nil
	}
	if err := x.set(ys, 1, row+1, x.tr("Figuren tegner én søjle pr. aldersår, så hver aldersgruppe er lige så bred som de år, den spænder over, og søjlernes samlede areal er gruppens antal.",
		"The figure draws one column per year of age, so that each age band is as wide as the years it spans and its columns' area is the band's number."), x.st.note); err != nil {
		return err
	}
	ref := "'" + strings.ReplaceAll(ys, "'", "''") + "'!"
	last := strconv.Itoa(row - 1)
	catRef, valRef, nameRef := ref+"$D$3:$D$"+last, ref+"$B$3:$B$"+last, ref+"$B$2"
	x.cache[catRef], x.cache[valRef], x.cache[nameRef] = cats, vals, []any{c.ValueLabel}
	gap, noVary := uint(0), false
	ch := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{
			Name: nameRef, Categories: catRef, Values: valRef,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{report.Hex(report.SeriesColor(0))}},
		}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: f.Caption}}},
		VaryColors: &noVary,
		// The legend names what the columns' heights are: the number
		// per year of age, not the band's number.
		Legend:    excelize.ChartLegend{Position: "top"},
		Dimension: excelize.ChartDimension{Width: 720, Height: 400},
		GapWidth:  &gap,
		// Upright labels: a year's column is too narrow for "18" across,
		// and a reader would wrap it into "1" over "8".
		XAxis: excelize.ChartAxis{TickLabelSkip: 1, Alignment: excelize.Alignment{TextRotation: -90},
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: yearLabel}}}},
		YAxis: excelize.ChartAxis{MajorGridLines: true},
	}
	return x.f.AddChart(sheet, cellName(col, header), ch)
}

// withheldLabel reports whether a chart label stands for a withheld
// number ("<3", "x").
func withheldLabel(l string) bool { return strings.HasPrefix(l, "<") || l == "x" }
