// Package notify sends the e-mail digest of the worklist: to each user
// with a digest address, the counts of their tasks and the case
// references with due dates — never a person's identifiers — over SMTP
// (net/smtp), each digest sent audited.
package notify

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/smtp"
	"strings"
	"time"

	"nrm"
	"nrm/sqlstore"
)

// DefaultMaxTasks is how many tasks a digest lists by reference; the
// counts cover them all.
const DefaultMaxTasks = 50

// Options configure SendDigests.
type Options struct {
	// Addr is the SMTP server, host:port.
	Addr string
	// From is the sender's address.
	From string
	// Auth authenticates to the server (nil: none). net/smtp sends
	// PLAIN credentials only over TLS or to localhost.
	Auth smtp.Auth
	// Roles limits the recipients to these roles (none: every role with
	// a worklist).
	Roles []nrm.Role
	// Within is the worklist's window in days (0: the default).
	Within int
	// BaseURL, when set, makes the worklist's link absolute.
	BaseURL string
	// MaxTasks bounds the tasks listed (0: DefaultMaxTasks).
	MaxTasks int
	// Now is the clock of the Date header (nil: time.Now).
	Now func() time.Time
}

// Result counts the digests sent, and the recipients skipped because
// nothing is due.
type Result struct {
	Sent, Skipped int
}

// Check checks that the options name a sender and an SMTP server, and
// returns the sender's address as it is sent.
func (o Options) Check() (from string, err error) {
	from, err = nrm.CheckEmail(o.From)
	if err != nil || from == "" {
		return "", &nrm.Error{Code: nrm.EINVALID, Message: "The sender's e-mail address is not valid.",
			Fields: []nrm.FieldError{{Field: "from", Rule: nrm.RuleFormat, Value: o.From, Expected: "an e-mail address, e.g. name@example.org"}}}
	}
	if strings.TrimSpace(o.Addr) == "" {
		return "", &nrm.Error{Code: nrm.EINVALID, Message: "No SMTP server is given.",
			Fields: []nrm.FieldError{{Field: "smtp", Rule: nrm.RuleRequired, Expected: "host:port"}}}
	}
	return from, nil
}

// SendDigests sends each recipient's digest and audits it (the context's
// actor must be an administrator, as on the command line). A failure to
// send stops the run: the digests sent before it stay sent and audited.
func SendDigests(ctx context.Context, db *sqlstore.DB, o Options) (Result, error) {
	var res Result
	from, err := o.Check()
	if err != nil {
		return res, err
	}
	rs, err := db.DigestRecipients(ctx, o.Roles)
	if err != nil {
		return res, err
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	for _, r := range rs {
		counts, tasks, err := db.DigestTasks(ctx, r.User, nrm.TaskFilter{Within: o.Within, Limit: max(o.MaxTasks, 0)})
		if err != nil {
			return res, fmt.Errorf("digest of user %d: %w", r.User.ID, err)
		}
		if counts.Total == 0 {
			res.Skipped++
			continue
		}
		limit := o.MaxTasks
		if limit <= 0 {
			limit = DefaultMaxTasks
		}
		if len(tasks) > limit {
			tasks = tasks[:limit]
		}
		d := &nrm.TaskDigest{UserID: r.User.ID, Username: r.User.Username, Email: r.Email, Lang: r.User.Lang, Counts: *counts, Tasks: tasks}
		msg := Compose(d, from, o, now())
		if err := smtp.SendMail(o.Addr, o.Auth, from, []string{r.Email}, msg); err != nil {
			return res, fmt.Errorf("digest to user %d: %w", r.User.ID, err)
		}
		if err := db.RecordDigest(ctx, r.User.ID, counts.Total); err != nil {
			return res, err
		}
		res.Sent++
	}
	return res, nil
}

// Compose writes one digest as a MIME message in the recipient's
// language (Danish unless English is chosen): the counts by kind, then
// the tasks by case reference and due date, and the worklist's link.
func Compose(d *nrm.TaskDigest, from string, o Options, now time.Time) []byte {
	l := d.Lang
	if l != nrm.LangEN {
		l = nrm.LangDA
	}
	t := func(da, en string) string {
		if l == nrm.LangEN {
			return en
		}
		return da
	}
	within := o.Within
	if within == 0 {
		within = nrm.DefaultTaskWithinDays
	}
	var body strings.Builder
	fmt.Fprintf(&body, t("Dine opgaver i nrm, der forfalder inden for %d dage eller er overskredet:\n\n",
		"Your tasks in nrm due within %d days or overdue:\n\n"), within)
	for _, c := range d.Counts.ByKind {
		if c.Count == 0 {
			continue
		}
		fmt.Fprintf(&body, "  %s: %d", c.Kind.Label(l), c.Count)
		if c.Overdue > 0 {
			fmt.Fprintf(&body, t(" (%d overskredet)", " (%d overdue)"), c.Overdue)
		}
		body.WriteString("\n")
	}
	fmt.Fprintf(&body, t("  I alt: %d\n", "  Total: %d\n"), d.Counts.Total)
	if len(d.Tasks) > 0 {
		body.WriteString(t("\nSager efter frist:\n", "\nCases by due date:\n"))
		for _, x := range d.Tasks {
			fmt.Fprintf(&body, "  %s  %s  %s %s", x.CaseRef, x.Kind.Label(l), t("frist", "due"), x.Due)
			n, days := x.DaysLeft, t("dage", "days")
			if n < 0 {
				n = -n
			}
			if n == 1 {
				days = t("dag", "day")
			}
			if x.DaysLeft < 0 {
				fmt.Fprintf(&body, t(" (overskredet med %d %s)", " (overdue by %d %s)"), n, days)
			} else {
				fmt.Fprintf(&body, t(" (%d %s tilbage)", " (%d %s left)"), n, days)
			}
			body.WriteString("\n")
		}
		if more := d.Counts.Total - len(d.Tasks); more > 0 {
			fmt.Fprintf(&body, t("  … og %d mere.\n", "  … and %d more.\n"), more)
		}
	}
	fmt.Fprintf(&body, t("\nÅbn opgavelisten: %s\n", "\nOpen the worklist: %s\n"), strings.TrimRight(o.BaseURL, "/")+"/tasks")
	body.WriteString(t("\nMailen nævner kun sagsreferencer. Oplysninger om personerne står kun i nrm.\n",
		"This mail names case references only. Information about the people is in nrm alone.\n"))

	var msg bytes.Buffer
	subject := fmt.Sprintf(t("nrm: %d opgaver", "nrm: %d tasks"), d.Counts.Total)
	if d.Counts.Overdue > 0 {
		subject += fmt.Sprintf(t(", %d overskredet", ", %d overdue"), d.Counts.Overdue)
	}
	header := [][2]string{
		{"From", from},
		{"To", d.Email},
		{"Subject", mime.QEncoding.Encode("utf-8", subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		{"Auto-Submitted", "auto-generated"},
	}
	for _, h := range header {
		msg.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	msg.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&msg)
	qp.Write([]byte(strings.ReplaceAll(body.String(), "\n", "\r\n")))
	qp.Close()
	return msg.Bytes()
}
