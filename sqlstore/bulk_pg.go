package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"nrm"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL's bulk writes: each batch goes out with one COPY per table
// in COPY's binary format. The rows are encoded on the caller's goroutine
// when the batch is handed over, so that the writer goroutine only
// streams bytes and the server is never left waiting while a COPY's rows
// are being encoded (pgx encoded them value by value through its type
// map, a sixth of the import's CPU, while the server idled a third of the
// time).

// The PostgreSQL types the bulk tables use, by type OID.
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt4        = 23
	oidText        = 25
	oidDate        = 1082
	oidTimestamptz = 1184
)

// copyEncoder knows each bulk table's column types, in bulkTable.cols order.
type copyEncoder struct {
	types [10][]uint32
}

// newCopyEncoder reads the types of the bulk tables' columns. A column of
// a type the encoder does not write is an error (a migration added one:
// add it to encodeValue).
func newCopyEncoder(ctx context.Context, tx *Tx) (*copyEncoder, error) {
	e := &copyEncoder{}
	for _, t := range bulkTables {
		types := map[string]uint32{}
		rows, err := tx.QueryContext(ctx, `SELECT a.attname, a.atttypid FROM pg_attribute a
			WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`, t.name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			var oid uint32
			if err := rows.Scan(&name, &oid); err != nil {
				rows.Close()
				return nil, err
			}
			types[name] = oid
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, c := range t.cols {
			oid, ok := types[c]
			switch {
			case !ok:
				return nil, fmt.Errorf("bulk import: %s has no column %s", t.name, c)
			case oid != oidBool && oid != oidBytea && oid != oidInt8 && oid != oidInt4 && oid != oidText && oid != oidDate && oid != oidTimestamptz:
				return nil, fmt.Errorf("bulk import: %s.%s has a type (oid %d) the bulk writer does not encode", t.name, c, oid)
			}
			e.types[t.index] = append(e.types[t.index], oid)
		}
	}
	return e, nil
}

// encode turns the rows of bt into COPY tuples (without the format's
// header and trailer, which copySink adds) and empties bt.rows.
func (e *copyEncoder) encode(bt *bulkBatch) error {
	for _, t := range bulkTables {
		vals, types := bt.rows[t.index], e.types[t.index]
		w := len(types)
		buf := bt.copy[t.index][:0]
		for len(vals) >= w {
			buf = binary.BigEndian.AppendUint16(buf, uint16(w))
			for i, v := range vals[:w] {
				var err error
				if buf, err = encodeValue(buf, types[i], v); err != nil {
					return fmt.Errorf("bulk import: %s.%s: %w", t.name, t.cols[i], err)
				}
			}
			vals = vals[w:]
		}
		bt.copy[t.index] = buf
		clear(bt.rows[t.index])
		bt.rows[t.index] = bt.rows[t.index][:0]
	}
	return nil
}

// pgEpoch is where PostgreSQL's binary dates and timestamps count from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// encodeValue appends one field: its length (-1 for NULL) and its bytes
// in the binary format of type oid.
func encodeValue(buf []byte, oid uint32, v any) ([]byte, error) {
	if v == nil {
		return binary.BigEndian.AppendUint32(buf, math.MaxUint32), nil // -1
	}
	switch oid {
	case oidText:
		if s, ok := v.(string); ok {
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
			return append(buf, s...), nil
		}
	case oidBytea:
		if b, ok := v.([]byte); ok {
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
			return append(buf, b...), nil
		}
	case oidInt8:
		if n, ok := v.(int64); ok {
			buf = binary.BigEndian.AppendUint32(buf, 8)
			return binary.BigEndian.AppendUint64(buf, uint64(n)), nil
		}
	case oidInt4:
		if n, ok := v.(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			buf = binary.BigEndian.AppendUint32(buf, 4)
			return binary.BigEndian.AppendUint32(buf, uint32(int32(n))), nil
		}
	case oidBool:
		if b, ok := v.(bool); ok {
			buf = binary.BigEndian.AppendUint32(buf, 1)
			if b {
				return append(buf, 1), nil
			}
			return append(buf, 0), nil
		}
	case oidDate:
		if t, ok := v.(time.Time); ok {
			// The calendar day of t where it is, as pgx writes it.
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			buf = binary.BigEndian.AppendUint32(buf, 4)
			return binary.BigEndian.AppendUint32(buf, uint32(int32(day.Sub(pgEpoch)/(24*time.Hour)))), nil
		}
	case oidTimestamptz:
		if t, ok := v.(time.Time); ok {
			us := t.Unix()*1_000_000 + int64(t.Nanosecond())/1000 - pgEpoch.Unix()*1_000_000
			buf = binary.BigEndian.AppendUint32(buf, 8)
			return binary.BigEndian.AppendUint64(buf, uint64(us)), nil
		}
	}
	return buf, fmt.Errorf("a %T for type oid %d", v, oid)
}

// copyHeader and copyTrailer frame COPY's binary format: the signature,
// no flags, no header extension; a field count of -1.
var (
	copyHeader  = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	copyTrailer = []byte{0xff, 0xff}
)

// copySink writes each batch with one COPY per table.
type copySink struct {
	conn *sql.Conn
	sql  [10]string // per table, its COPY statement
}

func newCopySink(conn *sql.Conn) *copySink {
	s := &copySink{conn: conn}
	for _, t := range bulkTables {
		cols := make([]string, len(t.cols))
		for i, c := range t.cols {
			cols[i] = pgx.Identifier{c}.Sanitize()
		}
		s.sql[t.index] = "COPY " + pgx.Identifier{t.name}.Sanitize() + " (" + strings.Join(cols, ", ") + ") FROM STDIN (FORMAT binary)"
	}
	return s
}

func (s *copySink) write(ctx context.Context, bt *bulkBatch) error {
	return withPgx(s.conn, func(pc *pgx.Conn) error {
		for _, t := range bulkTables {
			data := bt.copy[t.index]
			if len(data) == 0 {
				continue
			}
			r := io.MultiReader(bytes.NewReader(copyHeader), bytes.NewReader(data), bytes.NewReader(copyTrailer))
			if _, err := pc.PgConn().CopyFrom(ctx, r, s.sql[t.index]); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		return nil
	})
}

func (s *copySink) flush(context.Context) error { return nil }

func (s *copySink) close() {}

// copyArg converts a value for COPY's binary format.
func copyArg(v any) any {
	switch x := v.(type) {
	case nrm.Date:
		if x.IsZero() {
			return nil
		}
		return x.Time()
	case int:
		return int64(x)
	}
	return v
}

// withPgx runs fn with the pgx connection under conn; inside a transaction
// begun on conn, fn's statements are part of it.
func withPgx(conn *sql.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: not a pgx connection: %T", dc)
		}
		return fn(c.Conn())
	})
}
