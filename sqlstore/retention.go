package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"nrm"
)

// retentionCutoff returns the date before which a case's last exit must
// lie for its identifiers to be purged: years before today.
func retentionCutoff(years int, today nrm.Date) nrm.Date {
	return nrm.NewDate(today.Year()-years, today.Month(), today.Day())
}

func checkRetention(ctx context.Context, years int, today nrm.Date) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	var fe []nrm.FieldError
	if years < 1 || years > 100 {
		fe = append(fe, nrm.FieldError{Field: "years", Rule: nrm.RuleRange, Value: strconv.Itoa(years), Expected: "1-100"})
	}
	if today.IsZero() {
		fe = append(fe, nrm.FieldError{Field: "today", Rule: nrm.RuleRequired})
	}
	if len(fe) > 0 {
		return &nrm.Error{Code: nrm.EINVALID, Message: "The retention period is not valid.", Fields: fe}
	}
	return nil
}

const retentionWhere = "purged_at IS NULL AND closed_on IS NOT NULL AND closed_on < ?"

// RetentionCandidates counts the cases ApplyRetention would purge now
// (administrators only), for a dry run.
func (d *DB) RetentionCandidates(ctx context.Context, years int, today nrm.Date) (int, error) {
	if err := checkRetention(ctx, years, today); err != nil {
		return 0, err
	}
	var n int
	err := d.queryRow(ctx, "SELECT COUNT(*) FROM cases WHERE "+retentionWhere, retentionCutoff(years, today)).Scan(&n)
	return n, err
}

// ApplyRetention purges the direct identifiers, the sealed free text
// (decision reasons, reconsideration grounds, referral reasons) and the
// history snapshots of every case whose last exit lies more than years
// years before today (administrators only), in
// one transaction with one audit entry per case. Statistics do not change:
// they read only the clear attributes and the derived per-case facts
// (identified_age was computed from the birth date when it was known),
// which stay. A purged case keeps its purged_at, and later updates cannot
// store identifiers on it again.
func (d *DB) ApplyRetention(ctx context.Context, years int, today nrm.Date) (purged int, err error) {
	if err := checkRetention(ctx, years, today); err != nil {
		return 0, err
	}
	cutoff := retentionCutoff(years, today)
	err = d.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT id FROM cases WHERE "+retentionWhere+" ORDER BY id", cutoff)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		detail := fmt.Sprintf("identifiers purged: last exit before %s (retention %d years from %s)", cutoff, years, today)
		for _, id := range ids {
			res, err := tx.exec(ctx, "UPDATE cases SET identifiers = NULL, key_id = NULL, purged_at = ? WHERE id = ? AND purged_at IS NULL", tx.now, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				continue
			}
			// The person search no longer finds the case.
			if err := tx.unindexCase(ctx, id); err != nil {
				return err
			}
			// The sealed free text about the person goes too, and so do
			// the history's snapshots (they hold the identifiers); the
			// versions themselves stay, with who changed what and when.
			for _, t := range sealedTexts {
				if _, err := tx.exec(ctx, "UPDATE "+t.table+" SET "+t.col+" = NULL, "+t.keyCol+" = NULL WHERE case_id = ?", id); err != nil {
					return err
				}
			}
			// The case's journal and documents go with the identifiers.
			entries, docs, err := tx.purgeCaseFile(ctx, id)
			if err != nil {
				return err
			}
			// The content hash covers the birth date among attributes
			// stored in clear, so trying every date would recover it:
			// recompute it without. A bundle exported after the purge then
			// re-imports as unchanged.
			c, err := tx.loadCase(ctx, "c.id = ?", id)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE cases SET content_hash = ? WHERE id = ?", tx.db.contentHash(c), id); err != nil {
				return err
			}
			if err := tx.audit(ctx, "case.purge", "case", strconv.FormatInt(id, 10),
				detail+fmt.Sprintf("; %d journal entries and %d documents deleted", entries, docs)); err != nil {
				return err
			}
			purged++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return purged, nil
}
