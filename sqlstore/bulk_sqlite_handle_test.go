package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	sqlite3 "modernc.org/sqlite/lib"

	"nrm"
)

// A statement that fails on the SQLite handle reports SQLite's message
// and extended code, so that the dialect translates it as it does the
// driver's errors; the handle is only reached inside a transaction.
func TestSQLiteHandleErrors(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "nrm.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	conn, err := d.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error {
		if h := sqliteHandleOf(dc); h != nil {
			t.Error("a handle outside a transaction")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("CREATE TEMP TABLE u (k TEXT NOT NULL UNIQUE, n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	var stepErr, prepErr, typeErr error
	if err := conn.Raw(func(dc any) error {
		h := sqliteHandleOf(dc)
		if h == nil {
			t.Fatal("no handle inside a transaction")
		}
		defer h.free()
		p, err := h.prepare("INSERT INTO u (k, n) VALUES (?, ?), (?, ?)")
		if err != nil {
			t.Fatal(err)
		}
		defer h.finalize(p)
		// exec clears the connection's pointer to its mutex while it
		// runs: it must be back afterwards, whether the statement
		// succeeded or failed, or later calls would skip the lock.
		mu := sqlite3.Xsqlite3_db_mutex(h.tls, h.db)
		if mu == 0 {
			t.Fatal("the connection has no mutex")
		}
		mutexBack := func(after string) {
			if got := sqlite3.Xsqlite3_db_mutex(h.tls, h.db); got != mu {
				t.Errorf("after %s, the connection's mutex is %#x, not %#x", after, got, mu)
			}
		}
		if err := h.exec(p, []any{"a", int64(1), "b", nil}); err != nil {
			t.Fatal(err)
		}
		mutexBack("a statement")
		stepErr = h.exec(p, []any{"c", int64(2), "a", int64(3)})
		mutexBack("a failed step")
		typeErr = h.exec(p, []any{"d", 1.5, "e", struct{}{}})
		mutexBack("a failed bind")
		_, prepErr = h.prepare("INSERT INTO nowhere VALUES (?)")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := nrm.ErrorCode(d.dialect.translate(stepErr)); got != nrm.ECONFLICT {
		t.Errorf("unique violation: %v, translated to %q", stepErr, got)
	}
	if prepErr == nil || prepErr.Error() != "no such table: nowhere (1)" {
		t.Errorf("prepare: %v", prepErr)
	}
	if typeErr == nil || typeErr.Error() != "parameter 4: value of type struct {}" {
		t.Errorf("bind: %v", typeErr)
	}
	// Nothing of the failed statements stayed: the first one's rows only.
	var n int
	if err := tx.QueryRow("SELECT COUNT(*) FROM u").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d rows, %v", n, err)
	}
}
