package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvaluationAndOutreachCommands: the demo's evaluation and outreach
// visits through the command line, in both languages; a bad evaluation
// is refused with one message per fault and changes nothing.
func TestEvaluationAndOutreachCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "nrm.db")
	out := run(t, "--db", db, "--lang", "en", "demo")
	if !strings.Contains(out, "The plan's work: 18 outputs, 8 funding entries") || !strings.Contains(out, "4 working groups and 1 evaluation; 5 outreach services with 9 visit counts.") {
		t.Fatalf("demo output:\n%s", out)
	}
	// A second load keeps what was edited since.
	run(t, "--db", db, "evaluation", "set", "DK-2011-2014", "--evaluator", "Evalueringsfirma A/S", "--date", "2015-04-30",
		"--summary", "Planen er gennemført.", "--summary-en", "The plan was carried out.",
		"--recommendation", "Fasthold Mødestedet.", "--recommendation-en", "Keep Mødestedet.", "--link", "https://example.org/eval.pdf")
	run(t, "--db", db, "demo")
	if got := run(t, "--db", db, "--lang", "en", "evaluation", "show", "DK-2011-2014"); !strings.Contains(got, "Evaluator: Evalueringsfirma A/S") ||
		!strings.Contains(got, "The plan was carried out.") || !strings.Contains(got, "1. Keep Mødestedet.") || !strings.Contains(got, "https://example.org/eval.pdf") {
		t.Fatalf("evaluation show (en):\n%s", got)
	}
	if got := run(t, "--db", db, "--lang", "da", "evaluation", "show", "DK-2011-2014"); !strings.Contains(got, "Evaluerende organisation: Evalueringsfirma A/S") ||
		!strings.Contains(got, "1. Fasthold Mødestedet.") {
		t.Fatalf("evaluation show (da):\n%s", got)
	}
	// Faults: no date, a script link, English recommendations that do not
	// pair with the Danish ones.
	msg := runFail(t, "--db", db, "--lang", "da", "evaluation", "set", "DK-2011-2014", "--evaluator", "X", "--summary", "x",
		"--recommendation", "a", "--recommendation-en", "a", "--recommendation-en", "b")
	if !strings.Contains(msg, "Anbefalinger (engelsk)") {
		t.Fatalf("unpaired recommendations: %s", msg)
	}
	msg = runFail(t, "--db", db, "--lang", "da", "evaluation", "set", "DK-2011-2014", "--evaluator", "X", "--summary", "x", "--link", "javascript:alert(1)")
	if !strings.Contains(msg, "Dato skal udfyldes") || !strings.Contains(msg, "Link eller filreference har et ugyldigt format") {
		t.Fatalf("bad evaluation: %s", msg)
	}
	if got := run(t, "--db", db, "--lang", "en", "evaluation", "show", "DK-2011-2014", "--json"); !strings.Contains(got, `"evaluator":"Evalueringsfirma A/S"`) {
		t.Fatalf("a refused evaluation changed the stored one:\n%s", got)
	}
	// The plan-work YAML carries it: export, delete, import.
	exp := run(t, "--db", db, "outputs", "export", "DK-2011-2014")
	if !strings.Contains(exp, "evaluation:") || !strings.Contains(exp, "audience_en: health staff") {
		t.Fatalf("export:\n%s", exp)
	}
	run(t, "--db", db, "evaluation", "delete", "DK-2011-2014")
	if msg := runFail(t, "--db", db, "--lang", "da", "evaluation", "show", "DK-2011-2014"); !strings.Contains(msg, "Handlingsplanen \"DK-2011-2014\" har ingen evaluering.") {
		t.Fatalf("show after delete: %s", msg)
	}
	file := filepath.Join(dir, "work.yaml")
	if err := os.WriteFile(file, []byte(exp), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := run(t, "--db", db, "--lang", "en", "outputs", "import", "DK-2011-2014", file, "--replace"); !strings.Contains(got, "The evaluation of DK-2011-2014 is saved.") {
		t.Fatalf("import:\n%s", got)
	}
	// Outreach: the visits per year with the change, in both languages.
	en := run(t, "--db", db, "--lang", "en", "outreach", "list")
	for _, want := range []string{"The meeting place (Mødestedet), Colbjørnsensgade  2011  3540", "+420 (+13 %)", "Rising", "Pro Vest health clinic", "Stable"} {
		if !strings.Contains(en, want) {
			t.Errorf("outreach list (en) lacks %q:\n%s", want, en)
		}
	}
	run(t, "--db", db, "outreach", "set", "PROVEST_KLINIK", "2012", "--visits", "200")
	da := run(t, "--db", db, "--lang", "da", "outreach", "list")
	if !strings.Contains(da, "Pro Vests sundhedsklinik") || !strings.Contains(da, "-40 (-17 %)") || !strings.Contains(da, "Faldende") {
		t.Errorf("outreach list (da):\n%s", da)
	}
	if msg := runFail(t, "--db", db, "--lang", "da", "outreach", "set", "UKENDT", "2012", "--visits", "-1"); !strings.Contains(msg, "ugyldige felter") {
		t.Errorf("bad visits: %s", msg)
	}
}
