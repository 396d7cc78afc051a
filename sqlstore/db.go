// Package sqlstore implements nrm's storage once, with database/sql, for
// two engines: SQLite (modernc.org/sqlite, WAL mode) as the embedded default
// and PostgreSQL (jackc/pgx) for production. Only real engine differences
// live in the dialect. Every write runs in a transaction that also appends
// the audit entry recording it.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nrm"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations
var migrations embed.FS

// sqliteMmap is the memory map of a SQLite database (address space, not
// memory: the pages are the operating system's file cache).
const sqliteMmap = 2 << 30

// DB is the storage handle.
type DB struct {
	db      *sql.DB
	dialect dialect
	sealer  nrm.Sealer
	// Now is the clock; transactions read it once so that every row of a
	// change carries the same time. Tests replace it.
	Now func() time.Time
	dsn string
	// stmts caches prepared statements (SQLite only; nil on PostgreSQL).
	stmts *stmtCache
	// writers queues this process's SQLite write transactions (nil on
	// PostgreSQL); see lockWrites.
	writers chan struct{}
	// statsCache keeps statistics until the data change.
	statsCache statsCache
	// hasher computes content hashes with the sealer's key (made on
	// first use, reset by SetSealer).
	hasher atomic.Pointer[nrm.ContentHasher]
	// auditBatch writes the audit entries of reads in groups.
	auditBatch auditBatcher
	// stopCheckpoints ends the SQLite checkpointer, which closes
	// checkpointsDone.
	stopCheckpoints, checkpointsDone chan struct{}
}

// Options configures Open.
type Options struct {
	// Sealer encrypts direct identifiers. Required for writing or reading
	// identifiers; statistics work without it.
	Sealer nrm.Sealer
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database named by dsn — a SQLite file
// path or a postgres:// URL — and applies pending migrations.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	d := &DB{sealer: opt.Sealer, Now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, dsn: dsn}
	var err error
	if IsPostgres(dsn) {
		d.dialect = postgres{}
		d.db, err = sql.Open("pgx", dsn)
		if err == nil {
			d.db.SetMaxOpenConns(16)
			d.db.SetMaxIdleConns(16)
		}
	} else {
		if dsn == "" {
			return nil, errors.New("sqlstore: empty database path")
		}
		d.dialect = sqlite{}
		if err := createSQLite(ctx, dsn); err != nil {
			return nil, err
		}
		// One connection pool; the pragmas run on every new connection.
		// busy_timeout makes concurrent writers wait instead of failing;
		// mmap_size lets SQLite read pages straight from the file mapping
		// instead of one system call per page (statistics and case reads
		// over a large database).
		// wal_autocheckpoint(0): checkpoints run in the background
		// (checkpointer), not inside whichever commit crosses the limit.
		q := "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
			"&_pragma=mmap_size(" + strconv.Itoa(sqliteMmap) + ")&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
		d.db, err = sql.Open("sqlite", "file:"+dsn+q)
		if err == nil {
			d.db.SetMaxOpenConns(8)
			d.db.SetMaxIdleConns(8)
			d.db.SetConnMaxLifetime(0)
			d.stmts = newStmtCache(d.db)
			d.writers = make(chan struct{}, 1)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	if d.dialect.name() == "sqlite" {
		d.stopCheckpoints = make(chan struct{})
		d.checkpointsDone = make(chan struct{})
		go d.checkpointer()
	}
	return d, nil
}

// sqlitePageSize is the page size of new SQLite databases. Larger pages
// than SQLite's 4 KiB make B-trees flatter and mean fewer pages to log and
// to copy at the checkpoint: a 1,000,000-case import took about 1 s less
// with 8 KiB and another 0.5 s less with 16 KiB, with the statistics and
// case reads unchanged (bench/RESULTS.md). An existing database keeps its
// page size.
var sqlitePageSize = 16384

// createSQLite creates a new SQLite database file with sqlitePageSize
// pages in WAL mode. The page size must be set before the first page is
// written, and the pool's connection pragmas (applied in lexical order)
// would switch to WAL first. An existing, non-empty file is left alone.
//
// The file is made here, before SQLite opens it, readable and writable by
// its owner only (mode 0600, whatever the umask): SQLite would create it
// 0644, and it gives the -wal and -shm files it makes beside a database
// the database file's own permissions.
func createSQLite(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err == nil && fi.Size() > 0 {
		return nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	err = f.Chmod(0o600)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return fmt.Errorf("sqlstore: create: %w", err)
	}
	defer db.Close()
	for _, p := range []string{"PRAGMA page_size = " + strconv.Itoa(sqlitePageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("sqlstore: create: %w", err)
		}
	}
	return nil
}

// checkpointInterval is how often the background checkpointer copies the
// write-ahead log into the database file.
const checkpointInterval = 500 * time.Millisecond

// checkpointer copies committed pages from SQLite's write-ahead log into
// the database file every checkpointInterval. SQLite's automatic
// checkpoint (turned off in Open) runs inside the commit that crosses
// 1,000 log pages; under a steady stream of small writes, such as the
// audit entries of case reads, that made every two-hundredth commit, and
// the writers queued behind it, wait several milliseconds. A PASSIVE
// checkpoint waits for no one and blocks no one. When the last connection
// closes, SQLite checkpoints what is left.
func (d *DB) checkpointer() {
	defer close(d.checkpointsDone)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-d.stopCheckpoints:
			return
		case <-t.C:
			// Errors (SQLITE_BUSY while another process checkpoints)
			// leave the work to the next round.
			d.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

func (d *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+d.dialect.name())
	if err != nil {
		return err
	}
	gd := goose.DialectSQLite3
	if d.dialect.name() == "postgres" {
		gd = goose.DialectPostgres
	}
	p, err := goose.NewProvider(gd, d.db, sub)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

// Close closes the database.
func (d *DB) Close() error {
	d.closeAudit()
	if d.stopCheckpoints != nil {
		close(d.stopCheckpoints)
		<-d.checkpointsDone
		d.stopCheckpoints = nil
	}
	d.stmts.close()
	return d.db.Close()
}

// SQL returns the underlying handle, for backups and benchmarks.
func (d *DB) SQL() *sql.DB { return d.db }

// Engine returns "sqlite" or "postgres".
func (d *DB) Engine() string { return d.dialect.name() }

// SetSealer replaces the sealer (used by key rotation).
func (d *DB) SetSealer(s nrm.Sealer) {
	d.sealer = s
	d.hasher.Store(nil)
}

// Tx wraps a transaction with the time it started and the dialect.
type Tx struct {
	*sql.Tx
	db      *DB
	now     time.Time
	release func() // ends this process's write turn (lockWrites)
	// stmts holds this transaction's handles of the cached statements:
	// database/sql keeps every handle Tx.StmtContext returns until the
	// transaction ends, so one per use grew a long transaction (an
	// import updating 20,000 cases peaked at 445 MB) without end.
	stmtsMu sync.Mutex
	stmts   map[*sql.Stmt]*sql.Stmt
}

// stmt returns the transaction's handle of the cached statement s.
func (tx *Tx) stmt(ctx context.Context, s *sql.Stmt) *sql.Stmt {
	tx.stmtsMu.Lock()
	defer tx.stmtsMu.Unlock()
	if ts := tx.stmts[s]; ts != nil {
		return ts
	}
	if tx.stmts == nil {
		tx.stmts = map[*sql.Stmt]*sql.Stmt{}
	}
	ts := tx.StmtContext(ctx, s)
	tx.stmts[s] = ts
	return ts
}

// lockWrites waits for this process's turn to write to SQLite. SQLite
// lets one transaction write at a time; a second BEGIN IMMEDIATE waits in
// SQLite's busy handler, which polls with sleeps of 1, 2, 5, 10 … ms, so
// two case reads that audit at the same moment cost the loser a sleep
// (this was the tail of the case page under load). Queued here, the next
// writer starts the moment the previous one ends. Other processes still
// meet at SQLite's lock, under busy_timeout.
func (d *DB) lockWrites(ctx context.Context) (func(), error) {
	if d.writers == nil {
		return func() {}, nil
	}
	select {
	case d.writers <- struct{}{}:
		return func() { <-d.writers }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// BeginTx starts a transaction; a SQLite write transaction first waits
// for its turn (lockWrites).
func (d *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	release := func() {}
	if opts == nil || !opts.ReadOnly {
		var err error
		if release, err = d.lockWrites(ctx); err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
	}
	tx, err := d.db.BeginTx(ctx, opts)
	if err != nil {
		release()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: d, now: d.Now(), release: release}, nil
}

// Commit commits the transaction and ends its write turn.
func (tx *Tx) Commit() error {
	err := tx.Tx.Commit()
	tx.done()
	return err
}

// Rollback rolls the transaction back (a no-op after Commit) and ends its
// write turn.
func (tx *Tx) Rollback() error {
	err := tx.Tx.Rollback()
	tx.done()
	return err
}

func (tx *Tx) done() {
	if tx.release != nil {
		tx.release()
		tx.release = nil
	}
}

// exec runs a statement written with ? placeholders.
func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = tx.db.dialect.rebind(q)
	if s := tx.db.stmts.get(q); s != nil {
		return tx.stmt(ctx, s).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = tx.db.dialect.rebind(q)
	if s := tx.db.stmts.get(q); s != nil {
		return tx.stmt(ctx, s).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = tx.db.dialect.rebind(q)
	if s := tx.db.stmts.get(q); s != nil {
		return tx.stmt(ctx, s).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// each runs a query in tx and calls fn for every row.
func each(ctx context.Context, tx *Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// insertID runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

func (d *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = d.dialect.rebind(q)
	if s := d.stmts.get(q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return d.db.QueryContext(ctx, q, args...)
}

func (d *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = d.dialect.rebind(q)
	if s := d.stmts.get(q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return d.db.QueryRowContext(ctx, q, args...)
}

// exec runs a statement outside a transaction.
func (d *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = d.dialect.rebind(q)
	if s := d.stmts.get(q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return d.db.ExecContext(ctx, q, args...)
}

// inTx runs fn in a transaction, committing when it returns nil.
func (d *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return d.dialect.translate(err)
	}
	if err := tx.Commit(); err != nil {
		return d.dialect.translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// contentKeyer is implemented by sealers that hold a key for content
// hashes (seal.Keyring).
type contentKeyer interface{ ContentKey() []byte }

// contentHash returns the keyed hash of c's whole bundle record that import
// compares to decide whether a case changed. Without a keyed sealer (only
// in statistics-only use) the key is empty.
func (d *DB) contentHash(c *nrm.Case) string {
	if h := d.hasher.Load(); h != nil {
		return h.HashRecord(c)
	}
	var key []byte
	if k, ok := d.sealer.(contentKeyer); ok {
		key = k.ContentKey()
	}
	h := nrm.NewContentHasher(key)
	d.hasher.Store(h)
	return h.HashRecord(c)
}

// ContentHash exposes contentHash to tests and tools.
func (d *DB) ContentHash(c *nrm.Case) string { return d.contentHash(c) }
