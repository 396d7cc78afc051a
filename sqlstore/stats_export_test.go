package sqlstore

import "context"

// ExecForTest runs one statement (placeholders ?) in its own transaction,
// for tests that write rows no service writes yet.
func (d *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := d.db.ExecContext(ctx, d.dialect.rebind(q), args...)
	return err
}
