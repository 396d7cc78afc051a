package chart

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"strconv"

	"nrm/report"
)

// fontFamily follows the measured font: Arial and Helvetica have the
// same metrics as Liberation Sans.
const fontFamily = "Liberation Sans, Arial, Helvetica, sans-serif"

// SVG renders the chart as an SVG document without XML prologue, using
// presentation attributes only (no style attributes), so that a strict
// Content-Security-Policy needs no 'unsafe-inline'.
func SVG(c report.Chart, o Options) ([]byte, error) {
	sc, err := Layout(c, o)
	if err != nil {
		return nil, err
	}
	return sc.SVG(), nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func hex(c color.RGBA) string { return "#" + report.Hex(c) }

// SVG writes the scene as an SVG element sized in points.
func (sc *Scene) SVG() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%spt" height="%spt" viewBox="0 0 %s %s" font-family="%s">`,
		num(sc.W), num(sc.H), num(sc.W), num(sc.H), fontFamily)
	b.WriteString("\n")
	for _, ln := range sc.Lines {
		if ln.Role == RoleAxis && ln.Color == white {
			continue // drawn after the bars
		}
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`+"\n",
			num(ln.X1), num(ln.Y1), num(ln.X2), num(ln.Y2), hex(ln.Color), num(ln.Width))
	}
	for _, r := range sc.Rects {
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
			num(r.X0), num(r.Y0), num(r.X1-r.X0), num(r.Y1-r.Y0), hex(r.Fill))
	}
	for _, ln := range sc.Lines {
		if ln.Color == white {
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`+"\n",
				num(ln.X1), num(ln.Y1), num(ln.X2), num(ln.Y2), hex(ln.Color), num(ln.Width))
		}
	}
	for _, p := range sc.Polys {
		b.WriteString(`<path d="`)
		for i, pt := range p.Points {
			if i == 0 {
				b.WriteString("M")
			} else {
				b.WriteString(" L")
			}
			b.WriteString(num(pt.X) + " " + num(pt.Y))
		}
		fmt.Fprintf(&b, ` Z" fill="%s" stroke="#FFFFFF" stroke-width="1"/>`+"\n", hex(p.Fill))
	}
	for _, t := range sc.Texts {
		weight := ""
		if t.Bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="%s" font-size="%s"%s fill="%s">%s</text>`+"\n",
			num(t.X), num(t.Y), t.Anchor, num(t.Size), weight, hex(t.Color), html.EscapeString(t.S))
	}
	b.WriteString("</svg>")
	return b.Bytes()
}
