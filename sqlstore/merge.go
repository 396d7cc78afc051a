package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"nrm"
)

// referralTexts are the sealed columns of a referral, re-sealed with the
// kept case's reference when a merge moves the referral.
var referralTexts = []struct{ col, keyCol, purpose string }{
	{"reason", "reason_key", sealReferralReason},
	{"return_reason", "return_reason_key", sealReturnReason},
	{"revoke_reason", "revoke_reason_key", sealRevokeReason},
}

// MergeCases merges case other into case keep (administrators only): the
// facts and identifiers of both (nrm.MergeCases) are written to keep,
// other's consents, referrals, journal and documents move to keep (their
// sealed texts re-sealed with keep's reference), and other is deleted with
// its history, in one transaction audited with both references. The
// statistics then count the person once. Cases whose facts cannot both be
// true of one person, or whose merged facts do not validate, are refused
// with nrm.MergeConflictMessage.
func (d *DB) MergeCases(ctx context.Context, keepID, otherID int64) (*nrm.Case, error) {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return nil, forbidden()
	}
	var merged *nrm.Case
	err := d.inTx(ctx, func(tx *Tx) error {
		keep, err := tx.loadCase(ctx, "c.id = ?", keepID)
		if err != nil {
			return err
		}
		other, err := tx.loadCase(ctx, "c.id = ?", otherID)
		if err != nil {
			return err
		}
		var fe []nrm.FieldError
		if keep.PurgedAt != nil || other.PurgedAt != nil {
			fe = append(fe, nrm.FieldError{Field: "purged_at", Rule: nrm.RuleNotAllowed, Expected: "identifiers not yet removed by retention"})
		}
		if len(fe) > 0 {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: nrm.MergeConflictMessage, Fields: fe}
		}
		m, err := nrm.MergeCases(keep, other)
		if err != nil {
			return err
		}
		if err := m.Validate(nrm.DateOf(tx.now)); err != nil {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: nrm.MergeConflictMessage, Fields: nrm.FieldErrors(err)}
		}
		m.Normalize()
		if err := tx.moveMechanism(ctx, keep, other); err != nil {
			return err
		}
		if _, _, err := tx.moveCaseFileIDs(ctx, other.ID, keep.ID); err != nil {
			return err
		}
		if err := tx.replaceCase(ctx, m); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM person_index WHERE case_id = ?", otherID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM cases WHERE id = ?", otherID); err != nil {
			return err
		}
		detail := fmt.Sprintf("merged case %s (id %d) into case %s (id %d)", other.Ref, other.ID, keep.Ref, keep.ID)
		if err := tx.audit(ctx, "case.merge", "case", strconv.FormatInt(keep.ID, 10), detail); err != nil {
			return err
		}
		if err := tx.recordVersion(ctx, m, "case.merge", "", nil); err != nil {
			return err
		}
		merged = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return merged, nil
}

// moveMechanism moves other's consents and referrals to keep, re-sealing
// the referrals' reasons with keep's reference.
func (tx *Tx) moveMechanism(ctx context.Context, keep, other *nrm.Case) error {
	if _, err := tx.exec(ctx, "UPDATE consents SET case_id = ? WHERE case_id = ?", keep.ID, other.ID); err != nil {
		return err
	}
	type sealedText struct {
		id    int64
		value []byte
		key   sql.NullString
	}
	for _, t := range referralTexts {
		var batch []sealedText
		if err := each(ctx, tx, "SELECT id, "+t.col+", "+t.keyCol+" FROM referrals WHERE case_id = ? AND "+t.col+" IS NOT NULL",
			[]any{other.ID}, func(r *sql.Rows) error {
				var s sealedText
				if err := r.Scan(&s.id, &s.value, &s.key); err != nil {
					return err
				}
				batch = append(batch, s)
				return nil
			}); err != nil {
			return err
		}
		for _, s := range batch {
			text, err := tx.db.openText(other.Ref, t.purpose, s.value, s.key)
			if err != nil {
				return err
			}
			ct, key, err := tx.db.sealText(keep.Ref, t.purpose, text)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE referrals SET "+t.col+" = ?, "+t.keyCol+" = ? WHERE id = ?", ct, key, s.id); err != nil {
				return err
			}
		}
	}
	_, err := tx.exec(ctx, "UPDATE referrals SET case_id = ? WHERE case_id = ?", keep.ID, other.ID)
	return err
}
