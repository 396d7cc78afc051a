package sqlstore

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// The bulk writer's COPY encoding writes each value as pgx's own binary
// encoding does (pgx wrote the bulk rows before), length first, and
// refuses what a column's type cannot hold.
func TestCopyEncodingMatchesPgx(t *testing.T) {
	cph := time.FixedZone("CET", 3600)
	cases := []struct {
		oid uint32
		v   any
	}{
		{oidText, "SYN-2007-0000001"}, {oidText, ""}, {oidText, "Kvindehjælpen – Reden"},
		{oidBytea, []byte{0, 1, 2, 255}}, {oidBytea, []byte{}},
		{oidInt8, int64(1)}, {oidInt8, int64(-7)}, {oidInt8, int64(math.MaxInt64)},
		{oidInt4, int64(1977)}, {oidInt4, int64(-1)}, {oidInt4, int64(math.MaxInt32)},
		{oidBool, true}, {oidBool, false},
		{oidDate, time.Date(2011, 2, 10, 0, 0, 0, 0, time.UTC)}, {oidDate, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{oidDate, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)}, {oidDate, time.Date(1912, 2, 29, 0, 0, 0, 0, time.UTC)},
		{oidDate, time.Date(2012, 12, 31, 23, 30, 0, 0, cph)},
		{oidTimestamptz, time.Date(2026, 12, 3, 14, 2, 28, 123456789, time.UTC)},
		{oidTimestamptz, time.Date(2026, 12, 3, 15, 2, 28, 999, cph)},
		{oidTimestamptz, time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
	}
	m := pgtype.NewMap()
	for _, c := range cases {
		want, err := m.Encode(c.oid, pgtype.BinaryFormatCode, c.v, nil)
		if err != nil {
			t.Fatalf("pgx %d %v: %v", c.oid, c.v, err)
		}
		got, err := encodeValue(nil, c.oid, c.v)
		if err != nil {
			t.Fatalf("%d %#v: %v", c.oid, c.v, err)
		}
		if n := int(binary.BigEndian.Uint32(got)); n != len(want) || !bytes.Equal(got[4:], want) {
			t.Errorf("%d %#v: length %d, % x; pgx writes % x", c.oid, c.v, n, got[4:], want)
		}
	}
	if got, err := encodeValue(nil, oidText, nil); err != nil || !bytes.Equal(got, []byte{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("NULL: % x %v", got, err)
	}
	for _, bad := range []struct {
		oid uint32
		v   any
	}{{oidInt4, int64(math.MaxInt32 + 1)}, {oidText, int64(1)}, {oidDate, "2011-02-10"}, {oidBool, int64(1)}, {oidInt8, 1.5}} {
		if _, err := encodeValue(nil, bad.oid, bad.v); err == nil {
			t.Errorf("%d %#v encoded", bad.oid, bad.v)
		}
	}
}
