package sqlstore

import (
	"context"
	"fmt"
)

// The data version (migration 00005) is a counter that moves with every
// change to the data the statistics read; the statistics cache
// (statscache.go) keys its entries by it.

const dataVersionSQL = "SELECT n FROM data_version WHERE id = 1"

// dataVersion reads the counter in tx's snapshot.
func (tx *Tx) dataVersion(ctx context.Context) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, dataVersionSQL).Scan(&n)
	return n, err
}

// dataVersion reads the latest committed counter.
func (d *DB) dataVersion(ctx context.Context) (int64, error) {
	var n int64
	err := d.queryRow(ctx, dataVersionSQL).Scan(&n)
	return n, err
}

// caseTriggersSQL lists the data-version triggers of the tables the bulk
// writer fills.
const caseTriggersSQL = `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\_dv\_%' ESCAPE '\'
	AND tbl_name IN ('cases', 'contacts', 'assessments', 'assessment_forms', 'reflection_periods', 'accommodations', 'offers', 'exits')
	ORDER BY name`

// suspendDataTriggers drops SQLite's row-level data-version triggers of
// the case tables inside the import transaction tx, so that a bulk import
// does not run one trigger per row, and returns the function that puts
// them back and moves the counter once; it must run before the commit.
// On PostgreSQL the triggers are per statement and stay.
func (tx *Tx) suspendDataTriggers(ctx context.Context) (resume func() error, err error) {
	if tx.db.dialect.name() != "sqlite" {
		return func() error { return nil }, nil
	}
	rows, err := tx.QueryContext(ctx, caseTriggersSQL)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+name+`"`); err != nil {
			return nil, fmt.Errorf("suspend trigger %s: %w", name, err)
		}
	}
	return func() error {
		for i, def := range defs {
			if _, err := tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("restore trigger %s: %w", names[i], err)
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE data_version SET n = n + 1 WHERE id = 1")
		return err
	}, nil
}
