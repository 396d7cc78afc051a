package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"nrm"
)

var _ nrm.PlanService = (*DB)(nil)

// writesPlan reports whether the actor may change the action plan and the
// reference network: the coordinating ministry and administrators.
func writesPlan(a *nrm.Actor) bool {
	return a.Role == nrm.RoleAdmin || a.Role == nrm.RoleCoordinator
}

// readsPlan reports whether the actor may read the plan: everyone signed
// in (the plan holds no personal data).
func readsPlan(a *nrm.Actor) bool { return a.Role.Valid() }

func planNotFound(code string) error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Action plan %q not found.", code)}
}

// FindPlans returns every plan with its areas, goals, activities, status
// entries and funding lines, ordered by start year and code.
func (d *DB) FindPlans(ctx context.Context) ([]*nrm.Plan, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	return d.loadPlans(ctx, "1=1")
}

// FindPlan returns the plan with code.
func (d *DB) FindPlan(ctx context.Context, code string) (*nrm.Plan, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	ps, err := d.loadPlans(ctx, "p.code = ?", code)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, planNotFound(code)
	}
	return ps[0], nil
}

// loadPlans reads the plans matching where (on alias p) and all their
// children in one read transaction, a handful of queries in all.
func (d *DB) loadPlans(ctx context.Context, where string, args ...any) ([]*nrm.Plan, error) {
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.dialect.name() == "postgres"})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var plans []*nrm.Plan
	byID := map[int64]*nrm.Plan{}
	q := func(sqlText string, fn func(r *sql.Rows) error) error { return each(ctx, tx, sqlText, args, fn) }
	if err := q("SELECT p.id, p.code, p.name_da, p.name_en, p.start_year, p.end_year, p.budget_dkk, p.background FROM plans p WHERE "+where+" ORDER BY p.start_year, p.code", func(r *sql.Rows) error {
		p := &nrm.Plan{Areas: []nrm.Area{}}
		var bg string
		if err := r.Scan(&p.ID, &p.Code, &p.NameDA, &p.NameEN, &p.StartYear, &p.EndYear, &p.BudgetDKK, &bg); err != nil {
			return err
		}
		if bg != "" {
			p.Background = &nrm.PlanBackground{}
			if err := json.Unmarshal([]byte(bg), p.Background); err != nil {
				return fmt.Errorf("plan %s: background: %w", p.Code, err)
			}
		}
		plans = append(plans, p)
		byID[p.ID] = p
		return nil
	}); err != nil || len(plans) == 0 {
		return plans, err
	}
	if err := q(`SELECT f.plan_id, f.source, f.text_da, f.text_en, f.org, f.amount_dkk, f.year FROM funding_lines f JOIN plans p ON p.id = f.plan_id
		WHERE `+where+" ORDER BY f.plan_id, f.position", func(r *sql.Rows) error {
		var pid int64
		var fl nrm.FundingLine
		var year sql.NullInt64
		if err := r.Scan(&pid, &fl.Source, &fl.TextDA, &fl.TextEN, &fl.Org, &fl.AmountDKK, &year); err != nil {
			return err
		}
		fl.Year = int(year.Int64)
		byID[pid].Funding = append(byID[pid].Funding, fl)
		return nil
	}); err != nil {
		return nil, err
	}
	// Areas and goals are read in order and addressed by index, because
	// the plan holds them by value.
	type pos struct {
		plan       *nrm.Plan
		area, goal int
	}
	areaAt := map[int64]pos{}
	if err := q(`SELECT a.id, a.plan_id, a.number, a.name_da, a.name_en, a.intro_da, a.intro_en FROM areas a JOIN plans p ON p.id = a.plan_id
		WHERE `+where+" ORDER BY a.plan_id, a.position", func(r *sql.Rows) error {
		var id, pid int64
		var a nrm.Area
		if err := r.Scan(&id, &pid, &a.Number, &a.NameDA, &a.NameEN, &a.IntroDA, &a.IntroEN); err != nil {
			return err
		}
		a.Goals = []nrm.Goal{}
		p := byID[pid]
		p.Areas = append(p.Areas, a)
		areaAt[id] = pos{plan: p, area: len(p.Areas) - 1}
		return nil
	}); err != nil {
		return nil, err
	}
	goalAt := map[int64]pos{}
	if err := q(`SELECT g.id, g.area_id, g.code, g.name_da, g.name_en, g.footnotes FROM goals g JOIN areas a ON a.id = g.area_id JOIN plans p ON p.id = a.plan_id
		WHERE `+where+" ORDER BY g.area_id, g.position", func(r *sql.Rows) error {
		var id, aid int64
		var g nrm.Goal
		var notes string
		if err := r.Scan(&id, &aid, &g.Code, &g.NameDA, &g.NameEN, &notes); err != nil {
			return err
		}
		if err := readFootnotes(notes, &g.Footnotes); err != nil {
			return fmt.Errorf("goal %s: %w", g.Code, err)
		}
		g.Activities = []nrm.Activity{}
		at := areaAt[aid]
		area := &at.plan.Areas[at.area]
		area.Goals = append(area.Goals, g)
		goalAt[id] = pos{plan: at.plan, area: at.area, goal: len(area.Goals) - 1}
		return nil
	}); err != nil {
		return nil, err
	}
	type actPos struct {
		pos
		act int
	}
	actAt := map[int64]actPos{}
	if err := q(`SELECT t.id, t.goal_id, t.code, t.text_da, t.text_en, t.responsible_text, t.responsible_text_en, t.footnotes FROM activities t JOIN plans p ON p.id = t.plan_id
		WHERE `+where+" ORDER BY t.goal_id, t.position", func(r *sql.Rows) error {
		var gid int64
		act := nrm.Activity{Responsible: []string{}, Statuses: []nrm.StatusEntry{}}
		var notes string
		if err := r.Scan(&act.ID, &gid, &act.Code, &act.TextDA, &act.TextEN, &act.ResponsibleText, &act.ResponsibleTextEN, &notes); err != nil {
			return err
		}
		if err := readFootnotes(notes, &act.Footnotes); err != nil {
			return fmt.Errorf("activity %s: %w", act.Code, err)
		}
		at := goalAt[gid]
		goal := &at.plan.Areas[at.area].Goals[at.goal]
		goal.Activities = append(goal.Activities, act)
		actAt[act.ID] = actPos{at, len(goal.Activities) - 1}
		return nil
	}); err != nil {
		return nil, err
	}
	activity := func(id int64) *nrm.Activity {
		at, ok := actAt[id]
		if !ok {
			return nil
		}
		return &at.plan.Areas[at.area].Goals[at.goal].Activities[at.act]
	}
	if err := q(`SELECT r.activity_id, r.org FROM activity_responsibles r JOIN activities t ON t.id = r.activity_id JOIN plans p ON p.id = t.plan_id
		WHERE `+where+" ORDER BY r.activity_id, r.position", func(r *sql.Rows) error {
		var aid int64
		var org string
		if err := r.Scan(&aid, &org); err != nil {
			return err
		}
		if a := activity(aid); a != nil {
			a.Responsible = append(a.Responsible, org)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := q(`SELECT s.activity_id, s.period, s.state, s.text_da, s.text_en, s.date FROM status_entries s JOIN activities t ON t.id = s.activity_id JOIN plans p ON p.id = t.plan_id
		WHERE `+where+" ORDER BY s.activity_id, s.period", func(r *sql.Rows) error {
		var aid int64
		var s nrm.StatusEntry
		if err := r.Scan(&aid, &s.Period, &s.State, &s.TextDA, &s.TextEN, &s.Date); err != nil {
			return err
		}
		if a := activity(aid); a != nil {
			a.Statuses = append(a.Statuses, s)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return plans, nil
}

// SavePlan creates the plan with p.Code or replaces it entirely (areas,
// goals, activities, status entries and funding). The plan row keeps its
// id; its children are written afresh.
func (d *DB) SavePlan(ctx context.Context, p *nrm.Plan) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := validateStatuses(p); err != nil {
		return err
	}
	bg := ""
	if p.Background != nil {
		b, err := json.Marshal(p.Background)
		if err != nil {
			return err
		}
		bg = string(b)
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(ctx, "SELECT id FROM plans WHERE code = ?", p.Code).Scan(&id)
		action := "plan.update"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			action = "plan.create"
			id, err = tx.insertID(ctx, "INSERT INTO plans (code, name_da, name_en, start_year, end_year, budget_dkk, background) VALUES (?, ?, ?, ?, ?, ?, ?)",
				p.Code, p.NameDA, p.NameEN, p.StartYear, p.EndYear, p.BudgetDKK, bg)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if _, err := tx.exec(ctx, "UPDATE plans SET name_da = ?, name_en = ?, start_year = ?, end_year = ?, budget_dkk = ?, background = ? WHERE id = ?",
				p.NameDA, p.NameEN, p.StartYear, p.EndYear, p.BudgetDKK, bg, id); err != nil {
				return err
			}
			// Activities hang off goals, goals off areas: deleting the
			// areas cascades to everything but the funding lines.
			for _, t := range []string{"areas", "funding_lines"} {
				if _, err := tx.exec(ctx, "DELETE FROM "+t+" WHERE plan_id = ?", id); err != nil {
					return err
				}
			}
		}
		p.ID = id
		if err := tx.writePlanChildren(ctx, p); err != nil {
			return err
		}
		return tx.audit(ctx, action, "plan", p.Code, fmt.Sprintf("%d activities", countActivities(p)))
	})
}

func countActivities(p *nrm.Plan) int {
	n := 0
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			n += len(g.Activities)
		}
	}
	return n
}

func (tx *Tx) writePlanChildren(ctx context.Context, p *nrm.Plan) error {
	for i, f := range p.Funding {
		if _, err := tx.exec(ctx, "INSERT INTO funding_lines (plan_id, position, source, text_da, text_en, org, amount_dkk, year) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			p.ID, i, f.Source, f.TextDA, f.TextEN, f.Org, f.AmountDKK, nullInt(f.Year)); err != nil {
			return err
		}
	}
	for ai := range p.Areas {
		area := &p.Areas[ai]
		areaID, err := tx.insertID(ctx, "INSERT INTO areas (plan_id, position, number, name_da, name_en, intro_da, intro_en) VALUES (?, ?, ?, ?, ?, ?, ?)",
			p.ID, ai, area.Number, area.NameDA, area.NameEN, area.IntroDA, area.IntroEN)
		if err != nil {
			return err
		}
		for gi := range area.Goals {
			g := &area.Goals[gi]
			goalID, err := tx.insertID(ctx, "INSERT INTO goals (area_id, position, code, name_da, name_en, footnotes) VALUES (?, ?, ?, ?, ?, ?)",
				areaID, gi, g.Code, g.NameDA, g.NameEN, footnotesJSON(g.Footnotes))
			if err != nil {
				return err
			}
			for ti := range g.Activities {
				act := &g.Activities[ti]
				act.ID, err = tx.insertID(ctx, `INSERT INTO activities (plan_id, goal_id, position, code, text_da, text_en, responsible_text, responsible_text_en, footnotes)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, goalID, ti, act.Code, act.TextDA, act.TextEN, act.ResponsibleText, act.ResponsibleTextEN, footnotesJSON(act.Footnotes))
				if err != nil {
					return err
				}
				seen := map[string]bool{}
				for ri, org := range act.Responsible {
					if seen[org] {
						continue
					}
					seen[org] = true
					if _, err := tx.exec(ctx, "INSERT INTO activity_responsibles (activity_id, position, org) VALUES (?, ?, ?)", act.ID, ri, org); err != nil {
						return err
					}
				}
				for _, s := range act.Statuses {
					if err := tx.putStatus(ctx, act.ID, s); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// footnotesJSON is a goal's or activity's footnotes as stored: a JSON
// list, or "" for none.
func footnotesJSON(fs []nrm.Footnote) string {
	if len(fs) == 0 {
		return ""
	}
	b, _ := json.Marshal(fs) // strings only: cannot fail
	return string(b)
}

// readFootnotes reads footnotes stored by footnotesJSON.
func readFootnotes(s string, fs *[]nrm.Footnote) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), fs); err != nil {
		return fmt.Errorf("footnotes: %w", err)
	}
	return nil
}

// putStatus writes a status entry, replacing the one of the same period.
func (tx *Tx) putStatus(ctx context.Context, activityID int64, s nrm.StatusEntry) error {
	_, err := tx.exec(ctx, `INSERT INTO status_entries (activity_id, period, state, text_da, text_en, date) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (activity_id, period) DO UPDATE SET state = excluded.state, text_da = excluded.text_da, text_en = excluded.text_en, date = excluded.date`,
		activityID, s.Period, string(s.State), s.TextDA, s.TextEN, s.Date)
	return err
}

// maxStatusText bounds a status text: the seed's longest is a few
// thousand characters.
const maxStatusText = 20000

// validateStatus checks one status entry in the fields of a status form.
func validateStatus(s nrm.StatusEntry) []nrm.FieldError {
	var fe []nrm.FieldError
	if s.Period == "" {
		fe = append(fe, nrm.FieldError{Field: "period", Rule: nrm.RuleRequired, Expected: "e.g. 2012-spring"})
	} else if !nrm.ValidPeriod(s.Period) {
		fe = append(fe, nrm.FieldError{Field: "period", Rule: nrm.RuleFormat, Value: s.Period,
			Expected: "YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2, YYYY-spring or YYYY-autumn"})
	}
	if !s.State.Valid() {
		fe = append(fe, nrm.FieldError{Field: "state", Rule: nrm.RuleOneOf, Value: string(s.State), Expected: nrm.ExpectedCodes("state")})
	}
	if strings.TrimSpace(s.TextDA) == "" {
		fe = append(fe, nrm.FieldError{Field: "text_da", Rule: nrm.RuleRequired})
	}
	if len(s.TextDA) > maxStatusText || len(s.TextEN) > maxStatusText {
		fe = append(fe, nrm.FieldError{Field: "text_da", Rule: nrm.RuleTooLong, Expected: fmt.Sprintf("at most %d characters", maxStatusText)})
	}
	return fe
}

// validateStatuses checks the periods of every status entry of a plan
// (Plan.Validate checks that they are present and their states).
func validateStatuses(p *nrm.Plan) error {
	var fe []nrm.FieldError
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				for _, s := range act.Statuses {
					if s.Period != "" && !nrm.ValidPeriod(s.Period) {
						fe = append(fe, nrm.FieldError{Field: "status.period", Rule: nrm.RuleFormat, Value: act.Code + " " + s.Period,
							Expected: "YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2, YYYY-spring or YYYY-autumn"})
					}
				}
			}
		}
	}
	if len(fe) > 0 {
		return &nrm.Error{Code: nrm.EINVALID, Message: "The action plan has invalid fields.", Fields: fe}
	}
	return nil
}

// AddStatus records the status of an activity for a reporting period,
// replacing an entry of the same period.
func (d *DB) AddStatus(ctx context.Context, planCode, activityCode string, s nrm.StatusEntry) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	s.Period = strings.TrimSpace(s.Period)
	if fe := validateStatus(s); len(fe) > 0 {
		return &nrm.Error{Code: nrm.EINVALID, Message: "The status entry has invalid fields.", Fields: fe}
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if s.Date.IsZero() {
			s.Date = nrm.DateOf(tx.now)
		}
		var id int64
		err := tx.queryRow(ctx, "SELECT t.id FROM activities t JOIN plans p ON p.id = t.plan_id WHERE p.code = ? AND t.code = ?",
			planCode, activityCode).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Activity %q of plan %q not found.", activityCode, planCode)}
		} else if err != nil {
			return err
		}
		if err := tx.putStatus(ctx, id, s); err != nil {
			return err
		}
		return tx.audit(ctx, "plan.status", "activity", planCode+"/"+activityCode, s.Period+" "+string(s.State))
	})
}
