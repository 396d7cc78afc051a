package xlsx_test

import (
	"archive/zip"
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
	"nrm/report/xlsx"
)

func write(t *testing.T, d *report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWorkbook(t *testing.T) {
	b := write(t, reporttest.Document(t, nrm.LangDA))
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	for _, want := range []string{"Forside", "Handlingsplan", "Status", "Figur 1", "Figur 4", "Figur 8", "Udnyttelse og køn",
		"Tvangsarbejde", "Alder og område", "Indkvartering", "Hjemrejser i året", "Årets identificerede", "Retsforfølgelse"} {
		if !slices.Contains(sheets, want) {
			t.Errorf("no sheet %q in %q", want, sheets)
		}
	}
	if sheets[0] != "Forside" {
		t.Errorf("first sheet %q", sheets[0])
	}
	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := cell("Forside", "A1"); v != "Statusrapport 2011" {
		t.Errorf("title %q", v)
	}
	rows, err := f.GetRows("Forside")
	if err != nil {
		t.Fatal(err)
	}
	var front []string
	for _, r := range rows {
		front = append(front, strings.Join(r, " | "))
	}
	all := strings.Join(front, "\n")
	for _, want := range []string{"Opgjort pr. | 1. marts 2012",
		"I 2011 er 60 personer officielt vurderet som ofre for menneskehandel; 51 af Udlændingestyrelsen (US) og ni af Center mod Menneskehandel (CMM)."} {
		if !strings.Contains(all, want) {
			t.Errorf("front sheet lacks %q", want)
		}
	}
	// Figure 1: caption, header, then 2007..2011 as numbers.
	if v := cell("Figur 1", "B2"); v != "Udlændingestyrelsen (US)" {
		t.Errorf("Figur 1 B2 = %q", v)
	}
	if v := cell("Figur 1", "A7"); v != "2011" {
		t.Errorf("Figur 1 A7 = %q", v)
	}
	if v := cell("Figur 1", "B7"); v != "51" {
		t.Errorf("Figur 1 B7 = %q", v)
	}
	if typ := must(f.GetCellType("Figur 1", "B7"))(t); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("Figur 1 B7 is stored as text")
	}
	// The prosecution table.
	p, err := f.GetRows("Retsforfølgelse")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p {
		got = append(got, strings.Join(r, "|"))
	}
	for _, want := range []string{"Sigtelser||21", "Heraf fældende afgørelser|Dom|6", "I alt||9", "Note: Opgjort pr. 1. marts 2012."} {
		if !slices.Contains(got, want) {
			t.Errorf("prosecution sheet lacks row %q in %q", want, got)
		}
	}
	// Eight native charts.
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range z.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 8 {
		t.Errorf("%d charts, want 8", charts)
	}
}

func TestEnglishSheetNames(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, reporttest.Document(t, nrm.LangEN))))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	for _, want := range []string{"Front", "Action plan", "Figure 1", "Prosecution"} {
		if !slices.Contains(sheets, want) {
			t.Errorf("no sheet %q in %q", want, sheets)
		}
	}
}
