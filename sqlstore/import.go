package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"nrm"
)

// Import runs fn inside one transaction: every row written through the
// writer commits together or not at all. Only administrators import. New
// cases go through the bulk writer (bulk.go); changed ones are replaced
// one by one.
func (d *DB) Import(ctx context.Context, fn func(w nrm.ImportWriter) error) (nrm.ImportResult, error) {
	var res nrm.ImportResult
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return res, forbidden()
	}
	err := d.importTx(ctx, func(tx *Tx, conn *sql.Conn) error {
		w := &importWriter{tx: tx, existing: map[string]contentKey{}, today: nrm.DateOf(tx.now)}
		rows, err := tx.query(ctx, "SELECT ref, content_hash FROM cases")
		if err != nil {
			return err
		}
		for rows.Next() {
			var ref, hash string
			if err := rows.Scan(&ref, &hash); err != nil {
				rows.Close()
				return err
			}
			w.existing[ref] = contentKeyOf(hash)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if w.bulk, err = newBulkWriter(ctx, tx, conn); err != nil {
			return err
		}
		defer w.bulk.abort() // a no-op after close
		if err := fn(w); err != nil {
			return err
		}
		if err := w.bulk.close(ctx); err != nil {
			return err
		}
		res = w.res
		return tx.audit(ctx, "import", "bundle", "", fmt.Sprintf("created %d, updated %d, unchanged %d, prosecution rows %d",
			res.Created, res.Updated, res.Unchanged, res.Prosecutions))
	})
	if err != nil {
		return nrm.ImportResult{}, err
	}
	return res, nil
}

// importCacheKiB is SQLite's page cache for an import: the indexes being
// appended to stay in memory instead of spilling to the WAL mid-transaction.
const importCacheKiB = 256 << 10

// importPragmas tune the SQLite connection of an import; they are set
// before BEGIN (foreign_keys cannot change inside a transaction) and
// restored after it.
//   - cache_size: see importCacheKiB.
//   - temp_store: statement journals in memory, not in a temporary file.
//   - foreign_keys: off. Checking every child row against its parent (and
//     every parent against deferred orphans) costs a fifth of a bulk
//     import; the bulk writer allocates the ids it links, and the one
//     cascade the import relied on (assessment_forms) is done explicitly
//     by replaceCase. Tests check the result with foreign_key_check.
//   - mmap_size: 0. The memory map serves reads; an import mostly
//     appends, and every growth of the file remaps it (1.7 s of system
//     time per 1,000,000 cases).
var importPragmas = []struct{ name, value string }{{"cache_size", "-" + strconv.Itoa(importCacheKiB)}, {"temp_store", "2"}, {"foreign_keys", "0"}, {"mmap_size", "0"}}

// importTx runs fn in a transaction on a connection of its own (the bulk
// writer reaches the driver connection under it).
func (d *DB) importTx(ctx context.Context, fn func(tx *Tx, conn *sql.Conn) error) error {
	// The write turn before the connection, as in BeginTx: a goroutine
	// waiting for its turn must not hold a connection the writer needs.
	release, err := d.lockWrites(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		release()
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if d.dialect.name() == "sqlite" {
		restore, err := setPragmas(ctx, conn, importPragmas)
		defer restore()
		if err != nil {
			release()
			return err
		}
	}
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		release()
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: stx, db: d, now: d.Now(), release: release}
	defer tx.Rollback()
	resume, err := tx.suspendDataTriggers(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx, conn); err != nil {
		return d.dialect.translate(err)
	}
	if err := resume(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return d.dialect.translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// setPragmas sets SQLite pragmas on conn and returns a function that puts
// the previous values back. The connection returns to the pool afterwards,
// so if that fails it is discarded rather than left with foreign keys off.
func setPragmas(ctx context.Context, conn *sql.Conn, ps []struct{ name, value string }) (restore func(), err error) {
	var old []string
	restore = func() {
		for i := len(old) - 1; i >= 0; i-- {
			if _, err := conn.ExecContext(context.Background(), "PRAGMA "+ps[i].name+" = "+old[i]); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn })
				return
			}
		}
	}
	for _, p := range ps {
		var v string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&v); err != nil {
			return restore, err
		}
		if _, err := conn.ExecContext(ctx, "PRAGMA "+p.name+" = "+p.value); err != nil {
			return restore, err
		}
		old = append(old, v)
	}
	return restore, nil
}

// contentKey is a case's content hash in 16 bytes: the import keeps one
// per case in memory.
type contentKey [16]byte

func contentKeyOf(hash string) contentKey {
	var k contentKey
	hex.Decode(k[:], []byte(hash)) // an empty or odd hash stays zero: never equal
	return k
}

type importWriter struct {
	tx       *Tx
	today    nrm.Date
	existing map[string]contentKey // by reference, including cases created by this import
	bulk     *bulkWriter
	res      nrm.ImportResult
}

// PutCase implements nrm.ImportWriter. A new case is queued for the bulk
// writer, which owns it from then on.
func (w *importWriter) PutCase(ctx context.Context, c *nrm.Case) error {
	if err := w.bulk.failed(); err != nil {
		return err
	}
	if err := c.Validate(w.today); err != nil {
		return err
	}
	c.Normalize()
	hash := w.tx.db.contentHash(c)
	key := contentKeyOf(hash)
	if old, ok := w.existing[c.Ref]; ok {
		if old == key {
			w.res.Unchanged++
			return nil
		}
		return w.update(ctx, c)
	}
	sealed, keyID, err := w.tx.db.sealIdentifiers(c)
	if err != nil {
		return err
	}
	// Clone: the reference may share memory with a whole input line.
	w.existing[strings.Clone(c.Ref)] = key
	w.res.Created++
	return w.bulk.add(ctx, &newCase{c: c, hash: hash, sealed: sealed, keyID: keyID})
}

// update replaces the bundle projection of an existing case, keeping what
// a bundle cannot carry.
func (w *importWriter) update(ctx context.Context, c *nrm.Case) error {
	if err := w.bulk.sync(ctx); err != nil { // the case may be one of this import's
		return err
	}
	old, err := w.tx.loadCase(ctx, "c.ref = ?", c.Ref)
	if err != nil {
		return err
	}
	merged := *c
	merged.ID, merged.Version, merged.CreatedAt = old.ID, old.Version, old.CreatedAt
	merged.SharedWith = old.SharedWith
	merged.Identifiers = old.Identifiers
	if old.PurgedAt == nil {
		merged.Identifiers.BirthDate = c.Identifiers.BirthDate
	}
	merged.Offers, merged.ReflectionPeriods = old.Offers, old.ReflectionPeriods
	if err := merged.Validate(w.today); err != nil {
		return err
	}
	if err := w.tx.replaceCase(ctx, &merged); err != nil {
		return err
	}
	*c = merged
	w.existing[c.Ref] = contentKeyOf(w.tx.db.contentHash(c))
	w.res.Updated++
	return w.tx.audit(ctx, "case.import", "case", strconv.FormatInt(c.ID, 10), "updated")
}

// PutProsecution implements nrm.ImportWriter.
func (w *importWriter) PutProsecution(ctx context.Context, p *nrm.Prosecution) error {
	if err := w.bulk.sync(ctx); err != nil {
		return err
	}
	if err := w.tx.upsertProsecution(ctx, p); err != nil {
		return err
	}
	w.res.Prosecutions++
	return nil
}

// ExportCases streams every case with children and opened identifiers in
// id order, a page at a time so memory stays bounded. Administrators only;
// the export is audited.
func (d *DB) ExportCases(ctx context.Context, fn func(c *nrm.Case) error) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	const page = 1000
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.dialect.name() == "postgres"})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var after int64
	for {
		rows, err := tx.query(ctx, "SELECT "+caseColumns+" FROM cases c WHERE c.id > ? ORDER BY c.id LIMIT "+strconv.Itoa(page), after)
		if err != nil {
			return err
		}
		var batch []*nrm.Case
		byID := map[int64]*nrm.Case{}
		for rows.Next() {
			c, sealed, keyID, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if err := d.openIdentifiers(c, sealed, keyID); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, c)
			byID[c.ID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		first, last := batch[0].ID, batch[len(batch)-1].ID
		if err := tx.loadChildren(ctx, byID, "case_id BETWEEN ? AND ?", first, last); err != nil {
			return err
		}
		for _, c := range batch {
			if err := fn(c); err != nil {
				return err
			}
		}
		after = last
	}
	tx.Rollback()
	return d.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, "export", "bundle", "", "all cases") })
}
