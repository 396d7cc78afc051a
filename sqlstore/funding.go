package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"nrm"
)

var _ nrm.FundingService = (*DB)(nil)

// FindFunding returns a plan's funding by activity, year and line.
func (d *DB) FindFunding(ctx context.Context, planCode string) ([]nrm.ActivityFunding, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	var out []nrm.ActivityFunding
	err := d.inReadTx(ctx, func(tx *Tx) error {
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		return each(ctx, tx, `SELECT activity_code, year, line, allocated_dkk, spent_dkk, note FROM activity_funding
			WHERE plan_id = ? ORDER BY activity_code, year, line`, []any{pid}, func(r *sql.Rows) error {
			var f nrm.ActivityFunding
			if err := r.Scan(&f.Activity, &f.Year, &f.Line, &f.AllocatedDKK, &f.SpentDKK, &f.Note); err != nil {
				return err
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}

// putFunding checks the activity and writes one entry, replacing the
// one of the same activity, year and line.
func (tx *Tx) putFunding(ctx context.Context, planID int64, f nrm.ActivityFunding) error {
	if _, err := tx.activityResponsibles(ctx, planID, f.Activity); err != nil {
		if nrm.ErrorCode(err) == nrm.EINVALID {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The funding entry has invalid fields.", Fields: nrm.FieldErrors(err)}
		}
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO activity_funding (plan_id, activity_code, year, line, allocated_dkk, spent_dkk, note) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (plan_id, activity_code, year, line) DO UPDATE SET allocated_dkk = excluded.allocated_dkk, spent_dkk = excluded.spent_dkk, note = excluded.note`,
		planID, f.Activity, f.Year, f.Line, f.AllocatedDKK, f.SpentDKK, f.Note)
	return err
}

// PutFunding stores one funding entry (coordinator and administrator).
func (d *DB) PutFunding(ctx context.Context, planCode string, f nrm.ActivityFunding) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := f.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		if err := tx.putFunding(ctx, pid, f); err != nil {
			return err
		}
		return tx.audit(ctx, "funding.put", "activity", planCode+"/"+f.Activity,
			fmt.Sprintf("%d %s allocated %.0f spent %.0f", f.Year, f.Line, f.AllocatedDKK, f.SpentDKK))
	})
}

// DeleteFunding deletes one funding entry.
func (d *DB) DeleteFunding(ctx context.Context, planCode, activity string, year int, line string) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, "DELETE FROM activity_funding WHERE plan_id = ? AND activity_code = ? AND year = ? AND line = ?", pid, activity, year, line)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Funding entry not found."}
		}
		return tx.audit(ctx, "funding.delete", "activity", planCode+"/"+activity, fmt.Sprintf("%d %s", year, line))
	})
}

// ImportFunding stores funding entries, all or none, with one audit
// entry; field errors name the entry by its place ("line N: field").
func (d *DB) ImportFunding(ctx context.Context, planCode string, fs []nrm.ActivityFunding, replace bool) error {
	return d.ImportPlanWork(ctx, planCode, nil, fs, false, replace)
}

// ImportPlanWork stores outputs and funding of a plan in one transaction,
// all or nothing. Field errors name an item by its place ("line N:
// field"), the outputs counted from 1 and the funding entries after them. replaceOutputs and replaceFunding first delete the
// plan's outputs or funding (coordinator and administrator only);
// writing funding is for them too.
func (d *DB) ImportPlanWork(ctx context.Context, planCode string, outs []*nrm.Output, fs []nrm.ActivityFunding, replaceOutputs, replaceFunding bool) error {
	a := actorOf(ctx)
	if !a.Role.Valid() || a.Role == nrm.RoleAuditor || ((replaceOutputs || replaceFunding || len(fs) > 0) && !writesPlan(a)) {
		return forbidden()
	}
	if len(outs) > maxImportOutputs || len(fs) > maxImportOutputs {
		return &nrm.Error{Code: nrm.EINVALID, Message: "Too many entries in one import.",
			Fields: []nrm.FieldError{{Field: "file", Rule: nrm.RuleTooLong, Value: fmt.Sprint(len(outs) + len(fs)), Expected: fmt.Sprintf("at most %d outputs", maxImportOutputs)}}}
	}
	var fe []nrm.FieldError
	for i, o := range outs {
		if o.Org == "" && !writesPlan(a) {
			o.Org = a.Org
		}
		for _, f := range nrm.FieldErrors(o.Validate()) {
			f.Field = fmt.Sprintf("line %d: %s", i+1, f.Field)
			fe = append(fe, f)
		}
	}
	for i := range fs {
		for _, f := range nrm.FieldErrors(fs[i].Validate()) {
			f.Field = fmt.Sprintf("line %d: %s", len(outs)+i+1, f.Field)
			fe = append(fe, f)
		}
	}
	if len(fe) > 0 {
		return &nrm.Error{Code: nrm.EINVALID, Message: "The import has invalid fields.", Fields: fe}
	}
	return d.inTx(ctx, func(tx *Tx) error {
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		if replaceOutputs {
			if _, err := tx.exec(ctx, "DELETE FROM plan_outputs WHERE plan_id = ?", pid); err != nil {
				return err
			}
		}
		if replaceFunding {
			if _, err := tx.exec(ctx, "DELETE FROM activity_funding WHERE plan_id = ?", pid); err != nil {
				return err
			}
		}
		var fe []nrm.FieldError
		collect := func(i int, err error) error {
			if nrm.ErrorCode(err) == nrm.EINVALID {
				for _, f := range nrm.FieldErrors(err) {
					f.Field = fmt.Sprintf("line %d: %s", i+1, f.Field)
					fe = append(fe, f)
				}
				return nil
			}
			return err
		}
		for i, o := range outs {
			if err := collect(i, tx.addOutput(ctx, a, planCode, o, "")); err != nil {
				return err
			}
		}
		for i, f := range fs {
			if err := collect(len(outs)+i, tx.putFunding(ctx, pid, f)); err != nil {
				return err
			}
		}
		if len(fe) > 0 {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The import has invalid fields.", Fields: fe}
		}
		if len(outs) > 0 || replaceOutputs {
			detail := fmt.Sprintf("%d outputs", len(outs))
			if replaceOutputs {
				detail += " (replaced)"
			}
			if err := tx.audit(ctx, "output.import", "plan", planCode, detail); err != nil {
				return err
			}
		}
		if len(fs) > 0 || replaceFunding {
			detail := fmt.Sprintf("%d funding entries", len(fs))
			if replaceFunding {
				detail += " (replaced)"
			}
			return tx.audit(ctx, "funding.import", "plan", planCode, detail)
		}
		return nil
	})
}
