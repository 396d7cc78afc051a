package chart

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"nrm/report"
)

// pie draws the first series of a chart as wedges, clockwise from the
// top, with a legend naming categories and their values.
type pie struct {
	values []float64
	labels []string
}

func piePlot(c report.Chart) (*plot.Plot, error) {
	p := plot.New()
	p.HideAxes()
	s := c.Series[0]
	w := &pie{values: s.Values, labels: s.Labels}
	p.Add(w)
	for i, cat := range c.Categories {
		name := cat
		if i < len(s.Labels) && s.Labels[i] != "" {
			name += " (" + s.Labels[i] + ")"
		}
		p.Legend.Add(name, swatch{Palette[i%len(Palette)]})
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = 9
	sans(p)
	return p, nil
}

// Plot implements plot.Plotter.
func (w *pie) Plot(c draw.Canvas, _ *plot.Plot) {
	total := 0.0
	for _, v := range w.values {
		total += math.Max(v, 0)
	}
	if total == 0 {
		return
	}
	cx := c.Min.X + c.Size().Y/2
	cy := c.Center().Y
	r := c.Size().Y / 2 * 0.95
	start := math.Pi / 2
	for i, v := range w.values {
		if v <= 0 {
			continue
		}
		a := -2 * math.Pi * v / total
		var path vg.Path
		path.Move(vg.Point{X: cx, Y: cy})
		path.Arc(vg.Point{X: cx, Y: cy}, r, start, a)
		path.Close()
		c.SetColor(Palette[i%len(Palette)])
		c.Fill(path)
		c.SetColor(color.White)
		c.SetLineWidth(vg.Points(1))
		c.Stroke(path)
		start += a
	}
}

// DataRange implements plot.DataRanger with a unit square.
func (w *pie) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

// swatch is a legend thumbnail of one colour.
type swatch struct{ c color.Color }

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.c, c.ClipPolygonY([]vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}))
}

var _ plot.Plotter = (*pie)(nil)
