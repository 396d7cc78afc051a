package nrm

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a civil date without time zone, written YYYY-MM-DD. The zero
// Date means unknown. Dates are stored as ISO text (SQLite) or DATE
// (PostgreSQL); both compare correctly.
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate parses YYYY-MM-DD; the empty string gives the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	if d, ok := parseISODate(s); ok {
		return d, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, &Error{Code: EINVALID, Message: fmt.Sprintf("invalid date %q", s),
			Fields: []FieldError{{Field: "date", Rule: RuleFormat, Value: s, Expected: "YYYY-MM-DD"}}}
	}
	return Date{t}, nil
}

// parseISODate reads a valid YYYY-MM-DD by its digits, to the same Date
// as time.Parse gives, in a quarter of the time (an import parses some
// ten dates a case); for anything else it reports false, and time.Parse
// has the last word, with its errors.
func parseISODate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, m, d := 0, 0, 0
	for i, p := range [...]*int{&y, &y, &y, &y, nil, &m, &m, nil, &d, &d} {
		if p == nil {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return Date{}, false
		}
		*p = *p*10 + int(c-'0')
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return Date{}, false
	}
	return NewDate(y, time.Month(m), d), true
}

// daysIn is the number of days of month m (1 to 12) of year y in the
// proleptic Gregorian calendar, as time uses.
func daysIn(m time.Month, y int) int {
	if m == time.February && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return int(monthDays[m-1])
}

var monthDays = [12]uint8{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// MustDate parses s and panics on error; for tests and fixed data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Year returns the year of d.
func (d Date) Year() int { return d.t.Year() }

// Month returns the month of d.
func (d Date) Month() time.Month { return d.t.Month() }

// Day returns the day of month of d.
func (d Date) Day() int { return d.t.Day() }

// Time returns d as midnight UTC.
func (d Date) Time() time.Time { return d.t }

// String formats d as YYYY-MM-DD, or "" when zero.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	return string(d.AppendISO(b[:0]))
}

// AppendISO appends YYYY-MM-DD (what String returns) to b, without
// time.Format's generality: dates are formatted millions of times in an
// import.
func (d Date) AppendISO(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	y, m, dd := d.t.Date()
	if y < 0 || y > 9999 {
		return d.t.AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// DaysUntil returns the number of days from d to e (e − d).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// YearsUntil returns the completed years from d (a birth date) to e.
func (d Date) YearsUntil(e Date) int {
	y := e.Year() - d.Year()
	if e.Month() < d.Month() || (e.Month() == d.Month() && e.Day() < d.Day()) {
		y--
	}
	return y
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: NULL for unknown, else YYYY-MM-DD.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for text and time values.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = NewDate(v.Date())
		return nil
	case string:
		if len(v) > 10 {
			v = v[:10]
		}
		return d.UnmarshalText([]byte(v))
	case []byte:
		if len(v) > 10 {
			v = v[:10]
		}
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("nrm.Date: cannot scan %T", src)
}
