package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"nrm"
)

var _ nrm.OutputService = (*DB)(nil)

// maxImportOutputs bounds one import of outputs.
const maxImportOutputs = 10000

// planID returns the id of the plan with code.
func (tx *Tx) planID(ctx context.Context, code string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, "SELECT id FROM plans WHERE code = ?", code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, planNotFound(code)
	}
	return id, err
}

// activityResponsibles returns the responsible organisations of an
// activity of a plan, or an EINVALID error naming the field when the
// activity does not exist.
func (tx *Tx) activityResponsibles(ctx context.Context, planID int64, activity string) ([]string, error) {
	var aid int64
	err := tx.queryRow(ctx, "SELECT id FROM activities WHERE plan_id = ? AND code = ?", planID, activity).Scan(&aid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &nrm.Error{Code: nrm.EINVALID, Message: "The output has invalid fields.",
			Fields: []nrm.FieldError{{Field: "activity", Rule: nrm.RuleUnknownReference, Value: activity, Expected: "an activity of the plan"}}}
	} else if err != nil {
		return nil, err
	}
	var orgs []string
	err = each(ctx, tx, "SELECT org FROM activity_responsibles WHERE activity_id = ? ORDER BY position", []any{aid}, func(r *sql.Rows) error {
		var o string
		if err := r.Scan(&o); err != nil {
			return err
		}
		orgs = append(orgs, o)
		return nil
	})
	return orgs, err
}

// mayWriteOutput reports whether a may write output o of an activity with
// the responsible organisations resp: the coordinating ministry and
// administrators always; other users (not auditors) only for an activity
// their organisation is responsible for and an output delivered by it.
func mayWriteOutput(a *nrm.Actor, resp []string, o *nrm.Output) bool {
	if writesPlan(a) {
		return true
	}
	if !a.Role.Valid() || a.Role == nrm.RoleAuditor || a.Org == "" {
		return false
	}
	return slices.Contains(resp, a.Org) && o.Org == a.Org
}

// outputNotFound is the error for a missing output; it does not say
// whether the plan exists.
func outputNotFound(id int64) error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Output %d not found.", id)}
}

const outputColumns = "o.id, p.code, o.activity_code, o.kind, o.title_da, o.title_en, o.period, o.until_period, o.date, o.audience, o.audience_en, o.events, o.participants, o.org, o.link, o.text_da, o.text_en, o.amount_dkk"

func scanOutput(r interface{ Scan(...any) error }) (*nrm.Output, error) {
	o := &nrm.Output{}
	err := r.Scan(&o.ID, &o.Plan, &o.Activity, &o.Kind, &o.TitleDA, &o.TitleEN, &o.Period, &o.Until, &o.Date, &o.Audience, &o.AudienceEN,
		&o.Events, &o.Participants, &o.Org, &o.Link, &o.TextDA, &o.TextEN, &o.AmountDKK)
	return o, err
}

// FindOutputs returns the outputs of a plan by activity, period and id.
func (d *DB) FindOutputs(ctx context.Context, planCode string) ([]*nrm.Output, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	var outs []*nrm.Output
	err := d.inReadTx(ctx, func(tx *Tx) error {
		if _, err := tx.planID(ctx, planCode); err != nil {
			return err
		}
		return each(ctx, tx, "SELECT "+outputColumns+" FROM plan_outputs o JOIN plans p ON p.id = o.plan_id WHERE p.code = ? ORDER BY o.activity_code, o.period, o.id",
			[]any{planCode}, func(r *sql.Rows) error {
				o, err := scanOutput(r)
				if err == nil {
					outs = append(outs, o)
				}
				return err
			})
	})
	return outs, err
}

// inReadTx runs fn in a read transaction.
func (d *DB) inReadTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.dialect.name() == "postgres"})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// FindOutput returns one output of a plan.
func (d *DB) FindOutput(ctx context.Context, planCode string, id int64) (*nrm.Output, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	var o *nrm.Output
	err := d.inReadTx(ctx, func(tx *Tx) error {
		var err error
		o, err = tx.findOutput(ctx, planCode, id)
		return err
	})
	return o, err
}

func (tx *Tx) findOutput(ctx context.Context, planCode string, id int64) (*nrm.Output, error) {
	o, err := scanOutput(tx.queryRow(ctx, "SELECT "+outputColumns+" FROM plan_outputs o JOIN plans p ON p.id = o.plan_id WHERE p.code = ? AND o.id = ?", planCode, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, outputNotFound(id)
	}
	return o, err
}

// AddOutput stores a new output of a plan's activity.
func (d *DB) AddOutput(ctx context.Context, planCode string, o *nrm.Output) error {
	a := actorOf(ctx)
	if !a.Role.Valid() || a.Role == nrm.RoleAuditor {
		return forbidden()
	}
	if o.Org == "" && !writesPlan(a) {
		o.Org = a.Org
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		return tx.addOutput(ctx, a, planCode, o, "output.create")
	})
}

func (tx *Tx) addOutput(ctx context.Context, a *nrm.Actor, planCode string, o *nrm.Output, action string) error {
	pid, err := tx.planID(ctx, planCode)
	if err != nil {
		return err
	}
	resp, err := tx.activityResponsibles(ctx, pid, o.Activity)
	if err != nil {
		return err
	}
	if !mayWriteOutput(a, resp, o) {
		return forbidden()
	}
	o.ID, err = tx.insertID(ctx, `INSERT INTO plan_outputs (plan_id, activity_code, kind, title_da, title_en, period, until_period, date, audience,
		audience_en, events, participants, org, link, text_da, text_en, amount_dkk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pid, o.Activity, string(o.Kind), o.TitleDA, o.TitleEN, o.Period, o.Until, o.Date, o.Audience, o.AudienceEN, o.Events, o.Participants,
		o.Org, o.Link, o.TextDA, o.TextEN, o.AmountDKK)
	if err != nil {
		return err
	}
	o.Plan = planCode
	if action == "" {
		return nil
	}
	return tx.audit(ctx, action, "output", fmt.Sprintf("%s/%d", planCode, o.ID), o.Activity+" "+string(o.Kind)+" "+o.Period)
}

// UpdateOutput changes the fields of an output that p sets. The writer
// must be allowed to write the output both before and after the change.
func (d *DB) UpdateOutput(ctx context.Context, planCode string, id int64, p *nrm.OutputPatch) (*nrm.Output, error) {
	a := actorOf(ctx)
	if !a.Role.Valid() || a.Role == nrm.RoleAuditor {
		return nil, forbidden()
	}
	var out *nrm.Output
	err := d.inTx(ctx, func(tx *Tx) error {
		o, err := tx.findOutput(ctx, planCode, id)
		if err != nil {
			return err
		}
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		before, err := tx.activityResponsibles(ctx, pid, o.Activity)
		if err != nil && nrm.ErrorCode(err) != nrm.EINVALID { // the activity may have left the plan
			return err
		}
		if !mayWriteOutput(a, before, o) {
			return forbidden()
		}
		p.Apply(o)
		if err := o.Validate(); err != nil {
			return err
		}
		after, err := tx.activityResponsibles(ctx, pid, o.Activity)
		if err != nil {
			return err
		}
		if !mayWriteOutput(a, after, o) {
			return forbidden()
		}
		if _, err := tx.exec(ctx, `UPDATE plan_outputs SET activity_code = ?, kind = ?, title_da = ?, title_en = ?, period = ?, until_period = ?, date = ?,
			audience = ?, audience_en = ?, events = ?, participants = ?, org = ?, link = ?, text_da = ?, text_en = ?, amount_dkk = ? WHERE id = ?`,
			o.Activity, string(o.Kind), o.TitleDA, o.TitleEN, o.Period, o.Until, o.Date, o.Audience, o.AudienceEN, o.Events, o.Participants,
			o.Org, o.Link, o.TextDA, o.TextEN, o.AmountDKK, id); err != nil {
			return err
		}
		out = o
		return tx.audit(ctx, "output.update", "output", fmt.Sprintf("%s/%d", planCode, id), o.Activity+" "+string(o.Kind)+" "+o.Period)
	})
	return out, err
}

// DeleteOutput deletes an output.
func (d *DB) DeleteOutput(ctx context.Context, planCode string, id int64) error {
	a := actorOf(ctx)
	if !a.Role.Valid() || a.Role == nrm.RoleAuditor {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		o, err := tx.findOutput(ctx, planCode, id)
		if err != nil {
			return err
		}
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		resp, err := tx.activityResponsibles(ctx, pid, o.Activity)
		if err != nil && nrm.ErrorCode(err) != nrm.EINVALID {
			return err
		}
		if !mayWriteOutput(a, resp, o) {
			return forbidden()
		}
		if _, err := tx.exec(ctx, "DELETE FROM plan_outputs WHERE id = ?", id); err != nil {
			return err
		}
		return tx.audit(ctx, "output.delete", "output", fmt.Sprintf("%s/%d", planCode, id), o.Activity+" "+string(o.Kind)+" "+o.Period)
	})
}

// ImportOutputs adds outputs to a plan, all or none, with one audit entry.
// Field errors name the output by its place in the list ("line N: field"
// counts outputs from 1). Replacing the plan's outputs is for the
// coordinating ministry and administrators.
func (d *DB) ImportOutputs(ctx context.Context, planCode string, outs []*nrm.Output, replace bool) error {
	return d.ImportPlanWork(ctx, planCode, outs, nil, replace, false)
}
