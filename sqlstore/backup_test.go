package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// restoreTarget returns a fresh target for a restore on the engine.
func restoreTarget(t *testing.T, engine string) string {
	if engine == "sqlite" {
		return filepath.Join(t.TempDir(), "restored.db")
	}
	return sqltest.DSN(t, engine)
}

func statsOf(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	var out string
	for _, y := range []int{2010, 2011} {
		s, err := db.Statistics(admin, nrm.StatsQuery{Year: y})
		if err != nil {
			t.Fatal(err)
		}
		b := must(json.Marshal(s))(t)
		out += string(b)
	}
	return out
}

// A backup taken while a writer commits cases is one consistent state:
// restored, its audit chain is intact and a prefix of the live chain, and
// it holds exactly the cases whose creation that chain records. Taken at
// rest, it restores to the same statistics and the same chain head.
func TestBackupWhileWritingAndRestore(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			keys := sqltest.Keyring(t)
			dsn := sqltest.DSN(t, engine)
			db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Sealer: keys})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			load(t, db, caseSpec{ref: "B-0", gender: "female", nat: "NG", assessed: "2011-03-01", auth: nrm.AuthorityUS})
			var stop atomic.Bool
			var wg sync.WaitGroup
			var written atomic.Int64
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 1; !stop.Load(); i++ {
					c := newCase(fmt.Sprintf("B-%d", i))
					if err := db.CreateCase(admin, c); err != nil {
						t.Error(err)
						return
					}
					written.Add(1)
				}
			}()
			for written.Load() < 20 {
				time.Sleep(time.Millisecond)
			}
			dir := t.TempDir()
			live, err := db.Backup(admin, filepath.Join(dir, "live.bak"))
			if err != nil {
				stop.Store(true)
				wg.Wait()
				t.Fatal(err)
			}
			for n := written.Load(); written.Load() < n+20; {
				time.Sleep(time.Millisecond)
			}
			stop.Store(true)
			wg.Wait()

			target := restoreTarget(t, engine)
			got, err := sqlstore.Restore(context.Background(), target, live.Path, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.AuditSeq != live.AuditSeq || got.AuditHash != live.AuditHash || got.Cases != live.Cases {
				t.Fatalf("restored %+v, backed up %+v", got, live)
			}
			restored := sqltest.MustOpenDSN(t, target)
			restored.SetSealer(keys)
			if n, problems, err := restored.VerifyAudit(context.Background()); err != nil || len(problems) != 0 || n != live.AuditSeq {
				t.Fatalf("restored audit chain: %d entries, %v %v", n, problems, err)
			}
			// The restored head is an entry of the live chain: a prefix.
			entries := must(db.FindAudit(context.Background(), sqlstore.AuditFilter{AfterSeq: live.AuditSeq - 1, Limit: 1}))(t)
			if len(entries) != 1 || entries[0].Hash != live.AuditHash {
				t.Fatalf("the backup's head is not in the live chain")
			}
			creates := must(restored.FindAudit(context.Background(), sqlstore.AuditFilter{Entity: "case", Limit: 10000}))(t)
			n := 0
			for _, e := range creates {
				if e.Action == "case.create" {
					n++
				}
			}
			if n != live.Cases {
				t.Fatalf("backup holds %d cases but records %d creations", live.Cases, n)
			}
			if live.Cases >= int(written.Load())+1 {
				t.Fatalf("backup taken mid-way holds all %d cases", live.Cases)
			}

			// At rest: the same statistics and head; identifiers readable
			// with the original key.
			rest, err := db.Backup(admin, filepath.Join(dir, "rest.bak"))
			if err != nil {
				t.Fatal(err)
			}
			target2 := restoreTarget(t, engine)
			if _, err := sqlstore.Restore(context.Background(), target2, rest.Path, false); err != nil {
				t.Fatal(err)
			}
			again := sqltest.MustOpenDSN(t, target2)
			again.SetSealer(keys)
			if statsOf(t, again) != statsOf(t, db) {
				t.Fatal("statistics differ after backup and restore")
			}
			var seq int64
			var hash string
			if err := again.SQL().QueryRow("SELECT seq, hash FROM audit_head").Scan(&seq, &hash); err != nil {
				t.Fatal(err)
			}
			var lseq int64
			var lhash string
			if err := db.SQL().QueryRow("SELECT seq, hash FROM audit_head").Scan(&lseq, &lhash); err != nil {
				t.Fatal(err)
			}
			if seq != lseq || hash != lhash || seq != rest.AuditSeq {
				t.Fatalf("head %d %s after restore, %d %s live", seq, hash, lseq, lhash)
			}
			c, err := again.FindCaseByRef(admin, "B-3")
			if err != nil || c.Identifiers.Name != "Blessing Okafor-B-3" {
				t.Fatalf("identifiers after restore: %v %+v", err, c)
			}
			// A restore never overwrites without being told to.
			if _, err := sqlstore.Restore(context.Background(), target2, rest.Path, false); nrm.ErrorCode(err) != nrm.ECONFLICT {
				t.Fatalf("restore over an existing database: %v", err)
			}
			if _, err := db.Backup(admin, rest.Path); nrm.ErrorCode(err) != nrm.ECONFLICT {
				t.Fatalf("backup over an existing file: %v", err)
			}
		})
	}
}
