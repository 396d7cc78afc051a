package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
)

// nrm search finds through the index, also after a key rotation; the
// output never shows identifiers; nrm case merge merges and refuses
// conflicting cases; an import reports possible duplicates by
// organisation only.
func TestSearchAndMergeCommands(t *testing.T) {
	e := newCaseEnv(t)
	out := e.ok("search", "--name", "HIDDEN", "--birth-date", "1995-04-02")
	if !strings.Contains(out, "CLI-C1") || strings.Contains(out, "Hidden") {
		t.Fatalf("search:\n%s", out)
	}
	if out := e.ok("search", "--name", "nobody"); !strings.Contains(out, "No case matches.") {
		t.Fatalf("no hits:\n%s", out)
	}
	if msg, code := e.danish("search"); code == 0 || !strings.Contains(msg, "Søgningen er ikke gyldig") {
		t.Fatalf("empty search: %d %s", code, msg)
	}
	key, err := os.ReadFile(e.keyFile)
	if err != nil || !strings.Contains(string(key), "blind-1:") {
		t.Fatalf("key file has no blind-index key: %v", err)
	}
	e.ok("keys", "rotate")
	key, _ = os.ReadFile(e.keyFile)
	if !strings.Contains(string(key), "blind-2:") || strings.Contains(string(key), "blind-1:") {
		t.Fatalf("rotation did not replace the blind-index key:\n%s", key)
	}
	if out := e.ok("search", "--name", "hidden person", "--json"); !strings.Contains(out, `"ref": "CLI-C1"`) {
		t.Fatalf("search after rotation:\n%s", out)
	}

	// Import a bundle holding the same person (another spelling) and one
	// other: one report line, naming the organisation only.
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("cases.csv", "case_ref,owner_org,gender,birth_date,birth_year,nationality,residence_status,first_contact_date,contact_form,contact_org,assessment_date,assessment_authority,assessment_outcome,exploitation,labour_sector,exploitation_country\n"+
		"IMP-1,CMM,male,1995-04-02,1995,VN,irregular,2024-02-01,police,CMM,,,,,,\n"+
		"IMP-2,CMM,female,1990-01-01,1990,VN,irregular,2024-02-01,police,CMM,,,,,,\n")
	write("identifiers.csv", "case_ref,name,aliases,document_numbers,phone,address,notes\n"+
		"IMP-1,HIDDEN  Pérson,,,,,\nIMP-2,Another One,,,,,\n")
	out = e.ok("import", dir)
	if !strings.Contains(out, "Case IMP-1: A possible existing case is held by organisation RIGSPOLITIET") ||
		strings.Contains(out, "IMP-2:") || strings.Contains(out, "CLI-C1") {
		t.Fatalf("import report:\n%s", out)
	}

	// Merge IMP-1 into CLI-C1: the statistics then count one person.
	e.ok("case", "merge", "CLI-C1", "IMP-1")
	c := e.stored()
	if len(c.Contacts) != 3 || !strings.Contains(strings.Join(c.SharedWith, ","), "CMM") {
		t.Fatalf("merged case: %+v", c)
	}
	db := e.open()
	if _, err := db.FindCaseByRef(e.ctx, "IMP-1"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
		t.Fatalf("merged-away case: %v", err)
	}
	db.Close()
	// A case of another gender is not merged.
	if msg, code := e.danish("case", "merge", "CLI-C1", "IMP-2"); code == 0 || !strings.Contains(msg, "Sagerne kan ikke lægges sammen") ||
		!strings.Contains(msg, "Køn") {
		t.Fatalf("conflicting merge: %d %s", code, msg)
	}
}
