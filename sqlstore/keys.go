package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"nrm"
	"nrm/seal"
)

// rotateBatch is how many cases are re-sealed per query page, so that
// memory stays bounded on large databases.
const rotateBatch = 500

// RotateKeys re-seals every case's identifiers, its sealed free text
// (decision reasons, reconsideration grounds, referral reasons), its
// history snapshots and every TOTP secret with
// the current key of newRing, in one audited transaction (administrators
// only). Values are opened with newRing or, failing that, with the
// database's present sealer, so newRing may hold the new key alone. After
// success the database seals with newRing, and keys other than its current
// one can be removed from the key file. It returns the number of case
// identifier records and TOTP secrets re-sealed; the audit entry counts
// the sealed texts too.
func (d *DB) RotateKeys(ctx context.Context, newRing *seal.Keyring) (int, error) {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return 0, forbidden()
	}
	if newRing == nil {
		return 0, errors.New("rotate keys: no new keyring")
	}
	old := d.sealer
	open := func(ct, aad []byte, keyID string) ([]byte, error) {
		pt, err := newRing.Open(ct, aad, keyID)
		if err != nil && old != nil {
			pt, err = old.Open(ct, aad, keyID)
		}
		return pt, err
	}
	var cases, secrets, texts int
	err := d.inTx(ctx, func(tx *Tx) error {
		type sealed struct {
			id    int64
			aad   []byte
			value []byte
			keyID sql.NullString
		}
		// page reads one batch; rows are closed before the updates, which
		// PostgreSQL requires on a single connection.
		page := func(q string, args ...any) ([]sealed, error) {
			rows, err := tx.query(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []sealed
			for rows.Next() {
				var s sealed
				var aad string
				if err := rows.Scan(&s.id, &aad, &s.value, &s.keyID); err != nil {
					return nil, err
				}
				s.aad = []byte(aad)
				out = append(out, s)
			}
			return out, rows.Err()
		}
		// The person search index is rebuilt under the new blind-index
		// key, from the identifiers opened below.
		if _, err := tx.exec(ctx, "DELETE FROM person_index"); err != nil {
			return err
		}
		for after := int64(0); ; {
			batch, err := page("SELECT id, ref, identifiers, key_id FROM cases WHERE identifiers IS NOT NULL AND id > ? ORDER BY id LIMIT "+
				strconv.Itoa(rotateBatch), after)
			if err != nil {
				return err
			}
			for _, s := range batch {
				pt, err := open(s.value, s.aad, s.keyID.String)
				if err != nil {
					return fmt.Errorf("rotate keys: open identifiers of case %d: %w", s.id, err)
				}
				ct, keyID, err := newRing.Seal(pt, s.aad)
				if err == nil {
					err = tx.indexSealed(ctx, s.id, pt, newRing)
				}
				clear(pt)
				if err != nil {
					return err
				}
				if _, err := tx.exec(ctx, "UPDATE cases SET identifiers = ?, key_id = ? WHERE id = ?", ct, keyID, s.id); err != nil {
					return err
				}
				cases++
				after = s.id
			}
			if len(batch) < rotateBatch {
				break
			}
		}
		// The sealed free text about the person and the case history,
		// sealed with the case reference and the column's purpose.
		for _, t := range sealedTexts {
			n, err := tx.resealTexts(ctx, t, open, newRing)
			if err != nil {
				return err
			}
			texts += n
		}
		users, err := page("SELECT id, '', totp_secret, totp_key_id FROM users WHERE totp_secret IS NOT NULL ORDER BY id")
		if err != nil {
			return err
		}
		for _, s := range users {
			aad := totpAAD(s.id)
			pt, err := open(s.value, aad, s.keyID.String)
			if err != nil {
				return fmt.Errorf("rotate keys: open TOTP secret of user %d: %w", s.id, err)
			}
			ct, keyID, err := newRing.Seal(pt, aad)
			clear(pt)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE users SET totp_secret = ?, totp_key_id = ? WHERE id = ?", ct, keyID, s.id); err != nil {
				return err
			}
			secrets++
		}
		return tx.audit(ctx, "keys.rotate", "keys", newRing.CurrentID(),
			fmt.Sprintf("re-sealed the identifiers of %d cases, %d sealed texts and versions, and %d TOTP secrets", cases, texts, secrets))
	})
	if err != nil {
		return 0, err
	}
	d.SetSealer(newRing)
	return cases + secrets, nil
}

// sealedText is a column sealed by sealText: its table, the column and
// the column of its key id, the purpose in its additional data, and the
// expressions of a unique, ordered key for paging (two, so that
// case_versions, keyed by case and version, fits).
type sealedText struct {
	table, col, keyCol, purpose string
	k1, k2                      string
}

var sealedTexts = []sealedText{
	{"assessments", "reasons", "reasons_key", sealDecisionReasons, "id", "id"},
	{"reconsiderations", "grounds", "grounds_key", sealGrounds, "id", "id"},
	{"referrals", "reason", "reason_key", sealReferralReason, "id", "id"},
	{"referrals", "return_reason", "return_reason_key", sealReturnReason, "id", "id"},
	{"referrals", "revoke_reason", "revoke_reason_key", sealRevokeReason, "id", "id"},
	{"reopenings", "reason", "reason_key", sealReopenReason, "id", "id"},
	{"case_versions", "snapshot", "key_id", sealSnapshot, "case_id", "version"},
}

// resealTexts re-seals one sealed text column with newRing, a page at a
// time, and returns the number of values re-sealed.
func (tx *Tx) resealTexts(ctx context.Context, t sealedText, open func(ct, aad []byte, keyID string) ([]byte, error), newRing *seal.Keyring) (int, error) {
	type row struct {
		k1, k2 int64
		ref    string
		value  []byte
		keyID  sql.NullString
	}
	q := "SELECT t." + t.k1 + ", t." + t.k2 + ", c.ref, t." + t.col + ", t." + t.keyCol + " FROM " + t.table + " t JOIN cases c ON c.id = t.case_id" +
		" WHERE t." + t.col + " IS NOT NULL AND (t." + t.k1 + ", t." + t.k2 + ") > (?, ?) ORDER BY t." + t.k1 + ", t." + t.k2 + " LIMIT " + strconv.Itoa(rotateBatch)
	update := "UPDATE " + t.table + " SET " + t.col + " = ?, " + t.keyCol + " = ? WHERE " + t.k1 + " = ? AND " + t.k2 + " = ?"
	n := 0
	var after1, after2 int64
	for {
		var batch []row
		if err := each(ctx, tx, q, []any{after1, after2}, func(r *sql.Rows) error {
			var x row
			if err := r.Scan(&x.k1, &x.k2, &x.ref, &x.value, &x.keyID); err != nil {
				return err
			}
			batch = append(batch, x)
			return nil
		}); err != nil {
			return n, err
		}
		for _, x := range batch {
			aad := textAAD(x.ref, t.purpose)
			pt, err := open(x.value, aad, x.keyID.String)
			if err != nil {
				return n, fmt.Errorf("rotate keys: open %s (row %d/%d): %w", t.purpose, x.k1, x.k2, err)
			}
			ct, keyID, err := newRing.Seal(pt, aad)
			clear(pt)
			if err != nil {
				return n, err
			}
			if _, err := tx.exec(ctx, update, ct, keyID, x.k1, x.k2); err != nil {
				return n, err
			}
			n++
			after1, after2 = x.k1, x.k2
		}
		if len(batch) < rotateBatch {
			return n, nil
		}
	}
}
