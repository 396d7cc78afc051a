// Package reliability_test checks design.md §10 with real processes: a
// crash (SIGKILL) during an import or during a stream of single-case
// writes loses nothing committed and leaves nothing half-written, and a
// backup taken while a writer runs restores to a sound database. The nrm
// binary is built once per run; the single-case writer is this test binary
// itself, started again in helper mode.
package reliability_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"nrm"
	"nrm/gen"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// envWriter turns the test binary into the single-case writer: the value
// is the database to write to.
const envWriter = "NRM_RELIABILITY_WRITER"

// envWriterKeys names the key file the writer opens the database with, so
// that its audit entries are keyed like those of nrm itself.
const envWriterKeys = "NRM_RELIABILITY_WRITER_KEYS"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envWriter); dsn != "" {
		os.Exit(writer(dsn))
	}
	os.Exit(m.Run())
}

var admin = nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "admin", Role: nrm.RoleAdmin, Org: "CMM"})

func newCase(ref string) *nrm.Case {
	return &nrm.Case{Ref: ref, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
		Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}},
		Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
			Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}}}}
}

// writer creates cases one transaction at a time and, after each commit,
// reports it on stdout; every other case it also updates the previous
// one. It runs until killed.
func writer(dsn string) int {
	ctx := context.Background()
	var opt sqlstore.Options
	if kf := os.Getenv(envWriterKeys); kf != "" {
		keys, err := seal.Load(kf, false)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		opt.Sealer = keys
	}
	db, err := sqlstore.Open(ctx, dsn, opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := 1; ; i++ {
		c := newCase(fmt.Sprintf("W-%d", i))
		if err := db.CreateCase(admin, c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(os.Stdout, "created %s\n", c.Ref)
		if i%2 == 0 {
			prev, err := db.FindCaseByRef(admin, fmt.Sprintf("W-%d", i-1))
			if err == nil {
				prev.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-06-01"), Kind: nrm.ExitPreparedReturn}}
				err = db.UpdateCase(admin, prev)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Fprintf(os.Stdout, "updated %s %d\n", prev.Ref, prev.Version)
		}
	}
}

var (
	buildOnce sync.Once
	nrmBin    string
	buildErr  error
)

// nrmBinary builds cmd/nrm once for the whole run.
func nrmBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nrm-reliability-")
		if err != nil {
			buildErr = err
			return
		}
		nrmBin = filepath.Join(dir, "nrm")
		out, err := exec.Command("go", "build", "-o", nrmBin, "nrm/cmd/nrm").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return nrmBin
}

// nrmCmd runs the built binary on a database with a key file.
func nrmCmd(t *testing.T, dsn, keyFile string, args ...string) *exec.Cmd {
	cmd := exec.Command(nrmBinary(t), append([]string{"--db", dsn, "--key-file", keyFile, "--lang", "en"}, args...)...)
	cmd.Env = append(os.Environ(), "NRM_KEYS=")
	return cmd
}

// checkSound opens the database after a crash and checks that the audit
// chain is intact and, on SQLite, that the file and its links are sound.
func checkSound(t *testing.T, dsn, keyFile string) *sqlstore.DB {
	t.Helper()
	var opt sqlstore.Options
	if keyFile != "" {
		keys, err := seal.Load(keyFile, false)
		if err != nil {
			t.Fatal(err)
		}
		opt.Sealer = keys
	}
	db, err := sqlstore.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("open after the crash: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if n, problems, err := db.VerifyAudit(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("audit chain after the crash (%d entries): %v %v", n, problems, err)
	}
	if db.Engine() == "sqlite" {
		var check string
		if err := db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity_check: %s %v", check, err)
		}
		var orphans int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&orphans); err != nil || orphans != 0 {
			t.Fatalf("foreign_key_check: %d %v", orphans, err)
		}
	}
	return db
}

func count(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A SIGKILL in the middle of `nrm import` leaves no case or every case.
func TestKillDuringImport(t *testing.T) {
	const cases = 20000
	bundleDir := t.TempDir()
	s, err := gen.WriteDir(bundleDir, gen.Options{Cases: cases, FromYear: 2009, ToYear: 2012, Seed: 11, Today: nrm.MustDate("2013-06-01")})
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			keyFile := filepath.Join(t.TempDir(), "nrm.key")
			killedMidway := false
			for attempt := 0; attempt < 3 && !killedMidway; attempt++ {
				cmd := nrmCmd(t, dsn, keyFile, "import", "--progress", bundleDir)
				stderr, err := cmd.StderrPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				// The progress bar appears once the first thousand cases
				// are written into the open transaction: kill then.
				first := make([]byte, 1)
				_, rerr := io.ReadFull(stderr, first)
				cmd.Process.Signal(syscall.SIGKILL)
				io.Copy(io.Discard, stderr)
				werr := cmd.Wait()
				killedMidway = rerr == nil && werr != nil && strings.Contains(werr.Error(), "killed")
				db := checkSound(t, dsn, keyFile)
				n := count(t, db, "cases")
				if n != 0 && n != cases {
					t.Fatalf("after SIGKILL: %d of %d cases stored", n, cases)
				}
				if n == cases {
					t.Logf("attempt %d: the import finished before the kill", attempt)
					db.Close()
					dsn = sqltest.DSN(t, engine) // try again on an empty database
					continue
				}
				for _, table := range []string{"contacts", "assessments", "assessment_forms", "accommodations", "exits", "prosecutions"} {
					if m := count(t, db, table); m != 0 {
						t.Fatalf("after SIGKILL: %d rows half-written in %s", m, table)
					}
				}
				db.Close()
			}
			if !killedMidway {
				t.Fatal("could not kill the import in the middle")
			}
			// The database takes the same import afterwards.
			if out, err := nrmCmd(t, dsn, keyFile, "import", bundleDir).CombinedOutput(); err != nil {
				t.Fatalf("import after the crash: %v\n%s", err, out)
			}
			db := checkSound(t, dsn, keyFile)
			if n := count(t, db, "cases"); n != cases || count(t, db, "accommodations") != s.Accommodations || count(t, db, "exits") != s.Exits {
				t.Fatalf("after the second import: %d cases", n)
			}
			if out, err := nrmCmd(t, dsn, keyFile, "audit", "verify").CombinedOutput(); err != nil || !strings.Contains(string(out), "intact") {
				t.Fatalf("nrm audit verify: %v\n%s", err, out)
			}
		})
	}
}

// A SIGKILL during a stream of single-case writes loses none that was
// reported committed.
func TestKillDuringSingleCaseWrites(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			if db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{}); err != nil { // migrate first
				t.Fatal(err)
			} else {
				db.Close()
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envWriter+"="+dsn)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			created := map[string]bool{}
			updated := map[string]int{}
			sc := bufio.NewScanner(stdout)
			deadline := time.Now().Add(60 * time.Second)
			killed := false
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				switch {
				case len(f) == 2 && f[0] == "created":
					created[f[1]] = true
				case len(f) == 3 && f[0] == "updated":
					var v int
					fmt.Sscan(f[2], &v)
					updated[f[1]] = v
				}
				if !killed && (len(created) >= 150 || time.Now().After(deadline)) {
					cmd.Process.Signal(syscall.SIGKILL)
					killed = true // keep reading what was reported before
				}
			}
			cmd.Wait()
			if !killed || len(created) < 150 {
				t.Fatalf("writer stopped early after %d cases: %s", len(created), stderr.String())
			}
			db := checkSound(t, dsn, "")
			n := count(t, db, "cases")
			if n < len(created) || n > len(created)+1 {
				t.Fatalf("%d cases stored, %d reported committed", n, len(created))
			}
			for ref := range created {
				var id int64
				if err := db.SQL().QueryRow(rebind(engine, "SELECT id FROM cases WHERE ref = ?"), ref).Scan(&id); err != nil {
					t.Fatalf("committed case %s lost: %v", ref, err)
				}
			}
			for ref, v := range updated {
				var got int
				if err := db.SQL().QueryRow(rebind(engine, "SELECT version FROM cases WHERE ref = ?"), ref).Scan(&got); err != nil || got < v {
					t.Fatalf("committed update of %s (version %d) lost: version %d %v", ref, v, got, err)
				}
			}
		})
	}
}

func rebind(engine, q string) string {
	if engine == "postgres" {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

// `nrm backup` while a writer commits, then `nrm restore`: the restored
// database verifies, and a backup at rest restores to the same report.
func TestBackupRestoreCommandsWhileWriting(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "live.db")
	keyFile := filepath.Join(dir, "live.key")
	if out, err := nrmCmd(t, dsn, keyFile, "import", "../demo/bundle").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	w := exec.Command(os.Args[0], "-test.run=^$")
	w.Env = append(os.Environ(), envWriter+"="+dsn, envWriterKeys+"="+keyFile)
	stdout := must(w.StdoutPipe())(t)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for i := 0; i < 20 && sc.Scan(); i++ {
	}
	go io.Copy(io.Discard, stdout)
	backup := filepath.Join(dir, "live.bak")
	out, err := nrmCmd(t, dsn, keyFile, "backup", backup).CombinedOutput()
	w.Process.Kill()
	w.Wait()
	if err != nil {
		t.Fatalf("nrm backup: %v\n%s", err, out)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, err := nrmCmd(t, restored, keyFile, "restore", backup).CombinedOutput(); err != nil || !strings.Contains(string(out), "Restored") {
		t.Fatalf("nrm restore: %v\n%s", err, out)
	}
	checkSound(t, restored, keyFile).Close()

	rest := filepath.Join(dir, "rest.bak")
	if out, err := nrmCmd(t, dsn, keyFile, "backup", rest).CombinedOutput(); err != nil {
		t.Fatalf("nrm backup: %v\n%s", err, out)
	}
	again := filepath.Join(dir, "again.db")
	if out, err := nrmCmd(t, again, keyFile, "restore", rest).CombinedOutput(); err != nil {
		t.Fatalf("nrm restore: %v\n%s", err, out)
	}
	report := func(db string) string {
		out, err := nrmCmd(t, db, keyFile, "report", "--year", "2011", "--format", "json").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if a, b := report(dsn), report(again); a != b || !strings.Contains(a, `"year": 2011`) {
		t.Fatalf("report differs after backup and restore:\n%.400s\n%.400s", a, b)
	}
	if out, err := nrmCmd(t, again, keyFile, "audit", "verify").CombinedOutput(); err != nil {
		t.Fatalf("nrm audit verify: %v\n%s", err, out)
	}
}
