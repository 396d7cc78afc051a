package cli_test

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestCLICaseList: `nrm case list` sorts and filters; --csv writes every
// matching case without names, audited; a bad sort key is refused in the
// chosen language.
func TestCLICaseList(t *testing.T) {
	e, _ := auditEnv(t)
	out := e.ok("case", "list", "--sort", "ref", "--desc", "--lang", "en")
	i, j := strings.Index(out, "CLI-OPEN"), strings.Index(out, "CLI-NEW")
	if i < 0 || j < 0 || i > j || !strings.Contains(out, "3 of 3 cases") {
		t.Errorf("sorted list:\n%s", out)
	}
	out = e.ok("case", "list", "--csv", "--identified-from", "2011-01-01", "--sort", "ref")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 4 || recs[0][0] != "ref" || recs[1][0] != "CLI-NEW" {
		t.Fatalf("csv: %v %q", err, recs)
	}
	if strings.Contains(out, "Plantedname") || strings.Contains(recs[0][len(recs[0])-1], "name") {
		t.Error("the command line exported names")
	}
	var exports int
	for _, en := range e.entries() {
		if en.Action == "case.export" {
			exports++
			if !strings.Contains(en.Detail, "identified_from=2011-01-01") || !strings.Contains(en.Detail, "rows: 3") {
				t.Errorf("export entry: %q", en.Detail)
			}
		}
	}
	if exports != 1 {
		t.Errorf("%d export entries", exports)
	}
	_, errOut := e.fail("case", "list", "--sort", "name", "--lang", "da")
	if !strings.Contains(errOut, "Sortering") {
		t.Errorf("refusal in Danish: %s", errOut)
	}
}
