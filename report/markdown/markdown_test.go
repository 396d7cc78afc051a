package markdown

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
	"nrm/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestGolden(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, reporttest.Document(t, lang)); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report_"+string(lang)+".md.golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s; run go test -update and review the diff", golden)
			}
		})
	}
}

func TestContent(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, reporttest.Document(t, nrm.LangDA)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"I 2011 er 60 personer officielt vurderet som ofre for menneskehandel; 51 af Udlændingestyrelsen (US) og ni af Center mod Menneskehandel (CMM).",
		"**Figur 1: Antal identifikationer fordelt pr. år på CMM og US**",
		"| År | Udlændingestyrelsen (US) | Center mod Menneskehandel (CMM) |",
		"| --- | ---: | ---: |",
		"| 2011 | 51 | 9 |",
		"| Heraf fældende afgørelser | Dom | 6 |",
		"| **I alt** |  | **9** |",
		"> Note: Opgjort pr. 1. marts 2012.",
		"<br><br>Mødestedet har åbne sundhedstilbud",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}

func TestEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"<3 personer":          `\<3 personer`,
		"1. marts 2012":        `1\. marts 2012`,
		"- ikke en liste":      `\- ikke en liste`,
		"a_b *c* [d]":          `a\_b \*c\* \[d\]`,
		"to  mellemrum\nlinje": "to mellemrum linje",
	} {
		if got := block(in); got != want {
			t.Errorf("block(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cell("a|b\n\nc\nd"); got != `a\|b<br><br>c<br>d` {
		t.Errorf("cell = %q", got)
	}
}
