package sqlstore

import (
	"testing"
	"time"
)

// TestCivilDays compares the day count with the time package over two
// centuries, leap years and their exceptions (1900, 2000, 2100) included.
func TestCivilDays(t *testing.T) {
	for d := time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2101; d = d.AddDate(0, 0, 1) {
		if got, want := civilDays(d.Year(), int(d.Month()), d.Day()), int(d.Unix()/86400); got != want {
			t.Fatalf("%s: %d, want %d", d.Format(time.DateOnly), got, want)
		}
	}
	if atoi("2011") != 2011 || atoi("03") != 3 || atoi("2x") != -1 {
		t.Fatal("atoi")
	}
}
