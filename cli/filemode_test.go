package cli_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
)

// Environment of the file-mode helper process.
const (
	envModeDir   = "NRM_TEST_FILEMODE_DIR"
	envModeUmask = "NRM_TEST_FILEMODE_UMASK"
)

// Every file nrm creates — the SQLite database and its -wal and -shm
// files, the key file, a backup, a restored database, exports (folder,
// zip, workbook), reports written with -o and audit anchors — is readable
// by its owner only (0600), and every folder it creates is 0700, under
// umask 022 (the usual default, where SQLite's own default would give
// 0644) and umask 000. The commands run in a process of their own, since
// the umask is the whole process's.
func TestFilesArePrivateWhateverTheUmask(t *testing.T) {
	for _, umask := range []string{"022", "000"} {
		t.Run("umask "+umask, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestFileModeHelper$", "-test.v")
			cmd.Env = append(os.Environ(), envModeDir+"="+dir, envModeUmask+"="+umask)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "checked") {
				t.Fatalf("helper under umask %s: %v\n%s", umask, err, out)
			}
		})
	}
}

// TestFileModeHelper is the helper process of
// TestFilesArePrivateWhateverTheUmask; it does nothing in a normal run.
func TestFileModeHelper(t *testing.T) {
	dir := os.Getenv(envModeDir)
	if dir == "" {
		t.Skip("helper process only")
	}
	mask, err := strconv.ParseInt(os.Getenv(envModeUmask), 8, 32)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Umask(int(mask))
	db := filepath.Join(dir, "data", "nrm.db")
	key := db + ".key"
	must := func(args ...string) {
		t.Helper()
		if stdout, stderr, code := execute(append([]string{"--db", db, "--lang", "en"}, args...)...); code != 0 {
			t.Fatalf("nrm %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	must("init")
	must("demo")
	must("backup", filepath.Join(dir, "backups", "daily", "nrm.bak"))
	must("export", filepath.Join(dir, "export", "folder"))
	must("export", filepath.Join(dir, "export.zip"))
	must("export", filepath.Join(dir, "export.xlsx"))
	must("report", "--year", "2011", "--format", "json", "-o", filepath.Join(dir, "report.json"))
	must("report", "--year", "2011", "--format", "md", "-o", filepath.Join(dir, "report.md"))
	must("audit", "anchor", "--to", filepath.Join(dir, "anchors"))
	restored := filepath.Join(dir, "restored", "nrm.db")
	if stdout, stderr, code := execute("--db", restored, "--key-file", key, "restore", filepath.Join(dir, "backups", "daily", "nrm.bak")); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
	}
	must("keys", "rotate") // rewrites the key file (after the restore: the backup needs the old key)
	// With both databases open and written, their -wal and -shm files
	// exist.
	ring, err := seal.Load(key, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	for _, path := range []string{db, restored} {
		d, err := sqlstore.Open(ctx, path, sqlstore.Options{Sealer: ring})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.SQL().ExecContext(ctx, "CREATE TABLE IF NOT EXISTS mode_probe (x INTEGER)"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{path + "-wal", path + "-shm"} {
			if _, err := os.Stat(f); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
	want := []string{"data/nrm.db", "data/nrm.db.key", "data/nrm.db-wal", "data/nrm.db-shm", "backups/daily/nrm.bak",
		"export/folder/cases.csv", "export.zip", "export.xlsx", "report.json", "report.md", "restored/nrm.db", "restored/nrm.db-wal",
		"restored/nrm.db-shm", "anchors"}
	seen := map[string]bool{}
	err = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		seen[filepath.ToSlash(rel)] = true
		fi, err := e.Info()
		if err != nil {
			return err
		}
		wantMode := os.FileMode(0o600)
		if e.IsDir() {
			wantMode = 0o700
		}
		if fi.Mode().Perm() != wantMode {
			t.Errorf("%s: mode %v, want %v", rel, fi.Mode().Perm(), wantMode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("%s was not made", w)
		}
	}
	t.Logf("checked %d files and folders", len(seen))
}
