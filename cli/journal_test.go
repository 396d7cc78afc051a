package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nrm/internal/doctest"
)

// The journal and documents from the command line: notes from --text and
// standard input, uploads judged by content, downloads to new files only,
// and a backup that carries both into a restored database.
func TestCLIJournalAndDocuments(t *testing.T) {
	e := newCaseEnv(t)
	out := e.ok("journal", "add", "CLI-C1", "--text", "Met at the police station.", "--date", "2024-01-10")
	if !strings.Contains(out, "Note #1 was written in the journal of case CLI-C1") {
		t.Fatalf("add: %q", out)
	}
	withStdin(t, "Correction: it was the shelter.\nSecond line.\n", func() { e.ok("journal", "add", "CLI-C1", "--corrects", "1") })
	out = e.ok("journal", "list", "CLI-C1")
	if i, j := strings.Index(out, "#2"), strings.Index(out, "#1"); i < 0 || j < i ||
		!strings.Contains(out, "  Second line.") || !strings.Contains(out, "Corrected in note #2") {
		t.Fatalf("list:\n%s", out)
	}
	if _, errOut, code := e.nrm("journal", "add", "CLI-C1", "--text", " "); code == 0 || !strings.Contains(errOut, "Note is required") {
		t.Fatalf("empty note: %d %q", code, errOut)
	}
	var da bytes.Buffer
	if _, errOut, code := e.nrm("--lang", "da", "journal", "add", "CLI-C1", "--text", "x", "--corrects", "99"); code == 0 ||
		!strings.Contains(errOut, "Journalnotatet har ugyldige felter.") || !strings.Contains(errOut, "Retter notat henviser til noget, der ikke findes") {
		t.Fatalf("Danish refusal: %q", errOut+da.String())
	}

	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pdf := doctest.PDF("Qzcli permit")
	out = e.ok("documents", "add", "CLI-C1", write("Grace permit.pdf", pdf))
	if !strings.Contains(out, "Document 1 (pdf, ") {
		t.Fatalf("add: %q", out)
	}
	if out = e.ok("documents", "add", "CLI-C1", write("photo.pdf", doctest.PNG())); !strings.Contains(out, "Document 2 (png, ") {
		t.Fatalf("a PNG named .pdf: %q", out)
	}
	if _, errOut, code := e.nrm("documents", "add", "CLI-C1", write("setup.pdf", doctest.EXE())); code == 0 ||
		!strings.Contains(errOut, "the content is not a PDF, JPEG or PNG file") {
		t.Fatalf("program renamed .pdf: %d %q", code, errOut)
	}
	if out = e.ok("documents", "list", "CLI-C1"); !strings.Contains(out, "Grace permit.pdf") || !regexp.MustCompile(`(?m)^2\s+png`).MatchString(out) {
		t.Fatalf("list:\n%s", out)
	}
	got := filepath.Join(dir, "out.pdf")
	e.ok("documents", "get", "CLI-C1", "1", "--out", got)
	if b, err := os.ReadFile(got); err != nil || !bytes.Equal(b, pdf) {
		t.Fatalf("downloaded file differs: %v", err)
	}
	if fi, _ := os.Stat(got); fi.Mode().Perm() != 0o600 {
		t.Fatalf("downloaded file mode %v", fi.Mode())
	}
	if _, errOut, code := e.nrm("documents", "get", "CLI-C1", "1", "--out", got); code == 0 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("overwrite: %d %q", code, errOut)
	}

	// A backup carries the journal and the documents; the restored
	// database opens them with the same key file.
	bak := filepath.Join(dir, "nrm.bak")
	e.ok("backup", bak)
	restored := *e.secEnv
	restored.db = filepath.Join(dir, "restored.db")
	restored.ok("restore", bak)
	if out = restored.ok("journal", "list", "CLI-C1"); !strings.Contains(out, "Met at the police station.") {
		t.Fatalf("journal after restore:\n%s", out)
	}
	again := filepath.Join(dir, "again.pdf")
	restored.ok("documents", "get", "CLI-C1", "1", "--out", again)
	if b, _ := os.ReadFile(again); !bytes.Equal(b, pdf) {
		t.Fatal("document after restore differs")
	}

	e.ok("documents", "delete", "CLI-C1", "2")
	if _, errOut, code := e.nrm("documents", "get", "CLI-C1", "2", "--out", filepath.Join(dir, "x")); code == 0 || !strings.Contains(errOut, "Document not found.") {
		t.Fatalf("deleted document: %q", errOut)
	}
	audit := e.ok("audit", "list")
	for _, want := range []string{"journal.add", "journal.read", "document.add", "document.download", "document.delete"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %s", want)
		}
	}
	if strings.Contains(audit, "Grace permit") || strings.Contains(audit, "police station") {
		t.Error("the audit log holds a file name or a note")
	}
}
