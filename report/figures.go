package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"nrm"
	"nrm/refdata"
)

// nameOrder compares names in the alphabetical order of lang: Danish puts
// Æ, Ø and Å after Z, in that order (bytewise, Å would come first).
// It returns a new comparison per call because a collator is not safe
// for concurrent use.
func nameOrder(lang nrm.Lang) func(a, b string) int {
	tag := language.Danish
	if lang == nrm.LangEN {
		tag = language.English
	}
	c := collate.New(tag)
	return func(a, b string) int {
		if r := c.CompareString(a, b); r != 0 {
			return r
		}
		return strings.Compare(a, b)
	}
}

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
	if id == "nationality" {
		items = b.countryLabels(items)
	}
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
	if iv, ok := intervals(f.Chart.Categories); ok && id == "age" {
		f.Chart.Intervals = iv
		f.Chart.ValueLabel = b.tr("Antal pr. aldersår", "Number per year of age")
		last := iv[len(iv)-1]
		f.Notes = append(f.Notes, fmt.Sprintf(b.tr("Søjlens bredde er aldersgruppens spænd og dens højde antallet pr. aldersår, så søjlens areal svarer til antallet; %s er tegnet som %s år.",
			"A bar's width is the age band's span and its height the number per year of age, so that its area is the number; %s is drawn as %s years."),
			f.Chart.Categories[len(iv)-1], strconv.FormatFloat(last.To-last.From, 'f', -1, 64)))
	}
	if emptyChart(f.Chart) {
		// No chart of nothing: the caption, the note and the data table
		// say it.
		f.Chart.Categories, f.Chart.Series, f.Chart.Intervals = nil, nil, nil
		f.Notes = append(f.Notes, fmt.Sprintf(b.tr("Figuren er udeladt, da antallet er 0 i alle kategorier i %s.",
			"The figure is left out as the number is 0 in every category in %s."), b.year()))
		omitted = nil
	}
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

// emptyChart reports whether a chart would show nothing: no category, or
// only zeros that are not withheld.
func emptyChart(c Chart) bool {
	for _, s := range c.Series {
		for i, v := range s.Values {
			if v != 0 || (i < len(s.Labels) && (strings.HasPrefix(s.Labels[i], "<") || s.Labels[i] == "x")) {
				return false
			}
		}
	}
	return true
}

// intervals reads contiguous bands such as "18-19" (18 to 20 on the axis)
// and a last open band "60+" (drawn as wide as the band before it).
func intervals(cats []string) ([]Interval, bool) {
	if len(cats) < 2 {
		return nil, false
	}
	var out []Interval
	for i, c := range cats {
		if lo, ok := strings.CutSuffix(c, "+"); ok && i == len(cats)-1 {
			from, err := strconv.Atoi(lo)
			if err != nil || i == 0 {
				return nil, false
			}
			prev := out[i-1]
			out = append(out, Interval{From: float64(from), To: float64(from) + prev.To - prev.From, Open: true})
			break
		}
		lo, hi, ok := strings.Cut(c, "-")
		from, err1 := strconv.Atoi(lo)
		to, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || to < from {
			return nil, false
		}
		out = append(out, Interval{From: float64(from), To: float64(to + 1)})
	}
	for i := 1; i < len(out); i++ {
		if out[i].From != out[i-1].To {
			return nil, false
		}
	}
	return out, true
}

// countryLabels names the countries that reach a figure as bare ISO codes
// (the nationalities of other years with 0) from the shipped mapping, and
// puts each run of such zeros in name order, so that no table, figure or
// note shows a code.
func (b *builder) countryLabels(items []item) []item {
	names := map[string]string{}
	if cs, err := refdata.Countries(); err == nil {
		for _, c := range cs {
			names[c.Code] = c.Name(b.lang)
		}
	}
	out := slices.Clone(items)
	renamed := make([]bool, len(out))
	for i, it := range out {
		if it.label == it.code && nrm.ValidCountry(it.code) && names[it.code] != "" {
			out[i].label = names[it.code]
			renamed[i] = true
		}
	}
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && renamed[j] {
			j++
		}
		if j > i {
			cmp := nameOrder(b.lang)
			slices.SortStableFunc(out[i:j], func(x, y item) int { return cmp(x.label, y.label) })
			i = j
			continue
		}
		i++
	}
	return out
}
