package sqlstore

import (
	"errors"
	"strconv"
	"strings"

	"nrm"

	"github.com/jackc/pgx/v5/pgconn"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds the few real differences between the engines.
type dialect interface {
	name() string
	// rebind rewrites ? placeholders for the engine.
	rebind(q string) string
	// least returns the SQL for the smaller of two values.
	least(a, b string) string
	// daysBetween returns SQL for the whole days from date a to date b.
	daysBetween(a, b string) string
	// year returns SQL for the calendar year of a date column.
	year(col string) string
	// translate turns constraint errors into domain errors.
	translate(err error) error
}

type sqlite struct{}

func (sqlite) name() string             { return "sqlite" }
func (sqlite) rebind(q string) string   { return q }
func (sqlite) least(a, b string) string { return "min(" + a + ", " + b + ")" }
func (sqlite) year(col string) string   { return "CAST(substr(" + col + ", 1, 4) AS INTEGER)" }
func (sqlite) daysBetween(a, b string) string {
	return "CAST(julianday(" + b + ") - julianday(" + a + ") AS INTEGER)"
}

func (sqlite) translate(err error) error {
	// The driver's errors, and those of the bulk writer's own statements
	// (bulk_sqlite.go), carry SQLite's extended result code.
	var se interface{ Code() int }
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "A record with this key already exists."}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &nrm.Error{Code: nrm.EINVALID, Message: "A referenced record does not exist."}
		}
	}
	return err
}

type postgres struct{}

func (postgres) name() string             { return "postgres" }
func (postgres) least(a, b string) string { return "LEAST(" + a + ", " + b + ")" }
func (postgres) year(col string) string   { return "CAST(EXTRACT(YEAR FROM " + col + ") AS INTEGER)" }
func (postgres) daysBetween(a, b string) string {
	return "(" + b + " - " + a + ")"
}

func (postgres) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (postgres) translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "A record with this key already exists."}
		case "23503":
			return &nrm.Error{Code: nrm.EINVALID, Message: "A referenced record does not exist."}
		}
	}
	return err
}
