package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
)

// pages extracts the PDF's text page by page with pdftotext (layout
// mode, so that a line of the contents keeps its page number).
func pages(t *testing.T, b []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	f := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	ps := strings.Split(string(out), "\f")
	if len(ps) > 0 && strings.TrimSpace(ps[len(ps)-1]) == "" {
		ps = ps[:len(ps)-1]
	}
	return ps
}

var leader = regexp.MustCompile(`^\s*(.*?)\s*[. ]{4,}\s*(\d+)\s*$`)

// TestContentsAndPageNumbers checks the printed contents against the
// pages the headings are really on, and "Side N af M" on every page but
// the title page.
func TestContentsAndPageNumbers(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			d := reporttest.Document(t, lang)
			ps := pages(t, write(t, d))
			n := len(ps)
			format := "Side %d af %d"
			if lang == nrm.LangEN {
				format = "Page %d of %d"
			}
			for i := 1; i < n; i++ {
				if want := fmt.Sprintf(format, i+1, n); !strings.Contains(ps[i], want) {
					t.Errorf("page %d lacks %q", i+1, want)
				}
			}
			if !strings.Contains(ps[1], d.Words.Contents) {
				t.Fatalf("page 2 is not the contents: %.200q", ps[1])
			}
			// The contents lines: heading, dotted leader, page number.
			var entries [][2]string
			for _, line := range strings.Split(ps[1], "\n") {
				if m := leader.FindStringSubmatch(line); m != nil {
					entries = append(entries, [2]string{m[1], m[2]})
				}
			}
			var want []string
			for _, s := range d.Sections {
				if s.Level <= 2 {
					want = append(want, s.Heading)
				}
			}
			if len(entries) != len(want) {
				t.Fatalf("contents has %d entries, the report %d headings: %q", len(entries), len(want), entries)
			}
			last := 0
			for i, e := range entries {
				if e[0] != want[i] {
					t.Errorf("contents entry %d is %q, want %q", i+1, e[0], want[i])
				}
				p, _ := strconv.Atoi(e[1])
				if p < last || p < 3 || p > n {
					t.Errorf("%q on page %d (after %d, of %d)", e[0], p, last, n)
					continue
				}
				last = p
				if !hasLine(ps[p-1], want[i]) {
					t.Errorf("contents says %q is on page %d; it is not there", want[i], p)
				}
			}
		})
	}
}

// hasLine reports whether page has a line that is exactly text (a
// heading stands on its own line).
func hasLine(page, text string) bool {
	for _, l := range strings.Split(page, "\n") {
		if strings.TrimSpace(l) == text {
			return true
		}
	}
	return false
}

// TestVectorFigures checks that no chart is a raster image and that the
// charts' words are text in the PDF.
func TestVectorFigures(t *testing.T) {
	b := write(t, reporttest.Document(t, nrm.LangDA))
	if bytes.Contains(b, []byte("/Subtype /Image")) {
		t.Error("the PDF holds an image")
	}
	got := text(t, b)
	for _, want := range []string{"Udlændingestyrelsen (US) Center mod Menneskehandel (CMM)", "Antal pr. aldersår", "Nigeria", "Den Dominikanske Republik", "60+"} {
		if !strings.Contains(got, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestHeadingsKeptWithText checks that no heading is the last line of a
// page: what follows it starts on the same page.
func TestHeadingsKeptWithText(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	ps := pages(t, write(t, d))
	headings := map[string]bool{}
	for _, s := range d.Sections {
		headings[s.Heading] = true
	}
	for i, p := range ps[2:] {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, d.Footer[:10]) {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 && headings[lines[len(lines)-1]] {
			t.Errorf("page %d ends with the heading %q", i+3, lines[len(lines)-1])
		}
	}
}

// TestHeaderWords checks that a table header never breaks inside a word:
// every word of every printed column label appears whole in the text,
// also when the columns are many and narrow.
func TestHeaderWords(t *testing.T) {
	d := reporttest.Document(t, nrm.LangDA)
	wide := &report.Table{ID: "wide", Caption: "Bred tabel"}
	for i := 0; i < 6; i++ {
		wide.Columns = append(wide.Columns, report.Column{Label: fmt.Sprintf("Gennemsnitsalderen%d i alt", i), Numeric: true})
	}
	wide.Rows = []report.Row{{Cells: make([]report.Cell, 6)}}
	d.Sections = append(d.Sections, &report.Section{ID: "wide", Level: 2, Heading: "Bred", Blocks: []report.Block{{Kind: report.KindTable, Table: wide}}})
	tokens := map[string]bool{}
	for _, w := range strings.Fields(text(t, write(t, d))) {
		tokens[w] = true
	}
	var tables []*report.Table // the printed ones; figure data is not
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == report.KindTable {
				tables = append(tables, b.Table)
			}
		}
	}
	for _, tb := range tables {
		for _, c := range tb.Columns {
			for _, w := range strings.Fields(c.Label) {
				if !tokens[w] {
					t.Errorf("table %s: header word %q is broken", tb.ID, w)
				}
			}
		}
	}
}
