package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"

	"nrm"
)

// actorOf returns the actor of ctx; the command line runs as SystemActor.
func actorOf(ctx context.Context) *nrm.Actor {
	if a := nrm.ActorFromContext(ctx); a != nil {
		return a
	}
	return nrm.SystemActor
}

// readsCases reports whether the role may see case-level data at all.
// Analysts and coordinators see aggregates only; auditors see the log.
func readsCases(a *nrm.Actor) bool {
	switch a.Role {
	case nrm.RoleAdmin, nrm.RoleCaseworker, nrm.RoleAssessor:
		return true
	}
	return false
}

// forbidden is the one answer to a role that may not do something; it
// names no case.
func forbidden() error {
	return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "You do not have permission to do this."}
}

// caseNotFound is the one answer for a case that is missing or not the
// actor's to see: the two are indistinguishable.
func caseNotFound() error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Case not found."}
}

// visibleSQL returns a condition on alias c restricting cases to those
// owned by or shared with the actor's organisation, or referred to it by
// a referral it accepted whose access was not revoked (all for admins).
// The referrals are one uncorrelated set (index referrals_to), built once
// per query rather than probed per case.
func visibleSQL(a *nrm.Actor) (string, []any) {
	if a.Role == nrm.RoleAdmin {
		return "1=1", nil
	}
	return `(c.owner_org = ? OR EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = c.id AND s.org = ?)
		OR c.id IN (SELECT r.case_id FROM referrals r WHERE r.to_org = ? AND r.status = 'accepted' AND r.access_revoked_on IS NULL))`,
		[]any{a.Org, a.Org, a.Org}
}

// visibleProbeSQL is visibleSQL with the accepted referrals probed per
// case (one index lookup a row) instead of listed once per statement: for
// queries that reach few cases through another index (the worklist),
// where listing every referral an authority ever accepted (900,000 at a
// million cases) costs seconds.
func visibleProbeSQL(a *nrm.Actor) (string, []any) {
	if a.Role == nrm.RoleAdmin {
		return "1=1", nil
	}
	return `(c.owner_org = ? OR EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = c.id AND s.org = ?)
		OR EXISTS (SELECT 1 FROM referrals vr WHERE vr.case_id = c.id AND vr.to_org = ? AND vr.status = 'accepted' AND vr.access_revoked_on IS NULL))`,
		[]any{a.Org, a.Org, a.Org}
}

// canSee reports whether the actor may see a case with this owner and
// these other organisations with access: the shares and the receivers of
// accepted, unrevoked referrals (nrm.Case.AccessOrgs).
func canSee(a *nrm.Actor, owner string, access []string) bool {
	if !readsCases(a) {
		return false
	}
	if a.Role == nrm.RoleAdmin || owner == a.Org {
		return true
	}
	for _, s := range access {
		if s == a.Org {
			return true
		}
	}
	return false
}

// checkAssessments enforces who decides: admins any authority, assessors
// only their own, everyone else none. old is nil for a new case.
func checkAssessments(a *nrm.Actor, old, new []nrm.Assessment) error {
	if a.Role == nrm.RoleAdmin {
		return nil
	}
	changed := diffAssessments(old, new)
	for _, as := range changed {
		if a.Role != nrm.RoleAssessor || a.Authority == "" || as.Authority != a.Authority {
			return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "You may only record assessments for your own authority."}
		}
	}
	return nil
}

// diffAssessments returns the assessments added, removed or changed.
func diffAssessments(old, new []nrm.Assessment) []nrm.Assessment {
	strip := func(x nrm.Assessment) nrm.Assessment { x.ID = 0; return x }
	var out []nrm.Assessment
	used := make([]bool, len(old))
outer:
	for _, n := range new {
		for i, o := range old {
			if !used[i] && reflect.DeepEqual(strip(o), strip(n)) {
				used[i] = true
				continue outer
			}
		}
		out = append(out, n)
	}
	for i, o := range old {
		if !used[i] {
			out = append(out, o)
		}
	}
	return out
}

// checkShares enforces who decides about sharing: administrators and the
// owning organisation may change whom a case is shared with; an
// organisation the case is only shared with may neither widen the sharing
// (handing a victim's identity to a third organisation) nor cut it.
func checkShares(a *nrm.Actor, owner string, old, new []string) error {
	if a.Role == nrm.RoleAdmin || a.Org == owner || sameOrgs(old, new) {
		return nil
	}
	return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Only the owning organisation may change whom a case is shared with."}
}

// sameOrgs reports whether a and b name the same organisations, in any
// order and with any repetition.
func sameOrgs(a, b []string) bool {
	set := func(xs []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			m[strings.ToUpper(strings.TrimSpace(x))] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	if len(sa) != len(sb) {
		return false
	}
	for x := range sa {
		if !sb[x] {
			return false
		}
	}
	return true
}

// CheckShareChange reports whether the actor may give case id the shares
// shared, before an update that replaces them: a case that is missing or
// not visible is ENOTFOUND (as for reading it), a change of shares by an
// organisation that does not own the case EFORBIDDEN. It reads only the
// owner and the shares, so it opens no identifiers and is not audited as
// a read.
func (d *DB) CheckShareChange(ctx context.Context, id int64, shared []string) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	var owner string
	err := d.queryRow(ctx, "SELECT owner_org FROM cases WHERE id = ?", id).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return caseNotFound()
	} else if err != nil {
		return err
	}
	rows, err := d.query(ctx, "SELECT org FROM case_shares WHERE case_id = ?", id)
	if err != nil {
		return err
	}
	defer rows.Close()
	var old []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return err
		}
		old = append(old, org)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	access := old
	if a.Role != nrm.RoleAdmin && a.Org != owner && !canSee(a, owner, old) {
		// Seen through an accepted referral, the case may be edited, but
		// its shares stay the owner's (checkShares).
		var n int
		if err := d.queryRow(ctx, `SELECT COUNT(*) FROM referrals WHERE case_id = ? AND to_org = ? AND status = 'accepted'
			AND access_revoked_on IS NULL`, id, a.Org).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			access = append(access, a.Org)
		}
	}
	if !canSee(a, owner, access) {
		return caseNotFound()
	}
	return checkShares(a, owner, old, shared)
}
