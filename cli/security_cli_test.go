package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/auth"
	"nrm/cli"
	"nrm/seal"
	"nrm/sqlstore"
)

// Cheap argon2 parameters keep the command-line tests fast.
func init() { auth.HashParams = auth.TestParams }

// secEnv is a temporary database with its key file.
type secEnv struct {
	t           *testing.T
	db, keyFile string
}

func newSecEnv(t *testing.T) *secEnv {
	dir := t.TempDir()
	return &secEnv{t: t, db: filepath.Join(dir, "nrm.db"), keyFile: filepath.Join(dir, "nrm.key")}
}

// nrm runs the command line in English and returns stdout, stderr and the
// exit code.
func (e *secEnv) nrm(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := cli.Execute(append([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "en"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

// ok runs the command line and fails the test on a non-zero exit.
func (e *secEnv) ok(args ...string) string {
	e.t.Helper()
	out, errOut, code := e.nrm(args...)
	if code != 0 {
		e.t.Fatalf("nrm %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// open opens the database directly with the key file's keys.
func (e *secEnv) open() *sqlstore.DB {
	e.t.Helper()
	ring, err := seal.Load(e.keyFile, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.openWith(ring)
}

func (e *secEnv) openWith(ring *seal.Keyring) *sqlstore.DB {
	e.t.Helper()
	db, err := sqlstore.Open(context.Background(), e.db, sqlstore.Options{Sealer: ring})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

var oneTimeRE = regexp.MustCompile(`One-time password: (\S+)`)

func oneTime(t *testing.T, out string) string {
	t.Helper()
	m := oneTimeRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no one-time password in %q", out)
	}
	return m[1]
}

// withStdin runs fn with os.Stdin reading s.
func withStdin(t *testing.T, s string, fn func()) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(s)
	f.Seek(0, 0)
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old; f.Close() }()
	fn()
}

func TestCLIUserLifecycle(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init")
	out := e.ok("user", "add", "Anna", "--role", "assessor", "--org", "US", "--authority", "us", "--name", "Anna Jensen")
	pw := oneTime(t, out)
	if !strings.Contains(out, `User "anna" created`) {
		t.Fatalf("add: %s", out)
	}
	ctx := context.Background()
	db := e.open()
	if _, _, err := db.Login(ctx, "anna", pw, "192.0.2.1"); err != nil {
		t.Fatalf("one-time password does not sign in: %v", err)
	}
	db.Close()

	// Validation names field and rule; nothing is stored.
	_, errOut, code := e.nrm("user", "add", "bo", "--role", "caseworker", "--org", "CMM", "--authority", "CMM")
	if code == 0 || !strings.Contains(errOut, "authority") {
		t.Fatalf("caseworker with an authority: %d %s", code, errOut)
	}
	_, errOut, code = e.nrm("user", "add", "bo", "--role", "chief", "--org", "CMM")
	if code == 0 || !strings.Contains(errOut, "Role has an unknown value") {
		t.Fatalf("unknown role: %d %s", code, errOut)
	}
	if _, _, code = e.nrm("user", "add", "anna", "--role", "analyst", "--org", "CMM"); code == 0 {
		t.Fatal("duplicate username accepted")
	}
	// A chosen password from stdin is checked against the policy and not printed.
	var errText string
	withStdin(t, "short\n", func() {
		_, errText, code = e.nrm("user", "add", "carl", "--role", "analyst", "--org", "CMM", "--password-stdin")
	})
	if code == 0 || !strings.Contains(errText, "Password is out of range") {
		t.Fatalf("short stdin password: %d %s", code, errText)
	}
	withStdin(t, "carl's long passphrase\n", func() {
		out = e.ok("user", "add", "carl", "--role", "analyst", "--org", "CMM", "--password-stdin")
	})
	if strings.Contains(out, "passphrase") || strings.Contains(out, "One-time") {
		t.Fatalf("stdin password echoed: %s", out)
	}

	list := e.ok("user", "list")
	for _, want := range []string{"anna", "Anna Jensen", "assessor", "US", "carl", "analyst", "active"} {
		if !strings.Contains(list, want) {
			t.Fatalf("list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "bo ") {
		t.Fatalf("invalid user stored:\n%s", list)
	}

	// Disable and enable.
	e.ok("user", "disable", "anna")
	db = e.open()
	if _, _, err := db.Login(ctx, "anna", pw, "192.0.2.1"); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
		t.Fatalf("disabled user signed in: %v", err)
	}
	db.Close()
	if !strings.Contains(e.ok("user", "list"), "disabled") {
		t.Fatal("list does not show the disabled status")
	}
	e.ok("user", "enable", "anna")

	// Lock-out, then reset: a new one-time password, the lock lifted.
	db = e.open()
	for range 5 {
		db.Login(ctx, "anna", "not the password", "192.0.2.2")
	}
	if _, _, err := db.Login(ctx, "anna", pw, "192.0.2.3"); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
		t.Fatalf("locked user signed in: %v", err)
	}
	db.Close()
	if !strings.Contains(e.ok("user", "list"), "locked until") {
		t.Fatal("list does not show the lock-out")
	}
	pw2 := oneTime(t, e.ok("user", "reset", "anna"))
	if pw2 == pw {
		t.Fatal("reset kept the password")
	}
	db = e.open()
	if _, _, err := db.Login(ctx, "anna", pw, "192.0.2.3"); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
		t.Fatalf("old password after reset: %v", err)
	}
	if _, _, err := db.Login(ctx, "anna", pw2, "192.0.2.3"); err != nil {
		t.Fatalf("new password after reset: %v", err)
	}
	db.Close()
	if _, _, code := e.nrm("user", "reset", "nobody"); code == 0 {
		t.Fatal("reset of an unknown user succeeded")
	}

	// API token: printed once on stdout, usable, stored only as a hash.
	tokOut, tokErr, code := e.nrm("user", "token", "carl", "--name", "eurostat-export")
	token := strings.TrimSpace(tokOut)
	if code != 0 || len(token) != 43 || !strings.Contains(tokErr, "only this once") {
		t.Fatalf("token: %d %q %q", code, tokOut, tokErr)
	}
	db = e.open()
	if u, err := db.AuthenticateAPIToken(ctx, token); err != nil || u.Username != "carl" {
		t.Fatalf("token does not authenticate: %v", err)
	}
	db.Close()
	raw, _ := os.ReadFile(e.db)
	wal, _ := os.ReadFile(e.db + "-wal")
	if bytes.Contains(append(raw, wal...), []byte(token)) || bytes.Contains(append(raw, wal...), []byte(pw2)) {
		t.Fatal("a token or password is stored in clear")
	}
	if _, _, code := e.nrm("user", "token", "carl"); code == 0 {
		t.Fatal("token without --name accepted")
	}
	if out := e.ok("user", "revoke", "carl", "--name", "eurostat-export"); !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q", out)
	}
	db = e.open()
	if _, err := db.AuthenticateAPIToken(ctx, token); err == nil {
		t.Fatal("revoked token still authenticates")
	}
	db.Close()
	if _, _, code := e.nrm("user", "revoke", "carl", "--name", "eurostat-export"); code == 0 {
		t.Fatal("revoking twice succeeded")
	}

	// Danish messages.
	var out2 bytes.Buffer
	cli.Execute([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "da", "user", "disable", "carl"}, &out2, &bytes.Buffer{})
	if !strings.Contains(out2.String(), "er spærret") {
		t.Fatalf("Danish message: %q", out2.String())
	}
	// Every change is in the audit log, which still verifies.
	if out := e.ok("audit", "verify"); !strings.Contains(out, "intact") {
		t.Fatalf("audit: %s", out)
	}
}

// plantCases stores cases with identifiers: closed in 2011, closed in
// 2019 and open.
func plantCases(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	admin := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	for _, spec := range []struct{ ref, exit string }{{"CLI-OLD", "2011-06-01"}, {"CLI-NEW", "2019-06-01"}, {"CLI-OPEN", ""}} {
		c := &nrm.Case{Ref: spec.ref, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
			Identifiers: nrm.Identifiers{Name: "Zyxwvut Plantedname " + spec.ref, BirthDate: nrm.MustDate("1990-02-03")},
			Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
				Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}}}}
		if spec.exit != "" {
			c.Exits = []nrm.Exit{{Date: nrm.MustDate(spec.exit), Kind: nrm.ExitPreparedReturn}}
		}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCLIKeysRotate(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init") // creates the database and the first key
	oldKeys, err := seal.Load(e.keyFile, false)
	if err != nil {
		t.Fatal(err)
	}
	db := e.open()
	plantCases(t, db)
	db.Close()

	out := e.ok("keys", "rotate")
	if !strings.Contains(out, "New key: k2.") || !strings.Contains(out, "3 values re-encrypted") {
		t.Fatalf("rotate: %s", out)
	}
	ring, err := seal.Load(e.keyFile, false)
	if err != nil {
		t.Fatal(err)
	}
	if ids := ring.IDs(); len(ids) != 1 || ids[0] != "k2" {
		t.Fatalf("key file after rotation: %v", ids)
	}
	if fi, _ := os.Stat(e.keyFile); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode().Perm())
	}
	admin := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	db = e.openWith(ring)
	for _, ref := range []string{"CLI-OLD", "CLI-NEW", "CLI-OPEN"} {
		c, err := db.FindCaseByRef(admin, ref)
		if err != nil || c.Identifiers.Name != "Zyxwvut Plantedname "+ref {
			t.Fatalf("%s with the new key: %v", ref, err)
		}
	}
	db.Close()
	db = e.openWith(oldKeys)
	if _, err := db.FindCaseByRef(admin, "CLI-OLD"); err == nil {
		t.Fatal("old key still opens identifiers after rotation")
	}
	db.Close()

	// Again, keeping the old key.
	out = e.ok("keys", "rotate", "--keep-old-keys")
	if ring, _ = seal.Load(e.keyFile, false); strings.Join(ring.IDs(), ",") != "k2,k3" || !strings.Contains(out, "New key: k3.") {
		t.Fatalf("--keep-old-keys: %v %s", ring.IDs(), out)
	}

	// Keys from the environment cannot be rotated by rewriting a file.
	t.Setenv("NRM_KEYS", "k9:"+strings.Repeat("A", 43)+"=")
	if _, errOut, code := e.nrm("keys", "rotate"); code == 0 || !strings.Contains(errOut, "NRM_KEYS") {
		t.Fatalf("rotation with NRM_KEYS: %d %s", code, errOut)
	}
	t.Setenv("NRM_KEYS", "")
	missing := &secEnv{t: t, db: e.db, keyFile: filepath.Join(t.TempDir(), "none.key")}
	if _, errOut, code := missing.nrm("keys", "rotate"); code == 0 || !strings.Contains(errOut, "does not exist") {
		t.Fatalf("rotation without a key file: %d %s", code, errOut)
	}
}

func TestCLIRetention(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init")
	db := e.open()
	plantCases(t, db)
	db.Close()
	before := e.ok("report", "--year", "2011", "--format", "json")

	out := e.ok("retention", "apply", "--years", "10", "--today", "2026-01-01", "--dry-run")
	if !strings.Contains(out, "Dry run: 1 cases") {
		t.Fatalf("dry run: %s", out)
	}
	db = e.open()
	admin := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	if c, _ := db.FindCaseByRef(admin, "CLI-OLD"); c.Identifiers.IsZero() {
		t.Fatal("dry run purged")
	}
	db.Close()
	out = e.ok("retention", "apply", "--years", "10", "--today", "2026-01-01")
	if !strings.Contains(out, "1 cases had their identifiers purged") || !strings.Contains(out, "keys rotate") {
		t.Fatalf("apply: %s", out)
	}
	if after := e.ok("report", "--year", "2011", "--format", "json"); after != before {
		t.Fatalf("statistics changed:\n%s\n%s", before, after)
	}
	db = e.open()
	for ref, purged := range map[string]bool{"CLI-OLD": true, "CLI-NEW": false, "CLI-OPEN": false} {
		c, err := db.FindCaseByRef(admin, ref)
		if err != nil || c.Identifiers.IsZero() != purged || (c.PurgedAt != nil) != purged {
			t.Fatalf("%s: %v %+v", ref, err, c.Identifiers)
		}
	}
	db.Close()
	if _, errOut, code := e.nrm("retention", "apply", "--years", "0"); code == 0 || !strings.Contains(errOut, "years") {
		t.Fatalf("zero years: %d %s", code, errOut)
	}
	if _, _, code := e.nrm("retention", "apply", "--years", "5", "--today", "2026-13-01"); code == 0 {
		t.Fatal("bad date accepted")
	}
}
