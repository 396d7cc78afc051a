package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm/cli"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// execute runs the command line and returns stdout, stderr and the exit
// code.
func execute(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := cli.Execute(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// A --db that names no database is refused by every command that does not
// create one, in Danish and English, naming the path and how to create a
// database; no file or folder is left behind.
func TestNoSilentNewDatabase(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing", "nrm.db")
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"audit", "verify"},
		{"audit", "list"},
		{"user", "list"},
		{"user", "add", "anna", "--role", "admin", "--org", "CMM"},
		{"case", "show", "CASE-1"},
		{"report", "--year", "2011", "--format", "json"},
		{"export", filepath.Join(out, "export")},
		{"export", "htcds", "--year", "2011"},
		{"backup", filepath.Join(out, "nrm.bak")},
		{"keys", "rotate"},
		{"countries", "list"},
		{"publish", "--year", "2011"},
		{"publish", "list"},
		{"referral", "list"},
		{"retention", "apply", "--years", "10"},
		{"serve", "--addr", "127.0.0.1:0"},
	} {
		for _, lang := range []string{"da", "en"} {
			stdout, stderr, code := execute(append([]string{"--db", missing, "--lang", lang}, args...)...)
			what := lang + ": nrm " + strings.Join(args, " ")
			if code != 1 {
				t.Errorf("%s: exit %d, want 1\n%s%s", what, code, stdout, stderr)
				continue
			}
			want := []string{missing, "nrm init", "nrm demo"}
			if lang == "da" {
				want = append(want, "findes ikke")
			} else {
				want = append(want, "does not exist")
			}
			for _, w := range want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%s: %q does not say %q", what, stderr, w)
				}
			}
		}
	}
	for _, p := range []string{filepath.Dir(missing), out} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was created (%v)", p, err)
		}
	}
	// keys rotate leaves the key file of a database that is not there
	// alone.
	key := filepath.Join(dir, "nrm.key")
	if _, stderr, code := execute("--db", filepath.Join(dir, "init.db"), "--key-file", key, "init"); code != 0 {
		t.Fatal(stderr)
	}
	keyBefore, _ := os.ReadFile(key)
	if _, stderr, code := execute("--db", missing, "--key-file", key, "--lang", "en", "keys", "rotate"); code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("keys rotate: exit %d, %q", code, stderr)
	}
	if after, _ := os.ReadFile(key); !bytes.Equal(after, keyBefore) {
		t.Error("keys rotate changed the key file of a missing database")
	}
	// An empty file is no database either.
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := execute("--db", empty, "--lang", "en", "user", "list"); code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("empty file: exit %d, %q", code, stderr)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was written to (%v)", err)
	}
	if _, err := os.Stat(empty + ".key"); !os.IsNotExist(err) {
		t.Errorf("a key file was made for the empty file (%v)", err)
	}
}

// nrm init creates the database, its folder and its key file, owner-only,
// and refuses to touch an existing database; the other creating commands
// (demo, import) create one too, and afterwards every command works.
func TestInitCreatesDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "nested", "nrm.db")
	stdout, stderr, code := execute("--db", db, "--lang", "en", "init")
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	for _, w := range []string{"Database created: " + db, "Key file: " + db + ".key", "nrm user add"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("init said %q, want %q", stdout, w)
		}
	}
	for path, want := range map[string]os.FileMode{
		db: 0o600, db + ".key": 0o600, filepath.Dir(db): 0o700, filepath.Join(dir, "data"): 0o700,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	if _, stderr, code := execute("--db", db, "--lang", "en", "user", "list"); code != 0 {
		t.Errorf("user list after init: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(db)
	keyBefore, _ := os.ReadFile(db + ".key")
	for lang, want := range map[string]string{"da": "findes allerede; intet er ændret", "en": "already exists; nothing was changed"} {
		if _, stderr, code := execute("--db", db, "--lang", lang, "init"); code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, db) {
			t.Errorf("second init (%s): exit %d, %q", lang, code, stderr)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
		t.Error("a second init changed the database")
	}
	if after, _ := os.ReadFile(db + ".key"); !bytes.Equal(after, keyBefore) {
		t.Error("a second init changed the key file")
	}
	// Danish by default.
	other := filepath.Join(dir, "other.db")
	if stdout, stderr, code := execute("--db", other, "init"); code != 0 || !strings.Contains(stdout, "Database oprettet: "+other) {
		t.Errorf("Danish init: exit %d, %q %q", code, stdout, stderr)
	}
	// demo and import create the database they are pointed at.
	for _, args := range [][]string{{"demo"}, {"import", "../demo/bundle"}} {
		path := filepath.Join(dir, args[0], "nrm.db")
		if _, stderr, code := execute(append([]string{"--db", path}, args...)...); code != 0 {
			t.Errorf("nrm %s on a new database: exit %d: %s", args[0], code, stderr)
		}
		if _, stderr, code := execute("--db", path, "audit", "verify"); code != 0 {
			t.Errorf("audit verify after %s: exit %d: %s", args[0], code, stderr)
		}
	}
}

// A PostgreSQL database exists or not by itself: commands are not refused
// for it, and init migrates it.
func TestPostgresIsNotRefused(t *testing.T) {
	if os.Getenv(sqltest.EnvPostgres) == "" {
		t.Skip(sqltest.EnvPostgres + " not set")
	}
	dsn := sqltest.DSN(t, "postgres")
	key := filepath.Join(t.TempDir(), "nrm.key")
	if _, stderr, code := execute("--db", dsn, "--key-file", key, "--lang", "en", "user", "list"); code != 0 {
		t.Errorf("user list on PostgreSQL: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := execute("--db", dsn, "--key-file", key, "--lang", "en", "init")
	if code != 0 || !strings.Contains(stdout, "PostgreSQL database is ready") || strings.Contains(stdout, dsn) {
		t.Errorf("init on PostgreSQL: exit %d, %q %q", code, stdout, stderr)
	}
}

// nrm restore tries the key on the backup's identifiers before anything
// is replaced: a key file with another key, a missing key file and wrong
// NRM_KEYS are refused, naming the key the backup needs, and neither a new
// target nor an existing database (--force) is touched; the right key
// restores.
func TestRestoreRefusesWrongKey(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	srcKey := filepath.Join(dir, "src.key")
	if _, stderr, code := execute("--db", src, "--key-file", srcKey, "init"); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	ring, err := seal.Load(srcKey, false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), src, sqlstore.Options{Sealer: ring})
	if err != nil {
		t.Fatal(err)
	}
	plantCases(t, db)
	db.Close()
	backup := filepath.Join(dir, "backups", "src.bak")
	if _, stderr, code := execute("--db", src, "--key-file", srcKey, "backup", backup); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}

	// Another installation's key file: its key is also called k1.
	otherKey := filepath.Join(dir, "other.key")
	mac, _ := seal.NewKey(seal.MACKeyID)
	k1, _ := seal.NewKey("k1")
	if err := seal.WriteFile(otherKey, []seal.Key{mac, k1}); err != nil {
		t.Fatal(err)
	}
	// An existing database a --force restore would replace.
	existing := filepath.Join(dir, "existing.db")
	if _, stderr, code := execute("--db", existing, "--key-file", otherKey, "init"); code != 0 {
		t.Fatalf("init existing: %s", stderr)
	}
	existingBefore, _ := os.ReadFile(existing)
	fresh := filepath.Join(dir, "fresh", "restored.db")
	for _, tc := range []struct {
		name, lang, target, key, env string
		force                        bool
		want                         []string
	}{
		{"other key file", "en", fresh, otherKey, "", false,
			[]string{"The key file " + otherKey + " does not open the identifiers in the backup", "sealed with the key k1", "--key-file", "Nothing was restored"}},
		{"other key file, Danish", "da", fresh, otherKey, "", false,
			[]string{"Nøglefilen " + otherKey + " åbner ikke identifikatorerne", "forseglet med nøglen k1", "Intet er gendannet"}},
		{"missing key file", "en", fresh, filepath.Join(dir, "absent.key"), "", false,
			[]string{"The key file " + filepath.Join(dir, "absent.key") + " does not exist", "sealed with the key k1"}},
		{"wrong NRM_KEYS", "en", fresh, srcKey, "mac:" + b64(mac.Bytes) + ";k1:" + b64(k1.Bytes), false,
			[]string{"The keys in NRM_KEYS do not open", "sealed with the key k1"}},
		{"--force over an existing database", "en", existing, otherKey, "", true,
			[]string{"does not open the identifiers", "k1", "Nothing was restored"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("NRM_KEYS", tc.env)
			}
			args := []string{"--db", tc.target, "--key-file", tc.key, "--lang", tc.lang, "restore", backup}
			if tc.force {
				args = append(args, "--force")
			}
			_, stderr, code := execute(args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%q does not say %q", stderr, w)
				}
			}
			if _, err := os.Stat(filepath.Dir(fresh)); !os.IsNotExist(err) {
				t.Errorf("the target's folder was created (%v)", err)
			}
			if after, _ := os.ReadFile(existing); !bytes.Equal(after, existingBefore) {
				t.Error("the existing database was changed")
			}
			if _, err := os.Stat(tc.key); tc.key != srcKey && tc.key != otherKey && !os.IsNotExist(err) {
				t.Errorf("a key file was made (%v)", err)
			}
		})
	}
	// The right key restores, and the identifiers read back.
	stdout, stderr, code := execute("--db", fresh, "--key-file", srcKey, "--lang", "en", "restore", backup)
	if code != 0 || !strings.Contains(stdout, "Restored from") {
		t.Fatalf("restore with the right key: exit %d: %s%s", code, stdout, stderr)
	}
	stdout, stderr, code = execute("--db", fresh, "--key-file", srcKey, "--lang", "en", "case", "show", "CLI-OLD", "--identifiers")
	if code != 0 || !strings.Contains(stdout, "Zyxwvut Plantedname CLI-OLD") {
		t.Errorf("identifiers after restore: exit %d: %s%s", code, stdout, stderr)
	}
	// A backup without identifiers needs no key file.
	empty := filepath.Join(dir, "empty.db")
	if _, stderr, code := execute("--db", empty, "--key-file", otherKey, "init"); code != 0 {
		t.Fatal(stderr)
	}
	emptyBak := filepath.Join(dir, "empty.bak")
	if _, stderr, code := execute("--db", empty, "--key-file", otherKey, "backup", emptyBak); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := execute("--db", filepath.Join(dir, "empty-restored.db"), "--key-file", filepath.Join(dir, "none.key"), "restore", emptyBak); code != 0 {
		t.Errorf("restore of a backup without identifiers: exit %d: %s", code, stderr)
	}
}

// b64 encodes key bytes as a key file does.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// The key check of nrm restore reads a PostgreSQL backup (a pg_dump
// archive) too: another key is refused before pg_restore touches the
// target, and the right key restores.
func TestRestoreRefusesWrongKeyPostgres(t *testing.T) {
	if os.Getenv(sqltest.EnvPostgres) == "" {
		t.Skip(sqltest.EnvPostgres + " not set")
	}
	dir := t.TempDir()
	src, key := sqltest.DSN(t, "postgres"), filepath.Join(dir, "src.key")
	if _, stderr, code := execute("--db", src, "--key-file", key, "init"); code != 0 {
		t.Fatal(stderr)
	}
	ring, err := seal.Load(key, false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), src, sqlstore.Options{Sealer: ring})
	if err != nil {
		t.Fatal(err)
	}
	plantCases(t, db)
	db.Close()
	backup := filepath.Join(dir, "src.dump")
	if _, stderr, code := execute("--db", src, "--key-file", key, "backup", backup); code != 0 {
		t.Fatal(stderr)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("pg_dump backup: %v %v, want mode 0600", fi, err)
	}
	other := filepath.Join(dir, "other.key")
	mac, _ := seal.NewKey(seal.MACKeyID)
	k1, _ := seal.NewKey("k1")
	if err := seal.WriteFile(other, []seal.Key{mac, k1}); err != nil {
		t.Fatal(err)
	}
	target := sqltest.DSN(t, "postgres")
	_, stderr, code := execute("--db", target, "--key-file", other, "--lang", "en", "restore", backup)
	if code != 1 || !strings.Contains(stderr, "sealed with the key k1") || !strings.Contains(stderr, "Nothing was restored") {
		t.Fatalf("restore with another key: exit %d: %s", code, stderr)
	}
	conn, err := sql.Open("pgx", target)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var tables int
	if err := conn.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("the refused restore created %d tables (%v)", tables, err)
	}
	if stdout, stderr, code := execute("--db", target, "--key-file", key, "--lang", "en", "restore", backup); code != 0 || !strings.Contains(stdout, "Restored from") {
		t.Errorf("restore with the right key: exit %d: %s%s", code, stdout, stderr)
	}
}
