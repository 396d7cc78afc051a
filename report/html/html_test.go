package html_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	stdhtml "html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/html"
	"nrm/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// svgBody replaces each inline chart by a placeholder: chart geometry is
// floating-point output that may differ between CPU architectures, and
// the chart package has its own tests.
var svgBody = regexp.MustCompile(`(?s)<svg .*?</svg>`)

func render(t *testing.T, d *report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := html.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			out := render(t, reporttest.Document(t, lang))
			if n := len(svgBody.FindAll(out, -1)); n != 8 {
				t.Errorf("%d inline charts, want 8", n)
			}
			got := svgBody.ReplaceAll(out, []byte("<svg><!-- chart --></svg>"))
			golden := filepath.Join("testdata", "report_"+string(lang)+".html.golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s; run go test -update and review the diff", golden)
			}
		})
	}
}

func TestContent(t *testing.T) {
	out := string(render(t, reporttest.Document(t, nrm.LangDA)))
	for _, want := range []string{
		`<html lang="da">`,
		"I 2011 er 60 personer officielt vurderet som ofre for menneskehandel; 51 af Udlændingestyrelsen (US) og ni af Center mod Menneskehandel (CMM).",
		"Omkring ¾ af de personer, der officielt er vurderet handlet til Danmark, er mødt i forbindelse med politiets indsats.",
		"Figur 8: Ophold på krisecenter fordelt på antal dage 2011",
		">Mellemøsten<",
		`<td class="num">21</td>`,
		"Note: Opgjort pr. 1. marts 2012.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Strict CSP: no scripts, no style attributes, and the one style
	// element matches the hash in the policy.
	for _, bad := range []string{"<script", " style=", "javascript:", "http://", "https://"} {
		if strings.Contains(out, bad) && !(bad == "http://" && strings.Count(out, "http://www.w3.org/") == strings.Count(out, "http://")) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no style element")
	}
	sum := sha256.Sum256([]byte(m[1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(out)
	if hash != html.StyleHash() || csp == nil || !strings.Contains(stdhtml.UnescapeString(csp[1]), hash) {
		t.Errorf("style hash %s not in the policy (%s)", hash, html.StyleHash())
	}
}

func TestEscapes(t *testing.T) {
	in := reporttest.Input(t, nrm.LangDA)
	in.Intro = "Første afsnit med <script>alert(1)</script>.\n\nAndet afsnit."
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	out := string(render(t, d))
	if strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;") {
		t.Error("intro text is not escaped")
	}
}
