package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"nrm"
	"nrm/seal"
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
	// HashKey names the audit key whose HMAC-SHA-256 is Hash, or is
	// AuditUnkeyed for an entry hashed with plain SHA-256 (written before
	// audit keys existed, or by a process without the key file).
	HashKey string `json:"hash_key"`
}

// AuditUnkeyed is the HashKey of entries whose hash is plain SHA-256.
const AuditUnkeyed = "sha256"

// auditHash returns the entry's hash, which chains it to its predecessor:
// any edit, deletion or reordering of entries breaks every later link.
// With mac (an HMAC-SHA-256 with the key named HashKey) the key id is
// hashed first and only a key holder can recompute the chain; with mac nil
// it is the unkeyed SHA-256 of entries from before audit keys.
func (e *AuditEntry) auditHash(mac hash.Hash) string {
	h := mac
	if h == nil {
		h = sha256.New()
	} else {
		h.Reset()
		fmt.Fprintf(h, "%d:%s|", len(e.HashKey), e.HashKey)
	}
	for _, s := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.Role, e.Org, e.Remote, e.Action, e.Entity, e.EntityID, e.Detail} {
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// auditKeyring is implemented by sealers that hold audit keys
// (seal.Keyring). The keys never reach the database.
type auditKeyring interface {
	AuditKey() (string, []byte)
	AuditKeyByID(string) ([]byte, bool)
}

// auditKeys returns the sealer's audit keys, or nil without them.
func (d *DB) auditKeys() auditKeyring {
	if r, ok := d.sealer.(*seal.Keyring); ok && r == nil {
		return nil
	}
	k, _ := d.sealer.(auditKeyring)
	return k
}

// audit appends an entry in tx, recording the actor of ctx. The head row
// is updated in the same statement order on both engines, which serialises
// concurrent appenders (a row lock in PostgreSQL, the write lock in SQLite).
func (tx *Tx) audit(ctx context.Context, action, entity, entityID, detail string) error {
	return tx.auditEach([]*auditRequest{{ctx: ctx, action: action, entity: entity, entityID: entityID, detail: detail}})
}

// auditEach appends one entry per request in tx, chained in order, with
// two statements on the chain head for the whole group instead of two per
// entry (the batch writer of read audits, auditbatch.go). Entries are
// keyed with the current audit key; only a process without one (tools
// that open the database without the key file) writes unkeyed entries,
// which verification with the key reports after a keyed one.
func (tx *Tx) auditEach(batch []*auditRequest) error {
	ctx := context.Background()
	keyID, mac := AuditUnkeyed, hash.Hash(nil)
	if k := tx.db.auditKeys(); k != nil {
		var key []byte
		keyID, key = k.AuditKey()
		mac = hmac.New(sha256.New, key)
	}
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
			Remote: a.Remote, Action: r.action, Entity: r.entity, EntityID: r.entityID, Detail: r.detail, PrevHash: prev, HashKey: keyID}
		e.Hash = e.auditHash(mac)
		if _, err := tx.exec(ctx, auditInsertSQL,
			e.Seq, e.At, e.UserID, e.Username, e.Role, e.Org, e.Remote, e.Action, e.Entity, e.EntityID, e.Detail, e.PrevHash, e.Hash, e.HashKey); err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		prev = e.Hash
	}
	if _, err := tx.exec(ctx, "UPDATE audit_head SET hash = ? WHERE id = 1", prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

const auditInsertSQL = `INSERT INTO audit_log (seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash, hash_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const auditColumns = "seq, at, user_id, username, role, org, remote, action, entity, entity_id, detail, prev_hash, hash, hash_key"

func scanAudit(rows *sql.Rows) (*AuditEntry, error) {
	e := &AuditEntry{}
	err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.Role, &e.Org, &e.Remote, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash, &e.HashKey)
	return e, err
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity, EntityID, Username string
	// Action is an exact action ("case.read"), or a family when it ends
	// in a dot ("case.").
	Action string
	// From and To bound the entries' time: From inclusive, To exclusive.
	From, To time.Time
	// AfterSeq keeps the entries after a sequence number, BeforeSeq (when
	// not 0) those before one.
	AfterSeq, BeforeSeq int64
	// Newest lists the latest entries first.
	Newest bool
	Limit  int
}

// FindAudit lists audit entries in sequence order (the latest first with
// f.Newest).
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
	if a, ok := strings.CutSuffix(f.Action, "."); ok && a != "" {
		where, args = append(where, "action LIKE ? ESCAPE '\\'"), append(args, escapeLike(a)+".%")
	} else if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To.UTC())
	}
	where, args = append(where, "seq > ?"), append(args, f.AfterSeq)
	if f.BeforeSeq > 0 {
		where, args = append(where, "seq < ?"), append(args, f.BeforeSeq)
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 1000
	}
	order := " ORDER BY seq"
	if f.Newest {
		order = " ORDER BY seq DESC"
	}
	rows, err := d.query(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE "+
		strings.Join(where, " AND ")+order+" LIMIT "+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditProblem is one break in the chain, or in its anchors, found by
// verification. Seq is the entry where the chain breaks (0 for a fault of
// the anchor file alone, which AnchorLine then names).
type AuditProblem struct {
	Seq        int64  `json:"seq"`
	AnchorLine int    `json:"anchor_line,omitempty"`
	Problem    string `json:"problem"`    // in English
	ProblemDA  string `json:"problem_da"` // in Danish
}

// Message returns the problem in lang.
func (p AuditProblem) Message(lang nrm.Lang) string {
	if lang == nrm.LangEN || p.ProblemDA == "" {
		return p.Problem
	}
	return p.ProblemDA
}

// AuditReport is the outcome of VerifyAuditChain.
type AuditReport struct {
	// Checked counts the entries read, Keyed those with a keyed hash,
	// Unkeyed those with a plain SHA-256 one.
	Checked, Keyed, Unkeyed int64
	// Unverified counts keyed entries whose hash could not be checked
	// because the database was opened without the audit keys.
	Unverified int64
	// Anchors counts the valid anchors compared with the chain; Latest is
	// the newest of them.
	Anchors  int
	Latest   *AuditAnchor
	Problems []AuditProblem
}

// AuditVerifyOptions configures VerifyAuditChain.
type AuditVerifyOptions struct {
	// AnchorDir, if set, is the folder of the anchor file (AnchorAudit)
	// whose checkpoints the chain must match.
	AnchorDir string
}

// VerifyAudit walks the whole chain and reports every entry whose hash,
// predecessor link or sequence number is wrong, and a head that does not
// match the last entry (detecting deleted tail entries). It is
// VerifyAuditChain without anchors.
func (d *DB) VerifyAudit(ctx context.Context) (checked int64, problems []AuditProblem, err error) {
	r, err := d.VerifyAuditChain(ctx, AuditVerifyOptions{})
	if r == nil {
		return 0, nil, err
	}
	return r.Checked, r.Problems, err
}

// VerifyAuditChain walks the whole chain and checks each entry's sequence
// number, its link to the previous entry and its hash: keyed hashes with
// the audit key they name (entries made with older keys stay verifiable
// while the key file keeps them); an unkeyed entry after a keyed one, or
// in a database that has had an audit key from its start, is a rewrite.
// The head must match the last entry. Against the anchors of
// opt.AnchorDir it also finds what the database alone cannot show: a tail
// removed with the head moved back, or a chain recomputed as a whole.
func (d *DB) VerifyAuditChain(ctx context.Context, opt AuditVerifyOptions) (*AuditReport, error) {
	if !readsAudit(actorOf(ctx)) {
		return nil, forbidden()
	}
	keys := d.auditKeys()
	rep := &AuditReport{}
	var anchors []AuditAnchor
	if opt.AnchorDir != "" {
		if keys == nil {
			return nil, errAnchorNoKey
		}
		var err error
		anchors, rep.Problems, err = readAnchors(opt.AnchorDir, keys)
		if err != nil {
			return nil, err
		}
	}
	// want maps anchored sequence numbers to their anchors.
	want := map[int64][]*AuditAnchor{}
	for i := range anchors {
		want[anchors[i].Seq] = append(want[anchors[i].Seq], &anchors[i])
	}
	w := newChainWalker(keys, rep)
	rows, err := d.query(ctx, "SELECT "+auditColumns+" FROM audit_log ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return rep, err
		}
		w.check(e)
		for _, a := range want[e.Seq] {
			if a.Hash != e.Hash {
				w.problem(e.Seq, fmt.Sprintf("the entry differs from the anchor of %s (rewritten, reordered or the chain recomputed)", a.when()),
					fmt.Sprintf("posten afviger fra ankeret fra %s (omskrevet, flyttet eller kæden genberegnet)", a.when()))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	var headSeq int64
	var headHash string
	if err := d.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return rep, err
	}
	if headSeq != w.prevSeq || headHash != w.prevHash {
		w.problem(headSeq, "the chain head does not match the last entry (entries removed from the end)",
			"kædens hoved passer ikke med den sidste post (poster fjernet fra enden)")
	}
	var beyond *AuditAnchor
	for i := range anchors {
		if a := &anchors[i]; a.Seq > w.prevSeq && (beyond == nil || a.Seq > beyond.Seq) {
			beyond = a
		}
	}
	if beyond != nil {
		w.problem(w.prevSeq+1, fmt.Sprintf("entries from %d on are missing: the anchor of %s records entry %d, the log ends at entry %d (entries removed from the end)",
			w.prevSeq+1, beyond.when(), beyond.Seq, w.prevSeq),
			fmt.Sprintf("poster fra %d og frem mangler: ankeret fra %s registrerer post %d, loggen slutter ved post %d (poster fjernet fra enden)",
				w.prevSeq+1, beyond.when(), beyond.Seq, w.prevSeq))
	}
	rep.Anchors = len(anchors)
	if len(anchors) > 0 {
		rep.Latest = &anchors[len(anchors)-1]
	}
	return rep, nil
}

// chainWalker checks entries in sequence order.
type chainWalker struct {
	keys auditKeyring // nil: keyed hashes cannot be checked
	macs map[string]hash.Hash
	// unkeyedOK: unkeyed entries may precede the keyed ones (the keyring
	// holds the legacy audit key, or there is no keyring to tell).
	unkeyedOK         bool
	prevSeq, keyedSeq int64 // keyedSeq: the first keyed entry, 0 before it
	prevHash          string
	rep               *AuditReport
}

func newChainWalker(keys auditKeyring, rep *AuditReport) *chainWalker {
	w := &chainWalker{keys: keys, macs: map[string]hash.Hash{}, rep: rep, unkeyedOK: true}
	if keys != nil {
		_, w.unkeyedOK = keys.AuditKeyByID(seal.AuditLegacyKeyID)
	}
	return w
}

func (w *chainWalker) problem(seq int64, en, da string) {
	w.rep.Problems = append(w.rep.Problems, AuditProblem{Seq: seq, Problem: en, ProblemDA: da})
}

// check checks e against its predecessor and its hash.
func (w *chainWalker) check(e *AuditEntry) {
	w.rep.Checked++
	if e.Seq != w.prevSeq+1 {
		w.problem(e.Seq, fmt.Sprintf("sequence gap: expected entry %d", w.prevSeq+1),
			fmt.Sprintf("hul i nummereringen: post %d var ventet", w.prevSeq+1))
	}
	if e.PrevHash != w.prevHash {
		w.problem(e.Seq, "the link to the previous entry is broken (entry deleted, inserted or reordered)",
			"forbindelsen til den forrige post er brudt (post slettet, indsat eller flyttet)")
	}
	w.checkHash(e)
	w.prevHash, w.prevSeq = e.Hash, e.Seq
}

// checkHash checks e's own hash.
func (w *chainWalker) checkHash(e *AuditEntry) {
	if e.HashKey == AuditUnkeyed {
		w.rep.Unkeyed++
		switch {
		case w.keyedSeq > 0:
			w.problem(e.Seq, fmt.Sprintf("the entry is not keyed although entry %d before it is (rewritten without the audit key)", w.keyedSeq),
				fmt.Sprintf("posten er ikke beskyttet med revisionsnøglen, selv om post %d før den er (omskrevet uden nøglen)", w.keyedSeq))
		case !w.unkeyedOK:
			w.problem(e.Seq, "the entry is not keyed although this database has had an audit key from its start (rewritten without the audit key)",
				"posten er ikke beskyttet med revisionsnøglen, selv om databasen har haft nøglen fra starten (omskrevet uden nøglen)")
		case e.auditHash(nil) != e.Hash:
			w.problem(e.Seq, "the content does not match its hash (entry edited)", "indholdet passer ikke med postens kontrolsum (posten er ændret)")
		}
		return
	}
	w.rep.Keyed++
	if w.keyedSeq == 0 {
		w.keyedSeq = e.Seq
	}
	if w.keys == nil {
		w.rep.Unverified++
		return
	}
	mac, ok := w.macs[e.HashKey]
	if !ok {
		key, found := w.keys.AuditKeyByID(e.HashKey)
		if !found {
			w.problem(e.Seq, "the entry names an audit key that the key file does not hold (forged, or the key was removed from the key file)",
				"posten henviser til en revisionsnøgle, som nøglefilen ikke indeholder (forfalsket, eller nøglen er fjernet fra nøglefilen)")
			return
		}
		mac = hmac.New(sha256.New, key)
		w.macs[e.HashKey] = mac
	}
	if !hmac.Equal([]byte(e.auditHash(mac)), []byte(e.Hash)) {
		w.problem(e.Seq, "the content does not match its keyed hash (entry edited, or the chain recomputed without the audit key)",
			"indholdet passer ikke med postens nøglebaserede kontrolsum (posten er ændret, eller kæden er genberegnet uden revisionsnøglen)")
	}
}

// readsAudit reports whether the role may read the audit log: it names
// who looked at which case, so only administrators and auditors may.
func readsAudit(a *nrm.Actor) bool { return a.Role == nrm.RoleAdmin || a.Role == nrm.RoleAuditor }

// AuditCaseRefs returns the references of the cases that entries are
// about, by case id (entity "case", or a referral's "case N" detail), for
// showing the log with references instead of internal ids. Cases since
// deleted have none. Only the roles that read the log may ask.
func (d *DB) AuditCaseRefs(ctx context.Context, entries []*AuditEntry) (map[int64]string, error) {
	if !readsAudit(actorOf(ctx)) {
		return nil, forbidden()
	}
	var ids []any
	seen := map[int64]bool{}
	for _, e := range entries {
		if id := AuditCaseID(e); id > 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := d.query(ctx, "SELECT id, ref FROM cases WHERE id IN (?"+strings.Repeat(", ?", len(ids)-1)+")", ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, err
		}
		out[id] = ref
	}
	return out, rows.Err()
}

// AuditCaseID returns the id of the case an entry is about, or 0: the
// entity id of a case entry, or the case a referral entry names in its
// detail ("case 42").
func AuditCaseID(e *AuditEntry) int64 {
	if e.Entity == "case" {
		id, _ := strconv.ParseInt(e.EntityID, 10, 64)
		return id
	}
	if e.Entity == "referral" {
		if rest, ok := strings.CutPrefix(e.Detail, "case "); ok {
			n, _, _ := strings.Cut(rest, " ")
			id, _ := strconv.ParseInt(n, 10, 64)
			return id
		}
	}
	return 0
}

// AuditFields returns the fields a case change named in its entry's
// detail ("version 3; fields: gender, exits (added)"), or nil.
func AuditFields(e *AuditEntry) []string {
	_, list, ok := strings.Cut(e.Detail, "fields: ")
	if !ok {
		return nil
	}
	list, _, _ = strings.Cut(list, ";")
	var out []string
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
