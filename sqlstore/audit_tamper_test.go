package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// The kinds of tampering with the audit log that audit_chain_test.go
// leaves out — an entry edited or deleted without recomputing anything,
// entries cut from the end with the head left alone, a head moved forward
// or pointed at another entry, an entry appended by hand — each checked
// for exactly the problems it must raise, so that every check of the
// verifier (content, link, sequence, head) is needed by some case.

// problemList renders the problems as "seq: text" in order.
func problemList(rep *sqlstore.AuditReport) []string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, fmt.Sprintf("%d: %s", p.Seq, p.Problem))
	}
	return out
}

// wantProblems fails unless the problems are exactly want: one "seq:
// text fragment" per problem, in order.
func wantProblems(t *testing.T, db *sqlstore.DB, want ...string) {
	t.Helper()
	got := problemList(verify(t, db, ""))
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		seq, frag, _ := strings.Cut(want[i], ": ")
		ok = strings.HasPrefix(got[i], seq+": ") && strings.Contains(got[i], frag)
	}
	if !ok {
		t.Fatalf("problems\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestAuditTamperingKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		// keyless: the database has no key file, so that its entries are
		// unkeyed (plain SHA-256), as in a database from before audit
		// keys.
		keyless bool
		tamper  func(a tamper, es []*sqlstore.AuditEntry)
		want    []string
	}{
		{"keyed entry edited", false, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("UPDATE audit_log SET detail = 'edited' WHERE seq = 3")
		}, []string{"3: does not match its keyed hash"}},
		{"unkeyed entry edited", true, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("UPDATE audit_log SET username = 'someone else' WHERE seq = 3")
		}, []string{"3: content does not match its hash (entry edited)"}},
		{"entry deleted", false, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("DELETE FROM audit_log WHERE seq = 3")
		}, []string{"4: sequence gap: expected entry 3", "4: link to the previous entry is broken"}},
		{"entry deleted and the rest re-linked", true, func(a tamper, es []*sqlstore.AuditEntry) {
			// Possible without a key only in an unkeyed chain; the
			// numbering still shows the gap.
			a.exec("DELETE FROM audit_log WHERE seq = 3")
			a.rechain(4, sqlstore.AuditUnkeyed, sha256Formula)
		}, []string{"4: sequence gap: expected entry 3"}},
		{"entries cut from the end, head left", false, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("DELETE FROM audit_log WHERE seq > 4")
		}, []string{"6: head does not match the last entry"}},
		{"head moved forward", false, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("UPDATE audit_head SET seq = 9 WHERE id = 1")
		}, []string{"9: head does not match the last entry"}},
		{"head pointed at another entry's hash", false, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("UPDATE audit_head SET hash = ? WHERE id = 1", es[3].Hash)
		}, []string{"6: head does not match the last entry"}},
		{"entry appended by hand", false, func(a tamper, es []*sqlstore.AuditEntry) {
			// Linked to the last entry and hashed with the documented
			// formula, but without the key.
			e := *es[len(es)-1]
			e.Seq, e.PrevHash, e.Detail, e.HashKey = e.Seq+1, e.Hash, "forged", seal.AuditLegacyKeyID
			e.Hash = sha256Formula(&e)
			a.exec(`INSERT INTO audit_log (seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash, hash_key)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At, e.UserID, e.Username, e.Role, e.Org, e.Remote, e.Action, e.Entity, e.EntityID, e.Detail, e.PrevHash, e.Hash, e.HashKey)
			a.exec("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", e.Seq, e.Hash)
		}, []string{"7: does not match its keyed hash"}},
		{"two entries swapped", true, func(a tamper, es []*sqlstore.AuditEntry) {
			a.exec("UPDATE audit_log SET seq = -1 WHERE seq = 2")
			a.exec("UPDATE audit_log SET seq = 2 WHERE seq = 3")
			a.exec("UPDATE audit_log SET seq = 3 WHERE seq = -1")
		}, []string{"2: link to the previous entry is broken", "2: content does not match its hash", "3: link to the previous entry is broken",
			"3: content does not match its hash", "4: link to the previous entry is broken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ring := sqltest.Keyring
			if tc.keyless {
				ring = nil
			}
			eachAudit(t, ring, func(t *testing.T, dsn string, db *sqlstore.DB) {
				writeAudit(t, db, "TK-1", 6)
				wantIntact(t, db, "")
				a := tamper{t, db}
				a.unguard()
				tc.tamper(a, entries(t, db))
				wantProblems(t, db, tc.want...)
			})
		})
	}
}
