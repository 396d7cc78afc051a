package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"nrm"
)

var _ nrm.NetworkService = (*DB)(nil)

// FindGroups returns every reference group with its members, the national
// group first, then the regional groups by code.
func (d *DB) FindGroups(ctx context.Context) ([]*nrm.ReferenceGroup, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, `SELECT id, code, name_da, name_en, region, parent_code FROM reference_groups
		ORDER BY CASE WHEN parent_code = '' THEN 0 ELSE 1 END, code`)
	if err != nil {
		return nil, err
	}
	var out []*nrm.ReferenceGroup
	byID := map[int64]*nrm.ReferenceGroup{}
	for rows.Next() {
		g := &nrm.ReferenceGroup{Members: []nrm.GroupMember{}}
		if err := rows.Scan(&g.ID, &g.Code, &g.NameDA, &g.NameEN, &g.Region, &g.ParentCode); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
		byID[g.ID] = g
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = d.query(ctx, "SELECT group_id, org_code, name_da, state FROM group_members ORDER BY group_id, position")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var m nrm.GroupMember
		if err := rows.Scan(&gid, &m.OrgCode, &m.NameDA, &m.State); err != nil {
			return nil, err
		}
		if g := byID[gid]; g != nil {
			g.Members = append(g.Members, m)
		}
	}
	return out, rows.Err()
}

// SaveGroup creates the group with g.Code or replaces it with its members.
// A parent must exist and be the national group; a second national group
// is refused.
func (d *DB) SaveGroup(ctx context.Context, g *nrm.ReferenceGroup) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := g.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if g.ParentCode != "" {
			var parentOfParent string
			err := tx.queryRow(ctx, "SELECT parent_code FROM reference_groups WHERE code = ?", g.ParentCode).Scan(&parentOfParent)
			if errors.Is(err, sql.ErrNoRows) {
				return &nrm.Error{Code: nrm.EINVALID, Message: "The reference group has invalid fields.", Fields: []nrm.FieldError{
					{Field: "parent_code", Rule: nrm.RuleUnknownReference, Value: g.ParentCode, Expected: "the code of a group in the network"}}}
			} else if err != nil {
				return err
			}
			if parentOfParent != "" {
				return &nrm.Error{Code: nrm.EINVALID, Message: "The reference group has invalid fields.", Fields: []nrm.FieldError{
					{Field: "parent_code", Rule: nrm.RuleNotAllowed, Value: g.ParentCode, Expected: "the national group's code (regional groups report to the national group)"}}}
			}
		} else {
			var other string
			err := tx.queryRow(ctx, "SELECT code FROM reference_groups WHERE parent_code = '' AND code <> ?", g.Code).Scan(&other)
			if err == nil {
				return &nrm.Error{Code: nrm.EINVALID, Message: "The reference group has invalid fields.", Fields: []nrm.FieldError{
					{Field: "parent_code", Rule: nrm.RuleRequired, Expected: fmt.Sprintf("the national group's code (%s); there is one national group", other)}}}
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var id int64
		err := tx.queryRow(ctx, "SELECT id FROM reference_groups WHERE code = ?", g.Code).Scan(&id)
		action := "group.update"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			action = "group.create"
			if id, err = tx.insertID(ctx, "INSERT INTO reference_groups (code, name_da, name_en, region, parent_code) VALUES (?, ?, ?, ?, ?)",
				g.Code, g.NameDA, g.NameEN, g.Region, g.ParentCode); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if _, err := tx.exec(ctx, "UPDATE reference_groups SET name_da = ?, name_en = ?, region = ?, parent_code = ? WHERE id = ?",
				g.NameDA, g.NameEN, g.Region, g.ParentCode, id); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "DELETE FROM group_members WHERE group_id = ?", id); err != nil {
				return err
			}
		}
		g.ID = id
		for i, m := range g.Members {
			if _, err := tx.exec(ctx, "INSERT INTO group_members (group_id, position, org_code, name_da, state) VALUES (?, ?, ?, ?, ?)",
				id, i, m.OrgCode, m.NameDA, m.State); err != nil {
				return err
			}
		}
		return tx.audit(ctx, action, "reference_group", g.Code, fmt.Sprintf("%d members", len(g.Members)))
	})
}

// AddMeeting records a meeting of an existing group.
func (d *DB) AddMeeting(ctx context.Context, m *nrm.Meeting) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := m.Validate(); err != nil {
		return err
	}
	da, err := json.Marshal(m.TopicsDA)
	if err != nil {
		return err
	}
	en := []byte("[]")
	if len(m.TopicsEN) > 0 {
		if en, err = json.Marshal(m.TopicsEN); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM reference_groups WHERE code = ?", m.GroupCode).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The meeting has invalid fields.", Fields: []nrm.FieldError{
				{Field: "group_code", Rule: nrm.RuleUnknownReference, Value: m.GroupCode, Expected: "the code of a group in the network"}}}
		} else if err != nil {
			return err
		}
		if m.ID, err = tx.insertID(ctx, "INSERT INTO meetings (group_code, date, topics_da, topics_en) VALUES (?, ?, ?, ?)",
			m.GroupCode, m.Date, string(da), string(en)); err != nil {
			return err
		}
		return tx.audit(ctx, "meeting.create", "meeting", strconv.FormatInt(m.ID, 10), m.GroupCode+" "+m.Date.String())
	})
}

// FindMeetings returns a group's meetings by date (all groups' when
// groupCode is empty).
func (d *DB) FindMeetings(ctx context.Context, groupCode string) ([]*nrm.Meeting, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	q := "SELECT id, group_code, date, topics_da, topics_en FROM meetings"
	var args []any
	if groupCode != "" {
		q += " WHERE group_code = ?"
		args = append(args, groupCode)
	}
	rows, err := d.query(ctx, q+" ORDER BY date, group_code, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.Meeting
	for rows.Next() {
		m := &nrm.Meeting{}
		var da, en string
		if err := rows.Scan(&m.ID, &m.GroupCode, &m.Date, &da, &en); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(da), &m.TopicsDA); err != nil {
			return nil, fmt.Errorf("meeting %d topics: %w", m.ID, err)
		}
		if err := json.Unmarshal([]byte(en), &m.TopicsEN); err != nil {
			return nil, fmt.Errorf("meeting %d topics: %w", m.ID, err)
		}
		if len(m.TopicsEN) == 0 {
			m.TopicsEN = nil
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindOutreachServices returns every outreach service by code.
func (d *DB) FindOutreachServices(ctx context.Context) ([]*nrm.OutreachService, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, "SELECT code, name_da, name_en, kind, org_code, area FROM outreach_services ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.OutreachService
	for rows.Next() {
		s := &nrm.OutreachService{}
		if err := rows.Scan(&s.Code, &s.NameDA, &s.NameEN, &s.Kind, &s.OrgCode, &s.Area); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveOutreachService creates or replaces the service with s.Code.
func (d *DB) SaveOutreachService(ctx context.Context, s *nrm.OutreachService) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := s.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO outreach_services (code, name_da, name_en, kind, org_code, area) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name_da = excluded.name_da, name_en = excluded.name_en, kind = excluded.kind,
			org_code = excluded.org_code, area = excluded.area`,
			s.Code, s.NameDA, s.NameEN, string(s.Kind), s.OrgCode, s.Area); err != nil {
			return err
		}
		return tx.audit(ctx, "outreach_service.save", "outreach_service", s.Code, "")
	})
}

// FindOutreachStats returns a service's statistics by period (all
// services' when serviceCode is empty).
func (d *DB) FindOutreachStats(ctx context.Context, serviceCode string) ([]*nrm.OutreachStat, error) {
	if !readsPlan(actorOf(ctx)) {
		return nil, forbidden()
	}
	q := "SELECT service_code, period, visits, consultations FROM outreach_stats"
	var args []any
	if serviceCode != "" {
		q += " WHERE service_code = ?"
		args = append(args, serviceCode)
	}
	rows, err := d.query(ctx, q+" ORDER BY service_code, period", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.OutreachStat
	for rows.Next() {
		s := &nrm.OutreachStat{}
		if err := rows.Scan(&s.ServiceCode, &s.Period, &s.Visits, &s.Consultations); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveOutreachStat creates or replaces the statistic of a service and
// period; the service must exist.
func (d *DB) SaveOutreachStat(ctx context.Context, s *nrm.OutreachStat) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := s.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM outreach_services WHERE code = ?", s.ServiceCode).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The outreach statistic has invalid fields.", Fields: []nrm.FieldError{
				{Field: "service_code", Rule: nrm.RuleUnknownReference, Value: s.ServiceCode, Expected: "the code of a service in the network"}}}
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO outreach_stats (service_code, period, visits, consultations) VALUES (?, ?, ?, ?)
			ON CONFLICT (service_code, period) DO UPDATE SET visits = excluded.visits, consultations = excluded.consultations`,
			s.ServiceCode, s.Period, s.Visits, s.Consultations); err != nil {
			return err
		}
		return tx.audit(ctx, "outreach_stat.save", "outreach_stat", s.ServiceCode+"/"+s.Period,
			fmt.Sprintf("visits %d, consultations %d", s.Visits, s.Consultations))
	})
}
