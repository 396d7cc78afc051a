package auditcheck_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// copyPublication copies the contract and the Eurostat tables of p into
// a new folder, for a tampered copy.
func copyPublication(t *testing.T, p publication) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "eurostat"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(p.path("published.json"), filepath.Join(dir, "published.json"))
	entries, err := os.ReadDir(p.path("eurostat"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(filepath.Join(p.path("eurostat"), e.Name()), filepath.Join(dir, "eurostat", e.Name()))
	}
	return dir
}

// replaceIn replaces one line of a Eurostat file that starts with prefix
// (the observation's key) by prefix + rest, failing when there is none.
func replaceIn(t *testing.T, file, prefix, rest string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	found := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimRight(l, "\r"), prefix) {
			lines[i], found = prefix+rest, true
		}
	}
	if !found {
		t.Fatalf("%s: no observation %s", file, prefix)
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEurostatSDMXRead: the checker reads the SDMX-CSV files of nrm report
// --format eurostat (crim_thb_vage, vctz, vexp) and links them to the
// contract: it lists the observations it placed, and a tampered file is
// caught (a number that contradicts the contract, a cell the report
// hides printed in the Eurostat file).
func TestEurostatSDMXRead(t *testing.T) {
	p := demo(t)
	r := views(t)["linked"]
	if r.Eurostat == nil {
		t.Fatal("the checker reports no Eurostat reading")
	}
	if r.Eurostat.Victims != "registered" {
		t.Errorf("the Eurostat files count %q, want registered (README.txt says identified + presumed)", r.Eurostat.Victims)
	}
	seen := map[string]bool{}
	for _, id := range r.Eurostat.Observed {
		seen[strings.SplitN(strings.TrimPrefix(id, "eurostat."), ".", 2)[0]] = true
	}
	for _, ds := range []string{"crim_thb_vage", "crim_thb_vctz", "crim_thb_vexp"} {
		if !seen[ds] {
			t.Errorf("the checker observed no cell of %s.csv: %v", ds, r.Eurostat.Observed)
		}
	}
	if seen["crim_thb_lstat"] {
		t.Error("the checker placed the police's events (crim_thb_lstat, flag d) among the persons")
	}

	t.Run("contradicting total", func(t *testing.T) {
		dir := copyPublication(t, p)
		total := int(readJSON(t, p.path("published.json"))["identified"].(map[string]any)["total"].(float64))
		replaceIn(t, filepath.Join(dir, "eurostat", "crim_thb_vctz.csv"),
			"ESTAT:CRIM_THB_VCTZ(1.0),A,NR,TOTAL,T,DK,2011,", strconv.Itoa(total+1)+",")
		cmd := exec.Command(python, checker, dir)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Fatalf("checker on a contradicting crim_thb_vctz.csv: %v, want exit 2", err)
		}
		if !strings.Contains(errOut.String(), "crim_thb_vctz") {
			t.Errorf("the checker does not name the file: %s", errOut.String())
		}
	})

	t.Run("hidden cell printed", func(t *testing.T) {
		dir := copyPublication(t, p)
		file := filepath.Join(dir, "eurostat", "crim_thb_vage.csv")
		b, _ := os.ReadFile(file)
		prefix := ""
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasSuffix(strings.TrimRight(l, "\r"), ",,c") {
				prefix = strings.TrimSuffix(strings.TrimRight(l, "\r"), ",c")
				prefix = strings.TrimSuffix(prefix, ",")
				break
			}
		}
		if prefix == "" {
			t.Skip("the demo's crim_thb_vage.csv withholds no cell")
		}
		replaceIn(t, file, prefix+",", "1,")
		// Read as identified persons (the older files), the cell is the
		// report's own hidden cell, printed.
		r := audit(t, "--eurostat-victims", "identified", dir)
		found := false
		for _, v := range r.Violations {
			if v.Kind == "printed_elsewhere" && strings.Contains(v.Detail, "crim_thb_vage") {
				found = true
			}
		}
		if r.OK || !found {
			t.Errorf("a withheld crim_thb_vage cell printed as 1 is not reported:%s", report(r))
		}
		// Read as registered victims (README.txt), the printed 1 bounds
		// the report's hidden persons of that sex and the unseen presumed
		// part: the audit fails on that file.
		r = audit(t, dir)
		found = false
		for _, v := range r.Violations {
			if v.Kind == "narrowed" || strings.Contains(v.Detail, "crim_thb_vage") {
				found = true
			}
		}
		if r.OK || !found {
			t.Errorf("registered: a withheld crim_thb_vage cell printed as 1 is not reported:%s", report(r))
		}
	})
}
