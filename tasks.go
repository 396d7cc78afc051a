package nrm

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// TaskKind is what a task of the worklist is about.
type TaskKind string

// Task kinds: each derives from a deadline recorded on a case.
const (
	// TaskReflectionEnd: an open case's reflection period ends soon or
	// has ended.
	TaskReflectionEnd TaskKind = "reflection_end"
	// TaskReferralWaiting: a referral to the organisation waits to be
	// accepted or returned.
	TaskReferralWaiting TaskKind = "referral_waiting"
	// TaskAssessmentPending: an accepted assessment referral has waited
	// longer than the setting tasks.assessment_days for the decision.
	TaskAssessmentPending TaskKind = "assessment_pending"
	// TaskReconsiderationDeadline: a pending reconsideration's deadline.
	TaskReconsiderationDeadline TaskKind = "reconsideration_deadline"
	// TaskLongStay: a crisis-shelter stay longer than tasks.stay_days.
	TaskLongStay TaskKind = "long_stay"
	// TaskOfferUnanswered: an offer unanswered for tasks.offer_days.
	TaskOfferUnanswered TaskKind = "offer_unanswered"
	// TaskRetentionDue: a closed case whose identifiers are due for
	// purging (tasks.retention_years after its exit; administrators).
	TaskRetentionDue TaskKind = "retention_due"
)

var taskKinds = newCodeSet("task_kind",
	[3]string{"reflection_end", "Refleksionsperiode udløber", "Reflection period ends"},
	[3]string{"referral_waiting", "Henvisning afventer svar", "Referral awaits an answer"},
	[3]string{"assessment_pending", "Vurdering afventer afgørelse", "Assessment awaits the decision"},
	[3]string{"reconsideration_deadline", "Frist for genoptagelse", "Reconsideration deadline"},
	[3]string{"long_stay", "Langt ophold på krisecenter", "Long crisis-shelter stay"},
	[3]string{"offer_unanswered", "Tilbud ubesvaret", "Offer unanswered"},
	[3]string{"retention_due", "Identifikationsoplysninger skal slettes", "Identifiers due for purging"},
)

// Label returns the kind's label in l.
func (k TaskKind) Label(l Lang) string { return taskKinds.label(string(k), l) }

// Valid reports whether k is a known kind.
func (k TaskKind) Valid() bool { return taskKinds.valid(string(k)) }

// TaskKinds returns every task kind in display order.
func TaskKinds() []TaskKind {
	out := make([]TaskKind, len(taskKinds.codes))
	for i, c := range taskKinds.codes {
		out[i] = TaskKind(c)
	}
	return out
}

// Defaults of the worklist's settings.
const (
	DefaultTaskAssessmentDays = 90
	DefaultTaskStayDays       = 100
	DefaultTaskOfferDays      = 14
	DefaultTaskReferralDays   = 7
	DefaultTaskRetentionYears = 5
	// DefaultTaskWithinDays is how far ahead the worklist looks unless
	// told otherwise; MaxTaskWithinDays bounds it.
	DefaultTaskWithinDays = 14
	MaxTaskWithinDays     = 365
	// DefaultTaskLimit and MaxTaskLimit bound the tasks listed at once.
	DefaultTaskLimit = 500
	MaxTaskLimit     = 5000
)

// Task is one entry of the worklist: what is due, on which case (by its
// reference, never by a person's identifiers), when, and where to act.
type Task struct {
	Kind    TaskKind `json:"kind"`
	CaseID  int64    `json:"case_id"`
	CaseRef string   `json:"case_ref"`
	// ReferralID names the referral of referral tasks.
	ReferralID int64 `json:"referral_id,omitempty"`
	Due        Date  `json:"due"`
	// DaysLeft counts the days from today to Due: negative when overdue.
	DaysLeft int `json:"days_left"`
	// Link is the page where the task is done: the case, or the referral.
	Link string `json:"link"`
}

// Overdue reports whether the task's due date has passed.
func (t *Task) Overdue() bool { return t.DaysLeft < 0 }

// TaskFilter selects the worklist.
type TaskFilter struct {
	// Within is how many days ahead to look (0: DefaultTaskWithinDays);
	// overdue tasks are always included.
	Within int
	// Org restricts the worklist to the cases an organisation owns (and
	// the referrals sent to it): administrators and coordinators.
	Org string
	// Kind restricts it to one kind (empty: every kind).
	Kind TaskKind
	// Limit bounds the tasks listed (0: DefaultTaskLimit).
	Limit int
	// Since, when set, counts as new the tasks that came within the
	// window after that date (TaskCounts.New).
	Since Date
}

// Validate checks the filter's bounds.
func (f *TaskFilter) Validate() error {
	v := &invalid{}
	if f.Within < 0 || f.Within > MaxTaskWithinDays {
		v.add("within", RuleRange, strconv.Itoa(f.Within), fmt.Sprintf("a number of days from 0 to %d", MaxTaskWithinDays))
	}
	if f.Org != "" && !ValidOrgCode(f.Org) {
		v.add("org", RuleFormat, f.Org, "an organisation code")
	}
	if f.Kind != "" && !f.Kind.Valid() {
		v.add("task_kind", RuleOneOf, string(f.Kind), taskKinds.expected())
	}
	if f.Limit < 0 || f.Limit > MaxTaskLimit {
		v.add("limit", RuleRange, strconv.Itoa(f.Limit), fmt.Sprintf("a whole number %d–%d", 0, MaxTaskLimit))
	}
	return v.err("The worklist's filter is not valid.")
}

// WithinDays returns the window in force.
func (f *TaskFilter) WithinDays() int {
	if f.Within == 0 {
		return DefaultTaskWithinDays
	}
	return f.Within
}

// ParseWithin reads a worklist window: a number of days, written "14",
// "14d" or "2w".
func ParseWithin(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "d"):
		s = strings.TrimSuffix(s, "d")
	case strings.HasSuffix(s, "w"):
		s, mult = strings.TrimSuffix(s, "w"), 7
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n*mult > MaxTaskWithinDays {
		return 0, &Error{Code: EINVALID, Message: "The worklist's window is not valid.", Fields: []FieldError{{Field: "within",
			Rule: RuleRange, Value: clip(s), Expected: fmt.Sprintf("a number of days from 0 to %d, e.g. 14d or 2w", MaxTaskWithinDays)}}}
	}
	return n * mult, nil
}

// TaskCount is how many tasks of one kind are due, how many of them are
// overdue and how many are new.
type TaskCount struct {
	Kind    TaskKind `json:"kind"`
	Count   int      `json:"count"`
	Overdue int      `json:"overdue"`
	New     int      `json:"new"`
}

// TaskCounts sums up a worklist: the counts of every kind, in display
// order, and their totals.
type TaskCounts struct {
	Total   int         `json:"total"`
	Overdue int         `json:"overdue"`
	New     int         `json:"new"`
	ByKind  []TaskCount `json:"by_kind"`
}

// TaskService reads the worklist. Tasks are scoped like cases:
// caseworkers see their organisation's cases and the referrals sent to
// it, assessors also their authority's queue and reconsiderations,
// administrators everything (retention only they apply); coordinators see
// the counts of every organisation and never a case.
type TaskService interface {
	// FindTasks lists the tasks due within the filter's window or
	// overdue, soonest first (audited: it lists case references).
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	// CountTasks counts them by kind, in one query.
	CountTasks(ctx context.Context, f TaskFilter) (*TaskCounts, error)
	// SeeTasks records that the signed-in user has seen the worklist
	// today, and returns the date of the previous visit (zero: none).
	SeeTasks(ctx context.Context) (Date, error)
}

// TaskDigest is one user's e-mail digest: the counts of the worklist and
// the case references of its tasks, never a person's identifiers.
type TaskDigest struct {
	UserID   int64
	Username string
	Email    string
	Lang     Lang
	Counts   TaskCounts
	Tasks    []*Task
	// Sent is when the digest was sent (zero: not sent).
	Sent time.Time
}

// MaxEmailLen bounds an e-mail address (RFC 5321).
const MaxEmailLen = 254

// CheckEmail validates an e-mail address for the task digest and returns
// it trimmed; "" (no address) is valid. Only a bare address is taken —
// no display name, no line breaks — so that it can go into a mail header
// as it is.
func CheckEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > MaxEmailLen || strings.ContainsAny(s, "\r\n<>,;\"") {
		return "", &Error{Code: EINVALID, Message: "The e-mail address is not valid.", Fields: []FieldError{{Field: "email",
			Rule: RuleFormat, Value: clip(s), Expected: "an e-mail address, e.g. name@example.org"}}}
	}
	return s, nil
}

func init() {
	codeSets[taskKinds.name] = taskKinds
	for k, l := range map[string]label{
		"within":    {"Antal dage frem", "Days ahead"},
		"task_kind": {"Opgavetype", "Kind of task"},
		"email":     {"E-mailadresse", "E-mail address"},
		"from":      {"Afsenderadresse", "Sender address"},
		"smtp":      {"SMTP-server", "SMTP server"},
		"digest_at": {"Tidspunkt for opgaveoversigten", "Time of the task digest"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = l
		}
	}
	expectedDA = append(expectedDA, []struct{ en, da string }{
		{"a number of days from 0 to {}", "et antal dage fra 0 til {}"},
		{"a number of days from 0 to {}, e.g. 14d or 2w", "et antal dage fra 0 til {}, fx 14d eller 2w"},
		{"an e-mail address, e.g. name@example.org", "en e-mailadresse, fx navn@example.org"},
		{"host:port", "vært:port"},
		{"a time of day as HH:MM, e.g. 07:00", "et klokkeslæt som TT:MM, fx 07:00"},
	}...)
}
