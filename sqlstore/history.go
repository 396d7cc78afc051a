package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"nrm"
)

var _ nrm.HistoryService = (*DB)(nil)

// sealText encrypts free text about the person (decision reasons,
// reconsideration grounds, referral reasons) with the case reference and
// the column's purpose as additional data, so that a sealed value cannot
// be moved to another case or column. Empty text is stored as NULL.
func (d *DB) sealText(ref, purpose, text string) ([]byte, any, error) {
	if text == "" {
		return nil, nil, nil
	}
	if d.sealer == nil {
		return nil, nil, &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	ct, keyID, err := d.sealer.Seal([]byte(text), textAAD(ref, purpose))
	if err != nil {
		return nil, nil, err
	}
	return ct, keyID, nil
}

// openText decrypts a value sealed by sealText; NULL opens as "".
func (d *DB) openText(ref, purpose string, sealed []byte, keyID sql.NullString) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	if d.sealer == nil {
		return "", &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	pt, err := d.sealer.Open(sealed, textAAD(ref, purpose), keyID.String)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", purpose, err)
	}
	return string(pt), nil
}

// Purposes of sealed text columns (the additional data of their seal).
const (
	sealDecisionReasons = "assessments.reasons"
	sealGrounds         = "reconsiderations.grounds"
	sealReferralReason  = "referrals.reason"
	sealReturnReason    = "referrals.return_reason"
	sealRevokeReason    = "referrals.revoke_reason"
	sealReopenReason    = "reopenings.reason"
	sealSnapshot        = "case_versions.snapshot"
)

func textAAD(ref, purpose string) []byte { return []byte(ref + "\x00" + purpose) }

// snapshot is what a case version stores, sealed: the case as it was
// after the change and the reason given for it.
type snapshot struct {
	Reason string    `json:"reason,omitempty"`
	Case   *nrm.Case `json:"case"`
}

// recordVersion stores c (as written, with its new version number) in the
// case history, in the same transaction as the change: the action
// ("case.create", "case.update", "case.correct", "referral.accept", …),
// the reason for a correction, and the names of the fields that changed.
// The snapshot is sealed: it holds identifiers.
func (tx *Tx) recordVersion(ctx context.Context, c *nrm.Case, action, reason string, fields []string) error {
	a := actorOf(ctx)
	// Without a key (a database opened for statistics or tests only) the
	// version keeps who, when and which fields, but no snapshot: it would
	// hold identifiers and reasons in clear.
	var ct []byte
	var keyID any
	if tx.db.sealer != nil {
		pt, err := json.Marshal(snapshot{Reason: reason, Case: c})
		if err != nil {
			return err
		}
		ct, keyID, err = tx.db.sealText(c.Ref, sealSnapshot, string(pt))
		clear(pt)
		if err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO case_versions (case_id, version, at, user_id, username, org, action, fields, snapshot, key_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Version, tx.now, a.UserID, a.Username, a.Org, action, strings.Join(fields, ";"), ct, keyID)
	return err
}

// CaseHistory returns the stored versions of a case the actor may see,
// oldest first, each with the case as it then was. Reading the history is
// audited like reading the case.
func (d *DB) CaseHistory(ctx context.Context, caseID int64) ([]*nrm.CaseVersion, error) {
	if _, err := d.FindCaseByID(ctx, caseID); err != nil {
		return nil, err
	}
	var out []*nrm.CaseVersion
	var ref string
	if err := d.queryRow(ctx, "SELECT ref FROM cases WHERE id = ?", caseID).Scan(&ref); err != nil {
		return nil, err
	}
	rows, err := d.query(ctx, `SELECT version, at, username, org, action, fields, snapshot, key_id
		FROM case_versions WHERE case_id = ? ORDER BY version`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v := &nrm.CaseVersion{}
		var fields string
		var sealed []byte
		var keyID sql.NullString
		if err := rows.Scan(&v.Version, &v.At, &v.Username, &v.Org, &v.Action, &fields, &sealed, &keyID); err != nil {
			return nil, err
		}
		if fields != "" {
			v.Fields = strings.Split(fields, ";")
		}
		pt, err := d.openText(ref, sealSnapshot, sealed, keyID)
		if err != nil {
			return nil, err
		}
		if pt != "" {
			var s snapshot
			if err := json.Unmarshal([]byte(pt), &s); err != nil {
				return nil, fmt.Errorf("case %d version %d: %w", caseID, v.Version, err)
			}
			v.Reason, v.Case = s.Reason, s.Case
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, d.auditRead(ctx, "case.history", "case", strconv.FormatInt(caseID, 10), "")
}
