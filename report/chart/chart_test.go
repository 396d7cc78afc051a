package chart_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

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
			png, err := chart.PNG(f.Chart, chart.Options{})
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, f.ID+".png"), png, 0o644)
			os.WriteFile(filepath.Join(dir, f.ID+".svg"), svg, 0o644)
		}
	}
	for _, want := range []string{"Mellemøsten", "Udlændingestyrelsen (US)", "Rumænien", "Transkønnet"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestPNGAndKinds(t *testing.T) {
	for _, kind := range []report.ChartKind{report.ChartBar, report.ChartStackedBar, report.ChartPie} {
		c := report.Chart{Kind: kind, Categories: []string{"Æble", "Øl", "Å"},
			Series: []report.Series{{Name: "Første", Values: []float64{3, 0, 5}, Labels: []string{"3", "<3", "5"}},
				{Name: "Anden", Values: []float64{1, 2, 0}, Labels: []string{"1", "2", "0"}}}}
		png, err := chart.PNG(c, chart.Options{DPI: 72})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("%s: not a PNG", kind)
		}
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
