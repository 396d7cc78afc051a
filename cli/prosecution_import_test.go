package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportKeepsPoliceFigures: a generated bundle imported into the demo
// database does not silently replace the police's prosecution figures
// (2011: 21 charges); --replace-prosecutions does, and a refusal changes
// nothing.
func TestImportKeepsPoliceFigures(t *testing.T) {
	e := publishEnv(t)
	bundle := filepath.Join(t.TempDir(), "gen")
	e.ok("gen", "--cases", "40", "--years", "2010-2011", "--seed", "5", "--out", bundle)
	charges := func() string {
		t.Helper()
		out := e.ok("report", "--year", "2011")
		i := strings.Index(out, `"charges": `)
		if i < 0 {
			t.Fatalf("no charges in the contract")
		}
		return strings.TrimRight(strings.Fields(out[i+len(`"charges": `):])[0], ",")
	}
	before := e.ok("report", "--year", "2011")
	if charges() != "21" {
		t.Fatalf("the demo's 2011 charges are %s", charges())
	}
	for _, lang := range []string{"en", "da"} {
		out, msg, code := e.nrm("--lang", lang, "import", bundle)
		want := map[string]string{"en": "would replace the police's figures for 2011 held already (charges 21 →", "da": "ville erstatte politiets tal for 2011"}[lang]
		if code != 1 || !strings.Contains(msg, want) || !strings.Contains(msg, "--replace-prosecutions") {
			t.Errorf("%s: exit %d\n%s%s", lang, code, out, msg)
		}
	}
	if after := e.ok("report", "--year", "2011"); after != before {
		t.Error("a refused import changed the statistics")
	}
	e.ok("import", "--replace-prosecutions", bundle)
	if charges() == "21" {
		t.Error("--replace-prosecutions kept the old figures")
	}
}
