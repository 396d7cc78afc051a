package sqlstore

import (
	"context"

	"nrm"
)

// SetBulkBatch sets the cases per bulk batch on both engines and returns
// a function restoring the defaults.
func SetBulkBatch(n int) (restore func()) {
	s, p := bulkBatchSQLite, bulkBatchPostgres
	bulkBatchSQLite, bulkBatchPostgres = n, n
	return func() { bulkBatchSQLite, bulkBatchPostgres = s, p }
}

// DSNOf returns the data source name db was opened with.
func DSNOf(d *DB) string { return d.dsn }

// StatsComputations returns how many times statistics were computed (not
// answered from the cache) in this process.
func StatsComputations() int64 { return statsComputations.Load() }

// DataVersion returns the current data version.
func DataVersion(d *DB) int64 {
	n, err := d.dataVersion(context.Background())
	if err != nil {
		panic(err)
	}
	return n
}

// FormBit returns the stored bit of a form of exploitation.
func FormBit(f nrm.ExploitationForm) int64 { return formBits[f] }

// SetDuplicateScanFactor sets when ImportDuplicates reads the person index
// whole (0: never; large: always) and returns the restore function.
func SetDuplicateScanFactor(f int64) func() {
	old := duplicateScanFactor
	duplicateScanFactor = f
	return func() { duplicateScanFactor = old }
}

// SetStoredHashBits keeps only the low bits of the hashes by which an
// import finds the cases stored before it, so that references share them;
// it returns the restore function.
func SetStoredHashBits(bits uint) func() {
	old := storedHashMask
	storedHashMask = 1<<bits - 1
	return func() { storedHashMask = old }
}

// SetDirectBind sets whether the SQLite bulk writer binds through the
// SQLite handle (true) or the driver's statements, and returns the
// restore function.
func SetDirectBind(on bool) func() {
	old := directBind
	directBind = on
	return func() { directBind = old }
}

// BindsDirectly says whether the SQLite bulk writer reaches the SQLite
// handle under a connection of db inside a transaction.
func BindsDirectly(d *DB) (bool, error) {
	ctx := context.Background()
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("SELECT 1"); err != nil {
		return false, err
	}
	var h *sqliteHandle
	err = conn.Raw(func(dc any) error { h = sqliteHandleOf(dc); return nil })
	return h != nil, err
}
