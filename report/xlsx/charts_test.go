package xlsx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
)

// chartSpace is the part of a chart's XML these tests read.
type chartSpace struct {
	Series []struct {
		Tx  ref `xml:"tx>strRef"`
		Cat ref `xml:"cat>strRef"`
		Val struct {
			F     string  `xml:"f"`
			Cache []point `xml:"numCache>pt"`
		} `xml:"val>numRef"`
		Fill struct {
			Val string `xml:"val,attr"`
		} `xml:"spPr>solidFill>srgbClr"`
	} `xml:"chart>plotArea>barChart>ser"`
}

type ref struct {
	F     string  `xml:"f"`
	Cache []point `xml:"strCache>pt"`
}

type point struct {
	Idx int    `xml:"idx,attr"`
	V   string `xml:"v"`
}

// cells reads the cells a reference such as 'Figur 1'!$B$3:$B$7 names.
func cells(t *testing.T, f *excelize.File, r string) []string {
	t.Helper()
	sheet, rng, _ := strings.Cut(r, "!")
	sheet = strings.ReplaceAll(strings.Trim(sheet, "'"), "''", "'")
	from, to, ok := strings.Cut(strings.ReplaceAll(rng, "$", ""), ":")
	if !ok {
		to = from
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		t.Fatalf("reference %q", r)
	}
	var out []string
	for row := r1; row <= r2; row++ {
		for col := c1; col <= c2; col++ {
			name, _ := excelize.CoordinatesToCellName(col, row)
			v, err := f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
	}
	return out
}

// TestChartCaches checks that every chart carries the values and names
// it shows (a reader that does not recalculate draws them), that they
// are the sheet's cells, and that the series take the report's palette.
func TestChartCaches(t *testing.T) {
	b := write(t, reporttest.Document(t, nrm.LangDA))
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, zf := range z.File {
		if !strings.HasPrefix(zf.Name, "xl/charts/chart") {
			continue
		}
		rc, _ := zf.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		var cs chartSpace
		if err := xml.Unmarshal(data, &cs); err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		if len(cs.Series) == 0 {
			t.Errorf("%s: no bar series", zf.Name)
		}
		for si, s := range cs.Series {
			n++
			if want := report.Hex(report.SeriesColor(si)); s.Fill.Val != want {
				t.Errorf("%s series %d: colour %q, want %q", zf.Name, si, s.Fill.Val, want)
			}
			name := cells(t, f, s.Tx.F)
			if len(s.Tx.Cache) != 1 || s.Tx.Cache[0].V != name[0] {
				t.Errorf("%s series %d: cached name %v, cell %q", zf.Name, si, s.Tx.Cache, name)
			}
			cats := cells(t, f, s.Cat.F)
			if len(s.Cat.Cache) != len(cats) {
				t.Errorf("%s: %d cached categories for %d cells", zf.Name, len(s.Cat.Cache), len(cats))
			}
			for _, p := range s.Cat.Cache {
				if p.V != cats[p.Idx] {
					t.Errorf("%s: category %d cached %q, cell %q", zf.Name, p.Idx, p.V, cats[p.Idx])
				}
			}
			vals := cells(t, f, s.Val.F)
			cached := map[int]string{}
			for _, p := range s.Val.Cache {
				cached[p.Idx] = p.V
			}
			for i, v := range vals {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					continue // a withheld "<3" has no cached number
				}
				if cached[i] != v {
					t.Errorf("%s series %d: value %d cached %q, cell %q", zf.Name, si, i, cached[i], v)
				}
			}
		}
	}
	if n < 9 {
		t.Errorf("only %d chart series", n)
	}
}

// TestTotalsFrozenAreas checks the sheets' working facts: total rows are
// SUM formulas where the total is the sum (and their value is the
// printed one), header rows are frozen, and the action plan's sheet heads
// each area's tables with the area.
func TestTotalsFrozenAreas(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	f, err := excelize.OpenReader(bytes.NewReader(write(t, d)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	formulas := 0
	for _, sheet := range f.GetSheetList()[1:] {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for ri, r := range rows {
			for ci := range r {
				name, _ := excelize.CoordinatesToCellName(ci+1, ri+1)
				fm, _ := f.GetCellFormula(sheet, name)
				if fm == "" {
					continue
				}
				formulas++
				if !strings.HasPrefix(fm, "SUM(") {
					t.Errorf("%s!%s: formula %q", sheet, name, fm)
				}
				got, err := f.CalcCellValue(sheet, name)
				if err != nil {
					t.Fatalf("%s!%s: %v", sheet, name, err)
				}
				shown, _ := f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
				g, _ := strconv.ParseFloat(got, 64)
				s, _ := strconv.ParseFloat(shown, 64)
				if math.Abs(g-s) > 1e-9 {
					t.Errorf("%s!%s: %s computes %s, the cell shows %s", sheet, name, fm, got, shown)
				}
			}
		}
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit < 1 {
			t.Errorf("sheet %q: header row not frozen (%+v)", sheet, panes)
			continue
		}
		// The frozen row is a header: its cells are the header fill.
		name, _ := excelize.CoordinatesToCellName(1, panes.YSplit)
		style, _ := f.GetCellStyle(sheet, name)
		st, _ := f.GetStyle(style)
		if st == nil || st.Fill.Color == nil || st.Fill.Color[0] != report.Hex(report.Shade) {
			t.Errorf("sheet %q: frozen row %d is not a header row", sheet, panes.YSplit)
		}
	}
	if formulas == 0 {
		t.Error("no total is a formula")
	}
	// Areas on the action plan's sheet.
	rows, err := f.GetRows("Handlingsplan")
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	for _, r := range rows {
		if len(r) > 0 {
			first = append(first, r[0])
		}
	}
	all := "\n" + strings.Join(first, "\n") + "\n"
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == report.KindTable && b.Table.Sheet == "Handlingsplan" && !strings.Contains(all, "\n"+s.Heading+"\n") {
				t.Errorf("the action plan sheet lacks the area %q", s.Heading)
			}
		}
	}
}
