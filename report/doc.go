// Package report builds the annual status report (design.md §4, "The
// report") as a format-neutral Document: the introduction, the action
// plan's new activities and the statistics with figures and a narrative
// generated from the numbers. Writers for HTML, Markdown, PDF and XLSX live
// in subpackages so that their libraries stay out of the core.
package report

import (
	"time"

	"nrm"
)

// Document is the whole report in one language: title-page facts and
// ordered sections of paragraphs, tables and figures.
type Document struct {
	Lang      nrm.Lang  // language of every text
	Title     string    // "Statusrapport 2011"
	Subtitle  string    // the action plan's name, or the effort's
	Year      int       // reporting year
	Cutoff    nrm.Date  // facts dated after it do not count
	Generated time.Time // when the report was made (zero: not shown)
	// K is the disclosure threshold applied (0 or 1: none, an internal
	// report).
	K int
	// Meta holds the title-page facts in display order.
	Meta     []Field
	Sections []*Section // in reading order
	// Footer is the line shown at the foot of every page.
	Footer string
	// Words holds the writers' fixed words in the document's language.
	Words Chrome
}

// Chrome is the fixed wording writers put around the content.
type Chrome struct {
	Page       string // "Side"
	Contents   string // "Indhold"
	Figure     string // "Figur"
	Table      string // "Tabel"
	FigureData string // heading of a figure's data table
	Front      string // name of the XLSX front sheet
	Narrative  string // heading of the narrative on the XLSX front sheet
}

// Field is one labelled fact of the title page.
type Field struct {
	Label string // "Opgjort pr."
	Value string // "1. marts 2012"
}

// Section is one heading with its content; Level 1 is a chapter, 2 and 3
// are sub-headings. Sections are flat and ordered; the level gives the
// nesting.
type Section struct {
	ID      string  // stable anchor, the same in every language
	Level   int     // 1 chapter, 2 section, 3 sub-section
	Heading string  // heading text
	Blocks  []Block // content in order
}

// BlockKind says which of a Block's fields is set.
type BlockKind int

// Block kinds.
const (
	KindParagraph BlockKind = iota + 1
	KindTable
	KindFigure
)

// Block is one paragraph, table or figure of a section.
type Block struct {
	Kind      BlockKind  // which field is set
	Paragraph *Paragraph // for KindParagraph
	Table     *Table     // for KindTable
	Figure    *Figure    // for KindFigure
}

// ParagraphStyle distinguishes running text from notes.
type ParagraphStyle int

// Paragraph styles.
const (
	StyleBody ParagraphStyle = iota
	StyleNote                // methodological note, set smaller
	StyleLead                // a line introducing a table, as in the seed
)

// Paragraph is a run of text. Narrative paragraphs are generated from the
// numbers; no withheld count appears in them.
type Paragraph struct {
	Text  string         // plain text, one paragraph
	Style ParagraphStyle // body, note or lead
	// Narrative marks text generated from the statistics (as opposed to
	// fixed or edited text); the XLSX front sheet collects it.
	Narrative bool
}

// Table is a captioned grid with a header row. Cell texts are final
// (formatted, withheld cells already shown as "<k" or "x").
type Table struct {
	ID      string   // stable name, e.g. "exploitation_gender" or "plan.1.1"
	Caption string   // shown above the table
	Columns []Column // header row
	Rows    []Row    // body rows
	Notes   []string // shown under the table ("Note: Opgjort pr. …")
	// Sheet names the XLSX sheet; tables with the same Sheet share one.
	Sheet string
}

// Column is a header cell and the alignment of its column.
type Column struct {
	Label   string // header text
	Numeric bool   // right-aligned numbers
	// Weight is the column's relative width (0 means 1).
	Weight float64
}

// Row is a table row; Total rows are set apart (bold, rule above).
type Row struct {
	Cells []Cell // one per column
	Total bool   // a total row
}

// Cell is one table cell: Text is what is shown; Number is set for counts
// and measures that are shown, so spreadsheet writers can store numbers.
type Cell struct {
	Text     string  // as displayed; may hold paragraphs separated by blank lines
	Number   float64 // the value when IsNumber
	IsNumber bool    // a shown number (not withheld, not text)
	// Withheld marks a count hidden by disclosure control.
	Withheld bool
}

// Figure is a numbered chart with its caption and the data behind it.
type Figure struct {
	Number  int    // 1, 2, … in document order
	ID      string // stable name, e.g. "identified_by_year"
	Caption string // "Figur 1: Antal identifikationer …"
	Chart   Chart  // what to draw
	// Data is the chart's numbers as a table, for text formats and for
	// readers who cannot see the chart.
	Data  *Table
	Notes []string // shown under the figure
}

// ChartKind is the kind of chart.
type ChartKind string

// Chart kinds.
const (
	ChartBar        ChartKind = "bar"
	ChartStackedBar ChartKind = "stacked_bar"
	ChartPie        ChartKind = "pie"
)

// Chart is a format-neutral chart specification.
type Chart struct {
	Kind ChartKind // bar, stacked bar or pie
	// Horizontal draws bars left to right (used for long category lists).
	Horizontal    bool
	Categories    []string // one bar (or wedge) per category
	Series        []Series // stacked in order for ChartStackedBar
	CategoryLabel string   // axis title of the categories
	ValueLabel    string   // axis title of the values ("Antal")
	// Intervals, when set (one per category), puts the categories on a
	// continuous axis as a histogram: each bar is as wide as its interval
	// and as tall as its value divided by that width (ValueLabel says "per
	// year"), so that its area is the value and unequal bands (ages 18–19
	// beside 50–59) do not mislead. Labels still show the values.
	Intervals []Interval
}

// Interval is a category's span on a continuous axis, [From, To); Open
// marks a band without an upper end ("60+"), drawn To−From wide.
type Interval struct {
	From, To float64
	Open     bool
}

// Series is one named row of values, one per category; Labels are the
// values as displayed ("<3" where withheld, in which case the value is 0).
type Series struct {
	Name   string    // legend text
	Values []float64 // one per category
	Labels []string  // one per category, as displayed
}

// Paragraphs returns the texts of all paragraphs of the document with the
// given style, in order.
func (d *Document) Paragraphs(style ParagraphStyle) []string {
	var out []string
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == KindParagraph && b.Paragraph.Style == style {
				out = append(out, b.Paragraph.Text)
			}
		}
	}
	return out
}

// Tables returns every table of the document, figure data tables included,
// in document order.
func (d *Document) Tables() []*Table {
	var out []*Table
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			switch b.Kind {
			case KindTable:
				out = append(out, b.Table)
			case KindFigure:
				if b.Figure.Data != nil {
					out = append(out, b.Figure.Data)
				}
			}
		}
	}
	return out
}

// Figures returns every figure of the document in order.
func (d *Document) Figures() []*Figure {
	var out []*Figure
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == KindFigure {
				out = append(out, b.Figure)
			}
		}
	}
	return out
}
