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

// RotateKeys re-seals every case's identifiers and every TOTP secret with
// the current key of newRing, in one audited transaction (administrators
// only). Values are opened with newRing or, failing that, with the
// database's present sealer, so newRing may hold the new key alone. After
// success the database seals with newRing, and keys other than its current
// one can be removed from the key file. It returns the number of values
// re-sealed.
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
	var cases, secrets int
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
			fmt.Sprintf("re-sealed the identifiers of %d cases and %d TOTP secrets", cases, secrets))
	})
	if err != nil {
		return 0, err
	}
	d.SetSealer(newRing)
	return cases + secrets, nil
}
