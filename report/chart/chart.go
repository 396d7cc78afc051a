// Package chart draws the report's figures server-side with gonum/plot:
// SVG for HTML (inline, with presentation attributes only, so a strict
// Content-Security-Policy needs no 'unsafe-inline') and PNG for PDF and
// spreadsheet fallbacks. Text uses the Liberation fonts embedded in
// gonum/plot, so Danish letters render without system fonts or network.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"nrm/report"
)

// Options sets the size of a chart; zero values take the defaults.
type Options struct {
	// Width and Height of the chart (default 16 cm × 8 cm; horizontal bar
	// charts grow with the number of categories).
	Width, Height vg.Length
	// DPI of PNG output (default 150).
	DPI int
}

func (o Options) size(c report.Chart) (vg.Length, vg.Length) {
	w, h := o.Width, o.Height
	if w <= 0 {
		w = 16 * vg.Centimeter
	}
	if h <= 0 {
		h = 8 * vg.Centimeter
		if c.Horizontal {
			h = max(h, vg.Length(len(c.Categories))*0.55*vg.Centimeter+2*vg.Centimeter)
		}
	}
	return w, h
}

// Palette is the series colours, in order (accessible on white, distinct
// in greyscale print).
var Palette = []color.RGBA{
	{0x1f, 0x4e, 0x79, 0xff}, // dark blue
	{0xe0, 0x8a, 0x1e, 0xff}, // orange
	{0x6a, 0xa8, 0x4f, 0xff}, // green
	{0x9e, 0x3d, 0x64, 0xff}, // plum
	{0x5b, 0x9b, 0xd5, 0xff}, // light blue
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xc0, 0x50, 0x4d, 0xff}, // red
	{0x40, 0x40, 0x40, 0xff}, // dark grey
}

// Plot builds the gonum plot of a chart.
func Plot(c report.Chart, o Options) (*plot.Plot, error) {
	if len(c.Series) == 0 || len(c.Categories) == 0 {
		return emptyPlot(c), nil
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return nil, fmt.Errorf("chart: series %q has %d values for %d categories", s.Name, len(s.Values), len(c.Categories))
		}
	}
	switch c.Kind {
	case report.ChartPie:
		return piePlot(c)
	case report.ChartBar, report.ChartStackedBar, "":
		return barPlot(c, o)
	}
	return nil, fmt.Errorf("chart: unknown kind %q", c.Kind)
}

func emptyPlot(c report.Chart) *plot.Plot {
	p := plot.New()
	p.HideAxes()
	p.Title.Text = "–"
	return p
}

func barPlot(c report.Chart, o Options) (*plot.Plot, error) {
	p := plot.New()
	w, _ := o.size(c)
	n := len(c.Categories)
	stacked := c.Kind == report.ChartStackedBar
	groups := len(c.Series)
	if stacked {
		groups = 1
	}
	// Each category is one unit on the nominal axis; the plot area is
	// about the canvas less the axis.
	slot := (w - 3*vg.Centimeter) / vg.Length(n)
	if c.Horizontal {
		_, h := o.size(c)
		slot = (h - 1.5*vg.Centimeter) / vg.Length(n)
	}
	barW := slot * 0.7 / vg.Length(groups)
	cats := c.Categories
	// Horizontal bars list the first category at the top.
	idx := func(i int) int { return i }
	if c.Horizontal {
		idx = func(i int) int { return n - 1 - i }
		cats = make([]string, n)
		for i, s := range c.Categories {
			cats[n-1-i] = s
		}
	}
	var below *plotter.BarChart
	maxV := 0.0
	totals := make([]float64, n)
	for si, s := range c.Series {
		vals := make(plotter.Values, n)
		for i, v := range s.Values {
			vals[idx(i)] = v
			totals[i] += v
			maxV = max(maxV, v)
		}
		bar, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return nil, err
		}
		bar.Color = Palette[si%len(Palette)]
		bar.LineStyle.Width = 0
		bar.Horizontal = c.Horizontal
		if stacked {
			if below != nil {
				bar.StackOn(below)
			}
			below = bar
		} else {
			bar.Offset = vg.Length(float64(si)-float64(groups-1)/2) * barW
		}
		p.Add(bar)
		if len(c.Series) > 1 {
			p.Legend.Add(s.Name, bar)
		}
	}
	if stacked {
		for _, t := range totals {
			maxV = max(maxV, t)
		}
	}
	// Value labels: inside each stacked segment, above plain bars.
	base := make([]float64, n)
	var labels []*plotter.Labels
	for si, s := range c.Series {
		var xys plotter.XYs
		var texts []string
		for i, v := range s.Values {
			label := ""
			if i < len(s.Labels) {
				label = s.Labels[i]
			}
			if label == "" || (stacked && v == 0 && !strings.HasPrefix(label, "<") && label != "x") {
				continue
			}
			pos, at := float64(idx(i)), v+maxV*0.02
			if stacked {
				at = base[i] + v/2
				if v < maxV*0.04 {
					at = base[i] + v + maxV*0.02
				}
			} else {
				// Grouped bars sit side by side around the category.
				pos += (float64(si) - float64(groups-1)/2) * float64(barW/slot)
			}
			if c.Horizontal {
				xys = append(xys, plotter.XY{X: at, Y: pos})
			} else {
				xys = append(xys, plotter.XY{X: pos, Y: at})
			}
			texts = append(texts, label)
		}
		for i, v := range s.Values {
			base[i] += v
		}
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Font.Size = 8
			if c.Horizontal {
				l.TextStyle[i].YAlign = draw.YCenter
				if !stacked {
					l.TextStyle[i].XAlign = draw.XLeft
				} else {
					l.TextStyle[i].XAlign = draw.XCenter
				}
			} else {
				l.TextStyle[i].XAlign = draw.XCenter
				if stacked {
					l.TextStyle[i].YAlign = draw.YCenter
				}
			}
			if stacked && si%len(Palette) == 0 {
				l.TextStyle[i].Color = color.White
			}
		}
		p.Add(l)
		labels = append(labels, l)
	}
	top := niceMax(maxV * 1.12)
	if c.Horizontal {
		p.NominalY(cats...)
		p.X.Min, p.X.Max = 0, top
		p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
		p.X.Label.Text = c.ValueLabel
	} else {
		p.NominalX(cats...)
		p.Y.Min, p.Y.Max = 0, top
		p.X.Min, p.X.Max = -0.5, float64(n)-0.5
		p.Y.Label.Text = c.ValueLabel
		if rotate(cats, slot) {
			p.X.Tick.Label.Rotation = math.Pi / 6
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YCenter
		}
	}
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.TextStyle.Font.Size = 9
	sans(p)
	for _, l := range labels {
		for i := range l.TextStyle {
			l.TextStyle[i].Font.Variant = "Sans"
		}
	}
	return p, nil
}

// sans sets every text of p in Liberation Sans (gonum's default is the
// serif face).
func sans(p *plot.Plot) {
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		f.Typeface, f.Variant = "Liberation", "Sans"
	}
}

// rotate reports whether category labels are too wide for their slot.
func rotate(cats []string, slot vg.Length) bool {
	for _, s := range cats {
		if float64(utf8.RuneCountInString(s))*5.5 > slot.Points() {
			return true
		}
	}
	return false
}

// niceMax rounds an axis maximum up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10} {
		if m*e >= v {
			return m * e
		}
	}
	return 10 * e
}

// SVG renders the chart as an SVG document without XML prologue, using
// presentation attributes instead of style attributes.
func SVG(c report.Chart, o Options) ([]byte, error) {
	p, err := Plot(c, o)
	if err != nil {
		return nil, err
	}
	w, h := o.size(c)
	cv := vgsvg.New(w, h)
	p.Draw(draw.New(cv))
	var buf bytes.Buffer
	if _, err := cv.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: svg: %w", err)
	}
	return cleanSVG(buf.Bytes()), nil
}

// PNG renders the chart as a PNG image at o.DPI.
func PNG(c report.Chart, o Options) ([]byte, error) {
	p, err := Plot(c, o)
	if err != nil {
		return nil, err
	}
	w, h := o.size(c)
	dpi := o.DPI
	if dpi <= 0 {
		dpi = 150
	}
	cv := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(cv))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: cv}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: png: %w", err)
	}
	return buf.Bytes(), nil
}

var (
	styleAttr = regexp.MustCompile(`\s*style="([^"]*)"`)
	prologue  = regexp.MustCompile(`(?s)^<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)
)

// fontFallback follows the embedded font: Arial and Helvetica have the
// same metrics as Liberation Sans.
const fontFallback = ", Arial, Helvetica, sans-serif"

// cleanSVG drops the prologue and turns every style attribute into
// presentation attributes, which Content-Security-Policy does not govern.
func cleanSVG(b []byte) []byte {
	b = prologue.ReplaceAll(b, nil)
	return styleAttr.ReplaceAllFunc(b, func(m []byte) []byte {
		decl := styleAttr.FindSubmatch(m)[1]
		var out bytes.Buffer
		for _, d := range strings.Split(string(decl), ";") {
			k, v, ok := strings.Cut(d, ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || (k == "font-variant" && (v == "none" || v == "normal")) {
				continue
			}
			if k == "font-family" && !strings.Contains(v, ",") {
				v += fontFallback
			}
			v = strings.NewReplacer(`"`, "&quot;", "<", "&lt;", "&", "&amp;").Replace(v)
			fmt.Fprintf(&out, ` %s="%s"`, k, v)
		}
		return out.Bytes()
	})
}
