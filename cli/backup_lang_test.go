package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupAndRestoreSpeakTheLanguage runs nrm backup and nrm restore,
// with their refusals, in Danish and in English: every line comes out in
// the language asked for.
func TestBackupAndRestoreSpeakTheLanguage(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "nrm.db"), filepath.Join(dir, "nrm.key")
	run := func(lang string, args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := Execute(append([]string{"--db", db, "--key-file", key, "--lang", lang}, args...), &out, &errOut)
		return out.String(), errOut.String(), code
	}
	if _, errOut, code := run("en", "init"); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	for _, tc := range []struct {
		lang string
		want []string
		not  []string
	}{
		{"da", []string{"Sikkerhedskopi skrevet til", " byte)", "0 sager, revisionslog til post",
			"findes allerede; en sikkerhedskopi overskriver aldrig en fil.",
			"Gendannet fra", "Brug nøglefilen fra den oprindelige database",
			"findes allerede; gendan til en ny fil, eller angiv --force for at erstatte den.",
			"Sikkerhedskopien", "findes ikke eller kan ikke læses. Intet er gendannet."},
			[]string{"Backup written", "bytes", "already exists", "Restored", "does not exist", " cases"}},
		{"en", []string{"Backup written to", " bytes)", "0 cases, audit log up to entry",
			"already exists; a backup never overwrites a file.",
			"Restored from", "Use the key file of the original database",
			"exists; restore into a new file, or give --force to replace it.",
			"does not exist or cannot be read. Nothing was restored."},
			[]string{"Sikkerhedskopi", "findes", "Gendannet", "sager"}},
	} {
		bak := filepath.Join(dir, tc.lang+".bak")
		restored := filepath.Join(dir, tc.lang+"-restored.db")
		var all strings.Builder
		add := func(out, errOut string, code int, wantOK bool) {
			if (code == 0) != wantOK {
				t.Errorf("--lang %s: exit %d: %s%s", tc.lang, code, out, errOut)
			}
			all.WriteString(out + errOut)
		}
		out, errOut, code := run(tc.lang, "backup", bak)
		add(out, errOut, code, true)
		out, errOut, code = run(tc.lang, "backup", bak)
		add(out, errOut, code, false)
		out, errOut, code = run(tc.lang, "--db", restored, "restore", bak)
		add(out, errOut, code, true)
		out, errOut, code = run(tc.lang, "--db", restored, "restore", bak)
		add(out, errOut, code, false)
		out, errOut, code = run(tc.lang, "--db", filepath.Join(dir, "x.db"), "restore", filepath.Join(dir, "missing.bak"))
		add(out, errOut, code, false)
		for _, w := range tc.want {
			if !strings.Contains(all.String(), w) {
				t.Errorf("--lang %s lacks %q in:\n%s", tc.lang, w, all.String())
			}
		}
		for _, w := range tc.not {
			if strings.Contains(all.String(), w) {
				t.Errorf("--lang %s has %q in:\n%s", tc.lang, w, all.String())
			}
		}
	}
}
