package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"nrm"
)

// insertSink writes SQLite rows with prepared multi-row INSERTs of a fixed
// number of rows per table; the remainder goes out on flush.
//
// It binds the values itself, through the SQLite handle under the driver's
// connection (sqliteHandle): the driver would copy every value into memory
// of its own, look each parameter's name up and free the copies after
// each statement, a third of a large import's time. Where the handle
// cannot be reached (another driver version), it goes through the
// driver's statements instead.
//
// The id column is left out: SQLite then appends each row at the end of
// its table (the next rowid is the largest plus one) instead of seeking
// the explicit id first. The ids are the same as those allocated, and
// every statement checks that its last row got the id expected.
type insertSink struct {
	conn   *sql.Conn
	tables []*insertBuf
	// stamp is how the driver writes the import's timestamp; formatted
	// once instead of twice per case.
	now   time.Time
	stamp string
	// h is the SQLite handle of conn; nil when the rows go through the
	// driver's statements.
	h *sqliteHandle
}

type insertBuf struct {
	t      *bulkTable
	rows   int // rows per full statement
	n      int // rows buffered
	lastID int64
	vals   []any // the buffered rows' values, one after the other
	// The prepared statement of a full chunk: stmt through the driver,
	// pstmt on the handle.
	stmt  driver.Stmt
	pstmt uintptr
	args  []driver.NamedValue // through the driver: vals as its arguments
}

// directBind says whether the sink binds through the SQLite handle when it
// can reach it; tests turn it off to compare both ways.
var directBind = true

func newInsertSink(ctx context.Context, tx *Tx, conn *sql.Conn) (*insertSink, error) {
	s := &insertSink{conn: conn, now: tx.now}
	// Ask the driver for its text of the timestamp, so that bulk rows
	// carry exactly what a single-row insert would.
	if err := tx.QueryRowContext(ctx, "SELECT CAST(? AS TEXT)", tx.now).Scan(&s.stamp); err != nil {
		return nil, err
	}
	for _, t := range bulkTables {
		s.tables = append(s.tables, &insertBuf{t: t, rows: min(bulkChunkRows, sqliteMaxParams/len(t.cols))})
	}
	if directBind {
		if err := conn.Raw(func(dc any) error {
			s.h = sqliteHandleOf(dc)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// insertSQL builds an INSERT of rows rows. Parameters are anonymous:
// SQLite looks numbered ones up by a linear scan, quadratic in a statement
// of thousands. OR ROLLBACK: a failing row fails the whole import anyway.
func insertSQL(t *bulkTable, rows int) string {
	cols := t.cols
	if t.hasID {
		cols = cols[1:]
	}
	tuple := "(?" + strings.Repeat(",?", len(cols)-1) + ")"
	var b strings.Builder
	b.Grow(len(t.name) + 64 + rows*(len(tuple)+1))
	b.WriteString("INSERT OR ROLLBACK INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteString(tuple)
	}
	return b.String()
}

func (s *insertSink) write(ctx context.Context, bt *bulkBatch) error {
	for _, buf := range s.tables {
		t := buf.t
		vals := bt.rows[t.index]
		w := len(t.cols)
		for len(vals) >= w {
			row := vals[:w]
			vals = vals[w:]
			if t.hasID {
				buf.lastID = row[0].(int64)
				row = row[1:]
			}
			if buf.vals == nil {
				buf.vals = make([]any, 0, buf.rows*len(row))
			}
			buf.vals = append(buf.vals, row...)
			buf.n++
			if buf.n == buf.rows {
				if err := s.exec(ctx, buf, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// exec runs the buffered rows: with the prepared statement when full,
// else with one built for the remainder.
func (s *insertSink) exec(ctx context.Context, buf *insertBuf, full bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var id int64
	err := s.conn.Raw(func(dc any) error {
		var err error
		if s.h != nil {
			id, err = s.execDirect(buf, full)
		} else {
			id, err = s.execDriver(ctx, dc, buf, full)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("insert %s: %w", buf.t.name, err)
	}
	if buf.t.hasID && id != buf.lastID {
		return fmt.Errorf("insert %s: row id %d, expected %d", buf.t.name, id, buf.lastID)
	}
	clear(buf.vals)
	buf.vals, buf.n = buf.vals[:0], 0
	return nil
}

// execDriver runs the buffered rows through the driver's statements and
// returns the last row's id.
func (s *insertSink) execDriver(ctx context.Context, dc any, buf *insertBuf, full bool) (int64, error) {
	for i, v := range buf.vals {
		buf.args = append(buf.args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	defer func() {
		clear(buf.args)
		buf.args = buf.args[:0]
	}()
	var res driver.Result
	var err error
	if !full {
		res, err = dc.(driver.ExecerContext).ExecContext(ctx, insertSQL(buf.t, buf.n), buf.args)
	} else {
		if buf.stmt == nil {
			if buf.stmt, err = dc.(driver.ConnPrepareContext).PrepareContext(ctx, insertSQL(buf.t, buf.rows)); err != nil {
				return 0, err
			}
		}
		res, err = buf.stmt.(driver.StmtExecContext).ExecContext(ctx, buf.args)
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// execDirect runs the buffered rows on the SQLite handle and returns the
// last row's id.
func (s *insertSink) execDirect(buf *insertBuf, full bool) (int64, error) {
	h := s.h
	pstmt := buf.pstmt
	if !full || pstmt == 0 {
		p, err := h.prepare(insertSQL(buf.t, buf.n))
		if err != nil {
			return 0, err
		}
		if full {
			buf.pstmt = p
		} else {
			defer h.finalize(p)
		}
		pstmt = p
	}
	err := h.exec(pstmt, buf.vals)
	return sqlite3.Xsqlite3_last_insert_rowid(h.tls, h.db), err
}

// arg converts a value to what its driver.Valuer and database/sql's
// default conversion would give.
func (s *insertSink) arg(v any) any {
	switch x := v.(type) {
	case nrm.Date:
		if x.IsZero() {
			return nil
		}
		return x.String() // what nrm.Date's driver.Valuer gives
	case int:
		return int64(x)
	case []byte:
		if x == nil {
			return nil
		}
	case time.Time:
		if x.Equal(s.now) {
			return s.stamp
		}
	}
	return v
}

func (s *insertSink) flush(ctx context.Context) error {
	for _, buf := range s.tables {
		if buf.n > 0 {
			if err := s.exec(ctx, buf, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *insertSink) close() {
	for _, buf := range s.tables {
		if buf.stmt != nil {
			s.conn.Raw(func(any) error { return buf.stmt.Close() })
			buf.stmt = nil
		}
		if buf.pstmt != 0 {
			s.conn.Raw(func(any) error {
				s.h.finalize(buf.pstmt)
				return nil
			})
			buf.pstmt = 0
		}
	}
	if s.h != nil {
		s.h.free()
	}
}

// sqliteHandle is the SQLite connection under a connection of the
// modernc.org/sqlite driver. It is only used inside sql.Conn.Raw, where
// the connection is the caller's alone.
//
// SQLite is only ever handed memory of its own C allocator, never Go
// memory: a statement's texts and blobs are copied one after the other
// into one buffer (arena), which is bound in place (SQLITE_STATIC) and
// reused by the next statement. That is one copy per value, where the
// driver allocates, copies and frees each.
type sqliteHandle struct {
	db    uintptr
	tls   *libc.TLS
	arena cBuffer
}

// cBuffer is memory of the C allocator, addressed by SQLite as p and by
// Go as b.
type cBuffer struct {
	p uintptr
	b []byte
}

// reserve makes the buffer at least n bytes long; its contents are lost.
func (h *sqliteHandle) reserve(n int) error {
	if n <= len(h.arena.b) {
		return nil
	}
	h.free()
	size := max(n, 64<<10)
	p := libc.Xmalloc(h.tls, uint64(size))
	if p == 0 {
		return fmt.Errorf("cannot allocate %d bytes", size)
	}
	// p is C memory, outside Go's heap: the Go view of it is taken
	// through a pointer to p, as a conversion of the integer would be
	// reported as a possible misuse of unsafe.Pointer (for Go memory, it
	// would be one).
	h.arena = cBuffer{p: p, b: unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), size)}
	return nil
}

// free gives the buffer back to the C allocator.
func (h *sqliteHandle) free() {
	if h.arena.p != 0 {
		libc.Xfree(h.tls, h.arena.p)
	}
	h.arena = cBuffer{}
}

// sqliteHandleOf returns the SQLite handle of dc, a driver connection, or
// nil if dc is not a connection of the driver version this code knows
// (its first fields, the handle and the thread state, by name and type)
// or the handle is not inside a transaction, as an import's is.
func sqliteHandleOf(dc any) *sqliteHandle {
	v := reflect.ValueOf(dc)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	e := v.Elem()
	t := e.Type()
	if t.PkgPath() != "modernc.org/sqlite" || t.Name() != "conn" {
		return nil
	}
	db, ok := t.FieldByName("db")
	if !ok || db.Type.Kind() != reflect.Uintptr {
		return nil
	}
	tls, ok := t.FieldByName("tls")
	if !ok || tls.Type != reflect.TypeFor[*libc.TLS]() {
		return nil
	}
	h := &sqliteHandle{db: uintptr(e.FieldByIndex(db.Index).Uint()), tls: (*libc.TLS)(e.FieldByIndex(tls.Index).UnsafePointer())}
	if h.db == 0 || h.tls == nil || sqlite3.Xsqlite3_get_autocommit(h.tls, h.db) != 0 {
		return nil
	}
	return h
}

// prepare compiles one statement: its text, followed by the word SQLite
// puts the statement in, goes through the buffer.
func (h *sqliteHandle) prepare(q string) (uintptr, error) {
	const word = int(unsafe.Sizeof(uintptr(0)))
	if err := h.reserve(word + len(q)); err != nil {
		return 0, err
	}
	clear(h.arena.b[:word])
	copy(h.arena.b[word:], q)
	rc := sqlite3.Xsqlite3_prepare_v2(h.tls, h.db, h.arena.p+uintptr(word), int32(len(q)), h.arena.p, 0)
	if rc != sqlite3.SQLITE_OK {
		return 0, h.err(rc)
	}
	return *(*uintptr)(unsafe.Pointer(&h.arena.b[0])), nil
}

// finalize frees a prepared statement.
func (h *sqliteHandle) finalize(pstmt uintptr) { sqlite3.Xsqlite3_finalize(h.tls, pstmt) }

// exec binds vals to the parameters of pstmt in order, runs it and resets
// it; afterwards no parameter points into vals.
func (h *sqliteHandle) exec(pstmt uintptr, vals []any) error {
	// Every call below would take the connection's mutex, and each bind
	// would take it twice: at 1,000,000 cases, 1.7 s of the writer's
	// 11 s. The mutex is taken once here, and while it is held the
	// connection's pointer to it is cleared, so the calls below skip it
	// (SQLite does for a connection without one); the pointer is restored
	// before the mutex is left. No other goroutine may call into the
	// connection meanwhile anyway (sql.Conn.Raw).
	mu := sqlite3.Xsqlite3_db_mutex(h.tls, h.db)
	sqlite3.Xsqlite3_mutex_enter(h.tls, mu)
	defer sqlite3.Xsqlite3_mutex_leave(h.tls, mu)
	conn := (*sqlite3.Tsqlite3)(*(*unsafe.Pointer)(unsafe.Pointer(&h.db)))
	conn.Fmutex = 0
	defer func() { conn.Fmutex = mu }()
	defer sqlite3.Xsqlite3_clear_bindings(h.tls, pstmt)
	n := 0
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			n += len(x)
		case []byte:
			n += len(x)
		}
	}
	if err := h.reserve(n + 1); err != nil {
		return err
	}
	off := 0
	for i, v := range vals {
		var err error
		if off, err = h.bind(pstmt, int32(i+1), v, off); err != nil {
			return err
		}
	}
	rc := sqlite3.Xsqlite3_step(h.tls, pstmt)
	if rc != sqlite3.SQLITE_DONE {
		err := h.err(rc)
		sqlite3.Xsqlite3_reset(h.tls, pstmt)
		return err
	}
	if rc := sqlite3.Xsqlite3_reset(h.tls, pstmt); rc != sqlite3.SQLITE_OK {
		return h.err(rc)
	}
	return nil
}

// bind binds one value of the types the bulk writer's rows hold, texts
// and blobs from the buffer at off; it returns the offset after it.
func (h *sqliteHandle) bind(pstmt uintptr, i int32, v any, off int) (int, error) {
	var rc int32
	switch x := v.(type) {
	case nil:
		rc = sqlite3.Xsqlite3_bind_null(h.tls, pstmt, i)
	case int64:
		rc = sqlite3.Xsqlite3_bind_int64(h.tls, pstmt, i, x)
	case bool:
		var n int64
		if x {
			n = 1
		}
		rc = sqlite3.Xsqlite3_bind_int64(h.tls, pstmt, i, n)
	case float64:
		rc = sqlite3.Xsqlite3_bind_double(h.tls, pstmt, i, x)
	case string:
		if len(x) > math.MaxInt32 {
			return off, fmt.Errorf("parameter %d: text of %d bytes", i, len(x))
		}
		// A text of no bytes points into the buffer all the same: a null
		// pointer would bind NULL.
		copy(h.arena.b[off:], x)
		rc = sqlite3.Xsqlite3_bind_text(h.tls, pstmt, i, h.arena.p+uintptr(off), int32(len(x)), 0)
		off += len(x)
	case []byte:
		if x == nil {
			rc = sqlite3.Xsqlite3_bind_null(h.tls, pstmt, i)
			break
		}
		if len(x) > math.MaxInt32 {
			return off, fmt.Errorf("parameter %d: blob of %d bytes", i, len(x))
		}
		copy(h.arena.b[off:], x)
		rc = sqlite3.Xsqlite3_bind_blob(h.tls, pstmt, i, h.arena.p+uintptr(off), int32(len(x)), 0)
		off += len(x)
	default:
		return off, fmt.Errorf("parameter %d: value of type %T", i, v)
	}
	if rc != sqlite3.SQLITE_OK {
		return off, h.err(rc)
	}
	return off, nil
}

// err is the error of the last call on the handle, which returned rc.
func (h *sqliteHandle) err(rc int32) error {
	// The handle's extended code, unless it belongs to another call.
	code := sqlite3.Xsqlite3_extended_errcode(h.tls, h.db)
	if code&0xff != rc&0xff {
		code = rc
	}
	return &sqliteError{code: int(code), msg: libc.GoString(sqlite3.Xsqlite3_errmsg(h.tls, h.db))}
}

// sqliteError is an error SQLite reported on a handle; Code is its
// extended result code, as the driver's errors have.
type sqliteError struct {
	code int
	msg  string
}

func (e *sqliteError) Error() string { return fmt.Sprintf("%s (%d)", e.msg, e.code) }
func (e *sqliteError) Code() int     { return e.code }
