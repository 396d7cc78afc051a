package pdf_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/pdf"
	"nrm/report/reporttest"
)

func write(t *testing.T, d *report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pdf.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatalf("not a PDF: %.20q", buf.Bytes())
	}
	return buf.Bytes()
}

// text extracts the PDF's text with pdftotext, whitespace collapsed.
func text(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	f := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestDanishText(t *testing.T) {
	b := write(t, reporttest.Document(t, nrm.LangDA))
	got := text(t, b)
	for _, want := range []string{
		"Statusrapport 2011",
		"I 2011 er 60 personer officielt vurderet som ofre for menneskehandel; 51 af Udlændingestyrelsen (US) og ni af Center mod Menneskehandel (CMM).",
		"Omkring ¾ af de personer, der officielt er vurderet handlet til Danmark, er mødt i forbindelse med politiets indsats.",
		"Nigeria er det land, der fylder mest i statistikken med 18 personer vurderet handlet til Danmark, svarende til omkring 1/3 af det samlede antal.",
		"Af de 56, der er handlet til prostitution, er 54 kvinder og to transkønnede.",
		"Latinamerika: 26-51 år, med en gennemsnitsalder på 37,6 på identifikationstidspunktet.",
		"Figur 8: Ophold på krisecenter fordelt på antal dage 2011",
		"Heraf fældende afgørelser Dom 6",
		"Note: Opgjort pr. 1. marts 2012.",
		"Side 2 af",
		"Mødestedet i Colbjørnsensgade",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestEnglish(t *testing.T) {
	got := text(t, write(t, reporttest.Document(t, nrm.LangEN)))
	for _, want := range []string{"Status report 2011", "Page 3", "About three quarters of the persons"} {
		if !strings.Contains(got, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestLongCell checks that a table cell longer than a page breaks across
// pages instead of running off the page.
func TestLongCell(t *testing.T) {
	in := reporttest.Input(t, nrm.LangDA)
	long := strings.Repeat("Meget lang statustekst om implementeringen af aktiviteten. ", 400) + "SLUTORD"
	in.Plan.Areas[0].Goals[0].Activities[0].Statuses[1].TextDA = long
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, write(t, d))
	if !strings.Contains(got, "SLUTORD") {
		t.Error("the end of a long cell is lost")
	}
}
