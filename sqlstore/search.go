package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"nrm"
)

var _ nrm.SearchService = (*DB)(nil)

// The person search (design: keyed blind indexes). person_index holds,
// per case, the HMAC-SHA-256 of each blind term of its identifiers
// (nrm.BlindTerms) under the key file's current blind-index key, and the
// id of that key. It is rewritten with the identifiers — on create,
// update, correction and import — emptied when retention purges them,
// and rebuilt under a new key by RotateKeys. A search hashes the query's
// terms with the same key and looks the hashes up; the database never
// holds the identifiers in clear, and without the key file the hashes
// cannot be tested against guesses.

// blindKeyer is implemented by sealers that hold a blind-index key
// (seal.Keyring).
type blindKeyer interface{ BlindKey() (string, []byte) }

// blindHasher hashes blind terms under one key; not safe for concurrent
// use.
type blindHasher struct {
	keyID string
	mac   hash.Hash
}

// newBlindHasher returns a hasher for the current blind-index key of k,
// or nil when k holds none (statistics-only use without a key file).
func newBlindHasher(k any) *blindHasher {
	bk, ok := k.(blindKeyer)
	if !ok {
		return nil
	}
	id, key := bk.BlindKey()
	return &blindHasher{keyID: id, mac: hmac.New(sha256.New, key)}
}

func (h *blindHasher) sum(t nrm.BlindTerm) []byte {
	h.mac.Reset()
	h.mac.Write(t.Input())
	return h.mac.Sum(nil)
}

// personIndexRows returns the person_index rows of case id, four values
// each (case_id, kind, hmac, key_id).
func (h *blindHasher) personIndexRows(id int64, ids nrm.Identifiers) []any {
	if h == nil {
		return nil
	}
	terms := nrm.BlindTerms(ids)
	out := make([]any, 0, 4*len(terms))
	for _, t := range terms {
		out = append(out, id, string(t.Kind), h.sum(t), h.keyID)
	}
	return out
}

// writePersonIndex replaces the index rows of case id with those of ids
// under the current blind-index key of k.
func (tx *Tx) writePersonIndex(ctx context.Context, id int64, ids nrm.Identifiers, k any) error {
	if _, err := tx.exec(ctx, "DELETE FROM person_index WHERE case_id = ?", id); err != nil {
		return err
	}
	rows := newBlindHasher(k).personIndexRows(id, ids)
	if len(rows) == 0 {
		return nil
	}
	q := "INSERT INTO person_index (case_id, kind, hmac, key_id) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(rows)/4), ", ")
	_, err := tx.exec(ctx, q, rows...)
	return err
}

// indexCase writes the index rows of a case just stored (insertCase,
// replaceCase) with the database's key.
func (tx *Tx) indexCase(ctx context.Context, c *nrm.Case) error {
	return tx.writePersonIndex(ctx, c.ID, c.Identifiers, tx.db.sealer)
}

// indexSealed writes the index rows of case id from its identifiers in
// clear (the JSON the case row seals) under the key of k: used by the key
// rotation, which opens every case's identifiers anyway.
func (tx *Tx) indexSealed(ctx context.Context, id int64, plain []byte, k any) error {
	var ids nrm.Identifiers
	if err := json.Unmarshal(plain, &ids); err != nil {
		return fmt.Errorf("index identifiers of case %d: %w", id, err)
	}
	err := tx.writePersonIndex(ctx, id, ids, k)
	clear(ids.Aliases)
	clear(ids.DocumentNumbers)
	return err
}

// unindexCase removes the index rows of case id (retention purge).
func (tx *Tx) unindexCase(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "DELETE FROM person_index WHERE case_id = ?", id)
	return err
}

// SearchCases finds the cases the actor may see whose identifiers hold
// every term of q, by reference, at most nrm.MaxSearchHits. The search
// is audited with the kinds of the criteria and the number of hits; what
// was searched for is neither logged nor returned.
func (d *DB) SearchCases(ctx context.Context, q nrm.SearchQuery) ([]*nrm.SearchHit, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, forbidden()
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	h := newBlindHasher(d.sealer)
	if h == nil {
		return nil, &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	var hashes []any
	for _, t := range q.Terms() {
		hashes = append(hashes, h.sum(t))
	}
	vis, vargs := visibleSQL(a)
	args := append(append([]any{h.keyID}, hashes...), len(hashes))
	args = append(args, vargs...)
	rows, err := d.query(ctx, `SELECT c.id, c.ref, c.owner_org, c.gender, c.birth_year, c.nationality, c.residence_status,
		c.first_contact_date, c.closed_on FROM cases c
		WHERE c.id IN (SELECT case_id FROM person_index WHERE key_id = ? AND hmac IN (`+searchMarks(len(hashes))+`)
			GROUP BY case_id HAVING COUNT(DISTINCT hmac) = ?)
		AND `+vis+` ORDER BY c.ref LIMIT `+strconv.Itoa(nrm.MaxSearchHits), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []*nrm.SearchHit
	for rows.Next() {
		x := &nrm.SearchHit{}
		var by sql.NullInt64
		var nat sql.NullString
		if err := rows.Scan(&x.ID, &x.Ref, &x.OwnerOrg, &x.Gender, &by, &nat, &x.ResidenceStatus, &x.FirstContact, &x.ClosedOn); err != nil {
			return nil, err
		}
		x.BirthYear, x.Nationality = int(by.Int64), nat.String
		hits = append(hits, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	detail := fmt.Sprintf("searched by %s; %d hits", strings.Join(q.Kinds(), ", "), len(hits))
	if err := d.auditRead(ctx, "case.search", "case", "", detail); err != nil {
		return nil, err
	}
	return hits, nil
}

// searchMarks returns n comma-separated parameter marks.
func searchMarks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// duplicatePairsSQL finds, for the cases chosen by the condition on a
// (a.case_id = ? or a set), the other cases that may be about the same
// person: the same document number, or the same name (or alias) and the
// same birth date. A shared birth date alone, common among many cases, is
// looked up only for the pairs a name already joined.
const duplicatePairsSQL = `SELECT a.case_id, b.case_id FROM person_index a JOIN person_index b ON b.hmac = a.hmac AND b.case_id <> a.case_id
	WHERE a.kind = 'document' AND %[1]s
	UNION
	SELECT a.case_id, b.case_id FROM person_index a JOIN person_index b ON b.hmac = a.hmac AND b.case_id <> a.case_id
	WHERE a.kind = 'name' AND %[1]s AND EXISTS (SELECT 1 FROM person_index x JOIN person_index y ON y.hmac = x.hmac
		WHERE x.case_id = a.case_id AND x.kind = 'birth_date' AND y.case_id = b.case_id)`

// duplicatePairs returns, per case chosen by cond (on alias a, with its
// arguments given once), the ids of the other cases in every
// organisation that may be about the same person, ascending.
func duplicatePairs(ctx context.Context, tx *Tx, cond string, args ...any) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	err := each(ctx, tx, fmt.Sprintf(duplicatePairsSQL, cond), append(slices.Clone(args), args...), func(r *sql.Rows) error {
		var id, other int64
		if err := r.Scan(&id, &other); err != nil {
			return err
		}
		if !slices.Contains(out[id], other) {
			out[id] = append(out[id], other)
		}
		return nil
	})
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out, err
}

// duplicatesOf returns the ids of the other cases, in every organisation,
// that may be about the person of case id, ascending.
func duplicatesOf(ctx context.Context, tx *Tx, id int64) ([]int64, error) {
	m, err := duplicatePairs(ctx, tx, "a.case_id = ?", id)
	return m[id], err
}

// ownersOf returns the distinct owning organisations of the cases ids,
// sorted.
func ownersOf(ctx context.Context, q *Tx, ids []int64) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var orgs []string
	err := each(ctx, q, "SELECT DISTINCT owner_org FROM cases WHERE id IN ("+searchMarks(len(ids))+") ORDER BY owner_org", args,
		func(r *sql.Rows) error {
			var o string
			if err := r.Scan(&o); err != nil {
				return err
			}
			orgs = append(orgs, o)
			return nil
		})
	return orgs, err
}

// PossibleDuplicates returns, once per organisation, who holds other
// cases that may be about the person of case id (the same document
// number, or the same name and birth date), across every organisation:
// the organisation only, never the case. The case must be visible to the
// actor. A check that finds some is audited with event (where it ran:
// "registration", "referral", "import") and the organisations.
func (d *DB) PossibleDuplicates(ctx context.Context, id int64, event string) ([]nrm.PossibleDuplicate, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, forbidden()
	}
	vis, vargs := visibleSQL(a)
	var one int
	err := d.queryRow(ctx, "SELECT 1 FROM cases c WHERE c.id = ? AND "+vis, append([]any{id}, vargs...)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, caseNotFound()
	} else if err != nil {
		return nil, err
	}
	// The check reads in a read-only transaction (no write lock on
	// SQLite); only a notice is written, to the audit log.
	orgs, err := d.duplicateOrgs(ctx, id)
	if err != nil || len(orgs) == 0 {
		return nil, err
	}
	err = d.inTx(ctx, func(tx *Tx) error {
		return tx.audit(ctx, "case.possible_duplicate", "case", strconv.FormatInt(id, 10),
			fmt.Sprintf("%s: a possible existing case is held by %s", event, strings.Join(orgs, ", ")))
	})
	if err != nil {
		return nil, err
	}
	out := make([]nrm.PossibleDuplicate, len(orgs))
	for i, o := range orgs {
		out[i] = nrm.PossibleDuplicate{Org: o}
	}
	return out, nil
}

// duplicateOrgs returns the owners of the possible duplicates of case
// id, read in one read-only snapshot.
func (d *DB) duplicateOrgs(ctx context.Context, id int64) ([]string, error) {
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ids, err := duplicatesOf(ctx, tx, id)
	if err != nil {
		return nil, d.dialect.translate(err)
	}
	orgs, err := ownersOf(ctx, tx, ids)
	if err != nil {
		return nil, d.dialect.translate(err)
	}
	return orgs, tx.Commit()
}

// duplicateScanFactor: the person index is read whole when it holds at
// most this many rows per changed case (a variable for tests).
var duplicateScanFactor int64 = 8

// importTouchedMost reports whether the cases changed at or after since
// are many against the person index: the duplicate check then reads the
// index once in its order, instead of looking up each changed case's rows
// (which after a first import of 200,000 cases took ten times as long);
// for an import that adds a few cases to many, the lookups stay.
func importTouchedMost(ctx context.Context, tx *Tx, since any) (bool, error) {
	var changed, rows int64
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM cases WHERE updated_at >= ?", since).Scan(&changed); err != nil {
		return false, err
	}
	// Counted up to the bound only, so that the test costs no more than
	// either way of checking.
	bound := changed * duplicateScanFactor
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM person_index LIMIT ?) x", bound+1).Scan(&rows); err != nil {
		return false, err
	}
	return rows <= bound, nil
}

// ImportDuplicate is one line of an import's duplicate report: a case of
// the import and the organisations that may hold another case about the
// same person (never those cases).
type ImportDuplicate struct {
	CaseRef string   `json:"case_ref"`
	Orgs    []string `json:"orgs"`
}

// ImportDuplicates checks every case the actor may see that was created
// or changed at or after since (the start of an import) against every
// case of every organisation, and returns a line per case with possible
// duplicates, by reference. Each such case is audited like a duplicate
// notice at registration, with the event "import".
func (d *DB) ImportDuplicates(ctx context.Context, since time.Time) ([]ImportDuplicate, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, forbidden()
	}
	var out []ImportDuplicate
	err := d.inTx(ctx, func(tx *Tx) error {
		vis, vargs := visibleSQL(a)
		args := append([]any{since.UTC().Truncate(time.Millisecond)}, vargs...)
		cond := "a.case_id IN (SELECT c.id FROM cases c WHERE c.updated_at >= ? AND " + vis + ")"
		if wide, err := importTouchedMost(ctx, tx, args[0]); err != nil {
			return err
		} else if wide {
			cond = "EXISTS (SELECT 1 FROM cases c WHERE c.id = a.case_id AND c.updated_at >= ? AND " + vis + ")"
		}
		pairs, err := duplicatePairs(ctx, tx, cond, args...)
		if err != nil {
			return err
		}
		ids := slices.Sorted(maps.Keys(pairs))
		for _, id := range ids {
			orgs, err := ownersOf(ctx, tx, pairs[id])
			if err != nil {
				return err
			}
			var ref string
			if err := tx.queryRow(ctx, "SELECT ref FROM cases WHERE id = ?", id).Scan(&ref); err != nil {
				return err
			}
			out = append(out, ImportDuplicate{CaseRef: ref, Orgs: orgs})
			if err := tx.audit(ctx, "case.possible_duplicate", "case", strconv.FormatInt(id, 10),
				"import: a possible existing case is held by "+strings.Join(orgs, ", ")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(x, y ImportDuplicate) int { return strings.Compare(x.CaseRef, y.CaseRef) })
	return out, nil
}
