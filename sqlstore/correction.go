package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"nrm"
)

var _ nrm.CorrectionService = (*DB)(nil)

// CorrectCase replaces a case like UpdateCase, with the reason for
// correcting or voiding recorded facts; the reason is kept (sealed) in the
// case history, the audit entry names the fields changed.
func (d *DB) CorrectCase(ctx context.Context, c *nrm.Case, reason string) error {
	return d.saveCase(ctx, c, reason)
}

// saveCase is the one path of UpdateCase and CorrectCase: it checks the
// actor's rights and the version, refuses a correction without a reason,
// validates the case and the change (closed-case rules), writes it, audits
// the names of the fields that changed (never their values) and records
// the new version in the case history, all in one transaction.
func (d *DB) saveCase(ctx context.Context, c *nrm.Case, reason string) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	reason = strings.TrimSpace(reason)
	return d.inTx(ctx, func(tx *Tx) error {
		// Locked first (PostgreSQL), so that the case and its children
		// are read as one version while concurrent writers wait.
		old, err := tx.loadCase(ctx, "c.id = ?"+tx.forUpdate(), c.ID)
		if err != nil {
			return err
		}
		if !canSee(a, old.OwnerOrg, old.AccessOrgs()) {
			return caseNotFound()
		}
		if a.Role != nrm.RoleAdmin && c.OwnerOrg != old.OwnerOrg {
			return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Only an administrator may change the owning organisation."}
		}
		// Both in canonical order (and empty lists as nil), so that an
		// unchanged fact compares equal whatever order it came in.
		canonical(old)
		canonical(c)
		if err := checkAssessments(a, old.Assessments, c.Assessments); err != nil {
			return err
		}
		if err := checkReconsiderations(a, old, c); err != nil {
			return err
		}
		if err := checkShares(a, old.OwnerOrg, old.SharedWith, c.SharedWith); err != nil {
			return err
		}
		if c.Version != old.Version {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf(
				"The case was changed by someone else (version %d, you edited version %d). Reload it and make your change again.", old.Version, c.Version)}
		}
		if c.Ref != old.Ref {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The case reference cannot be changed.",
				Fields: []nrm.FieldError{{Field: "case_ref", Rule: nrm.RuleNotAllowed, Value: c.Ref, Expected: old.Ref}}}
		}
		if old.PurgedAt != nil {
			c.Identifiers = nrm.Identifiers{} // purged identifiers stay purged
		}
		// Consents and referrals change only through the ReferralService.
		c.Consents, c.Referrals = old.Consents, old.Referrals
		ch := nrm.Diff(old, c)
		// Every fault of the form in one answer: the missing reason, the
		// case's own rules and the closed-case rules of the change.
		var fe []nrm.FieldError
		msg := "The case has invalid fields."
		if ch.Correction && reason == "" {
			fe = append(fe, nrm.FieldError{Field: "reason", Rule: nrm.RuleRequired,
				Expected: "why recorded facts are corrected or voided"})
			msg = "A correction of recorded facts needs a reason."
		}
		if len(reason) > nrm.MaxTextLen {
			fe = append(fe, nrm.FieldError{Field: "reason", Rule: nrm.RuleTooLong, Expected: fmt.Sprintf("at most %d characters", nrm.MaxTextLen)})
		}
		fe = append(fe, nrm.FieldErrors(c.Validate(nrm.DateOf(tx.now)))...)
		fe = append(fe, nrm.FieldErrors(c.ValidateChange(old))...)
		if len(fe) > 0 {
			return &nrm.Error{Code: nrm.EINVALID, Message: msg, Fields: fe}
		}
		c.CreatedAt = old.CreatedAt
		if err := tx.replaceCase(ctx, c); err != nil {
			return err
		}
		action := "case.update"
		if ch.Correction {
			action = "case.correct"
		}
		fields := changedFields(ch)
		detail := "version " + strconv.Itoa(c.Version)
		if len(fields) > 0 {
			detail += "; fields: " + strings.Join(fields, ", ")
		}
		if err := tx.audit(ctx, action, "case", strconv.FormatInt(c.ID, 10), detail); err != nil {
			return err
		}
		return tx.recordVersion(ctx, c, action, reason, fields)
	})
}

// changedFields names what a change did, never a value: the fields
// changed and voided, then the facts added ("offer (added)").
func changedFields(ch nrm.Change) []string {
	out := append([]string(nil), ch.Fields...)
	for _, k := range ch.Added {
		out = append(out, k+" (added)")
	}
	return out
}

// canonical puts c in the order Normalize gives and turns empty lists
// into nil, as a case read from the database has them.
func canonical(c *nrm.Case) {
	c.Normalize()
	for i := range c.Assessments {
		if len(c.Assessments[i].Exploitation) == 0 {
			c.Assessments[i].Exploitation = nil
		}
	}
	if len(c.SharedWith) == 0 {
		c.SharedWith = nil
	}
	if len(c.Identifiers.Aliases) == 0 {
		c.Identifiers.Aliases = nil
	}
	if len(c.Identifiers.DocumentNumbers) == 0 {
		c.Identifiers.DocumentNumbers = nil
	}
}

// checkReconsiderations enforces who decides a reconsideration: its
// outcome (set, changed or voided with the request) is a decision, which
// only an assessor of the authority of the reconsidered assessment (or an
// administrator) records. Recording the request itself is anyone's with
// write access. old is nil for a new case.
func checkReconsiderations(a *nrm.Actor, old, c *nrm.Case) error {
	if a.Role == nrm.RoleAdmin {
		return nil
	}
	if old == nil {
		old = &nrm.Case{}
	}
	decision := func(r nrm.Reconsideration) [3]string {
		return [3]string{string(r.Outcome), r.DecidedOn.String(), strconv.FormatInt(r.NewAssessmentID, 10)}
	}
	authority := func(assessmentID int64) nrm.Authority {
		for _, cs := range []*nrm.Case{c, old} {
			for _, x := range cs.Assessments {
				if x.ID == assessmentID && assessmentID != 0 {
					return x.Authority
				}
			}
		}
		return ""
	}
	may := func(r nrm.Reconsideration) bool {
		return a.Role == nrm.RoleAssessor && a.Authority != "" && authority(r.AssessmentID) == a.Authority
	}
	refuse := &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Only an assessor of the authority that made the decision may decide its reconsideration."}
	before := map[int64]nrm.Reconsideration{}
	for _, r := range old.Reconsiderations {
		before[r.ID] = r
	}
	seen := map[int64]bool{}
	for _, r := range c.Reconsiderations {
		o, ok := before[r.ID]
		if ok && r.ID != 0 {
			seen[r.ID] = true
		}
		var was [3]string
		if ok && r.ID != 0 {
			was = decision(o)
		} else {
			was = decision(nrm.Reconsideration{})
		}
		if decision(r) != was && !may(r) {
			return refuse
		}
	}
	for _, o := range old.Reconsiderations {
		if !seen[o.ID] && o.Outcome != "" && !may(o) {
			return refuse
		}
	}
	return nil
}
