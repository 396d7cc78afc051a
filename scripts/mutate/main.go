// Command mutate is a small mutation test of the rules nrm must never get
// wrong: statistics, access, the audit chain, the authority rule,
// passwords and second factors, the formula guard and the disclosure
// control. Each mutant is a realistic bug — a boundary moved by one, a
// check switched off, a field left out — written as exact snippets of
// the source (file, original, mutated). The tool copies the working tree
// to a scratch folder, checks that every mutant's tests pass there
// unchanged (the baseline), then applies each mutant in turn, runs the
// tests that matter for it and puts the file back. A mutant whose tests
// fail is killed; one whose tests still pass survived: no test notices
// that bug. A mutant that does not compile is reported as invalid: it
// must be rewritten, it proves nothing.
//
// It is run by hand, not in CI, from the repository root:
//
//	go run ./scripts/mutate                   # every mutant (5 to 15 minutes on 2 cores)
//	go run ./scripts/mutate -run 'audit|csv'  # the mutants whose name matches
//	go run ./scripts/mutate -list             # list the mutants
//	go run ./scripts/mutate -check            # only check that every snippet is found once
//
// The tests run on SQLite only, unless -postgres is given and
// NRM_TEST_POSTGRES names a server. The scratch folder is
// $TMPDIR/nrm-mutate (-dir), kept between runs so that Go's build cache
// serves the unchanged packages. Exit status 1 when a mutant survived, was
// invalid, its snippet was not found once, or its tests failed without it.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// edit replaces the one occurrence of from in file by to.
type edit struct{ file, from, to string }

// mutant is one planted bug and the tests that must notice it.
type mutant struct {
	name  string // area/short-name
	what  string // the bug, in a sentence
	edits []edit
	pkgs  []string // packages to test, e.g. "./sqlstore"
	run   string   // -run pattern; empty: every test of pkgs
}

func main() {
	var (
		only     = flag.String("run", "", "run only the mutants whose name matches this regular expression")
		list     = flag.Bool("list", false, "list the mutants and exit")
		check    = flag.Bool("check", false, "only check that every snippet occurs once in the working tree")
		dir      = flag.String("dir", filepath.Join(os.TempDir(), "nrm-mutate"), "scratch copy of the repository")
		timeout  = flag.Duration("timeout", 6*time.Minute, "time allowed for one mutant's tests")
		postgres = flag.Bool("postgres", false, "also run the PostgreSQL subtests (NRM_TEST_POSTGRES)")
	)
	flag.Parse()
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		fail(errors.New("run from the repository root"))
	}
	pick, err := regexp.Compile(*only)
	if err != nil {
		fail(err)
	}
	var ms []mutant
	for _, m := range mutants {
		if pick.MatchString(m.name) {
			ms = append(ms, m)
		}
	}
	if *list {
		for _, m := range ms {
			fmt.Printf("%-40s %s\n", m.name, m.what)
		}
		return
	}
	bad := 0
	for _, m := range ms {
		for _, e := range m.edits {
			if err := e.check(root); err != nil {
				fmt.Printf("INVALID  %s: %v\n", m.name, err)
				bad++
			}
		}
	}
	if *check || bad > 0 {
		fmt.Printf("%d mutants, %d snippets not found exactly once\n", len(ms), bad)
		if bad > 0 {
			os.Exit(1)
		}
		return
	}
	if err := copyTree(root, *dir); err != nil {
		fail(err)
	}
	r := &runner{dir: *dir, timeout: *timeout, postgres: *postgres}
	start := time.Now()

	// Baseline: every distinct test command passes on the unchanged copy.
	broken := map[string]string{}
	for _, m := range ms {
		key := m.key()
		if _, done := broken[key]; done {
			continue
		}
		res := r.test(m)
		broken[key] = ""
		if res.status != "passed" {
			broken[key] = res.status + "\n" + res.tail
			fmt.Printf("BASELINE FAILED  %s  (%s)\n%s\n", key, res.status, indent(res.tail))
		}
	}
	killed, survived, skipped, invalid := 0, 0, 0, 0
	var survivors []string
	for i, m := range ms {
		if broken[m.key()] != "" {
			fmt.Printf("[%2d/%d] SKIPPED   %-38s its tests fail without the mutant\n", i+1, len(ms), m.name)
			skipped++
			continue
		}
		res, err := r.mutate(m)
		if err != nil {
			fail(err)
		}
		status := "KILLED"
		switch res.status {
		case "unbuildable":
			status = "INVALID" // the mutant does not compile: it tests nothing
			invalid++
		case "passed":
			status = "SURVIVED"
			survived++
			survivors = append(survivors, fmt.Sprintf("%s: %s", m.name, m.what))
		case "timeout":
			status = "KILLED*" // the tests did not finish: counted as killed
			killed++
		default:
			killed++
		}
		fmt.Printf("[%2d/%d] %-9s %-38s %5.1fs  %s\n", i+1, len(ms), status, m.name, res.took.Seconds(), res.first)
	}
	total := killed + survived
	fmt.Printf("\nmutation score: %d of %d killed", killed, total)
	if total > 0 {
		fmt.Printf(" (%.0f%%)", 100*float64(killed)/float64(total))
	}
	fmt.Printf(", %d skipped, %d invalid, in %s\n", skipped, invalid, time.Since(start).Round(time.Second))
	for _, s := range survivors {
		fmt.Println("  survived:", s)
	}
	if survived > 0 || skipped > 0 || invalid > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n    ")
}

// key names a mutant's test command.
func (m mutant) key() string { return strings.Join(m.pkgs, " ") + " -run " + m.run }

// check reports whether e's snippet occurs exactly once under root.
func (e edit) check(root string) error {
	b, err := os.ReadFile(filepath.Join(root, e.file))
	if err != nil {
		return err
	}
	if n := bytes.Count(b, []byte(e.from)); n != 1 {
		return fmt.Errorf("%s: the original snippet occurs %d times: %q", e.file, n, e.from)
	}
	return nil
}

// copyTree mirrors the working tree into dir: every file but the git
// folder, databases and test binaries; files no longer in the tree are
// removed.
func copyTree(root, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	keep := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel == ".git" || strings.HasPrefix(d.Name(), "nrm-mutate") {
				return filepath.SkipDir
			}
			keep[rel] = true
			return os.MkdirAll(filepath.Join(dir, rel), 0o700)
		}
		if !d.Type().IsRegular() || strings.Contains(d.Name(), ".db") || strings.HasSuffix(d.Name(), ".test") {
			return nil
		}
		keep[rel] = true
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, rel)
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, src) {
			return nil // unchanged
		}
		return os.WriteFile(dst, src, 0o600)
	})
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != "." && !keep[rel] {
			if err := os.RemoveAll(p); err != nil {
				return err
			}
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
}

type runner struct {
	dir      string
	timeout  time.Duration
	postgres bool
}

type result struct {
	status string // passed, failed, timeout, unbuildable
	took   time.Duration
	first  string // the first failing test or build error
	tail   string
}

// mutate applies m in the scratch copy, runs its tests and restores the
// files.
func (r *runner) mutate(m mutant) (result, error) {
	originals := map[string][]byte{}
	defer func() {
		for f, b := range originals {
			os.WriteFile(filepath.Join(r.dir, f), b, 0o600)
		}
	}()
	for _, e := range m.edits {
		p := filepath.Join(r.dir, e.file)
		b, err := os.ReadFile(p)
		if err != nil {
			return result{}, err
		}
		if _, ok := originals[e.file]; !ok {
			originals[e.file] = b
		}
		if bytes.Count(b, []byte(e.from)) != 1 {
			return result{}, fmt.Errorf("%s: %s: snippet not found once in the copy", m.name, e.file)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(e.from), []byte(e.to), 1), 0o600); err != nil {
			return result{}, err
		}
	}
	return r.test(m), nil
}

// test runs m's tests in the scratch copy.
func (r *runner) test(m mutant) result {
	args := []string{"test", "-count=1", "-failfast", "-timeout", r.timeout.String()}
	if m.run != "" {
		args = append(args, "-run", m.run)
	}
	args = append(args, m.pkgs...)
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = r.dir
	cmd.WaitDelay = 10 * time.Second
	for _, kv := range os.Environ() {
		if !r.postgres && strings.HasPrefix(kv, "NRM_TEST_POSTGRES=") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := result{status: "passed", took: time.Since(start), tail: lastLines(out.String(), 15)}
	switch {
	case ctx.Err() != nil || strings.Contains(out.String(), "panic: test timed out"):
		res.status = "timeout"
	case strings.Contains(out.String(), "[build failed]") || strings.Contains(out.String(), "[setup failed]"):
		res.status = "unbuildable"
	case err != nil:
		res.status = "failed"
	}
	res.first = firstFailure(out.String())
	return res
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// firstFailure is the first "--- FAIL" line or build error of go test's
// output.
func firstFailure(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "--- FAIL") || strings.Contains(l, "build failed") || strings.HasPrefix(l, "panic:") ||
			strings.Contains(l, ": undefined") || strings.Contains(l, "declared and not used") {
			if len(l) > 90 {
				l = l[:90]
			}
			return l
		}
	}
	return ""
}
