package html_test

import (
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
)

// TestContentsNested checks that the contents list chapters at the top
// and each chapter's sections in a list of their own (so chapters number
// 1, 2, 3 and sections 2.1, 2.2), in document order.
func TestContentsNested(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	out := string(render(t, d))
	nav := regexp.MustCompile(`(?s)<nav class="toc"[^>]*>(.*?)</nav>`).FindStringSubmatch(out)
	if nav == nil {
		t.Fatal("no contents")
	}
	// Walk the list: depth of every link.
	tok := regexp.MustCompile(`<ol>|</ol>|<a href="#([^"]+)">`)
	depth := 0
	var got []string
	for _, m := range tok.FindAllStringSubmatch(nav[1], -1) {
		switch m[0] {
		case "<ol>":
			depth++
		case "</ol>":
			depth--
		default:
			got = append(got, strings.Repeat(">", depth)+m[1])
		}
	}
	var want []string
	chapter := false
	for _, s := range d.Sections {
		switch {
		case s.Level == 1:
			want, chapter = append(want, ">"+s.ID), true
		case s.Level == 2 && chapter:
			want = append(want, ">>"+s.ID)
		case s.Level == 2:
			want = append(want, ">"+s.ID)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("contents\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(out, `counters(toc,".")`) {
		t.Error("the contents are not numbered 2.1, 2.2")
	}
}

// TestPalette checks that the stylesheet and the charts use the report's
// one palette.
func TestPalette(t *testing.T) {
	out := strings.ToLower(string(render(t, reporttest.Document(t, nrm.LangDA))))
	for _, c := range []string{report.Hex(report.Accent), report.Hex(report.Shade), report.Hex(report.Rule), report.Hex(report.SeriesColor(1))} {
		if !strings.Contains(out, "#"+strings.ToLower(c)) {
			t.Errorf("HTML lacks the palette colour #%s", c)
		}
	}
}

// TestEmptyFigure checks that a figure with nothing to draw has its
// caption and notes but no chart.
func TestEmptyFigure(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	f := d.Figures()[0]
	f.Chart.Categories, f.Chart.Series = nil, nil
	out := string(render(t, d))
	i := strings.Index(out, `<figure id="`+f.ID+`">`)
	j := strings.Index(out[i:], "</figure>")
	if i < 0 || j < 0 {
		t.Fatal("no figure")
	}
	fig := out[i : i+j]
	if strings.Contains(fig, "<svg") || !strings.Contains(fig, f.Caption) {
		t.Errorf("empty figure: %.300s", fig)
	}
}
