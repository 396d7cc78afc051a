package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// A first import into an empty database — the usual way a national
// dataset arrives — is a bulk load, and a bulk load is faster without
// the secondary indexes of the tables it fills: every row then appends to
// its table, and each index is built once at the end from sorted keys
// instead of being updated at a random place for every row (a fifth of the
// writing on SQLite). On PostgreSQL the foreign keys of those tables go
// the same way: each child row's check against its parent is a trigger
// firing per row; added back at the end, a constraint is validated once
// for the whole table by one join.
//
// Both happen inside the import's transaction: a failed import rolls the
// drops back with everything else, and no other session sees the tables
// without their indexes (SQLite holds the write lock from BEGIN
// IMMEDIATE; PostgreSQL's DROP INDEX and ALTER TABLE take locks that
// readers wait for until the commit). Unique and primary-key indexes stay:
// they guard the references and ids while the rows come in.

// sorterPragmas tune the import's SQLite connection while the indexes
// are built (importPragmas are the ones before):
//   - cache_size: 2 MiB. The page cache, idle now, also bounds the memory
//     of each sorted run of keys, beyond which a sort spills to temporary
//     files.
//   - threads: 2, the threads SQLite may add to the connection's own to
//     sort an index's keys. A build then scans its table while earlier
//     runs are sorted and written out, and merges the runs in parallel.
//     On two cores, the 16 indexes of 1,000,000 cases take a fifth less
//     time with two such threads (one: a tenth; four: no better than
//     two), and runs smaller than the 8 MiB before keep both threads fed.
var sorterPragmas = []struct{ name, value string }{{"cache_size", "-" + strconv.Itoa(2<<10)}, {"threads", "2"}}

// pgSortMemory bounds PostgreSQL's memory for each sort and join of the
// rebuild.
const pgSortMemory = "256MB"

// deferredObject is an index or constraint dropped for the load and its
// definition to create it again.
type deferredObject struct {
	name, table, def string
	constraint       bool
}

// deferIndexes drops the secondary indexes (and, on PostgreSQL, the foreign
// keys) of the bulk tables if no case is stored yet, and returns the
// function that creates them again and true; it returns a no-op and false
// otherwise. After the drops the transaction holds the tables
// exclusively until it ends.
func (tx *Tx) deferIndexes(ctx context.Context) (rebuild func(context.Context) error, deferred bool, err error) {
	none := func(context.Context) error { return nil }
	var any int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM cases LIMIT 1) x").Scan(&any); err != nil {
		return none, false, err
	}
	if any > 0 {
		return none, false, nil
	}
	names := make([]string, len(bulkTables))
	for i, t := range bulkTables {
		names[i] = t.name
	}
	if tx.db.dialect.name() == "postgres" {
		// Only the tables' owner may drop and re-create their indexes and
		// constraints: an application role with only the rights on the
		// rows (docs/deployment.md) imports with them in place.
		var owner bool
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(bool_and(pg_has_role(current_user, c.relowner, 'USAGE')), false)
			FROM pg_class c WHERE c.oid = ANY (SELECT to_regclass(n) FROM unnest($1::text[]) n)`, names).Scan(&owner); err != nil {
			return none, false, err
		}
		if !owner {
			return none, false, nil
		}
	}
	objs, err := tx.secondaryObjects(ctx)
	if err != nil {
		return none, false, err
	}
	if tx.db.dialect.name() == "postgres" {
		// Dropping an index locks its table, but a table may have none
		// to drop: lock them all, as the allocator relies on.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE "`+strings.Join(names, `", "`)+`" IN ACCESS EXCLUSIVE MODE`); err != nil {
			return none, false, err
		}
	}
	for _, o := range objs {
		q := `DROP INDEX "` + o.name + `"`
		if o.constraint {
			q = `ALTER TABLE "` + o.table + `" DROP CONSTRAINT "` + o.name + `"`
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return none, false, fmt.Errorf("defer index %s: %w", o.name, err)
		}
	}
	return func(ctx context.Context) error {
		if tx.db.dialect.name() == "sqlite" {
			if err := setPragmas(ctx, tx, sorterPragmas); err != nil {
				return err
			}
		} else {
			// PostgreSQL sorts each index's keys and joins each child
			// table to its parent within these bounds, for this
			// transaction only; the defaults (64 and 4 MB) spill a large
			// import's sorts and joins to disk.
			for _, q := range []string{"SET LOCAL maintenance_work_mem = '" + pgSortMemory + "'", "SET LOCAL work_mem = '" + pgSortMemory + "'"} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
		}
		for _, o := range objs {
			q := o.def
			if o.constraint {
				q = `ALTER TABLE "` + o.table + `" ADD CONSTRAINT "` + o.name + `" ` + o.def
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("build index %s: %w", o.name, err)
			}
		}
		return nil
	}, true, nil
}

// secondaryObjects lists the bulk tables' indexes that no constraint
// needs, and on PostgreSQL their foreign keys, in a stable order.
func (tx *Tx) secondaryObjects(ctx context.Context) ([]deferredObject, error) {
	names := make([]string, len(bulkTables))
	for i, t := range bulkTables {
		names[i] = "'" + t.name + "'"
	}
	in := "(" + strings.Join(names, ", ") + ")"
	var q string
	if tx.db.dialect.name() == "sqlite" {
		// sql is NULL for the automatic indexes of UNIQUE and PRIMARY KEY.
		q = `SELECT name, tbl_name, sql, 0 FROM sqlite_master
			WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ` + in + ` ORDER BY name`
	} else {
		q = `SELECT i.indexname, i.tablename, i.indexdef, 0 FROM pg_indexes i
			WHERE i.schemaname = current_schema() AND i.tablename IN ` + in + `
			  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(current_schema()))
			UNION ALL
			SELECT c.conname, r.relname, pg_get_constraintdef(c.oid), 1 FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
			WHERE c.contype = 'f' AND r.relnamespace = to_regnamespace(current_schema()) AND r.relname IN ` + in + `
			ORDER BY 4, 1`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var objs []deferredObject
	for rows.Next() {
		var o deferredObject
		var c sql.NullInt64
		if err := rows.Scan(&o.name, &o.table, &o.def, &c); err != nil {
			return nil, err
		}
		o.constraint = c.Int64 == 1
		if !o.constraint && tx.db.dialect.name() == "sqlite" && appendOnly(o.def) {
			continue
		}
		objs = append(objs, o)
	}
	return objs, rows.Err()
}

// appendOnly reports whether an index's definition leads with a column
// whose values a bulk load writes in increasing order (a case's id, the
// import's one timestamp): such an index grows at its right edge only, as
// cheaply as its table, and on SQLite is better kept than built afresh by
// a sort. PostgreSQL builds every deferred index afresh: its COPY is the
// import's narrowest point (the server works through it at full speed
// while nrm waits), and an index built at the end is sorted by two
// processes at once.
func appendOnly(def string) bool {
	i := strings.Index(def, "(")
	if i < 0 {
		return false
	}
	first, _, _ := strings.Cut(def[i+1:], ",")
	first, _, _ = strings.Cut(first, ")")
	switch strings.Trim(strings.TrimSpace(first), `"`) {
	case "case_id", "updated_at":
		return true
	}
	return false
}
