package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"nrm"
)

// AuditEntry is one row of the append-only, hash-chained audit log.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Role     string    `json:"role"`
	Org      string    `json:"org"`
	Remote   string    `json:"remote"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entity_id"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// computeHash chains the entry to its predecessor: any edit, deletion or
// reordering of entries breaks every later hash.
func (e *AuditEntry) computeHash() string {
	h := sha256.New()
	for _, s := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.Role, e.Org, e.Remote, e.Action, e.Entity, e.EntityID, e.Detail} {
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends an entry in tx, recording the actor of ctx. The head row
// is updated in the same statement order on both engines, which serialises
// concurrent appenders (a row lock in PostgreSQL, the write lock in SQLite).
func (tx *Tx) audit(ctx context.Context, action, entity, entityID, detail string) error {
	return tx.auditEach([]*auditRequest{{ctx: ctx, action: action, entity: entity, entityID: entityID, detail: detail}})
}

// auditEach appends one entry per request in tx, chained in order, with
// two statements on the chain head for the whole group instead of two per
// entry (the batch writer of read audits, auditbatch.go).
func (tx *Tx) auditEach(batch []*auditRequest) error {
	ctx := context.Background()
	var last int64
	var prev string
	if err := tx.queryRow(ctx, "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, hash", len(batch)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	seq := last - int64(len(batch))
	for _, r := range batch {
		a := nrm.ActorFromContext(r.ctx)
		if a == nil {
			a = nrm.SystemActor
		}
		seq++
		e := &AuditEntry{Seq: seq, At: tx.now, UserID: a.UserID, Username: a.Username, Role: string(a.Role), Org: a.Org,
			Remote: a.Remote, Action: r.action, Entity: r.entity, EntityID: r.entityID, Detail: r.detail, PrevHash: prev}
		e.Hash = e.computeHash()
		if _, err := tx.exec(ctx, auditInsertSQL,
			e.Seq, e.At, e.UserID, e.Username, e.Role, e.Org, e.Remote, e.Action, e.Entity, e.EntityID, e.Detail, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		prev = e.Hash
	}
	if _, err := tx.exec(ctx, "UPDATE audit_head SET hash = ? WHERE id = 1", prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

const auditInsertSQL = `INSERT INTO audit_log (seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity, EntityID, Username string
	AfterSeq                   int64
	Limit                      int
}

// FindAudit lists audit entries in sequence order.
func (d *DB) FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error) {
	if !readsAudit(actorOf(ctx)) {
		return nil, forbidden()
	}
	var where []string
	var args []any
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	if f.EntityID != "" {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	if f.Username != "" {
		where, args = append(where, "username = ?"), append(args, f.Username)
	}
	where, args = append(where, "seq > ?"), append(args, f.AfterSeq)
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 1000
	}
	rows, err := d.query(ctx, "SELECT seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash FROM audit_log WHERE "+
		strings.Join(where, " AND ")+" ORDER BY seq LIMIT "+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AuditEntry
	for rows.Next() {
		e := &AuditEntry{}
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.Role, &e.Org, &e.Remote, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditProblem is one break in the chain found by VerifyAudit.
type AuditProblem struct {
	Seq     int64  `json:"seq"`
	Problem string `json:"problem"`
}

// VerifyAudit walks the whole chain and reports every entry whose hash,
// predecessor link or sequence number is wrong, and a head that does not
// match the last entry (detecting deleted tail entries).
func (d *DB) VerifyAudit(ctx context.Context) (checked int64, problems []AuditProblem, err error) {
	if !readsAudit(actorOf(ctx)) {
		return 0, nil, forbidden()
	}
	rows, err := d.query(ctx, "SELECT seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	prevHash, prevSeq := "", int64(0)
	for rows.Next() {
		e := &AuditEntry{}
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.Role, &e.Org, &e.Remote, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return checked, problems, err
		}
		checked++
		if e.Seq != prevSeq+1 {
			problems = append(problems, AuditProblem{e.Seq, fmt.Sprintf("sequence gap: expected %d", prevSeq+1)})
		}
		if e.PrevHash != prevHash {
			problems = append(problems, AuditProblem{e.Seq, "link to the previous entry is broken (entry deleted, inserted or reordered)"})
		}
		if e.computeHash() != e.Hash {
			problems = append(problems, AuditProblem{e.Seq, "content does not match its hash (entry edited)"})
		}
		prevHash, prevSeq = e.Hash, e.Seq
	}
	if err := rows.Err(); err != nil {
		return checked, problems, err
	}
	var headSeq int64
	var headHash string
	if err := d.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return checked, problems, err
	}
	if headSeq != prevSeq || headHash != prevHash {
		problems = append(problems, AuditProblem{headSeq, "the chain head does not match the last entry (entries removed from the end)"})
	}
	return checked, problems, nil
}

// readsAudit reports whether the role may read the audit log: it names
// who looked at which case, so only administrators and auditors may.
func readsAudit(a *nrm.Actor) bool { return a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAuditor }
