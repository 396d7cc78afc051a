package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"nrm"
)

var _ nrm.WorkGroupService = (*DB)(nil)

func groupNotFound(code string) error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Working group %q not found.", code)}
}

// FindWorkGroups returns every working group with its members, meetings
// (in date order) and agreed actions, ordered by code.
func (d *DB) FindWorkGroups(ctx context.Context) ([]*nrm.WorkGroup, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	return d.loadWorkGroups(ctx, "1=1")
}

// FindWorkGroup returns the working group with code.
func (d *DB) FindWorkGroup(ctx context.Context, code string) (*nrm.WorkGroup, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	gs, err := d.loadWorkGroups(ctx, "g.code = ?", code)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, groupNotFound(code)
	}
	return gs[0], nil
}

func (d *DB) loadWorkGroups(ctx context.Context, where string, args ...any) ([]*nrm.WorkGroup, error) {
	var groups []*nrm.WorkGroup
	err := d.inReadTx(ctx, func(tx *Tx) error {
		byID := map[int64]*nrm.WorkGroup{}
		q := func(sqlText string, fn func(r *sql.Rows) error) error { return each(ctx, tx, sqlText, args, fn) }
		if err := q("SELECT g.id, g.code, g.plan_code, g.kind, g.name_da, g.name_en, g.chair, g.text_da, g.text_en FROM work_groups g WHERE "+where+" ORDER BY g.code",
			func(r *sql.Rows) error {
				var id int64
				g := &nrm.WorkGroup{Members: []string{}, Meetings: []nrm.GroupMeeting{}, Actions: []nrm.GroupAction{}}
				if err := r.Scan(&id, &g.Code, &g.Plan, &g.Kind, &g.NameDA, &g.NameEN, &g.Chair, &g.TextDA, &g.TextEN); err != nil {
					return err
				}
				groups = append(groups, g)
				byID[id] = g
				return nil
			}); err != nil || len(groups) == 0 {
			return err
		}
		if err := q("SELECT m.group_id, m.org FROM work_group_members m JOIN work_groups g ON g.id = m.group_id WHERE "+where+" ORDER BY m.group_id, m.position",
			func(r *sql.Rows) error {
				var id int64
				var org string
				if err := r.Scan(&id, &org); err != nil {
					return err
				}
				byID[id].Members = append(byID[id].Members, org)
				return nil
			}); err != nil {
			return err
		}
		if err := q("SELECT m.group_id, m.date, m.minutes_da, m.minutes_en FROM work_group_meetings m JOIN work_groups g ON g.id = m.group_id WHERE "+where+" ORDER BY m.group_id, m.date, m.id",
			func(r *sql.Rows) error {
				var id int64
				var m nrm.GroupMeeting
				if err := r.Scan(&id, &m.Date, &m.MinutesDA, &m.MinutesEN); err != nil {
					return err
				}
				byID[id].Meetings = append(byID[id].Meetings, m)
				return nil
			}); err != nil {
			return err
		}
		return q("SELECT a.group_id, a.text_da, a.text_en, a.org, a.due, a.done FROM work_group_actions a JOIN work_groups g ON g.id = a.group_id WHERE "+where+" ORDER BY a.group_id, a.position",
			func(r *sql.Rows) error {
				var id int64
				var a nrm.GroupAction
				if err := r.Scan(&id, &a.TextDA, &a.TextEN, &a.Org, &a.Due, &a.Done); err != nil {
					return err
				}
				byID[id].Actions = append(byID[id].Actions, a)
				return nil
			})
	})
	return groups, err
}

// SaveWorkGroup creates the group with g.Code or replaces it, members,
// meetings and actions included (coordinator and administrator).
func (d *DB) SaveWorkGroup(ctx context.Context, g *nrm.WorkGroup) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := g.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if g.Plan != "" {
			if _, err := tx.planID(ctx, g.Plan); err != nil {
				if nrm.ErrorCode(err) == nrm.ENOTFOUND {
					return &nrm.Error{Code: nrm.EINVALID, Message: "The working group has invalid fields.",
						Fields: []nrm.FieldError{{Field: "plan", Rule: nrm.RuleUnknownReference, Value: g.Plan, Expected: "the code of an action plan"}}}
				}
				return err
			}
		}
		var id int64
		err := tx.queryRow(ctx, "SELECT id FROM work_groups WHERE code = ?", g.Code).Scan(&id)
		action := "workgroup.update"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			action = "workgroup.create"
			id, err = tx.insertID(ctx, "INSERT INTO work_groups (code, plan_code, kind, name_da, name_en, chair, text_da, text_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				g.Code, g.Plan, string(g.Kind), g.NameDA, g.NameEN, g.Chair, g.TextDA, g.TextEN)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if _, err := tx.exec(ctx, "UPDATE work_groups SET plan_code = ?, kind = ?, name_da = ?, name_en = ?, chair = ?, text_da = ?, text_en = ? WHERE id = ?",
				g.Plan, string(g.Kind), g.NameDA, g.NameEN, g.Chair, g.TextDA, g.TextEN, id); err != nil {
				return err
			}
			for _, t := range []string{"work_group_members", "work_group_meetings", "work_group_actions"} {
				if _, err := tx.exec(ctx, "DELETE FROM "+t+" WHERE group_id = ?", id); err != nil {
					return err
				}
			}
		}
		for i, m := range g.Members {
			if _, err := tx.exec(ctx, "INSERT INTO work_group_members (group_id, position, org) VALUES (?, ?, ?)", id, i, m); err != nil {
				return err
			}
		}
		for _, m := range g.Meetings {
			if err := tx.addGroupMeeting(ctx, id, m); err != nil {
				return err
			}
		}
		for i, a := range g.Actions {
			if _, err := tx.exec(ctx, "INSERT INTO work_group_actions (group_id, position, text_da, text_en, org, due, done) VALUES (?, ?, ?, ?, ?, ?, ?)",
				id, i, a.TextDA, a.TextEN, a.Org, a.Due, a.Done); err != nil {
				return err
			}
		}
		return tx.audit(ctx, action, "workgroup", g.Code, fmt.Sprintf("%d members, %d meetings, %d actions", len(g.Members), len(g.Meetings), len(g.Actions)))
	})
}

func (tx *Tx) addGroupMeeting(ctx context.Context, groupID int64, m nrm.GroupMeeting) error {
	_, err := tx.exec(ctx, "INSERT INTO work_group_meetings (group_id, date, minutes_da, minutes_en) VALUES (?, ?, ?, ?)", groupID, m.Date, m.MinutesDA, m.MinutesEN)
	return err
}

// AddGroupMeeting records a meeting of a working group with its minutes.
func (d *DB) AddGroupMeeting(ctx context.Context, code string, m nrm.GroupMeeting) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	g := nrm.WorkGroup{Code: code, Kind: nrm.GroupThematic, NameDA: "-", Meetings: []nrm.GroupMeeting{m}}
	if err := g.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(ctx, "SELECT id FROM work_groups WHERE code = ?", code).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return groupNotFound(code)
		} else if err != nil {
			return err
		}
		if err := tx.addGroupMeeting(ctx, id, m); err != nil {
			return err
		}
		return tx.audit(ctx, "workgroup.meeting", "workgroup", code, m.Date.String())
	})
}

// DeleteWorkGroup deletes a working group with its members, meetings and
// actions.
func (d *DB) DeleteWorkGroup(ctx context.Context, code string) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM work_groups WHERE code = ?", code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return groupNotFound(code)
		}
		return tx.audit(ctx, "workgroup.delete", "workgroup", code, "")
	})
}
