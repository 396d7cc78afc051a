package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func mustKey(t *testing.T, id string) seal.Key {
	t.Helper()
	k, err := seal.NewKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustRing(t *testing.T, keys ...seal.Key) *seal.Keyring {
	t.Helper()
	r, err := seal.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// CheckBackupKeys names the keys a backup's identifiers were sealed with
// and tells which of them a key ring opens — a ring with another key of
// the same name, a ring missing the older key, no ring — reading the
// backup only; a backup without identifiers needs no key.
func TestCheckBackupKeys(t *testing.T) {
	ctx := context.Background()
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			mac, k1, k2 := mustKey(t, seal.MACKeyID), mustKey(t, "k1"), mustKey(t, "k2")
			dsn := sqltest.DSN(t, engine)
			db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Sealer: mustRing(t, mac, k1)})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dir := t.TempDir()
			empty := filepath.Join(dir, "empty.bak")
			if _, err := db.Backup(admin, empty); err != nil {
				t.Fatal(err)
			}
			newCase := func(ref string, ids nrm.Identifiers) {
				t.Helper()
				c := &nrm.Case{Ref: ref, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
					Identifiers: ids, Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}}}
				if err := db.CreateCase(admin, c); err != nil {
					t.Fatal(err)
				}
			}
			newCase("K-NONE", nrm.Identifiers{})
			newCase("K/ONE.x_1", nrm.Identifiers{Name: "Sealed With One"})
			db.SetSealer(mustRing(t, mac, k1, k2))
			newCase("K-TWO", nrm.Identifiers{Name: "Sealed With Two"})
			path := filepath.Join(dir, "two-keys.bak")
			if _, err := db.Backup(admin, path); err != nil {
				t.Fatal(err)
			}
			before := must(os.ReadFile(path))(t)
			for _, tc := range []struct {
				name     string
				ring     nrm.Sealer
				unopened []string
			}{
				{"both keys", mustRing(t, mac, k1, k2), nil},
				{"the newer key only", mustRing(t, mac, k2), []string{"k1"}},
				{"another k1", mustRing(t, mac, mustKey(t, "k1")), []string{"k1", "k2"}},
				{"no key ring", nil, []string{"k1", "k2"}},
			} {
				got, err := sqlstore.CheckBackupKeys(ctx, dsn, path, tc.ring)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if !slices.Equal(got.Sealed, []string{"k1", "k2"}) || !slices.Equal(got.Unopened, tc.unopened) {
					t.Errorf("%s: sealed %v, unopened %v; want [k1 k2], %v", tc.name, got.Sealed, got.Unopened, tc.unopened)
				}
			}
			if after := must(os.ReadFile(path))(t); string(after) != string(before) {
				t.Error("checking the keys changed the backup")
			}
			got, err := sqlstore.CheckBackupKeys(ctx, dsn, empty, nil)
			if err != nil || len(got.Sealed) != 0 || len(got.Unopened) != 0 {
				t.Errorf("backup without identifiers: %+v %v", got, err)
			}
			bogus := filepath.Join(dir, "bogus.bak")
			if err := os.WriteFile(bogus, []byte("not a backup"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := sqlstore.CheckBackupKeys(ctx, dsn, bogus, nil); err == nil {
				t.Error("a file that is no backup was accepted")
			}
		})
	}
}

// withUmask runs fn with the process umask set to mask, as a shell with
// umask 022 (the usual default) would.
func withUmask(mask int, fn func()) {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	fn()
}

func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// A new SQLite database, the -wal and -shm files SQLite makes beside it,
// a backup and a restored database are readable by their owner only
// (0600) under umask 022, where SQLite's own default is 0644; an empty
// file a database is created in is made owner-only too.
func TestSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	withUmask(0o022, func() {
		path := filepath.Join(dir, "nrm.db")
		db, err := sqlstore.Open(ctx, path, sqlstore.Options{Sealer: sqltest.Keyring(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.CreateCase(admin, &nrm.Case{Ref: "MODE-1", OwnerOrg: "CMM", Gender: nrm.GenderMale, Nationality: "NG",
			ResidenceStatus: nrm.ResidenceIrregular, Identifiers: nrm.Identifiers{Name: "Mode Person"},
			Contacts: []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}}}); err != nil {
			t.Fatal(err)
		}
		// The database is open and written: its -wal and -shm exist now.
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			if m := modeOf(t, f); m != 0o600 {
				t.Errorf("%s: mode %v, want 0600", filepath.Base(f), m)
			}
		}
		backup := filepath.Join(dir, "nrm.bak")
		if _, err := db.Backup(admin, backup); err != nil {
			t.Fatal(err)
		}
		if m := modeOf(t, backup); m != 0o600 {
			t.Errorf("backup: mode %v, want 0600", m)
		}
		if _, err := db.Backup(admin, backup); nrm.ErrorCode(err) != nrm.ECONFLICT {
			t.Errorf("a second backup to the same file: %v, want a conflict", err)
		}
		restored := filepath.Join(dir, "restored.db")
		if _, err := sqlstore.Restore(ctx, restored, backup, false); err != nil {
			t.Fatal(err)
		}
		rdb, err := sqlstore.Open(ctx, restored, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer rdb.Close()
		if _, err := rdb.SQL().ExecContext(ctx, "CREATE TABLE mode_probe (x INTEGER)"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{restored, restored + "-wal", restored + "-shm"} {
			if m := modeOf(t, f); m != 0o600 {
				t.Errorf("restored %s: mode %v, want 0600", filepath.Base(f), m)
			}
		}
		// An empty file someone made with a wider mode becomes the
		// database, owner-only.
		touched := filepath.Join(dir, "touched.db")
		if err := os.WriteFile(touched, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		tdb, err := sqlstore.Open(ctx, touched, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer tdb.Close()
		if m := modeOf(t, touched); m != 0o600 {
			t.Errorf("database in an empty file: mode %v, want 0600", m)
		}
	})
}
