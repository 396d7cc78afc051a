package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"nrm"
)

var _ nrm.ReferralService = (*DB)(nil)

// Referrals and consents are written here, row by row, never by an
// ordinary case update: each change checks the actor's right to it,
// bumps the case version, records the case history and is audited in the
// same transaction. Lists and queues reveal statistical attributes only;
// a referral's reason (free text about the person) is sealed and opened
// only for the one referral asked for.

const referralColumns = `r.id, r.case_id, r.purpose, r.from_org, r.from_user, r.to_org, r.date, r.reason, r.reason_key,
	r.route_reason, r.indicators, r.consent_id, r.municipality_informed_on, r.municipality, r.status, r.status_on,
	r.status_by, r.return_reason, r.return_reason_key, r.access_revoked_on, r.revoke_reason, r.revoke_reason_key`

// referralRow is a stored referral with its case and sealed reasons.
type referralRow struct {
	nrm.Referral
	caseID         int64
	sealed         []byte
	keyID          sql.NullString
	ret, rev       []byte // the sealed return and revocation reasons
	retKey, revKey sql.NullString
}

func scanReferral(s scanner, extra ...any) (*referralRow, error) {
	r := &referralRow{}
	var indicators string
	var consentID sql.NullInt64
	dest := []any{&r.ID, &r.caseID, &r.Purpose, &r.FromOrg, &r.FromUser, &r.ToOrg, &r.Date, &r.sealed, &r.keyID,
		&r.RouteReason, &indicators, &consentID, &r.MunicipalityInformedOn, &r.Municipality, &r.Status, &r.StatusOn,
		&r.StatusBy, &r.ret, &r.retKey, &r.AccessRevokedOn, &r.rev, &r.revKey}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	for _, i := range splitList(indicators) {
		r.Indicators = append(r.Indicators, nrm.Indicator(i))
	}
	r.ConsentID = consentID.Int64
	return r, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// referralNotFound is the one answer for a referral that is missing or
// not the actor's to see or to act on.
func referralNotFound() error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Referral not found."}
}

// invalidFields is the EINVALID error for the field errors collected.
func invalidFields(msg string, fields []nrm.FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: msg, Fields: fields}
}

// caseFor loads a case the actor may see, with its consents and
// referrals; a missing case and another organisation's are both
// ENOTFOUND.
func (tx *Tx) caseFor(ctx context.Context, a *nrm.Actor, caseID int64) (*nrm.Case, error) {
	c, err := tx.loadCase(ctx, "c.id = ?", caseID)
	if err != nil {
		return nil, err
	}
	if !canSee(a, c.OwnerOrg, c.AccessOrgs()) {
		return nil, caseNotFound()
	}
	return c, nil
}

// orgSet returns the codes of the known organisations.
func (tx *Tx) orgSet(ctx context.Context) (map[string]bool, error) {
	m := map[string]bool{}
	err := each(ctx, tx, "SELECT code FROM organisations", nil, func(rows *sql.Rows) error {
		var code string
		if err := rows.Scan(&code); err != nil {
			return err
		}
		m[code] = true
		return nil
	})
	return m, err
}

// touchCase bumps the version of case caseID after a change of its
// referrals, consents or shares, refreshes its content hash and records
// the new version in the case history.
func (tx *Tx) touchCase(ctx context.Context, caseID int64, action, reason string, fields []string) error {
	c, err := tx.loadCase(ctx, "c.id = ?", caseID)
	if err != nil {
		return err
	}
	c.Version++
	c.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, "UPDATE cases SET version = version + 1, updated_at = ?, content_hash = ? WHERE id = ?",
		tx.now, tx.db.contentHash(c), caseID); err != nil {
		return err
	}
	return tx.recordVersion(ctx, c, action, reason, fields)
}

// decided reports whether the case has a final decision by the
// authority r was sent to, dated on or after the referral.
func decided(c *nrm.Case, r nrm.Referral) bool {
	for _, as := range c.Assessments {
		if string(as.Authority) == r.ToOrg && as.IsFinal() && as.Outcome != nrm.OutcomePending && !as.Date.Before(r.Date) {
			return true
		}
	}
	return false
}

// GiveConsent records the person's consent on a case the actor may see.
func (d *DB) GiveConsent(ctx context.Context, caseID int64, k *nrm.Consent) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		c, err := tx.caseFor(ctx, a, caseID)
		if err != nil {
			return err
		}
		for i, o := range k.ShareWith {
			k.ShareWith[i] = strings.ToUpper(strings.TrimSpace(o))
		}
		k.ShareWith = sortedUnique(k.ShareWith)
		fields := nrm.FieldErrors(k.Validate(nrm.DateOf(tx.now)))
		if !k.WithdrawnOn.IsZero() {
			fields = append(fields, nrm.FieldError{Field: "consent_withdrawn_on", Rule: nrm.RuleNotAllowed, Value: k.WithdrawnOn.String(),
				Expected: "empty: a consent is withdrawn on its own"})
		}
		known, err := tx.orgSet(ctx)
		if err != nil {
			return err
		}
		for _, o := range k.ShareWith {
			if nrm.ValidOrgCode(o) && !known[o] {
				fields = append(fields, nrm.FieldError{Field: "consent_share_with", Rule: nrm.RuleUnknownReference, Value: o, Expected: "an organisation"})
			}
		}
		if c.ClosedAt(k.GivenOn) {
			fields = append(fields, nrm.FieldError{Field: "consent_given_on", Rule: nrm.RuleClosed, Value: k.GivenOn.String(), Expected: "reopen the case first"})
		}
		if err := invalidFields("The consent has invalid fields.", fields); err != nil {
			return err
		}
		scopes := make([]string, len(k.Scopes))
		for i, s := range k.Scopes {
			scopes[i] = string(s)
		}
		k.RecordedBy = a.Username
		if k.ID, err = tx.insertID(ctx, `INSERT INTO consents (case_id, scopes, share_with, given_on, given_by, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?)`, caseID, strings.Join(scopes, ";"), strings.Join(k.ShareWith, ";"), k.GivenOn, k.GivenBy, k.RecordedBy); err != nil {
			return err
		}
		if err := tx.touchCase(ctx, caseID, "consent.give", "", []string{"consents"}); err != nil {
			return err
		}
		return tx.audit(ctx, "consent.give", "case", strconv.FormatInt(caseID, 10), "consent "+strconv.FormatInt(k.ID, 10))
	})
}

// WithdrawConsent withdraws a consent on date on (today when zero). The
// access it allowed ends that day: accepted referrals resting on it lose
// their access, referrals still waiting on it are withdrawn, and the
// organisations it named are no longer shared with unless another
// consent in force names them. Assessments stay: the authority keeps its
// decision record.
func (d *DB) WithdrawConsent(ctx context.Context, caseID, consentID int64, on nrm.Date) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		c, err := tx.caseFor(ctx, a, caseID)
		if err != nil {
			return err
		}
		k, ok := c.ConsentByID(consentID)
		if !ok {
			return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Consent not found."}
		}
		today := nrm.DateOf(tx.now)
		if on.IsZero() {
			on = today
		}
		var fields []nrm.FieldError
		switch {
		case !k.WithdrawnOn.IsZero():
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "The consent was already withdrawn.",
				Fields: []nrm.FieldError{{Field: "consent_withdrawn_on", Rule: nrm.RuleDuplicate, Value: k.WithdrawnOn.String()}}}
		case on.After(today):
			fields = append(fields, nrm.FieldError{Field: "consent_withdrawn_on", Rule: nrm.RuleRange, Value: on.String(), Expected: "a date not in the future"})
		case on.Before(k.GivenOn):
			fields = append(fields, nrm.FieldError{Field: "consent_withdrawn_on", Rule: nrm.RuleDateOrder, Value: on.String(),
				Expected: "on or after the date consent was given " + k.GivenOn.String()})
		}
		if err := invalidFields("The consent has invalid fields.", fields); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE consents SET withdrawn_on = ? WHERE id = ? AND case_id = ?", on, consentID, caseID); err != nil {
			return err
		}
		changed := []string{"consents"}
		why, whyKey, err := tx.db.sealText(c.Ref, sealRevokeReason, "consent withdrawn")
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE referrals SET access_revoked_on = ?, revoke_reason = ?, revoke_reason_key = ?
			WHERE case_id = ? AND consent_id = ? AND status = 'accepted' AND access_revoked_on IS NULL`, on, why, whyKey, caseID, consentID)
		if err != nil {
			return err
		}
		revoked, _ := res.RowsAffected()
		res, err = tx.exec(ctx, `UPDATE referrals SET status = 'withdrawn', status_on = ?, status_by = ?
			WHERE case_id = ? AND consent_id = ? AND status = 'sent'`, on, a.Username, caseID, consentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n+revoked > 0 {
			changed = append(changed, "referrals")
		}
		// Shares the consent allowed end with it, unless another consent
		// still in force names the same organisation.
		k.WithdrawnOn = on
		stillShared := map[string]bool{}
		for _, o := range c.Consents {
			if o.ID != consentID && o.Has(nrm.ConsentShare, on) {
				for _, org := range o.ShareWith {
					stillShared[org] = true
				}
			}
		}
		removed := false
		for _, org := range k.ShareWith {
			if stillShared[org] {
				continue
			}
			res, err := tx.exec(ctx, "DELETE FROM case_shares WHERE case_id = ? AND org = ?", caseID, org)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				removed = true
			}
		}
		if removed {
			changed = append(changed, "shared_with")
		}
		if err := tx.touchCase(ctx, caseID, "consent.withdraw", "", changed); err != nil {
			return err
		}
		return tx.audit(ctx, "consent.withdraw", "case", strconv.FormatInt(caseID, 10), "consent "+strconv.FormatInt(consentID, 10))
	})
}

// Refer sends a referral of a case the sending organisation may see. The
// sender is the actor's organisation; an administrator may send on behalf
// of another organisation with access to the case (r.FromOrg), as the
// command line does.
func (d *DB) Refer(ctx context.Context, caseID int64, r *nrm.Referral) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		c, err := tx.caseFor(ctx, a, caseID)
		if err != nil {
			return err
		}
		from := a.Org
		if a.Role == nrm.RoleAdmin && strings.TrimSpace(r.FromOrg) != "" {
			from = strings.ToUpper(strings.TrimSpace(r.FromOrg))
		}
		r.ID, r.FromOrg, r.FromUser = 0, from, a.Username
		r.ToOrg = strings.ToUpper(strings.TrimSpace(r.ToOrg))
		r.Status, r.StatusOn, r.StatusBy = nrm.ReferralSent, r.Date, a.Username
		r.ReturnReason, r.AccessRevokedOn, r.RevokeReason = "", nrm.Date{}, ""
		known, err := tx.orgSet(ctx)
		if err != nil {
			return err
		}
		var fields []nrm.FieldError
		switch {
		case from == "":
			fields = append(fields, nrm.FieldError{Field: "referral_from", Rule: nrm.RuleRequired, Expected: "the sending organisation"})
		case !known[from]:
			fields = append(fields, nrm.FieldError{Field: "referral_from", Rule: nrm.RuleUnknownReference, Value: from, Expected: "an organisation"})
		case !canSee(&nrm.Actor{Role: nrm.RoleCaseworker, Org: from}, c.OwnerOrg, c.AccessOrgs()):
			fields = append(fields, nrm.FieldError{Field: "referral_from", Rule: nrm.RuleNotAllowed, Value: from, Expected: "an organisation with access to the case"})
		}
		verr := c.ValidateReferral(*r, nrm.DateOf(tx.now), func(o string) bool { return known[o] })
		if verr != nil && nrm.ErrorCode(verr) != nrm.EINVALID {
			return verr
		}
		fields = append(fields, nrm.FieldErrors(verr)...)
		for _, x := range c.Referrals {
			if x.ToOrg == r.ToOrg && x.Purpose == r.Purpose &&
				(x.Open() || (x.Purpose == nrm.PurposeAssessment && x.GivesAccess() && !decided(c, x))) {
				fields = append(fields, nrm.FieldError{Field: "referral_to", Rule: nrm.RuleDuplicate, Value: r.ToOrg,
					Expected: "no second referral while one (" + x.Date.String() + ", " + string(x.Status) + ") is waiting"})
				break
			}
		}
		if err := invalidFields("The referral has invalid fields.", fields); err != nil {
			return err
		}
		sealed, keyID, err := tx.db.sealText(c.Ref, sealReferralReason, r.Reason)
		if err != nil {
			return err
		}
		ind := make([]string, len(r.Indicators))
		for i, x := range r.Indicators {
			ind[i] = string(x)
		}
		if r.ID, err = tx.insertID(ctx, `INSERT INTO referrals (case_id, purpose, from_org, from_user, to_org, date, reason, reason_key,
			route_reason, indicators, consent_id, municipality_informed_on, municipality, status, status_on, status_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			caseID, string(r.Purpose), r.FromOrg, r.FromUser, r.ToOrg, r.Date, sealed, keyID,
			r.RouteReason, strings.Join(ind, ";"), nullID(r.ConsentID), r.MunicipalityInformedOn, r.Municipality,
			string(r.Status), r.StatusOn, r.StatusBy); err != nil {
			return err
		}
		if err := tx.refreshDecided(ctx, caseID); err != nil {
			return err
		}
		if err := tx.touchCase(ctx, caseID, "referral.send", "", []string{"referrals"}); err != nil {
			return err
		}
		return tx.audit(ctx, "referral.send", "referral", strconv.FormatInt(r.ID, 10),
			"case "+strconv.FormatInt(caseID, 10)+" to "+r.ToOrg)
	})
}

// referralChange is one move of a referral's status or access.
type referralChange struct {
	action string
	// party reports whether the actor's organisation is the one entitled
	// to the move; anyone else is told the referral does not exist.
	party func(a *nrm.Actor, r *referralRow, owner string) bool
	// ready reports whether the referral is in a state to be moved.
	ready  func(r *referralRow) bool
	expect string // the state ready wants, for the error
	// reasonField names the required reason, "" when none is asked for;
	// sealAs is the purpose it is sealed under.
	reasonField, sealAs string
	// update is the SET clause and its arguments, given the sealed reason
	// and its key id.
	update func(on nrm.Date, by string, reason []byte, keyID any) (string, []any)
}

func (d *DB) changeReferral(ctx context.Context, id int64, on nrm.Date, reason string, ch referralChange) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var owner, ref string
		r, err := scanReferral(tx.queryRow(ctx, "SELECT "+referralColumns+", c.owner_org, c.ref FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = ?", id), &owner, &ref)
		if errors.Is(err, sql.ErrNoRows) {
			return referralNotFound()
		} else if err != nil {
			return err
		}
		if a.Role != nrm.RoleAdmin && !ch.party(a, r, owner) {
			return referralNotFound()
		}
		if !ch.ready(r) {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "The referral has already been dealt with.",
				Fields: []nrm.FieldError{{Field: "referral_status", Rule: nrm.RuleNotAllowed, Value: string(r.Status), Expected: ch.expect}}}
		}
		today := nrm.DateOf(tx.now)
		if on.IsZero() {
			on = today
		}
		var fields []nrm.FieldError
		if on.After(today) {
			fields = append(fields, nrm.FieldError{Field: "date", Rule: nrm.RuleRange, Value: on.String(), Expected: "a date not in the future"})
		} else if on.Before(r.Date) {
			fields = append(fields, nrm.FieldError{Field: "date", Rule: nrm.RuleDateOrder, Value: on.String(), Expected: "on or after the referral date " + r.Date.String()})
		}
		reason = strings.TrimSpace(reason)
		if ch.reasonField != "" && reason == "" {
			fields = append(fields, nrm.FieldError{Field: ch.reasonField, Rule: nrm.RuleRequired})
		} else if len(reason) > nrm.MaxTextLen {
			fields = append(fields, nrm.FieldError{Field: ch.reasonField, Rule: nrm.RuleTooLong, Expected: fmt.Sprintf("at most %d characters", nrm.MaxTextLen)})
		}
		if err := invalidFields("The referral has invalid fields.", fields); err != nil {
			return err
		}
		var sealed []byte
		var keyID any
		if ch.sealAs != "" {
			if sealed, keyID, err = tx.db.sealText(ref, ch.sealAs, reason); err != nil {
				return err
			}
		}
		set, args := ch.update(on, a.Username, sealed, keyID)
		res, err := tx.exec(ctx, "UPDATE referrals SET "+set+" WHERE id = ? AND status = ?", append(args, id, string(r.Status))...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "The referral was changed by someone else. Reload it and try again."}
		}
		if err := tx.touchCase(ctx, r.caseID, ch.action, reason, []string{"referral.status"}); err != nil {
			return err
		}
		return tx.audit(ctx, ch.action, "referral", strconv.FormatInt(id, 10), "case "+strconv.FormatInt(r.caseID, 10))
	})
}

func receiver(a *nrm.Actor, r *referralRow, _ string) bool { return a.Org != "" && a.Org == r.ToOrg }

func isSent(r *referralRow) bool { return r.Status == nrm.ReferralSent }

// AcceptReferral accepts a referral sent to the actor's organisation,
// which so gains access to the case.
func (d *DB) AcceptReferral(ctx context.Context, id int64, on nrm.Date) error {
	return d.changeReferral(ctx, id, on, "", referralChange{
		action: "referral.accept", party: receiver, ready: isSent, expect: string(nrm.ReferralSent),
		update: func(on nrm.Date, by string, _ []byte, _ any) (string, []any) {
			return "status = 'accepted', status_on = ?, status_by = ?", []any{on, by}
		},
	})
}

// ReturnReferral sends a referral to the actor's organisation back, with
// a reason.
func (d *DB) ReturnReferral(ctx context.Context, id int64, on nrm.Date, reason string) error {
	return d.changeReferral(ctx, id, on, reason, referralChange{
		action: "referral.return", party: receiver, ready: isSent, expect: string(nrm.ReferralSent), reasonField: "return_reason",
		sealAs: sealReturnReason,
		update: func(on nrm.Date, by string, reason []byte, key any) (string, []any) {
			return "status = 'returned', status_on = ?, status_by = ?, return_reason = ?, return_reason_key = ?", []any{on, by, reason, key}
		},
	})
}

// WithdrawReferral withdraws a referral the actor's organisation sent
// while it waits for the receiver.
func (d *DB) WithdrawReferral(ctx context.Context, id int64, on nrm.Date) error {
	return d.changeReferral(ctx, id, on, "", referralChange{
		action: "referral.withdraw", ready: isSent, expect: string(nrm.ReferralSent),
		party: func(a *nrm.Actor, r *referralRow, _ string) bool { return a.Org != "" && a.Org == r.FromOrg },
		update: func(on nrm.Date, by string, _ []byte, _ any) (string, []any) {
			return "status = 'withdrawn', status_on = ?, status_by = ?", []any{on, by}
		},
	})
}

// RevokeReferralAccess ends the access an accepted referral gave its
// receiver: the owning organisation (or an administrator) decides, with
// a reason. The referral stays accepted on record.
func (d *DB) RevokeReferralAccess(ctx context.Context, id int64, on nrm.Date, reason string) error {
	return d.changeReferral(ctx, id, on, reason, referralChange{
		action: "referral.revoke", reasonField: "revoke_reason", expect: "accepted, with access", sealAs: sealRevokeReason,
		party: func(a *nrm.Actor, _ *referralRow, owner string) bool { return a.Org != "" && a.Org == owner },
		ready: func(r *referralRow) bool { return r.GivesAccess() },
		update: func(on nrm.Date, _ string, reason []byte, key any) (string, []any) {
			return "access_revoked_on = ?, revoke_reason = ?, revoke_reason_key = ?", []any{on, reason, key}
		},
	})
}

const referralSummaryColumns = ", c.ref, c.owner_org, c.gender, c.nationality, c.residence_status"

// scanSummary reads a referral row followed by referralSummaryColumns.
func scanSummary(s scanner, today nrm.Date) (*nrm.ReferralSummary, *referralRow, error) {
	rs := &nrm.ReferralSummary{}
	var nat sql.NullString
	r, err := scanReferral(s, &rs.CaseRef, &rs.OwnerOrg, &rs.Gender, &nat, &rs.ResidenceStatus)
	if err != nil {
		return nil, nil, err
	}
	rs.Referral, rs.CaseID, rs.Nationality = r.Referral, r.caseID, nat.String
	until := r.StatusOn
	if r.Status == nrm.ReferralSent || until.IsZero() {
		until = today
	}
	rs.DaysWaiting = max(r.Date.DaysUntil(until), 0)
	return rs, r, nil
}

// FindReferral returns one referral sent or received by the actor's
// organisation (any for an administrator), with its reason opened; the
// read is audited.
func (d *DB) FindReferral(ctx context.Context, id int64) (*nrm.ReferralSummary, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, forbidden()
	}
	rs, r, err := scanSummary(d.queryRow(ctx, "SELECT "+referralColumns+referralSummaryColumns+
		" FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = ?", id), nrm.DateOf(d.Now()))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err != nil || (a.Role != nrm.RoleAdmin && (a.Org == "" || (a.Org != r.FromOrg && a.Org != r.ToOrg))) {
		if aerr := d.auditRead(ctx, "referral.read_refused", "referral", strconv.FormatInt(id, 10), ""); aerr != nil {
			return nil, aerr
		}
		return nil, referralNotFound()
	}
	if rs.Reason, err = d.openText(rs.CaseRef, sealReferralReason, r.sealed, r.keyID); err != nil {
		return nil, err
	}
	if rs.ReturnReason, err = d.openText(rs.CaseRef, sealReturnReason, r.ret, r.retKey); err != nil {
		return nil, err
	}
	if rs.RevokeReason, err = d.openText(rs.CaseRef, sealRevokeReason, r.rev, r.revKey); err != nil {
		return nil, err
	}
	return rs, d.auditRead(ctx, "referral.read", "referral", strconv.FormatInt(id, 10), "")
}

// FindReferrals lists the referrals sent or received by the actor's
// organisation (all for an administrator without one), newest first,
// without their reasons; the listing is audited.
func (d *DB) FindReferrals(ctx context.Context, f nrm.ReferralFilter) ([]*nrm.ReferralSummary, int, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, 0, forbidden()
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, invalidFields("The filter has invalid fields.", []nrm.FieldError{{Field: "referral_status", Rule: nrm.RuleOneOf, Value: string(f.Status), Expected: "sent, accepted, returned or withdrawn"}})
	}
	var where []string
	var args []any
	add := func(cond string, vs ...any) { where, args = append(where, cond), append(args, vs...) }
	switch {
	case a.Role == nrm.RoleAdmin && a.Org == "":
	case f.Direction == "in":
		add("r.to_org = ?", a.Org)
	case f.Direction == "out":
		add("r.from_org = ?", a.Org)
	case a.Role == nrm.RoleAdmin:
	default:
		add("(r.to_org = ? OR r.from_org = ?)", a.Org, a.Org)
	}
	if f.Direction != "" && f.Direction != "in" && f.Direction != "out" {
		return nil, 0, invalidFields("The filter has invalid fields.", []nrm.FieldError{{Field: "direction", Rule: nrm.RuleOneOf, Value: f.Direction, Expected: "in or out"}})
	}
	if f.Status != "" {
		add("r.status = ?", string(f.Status))
	}
	if f.CaseID != 0 {
		add("r.case_id = ?", f.CaseID)
	}
	cond := "1=1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := d.queryRow(ctx, "SELECT COUNT(*) FROM referrals r WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := d.query(ctx, "SELECT "+referralColumns+referralSummaryColumns+" FROM referrals r JOIN cases c ON c.id = r.case_id WHERE "+cond+
		" ORDER BY r.date DESC, r.id DESC LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	today := nrm.DateOf(d.Now())
	var out []*nrm.ReferralSummary
	for rows.Next() {
		rs, _, err := scanSummary(rows, today)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, rs)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, d.auditRead(ctx, "referral.list", "referral", "", f.Direction)
}

// queueSQL selects, on referrals alias r, the assessment referrals to an
// authority (its code bound once) that wait: sent and not yet accepted, or
// accepted, with access, and not yet decided by a final assessment
// (decided_on, kept by refreshDecided). The condition is the predicate of
// the partial index referrals_queue, so that both engines read only the
// waiting rows, however many referrals the authority has decided; it
// names the statuses left out (returned, withdrawn) so that index
// referrals_to (to_org, status, date) offers the planner no shortcut.
const queueSQL = `r.to_org = ? AND r.purpose = 'assessment' AND r.status <> 'returned' AND r.status <> 'withdrawn'
	AND r.access_revoked_on IS NULL AND r.decided_on IS NULL`

// refreshDecidedSQL sets decided_on of a case's assessment referrals: the
// date of the receiving authority's first final decision dated on or
// after the referral, or NULL.
const refreshDecidedSQL = `UPDATE referrals SET decided_on = (SELECT MIN(a.date) FROM assessments a
	WHERE a.case_id = referrals.case_id AND a.authority = referrals.to_org AND a.stage <> 'preliminary'
	AND a.outcome IN ('identified', 'not_identified') AND a.date >= referrals.date)
	WHERE case_id = ? AND purpose = 'assessment'`

// refreshDecided updates decided_on of case caseID's referrals, after its
// assessments or referrals were written.
func (tx *Tx) refreshDecided(ctx context.Context, caseID int64) error {
	_, err := tx.exec(ctx, refreshDecidedSQL, caseID)
	return err
}

// Queue lists the cases awaiting the authority's final assessment,
// oldest first: assessors of that authority and administrators only.
func (d *DB) Queue(ctx context.Context, authority nrm.Authority) ([]*nrm.QueueItem, error) {
	a := actorOf(ctx)
	if !authority.Valid() {
		return nil, invalidFields("The queue has invalid fields.", []nrm.FieldError{{Field: "assessment_authority", Rule: nrm.RuleOneOf, Value: string(authority), Expected: "US or CMM"}})
	}
	if a.Role != nrm.RoleAdmin && (a.Role != nrm.RoleAssessor || a.Authority != authority) {
		return nil, forbidden()
	}
	org := nrm.AuthorityOrg(authority)
	rows, err := d.query(ctx, `SELECT r.id, r.case_id, c.ref, r.from_org, r.date, r.status, c.gender, c.nationality, c.residence_status,
		(SELECT p.outcome FROM assessments p WHERE p.case_id = r.case_id AND p.authority = ? AND p.stage = 'preliminary'
			ORDER BY p.date DESC, p.id DESC LIMIT 1)
		FROM referrals r JOIN cases c ON c.id = r.case_id WHERE `+queueSQL+` ORDER BY r.date, r.id`,
		string(authority), org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := nrm.DateOf(d.Now())
	out := []*nrm.QueueItem{}
	for rows.Next() {
		q := &nrm.QueueItem{}
		var nat, prelim sql.NullString
		if err := rows.Scan(&q.ReferralID, &q.CaseID, &q.CaseRef, &q.FromOrg, &q.ReferredOn, &q.Status, &q.Gender, &nat,
			&q.ResidenceStatus, &prelim); err != nil {
			return nil, err
		}
		q.Nationality, q.Preliminary = nat.String, nrm.Outcome(prelim.String)
		q.DaysWaiting = max(q.ReferredOn.DaysUntil(today), 0)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, d.auditRead(ctx, "queue.read", "queue", string(authority), "")
}

// QueueSizes returns, for every authority, how many referrals wait to be
// accepted and how many accepted ones wait for a final decision, and
// since when the oldest waits: coordinators, assessors and
// administrators.
func (d *DB) QueueSizes(ctx context.Context) ([]nrm.QueueSize, error) {
	switch actorOf(ctx).Role {
	case nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAssessor:
	default:
		return nil, forbidden()
	}
	today := nrm.DateOf(d.Now())
	var out []nrm.QueueSize
	for _, au := range []nrm.Authority{nrm.AuthorityUS, nrm.AuthorityCMM} {
		s := nrm.QueueSize{Authority: au}
		// One row, no GROUP BY: grouping by status would lead the planner
		// to index referrals_to and every referral the authority decided.
		var oldest nrm.Date
		if err := d.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN r.status = 'sent' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN r.status = 'accepted' THEN 1 ELSE 0 END), 0), MIN(r.date) FROM referrals r WHERE `+queueSQL,
			nrm.AuthorityOrg(au)).Scan(&s.Waiting, &s.Undecided, &oldest); err != nil {
			return nil, err
		}
		if !oldest.IsZero() {
			s.OldestSince = oldest
			s.OldestDays = max(oldest.DaysUntil(today), 0)
		}
		out = append(out, s)
	}
	return out, d.auditRead(ctx, "queue.read", "queue", "", "sizes")
}

// sortedUnique returns xs sorted without repetition or empty entries.
func sortedUnique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
