package sqlstore_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// The attacks below are those of someone who holds the database (and may
// read this code) but not the key file: they drop the append-only
// triggers and rewrite rows directly.

var (
	testMAC    = seal.Key{ID: seal.MACKeyID, Bytes: []byte("nrm test content-hash key 32 by!")}
	testSealer = seal.Key{ID: "k1", Bytes: []byte("nrm test identifier key, 32 byte")}
)

// auditRing is a keyring with explicit audit keys, as every key file
// created since audit keys exist has: unkeyed entries are never valid.
func auditRing(t testing.TB, audit ...seal.Key) *seal.Keyring {
	t.Helper()
	r, err := seal.New(append(append([]seal.Key{testMAC}, audit...), testSealer)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newAuditKey(t *testing.T, id string) seal.Key {
	t.Helper()
	k, err := seal.NewKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// eachAudit runs fn on every engine with a fresh database opened with
// ring.
func eachAudit(t *testing.T, ring func(testing.TB) *seal.Keyring, fn func(t *testing.T, dsn string, db *sqlstore.DB)) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			if ring == nil {
				fn(t, dsn, openKeyless(t, dsn))
				return
			}
			fn(t, dsn, openWithRing(t, dsn, ring(t)))
		})
	}
}

// openKeyless opens dsn without a key file, as tools and old versions do.
func openKeyless(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writeAudit appends n entries: a case created, then read n-1 times (no
// identifiers, so that a process without keys can write it too).
func writeAudit(t *testing.T, db *sqlstore.DB, ref string, n int) {
	t.Helper()
	c := newCase(ref)
	c.Identifiers = nrm.Identifiers{}
	if err := db.CreateCase(admin, c); err != nil {
		t.Fatal(err)
	}
	for range n - 1 {
		if _, err := db.FindCaseByID(admin, c.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func entries(t *testing.T, db *sqlstore.DB) []*sqlstore.AuditEntry {
	t.Helper()
	es, err := db.FindAudit(admin, sqlstore.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// fields are the hashed fields of an entry in the documented order.
func fields(e *sqlstore.AuditEntry) []string {
	return []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.Role, e.Org, e.Remote, e.Action, e.Entity, e.EntityID, e.Detail}
}

func sum(h hash.Hash, prefix []string, e *sqlstore.AuditEntry) string {
	for _, s := range append(prefix, fields(e)...) {
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sha256Formula is the documented unkeyed formula.
func sha256Formula(e *sqlstore.AuditEntry) string { return sum(sha256.New(), nil, e) }

// hmacFormula is the keyed formula under key (the attacker's guess, or
// the real key as a control that the formula here is the product's).
func hmacFormula(key []byte) func(*sqlstore.AuditEntry) string {
	return func(e *sqlstore.AuditEntry) string { return sum(hmac.New(sha256.New, key), []string{e.HashKey}, e) }
}

// tamper rewrites the database directly.
type tamper struct {
	t  *testing.T
	db *sqlstore.DB
}

func (a tamper) exec(q string, args ...any) {
	a.t.Helper()
	if a.db.Engine() == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	if _, err := a.db.SQL().Exec(q, args...); err != nil {
		a.t.Fatalf("%s: %v", q, err)
	}
}

// unguard drops the triggers that keep the log append-only.
func (a tamper) unguard() {
	if a.db.Engine() == "postgres" {
		a.exec("DROP TRIGGER audit_log_no_update ON audit_log")
		return
	}
	a.exec("DROP TRIGGER audit_log_no_update")
	a.exec("DROP TRIGGER audit_log_no_delete")
}

// rechain recomputes entries from seq from on with formula, marking them
// with hashKey, and moves the head to the new last hash.
func (a tamper) rechain(from int64, hashKey string, formula func(*sqlstore.AuditEntry) string) {
	a.t.Helper()
	es := entries(a.t, a.db)
	prev := ""
	for _, e := range es {
		if e.Seq < from {
			prev = e.Hash
			continue
		}
		e.PrevHash, e.HashKey = prev, hashKey
		e.Hash = formula(e)
		a.exec("UPDATE audit_log SET prev_hash = ?, hash = ?, hash_key = ? WHERE seq = ?", e.PrevHash, e.Hash, e.HashKey, e.Seq)
		prev = e.Hash
	}
	a.exec("UPDATE audit_head SET hash = ? WHERE id = 1", prev)
}

func verify(t *testing.T, db *sqlstore.DB, dir string) *sqlstore.AuditReport {
	t.Helper()
	rep, err := db.VerifyAuditChain(admin, sqlstore.AuditVerifyOptions{AnchorDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// wantIntact fails unless the chain verifies.
func wantIntact(t *testing.T, db *sqlstore.DB, dir string) *sqlstore.AuditReport {
	t.Helper()
	rep := verify(t, db, dir)
	if len(rep.Problems) > 0 {
		t.Fatalf("problems in an intact chain: %+v", rep.Problems)
	}
	return rep
}

// wantBreak fails unless verification reports a break first at seq, with
// an English text containing want and a Danish text.
func wantBreak(t *testing.T, db *sqlstore.DB, dir string, seq int64, want string) {
	t.Helper()
	rep := verify(t, db, dir)
	for _, p := range rep.Problems {
		if p.Seq == 0 {
			continue
		}
		if p.Seq != seq || !strings.Contains(p.Problem, want) || p.ProblemDA == "" || p.Message(nrm.LangDA) == p.Message(nrm.LangEN) {
			t.Fatalf("first break %d %q (%q), want entry %d %q; all: %+v", p.Seq, p.Problem, p.ProblemDA, seq, want, rep.Problems)
		}
		return
	}
	t.Fatalf("no break found, want entry %d %q; problems: %+v", seq, want, rep.Problems)
}

func anchorDir(t *testing.T) string { return filepath.Join(t.TempDir(), "anchors") }

func anchor(t *testing.T, db *sqlstore.DB, dir string) *sqlstore.AuditAnchor {
	t.Helper()
	a, err := db.AnchorAudit(admin, dir)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// New entries carry an HMAC under the current audit key, which the
// formula here reproduces only with that key.
func TestAuditChainIsKeyed(t *testing.T) {
	a1 := newAuditKey(t, "audit-1")
	eachAudit(t, func(tb testing.TB) *seal.Keyring { return auditRing(tb, a1) }, func(t *testing.T, dsn string, db *sqlstore.DB) {
		writeAudit(t, db, "AK-1", 5)
		for _, e := range entries(t, db) {
			if e.HashKey != "audit-1" || e.Hash != hmacFormula(a1.Bytes)(e) || e.Hash == sha256Formula(e) {
				t.Fatalf("entry %d: key %q, hash %s", e.Seq, e.HashKey, e.Hash)
			}
		}
		rep := wantIntact(t, db, "")
		if rep.Checked != 5 || rep.Keyed != 5 || rep.Unkeyed != 0 || rep.Unverified != 0 {
			t.Fatalf("report %+v", rep)
		}
		// Without the key file the links are checked, the keyed hashes
		// cannot be.
		keyless := openKeyless(t, dsn)
		if rep := wantIntact(t, keyless, ""); rep.Unverified != 5 {
			t.Fatalf("keyless report %+v", rep)
		}
		if _, err := keyless.AnchorAudit(admin, anchorDir(t)); err == nil {
			t.Fatal("anchored without the audit key")
		}
	})
}

// Rewriting an entry and recomputing the chain with the documented
// SHA-256 formula: as keyed hashes, as unkeyed entries after keyed ones,
// and as a wholly unkeyed chain in a database keyed from its start.
func TestAuditRewriteRecomputedWithSHA256(t *testing.T) {
	a1 := newAuditKey(t, "audit-1")
	for _, tc := range []struct {
		name    string
		from    int64
		hashKey string
		want    string
	}{
		{"keyed label", 3, "audit-1", "does not match its keyed hash"},
		{"unkeyed tail", 3, sqlstore.AuditUnkeyed, "not keyed although entry 1"},
		{"unkeyed chain", 1, sqlstore.AuditUnkeyed, "from its start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachAudit(t, func(tb testing.TB) *seal.Keyring { return auditRing(tb, a1) }, func(t *testing.T, dsn string, db *sqlstore.DB) {
				writeAudit(t, db, "RW-1", 6)
				dir := anchorDir(t)
				anchor(t, db, dir)
				a := tamper{t, db}
				a.unguard()
				a.exec("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = ?", tc.from)
				a.rechain(tc.from, tc.hashKey, sha256Formula)
				wantBreak(t, db, "", tc.from, tc.want)
				wantBreak(t, db, dir, tc.from, tc.want)
				if _, err := db.AnchorAudit(admin, dir); err == nil || !strings.Contains(err.Error(), "differs from the last anchor") {
					t.Fatalf("anchored a rewritten chain: %v", err)
				}
			})
		})
	}
	// Control: the same rewrite recomputed with the real key verifies, so
	// the formula here is the product's and the breaks above are the key's
	// doing. Only the anchor finds it.
	eachAudit(t, func(tb testing.TB) *seal.Keyring { return auditRing(tb, a1) }, func(t *testing.T, dsn string, db *sqlstore.DB) {
		writeAudit(t, db, "RW-2", 6)
		dir := anchorDir(t)
		anchor(t, db, dir)
		a := tamper{t, db}
		a.unguard()
		a.exec("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3")
		a.rechain(3, "audit-1", hmacFormula(a1.Bytes))
		wantIntact(t, db, "")
		wantBreak(t, db, dir, 6, "differs from the anchor")
	})
}

// A database upgraded from before audit keys may hold unkeyed entries, so
// a chain recomputed wholly with the SHA-256 formula passes the database
// alone; the anchor finds it.
func TestAuditUnkeyedRechainNeedsAnchor(t *testing.T) {
	eachAudit(t, sqltest.Keyring, func(t *testing.T, dsn string, db *sqlstore.DB) {
		writeAudit(t, db, "UP-1", 4)
		dir := anchorDir(t)
		anchor(t, db, dir)
		a := tamper{t, db}
		a.unguard()
		a.exec("UPDATE audit_log SET username = 'nobody' WHERE seq = 2")
		a.rechain(1, sqlstore.AuditUnkeyed, sha256Formula)
		wantIntact(t, db, "")
		wantBreak(t, db, dir, 4, "differs from the anchor")
	})
}

// Re-chaining with a guessed key: under the current key's id, or under an
// id the key file does not hold.
func TestAuditRechainGuessedKey(t *testing.T) {
	a1 := newAuditKey(t, "audit-1")
	guess := newAuditKey(t, "audit-1")
	for _, label := range []string{"audit-1", "audit-9"} {
		t.Run(label, func(t *testing.T) {
			eachAudit(t, func(tb testing.TB) *seal.Keyring { return auditRing(tb, a1) }, func(t *testing.T, dsn string, db *sqlstore.DB) {
				writeAudit(t, db, "GK-1", 5)
				a := tamper{t, db}
				a.unguard()
				a.exec("UPDATE audit_log SET remote = '203.0.113.9' WHERE seq = 2")
				a.rechain(2, label, hmacFormula(guess.Bytes))
				want := "does not match its keyed hash"
				if label != "audit-1" {
					want = "names an audit key that the key file does not hold"
				}
				wantBreak(t, db, "", 2, want)
			})
		})
	}
}

// Removing the newest entries and moving the head back leaves a chain
// that verifies by itself; the anchors find it, and no anchor is written
// over it.
func TestAuditTruncateAndMoveHead(t *testing.T) {
	eachAudit(t, sqltest.Keyring, func(t *testing.T, dsn string, db *sqlstore.DB) {
		writeAudit(t, db, "TR-1", 4)
		dir := anchorDir(t)
		anchor(t, db, dir)
		writeAudit(t, db, "TR-2", 4)
		if a := anchor(t, db, dir); a.Seq != 8 {
			t.Fatalf("anchor at %d, want 8", a.Seq)
		}
		es := entries(t, db)
		a := tamper{t, db}
		a.unguard()
		a.exec("DELETE FROM audit_log WHERE seq > 5")
		a.exec("UPDATE audit_head SET seq = 5, hash = ? WHERE id = 1", es[4].Hash)
		wantIntact(t, db, "")
		wantBreak(t, db, dir, 6, "entries from 6 on are missing")
		if _, err := db.AnchorAudit(admin, dir); err == nil || !strings.Contains(err.Error(), "ends at entry 5") {
			t.Fatalf("anchored a truncated chain: %v", err)
		}
		// Only the head moved back: the database shows it alone.
		db2 := openWithRing(t, sqltest.DSN(t, db.Engine()), sqltest.Keyring(t))
		writeAudit(t, db2, "TR-3", 3)
		tamper{t, db2}.exec("UPDATE audit_head SET seq = 2, hash = ? WHERE id = 1", entries(t, db2)[1].Hash)
		wantBreak(t, db2, "", 2, "head does not match")
	})
}

// Swapping two entries, left as they were or re-linked with a guessed
// key, breaks the chain where the first of them now stands.
func TestAuditReorder(t *testing.T) {
	guess := newAuditKey(t, seal.AuditLegacyKeyID)
	for _, relink := range []bool{false, true} {
		t.Run(fmt.Sprint("relink=", relink), func(t *testing.T) {
			eachAudit(t, sqltest.Keyring, func(t *testing.T, dsn string, db *sqlstore.DB) {
				writeAudit(t, db, "RO-1", 3)
				writeAudit(t, db, "RO-2", 3)
				dir := anchorDir(t)
				anchor(t, db, dir)
				a := tamper{t, db}
				a.unguard()
				a.exec("UPDATE audit_log SET seq = -1 WHERE seq = 3")
				a.exec("UPDATE audit_log SET seq = 3 WHERE seq = 4")
				a.exec("UPDATE audit_log SET seq = 4 WHERE seq = -1")
				want := "link to the previous entry is broken"
				if relink {
					a.rechain(3, seal.AuditLegacyKeyID, hmacFormula(guess.Bytes))
					want = "does not match its keyed hash"
				}
				wantBreak(t, db, "", 3, want)
				wantBreak(t, db, dir, 3, want)
			})
		})
	}
}

// Editing the anchor file: a changed number, a removed, reordered or
// re-signed anchor, an unreadable line, a removed file. Each is named by
// its line, and no anchor is appended after an edited last one.
func TestAuditAnchorFileEdited(t *testing.T) {
	guess := newAuditKey(t, seal.AuditLegacyKeyID)
	edits := []struct {
		name, want string
		line       int
		edit       func(lines []string) []string
	}{
		{"seq lowered", "signature does not match", 2, func(l []string) []string {
			l[1] = strings.Replace(l[1], `"seq":6`, `"seq":5`, 1)
			return l
		}},
		{"hash replaced", "signature does not match", 3, func(l []string) []string {
			var a sqlstore.AuditAnchor
			if err := json.Unmarshal([]byte(l[2]), &a); err != nil {
				panic(err) // the anchor file as written must read back
			}
			a.Hash = strings.Repeat("0", 64)
			b := must(json.Marshal(a))(t)
			l[2] = string(b)
			return l
		}},
		{"re-signed with a guessed key", "signature does not match", 2, func(l []string) []string {
			var a sqlstore.AuditAnchor
			if err := json.Unmarshal([]byte(l[1]), &a); err != nil {
				panic(err)
			}
			a.Seq = 5
			h := hmac.New(sha256.New, guess.Bytes)
			for _, s := range []string{"nrm audit anchor v1", "5", a.Hash, a.At.UTC().Format(time.RFC3339Nano), a.Key, a.Prev} {
				fmt.Fprintf(h, "%d:%s|", len(s), s)
			}
			a.MAC = hex.EncodeToString(h.Sum(nil))
			b := must(json.Marshal(a))(t)
			l[1] = string(b)
			return l
		}},
		{"anchor removed", "link to the anchor before it is broken", 2, func(l []string) []string { return append(l[:1], l[2:]...) }},
		{"anchors swapped", "link to the anchor before it is broken", 2, func(l []string) []string {
			l[1], l[2] = l[2], l[1]
			return l
		}},
		{"line garbled", "cannot be read", 2, func(l []string) []string {
			l[1] = l[1][:len(l[1])/2]
			return l
		}},
	}
	for _, tc := range edits {
		t.Run(tc.name, func(t *testing.T) {
			eachAudit(t, sqltest.Keyring, func(t *testing.T, dsn string, db *sqlstore.DB) {
				dir := anchorDir(t)
				for i := range 3 {
					writeAudit(t, db, "AF-"+strconv.Itoa(i), 3)
					anchor(t, db, dir)
				}
				wantIntact(t, db, dir)
				path := filepath.Join(dir, sqlstore.AnchorFileName)
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				lines := tc.edit(strings.Split(strings.TrimSpace(string(data)), "\n"))
				if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				rep := verify(t, db, dir)
				var found bool
				for _, p := range rep.Problems {
					if p.AnchorLine == tc.line && strings.Contains(p.Problem, tc.want) && strings.HasPrefix(p.Message(nrm.LangDA), "ankerfilen, linje "+strconv.Itoa(tc.line)) {
						found = true
					}
				}
				if !found {
					t.Fatalf("want line %d %q; problems %+v", tc.line, tc.want, rep.Problems)
				}
			})
		})
	}
	eachAudit(t, sqltest.Keyring, func(t *testing.T, dsn string, db *sqlstore.DB) {
		dir := anchorDir(t)
		writeAudit(t, db, "AF-9", 2)
		anchor(t, db, dir)
		path := filepath.Join(dir, sqlstore.AnchorFileName)
		data := must(os.ReadFile(path))(t)
		if err := os.WriteFile(path, []byte(strings.Replace(string(data), `"seq":2`, `"seq":1`, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AnchorAudit(admin, dir); err == nil || !strings.Contains(err.Error(), "does not verify") {
			t.Fatalf("appended after an edited anchor: %v", err)
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, db, dir); len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Problem, "holds no anchor file") {
			t.Fatalf("removed anchor file: %+v", rep.Problems)
		}
	})
}

// The anchor folder is private (0700), the file 0600; a folder open to
// others is refused.
func TestAuditAnchorFileModes(t *testing.T) {
	db := sqltest.MustOpenDB(t, "sqlite")
	writeAudit(t, db, "AM-1", 2)
	dir := anchorDir(t)
	a := anchor(t, db, dir)
	if a.Seq != 2 || a.Key != seal.AuditLegacyKeyID || a.Prev != "" {
		t.Fatalf("anchor %+v", a)
	}
	fi := must(os.Stat(dir))(t)
	ff := must(os.Stat(filepath.Join(dir, sqlstore.AnchorFileName)))(t)
	if fi.Mode().Perm() != 0o700 || ff.Mode().Perm() != 0o600 {
		t.Fatalf("modes %v %v", fi.Mode().Perm(), ff.Mode().Perm())
	}
	if b := anchor(t, db, dir); b.Prev != a.MAC || b.Seq != 2 {
		t.Fatalf("second anchor %+v", b)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AnchorAudit(admin, dir); err == nil || !strings.Contains(err.Error(), "open to other users") {
		t.Fatalf("anchored in an open folder: %v", err)
	}
	if _, err := db.AnchorAudit(actorCtx(nrm.RoleCaseworker, "CMM", ""), dir); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
		t.Fatalf("a caseworker anchored: %v", err)
	}
}

// After a rotation entries and anchors are keyed with the new audit key
// and those made with the older one still verify — as long as the key
// file keeps it.
func TestAuditKeyRotationKeepsOldEntries(t *testing.T) {
	a1, a2 := newAuditKey(t, "audit-1"), newAuditKey(t, "audit-2")
	eachAudit(t, func(tb testing.TB) *seal.Keyring { return auditRing(tb, a1) }, func(t *testing.T, dsn string, db *sqlstore.DB) {
		writeAudit(t, db, "KR-1", 3)
		dir := anchorDir(t)
		anchor(t, db, dir)
		rotated := auditRing(t, a1, a2)
		if _, err := db.RotateKeys(admin, rotated); err != nil {
			t.Fatal(err)
		}
		writeAudit(t, db, "KR-2", 3)
		if a := anchor(t, db, dir); a.Key != "audit-2" {
			t.Fatalf("anchor key %q", a.Key)
		}
		keys := map[string]int{}
		for _, e := range entries(t, db) {
			keys[e.HashKey]++
		}
		if keys["audit-1"] != 4 || keys["audit-2"] != 3 { // the rotation's own entry is keyed before the new ring takes over
			t.Fatalf("entries per key %v", keys)
		}
		if rep := wantIntact(t, db, dir); rep.Anchors != 2 || rep.Keyed != 7 {
			t.Fatalf("report %+v", rep)
		}
		reopened := openWithRing(t, dsn, auditRing(t, a1, a2))
		wantIntact(t, reopened, dir)
		// A key file that dropped the old audit key cannot vouch for its
		// entries.
		dropped := openWithRing(t, dsn, auditRing(t, a2))
		wantBreak(t, dropped, "", 1, "names an audit key that the key file does not hold")
	})
}

// Entries written before audit keys existed (under the previous schema,
// with the SHA-256 formula) stay verifiable after the migration, and the
// first keyed entry after them protects them.
func TestAuditEntriesFromBeforeTheKey(t *testing.T) {
	eachAudit(t, nil, func(t *testing.T, dsn string, db *sqlstore.DB) {
		// Entries as the previous version wrote them: hashed with
		// SHA-256, inserted without naming a key, so that the column's
		// default marks them as migration 00011 marks existing rows.
		a := tamper{t, db}
		prev := ""
		at := time.Date(2011, 3, 1, 9, 0, 0, 0, time.UTC)
		for seq := int64(1); seq <= 3; seq++ {
			e := &sqlstore.AuditEntry{Seq: seq, At: at, Username: "system", Role: "admin", Action: "case.read", Entity: "case", EntityID: "7", PrevHash: prev}
			e.Hash = sha256Formula(e)
			a.exec("INSERT INTO audit_log (seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash) VALUES (?, ?, 0, ?, ?, '', '', ?, ?, ?, '', ?, ?)",
				e.Seq, e.At, e.Username, e.Role, e.Action, e.Entity, e.EntityID, e.PrevHash, e.Hash)
			prev = e.Hash
		}
		a.exec("UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1", prev)

		// Upgraded, with a key file from before audit keys.
		db = openWithRing(t, dsn, sqltest.Keyring(t))
		writeAudit(t, db, "OLD-1", 2)
		es := entries(t, db)
		if es[0].HashKey != sqlstore.AuditUnkeyed || es[3].HashKey != seal.AuditLegacyKeyID {
			t.Fatalf("hash keys %q %q", es[0].HashKey, es[3].HashKey)
		}
		if rep := wantIntact(t, db, ""); rep.Unkeyed != 3 || rep.Keyed != 2 {
			t.Fatalf("report %+v", rep)
		}
		// An old entry rewritten with its part of the chain recomputed:
		// the first keyed entry no longer links to it.
		a = tamper{t, db}
		a.unguard()
		a.exec("UPDATE audit_log SET entity_id = '8' WHERE seq = 2")
		prev = es[0].Hash
		for _, e := range es[1:3] {
			e.EntityID = map[int64]string{2: "8", 3: e.EntityID}[e.Seq]
			e.PrevHash = prev
			e.Hash = sha256Formula(e)
			a.exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", e.PrevHash, e.Hash, e.Seq)
			prev = e.Hash
		}
		wantBreak(t, db, "", 4, "link to the previous entry is broken")
	})
}

// A process without the key file writes unkeyed entries; after keyed
// ones, verification with the key reports them.
func TestAuditUnkeyedAfterKeyed(t *testing.T) {
	eachAudit(t, sqltest.Keyring, func(t *testing.T, dsn string, db *sqlstore.DB) {
		writeAudit(t, db, "UK-1", 2)
		keyless := openKeyless(t, dsn)
		writeAudit(t, keyless, "UK-2", 1)
		wantBreak(t, db, "", 3, "not keyed although entry 1")
	})
}
