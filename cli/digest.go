package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"nrm"
	"nrm/notify"
	"nrm/sqlstore"
)

// digestClock is a time of day, in minutes after midnight, at which
// nrm serve --digest-at sends the e-mail digests.
type digestClock int

// parseDigestClock reads HH:MM (24-hour clock, local time).
func parseDigestClock(s string) (digestClock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, &nrm.Error{Code: nrm.EINVALID, Message: "The time of the digest is not valid.",
			Fields: []nrm.FieldError{{Field: "digest_at", Rule: nrm.RuleFormat, Value: s, Expected: "a time of day as HH:MM, e.g. 07:00"}}}
	}
	return digestClock(hh*60 + mm), nil
}

// next returns the first time after now (in now's location) whose clock
// reads c: today's when it is still to come, else tomorrow's. A run that
// starts on the minute therefore schedules the next day's.
func (c digestClock) next(now time.Time) time.Time {
	y, mo, d := now.Date()
	t := time.Date(y, mo, d, int(c)/60, int(c)%60, 0, 0, now.Location())
	if !t.After(now) {
		t = time.Date(y, mo, d+1, int(c)/60, int(c)%60, 0, 0, now.Location())
	}
	return t
}

// digestSender is what the scheduled digest needs of the store.
type digestSender func(ctx context.Context, db *sqlstore.DB, o notify.Options) (notify.Result, error)

// startDigests sends the e-mail digests every day at clock (local time)
// until the returned stop is called; each run is audited by the store and
// logged with its counts only. A failed run is logged and tried again the
// next day.
func startDigests(ctx context.Context, db *sqlstore.DB, clock digestClock, o notify.Options, send digestSender, now func() time.Time, logger *slog.Logger) (stop func()) {
	ctx = context.WithoutCancel(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			wait := clock.next(now()).Sub(now())
			t := time.NewTimer(max(wait, time.Second))
			select {
			case <-done:
				t.Stop()
				return
			case <-t.C:
			}
			res, err := send(ctx, db, o)
			if err != nil {
				logger.Error("e-mail digest failed", "sent", res.Sent, "err", err)
			} else {
				logger.Info("e-mail digests sent", "sent", res.Sent, "skipped", res.Skipped)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
		})
	}
}

// digestSchedule checks serve's digest flags: nothing when at is empty,
// else the clock and the digest's options, refused before the server
// starts when the time, the sender or the server is missing or wrong.
func digestSchedule(at, smtpAddr, from string) (digestClock, notify.Options, bool, error) {
	if strings.TrimSpace(at) == "" {
		return 0, notify.Options{}, false, nil
	}
	c, err := parseDigestClock(at)
	if err != nil {
		return 0, notify.Options{}, false, err
	}
	o, err := digestOptions(smtpAddr, from, "", "", "")
	if err != nil {
		return 0, o, false, err
	}
	if _, err := o.Check(); err != nil {
		return 0, o, false, err
	}
	return c, o, true, nil
}

// describeDigest says when the digests go out, for serve's start line.
func describeDigest(l nrm.Lang, c digestClock) string {
	return fmt.Sprintf(msg(l, "Opgaveoversigter sendes med e-mail hver dag kl. %02d.%02d\n", "Task digests are e-mailed every day at %02d:%02d\n"), int(c)/60, int(c)%60)
}
