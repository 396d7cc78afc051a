package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm/cli"
)

// TestImportMalformedBundleMessages runs nrm import on a bundle with one
// fault in each of three files: one message for each, in the chosen
// language, no follow-on errors, no panic, and the database unchanged.
func TestImportMalformedBundleMessages(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "nrm.db"), filepath.Join(dir, "nrm.key")
	run := func(lang string, args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := cli.Execute(append([]string{"--db", db, "--key-file", key, "--lang", lang}, args...), &out, &errOut)
		return out.String(), errOut.String(), code
	}
	write := func(name string, files map[string]string) string {
		b := filepath.Join(dir, name)
		os.MkdirAll(b, 0o700)
		for f, body := range files {
			if err := os.WriteFile(filepath.Join(b, f), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return b
	}
	cases := "case_ref,owner_org,gender,birth_date,birth_year,nationality,residence_status,first_contact_date,contact_form,contact_org,assessment_date,assessment_authority,assessment_outcome,exploitation,labour_sector,exploitation_country\n" +
		"A-1,CMM,female,1990-05-17,,NG,irregular,2011-01-10,police,,2011-01-20,US,identified,sexual,,DK\n" +
		"A-2,CMM,female,,1985,TH,legal,2011-03-01,outreach,,2011-03-15,CMM,identified,forced_labour,domestic_work,DK\n"
	good := write("good", map[string]string{"cases.csv": cases,
		"accommodations.csv": "case_ref,kind,provider,start_date,end_date\nA-1,crisis_shelter,Reden,2011-01-20,2011-02-18\n",
		"exits.csv":          "case_ref,date,kind\nA-2,2011-12-02,self_return\n"})
	if out, errOut, code := run("en", "import", "--progress=false", good); code != 0 {
		t.Fatalf("good bundle: %s %s", out, errOut)
	}
	bad := write("bad", map[string]string{
		// nationality missing: one message, the rows not checked.
		"cases.csv": strings.ReplaceAll(strings.ReplaceAll(cases, ",nationality", ""), ",NG,", ","),
		// Latin-1 on line 3.
		"accommodations.csv": "case_ref,kind,provider,start_date,end_date\nA-1,crisis_shelter,Reden,2011-01-20,2011-02-18\nA-2,private,R\xF8de Kors,2011-03-15,\n",
		// Separated by |.
		"exits.csv": "case_ref|date|kind\nA-2|2011-12-02|self_return\n",
	})
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{
			"nrm: The bundle was not imported; nothing was changed. 3 errors:",
			`  cases.csv line 1: the header row does not fit: missing column "nationality". Expected the columns case_ref,`,
			"  accommodations.csv line 3: the text is not UTF-8; the file seems to be saved as Latin-1/Windows-1252.",
			"  exits.csv line 1: the file seems separated by | ; use commas (or ;)",
		}},
		{"da", []string{
			"nrm: Bundtet blev ikke importeret; intet er ændret. 3 fejl:",
			`  cases.csv linje 1: overskriftsrækken passer ikke: mangler kolonnen "nationality". Forventede kolonnerne case_ref,`,
			"  accommodations.csv linje 3: teksten er ikke UTF-8; filen ser ud til at være gemt som Latin-1/Windows-1252.",
			"  exits.csv linje 1: filen ser ud til at være adskilt med | ; brug komma (eller ;)",
		}},
	} {
		_, errOut, code := run(tc.lang, "import", "--progress=false", bad)
		if code != 1 || strings.Contains(errOut, "panic") {
			t.Fatalf("%s: exit %d\n%s", tc.lang, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: missing %q in\n%s", tc.lang, w, errOut)
			}
		}
		if n := strings.Count(errOut, "\n  "); n != 3 {
			t.Errorf("%s: %d messages, want 3:\n%s", tc.lang, n, errOut)
		}
	}
	// A limit is raised or lowered by its flag.
	if _, errOut, code := run("en", "import", "--progress=false", "--max-rows", "1", good); code != 1 ||
		!strings.Contains(errOut, "cases.csv line 3: the file has more than 1 rows (the limit)") {
		t.Errorf("--max-rows 1: exit %d\n%s", code, errOut)
	}
	// Nothing changed: the export is the good bundle's.
	out := filepath.Join(dir, "export")
	if _, errOut, code := run("en", "export", out); code != 0 {
		t.Fatal(errOut)
	}
	got, err := os.ReadFile(filepath.Join(out, "cases.csv"))
	// The export writes every column, the optional labour_setting too.
	want := strings.NewReplacer("exploitation_country\n", "exploitation_country,labour_setting\n", ",DK\n", ",DK,\n").Replace(cases)
	if err != nil || string(got) != want {
		t.Errorf("database changed:\n%s", got)
	}
}
