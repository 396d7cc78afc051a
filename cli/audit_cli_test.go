package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/cli"
	"nrm/seal"
	"nrm/sqlstore"
)

// auditEnv is a database with a few audited cases and an anchor folder.
func auditEnv(t *testing.T) (*secEnv, string) {
	t.Setenv("NRM_KEYS", "")
	t.Setenv("NRM_ANCHOR_DIR", "")
	e := newSecEnv(t)
	e.ok("init") // creates the database and the key file
	db := e.open()
	plantCases(t, db)
	db.Close()
	return e, filepath.Join(t.TempDir(), "anchors")
}

// fail runs the command line, wants exit 1 and returns stdout and stderr.
func (e *secEnv) fail(args ...string) (string, string) {
	e.t.Helper()
	out, errOut, code := e.nrm(args...)
	if code != 1 {
		e.t.Fatalf("nrm %s: exit %d, want 1\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out, errOut
}

// exec runs statements on the database file directly, the append-only
// triggers dropped first.
func (e *secEnv) tamper(stmts ...string) {
	e.t.Helper()
	db := e.open()
	defer db.Close()
	for _, q := range append([]string{"DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"}, stmts...) {
		if _, err := db.SQL().Exec(q); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
	}
}

func (e *secEnv) entries() []*sqlstore.AuditEntry {
	e.t.Helper()
	db := e.open()
	defer db.Close()
	es, err := db.FindAudit(nrm.NewContextWithActor(context.Background(), nrm.SystemActor), sqlstore.AuditFilter{Limit: 10000})
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

var anchorWrittenRE = regexp.MustCompile(`Anchor written: entry (\d+), .*, key (audit-\d+), in `)

func TestCLIAuditAnchorFindsTruncation(t *testing.T) {
	e, dir := auditEnv(t)
	m := anchorWrittenRE.FindStringSubmatch(e.ok("audit", "anchor", "--to", dir))
	if m == nil || m[2] != "audit-1" {
		t.Fatalf("anchor output: %v", m)
	}
	head, _ := strconv.Atoi(m[1])
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("anchor folder: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Join(dir, sqlstore.AnchorFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("anchor file: %v %v", fi.Mode(), err)
	}
	if out := e.ok("audit", "verify", "--anchors", dir); !strings.Contains(out, "The audit log is intact") || !strings.Contains(out, "1 anchors match") {
		t.Fatalf("verify: %s", out)
	}
	for _, es := range e.entries() {
		if es.HashKey != "audit-1" {
			t.Fatalf("entry %d keyed with %q", es.Seq, es.HashKey)
		}
	}

	// The newest two entries removed and the head moved back.
	keep := head - 2
	es := e.entries()
	e.tamper(fmt.Sprintf("DELETE FROM audit_log WHERE seq > %d", keep),
		fmt.Sprintf("UPDATE audit_head SET seq = %d, hash = '%s'", keep, es[keep-1].Hash))
	if out := e.ok("audit", "verify"); !strings.Contains(out, "intact") || !strings.Contains(out, "Without anchors") {
		t.Fatalf("without anchors: %s", out)
	}
	out, errOut := e.fail("audit", "verify", "--anchors", dir)
	if want := fmt.Sprintf("entry %d: entries from %d on are missing", keep+1, keep+1); !strings.Contains(out, want) ||
		!strings.Contains(errOut, fmt.Sprintf("broken from entry %d", keep+1)) {
		t.Fatalf("truncation: %s%s", out, errOut)
	}
	out, errOut = e.fail("--lang", "da", "audit", "verify", "--anchors", dir)
	if want := fmt.Sprintf("post %d: poster fra %d og frem mangler", keep+1, keep+1); !strings.Contains(out, want) ||
		!strings.Contains(errOut, fmt.Sprintf("brudt fra post %d", keep+1)) || strings.Contains(out+errOut, "Plantedname") {
		t.Fatalf("truncation in Danish: %s%s", out, errOut)
	}
	if _, errOut := e.fail("audit", "anchor", "--to", dir); !strings.Contains(errOut, "nothing was anchored") {
		t.Fatalf("anchored a truncated log: %s", errOut)
	}
	// NRM_ANCHOR_DIR is the default folder.
	t.Setenv("NRM_ANCHOR_DIR", dir)
	if out, _ := e.fail("audit", "verify"); !strings.Contains(out, "are missing") {
		t.Fatalf("verify with NRM_ANCHOR_DIR: %s", out)
	}
}

// An entry rewritten and the chain recomputed with the SHA-256 formula of
// the entries from before audit keys.
func TestCLIAuditRewriteRecomputed(t *testing.T) {
	e, _ := auditEnv(t)
	es := e.entries()
	target := es[len(es)-3].Seq
	var stmts []string
	prev := es[target-2].Hash
	for _, x := range es[target-1:] {
		if x.Seq == target {
			x.Detail = "nothing happened"
		}
		x.PrevHash = prev
		h := sha256.New()
		for _, s := range []string{x.PrevHash, strconv.FormatInt(x.Seq, 10), x.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(x.UserID, 10),
			x.Username, x.Role, x.Org, x.Remote, x.Action, x.Entity, x.EntityID, x.Detail} {
			fmt.Fprintf(h, "%d:%s|", len(s), s)
		}
		x.Hash = hex.EncodeToString(h.Sum(nil))
		stmts = append(stmts, fmt.Sprintf("UPDATE audit_log SET detail = '%s', prev_hash = '%s', hash = '%s', hash_key = 'sha256' WHERE seq = %d", x.Detail, x.PrevHash, x.Hash, x.Seq))
		prev = x.Hash
	}
	stmts = append(stmts, fmt.Sprintf("UPDATE audit_head SET hash = '%s'", prev))
	e.tamper(stmts...)
	out, errOut := e.fail("audit", "verify")
	if !strings.Contains(out, fmt.Sprintf("entry %d: the entry is not keyed although entry 1 before it is", target)) ||
		!strings.Contains(errOut, fmt.Sprintf("broken from entry %d", target)) {
		t.Fatalf("rewrite: %s%s", out, errOut)
	}
}

// Editing the anchor file: the line is named, and no anchor is appended
// after an edited one.
func TestCLIAuditAnchorFileEdited(t *testing.T) {
	e, dir := auditEnv(t)
	e.ok("audit", "anchor", "--to", dir)
	e.ok("user", "add", "bo", "--role", "analyst", "--org", "CMM") // one more entry
	e.ok("audit", "anchor", "--to", dir)
	path := filepath.Join(dir, sqlstore.AnchorFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("anchor file: %q", data)
	}
	lines[0] = regexp.MustCompile(`"seq":\d+`).ReplaceAllString(lines[0], `"seq":1`)
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	out, errOut := e.fail("audit", "verify", "--anchors", dir)
	if !strings.Contains(out, "anchor file, line 1: the signature does not match") || !strings.Contains(errOut, "cannot be confirmed") {
		t.Fatalf("edited anchor: %s%s", out, errOut)
	}
	out, _ = e.fail("--lang", "da", "audit", "verify", "--anchors", dir)
	if !strings.Contains(out, "ankerfilen, linje 1: signaturen passer ikke") {
		t.Fatalf("edited anchor in Danish: %s", out)
	}
	// The last line edited: anchoring refuses to chain onto it.
	lines[1] = regexp.MustCompile(`"seq":\d+`).ReplaceAllString(lines[1], `"seq":2`)
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	if _, errOut := e.fail("audit", "anchor", "--to", dir); !strings.Contains(errOut, "does not verify") {
		t.Fatalf("anchored after an edited anchor: %s", errOut)
	}
}

// keys rotate adds an audit key and keeps the older ones: entries and
// anchors made with either verify.
func TestCLIAuditKeyRotation(t *testing.T) {
	e, dir := auditEnv(t)
	e.ok("audit", "anchor", "--to", dir)
	out := e.ok("keys", "rotate")
	if !strings.Contains(out, "New audit key: audit-2") {
		t.Fatalf("rotate: %s", out)
	}
	ring, err := seal.Load(e.keyFile, false)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := ring.AuditKey(); id != "audit-2" || len(ring.AuditKeys()) != 2 || strings.Join(ring.IDs(), ",") != "k2" {
		t.Fatalf("key file after rotation: audit %q of %d, encryption %v", id, len(ring.AuditKeys()), ring.IDs())
	}
	if m := anchorWrittenRE.FindStringSubmatch(e.ok("audit", "anchor", "--to", dir)); m == nil || m[2] != "audit-2" {
		t.Fatalf("anchor after rotation: %v", m)
	}
	keys := map[string]bool{}
	for _, x := range e.entries() {
		keys[x.HashKey] = true
	}
	if !keys["audit-1"] || !keys["audit-2"] || len(keys) != 2 {
		t.Fatalf("entry keys %v", keys)
	}
	if out := e.ok("audit", "verify", "--anchors", dir); !strings.Contains(out, "intact") || !strings.Contains(out, "2 anchors match") {
		t.Fatalf("verify after rotation: %s", out)
	}
}

// A database and key file from before audit keys: the old entries stay
// verifiable, new ones are keyed with the legacy audit key, and the first
// rotation writes that key out.
func TestCLIAuditEntriesFromBeforeTheKey(t *testing.T) {
	t.Setenv("NRM_KEYS", "")
	t.Setenv("NRM_ANCHOR_DIR", "")
	e := newSecEnv(t)
	mac, _ := seal.NewKey(seal.MACKeyID)
	k1, _ := seal.NewKey("k1")
	if err := seal.WriteFile(e.keyFile, []seal.Key{mac, k1}); err != nil {
		t.Fatal(err)
	}
	// Entries written without the audit key, as the previous version did.
	db, err := sqlstore.Open(context.Background(), e.db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &nrm.Case{Ref: "PRE-1", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
		Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}}}
	if err := db.CreateCase(nrm.NewContextWithActor(context.Background(), nrm.SystemActor), c); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = e.open()
	plantCases(t, db)
	db.Close()
	es := e.entries()
	if es[0].HashKey != sqlstore.AuditUnkeyed || es[len(es)-1].HashKey != seal.AuditLegacyKeyID {
		t.Fatalf("entry keys %q … %q", es[0].HashKey, es[len(es)-1].HashKey)
	}
	out := e.ok("audit", "verify")
	if !strings.Contains(out, "intact") || !strings.Contains(out, "entries from before the audit key") {
		t.Fatalf("verify: %s", out)
	}
	e.ok("keys", "rotate")
	data, _ := os.ReadFile(e.keyFile)
	if !strings.Contains(string(data), "\naudit-0:") || !strings.Contains(string(data), "\naudit-1:") {
		t.Fatalf("key file after rotation:\n%s", data)
	}
	if out := e.ok("audit", "verify"); !strings.Contains(out, "intact") {
		t.Fatalf("verify after rotation: %s", out)
	}
}

// serve --anchor-dir anchors at start, on its schedule and at shutdown.
func TestCLIServeAnchors(t *testing.T) {
	e, dir := auditEnv(t)
	if _, errOut := e.fail("serve", "--addr", "127.0.0.1:0", "--anchor-dir", dir, "--anchor-every", "0s"); !strings.Contains(errOut, "--anchor-every must be positive") {
		t.Fatalf("--anchor-every 0: %s", errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	root := cli.NewRoot(&out, &errOut)
	root.SetArgs([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "en", "serve", "--addr", "127.0.0.1:0", "--anchor-dir", dir, "--anchor-every", "40ms"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	path := filepath.Join(dir, sqlstore.AnchorFileName)
	count := func() int {
		data, _ := os.ReadFile(path)
		return strings.Count(string(data), "\n")
	}
	deadline := time.Now().Add(20 * time.Second)
	for count() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d anchors after 20 s; stderr: %s", count(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	n := count()
	if !strings.Contains(errOut.String(), "when=shutdown") {
		t.Fatalf("no anchor at shutdown (%d anchors): %s", n, errOut.String())
	}
	if out := e.ok("audit", "verify", "--anchors", dir); !strings.Contains(out, fmt.Sprintf("%d anchors match", n)) {
		t.Fatalf("verify: %s", out)
	}
}
