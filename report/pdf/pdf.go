// Package pdf writes the status report as an A4 PDF with fpdf: a title
// page, a printed table of contents with page numbers, bookmarked headings
// kept with what follows them, wrapped tables that break across pages
// with their header repeated, charts drawn as vector graphics from the
// chart package's layout (no raster images), and "Side N af M" ("Page N
// of M") at the foot of every page. Text is set in Liberation Sans
// embedded from bytes (UTF-8, so æ, ø, å and ¾ render and extract).
//
// The document is laid out twice: the first pass finds the page of every
// heading and the number of pages, the second prints them.
package pdf

import (
	"fmt"
	"image/color"
	"io"
	"slices"
	"strings"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"nrm"
	"nrm/report"
	"nrm/report/chart"
)

const (
	family    = "LiberationSans"
	marginL   = 22.0
	marginR   = 22.0
	marginTop = 20.0
	marginBot = 22.0
	bodySize  = 10.5
	bodyLine  = 5.2
	tableSize = 8.5
	tableLine = 4.0
	noteSize  = 8.5
	noteLine  = 4.0
	// ptMM converts points to millimetres.
	ptMM = 25.4 / 72
)

// of is the word between the page number and the page count.
func of(l nrm.Lang) string {
	if l == nrm.LangEN {
		return "of"
	}
	return "af"
}

// Write renders d as PDF.
func Write(w io.Writer, d *report.Document) error {
	first, err := render(d, nil, 0)
	if err != nil {
		return err
	}
	second, err := render(d, first.pages, first.total)
	if err != nil {
		return err
	}
	if !slices.Equal(first.pages, second.pages) || first.total != second.total {
		return fmt.Errorf("pdf: the contents moved between passes (%v, %v)", first.pages, second.pages)
	}
	if err := second.p.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// result is one layout pass: the document, the page of every contents
// entry and the number of pages.
type result struct {
	p     *fpdf.Fpdf
	pages []int
	total int
}

// contents lists the sections the table of contents shows: chapters and
// their sections, as in the HTML report.
func contents(d *report.Document) []*report.Section {
	var out []*report.Section
	for _, s := range d.Sections {
		if s.Level <= 2 {
			out = append(out, s)
		}
	}
	return out
}

func render(d *report.Document, pages []int, total int) (*result, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(marginL, marginTop, marginR)
	p.SetAutoPageBreak(true, marginBot)
	p.AddUTF8FontFromBytes(family, "", liberationsansregular.TTF)
	p.AddUTF8FontFromBytes(family, "B", liberationsansbold.TTF)
	p.AddUTF8FontFromBytes(family, "I", liberationsansitalic.TTF)
	p.SetTitle(d.Title, true)
	p.SetSubject(d.Subtitle, true)
	p.SetAuthor("nrm", true)
	p.SetCreator("nrm", true)
	p.SetLang(string(d.Lang))
	if !d.Generated.IsZero() {
		p.SetCreationDate(d.Generated)
		p.SetModificationDate(d.Generated)
	}
	p.SetCatalogSort(true)
	wr := &writer{p: p, d: d, total: total, links: map[*report.Section]int{}}
	p.SetFooterFunc(wr.footer)
	wr.titlePage()
	toc := contents(d)
	for _, s := range toc {
		wr.links[s] = p.AddLink()
	}
	wr.contents(toc, pages)
	for si, s := range d.Sections {
		wr.section(d.Sections, si)
		for bi, b := range s.Blocks {
			switch b.Kind {
			case report.KindParagraph:
				next := 0.0
				if b.Paragraph.Style == report.StyleLead && bi+1 < len(s.Blocks) {
					next = wr.firstHeight(s.Blocks[bi+1], s)
				}
				wr.paragraph(b.Paragraph, next)
			case report.KindTable:
				wr.table(b.Table, b.Table.Caption != s.Heading)
			case report.KindFigure:
				if err := wr.figure(b.Figure); err != nil {
					return nil, err
				}
			}
			if p.Err() {
				return nil, fmt.Errorf("pdf: %w", p.Error())
			}
		}
	}
	p.Close()
	if p.Err() {
		return nil, fmt.Errorf("pdf: %w", p.Error())
	}
	r := &result{p: p, total: p.PageCount()}
	for _, s := range toc {
		r.pages = append(r.pages, wr.page[s])
	}
	return r, nil
}

type writer struct {
	p     *fpdf.Fpdf
	d     *report.Document
	total int // pages in the document (0 in the first pass)
	links map[*report.Section]int
	page  map[*report.Section]int
}

func (w *writer) contentWidth() float64 {
	pw, _ := w.p.GetPageSize()
	return pw - marginL - marginR
}

// space is the room left on the page above the bottom margin.
func (w *writer) space() float64 {
	_, ph := w.p.GetPageSize()
	return ph - marginBot - w.p.GetY()
}

// pageRoom is the height of a page's text area.
func (w *writer) pageRoom() float64 {
	_, ph := w.p.GetPageSize()
	return ph - marginTop - marginBot
}

func (w *writer) ensure(h float64) {
	if w.space() < h {
		w.p.AddPage()
	}
}

func (w *writer) font(style string, size float64) { w.p.SetFont(family, style, size) }

func (w *writer) color(c color.RGBA) { w.p.SetTextColor(int(c.R), int(c.G), int(c.B)) }

func (w *writer) footer() {
	if w.p.PageNo() == 1 {
		return
	}
	p := w.p
	p.SetY(-14)
	w.font("", 7.5)
	p.SetTextColor(110, 110, 110)
	cw := w.contentWidth()
	page := fmt.Sprintf("%s %d", w.d.Words.Page, p.PageNo())
	if w.total > 0 {
		page += fmt.Sprintf(" %s %d", of(w.d.Lang), w.total)
	}
	p.CellFormat(cw*0.8, 5, w.d.Footer, "", 0, "L", false, 0, "")
	p.CellFormat(cw*0.2, 5, page, "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func (w *writer) titlePage() {
	p := w.p
	p.AddPage()
	p.SetY(70)
	w.font("B", 26)
	w.color(report.Accent)
	p.MultiCell(0, 11, w.d.Title, "", "L", false)
	p.SetTextColor(0, 0, 0)
	if w.d.Subtitle != "" {
		p.Ln(3)
		w.font("", 14)
		p.MultiCell(0, 7, w.d.Subtitle, "", "L", false)
	}
	p.Ln(10)
	p.SetDrawColor(int(report.Accent.R), int(report.Accent.G), int(report.Accent.B))
	p.SetLineWidth(0.8)
	p.Line(marginL, p.GetY(), marginL+w.contentWidth(), p.GetY())
	p.SetLineWidth(0.2)
	p.Ln(6)
	for _, f := range w.d.Meta {
		w.font("B", 10)
		p.CellFormat(50, 6, f.Label, "", 0, "L", false, 0, "")
		w.font("", 10)
		p.MultiCell(0, 6, f.Value, "", "L", false)
	}
}

// contents prints the table of contents on its own page(s): chapters in
// bold, their sections indented, each with a dotted leader to its page
// number and a link to the heading. In the first pass the numbers are
// not known yet and left blank; the layout does not depend on them.
func (w *writer) contents(toc []*report.Section, pages []int) {
	if len(toc) == 0 {
		return
	}
	p := w.p
	p.AddPage()
	w.font("B", 18)
	w.color(report.Accent)
	p.MultiCell(0, 9, w.d.Words.Contents, "", "L", false)
	p.SetTextColor(0, 0, 0)
	p.Ln(3)
	const numW = 12.0
	for i, s := range toc {
		indent, style, size, line := 0.0, "B", 10.5, 5.6
		if s.Level > 1 {
			indent, style, size, line = 6, "", 10, 5.2
		}
		if s.Level == 1 && i > 0 {
			p.Ln(1.5)
		}
		w.font(style, size)
		textW := w.contentWidth() - indent - numW - 4
		lines := p.SplitText(s.Heading, textW)
		w.ensure(float64(len(lines)) * line)
		y := p.GetY()
		for j, l := range lines {
			p.SetXY(marginL+indent, y+float64(j)*line)
			p.CellFormat(textW, line, l, "", 0, "L", false, 0, "")
		}
		last := y + float64(len(lines)-1)*line
		// Dotted leader from the end of the last line to the number.
		end := marginL + indent + p.GetStringWidth(lines[len(lines)-1]) + 2*p.GetCellMargin() + 1
		numX := marginL + w.contentWidth() - numW
		w.font("", size)
		p.SetTextColor(140, 140, 140)
		dot := p.GetStringWidth(". ")
		if n := int((numX - end) / dot); n > 0 {
			p.SetXY(numX-float64(n)*dot, last)
			p.CellFormat(float64(n)*dot, line, strings.Repeat(". ", n), "", 0, "L", false, 0, "")
		}
		p.SetTextColor(0, 0, 0)
		num := ""
		if i < len(pages) && pages[i] > 0 {
			num = fmt.Sprint(pages[i])
		}
		w.font(style, size)
		p.SetXY(numX, last)
		p.CellFormat(numW, line, num, "", 0, "R", false, 0, "")
		p.Link(marginL+indent, y, w.contentWidth()-indent, last+line-y, w.links[s])
		p.SetY(last + line)
	}
}

// headingHeight is the height a heading takes on the page.
func (w *writer) headingHeight(s *report.Section) float64 {
	style := [...]struct{ size, line, before, after float64 }{{18, 9, 0, 2}, {13, 6.5, 3, 1}, {11, 5.5, 2, 0.5}}[min(max(s.Level, 1), 3)-1]
	w.font("B", style.size)
	return style.before + float64(len(w.p.SplitText(s.Heading, w.contentWidth())))*style.line + style.after
}

// keep is the height that must fit under the top of section i's heading
// so that the heading is not left alone at a page foot: the heading, and
// the start of its first block, or of the next section when it has none.
func (w *writer) keep(secs []*report.Section, i int) float64 {
	s := secs[i]
	h := w.headingHeight(s)
	switch {
	case len(s.Blocks) > 0:
		first := w.firstHeight(s.Blocks[0], s)
		if b := s.Blocks[0]; b.Kind == report.KindParagraph && b.Paragraph.Style == report.StyleLead && len(s.Blocks) > 1 {
			first += w.firstHeight(s.Blocks[1], s)
		}
		h += first
	case i+1 < len(secs) && secs[i+1].Level > s.Level:
		h += w.keep(secs, i+1)
	}
	return min(h, w.pageRoom())
}

// firstHeight is the least of a block that must follow a heading or a
// lead line on the same page: up to three lines of a paragraph, a
// table's caption, header and first rows, or a whole figure.
func (w *writer) firstHeight(b report.Block, s *report.Section) float64 {
	switch b.Kind {
	case report.KindParagraph:
		size, line := bodySize, bodyLine
		style := ""
		switch b.Paragraph.Style {
		case report.StyleNote:
			style, size, line = "I", noteSize, noteLine
		case report.StyleLead:
			style = "B"
		}
		w.font(style, size)
		n := len(w.p.SplitText(b.Paragraph.Text, w.contentWidth()))
		return float64(min(n, 3)) * line
	case report.KindTable:
		lt := w.prepare(b.Table, b.Table.Caption != s.Heading)
		if all := lt.height(); all < w.pageRoom()/2 {
			return all + 4 // a short table is kept whole
		}
		return lt.captionH + lt.headH + lt.firstRows() + 2
	case report.KindFigure:
		return w.figureHeight(b.Figure)
	}
	return 0
}

func (w *writer) section(secs []*report.Section, i int) {
	p := w.p
	s := secs[i]
	switch s.Level {
	case 1:
		p.AddPage()
		w.font("B", 18)
		w.color(report.Accent)
		w.mark(s, 0)
		p.MultiCell(0, 9, s.Heading, "", "L", false)
		p.SetTextColor(0, 0, 0)
		p.Ln(2)
	case 2:
		w.ensure(w.keep(secs, i))
		p.Ln(3)
		w.font("B", 13)
		w.mark(s, 1)
		p.MultiCell(0, 6.5, s.Heading, "", "L", false)
		p.Ln(1)
	default:
		w.ensure(w.keep(secs, i))
		p.Ln(2)
		w.font("B", 11)
		w.mark(s, 2)
		p.MultiCell(0, 5.5, s.Heading, "", "L", false)
		p.Ln(0.5)
	}
}

// mark bookmarks a heading, records its page and points its contents
// link at it.
func (w *writer) mark(s *report.Section, level int) {
	p := w.p
	p.Bookmark(s.Heading, level, -1)
	if w.page == nil {
		w.page = map[*report.Section]int{}
	}
	w.page[s] = p.PageNo()
	if link, ok := w.links[s]; ok {
		p.SetLink(link, p.GetY(), -1)
	}
}

// paragraph sets a paragraph; next is the height of what a lead line
// must be kept with.
func (w *writer) paragraph(para *report.Paragraph, next float64) {
	p := w.p
	switch para.Style {
	case report.StyleNote:
		w.font("I", noteSize)
		p.SetTextColor(80, 80, 80)
		p.MultiCell(0, noteLine, para.Text, "", "L", false)
		p.SetTextColor(0, 0, 0)
	case report.StyleLead:
		w.font("B", bodySize)
		lines := len(p.SplitText(para.Text, w.contentWidth()))
		w.ensure(min(float64(lines)*bodyLine+next, w.pageRoom()))
		w.font("B", bodySize)
		p.MultiCell(0, bodyLine, para.Text, "", "L", false)
	default:
		w.font("", bodySize)
		p.MultiCell(0, bodyLine, para.Text, "", "L", false)
	}
	p.Ln(2.2)
}

// cellLines wraps a cell's text to a column of width (SplitText keeps
// the cell margins): paragraphs are separated by an empty line, explicit
// line breaks kept.
func (w *writer) cellLines(text string, width float64) []string {
	var out []string
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for i, para := range strings.Split(text, "\n\n") {
		if i > 0 {
			out = append(out, "")
		}
		for _, l := range strings.Split(para, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			out = append(out, w.p.SplitText(l, width)...)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

func weight(c report.Column) float64 {
	if c.Weight > 0 {
		return c.Weight
	}
	return 1
}

const cellPad = 1.2

// tableLayout is a table wrapped to the page: column widths, the header
// font size and lines, each row's lines and heights.
type tableLayout struct {
	widths   []float64
	headSize float64
	header   [][]string
	headH    float64
	rows     [][][]string
	rowH     []float64
	captionH float64
}

// widths shares the content width among the columns by weight, but never
// gives a column less than its longest header word (so that no header
// breaks inside a word) or its widest number; when the minimums do not
// fit, the header is set smaller.
func (w *writer) widths(t *report.Table) ([]float64, float64) {
	p := w.p
	cm := p.GetCellMargin()
	cw := w.contentWidth()
	// First try to keep every word of the body whole too; a column of
	// long words may make that impossible, the header words never.
	for _, body := range []bool{true, false} {
		for size := tableSize; ; size -= 0.5 {
			if body && size < tableSize {
				break
			}
			need := make([]float64, len(t.Columns))
			w.font("B", size)
			for i, c := range t.Columns {
				for _, word := range strings.Fields(c.Label) {
					need[i] = max(need[i], p.GetStringWidth(word)+2*cm+0.5)
				}
			}
			for _, r := range t.Rows {
				style := ""
				if r.Total {
					style = "B"
				}
				w.font(style, tableSize)
				for i, c := range r.Cells {
					if i >= len(t.Columns) {
						continue
					}
					if t.Columns[i].Numeric || c.IsNumber {
						need[i] = max(need[i], p.GetStringWidth(c.Text)+2*cm+0.5)
					} else if body {
						for _, word := range strings.Fields(c.Text) {
							need[i] = max(need[i], p.GetStringWidth(word)+2*cm+0.5)
						}
					}
				}
			}
			sum := 0.0
			for _, n := range need {
				sum += n
			}
			if sum <= cw || (!body && size <= 6) {
				return share(cw, t.Columns, need), size
			}
		}
	}
	panic("unreachable")
}

// share divides total by weight, raising every column to its minimum and
// taking the difference from the columns above theirs.
func share(total float64, cols []report.Column, need []float64) []float64 {
	out := make([]float64, len(cols))
	fixed := make([]bool, len(cols))
	for {
		rest, weights := total, 0.0
		for i, c := range cols {
			if fixed[i] {
				rest -= out[i]
			} else {
				weights += weight(c)
			}
		}
		changed := false
		for i, c := range cols {
			if fixed[i] {
				continue
			}
			out[i] = rest * weight(c) / weights
			if out[i] < need[i] {
				out[i], fixed[i], changed = need[i], true, true
			}
		}
		if !changed {
			return out
		}
	}
}

// height is the whole table's height.
func (lt *tableLayout) height() float64 {
	h := lt.captionH + lt.headH
	for _, r := range lt.rowH {
		h += r
	}
	return h
}

// firstRows is the height of the rows that must not be parted from the
// header: the first two.
func (lt *tableLayout) firstRows() float64 {
	h := 0.0
	for i := 0; i < min(2, len(lt.rowH)); i++ {
		h += lt.rowH[i]
	}
	return h
}

func (w *writer) prepare(t *report.Table, caption bool) *tableLayout {
	p := w.p
	lt := &tableLayout{}
	lt.widths, lt.headSize = w.widths(t)
	w.font("B", lt.headSize)
	lt.header = make([][]string, len(t.Columns))
	for i, c := range t.Columns {
		lt.header[i] = w.cellLines(c.Label, lt.widths[i])
		lt.headH = max(lt.headH, float64(len(lt.header[i]))*tableLine+2*cellPad)
	}
	for _, r := range t.Rows {
		style := ""
		if r.Total {
			style = "B"
		}
		w.font(style, tableSize)
		cells := make([][]string, len(t.Columns))
		n := 1
		for i := range t.Columns {
			text := ""
			if i < len(r.Cells) {
				text = r.Cells[i].Text
			}
			cells[i] = w.cellLines(text, lt.widths[i])
			n = max(n, len(cells[i]))
		}
		lt.rows = append(lt.rows, cells)
		lt.rowH = append(lt.rowH, float64(n)*tableLine+2*cellPad)
	}
	if caption && t.Caption != "" {
		w.font("B", 9.5)
		lt.captionH = float64(len(p.SplitText(t.Caption, w.contentWidth())))*5 + 1
	}
	return lt
}

// table draws t with wrapped cells; a row that does not fit moves to the
// next page, and a row taller than a page is split by lines. The header
// row is repeated on every page; a short table is kept on one page.
func (w *writer) table(t *report.Table, caption bool) {
	p := w.p
	lt := w.prepare(t, caption)
	widths, header, headH := lt.widths, lt.header, lt.headH
	if height := lt.height(); height < w.pageRoom()/2 {
		w.ensure(height + 4)
	}
	w.ensure(lt.captionH + headH + lt.firstRows() + 2)
	if caption && t.Caption != "" {
		w.font("B", 9.5)
		p.MultiCell(0, 5, t.Caption, "", "L", false)
		p.Ln(1)
	}
	drawHeader := func() {
		w.font("B", lt.headSize)
		y := p.GetY()
		x := marginL
		p.SetFillColor(int(report.Shade.R), int(report.Shade.G), int(report.Shade.B))
		p.Rect(x, y, w.contentWidth(), headH, "F")
		for i, lines := range header {
			for j, l := range lines {
				p.SetXY(x, y+cellPad+float64(j)*tableLine)
				p.CellFormat(widths[i], tableLine, l, "", 0, align(t.Columns[i]), false, 0, "")
			}
			x += widths[i]
		}
		p.SetY(y + headH)
	}
	drawHeader()
	capacity := int((w.pageRoom() - headH - 2*cellPad) / tableLine)
	p.SetAutoPageBreak(false, marginBot)
	defer p.SetAutoPageBreak(true, marginBot)
	for ri, r := range t.Rows {
		style := ""
		if r.Total {
			style = "B"
		}
		w.font(style, tableSize)
		cells := lt.rows[ri]
		n := 1
		for _, c := range cells {
			n = max(n, len(c))
		}
		if r.Total {
			p.SetDrawColor(0, 0, 0)
			p.SetLineWidth(0.4)
			p.Line(marginL, p.GetY(), marginL+w.contentWidth(), p.GetY())
			p.SetLineWidth(0.2)
		}
		for from := 0; from < n; {
			room := int((w.space() - 2*cellPad) / tableLine)
			// Split a row only when it is taller than a whole page, and
			// never leave fewer than three of its lines at a page foot.
			if room < min(n-from, 3) || (from == 0 && n > room && n <= capacity) {
				p.AddPage()
				drawHeader()
				w.font(style, tableSize)
				continue
			}
			to := min(n, from+room)
			y := p.GetY()
			x := marginL
			for i, lines := range cells {
				for j := from; j < to && j < len(lines); j++ {
					p.SetXY(x, y+cellPad+float64(j-from)*tableLine)
					p.CellFormat(widths[i], tableLine, lines[j], "", 0, align(t.Columns[i]), false, 0, "")
				}
				x += widths[i]
			}
			h := float64(to-from)*tableLine + 2*cellPad
			p.SetDrawColor(int(report.Rule.R), int(report.Rule.G), int(report.Rule.B))
			p.Line(marginL, y+h, marginL+w.contentWidth(), y+h)
			p.SetY(y + h)
			from = to
		}
	}
	p.SetDrawColor(0, 0, 0)
	p.SetAutoPageBreak(true, marginBot)
	if len(t.Notes) > 0 {
		p.Ln(1.5)
		w.font("I", noteSize-0.5)
		p.SetTextColor(80, 80, 80)
		for _, note := range t.Notes {
			p.MultiCell(0, noteLine-0.3, note, "", "L", false)
			p.Ln(0.8)
		}
		p.SetTextColor(0, 0, 0)
	}
	p.Ln(3)
}

func align(c report.Column) string {
	if c.Numeric {
		return "R"
	}
	return "L"
}

// scene lays out a figure's chart to the text width, nil when the chart
// is empty.
func (w *writer) scene(f *report.Figure) (*chart.Scene, error) {
	if chart.Empty(f.Chart) {
		return nil, nil
	}
	sc, err := chart.Layout(f.Chart, chart.Options{Width: w.contentWidth() / ptMM, Height: 0, Lang: w.d.Lang})
	if err != nil {
		return nil, fmt.Errorf("pdf: figure %d: %w", f.Number, err)
	}
	return sc, nil
}

// figureHeight is the height of a figure with its caption and notes.
func (w *writer) figureHeight(f *report.Figure) float64 {
	h := 0.0
	if sc, err := w.scene(f); err == nil && sc != nil {
		h += sc.H*ptMM + 1.5
	}
	w.font("B", 9.5)
	h += float64(len(w.p.SplitText(f.Caption, w.contentWidth()))) * 5
	w.font("I", noteSize-0.5)
	for _, n := range f.Notes {
		h += float64(len(w.p.SplitText(n, w.contentWidth()))) * (noteLine - 0.3)
	}
	return min(h, w.pageRoom())
}

// figure draws the chart as vector graphics with its caption and notes
// under it, all on one page; an empty chart is not drawn.
func (w *writer) figure(f *report.Figure) error {
	p := w.p
	sc, err := w.scene(f)
	if err != nil {
		return err
	}
	w.ensure(w.figureHeight(f) + 2)
	if sc != nil {
		y := p.GetY()
		w.draw(sc, marginL, y)
		p.SetY(y + sc.H*ptMM + 1.5)
	}
	w.font("B", 9.5)
	p.MultiCell(0, 5, f.Caption, "", "L", false)
	for _, n := range f.Notes {
		w.font("I", noteSize-0.5)
		p.SetTextColor(80, 80, 80)
		p.MultiCell(0, noteLine-0.3, n, "", "L", false)
		p.SetTextColor(0, 0, 0)
	}
	p.Ln(4)
	return nil
}

// draw paints a chart scene with its top left corner at x, y (mm).
func (w *writer) draw(sc *chart.Scene, x, y float64) {
	p := w.p
	at := func(px, py float64) (float64, float64) { return x + px*ptMM, y + py*ptMM }
	line := func(l chart.Line) {
		p.SetDrawColor(int(l.Color.R), int(l.Color.G), int(l.Color.B))
		p.SetLineWidth(l.Width * ptMM)
		x1, y1 := at(l.X1, l.Y1)
		x2, y2 := at(l.X2, l.Y2)
		p.Line(x1, y1, x2, y2)
	}
	for _, l := range sc.Lines {
		if l.Color != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
			line(l)
		}
	}
	for _, r := range sc.Rects {
		p.SetFillColor(int(r.Fill.R), int(r.Fill.G), int(r.Fill.B))
		rx, ry := at(r.X0, r.Y0)
		p.Rect(rx, ry, (r.X1-r.X0)*ptMM, (r.Y1-r.Y0)*ptMM, "F")
	}
	for _, l := range sc.Lines {
		if l.Color == (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
			line(l)
		}
	}
	for _, pg := range sc.Polys {
		pts := make([]fpdf.PointType, len(pg.Points))
		for i, pt := range pg.Points {
			pts[i].X, pts[i].Y = at(pt.X, pt.Y)
		}
		p.SetFillColor(int(pg.Fill.R), int(pg.Fill.G), int(pg.Fill.B))
		p.SetDrawColor(255, 255, 255)
		p.SetLineWidth(0.3)
		p.Polygon(pts, "FD")
	}
	for _, t := range sc.Texts {
		style := ""
		if t.Bold {
			style = "B"
		}
		w.font(style, t.Size)
		w.color(t.Color)
		tx, ty := at(t.X, t.Y)
		switch t.Anchor {
		case chart.Middle:
			tx -= p.GetStringWidth(t.S) / 2
		case chart.End:
			tx -= p.GetStringWidth(t.S)
		}
		p.Text(tx, ty, t.S)
	}
	p.SetTextColor(0, 0, 0)
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.2)
}
