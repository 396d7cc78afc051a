package cli

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"nrm"
	"nrm/notify"
	"nrm/sqlstore"
)

// The digest's time of day is read as HH:MM, one clear fault otherwise.
func TestParseDigestClock(t *testing.T) {
	for s, want := range map[string]digestClock{"07:00": 420, "0:05": 5, "23:59": 1439, " 12:30 ": 750} {
		if got, err := parseDigestClock(s); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"24:00", "7", "07:60", "07:5", "-1:00", "ab:cd", "07:00:00", ""} {
		_, err := parseDigestClock(s)
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "digest_at" {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// The next send is today's when the time is still to come, else
// tomorrow's (hand-computed, across a month's end).
func TestDigestClockNext(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	at := digestClock(7 * 60)
	for _, tc := range []struct{ now, want string }{
		{"2026-12-03T06:59:59", "2026-12-03T07:00:00"},
		{"2026-12-03T07:00:00", "2026-12-04T07:00:00"},
		{"2026-12-03T07:00:01", "2026-12-04T07:00:00"},
		{"2026-12-31T23:00:00", "2027-01-01T07:00:00"},
	} {
		now, _ := time.ParseInLocation("2006-01-02T15:04:05", tc.now, loc)
		if got := at.next(now).Format("2006-01-02T15:04:05"); got != tc.want {
			t.Errorf("at %s: next %s, want %s", tc.now, got, tc.want)
		}
	}
}

// The scheduler sends once when the time comes, not again within the
// same minute, and stops when asked.
func TestStartDigestsSendsOnce(t *testing.T) {
	// A clock 1.5 seconds before a full minute.
	offset := time.Until(time.Now().Truncate(time.Minute).Add(time.Minute)) - 1500*time.Millisecond
	now := func() time.Time { return time.Now().Add(offset) }
	clock := digestClock((now().Hour()*60 + now().Minute() + 1) % (24 * 60))
	var calls atomic.Int32
	sent := make(chan struct{}, 4)
	send := func(context.Context, *sqlstore.DB, notify.Options) (notify.Result, error) {
		calls.Add(1)
		sent <- struct{}{}
		return notify.Result{Sent: 1}, nil
	}
	stop := startDigests(context.Background(), nil, clock, notify.Options{}, send, now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	select {
	case <-sent:
	case <-time.After(20 * time.Second):
		stop()
		t.Fatal("no digest sent when the time came")
	}
	time.Sleep(1500 * time.Millisecond)
	stop()
	if n := calls.Load(); n != 1 {
		t.Fatalf("sent %d times", n)
	}
}

// Serve refuses a bad digest time or a digest without a server or a
// sender before it starts.
func TestDigestSchedule(t *testing.T) {
	t.Setenv("NRM_SMTP_ADDR", "")
	t.Setenv("NRM_SMTP_FROM", "")
	if _, _, on, err := digestSchedule("", "", ""); on || err != nil {
		t.Fatalf("off: %v %v", on, err)
	}
	for _, tc := range []struct{ at, smtp, from, field string }{
		{"25:00", "127.0.0.1:25", "nrm@example.org", "digest_at"},
		{"07:00", "", "nrm@example.org", "smtp"},
		{"07:00", "127.0.0.1:25", "", "from"},
	} {
		_, _, on, err := digestSchedule(tc.at, tc.smtp, tc.from)
		if fe := nrm.FieldErrors(err); on || len(fe) != 1 || fe[0].Field != tc.field {
			t.Errorf("%+v: %v %v", tc, on, err)
		}
	}
	c, o, on, err := digestSchedule("06:30", "127.0.0.1:25", "nrm@example.org")
	if err != nil || !on || c != 390 || o.Addr != "127.0.0.1:25" || o.From != "nrm@example.org" {
		t.Fatalf("on: %d %+v %v %v", c, o, on, err)
	}
}
