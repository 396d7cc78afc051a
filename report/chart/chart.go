// Package chart lays out the report's figures as vector scenes —
// rectangles, lines, polygons and text placed in points — and writes them
// as SVG for HTML; the PDF writer draws the same scene with its own
// primitives, so every format shows the same chart and no chart is a
// raster image. The layout keeps the legend in a band of its own above
// the plot (never over a bar), wraps long category names instead of
// overlapping them, draws bands of unequal width as a histogram
// (report.Chart.Intervals), and writes axis numbers with a decimal comma
// in Danish. Text is measured with Liberation Sans, the font the PDF
// embeds (Arial and Helvetica have the same metrics).
package chart

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"

	"nrm"
	"nrm/report"
)

// Cm is one centimetre in points, the scene's unit.
const Cm = 72 / 2.54

// Options sets the size and number format of a chart; zero values take
// the defaults.
type Options struct {
	// Width and Height in points (default 16 cm × 8 cm; horizontal bar
	// charts and pies grow with the number of categories).
	Width, Height float64
	// Lang is the language of axis numbers ("" is Danish: 2,5).
	Lang nrm.Lang
}

// Role says what a shape or text of a scene is, for tests and writers.
type Role string

// Roles of a scene's parts.
const (
	RoleBar      Role = "bar"      // a bar or stacked segment
	RoleWedge    Role = "wedge"    // a pie wedge
	RoleSwatch   Role = "swatch"   // a legend's colour key
	RoleLegend   Role = "legend"   // a legend's text
	RoleValue    Role = "value"    // a value label at a bar
	RoleCategory Role = "category" // a category name
	RoleTick     Role = "tick"     // an axis number
	RoleTitle    Role = "title"    // an axis title
	RoleAxis     Role = "axis"     // axis and grid lines
)

// Box is an axis-aligned extent in points, Y downwards.
type Box struct{ X0, Y0, X1, Y1 float64 }

// Overlaps reports whether two boxes share more than an edge.
func (b Box) Overlaps(o Box) bool {
	return b.X0 < o.X1 && o.X0 < b.X1 && b.Y0 < o.Y1 && o.Y0 < b.Y1
}

// Rect is a filled rectangle.
type Rect struct {
	Box
	Fill     color.RGBA
	Role     Role
	Series   int // the series (or category of a pie) it shows
	Category int // the category it shows
}

// Line is a straight stroke.
type Line struct {
	X1, Y1, X2, Y2 float64
	Width          float64
	Color          color.RGBA
	Role           Role
}

// Point is a position in points.
type Point struct{ X, Y float64 }

// Poly is a filled polygon (a pie wedge), outlined in white.
type Poly struct {
	Points   []Point
	Fill     color.RGBA
	Role     Role
	Category int
}

// Anchor is a text's horizontal alignment to its X.
type Anchor string

// Anchors.
const (
	Start  Anchor = "start"
	Middle Anchor = "middle"
	End    Anchor = "end"
)

// Text is one line of text; X, Y is its anchor on the baseline.
type Text struct {
	X, Y   float64
	Anchor Anchor
	S      string
	Size   float64 // points
	Bold   bool
	Color  color.RGBA
	Role   Role
	// Box is the extent the layout reserved for it (ascent to descent).
	Box Box
}

// Scene is a laid-out chart in points, origin at the top left.
type Scene struct {
	W, H  float64
	Rects []Rect
	Lines []Line
	Polys []Poly
	Texts []Text
}

// Font metrics of Liberation Sans, as fractions of the size.
const (
	Ascent  = 0.905
	Descent = 0.212
)

var faces = func() *font.Cache {
	c := font.NewCache(liberation.Collection())
	return c
}()

// Width is the advance width of s in Liberation Sans at size points.
func Width(s string, size float64, bold bool) float64 {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightNormal}
	if bold {
		f.Weight = stdfont.WeightBold
	}
	face := faces.Lookup(f, font.Length(size))
	return face.Width(s).Points()
}

var (
	ink   = report.Ink
	muted = report.Muted
	rule  = report.Rule
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// Empty reports whether a chart has nothing to draw: no category, or
// every value 0 with no withheld label. Writers show no chart for it.
func Empty(c report.Chart) bool {
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		return true
	}
	for _, s := range c.Series {
		for i, v := range s.Values {
			if v != 0 {
				return false
			}
			if i < len(s.Labels) && withheld(s.Labels[i]) {
				return false
			}
		}
	}
	return true
}

func withheld(l string) bool { return strings.HasPrefix(l, "<") || l == "x" }

// Layout places a chart. An empty chart (see Empty) is a scene with a
// dash in its middle.
func Layout(c report.Chart, o Options) (*Scene, error) {
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return nil, fmt.Errorf("chart: series %q has %d values for %d categories", s.Name, len(s.Values), len(c.Categories))
		}
	}
	if c.Intervals != nil && len(c.Intervals) != len(c.Categories) {
		return nil, fmt.Errorf("chart: %d intervals for %d categories", len(c.Intervals), len(c.Categories))
	}
	w := o.Width
	if w <= 0 {
		w = 16 * Cm
	}
	l := &layout{c: c, o: o, sc: &Scene{W: w, H: o.Height}}
	if l.sc.H <= 0 {
		l.sc.H = 8 * Cm
	}
	if Empty(c) {
		l.sc.H = min(l.sc.H, 2*Cm)
		l.text(w/2, l.sc.H/2+4, Middle, "–", 12, false, muted, RoleTitle)
		return l.sc, nil
	}
	switch c.Kind {
	case report.ChartPie:
		l.pie()
	case report.ChartBar, report.ChartStackedBar, "":
		if c.Horizontal {
			l.horizontal()
		} else {
			l.vertical()
		}
	default:
		return nil, fmt.Errorf("chart: unknown kind %q", c.Kind)
	}
	return l.sc, nil
}

type layout struct {
	c  report.Chart
	o  Options
	sc *Scene
}

const (
	pad       = 4.0
	tickSize  = 8.0
	labelSize = 8.0
	catSize   = 8.5
	legSize   = 8.5
	swatch    = 8.0
)

func lineH(size float64) float64 { return size * 1.25 }

func (l *layout) text(x, y float64, a Anchor, s string, size float64, bold bool, col color.RGBA, role Role) Text {
	w := Width(s, size, bold)
	x0 := x
	switch a {
	case Middle:
		x0 = x - w/2
	case End:
		x0 = x - w
	}
	t := Text{X: x, Y: y, Anchor: a, S: s, Size: size, Bold: bold, Color: col, Role: role,
		Box: Box{x0, y - Ascent*size, x0 + w, y + Descent*size}}
	l.sc.Texts = append(l.sc.Texts, t)
	return t
}

// legend lays out the series names in rows across the top, each entry a
// swatch and its name, wrapping to a new row rather than overlapping;
// it returns the height used.
func (l *layout) legend(names []string, top float64) float64 {
	if len(names) < 2 {
		return 0
	}
	const gap, sep = 4.0, 14.0
	x, y := pad, top+lineH(legSize)
	for i, n := range names {
		tw := Width(n, legSize, false)
		if x > pad && x+swatch+gap+tw > l.sc.W-pad {
			x, y = pad, y+lineH(legSize)+2
		}
		col := report.SeriesColor(i)
		l.sc.Rects = append(l.sc.Rects, Rect{Box: Box{x, y - Ascent*legSize, x + swatch, y - Ascent*legSize + swatch}, Fill: col, Role: RoleSwatch, Series: i, Category: -1})
		l.text(x+swatch+gap, y, Start, n, legSize, false, ink, RoleLegend)
		x += swatch + gap + tw + sep
	}
	return y + Descent*legSize + 6 - top
}

func (l *layout) seriesNames() []string {
	var out []string
	for _, s := range l.c.Series {
		out = append(out, s.Name)
	}
	return out
}

func (l *layout) stacked() bool { return l.c.Kind == report.ChartStackedBar && len(l.c.Series) > 1 }

func (l *layout) label(si, ci int) string {
	s := l.c.Series[si]
	if ci < len(s.Labels) {
		return s.Labels[ci]
	}
	return FormatNumber(s.Values[ci], l.o.Lang)
}

// height is the drawn length of category ci's bar of series si: the
// value, or for a histogram the value per unit of its interval.
func (l *layout) height(si, ci int) float64 {
	v := math.Max(0, l.c.Series[si].Values[ci])
	if l.c.Intervals != nil {
		if w := l.c.Intervals[ci].To - l.c.Intervals[ci].From; w > 0 {
			return v / w
		}
	}
	return v
}

// peak is the tallest bar (or stack).
func (l *layout) peak() float64 {
	m := 0.0
	for ci := range l.c.Categories {
		sum := 0.0
		for si := range l.c.Series {
			h := l.height(si, ci)
			if l.stacked() {
				sum += h
			} else {
				sum = math.Max(sum, h)
			}
		}
		m = math.Max(m, sum)
	}
	return m
}

// axis chooses the value axis: a maximum of whole steps at or above
// peak, the step and its decimals.
func axis(peak float64, integer bool) (top, step float64, dec int) {
	if peak <= 0 {
		peak = 1
	}
	raw := peak / 4
	e := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = m * e
		if step >= raw {
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	top = math.Ceil(peak/step-1e-9) * step
	if top <= 0 {
		top = step
	}
	dec = max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if step*math.Pow(10, float64(dec)) != math.Trunc(step*math.Pow(10, float64(dec))) {
		dec++
	}
	return top, step, dec
}

// FormatNumber writes v with a decimal comma and thousands dots in
// Danish ("" counts as Danish), the other way round in English.
func FormatNumber(v float64, lang nrm.Lang) string {
	return formatDec(v, -1, lang)
}

func formatDec(v float64, dec int, lang nrm.Lang) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	thousands, point := ".", ","
	if lang == nrm.LangEN {
		thousands, point = ",", "."
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// wrap breaks s into lines no wider than w at size, at spaces; a word
// wider than w stays whole on its own line (the caller shrinks the size).
func wrap(s string, w, size float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		if cur == "" {
			cur = word
			continue
		}
		if Width(cur+" "+word, size, false) <= w {
			cur += " " + word
			continue
		}
		lines = append(lines, cur)
		cur = word
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// fit wraps every label to w, shrinking the size (down to 6.5 pt) until
// every word fits and no label needs more than maxLines lines.
func fit(labels []string, w, size float64, maxLines int) ([][]string, float64) {
	for ; ; size -= 0.5 {
		out := make([][]string, len(labels))
		ok := true
		for i, s := range labels {
			out[i] = wrap(s, w, size)
			for _, line := range out[i] {
				if Width(line, size, false) > w {
					ok = false
				}
			}
			if len(out[i]) > maxLines {
				ok = false
			}
		}
		if ok || size <= 6.5 {
			return out, size
		}
	}
}

// luminance is a colour's perceived brightness, 0–255.
func luminance(c color.RGBA) float64 {
	return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
}

// onColor is the text colour that reads on a fill.
func onColor(c color.RGBA) color.RGBA {
	if luminance(c) < 140 {
		return white
	}
	return ink
}

// vertical lays out columns: legend band, value title, plot with ticks
// and grid, category names (or interval bounds) below.
func (l *layout) vertical() {
	c, sc := l.c, l.sc
	n := len(c.Categories)
	top := pad + l.legend(l.seriesNames(), pad)
	// The value axis title sits above the axis, horizontally.
	title := top + Ascent*labelSize
	l.text(pad, title, Start, c.ValueLabel, labelSize, false, muted, RoleTitle)
	plotTop := title + Descent*labelSize + 4
	peak := l.peak()
	integer := c.Intervals == nil
	topV, step, dec := axis(peak, integer)
	var ticks []string
	for v := 0.0; v <= topV+step/2; v += step {
		ticks = append(ticks, formatDec(v, dec, l.o.Lang))
	}
	tickW := 0.0
	for _, t := range ticks {
		tickW = max(tickW, Width(t, tickSize, false))
	}
	left, right := pad+tickW+6, sc.W-pad
	// Category names (or bounds) below the plot.
	var catLines [][]string
	catFont := catSize
	slot := (right - left) / float64(n)
	if c.Intervals == nil {
		catLines, catFont = fit(c.Categories, slot*0.94, catSize, 3)
	}
	lines := 1
	for _, cl := range catLines {
		lines = max(lines, len(cl))
	}
	bottomBand := 5 + float64(lines)*lineH(catFont)
	if c.Intervals != nil && c.CategoryLabel != "" {
		bottomBand += lineH(labelSize) + 2
	}
	bottom := sc.H - pad - bottomBand
	// Room for the value labels above the tallest bar.
	for i := 0; i < 20 && peak > 0; i++ {
		ph := bottom - plotTop
		if ph*(1-peak/topV) >= lineH(labelSize)+2 {
			break
		}
		topV += step
		ticks = append(ticks, formatDec(topV, dec, l.o.Lang))
	}
	y := func(v float64) float64 { return bottom - (bottom-plotTop)*v/topV }
	for i, t := range ticks {
		v := float64(i) * step
		l.text(left-4, y(v)+tickSize*0.35, End, t, tickSize, false, muted, RoleTick)
		if v > 0 {
			sc.Lines = append(sc.Lines, Line{left, y(v), right, y(v), 0.4, rule, RoleAxis})
		}
	}
	// Bars.
	x0, x1 := func(ci int) float64 { return left + float64(ci)*slot }, func(ci int) float64 { return left + float64(ci+1)*slot }
	if c.Intervals != nil {
		lo, hi := c.Intervals[0].From, c.Intervals[0].To
		for _, iv := range c.Intervals {
			lo, hi = math.Min(lo, iv.From), math.Max(hi, iv.To)
		}
		at := func(v float64) float64 { return left + (right-left)*(v-lo)/(hi-lo) }
		x0 = func(ci int) float64 { return at(c.Intervals[ci].From) }
		x1 = func(ci int) float64 { return at(c.Intervals[ci].To) }
	}
	groups := len(c.Series)
	if l.stacked() {
		groups = 1
	}
	for ci := range c.Categories {
		a, b := x0(ci), x1(ci)
		bw := (b - a) * 0.7 / float64(groups)
		start := a + (b-a)*0.15
		if c.Intervals != nil {
			// A histogram's bars touch; a hairline of white parts them.
			bw, start = b-a, a
		}
		base := 0.0
		for si := range c.Series {
			h := l.height(si, ci)
			bx := start
			if !l.stacked() {
				bx = start + float64(si)*bw
			}
			yTop, yBot := y(base+h), y(base)
			col := report.SeriesColor(si)
			if h > 0 {
				sc.Rects = append(sc.Rects, Rect{Box: Box{bx, yTop, bx + bw, yBot}, Fill: col, Role: RoleBar, Series: si, Category: ci})
				if c.Intervals != nil {
					sc.Lines = append(sc.Lines, Line{bx, yTop, bx, yBot, 0.8, white, RoleAxis}, Line{bx + bw, yTop, bx + bw, yBot, 0.8, white, RoleAxis})
				}
			}
			lab := l.label(si, ci)
			if lab != "" && !(l.stacked() && h == 0 && !withheld(lab)) {
				lw := Width(lab, labelSize, false)
				switch {
				case l.stacked() && yBot-yTop >= labelSize+2 && lw <= bw-2:
					l.text(bx+bw/2, (yTop+yBot)/2+labelSize*0.35, Middle, lab, labelSize, false, onColor(col), RoleValue)
				case l.stacked():
					// Too small to hold its label: beside the segment.
					l.text(bx+bw+2, (yTop+yBot)/2+labelSize*0.35, Start, lab, labelSize, false, ink, RoleValue)
				default:
					l.text(bx+bw/2, yTop-3-Descent*labelSize, Middle, lab, labelSize, false, ink, RoleValue)
				}
			}
			if l.stacked() {
				base += h
			}
		}
		// Category names under the slot.
		if c.Intervals == nil {
			for li, line := range catLines[ci] {
				l.text((a+b)/2, bottom+5+Ascent*catFont+float64(li)*lineH(catFont), Middle, line, catFont, false, ink, RoleCategory)
			}
		}
	}
	if c.Intervals != nil {
		l.bounds(x0, x1, bottom)
	}
	sc.Lines = append(sc.Lines, Line{left, bottom, right, bottom, 0.8, ink, RoleAxis})
}

// bounds labels a histogram's axis with the interval bounds, skipping a
// bound that would touch the previous one; an open interval shows its
// name ("60+") under its middle instead of an upper bound.
func (l *layout) bounds(x0, x1 func(int) float64, bottom float64) {
	c := l.c
	yb := bottom + 5 + Ascent*catSize
	last := math.Inf(-1)
	put := func(x float64, s string, role Role) {
		w := Width(s, catSize, false)
		if x-w/2 < last+3 {
			return
		}
		t := l.text(x, yb, Middle, s, catSize, false, ink, role)
		last = t.Box.X1
		l.sc.Lines = append(l.sc.Lines, Line{x, bottom, x, bottom + 3, 0.6, ink, RoleAxis})
	}
	for ci, iv := range c.Intervals {
		put(x0(ci), FormatNumber(iv.From, l.o.Lang), RoleTick)
		if iv.Open {
			put((x0(ci)+x1(ci))/2, c.Categories[ci], RoleCategory)
		} else if ci == len(c.Intervals)-1 || c.Intervals[ci+1].From != iv.To {
			put(x1(ci), FormatNumber(iv.To, l.o.Lang), RoleTick)
		}
	}
	if c.CategoryLabel != "" {
		l.text((x0(0)+x1(len(c.Intervals)-1))/2, yb+Descent*catSize+2+lineH(labelSize), Middle, c.CategoryLabel, labelSize, false, muted, RoleTitle)
	}
}

// horizontal lays out bars left to right, the first category at the top:
// names on the left, values after the bars, the value axis below.
func (l *layout) horizontal() {
	c, sc := l.c, l.sc
	n := len(c.Categories)
	groups := len(c.Series)
	if l.stacked() {
		groups = 1
	}
	catLines, catFont := fit(c.Categories, sc.W*0.34, catSize, 2)
	maxLines := 1
	for _, cl := range catLines {
		maxLines = max(maxLines, len(cl))
	}
	rowH := max(14.0, float64(groups)*9+5, float64(maxLines)*lineH(catFont)+3)
	legendH := l.legend(l.seriesNames(), pad)
	bottomBand := 4 + lineH(tickSize) + lineH(labelSize) + 2
	if need := pad + legendH + float64(n)*rowH + bottomBand + pad; l.o.Height <= 0 && need > sc.H {
		sc.H = need
	}
	plotTop := pad + legendH
	bottom := sc.H - pad - bottomBand
	rowH = (bottom - plotTop) / float64(n)
	nameW := 0.0
	for _, cl := range catLines {
		for _, line := range cl {
			nameW = max(nameW, Width(line, catFont, false))
		}
	}
	left := pad + nameW + 6
	right := sc.W - pad
	peak := l.peak()
	topV, step, dec := axis(peak, true)
	// Room for the widest value label after the longest bar.
	labelW := 0.0
	for si := range c.Series {
		for ci := range c.Categories {
			labelW = max(labelW, Width(l.label(si, ci), labelSize, false))
		}
	}
	for i := 0; i < 20 && peak > 0; i++ {
		if (right-left)*(1-peak/topV) >= labelW+6 {
			break
		}
		topV += step
	}
	x := func(v float64) float64 { return left + (right-left)*v/topV }
	for v := 0.0; v <= topV+step/2; v += step {
		l.text(x(v), bottom+4+Ascent*tickSize, Middle, formatDec(v, dec, l.o.Lang), tickSize, false, muted, RoleTick)
		if v > 0 {
			sc.Lines = append(sc.Lines, Line{x(v), plotTop, x(v), bottom, 0.4, rule, RoleAxis})
		}
	}
	l.text(right, bottom+4+lineH(tickSize)+Ascent*labelSize+2, End, c.ValueLabel, labelSize, false, muted, RoleTitle)
	for ci := range c.Categories {
		rt := plotTop + float64(ci)*rowH
		bh := rowH * 0.7 / float64(groups)
		start := rt + rowH*0.15
		cl := catLines[ci]
		y0 := rt + rowH/2 - float64(len(cl))*lineH(catFont)/2 + Ascent*catFont
		for li, line := range cl {
			l.text(left-4, y0+float64(li)*lineH(catFont), End, line, catFont, false, ink, RoleCategory)
		}
		base := 0.0
		for si := range c.Series {
			h := l.height(si, ci)
			by := start
			if !l.stacked() {
				by = start + float64(si)*bh
			}
			col := report.SeriesColor(si)
			xa, xb := x(base), x(base+h)
			if h > 0 {
				sc.Rects = append(sc.Rects, Rect{Box: Box{xa, by, xb, by + bh}, Fill: col, Role: RoleBar, Series: si, Category: ci})
			}
			lab := l.label(si, ci)
			if lab != "" && !(l.stacked() && h == 0 && !withheld(lab)) {
				lw := Width(lab, labelSize, false)
				mid := by + bh/2 + labelSize*0.35
				if l.stacked() && xb-xa >= lw+4 && bh >= labelSize {
					l.text((xa+xb)/2, mid, Middle, lab, labelSize, false, onColor(col), RoleValue)
				} else if !l.stacked() {
					l.text(xb+3, mid, Start, lab, labelSize, false, ink, RoleValue)
				}
			}
			if l.stacked() {
				base += h
			}
		}
		if l.stacked() {
			// Segments too narrow for their labels: the labels follow the
			// stack, joined by " + ".
			var rest []string
			xa := 0.0
			for si := range c.Series {
				h, lab := l.height(si, ci), l.label(si, ci)
				xa += h
				if lab == "" || (h == 0 && !withheld(lab)) {
					continue
				}
				if x(xa)-x(xa-h) < Width(lab, labelSize, false)+4 || bh < labelSize {
					rest = append(rest, lab)
				}
			}
			if len(rest) > 0 {
				l.text(x(base)+3, start+rowH*0.35+labelSize*0.35, Start, strings.Join(rest, " + "), labelSize, false, ink, RoleValue)
			}
		}
	}
	sc.Lines = append(sc.Lines, Line{left, plotTop, left, bottom, 0.8, ink, RoleAxis})
}

// pie draws the first series as wedges clockwise from the top, with a
// legend of names and values to its right.
func (l *layout) pie() {
	c, sc := l.c, l.sc
	s := c.Series[0]
	names := make([]string, len(c.Categories))
	legendW := 0.0
	for i, cat := range c.Categories {
		names[i] = cat
		if lab := l.label(0, i); lab != "" {
			names[i] += " (" + lab + ")"
		}
		legendW = max(legendW, swatch+4+Width(names[i], legSize, false))
	}
	rows := float64(len(c.Categories))*lineH(legSize) + 2*pad
	if l.o.Height <= 0 {
		sc.H = max(sc.H, rows)
	}
	r := min(sc.H/2, (sc.W-legendW-16)/2) - pad
	below := r < 2*Cm
	if below {
		// Too narrow for the legend beside the pie: it goes below.
		r = min(sc.H, sc.W)/2 - pad
		sc.H = 2*r + 2*pad + 6 + rows
	}
	cx, cy := pad+r, pad+r
	if !below {
		cy = sc.H / 2
	}
	total := 0.0
	for _, v := range s.Values {
		total += math.Max(v, 0)
	}
	a := math.Pi / 2
	for i, v := range s.Values {
		if v <= 0 || total == 0 {
			continue
		}
		sweep := 2 * math.Pi * v / total
		pts := []Point{{cx, cy}}
		steps := max(2, int(math.Ceil(sweep/(math.Pi/60))))
		for k := 0; k <= steps; k++ {
			t := a - sweep*float64(k)/float64(steps)
			pts = append(pts, Point{cx + r*math.Cos(t), cy - r*math.Sin(t)})
		}
		sc.Polys = append(sc.Polys, Poly{Points: pts, Fill: report.SeriesColor(i), Role: RoleWedge, Category: i})
		a -= sweep
	}
	x := cx + r + 16
	y := cy - float64(len(c.Categories))*lineH(legSize)/2 + Ascent*legSize
	if below {
		x, y = pad, 2*r+2*pad+6+Ascent*legSize
	}
	for i, name := range names {
		sc.Rects = append(sc.Rects, Rect{Box: Box{x, y - Ascent*legSize, x + swatch, y - Ascent*legSize + swatch}, Fill: report.SeriesColor(i), Role: RoleSwatch, Series: i, Category: i})
		l.text(x+swatch+4, y, Start, name, legSize, false, ink, RoleLegend)
		y += lineH(legSize)
	}
}
