// Package pdf writes the status report as an A4 PDF with fpdf: a title
// page, bookmarked headings, wrapped tables that break across pages with
// their header repeated, charts as PNG images, and "Side N" page numbers.
// Text is set in Liberation Sans embedded from bytes (UTF-8, so æ, ø, å
// and ¾ render and extract).
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot/vg"

	"nrm/report"
	"nrm/report/chart"
)

const (
	family     = "LiberationSans"
	marginL    = 22.0
	marginR    = 22.0
	marginTop  = 20.0
	marginBot  = 22.0
	bodySize   = 10.5
	bodyLine   = 5.2
	tableSize  = 8.5
	tableLine  = 4.0
	noteSize   = 8.5
	noteLine   = 4.0
	figureDPI  = 150
	chartWidth = 16 * vg.Centimeter
)

var accent = [3]int{0x1f, 0x4e, 0x79}

// Write renders d as PDF.
func Write(w io.Writer, d *report.Document) error {
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
	wr := &writer{p: p, d: d}
	p.SetFooterFunc(wr.footer)
	wr.titlePage()
	for _, s := range d.Sections {
		wr.section(s)
		for _, b := range s.Blocks {
			switch b.Kind {
			case report.KindParagraph:
				wr.paragraph(b.Paragraph)
			case report.KindTable:
				wr.table(b.Table, b.Table.Caption != s.Heading)
			case report.KindFigure:
				if err := wr.figure(b.Figure); err != nil {
					return err
				}
			}
			if p.Err() {
				return fmt.Errorf("pdf: %w", p.Error())
			}
		}
	}
	if err := p.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

type writer struct {
	p *fpdf.Fpdf
	d *report.Document
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

func (w *writer) ensure(h float64) {
	if w.space() < h {
		w.p.AddPage()
	}
}

func (w *writer) font(style string, size float64) { w.p.SetFont(family, style, size) }

func (w *writer) footer() {
	if w.p.PageNo() == 1 {
		return
	}
	p := w.p
	p.SetY(-14)
	w.font("", 7.5)
	p.SetTextColor(110, 110, 110)
	cw := w.contentWidth()
	p.CellFormat(cw*0.8, 5, w.d.Footer, "", 0, "L", false, 0, "")
	p.CellFormat(cw*0.2, 5, fmt.Sprintf("%s %d", w.d.Words.Page, p.PageNo()), "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func (w *writer) titlePage() {
	p := w.p
	p.AddPage()
	p.SetY(70)
	w.font("B", 26)
	p.SetTextColor(accent[0], accent[1], accent[2])
	p.MultiCell(0, 11, w.d.Title, "", "L", false)
	p.SetTextColor(0, 0, 0)
	if w.d.Subtitle != "" {
		p.Ln(3)
		w.font("", 14)
		p.MultiCell(0, 7, w.d.Subtitle, "", "L", false)
	}
	p.Ln(10)
	p.SetDrawColor(accent[0], accent[1], accent[2])
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

func (w *writer) section(s *report.Section) {
	p := w.p
	switch s.Level {
	case 1:
		p.AddPage()
		w.font("B", 18)
		p.SetTextColor(accent[0], accent[1], accent[2])
		p.Bookmark(s.Heading, 0, -1)
		p.MultiCell(0, 9, s.Heading, "", "L", false)
		p.SetTextColor(0, 0, 0)
		p.Ln(2)
	case 2:
		w.ensure(35)
		p.Ln(3)
		w.font("B", 13)
		p.Bookmark(s.Heading, 1, -1)
		p.MultiCell(0, 6.5, s.Heading, "", "L", false)
		p.Ln(1)
	default:
		w.ensure(30)
		p.Ln(2)
		w.font("B", 11)
		p.Bookmark(s.Heading, 2, -1)
		p.MultiCell(0, 5.5, s.Heading, "", "L", false)
		p.Ln(0.5)
	}
}

func (w *writer) paragraph(para *report.Paragraph) {
	p := w.p
	switch para.Style {
	case report.StyleNote:
		w.font("I", noteSize)
		p.SetTextColor(80, 80, 80)
		p.MultiCell(0, noteLine, para.Text, "", "L", false)
		p.SetTextColor(0, 0, 0)
	case report.StyleLead:
		w.ensure(20)
		w.font("B", bodySize)
		p.MultiCell(0, bodyLine, para.Text, "", "L", false)
	default:
		w.font("", bodySize)
		p.MultiCell(0, bodyLine, para.Text, "", "L", false)
	}
	p.Ln(2.2)
}

// cellLines wraps a cell's text to width: paragraphs are separated by an
// empty line, explicit line breaks kept.
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

func (w *writer) widths(t *report.Table) []float64 {
	total := 0.0
	for _, c := range t.Columns {
		total += weight(c)
	}
	out := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = w.contentWidth() * weight(c) / total
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

// table draws t with wrapped cells; a row that does not fit moves to the
// next page, and a row taller than a page is split by lines. The header
// row is repeated on every page.
func (w *writer) table(t *report.Table, caption bool) {
	p := w.p
	widths := w.widths(t)
	header := make([][]string, len(t.Columns))
	w.font("B", tableSize)
	headH := 0.0
	for i, c := range t.Columns {
		header[i] = w.cellLines(c.Label, widths[i])
		headH = max(headH, float64(len(header[i]))*tableLine+2*cellPad)
	}
	// Wrap every row first: a short table is kept on one page.
	rows := make([][][]string, len(t.Rows))
	height := headH
	for ri, r := range t.Rows {
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
			cells[i] = w.cellLines(text, widths[i])
			n = max(n, len(cells[i]))
		}
		rows[ri] = cells
		height += float64(n)*tableLine + 2*cellPad
	}
	_, ph := p.GetPageSize()
	if height < (ph-marginTop-marginBot)/2 {
		w.ensure(height + 12)
	}
	w.ensure(headH + 3*tableLine + 2*cellPad + 8)
	if caption && t.Caption != "" {
		w.font("B", 9.5)
		p.MultiCell(0, 5, t.Caption, "", "L", false)
		p.Ln(1)
	}
	drawHeader := func() {
		w.font("B", tableSize)
		y := p.GetY()
		x := marginL
		p.SetFillColor(0xe8, 0xee, 0xf4)
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
	capacity := int((ph - marginTop - marginBot - headH - 2*cellPad) / tableLine)
	p.SetAutoPageBreak(false, marginBot)
	defer p.SetAutoPageBreak(true, marginBot)
	for ri, r := range t.Rows {
		style := ""
		if r.Total {
			style = "B"
		}
		w.font(style, tableSize)
		cells := rows[ri]
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
			p.SetDrawColor(0xc8, 0xc8, 0xc8)
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

// figure places the chart image under its caption, both on one page.
func (w *writer) figure(f *report.Figure) error {
	p := w.p
	// fpdf orders images by pixel width only, so equal widths come out in
	// map order; one extra pixel per figure number keeps the file
	// byte-for-byte reproducible (the image is scaled to the page anyway).
	width := chartWidth + vg.Length(f.Number)*vg.Inch/figureDPI
	png, err := chart.PNG(f.Chart, chart.Options{Width: width, DPI: figureDPI})
	if err != nil {
		return fmt.Errorf("pdf: figure %d: %w", f.Number, err)
	}
	name := fmt.Sprintf("figure-%d", f.Number)
	info := p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	if p.Err() {
		return fmt.Errorf("pdf: figure %d: %w", f.Number, p.Error())
	}
	iw := w.contentWidth()
	ih := iw * info.Height() / info.Width()
	w.ensure(ih + 14)
	y := p.GetY()
	p.ImageOptions(name, marginL, y, iw, ih, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	p.SetY(y + ih + 1.5)
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
