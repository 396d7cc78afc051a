package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A transaction keeps one handle per cached statement, however often it
// runs it: database/sql holds every handle Tx.StmtContext returns until
// the transaction ends, and a long import once held one per statement run.
func TestTxReusesStatementHandles(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "nrm.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const q = "SELECT COUNT(*) FROM cases WHERE id > ?"
	// The cache prepares a text in the background after its first use.
	for deadline := time.Now().Add(10 * time.Second); d.stmts.get(q) == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the statement was never prepared")
		}
	}
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for i := range 1000 {
		var n int
		if err := tx.queryRow(ctx, q, i).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.exec(ctx, q, i); err != nil {
			t.Fatal(err)
		}
	}
	if len(tx.stmts) != 1 {
		t.Fatalf("%d statement handles for one cached statement", len(tx.stmts))
	}
}
