package sqlstore

// SetBulkBatch sets the cases per bulk batch on both engines and returns
// a function restoring the defaults.
func SetBulkBatch(n int) (restore func()) {
	s, p := bulkBatchSQLite, bulkBatchPostgres
	bulkBatchSQLite, bulkBatchPostgres = n, n
	return func() { bulkBatchSQLite, bulkBatchPostgres = s, p }
}
