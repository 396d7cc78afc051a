// Package auditcheck_test is the independent audit of nrm's published
// statistics: it writes publications through the command line, reads
// them back as a reader would and runs scripts/disclosure_audit.py, an
// integer-programming checker that shares no code with package
// disclosure, on them.
package auditcheck_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"nrm/cli"
)

// python is the interpreter the checker needs (with scipy).
const python = "/usr/bin/python3"

// checker is the audit script, relative to this package.
var checker = filepath.Join("..", "..", "scripts", "disclosure_audit.py")

func nrmErr(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	if code := cli.Execute(args, &out, &errOut); code != 0 {
		return "", fmt.Errorf("nrm %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String(), nil
}

var scipyOnce sync.Once
var scipyErr error

// needChecker skips the test when the system Python lacks scipy (CI
// installs python3-scipy; scripts/test.sh does).
func needChecker(t *testing.T) {
	t.Helper()
	scipyOnce.Do(func() {
		scipyErr = exec.Command(python, "-c", "import scipy.optimize").Run()
	})
	if scipyErr != nil {
		t.Skipf("%s cannot import scipy.optimize (install python3-scipy): %v", python, scipyErr)
	}
}

// violation is one finding of the checker.
type violation struct {
	Cell       string `json:"cell"`
	Kind       string `json:"kind"`
	Detail     string `json:"detail"`
	StrictOnly *bool  `json:"strict_only"`
}

// cellResult is what the checker proved about one hidden cell.
type cellResult struct {
	Symbol   string   `json:"symbol"`
	Feasible []int    `json:"feasible"`
	Min      *int     `json:"min"`
	Max      *int     `json:"max"`
	Also     []string `json:"also"`
}

// auditResult is the checker's output for one publication.
type auditResult struct {
	OK                 bool                  `json:"ok"`
	Violations         []violation           `json:"violations"`
	Cells              map[string]cellResult `json:"cells"`
	AssumptionsDropped []string              `json:"assumptions_dropped"`
	Unplaced           []string              `json:"unplaced"`
	Eurostat           *struct {
		Victims  string   `json:"victims"`
		Observed []string `json:"observed"`
	} `json:"eurostat"`
}

// runChecker runs the checker with args and returns its stdout and exit
// code; exit 2 (bad input) or any other failure fails the test.
func runChecker(t *testing.T, args ...string) ([]byte, int) {
	t.Helper()
	needChecker(t)
	cmd := exec.Command(python, append([]string{checker}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("checker: %v", err)
	}
	if code != 0 && code != 1 {
		t.Fatalf("checker %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.Bytes(), code
}

// audit runs the checker on one publication (a contract file, or a
// folder with published.json, eurostat/ and federation.json).
func audit(t *testing.T, args ...string) auditResult {
	t.Helper()
	out, code := runChecker(t, args...)
	var r auditResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("checker output: %v\n%s", err, out)
	}
	if r.OK != (code == 0) {
		t.Fatalf("checker says ok=%v with exit %d", r.OK, code)
	}
	return r
}

// auditMany runs the checker once on several publication folders.
func auditMany(t *testing.T, dirs []string) map[string]auditResult {
	t.Helper()
	if len(dirs) == 1 {
		return map[string]auditResult{dirs[0]: audit(t, dirs[0])}
	}
	out, _ := runChecker(t, dirs...)
	var r struct {
		OK    bool                   `json:"ok"`
		Files map[string]auditResult `json:"files"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("checker output: %v\n%s", err, out)
	}
	return r.Files
}

// cell finds what the checker says about a cell id, also when the id
// names the same count as another cell (the checker reports it under the
// first name, listing the others in "also").
func (r auditResult) cell(id string) (cellResult, bool) {
	if c, ok := r.Cells[id]; ok {
		return c, true
	}
	for _, c := range r.Cells {
		for _, a := range c.Also {
			if a == id {
				return c, true
			}
		}
	}
	return cellResult{}, false
}

// violationsOf lists the violations that name a cell (or the whole
// publication, "*").
func (r auditResult) violationsOf(ids ...string) []violation {
	var out []violation
	for _, v := range r.Violations {
		for _, id := range ids {
			if v.Cell == id || v.Cell == "*" || strings.Contains(v.Detail, "("+id+")") {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

// String shows a cell result.
func (c cellResult) String() string {
	if c.Symbol == ".." || c.Symbol == "c" {
		hi := "unbounded"
		if c.Max != nil {
			hi = strconv.Itoa(*c.Max)
		}
		lo := "?"
		if c.Min != nil {
			lo = strconv.Itoa(*c.Min)
		}
		return fmt.Sprintf(`".." in %s..%s`, lo, hi)
	}
	return fmt.Sprintf("%q feasible %v", c.Symbol, c.Feasible)
}

// assertProtected asserts the checker's per-cell result for a hidden
// cell: a "<k" cell keeps every value 1..k-1, a ".." cell keeps at least
// as many values as a "<k" one (max - min ≥ max(k-2, 1)); the cell must be
// hidden, not printed.
func assertProtected(t *testing.T, r auditResult, k int, id string) {
	t.Helper()
	assertNotNarrowed(t, r, k, id, false)
}

// assertNotNarrowed is assertProtected, also accepting, when printed is
// true, a cell printed as a number (a value that reveals nobody, such as
// the persons still housed when the total is hidden).
func assertNotNarrowed(t *testing.T, r auditResult, k int, id string, printed bool) {
	t.Helper()
	c, ok := r.cell(id)
	if !ok && printed && len(r.violationsOf(id)) == 0 {
		return
	}
	if !ok {
		t.Errorf("%s: not a hidden cell of the publication (printed as a number, or hidden in one place and printed in another):%s",
			id, report(auditResult{Violations: r.violationsOf(id)}))
		return
	}
	switch c.Symbol {
	case "..", "c":
		if c.Min == nil || (c.Max != nil && *c.Max-*c.Min < max(k-2, 1)) {
			t.Errorf("%s narrowed: %s (must keep at least %d values)", id, c, max(k-1, 2))
		}
	default:
		want := make([]int, 0, k-1)
		for v := 1; v < k; v++ {
			want = append(want, v)
		}
		if fmt.Sprint(c.Feasible) != fmt.Sprint(want) {
			t.Errorf("%s narrowed: %s (must keep %v)", id, c, want)
		}
	}
	for _, v := range r.violationsOf(id) {
		if v.Cell != "*" || v.Kind == "small_dotdot" {
			t.Errorf("%s: [%s] %s", id, v.Kind, v.Detail)
		}
	}
}

// publication is one published edition on disk, laid out as the checker
// reads a folder: published.json, eurostat/*.csv and federation.json,
// beside the internal (exact) contract for the checker's own soundness
// test.
type publication struct {
	dir  string
	year int
}

func (p publication) path(name string) string { return filepath.Join(p.dir, name) }

// publish writes the published editions of a year from database db into
// dir: the contract, the Eurostat tables, a federation bundle (signed
// with key) and the internal contract. formats adds report formats
// (md, html, xlsx, pdf) as report.FORMAT.
func publish(db, dir, key string, year int, formats ...string) (publication, error) {
	p := publication{dir: dir, year: year}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return p, err
	}
	y := strconv.Itoa(year)
	base := []string{"--db", db, "--lang", "da", "report", "--year", y}
	steps := [][]string{
		append(append([]string{}, base...), "--published", "--format", "json", "-o", p.path("published.json")),
		append(append([]string{}, base...), "--format", "json", "-o", p.path("internal.json")),
		append(append([]string{}, base...), "--format", "eurostat", "--k", "3", "-o", p.path("eurostat")),
		{"--db", db, "federate", "export", "--year", y, "--country", "DK", "--k", "3", "--key", key, "-o", p.path("federation.json")},
	}
	for _, f := range formats {
		steps = append(steps, append(append([]string{}, base...), "--published", "--format", f, "-o", p.path("report."+f)))
	}
	for _, s := range steps {
		if _, err := nrmErr(s...); err != nil {
			return p, err
		}
	}
	return p, nil
}

var keyOnce sync.Once
var keyFile string
var keyErr error

// signingKey is a federation signing key shared by the tests.
func signingKey(t *testing.T) string {
	t.Helper()
	keyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "auditcheck-key")
		if err != nil {
			keyErr = err
			return
		}
		keyFile = filepath.Join(dir, "federation.key")
		_, keyErr = nrmErr("federate", "keygen", "--out", keyFile)
	})
	if keyErr != nil {
		t.Fatal(keyErr)
	}
	return keyFile
}

// readJSON decodes a JSON file into a generic value.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// lookup resolves a checker cell id (a dotted path of the contract) in a
// decoded contract; ok is false for ids that are no path of it (the
// checker's unpublished helpers, Eurostat and federation cells).
func lookup(doc map[string]any, id string) (any, bool) {
	if strings.Contains(id, "(") || strings.HasPrefix(id, "eurostat.") || strings.HasPrefix(id, "federation.") {
		return nil, false
	}
	parts := strings.Split(id, ".")
	if len(parts) == 4 && parts[0] == "identified" && parts[1] == "by_year_authority" {
		list, _ := doc["identified"].(map[string]any)["by_year_authority"].([]any)
		for _, row := range list {
			m := row.(map[string]any)
			if fmt.Sprint(m["year"]) == parts[2] {
				v, ok := m[parts[3]]
				return v, ok
			}
		}
		return nil, false
	}
	var v any = doc
	for _, p := range parts {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

// checkSound checks the checker against the exact figures: every hidden
// cell's true value lies in the range the checker proved, so the
// relations it uses hold for the data (a wrong relation would cut the
// true value off).
func checkSound(t *testing.T, r auditResult, internal map[string]any) {
	t.Helper()
	for id, c := range r.Cells {
		v, ok := lookup(internal, id)
		if !ok {
			continue
		}
		f, isNum := v.(float64)
		if !isNum {
			continue
		}
		n := int(f)
		switch {
		case c.Symbol != ".." && c.Symbol != "c" && !containsInt(c.Feasible, n):
			t.Errorf("checker unsound: %s is %d, outside %s", id, n, c)
		case (c.Symbol == ".." || c.Symbol == "c") && c.Min != nil && (n < *c.Min || (c.Max != nil && n > *c.Max)):
			t.Errorf("checker unsound: %s is %d, outside %s", id, n, c)
		}
	}
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

// report logs the violations of a failed audit, one a line.
func report(r auditResult) string {
	var b strings.Builder
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "\n  %s [%s] %s", v.Cell, v.Kind, v.Detail)
	}
	if len(r.AssumptionsDropped) > 0 {
		fmt.Fprintf(&b, "\n  assumptions dropped: %v", r.AssumptionsDropped)
	}
	return b.String()
}
