package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"nrm"
)

var _ nrm.EvaluationService = (*DB)(nil)

// evaluationNotFound is the error for a plan without an evaluation; it
// does not say whether the plan exists.
func evaluationNotFound(code string) error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Action plan %q has no evaluation.", code)}
}

// FindEvaluation returns the external evaluation of a plan.
func (d *DB) FindEvaluation(ctx context.Context, planCode string) (*nrm.PlanEvaluation, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	e := &nrm.PlanEvaluation{Plan: planCode}
	var recs string
	err := d.queryRow(ctx, `SELECT e.evaluator, e.date, e.summary_da, e.summary_en, e.recommendations, e.link
		FROM plan_evaluations e JOIN plans p ON p.id = e.plan_id WHERE p.code = ?`, planCode).
		Scan(&e.Evaluator, &e.Date, &e.SummaryDA, &e.SummaryEN, &recs, &e.Link)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, evaluationNotFound(planCode)
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(recs), &e.Recommendations); err != nil {
		return nil, fmt.Errorf("evaluation of %s: recommendations: %w", planCode, err)
	}
	if e.Recommendations == nil {
		e.Recommendations = []nrm.Recommendation{}
	}
	return e, nil
}

// SaveEvaluation creates or replaces the external evaluation of a plan
// (coordinator and administrator).
func (d *DB) SaveEvaluation(ctx context.Context, planCode string, e *nrm.PlanEvaluation) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := e.Validate(); err != nil {
		return err
	}
	recs := e.Recommendations
	if recs == nil {
		recs = []nrm.Recommendation{}
	}
	b, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO plan_evaluations (plan_id, evaluator, date, summary_da, summary_en, recommendations, link)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (plan_id) DO UPDATE SET evaluator = excluded.evaluator, date = excluded.date, summary_da = excluded.summary_da,
			summary_en = excluded.summary_en, recommendations = excluded.recommendations, link = excluded.link`,
			pid, e.Evaluator, e.Date, e.SummaryDA, e.SummaryEN, string(b), e.Link); err != nil {
			return err
		}
		e.Plan = planCode
		return tx.audit(ctx, "evaluation.save", "plan", planCode, fmt.Sprintf("%s, %d recommendations", e.Date, len(recs)))
	})
}

// DeleteEvaluation deletes the external evaluation of a plan.
func (d *DB) DeleteEvaluation(ctx context.Context, planCode string) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		pid, err := tx.planID(ctx, planCode)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, "DELETE FROM plan_evaluations WHERE plan_id = ?", pid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return evaluationNotFound(planCode)
		}
		return tx.audit(ctx, "evaluation.delete", "plan", planCode, "")
	})
}
