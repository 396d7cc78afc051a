package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"nrm"
)

var (
	_ nrm.OrganisationService = (*DB)(nil)
	_ nrm.ProsecutionService  = (*DB)(nil)
	_ nrm.SettingService      = (*DB)(nil)
)

// FindOrganisations lists organisations by code.
func (d *DB) FindOrganisations(ctx context.Context) ([]*nrm.Organisation, error) {
	rows, err := d.query(ctx, "SELECT code, name_da, name_en, kind FROM organisations ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.Organisation
	for rows.Next() {
		o := &nrm.Organisation{}
		if err := rows.Scan(&o.Code, &o.NameDA, &o.NameEN, &o.Kind); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// UpsertOrganisation creates or updates an organisation (admin only).
func (d *DB) UpsertOrganisation(ctx context.Context, o *nrm.Organisation) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO organisations (code, name_da, name_en, kind) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name_da = excluded.name_da, name_en = excluded.name_en, kind = excluded.kind`,
			o.Code, o.NameDA, o.NameEN, string(o.Kind)); err != nil {
			return err
		}
		return tx.audit(ctx, "organisation.save", "organisation", o.Code, "")
	})
}

// FindCountries lists the nationality → region mapping.
func (d *DB) FindCountries(ctx context.Context) ([]*nrm.Country, error) {
	rows, err := d.query(ctx, "SELECT code, name_da, name_en, region FROM countries ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.Country
	for rows.Next() {
		c := &nrm.Country{}
		if err := rows.Scan(&c.Code, &c.NameDA, &c.NameEN, &c.Region); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpsertCountry creates or updates one row of the mapping (admin or
// coordinator: the mapping is statistical metadata).
func (d *DB) UpsertCountry(ctx context.Context, c *nrm.Country) error {
	return d.UpsertCountries(ctx, []*nrm.Country{c})
}

// UpsertCountries writes many mapping rows in one transaction.
func (d *DB) UpsertCountries(ctx context.Context, cs []*nrm.Country) error {
	if r := actorOf(ctx).Role; r != nrm.RoleAdmin && r != nrm.RoleCoordinator {
		return forbidden()
	}
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx *Tx) error {
		for _, c := range cs {
			if _, err := tx.exec(ctx, `INSERT INTO countries (code, name_da, name_en, region) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name_da = excluded.name_da, name_en = excluded.name_en, region = excluded.region`,
				c.Code, c.NameDA, c.NameEN, string(c.Region)); err != nil {
				return err
			}
		}
		return tx.audit(ctx, "countries.save", "countries", "", "")
	})
}

// FindProsecutions lists the police's yearly rows.
func (d *DB) FindProsecutions(ctx context.Context) ([]*nrm.Prosecution, error) {
	rows, err := d.query(ctx, `SELECT year, cutoff_date, charges, decisions, convictions_unconditional, convictions_partly_suspended, note
		FROM prosecutions ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.Prosecution
	for rows.Next() {
		p := &nrm.Prosecution{}
		if err := rows.Scan(&p.Year, &p.Cutoff, &p.Charges, &p.Decisions, &p.ConvictionsUnconditional, &p.ConvictionsPartlySuspended, &p.Note); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// UpsertProsecution creates or replaces the row for p.Year.
func (d *DB) UpsertProsecution(ctx context.Context, p *nrm.Prosecution) error {
	if r := actorOf(ctx).Role; r != nrm.RoleAdmin && r != nrm.RoleCoordinator {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error { return tx.upsertProsecution(ctx, p) })
}

func (tx *Tx) upsertProsecution(ctx context.Context, p *nrm.Prosecution) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO prosecutions (year, cutoff_date, charges, decisions, convictions_unconditional, convictions_partly_suspended, note)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET cutoff_date = excluded.cutoff_date, charges = excluded.charges,
		decisions = excluded.decisions, convictions_unconditional = excluded.convictions_unconditional,
		convictions_partly_suspended = excluded.convictions_partly_suspended, note = excluded.note`,
		p.Year, p.Cutoff, p.Charges, p.Decisions, p.ConvictionsUnconditional, p.ConvictionsPartlySuspended, p.Note); err != nil {
		return err
	}
	return tx.audit(ctx, "prosecution.save", "prosecution", itoa(p.Year), "")
}

// Setting returns a stored setting ("" when unset), e.g. the report's
// introduction text.
func (d *DB) Setting(ctx context.Context, key string) (string, error) {
	v, _, err := settingValue(ctx, d.queryRow, key)
	return v, err
}

// settingValue reads a stored setting through q (the database or a
// transaction); set is false when none is stored.
func settingValue(ctx context.Context, q func(context.Context, string, ...any) *sql.Row, key string) (v string, set bool, err error) {
	err = q(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// FindSettings lists every known setting (nrm.Settings) with its stored
// value (administrators and coordinators).
func (d *DB) FindSettings(ctx context.Context) ([]*nrm.SettingValue, error) {
	if r := actorOf(ctx).Role; r != nrm.RoleAdmin && r != nrm.RoleCoordinator {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, "SELECT key, value FROM settings")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stored := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		stored[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*nrm.SettingValue
	for _, def := range nrm.Settings() {
		v, set := stored[def.Key]
		out = append(out, &nrm.SettingValue{Def: def, Value: v, Set: set})
	}
	return out, nil
}

// settingFor checks that key is a known setting the actor may change.
func settingFor(ctx context.Context, key string) (*nrm.SettingDef, error) {
	r := actorOf(ctx).Role
	if r != nrm.RoleAdmin && r != nrm.RoleCoordinator {
		return nil, forbidden()
	}
	def, err := nrm.LookupSetting(key)
	if err != nil {
		return nil, err
	}
	// Who signs in how and who may see exact statistics are an
	// administrator's decisions: a coordinator must not be able to grant
	// them to themselves.
	if !def.MayChange(r) {
		return nil, forbidden()
	}
	return def, nil
}

// SetSetting validates and stores a known setting (administrators, and
// coordinators for the settings that are not nrm.SettingDef.AdminOnly).
// An unknown key or a value the setting does not take is EINVALID naming
// the setting and what it expects. The audit entry records the old and
// the new value (the length only, for text).
func (d *DB) SetSetting(ctx context.Context, key, value string) error {
	def, err := settingFor(ctx, key)
	if err != nil {
		return err
	}
	value, err = def.Check(value)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		old, set, err := settingValue(ctx, tx.queryRow, def.Key)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", def.Key, value); err != nil {
			return err
		}
		return tx.audit(ctx, "setting.save", "setting", def.Key, settingChange(def, old, set, value, true))
	})
}

// ResetSetting removes a stored setting, so that its default applies
// again; who may change a setting may reset it.
func (d *DB) ResetSetting(ctx context.Context, key string) error {
	def, err := settingFor(ctx, key)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		old, set, err := settingValue(ctx, tx.queryRow, def.Key)
		if err != nil || !set {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM settings WHERE key = ?", def.Key); err != nil {
			return err
		}
		return tx.audit(ctx, "setting.reset", "setting", def.Key, settingChange(def, old, set, def.Default, false))
	})
}

// settingChange describes a change for the audit log.
func settingChange(def *nrm.SettingDef, old string, oldSet bool, value string, newSet bool) string {
	show := func(v string, set bool) string {
		switch {
		case !set:
			return "default"
		case def.Text:
			return fmt.Sprintf("text of %d characters", utf8.RuneCountInString(v))
		}
		return strconv.Quote(v)
	}
	return "from " + show(old, oldSet) + " to " + show(value, newSet)
}
