package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"nrm"
	"nrm/intlexport"
)

// CaseRows returns one row per case identified in q.Year (first
// identification in the year and on or before the cut-off, as the
// statistics count it) with its statistical attributes only: year,
// gender, age at identification, nationality and its region of origin
// (the editable countries mapping), the forms of exploitation, labour
// sector and country of exploitation of the identifying assessment, the
// first contact's form and organisation (its name) and the assessing
// authority. No reference or
// identifier is read. It feeds the k-anonymised case-level export
// (intlexport.WriteHTCDS); administrators, coordinators and analysts may
// call it, and every call is audited.
func (d *DB) CaseRows(ctx context.Context, q nrm.StatsQuery) ([]intlexport.CaseRow, error) {
	q, err := normalizeStatsQuery(q)
	if err != nil {
		return nil, err
	}
	switch actorOf(ctx).Role {
	case nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAnalyst:
	default:
		return nil, forbidden()
	}
	y0, upper := nrm.NewDate(q.Year, 1, 1), q.YearEnd()
	if q.Cutoff.Before(upper) {
		upper = q.Cutoff
	}
	var out []intlexport.CaseRow
	err = d.inTx(ctx, func(tx *Tx) error {
		out = out[:0]
		index := map[int64]int{}
		rows, err := tx.query(ctx, `SELECT c.id, c.gender, c.identified_age, c.nationality, k.region, a.labour_sector,
			c.first_contact_form, a.exploitation_country, c.identified_authority,
			(SELECT COALESCE(NULLIF(o.name_en, ''), o.name_da, ct.org) FROM contacts ct LEFT JOIN organisations o ON o.code = ct.org
				WHERE ct.case_id = c.id ORDER BY ct.date, ct.id LIMIT 1)
			FROM cases c JOIN assessments a ON a.id = c.identified_assessment_id
			LEFT JOIN countries k ON k.code = c.nationality
			WHERE `+cohort+` ORDER BY c.id`, y0, upper)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var gender, sector, country, authority string
			var age sql.NullInt64
			var nat, region, form, referrer sql.NullString
			if err := rows.Scan(&id, &gender, &age, &nat, &region, &sector, &form, &country, &authority, &referrer); err != nil {
				return err
			}
			r := intlexport.CaseRow{Year: q.Year, Gender: nrm.Gender(gender), Nationality: nat.String, Region: nrm.RegionUnknown,
				LabourSector: nrm.LabourSector(sector), ContactForm: nrm.ContactForm(form.String),
				ExploitationCountry: country, Authority: nrm.Authority(authority),
				Stage: nrm.StageFinal, ReferringOrg: referrer.String}
			if age.Valid {
				a := int(age.Int64)
				r.Age = &a
			}
			if region.Valid && region.String != "" {
				r.Region = nrm.Region(region.String)
			}
			index[id] = len(out)
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		forms, err := tx.query(ctx, `SELECT c.id, f.form FROM cases c JOIN assessment_forms f ON f.assessment_id = c.identified_assessment_id
			WHERE `+cohort+` ORDER BY c.id, f.form`, y0, upper)
		if err != nil {
			return err
		}
		defer forms.Close()
		for forms.Next() {
			var id int64
			var f string
			if err := forms.Scan(&id, &f); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				out[i].Exploitation = append(out[i].Exploitation, nrm.ExploitationForm(f))
			}
		}
		if err := forms.Err(); err != nil {
			return err
		}
		forms.Close()
		return tx.audit(ctx, "statistics.case_rows", "statistics", strconv.Itoa(q.Year),
			fmt.Sprintf("%d rows, cut-off %s", len(out), q.Cutoff))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
