package xlsx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
)

// anyChart is the part of any chart's XML the histogram tests read,
// whatever its kind.
type anyChart struct {
	Title  []string `xml:"chart>title>tx>rich>p>r>t"`
	Legend struct {
		Pos struct {
			Val string `xml:"val,attr"`
		} `xml:"legendPos"`
	} `xml:"chart>legend"`
	Gap struct {
		Val string `xml:"val,attr"`
	} `xml:"chart>plotArea>barChart>gapWidth"`
	CatTitle []string `xml:"chart>plotArea>catAx>title>tx>rich>p>r>t"`
	Bars     []series `xml:"chart>plotArea>barChart>ser"`
	Pies     []series `xml:"chart>plotArea>pieChart>ser"`
	Series   []series // the bars' and pies' series
}

type series struct {
	Tx  ref `xml:"tx>strRef"`
	Cat ref `xml:"cat>strRef"`
	Val struct {
		F     string `xml:"f"`
		Count struct {
			Val int `xml:"val,attr"`
		} `xml:"numCache>ptCount"`
		Cache []point `xml:"numCache>pt"`
	} `xml:"val>numRef"`
}

// charts reads every chart of a workbook by its part name.
func charts(t *testing.T, b []byte) map[string]anyChart {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]anyChart{}
	for _, zf := range z.File {
		if !strings.HasPrefix(zf.Name, "xl/charts/chart") {
			continue
		}
		rc, _ := zf.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		var c anyChart
		if err := xml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		c.Series = append(c.Bars, c.Pies...)
		out[zf.Name] = c
	}
	return out
}

// band is an age band as the figure's data table prints it, read apart
// from the report's own interval code: "20-24" spans 5 years, the open
// "60+" as many as the band before it (the figure's note says so).
type band struct {
	label    string
	from, to int // [from, to)
	count    float64
	withheld bool
}

var closedBand, openBand = regexp.MustCompile(`^(\d+)-(\d+)$`), regexp.MustCompile(`^(\d+)\+$`)

// bands reads the age bands and their numbers from the figure's sheet.
func bands(t *testing.T, f *excelize.File, sheet string) []band {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []band
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		b := band{label: r[0]}
		if m := closedBand.FindStringSubmatch(r[0]); m != nil {
			b.from, _ = strconv.Atoi(m[1])
			hi, _ := strconv.Atoi(m[2])
			b.to = hi + 1
		} else if m := openBand.FindStringSubmatch(r[0]); m != nil && len(out) > 0 {
			b.from, _ = strconv.Atoi(m[1])
			prev := out[len(out)-1]
			b.to = b.from + prev.to - prev.from
		} else {
			continue
		}
		v, err := strconv.ParseFloat(r[1], 64)
		b.count, b.withheld = v, err != nil
		out = append(out, b)
	}
	return out
}

// ageFigure is the document's age figure.
func ageFigure(t *testing.T, d *report.Document) *report.Figure {
	t.Helper()
	for _, f := range d.Figures() {
		if f.ID == "age" {
			return f
		}
	}
	t.Fatal("no age figure")
	return nil
}

// TestXLSXAgeHistogram checks that the workbook's age chart gives every
// band its width: one column per year of age, as many columns as the
// band spans, each as tall as the band's number divided by its width, so
// that the columns of a band add up to its number — for the seed's
// numbers and with a withheld band, in both languages; the legend and
// axis say what is drawn.
func TestXLSXAgeHistogram(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		for _, withheld := range []bool{false, true} {
			name := string(lang)
			if withheld {
				name += "/withheld"
			}
			t.Run(name, func(t *testing.T) {
				d := reporttest.Document(t, lang)
				fig := ageFigure(t, d)
				if withheld {
					// The 18-19 band withheld as the publication would.
					s := &fig.Chart.Series[0]
					s.Values[1], s.Labels[1] = 0, "<3"
					fig.Data.Rows[1].Cells[1] = report.Cell{Text: "<3", Withheld: true}
				}
				b := write(t, d)
				f, err := excelize.OpenReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				bs := bands(t, f, fig.Data.Sheet)
				if len(bs) != len(nrm.AgeBands) {
					t.Fatalf("%d bands on sheet %q, want %d", len(bs), fig.Data.Sheet, len(nrm.AgeBands))
				}
				var hist *anyChart
				for _, c := range charts(t, b) {
					if strings.Join(c.Title, "") == fig.Caption {
						hist = &c
					}
				}
				if hist == nil || len(hist.Series) != 1 {
					t.Fatalf("no chart of one series titled %q", fig.Caption)
				}
				s := hist.Series[0]
				perYear := map[nrm.Lang]string{nrm.LangDA: "Antal pr. aldersår", nrm.LangEN: "Number per year of age"}[lang]
				yearAxis := map[nrm.Lang]string{nrm.LangDA: "Aldersår", nrm.LangEN: "Year of age"}[lang]
				if len(s.Tx.Cache) != 1 || s.Tx.Cache[0].V != perYear || hist.Legend.Pos.Val == "" {
					t.Errorf("legend: %v at %q, want %q", s.Tx.Cache, hist.Legend.Pos.Val, perYear)
				}
				if got := strings.Join(hist.CatTitle, ""); got != yearAxis {
					t.Errorf("category axis title %q, want %q", got, yearAxis)
				}
				if hist.Gap.Val != "0" {
					t.Errorf("gap width %q: a band's columns must touch", hist.Gap.Val)
				}
				// The cached values, and the cells they come from.
				vals := map[int]float64{}
				for _, p := range s.Val.Cache {
					v, err := strconv.ParseFloat(p.V, 64)
					if err != nil {
						t.Fatalf("cached value %q", p.V)
					}
					vals[p.Idx] = v
				}
				cats := map[int]string{}
				for _, p := range s.Cat.Cache {
					cats[p.Idx] = p.V
				}
				cells := cells(t, f, s.Val.F)
				bandCol := cells0(t, f, s.Val.F, 1) // the band beside each year
				total := 0
				for _, b := range bs {
					total += b.to - b.from
				}
				if s.Val.Count.Val != total || len(cells) != total || len(s.Cat.Cache) != total {
					t.Fatalf("%d cached points, %d cells, %d categories; the bands span %d years", s.Val.Count.Val, len(cells), len(s.Cat.Cache), total)
				}
				i := 0
				for _, b := range bs {
					sum := 0.0
					for y := b.from; y < b.to; y, i = y+1, i+1 {
						if bandCol[i] != b.label {
							t.Errorf("year %d: band %q, want %q", y, bandCol[i], b.label)
						}
						v, ok := vals[i]
						switch {
						case b.withheld && (ok || cells[i] != "x"):
							t.Errorf("year %d of withheld band %s: value %v (%v), cell %q", y, b.label, v, ok, cells[i])
						case !b.withheld && (!ok || math.Abs(v-b.count/float64(b.to-b.from)) > 1e-9):
							t.Errorf("year %d of band %s: %v per year, want %v / %d", y, b.label, v, b.count, b.to-b.from)
						}
						sum += v
						want := ""
						if y == b.from {
							want = strconv.Itoa(y)
							if openBand.MatchString(b.label) {
								want = b.label
							}
						}
						if cats[i] != want {
							t.Errorf("year %d: axis label %q, want %q", y, cats[i], want)
						}
					}
					if !b.withheld && math.Abs(sum-b.count) > 1e-9 {
						t.Errorf("band %s: columns add up to %v, the band's number is %v", b.label, sum, b.count)
					}
				}
				if withheld != bs[1].withheld {
					t.Errorf("band %s withheld: %v", bs[1].label, bs[1].withheld)
				}
				// The note under the figure's data tells how it is drawn.
				rows, _ := f.GetRows(fig.Data.Sheet)
				all := ""
				for _, r := range rows {
					all += strings.Join(r, " ") + "\n"
				}
				for _, n := range fig.Notes {
					if !strings.Contains(all, n) {
						t.Errorf("figure note %q not on sheet %q", n, fig.Data.Sheet)
					}
				}
			})
		}
	}
}

// cells0 reads the cells `off` columns right of a one-column reference.
func cells0(t *testing.T, f *excelize.File, r string, off int) []string {
	t.Helper()
	sheet, rng, _ := strings.Cut(r, "!")
	from, to, _ := strings.Cut(strings.ReplaceAll(rng, "$", ""), ":")
	c1, r1, _ := excelize.CellNameToCoordinates(from)
	_, r2, _ := excelize.CellNameToCoordinates(to)
	a, _ := excelize.CoordinatesToCellName(c1+off, r1)
	z, _ := excelize.CoordinatesToCellName(c1+off, r2)
	return cells(t, f, sheet+"!"+a+":"+z)
}

// TestXLSXNoEmptyChart: every chart of the workbook, in both languages,
// has a series with categories and something to draw, and every series'
// cached values are as many as its categories.
func TestXLSXNoEmptyChart(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		cs := charts(t, write(t, reporttest.Document(t, lang)))
		if len(cs) < 5 {
			t.Errorf("%s: only %d charts", lang, len(cs))
		}
		for name, c := range cs {
			if len(c.Series) == 0 {
				t.Errorf("%s %s: no series", lang, name)
				continue
			}
			drawn := false
			for si, s := range c.Series {
				if len(s.Cat.Cache) == 0 || s.Val.Count.Val != len(s.Cat.Cache) {
					t.Errorf("%s %s series %d: %d categories, %d cached points", lang, name, si, len(s.Cat.Cache), s.Val.Count.Val)
				}
				for _, p := range s.Val.Cache {
					if v, err := strconv.ParseFloat(p.V, 64); err == nil && v != 0 {
						drawn = true
					}
				}
			}
			if !drawn {
				t.Errorf("%s %s: nothing to draw", lang, name)
			}
		}
	}
}
