package report

import (
	"fmt"
	"strings"
)

// item is one category of a one-way table or chart.
type item struct {
	code  string
	label string
	c     count
}

// nextFigure numbers figures in document order.
func (b *builder) nextFigure(caption string) (int, string) {
	b.fig++
	return b.fig, fmt.Sprintf("%s %d: %s", b.doc.Words.Figure, b.fig, caption)
}

// chartValue is a count as a chart shows it: withheld counts are drawn
// as 0 and labelled "<k" or "x".
func (b *builder) chartValue(c count) (float64, string) {
	if c.hidden {
		return 0, b.withheldText(c)
	}
	return float64(c.v), FormatInt(c.v, b.lang)
}

// barFigure adds a bar chart of items with its data table. With omitZero,
// categories that are 0 are left out of the chart but stay in the data
// table, and a note names them, so no category disappears silently.
func (b *builder) barFigure(id, caption, catHeader string, items []item, horizontal, omitZero bool) *Figure {
	n, full := b.nextFigure(caption)
	f := &Figure{Number: n, ID: id, Caption: full,
		Chart: Chart{Kind: ChartBar, Horizontal: horizontal, CategoryLabel: catHeader, ValueLabel: b.tr("Antal", "Number")}}
	s := Series{Name: b.tr("Antal", "Number")}
	data := &Table{ID: id + ".data", Caption: full, Sheet: fmt.Sprintf("%s %d", b.doc.Words.Figure, n),
		Columns: []Column{{Label: catHeader, Weight: 2}, {Label: b.tr("Antal", "Number"), Numeric: true}}}
	var omitted []string
	for _, it := range items {
		data.Rows = append(data.Rows, Row{Cells: []Cell{{Text: it.label}, b.cell(it.c)}})
		if omitZero && it.c.v == 0 && !it.c.hidden {
			omitted = append(omitted, it.label)
			continue
		}
		v, l := b.chartValue(it.c)
		f.Chart.Categories = append(f.Chart.Categories, it.label)
		s.Values = append(s.Values, v)
		s.Labels = append(s.Labels, l)
	}
	f.Chart.Series = []Series{s}
	f.Data = data
	if len(omitted) > 0 {
		f.Notes = append(f.Notes, fmt.Sprintf(b.tr("Ikke vist i figuren, da antallet er 0 i %s: %s.", "Not shown in the figure as the number is 0 in %s: %s."),
			b.year(), strings.Join(omitted, ", ")))
	}
	b.withheldNote(f)
	b.figure(f)
	return f
}

// withheldNote explains "<k" and "x" under a figure that shows them.
func (b *builder) withheldNote(f *Figure) {
	for _, s := range f.Chart.Series {
		for _, l := range s.Labels {
			if strings.HasPrefix(l, "<") || l == "x" {
				f.Notes = append(f.Notes, b.withheldExplanation())
				return
			}
		}
	}
}

func (b *builder) withheldExplanation() string {
	return fmt.Sprintf(b.tr("<%d: antallet er mellem 1 og %d og vises ikke af hensyn til diskretion; x: tallet er udeladt, så det ikke kan afsløre et lille antal. Nuller vises altid.",
		"<%d: the number is from 1 to %d and is not shown for disclosure control; x: the number is left out so that it cannot reveal a small number. Zeros are always shown."), b.k, b.k-1)
}

// tableWithheldNote adds the explanation to a table that shows a
// withheld cell.
func (b *builder) tableWithheldNote(t *Table) {
	for _, r := range t.Rows {
		for _, c := range r.Cells {
			if c.Withheld {
				t.Notes = append(t.Notes, b.withheldExplanation())
				return
			}
		}
	}
}
