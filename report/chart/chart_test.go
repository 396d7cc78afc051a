package chart_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"nrm"
	"nrm/report"
	"nrm/report/chart"
	"nrm/report/reporttest"
)

// TestDanishLettersInSVG checks that labels reach the SVG as UTF-8 text
// and that the SVG has no style attributes (strict CSP).
func TestDanishLettersInSVG(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	var all []byte
	for _, f := range d.Figures() {
		svg, err := chart.SVG(f.Chart, chart.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.ID, err)
		}
		if !utf8.Valid(svg) || !bytes.HasPrefix(svg, []byte("<svg")) {
			t.Fatalf("%s: not a UTF-8 SVG: %.80q", f.ID, svg)
		}
		if bytes.Contains(svg, []byte(" style=")) {
			t.Errorf("%s: SVG has a style attribute", f.ID)
		}
		all = append(all, svg...)
		if dir := os.Getenv("CHART_DIR"); dir != "" {
			os.WriteFile(filepath.Join(dir, f.ID+".svg"), svg, 0o644)
		}
	}
	for _, want := range []string{"Mellemøsten", "Udlændingestyrelsen (US)", "Rumænien", "Transkønnet"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestKindsAndFaults(t *testing.T) {
	for _, kind := range []report.ChartKind{report.ChartBar, report.ChartStackedBar, report.ChartPie} {
		c := report.Chart{Kind: kind, Categories: []string{"Æble", "Øl", "Å"},
			Series: []report.Series{{Name: "Første", Values: []float64{3, 0, 5}, Labels: []string{"3", "<3", "5"}},
				{Name: "Anden", Values: []float64{1, 2, 0}, Labels: []string{"1", "2", "0"}}}}
		svg, err := chart.SVG(c, chart.Options{})
		if err != nil || !strings.Contains(string(svg), "Æble") {
			t.Errorf("%s: svg %v, has label %v", kind, err, strings.Contains(string(svg), "Æble"))
		}
	}
	if _, err := chart.SVG(report.Chart{Kind: "radar", Categories: []string{"a"}, Series: []report.Series{{Values: []float64{1}}}}, chart.Options{}); err == nil {
		t.Error("unknown kind: no error")
	}
	if _, err := chart.SVG(report.Chart{Categories: []string{"a", "b"}, Series: []report.Series{{Values: []float64{1}}}}, chart.Options{}); err == nil {
		t.Error("short series: no error")
	}
}

// measurer sizes text with fpdf's own reading of the Liberation Sans
// files, independently of the chart package's font code.
type measurer struct{ p *fpdf.Fpdf }

func newMeasurer() measurer {
	p := fpdf.New("P", "pt", "A4", "")
	p.AddUTF8FontFromBytes("L", "", liberationsansregular.TTF)
	p.AddUTF8FontFromBytes("L", "B", liberationsansbold.TTF)
	return measurer{p}
}

// box is the ink extent of a text: the advance width and the font's
// ascent and descent (Liberation Sans: 0.905 and 0.212 of the size).
func (m measurer) box(tx chart.Text) chart.Box {
	style := ""
	if tx.Bold {
		style = "B"
	}
	m.p.SetFont("L", style, tx.Size)
	w := m.p.GetStringWidth(tx.S)
	x := tx.X
	switch tx.Anchor {
	case chart.Middle:
		x -= w / 2
	case chart.End:
		x -= w
	}
	return chart.Box{X0: x, Y0: tx.Y - 0.9*tx.Size, X1: x + w, Y1: tx.Y + 0.21*tx.Size}
}

func overlap(a, b chart.Box) bool {
	const eps = 0.25 // a quarter point of touching is not an overlap
	return a.X0+eps < b.X1 && b.X0+eps < a.X1 && a.Y0+eps < b.Y1 && b.Y0+eps < a.Y1
}

// checkScene asserts the layout facts a reader relies on: every text
// inside the canvas; legend entries clear of each other, of every bar and
// of every other text; category names clear of each other; value labels
// clear of each other and of bars other than their own stack.
func checkScene(t *testing.T, name string, sc *chart.Scene) {
	t.Helper()
	m := newMeasurer()
	type item struct {
		role chart.Role
		box  chart.Box
		s    string
	}
	var texts []item
	for _, tx := range sc.Texts {
		b := m.box(tx)
		texts = append(texts, item{tx.Role, b, tx.S})
		if b.X0 < -0.5 || b.Y0 < -0.5 || b.X1 > sc.W+0.5 || b.Y1 > sc.H+0.5 {
			t.Errorf("%s: %q (%s) outside the %.0f×%.0f canvas: %+v", name, tx.S, tx.Role, sc.W, sc.H, b)
		}
	}
	var bars, swatches []chart.Rect
	for _, r := range sc.Rects {
		switch r.Role {
		case chart.RoleBar:
			bars = append(bars, r)
		case chart.RoleSwatch:
			swatches = append(swatches, r)
		}
	}
	legend := func(i item) bool { return i.role == chart.RoleLegend }
	for _, sw := range swatches {
		for _, b := range bars {
			if overlap(sw.Box, b.Box) {
				t.Errorf("%s: legend key %d overlaps a bar", name, sw.Series)
			}
		}
		for _, tx := range texts {
			if overlap(sw.Box, tx.box) {
				t.Errorf("%s: legend key %d overlaps %q", name, sw.Series, tx.s)
			}
		}
	}
	for i, a := range texts {
		for j, b := range texts {
			if j <= i {
				continue
			}
			pair := legend(a) || legend(b) || (a.role == b.role && (a.role == chart.RoleCategory || a.role == chart.RoleValue || a.role == chart.RoleTick))
			if pair && overlap(a.box, b.box) {
				t.Errorf("%s: %q (%s) overlaps %q (%s)", name, a.s, a.role, b.s, b.role)
			}
		}
		if legend(a) || a.role == chart.RoleCategory || a.role == chart.RoleTick {
			for _, b := range bars {
				if overlap(a.box, b.Box) {
					t.Errorf("%s: %q (%s) overlaps a bar", name, a.s, a.role)
				}
			}
		}
	}
}

func TestLayoutNoOverlap(t *testing.T) {
	long := []string{"Udlændingestyrelsen (US)", "Center mod Menneskehandel (CMM)", "Politiets indsats i hele landet", "Røde Kors i asylcentre", "Andet"}
	charts := map[string]report.Chart{}
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		for _, f := range reporttest.Document(t, lang).Figures() {
			charts[fmt.Sprintf("%s/%s", lang, f.ID)] = f.Chart
		}
	}
	for _, kind := range []report.ChartKind{report.ChartBar, report.ChartStackedBar, report.ChartPie} {
		for _, horizontal := range []bool{false, true} {
			c := report.Chart{Kind: kind, Horizontal: horizontal, ValueLabel: "Antal"}
			for i := 0; i < 7; i++ {
				c.Categories = append(c.Categories, fmt.Sprintf("Kategori med et langt navn %d", i))
			}
			for si, n := range long {
				s := report.Series{Name: n}
				for i := range c.Categories {
					v := float64((i*7+si*3)%11 + si)
					s.Values = append(s.Values, v)
					s.Labels = append(s.Labels, fmt.Sprint(v))
				}
				c.Series = append(c.Series, s)
			}
			charts[fmt.Sprintf("synthetic/%s/%v", kind, horizontal)] = c
		}
	}
	for name, c := range charts {
		for _, width := range []float64{0, 8 * chart.Cm} {
			sc, err := chart.Layout(c, chart.Options{Width: width})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkScene(t, fmt.Sprintf("%s@%.0f", name, width), sc)
		}
	}
}

// TestHistogram checks that unequal bands are drawn with widths in
// proportion to their spans and areas in proportion to their counts.
func TestHistogram(t *testing.T) {
	c := report.Chart{Kind: report.ChartBar, ValueLabel: "Antal pr. aldersår", CategoryLabel: "Alder",
		Categories: []string{"0-17", "18-19", "20-24", "50-59", "60+"},
		Intervals:  []report.Interval{{From: 0, To: 18}, {From: 18, To: 20}, {From: 20, To: 25}, {From: 25, To: 60}, {From: 60, To: 70, Open: true}},
		Series:     []report.Series{{Name: "Antal", Values: []float64{9, 2, 5, 7, 1}, Labels: []string{"9", "2", "5", "7", "1"}}}}
	sc, err := chart.Layout(c, chart.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkScene(t, "histogram", sc)
	var bars []chart.Rect
	for _, r := range sc.Rects {
		if r.Role == chart.RoleBar {
			bars = append(bars, r)
		}
	}
	if len(bars) != 5 {
		t.Fatalf("%d bars", len(bars))
	}
	unitW := (bars[0].X1 - bars[0].X0) / 18
	unitA := (bars[0].X1 - bars[0].X0) * (bars[0].Y1 - bars[0].Y0) / 9
	for i, b := range bars {
		iv := c.Intervals[i]
		if w := (b.X1 - b.X0) / unitW; math.Abs(w-(iv.To-iv.From)) > 1e-6 {
			t.Errorf("band %s is %.2f units wide, want %.0f", c.Categories[i], w, iv.To-iv.From)
		}
		if a := (b.X1 - b.X0) * (b.Y1 - b.Y0) / unitA; math.Abs(a-c.Series[0].Values[i]) > 1e-6 {
			t.Errorf("band %s has area %.2f, want %.0f", c.Categories[i], a, c.Series[0].Values[i])
		}
		if i > 0 && math.Abs(b.X0-bars[i-1].X1) > 1e-6 {
			t.Errorf("band %s does not touch the one before", c.Categories[i])
		}
	}
	// Densities are fractions: the axis has a decimal comma in Danish.
	ticks := func(lang nrm.Lang) string {
		sc, _ := chart.Layout(c, chart.Options{Lang: lang})
		var out []string
		for _, tx := range sc.Texts {
			if tx.Role == chart.RoleTick {
				out = append(out, tx.S)
			}
		}
		return strings.Join(out, " ")
	}
	if da, en := ticks(nrm.LangDA), ticks(nrm.LangEN); !strings.Contains(da, "0,5") || strings.Contains(da, "0.5") || !strings.Contains(en, "0.5") {
		t.Errorf("axis numbers: da %q, en %q", da, en)
	}
}

func TestEmptyAndFormat(t *testing.T) {
	zero := report.Chart{Kind: report.ChartBar, Categories: []string{"a"}, Series: []report.Series{{Values: []float64{0}, Labels: []string{"0"}}}}
	if !chart.Empty(zero) || !chart.Empty(report.Chart{}) {
		t.Error("a chart of zeros is not empty")
	}
	zero.Series[0].Labels[0] = "<3"
	if chart.Empty(zero) {
		t.Error("a withheld count makes an empty chart")
	}
	for _, c := range []struct {
		v    float64
		lang nrm.Lang
		want string
	}{{1234.5, nrm.LangDA, "1.234,5"}, {1234.5, nrm.LangEN, "1,234.5"}, {0.25, "", "0,25"}, {60, nrm.LangDA, "60"}} {
		if got := chart.FormatNumber(c.v, c.lang); got != c.want {
			t.Errorf("FormatNumber(%v, %q) = %q, want %q", c.v, c.lang, got, c.want)
		}
	}
}
