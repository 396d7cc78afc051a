package nrm

import (
	"math/rand/v2"
	"testing"
	"time"
)

// ParseDate reads dates by their digits; what it gives must be what
// time.Parse gives, for every string: the same Date for a valid one, an
// error for any other. The strings are random dates of every year from 0
// to 9999, with each character at times replaced by a neighbour (a digit
// out of range, a sign, a space, a letter), shortened or lengthened.
func TestParseDateAsTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := "0123456789-+ :T/aZ\u00e9"
	checked, valid := 0, 0
	check := func(s string) {
		if s == "" {
			return // the unknown date, by design
		}
		checked++
		want, werr := time.Parse("2006-01-02", s)
		got, err := ParseDate(s)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: error %v, time.Parse: %v", s, err, werr)
		}
		if err != nil {
			return
		}
		valid++
		if got != (Date{want}) || got.t.Location() != time.UTC {
			t.Fatalf("%q: %#v, time.Parse: %#v", s, got.t, want)
		}
	}
	for range 400_000 {
		y, m, d := rng.IntN(10000), 1+rng.IntN(12), 1+rng.IntN(31)
		if rng.IntN(4) == 0 {
			m, d = rng.IntN(100), rng.IntN(100)
		}
		s := []byte(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
		copy(s, []byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)})
		s[5], s[6], s[8], s[9] = byte('0'+m/10), byte('0'+m%10), byte('0'+d/10), byte('0'+d%10)
		switch rng.IntN(8) {
		case 0:
			s[rng.IntN(len(s))] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			s = s[:rng.IntN(len(s))]
		case 2:
			s = append(s, alphabet[rng.IntN(len(alphabet))])
		}
		check(string(s))
	}
	for _, s := range []string{"2000-02-29", "1900-02-29", "2100-02-29", "2400-02-29", "0000-02-29", "2011-04-31", "2011-12-31", "2011-00-10", "+011-01-01", "2011-1-01", "2011-01-1 ", "２011-01-01"} {
		check(s)
	}
	if valid < checked/3 || valid == checked {
		t.Fatalf("%d of %d strings valid: the test does not try both kinds", valid, checked)
	}
}
