package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
)

func TestOutputsCommands(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init")
	db := e.open()
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	if err := db.SavePlan(ctx, &nrm.Plan{Code: "P", NameDA: "Plan", StartYear: 2011, EndYear: 2014, Areas: []nrm.Area{{Number: 1, NameDA: "O",
		Goals: []nrm.Goal{{Code: "1.1", NameDA: "M", Activities: []nrm.Activity{{Code: "1.1.1", TextDA: "Kurser.", Responsible: []string{"CMM"}}}}}}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e.ok("outputs", "add", "P", "--activity", "1.1.1", "--kind", "training", "--title", "Kursus for politiet", "--period", "2011",
		"--audience", "politifolk", "--events", "2", "--participants", "40", "--org", "CMM")
	if out := e.ok("outputs", "list", "P"); !strings.Contains(out, "Kursus for politiet") || !strings.Contains(out, "Training") {
		t.Fatalf("list: %s", out)
	}
	// One message per fault, in Danish.
	var errOut string
	var code int
	{
		ce := &caseEnv{secEnv: e}
		errOut, code = ce.danish("outputs", "add", "P", "--activity", "1.1.1", "--kind", "webinar", "--period", "forår", "--link", "javascript:alert(1)")
	}
	if code == 0 || !strings.Contains(errOut, "Titel (dansk) skal udfyldes") || !strings.Contains(errOut, "Periode har et ugyldigt format") ||
		!strings.Contains(errOut, "Link eller filreference har et ugyldigt format") || !strings.Contains(errOut, "Type af resultat har en ukendt værdi") {
		t.Fatalf("invalid add: %d %s", code, errOut)
	}
	e.ok("funding", "set", "P", "--activity", "1.1.1", "--year", "2012", "--line", "satspulje", "--allocated", "1500000", "--spent", "1000000")
	if out := e.ok("funding", "list", "P"); !strings.Contains(out, "1500000") {
		t.Fatalf("funding list: %s", out)
	}
	yaml := e.ok("outputs", "export", "P")
	if !strings.Contains(yaml, "plan: P") || !strings.Contains(yaml, "satspulje") {
		t.Fatalf("export: %s", yaml)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "o.yaml")
	os.WriteFile(file, []byte(yaml), 0o600)
	e.ok("outputs", "import", "P", file, "--replace")
	if out := e.ok("outputs", "list", "P"); strings.Count(out, "Kursus for politiet") != 1 {
		t.Fatalf("after replace import: %s", out)
	}
	// A file with an unknown activity is refused whole, naming its line.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("activity,kind,title_da,period\n1.1.1,study,Undersøgelse,2011\n9.9.9,study,Anden,2011\n"), 0o600)
	_, errOut, code = e.nrm("outputs", "import", "P", bad)
	if code == 0 || !strings.Contains(errOut, "line 3: Activity refers to something that does not exist") {
		t.Fatalf("bad import: %d %s", code, errOut)
	}
	if out := e.ok("outputs", "list", "P"); strings.Contains(out, "Undersøgelse") {
		t.Fatalf("partial import: %s", out)
	}
	csv := e.ok("outputs", "export", "P", "--format", "csv")
	if !strings.HasPrefix(csv, "activity,kind,title_da") {
		t.Fatalf("csv export: %s", csv)
	}
}

func TestGroupsCommands(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init")
	file := filepath.Join(t.TempDir(), "g.yaml")
	os.WriteFile(file, []byte("groups:\n  - code: POLITI\n    kind: follow_up\n    name_da: Politiets opfølgningsgruppe\n    chair: RIGSPOLITIET\n    members: [RIGSPOLITIET, CMM]\n"), 0o600)
	e.ok("groups", "import", file)
	e.ok("groups", "meeting", "POLITI", "--date", "2012-05-01", "--minutes", "Halvårligt møde.")
	if out := e.ok("groups", "list"); !strings.Contains(out, "POLITI") || !strings.Contains(out, "Follow-up") {
		t.Fatalf("list: %s", out)
	}
	if out := e.ok("groups", "export"); !strings.Contains(out, "Halvårligt møde.") {
		t.Fatalf("export: %s", out)
	}
	if _, errOut, code := e.nrm("groups", "meeting", "POLITI", "--date", "maj"); code == 0 || !strings.Contains(errOut, "Meeting date has an invalid format") {
		t.Fatalf("bad meeting: %d %s", code, errOut)
	}
}
