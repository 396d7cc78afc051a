package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nrm"
)

// The worklist is derived from deadlines already recorded on cases, with
// one set-based query per kind of task, each read through a partial index
// that holds only what can still be due (migration 00015): the derived
// columns reflection_due, offer_since and shelter_since of open cases
// (migrations 00015 and 00022), pending reconsiderations, referrals waiting or
// undecided, and closed cases not yet purged. The counts of every kind
// are one statement (a UNION ALL), cheap enough for the navigation of
// every page.

// taskDates returns the derived task columns of c: the latest end of its
// reflection periods, the date of its oldest unanswered offer and the
// start of its earliest ongoing crisis-shelter stay, all NULL (zero) once
// the case is closed.
func taskDates(c *nrm.Case, closedOn nrm.Date) (reflectionDue, offerSince, shelterSince nrm.Date) {
	if !closedOn.IsZero() {
		return nrm.Date{}, nrm.Date{}, nrm.Date{}
	}
	for _, p := range c.ReflectionPeriods {
		if p.End.After(reflectionDue) {
			reflectionDue = p.End
		}
	}
	for _, o := range c.Offers {
		if o.Accepted == nil && !o.Offered.IsZero() && (offerSince.IsZero() || o.Offered.Before(offerSince)) {
			offerSince = o.Offered
		}
	}
	for _, a := range c.Accommodations {
		if a.Kind == nrm.AccommodationCrisisShelter && a.End.IsZero() && !a.Start.IsZero() && (shelterSince.IsZero() || a.Start.Before(shelterSince)) {
			shelterSince = a.Start
		}
	}
	return reflectionDue, offerSince, shelterSince
}

// taskSettings are the settings the worklist reads.
type taskSettings struct {
	reflectionDays, reflectionMax                             int
	assessmentDays, stayDays, offerDays, referralDays, retain int
}

// taskSettingsTTL is how long the worklist's settings are kept between
// reads: a changed setting applies within it.
const taskSettingsTTL = 10 * time.Second

type cachedTaskSettings struct {
	at time.Time
	s  taskSettings
}

// taskSettingsCache holds the settings read last, per database.
var taskSettingsCache sync.Map // *DB -> cachedTaskSettings

var taskSettingKeys = []string{nrm.SettingReflectionDays, nrm.SettingReflectionMaxDays, nrm.SettingTaskAssessmentDays,
	nrm.SettingTaskStayDays, nrm.SettingTaskOfferDays, nrm.SettingTaskReferralDays, nrm.SettingTaskRetentionYears}

// readTaskSettings reads the worklist's settings through q (the database
// or a transaction), each at its default unless a valid value is stored.
func readTaskSettings(ctx context.Context, q func(context.Context, string, ...any) (*sql.Rows, error)) (taskSettings, error) {
	rows, err := q(ctx, "SELECT key, value FROM settings WHERE key IN (?"+strings.Repeat(", ?", len(taskSettingKeys)-1)+")", anySlice(taskSettingKeys)...)
	if err != nil {
		return taskSettings{}, err
	}
	defer rows.Close()
	stored := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return taskSettings{}, err
		}
		stored[k] = v
	}
	if err := rows.Err(); err != nil {
		return taskSettings{}, err
	}
	get := func(key string) int { v, ok := stored[key]; return nrm.SettingInt(key, v, ok) }
	return taskSettings{
		reflectionDays: get(nrm.SettingReflectionDays), reflectionMax: get(nrm.SettingReflectionMaxDays),
		assessmentDays: get(nrm.SettingTaskAssessmentDays), stayDays: get(nrm.SettingTaskStayDays),
		offerDays: get(nrm.SettingTaskOfferDays), referralDays: get(nrm.SettingTaskReferralDays),
		retain: get(nrm.SettingTaskRetentionYears),
	}, nil
}

func anySlice(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// taskSettings returns the worklist's settings, read at most once per
// taskSettingsTTL.
func (d *DB) taskSettings(ctx context.Context) (taskSettings, error) {
	now := time.Now()
	if c, ok := taskSettingsCache.Load(d); ok && now.Sub(c.(cachedTaskSettings).at) < taskSettingsTTL {
		return c.(cachedTaskSettings).s, nil
	}
	s, err := readTaskSettings(ctx, d.query)
	if err != nil {
		return s, err
	}
	taskSettingsCache.Store(d, cachedTaskSettings{at: now, s: s})
	return s, nil
}

// ReflectionSettings returns the statutory default length of a
// reflection period and the maximum in total, in days (settings
// reflection.default_days and reflection.max_days).
func (d *DB) ReflectionSettings(ctx context.Context) (defaultDays, maxDays int, err error) {
	s, err := d.taskSettings(ctx)
	return s.reflectionDays, s.reflectionMax, err
}

// checkReflectionMax holds the case's reflection periods to the maximum
// of the setting reflection.max_days, read in the transaction (only when
// a period has a kind: periods from before kinds are not held to it).
func (tx *Tx) checkReflectionMax(ctx context.Context, c *nrm.Case) error {
	kinded := false
	for _, p := range c.ReflectionPeriods {
		kinded = kinded || p.Kind != ""
	}
	if !kinded {
		return nil
	}
	s, err := readTaskSettings(ctx, tx.query)
	if err != nil {
		return err
	}
	return c.ValidateReflectionMax(s.reflectionMax)
}

// taskQuery is the query of one kind of task: its FROM and WHERE with
// their arguments, the date the task counts from (base, a column) and
// the days from it to the due date.
type taskQuery struct {
	kind   nrm.TaskKind
	from   string // FROM ... WHERE ... (alias c for the case)
	args   []any
	base   string // the column of the date the deadline counts from
	offset int    // days from base to the due date
	years  int    // years from base to the due date (retention)
	fact   string // the column of the referral id, or "0"
}

// due returns the due date of a task whose base date is b.
func (q *taskQuery) due(b nrm.Date) nrm.Date {
	if q.years != 0 {
		return nrm.NewDate(b.Year()+q.years, b.Month(), b.Day())
	}
	return b.AddDays(q.offset)
}

// bound returns the latest base date of a task due by horizon.
func (q *taskQuery) bound(horizon nrm.Date) nrm.Date {
	if q.years != 0 {
		return nrm.NewDate(horizon.Year()-q.years, horizon.Month(), horizon.Day())
	}
	return horizon.AddDays(-q.offset)
}

// taskQueries returns the queries of the tasks the actor may see under
// f, due by horizon (each with its bound among its arguments last).
// counts is true for a count, which coordinators may read.
func (d *DB) taskQueries(ctx context.Context, f nrm.TaskFilter, horizon nrm.Date, counts bool) ([]*taskQuery, error) {
	a := actorOf(ctx)
	switch {
	case readsCases(a):
	case counts && a.Role == nrm.RoleCoordinator:
	default:
		return nil, forbidden()
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	all := a.Role == nrm.RoleAdmin || a.Role == nrm.RoleCoordinator
	if f.Org != "" && !all && f.Org != a.Org {
		return nil, forbidden()
	}
	st, err := d.taskSettings(ctx)
	if err != nil {
		return nil, err
	}
	// scope restricts the cases (alias c) to those the actor may see,
	// or to the filter's organisation.
	scope := func() (string, []any) {
		switch {
		case all && f.Org != "":
			return "c.owner_org = ?", []any{f.Org}
		case all:
			return "1=1", nil
		}
		return visibleProbeSQL(a)
	}
	// Referrals are scoped by the organisation they were sent to: the
	// receiver acts on them before it may see the case.
	toOrg := func() (string, []any) {
		switch {
		case all && f.Org != "":
			return "r.to_org = ?", []any{f.Org}
		case all:
			return "1=1", nil
		case a.Role == nrm.RoleAssessor && a.Authority != "":
			return "r.to_org = ?", []any{nrm.AuthorityOrg(a.Authority)}
		}
		return "r.to_org = ?", []any{a.Org}
	}
	var qs []*taskQuery
	add := func(q *taskQuery, cond string, args ...any) {
		q.from += " AND " + cond
		q.args = append(q.args, args...)
		if q.fact == "" {
			q.fact = "0"
		}
		qs = append(qs, q)
	}
	vis, visArgs := scope()
	add(&taskQuery{kind: nrm.TaskReflectionEnd, from: "FROM cases c WHERE c.reflection_due IS NOT NULL", base: "c.reflection_due"}, vis, visArgs...)
	to, toArgs := toOrg()
	add(&taskQuery{kind: nrm.TaskReferralWaiting, from: "FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.status = 'sent'",
		base: "r.date", offset: st.referralDays, fact: "r.id"}, to, toArgs...)
	// An assessor's pending decisions are the authority's queue; anyone
	// else's, the undecided referrals of the cases they see.
	pendCond, pendArgs := vis, visArgs
	if a.Role == nrm.RoleAssessor {
		pendCond, pendArgs = to, toArgs
	}
	add(&taskQuery{kind: nrm.TaskAssessmentPending, from: `FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.purpose = 'assessment'
		AND r.status = 'accepted' AND r.access_revoked_on IS NULL AND r.decided_on IS NULL`,
		base: "r.date", offset: st.assessmentDays}, pendCond, pendArgs...)
	recCond, recArgs := vis, visArgs
	if a.Role == nrm.RoleAssessor {
		recCond = "(" + vis + " OR EXISTS (SELECT 1 FROM assessments ra WHERE ra.id = x.assessment_id AND ra.authority = ?))"
		recArgs = append(append([]any(nil), visArgs...), string(a.Authority))
	}
	add(&taskQuery{kind: nrm.TaskReconsiderationDeadline, from: "FROM reconsiderations x JOIN cases c ON c.id = x.case_id WHERE x.outcome = ''",
		base: "x.deadline"}, recCond, recArgs...)
	// One task per open case in a crisis shelter, from its earliest
	// ongoing stay (the derived column shelter_since, migration 00022).
	add(&taskQuery{kind: nrm.TaskLongStay, from: "FROM cases c WHERE c.shelter_since IS NOT NULL", base: "c.shelter_since", offset: st.stayDays},
		vis, visArgs...)
	add(&taskQuery{kind: nrm.TaskOfferUnanswered, from: "FROM cases c WHERE c.offer_since IS NOT NULL", base: "c.offer_since", offset: st.offerDays},
		vis, visArgs...)
	if all {
		add(&taskQuery{kind: nrm.TaskRetentionDue, from: "FROM cases c WHERE c.purged_at IS NULL AND c.closed_on IS NOT NULL",
			base: "c.closed_on", years: st.retain}, vis, visArgs...)
	}
	out := qs[:0]
	for _, q := range qs {
		if f.Kind == "" || q.kind == f.Kind {
			q.from += " AND " + q.base + " <= ?"
			q.args = append(q.args, q.bound(horizon))
			out = append(out, q)
		}
	}
	return out, nil
}

// today is the store's current date.
func (d *DB) today() nrm.Date { return nrm.DateOf(d.Now()) }

// FindTasks lists the tasks due within f's window or overdue, soonest
// first (each kind read through its own index, at most f's limit of
// each), and audits the read.
func (d *DB) FindTasks(ctx context.Context, f nrm.TaskFilter) ([]*nrm.Task, error) {
	out, err := d.findTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	return out, d.auditRead(ctx, "tasks.read", "tasks", f.Org, fmt.Sprintf("%d tasks within %d days", len(out), f.WithinDays()))
}

// DigestTasks returns a user's worklist for the e-mail digest: the
// counts, and the tasks unless the user is a coordinator. Administrators
// only; the digest sent is audited by RecordDigest, not this read.
func (d *DB) DigestTasks(ctx context.Context, u *nrm.User, f nrm.TaskFilter) (*nrm.TaskCounts, []*nrm.Task, error) {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return nil, nil, forbidden()
	}
	uctx := nrm.NewContextWithActor(ctx, u.Actor("digest"))
	counts, err := d.CountTasks(uctx, f)
	if err != nil || u.Role == nrm.RoleCoordinator {
		return counts, nil, err
	}
	tasks, err := d.findTasks(uctx, f)
	return counts, tasks, err
}

// findTasks is FindTasks without the audit entry.
func (d *DB) findTasks(ctx context.Context, f nrm.TaskFilter) ([]*nrm.Task, error) {
	today := d.today()
	qs, err := d.taskQueries(ctx, f, today.AddDays(f.WithinDays()), false)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = nrm.DefaultTaskLimit
	}
	out := []*nrm.Task{}
	for _, q := range qs {
		rows, err := d.query(ctx, "SELECT c.id, c.ref, "+q.base+", "+q.fact+" "+q.from+" ORDER BY "+q.base+", c.id LIMIT "+strconv.Itoa(limit), q.args...)
		if err != nil {
			return nil, fmt.Errorf("tasks %s: %w", q.kind, err)
		}
		for rows.Next() {
			t := &nrm.Task{Kind: q.kind}
			var base nrm.Date
			if err := rows.Scan(&t.CaseID, &t.CaseRef, &base, &t.ReferralID); err != nil {
				rows.Close()
				return nil, err
			}
			t.Due = q.due(base)
			t.DaysLeft = today.DaysUntil(t.Due)
			t.Link = "/cases/" + strconv.FormatInt(t.CaseID, 10)
			if t.ReferralID != 0 {
				t.Link = "/referrals/" + strconv.FormatInt(t.ReferralID, 10)
			}
			out = append(out, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	kindOrder := map[nrm.TaskKind]int{}
	for i, k := range nrm.TaskKinds() {
		kindOrder[k] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if !sameDay(x.Due, y.Due) {
			return x.Due.Before(y.Due)
		}
		if x.Kind != y.Kind {
			return kindOrder[x.Kind] < kindOrder[y.Kind]
		}
		return x.CaseRef < y.CaseRef
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// taskCountTTL bounds how long a count is reused while the data version
// stays the same: a share of a case given or taken, or a changed setting
// (which do not move the data version), shows in the counts within it.
const taskCountTTL = taskSettingsTTL

// taskCountKey identifies a count: the database, who counts (their scope)
// and the filter, on the day and at the data version it was made.
type taskCountKey struct {
	db          *DB
	role        nrm.Role
	org         string
	authority   nrm.Authority
	filter      nrm.TaskFilter
	today       string
	dataVersion int64
}

type cachedTaskCount struct {
	at     time.Time
	counts nrm.TaskCounts
}

// taskCountCache holds recent counts: the navigation asks on every page,
// and at a million cases a count reads thousands of index entries.
var (
	taskCountCache   sync.Map // taskCountKey -> cachedTaskCount
	taskCountEntries atomic.Int64
)

// CountTasks counts the tasks FindTasks would list (without its limit),
// by kind; coordinators may count every organisation's. Counting lists no
// case and is not audited. A count is reused while the data version, the
// day and the actor's scope stay the same, for at most taskCountTTL.
func (d *DB) CountTasks(ctx context.Context, f nrm.TaskFilter) (*nrm.TaskCounts, error) {
	a := actorOf(ctx)
	dv, err := d.dataVersion(ctx)
	if err != nil {
		return nil, err
	}
	key := taskCountKey{db: d, role: a.Role, org: a.Org, authority: a.Authority, filter: f, today: d.today().String(), dataVersion: dv}
	if c, ok := taskCountCache.Load(key); ok && time.Since(c.(cachedTaskCount).at) < taskCountTTL {
		counts := c.(cachedTaskCount).counts
		counts.ByKind = slices.Clone(counts.ByKind)
		return &counts, nil
	}
	res, err := d.countTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	if taskCountEntries.Add(1) > 4096 { // bounded: start afresh
		taskCountCache.Clear()
		taskCountEntries.Store(1)
	}
	stored := *res
	stored.ByKind = slices.Clone(res.ByKind)
	taskCountCache.Store(key, cachedTaskCount{at: time.Now(), counts: stored})
	return res, nil
}

// countTasks counts the tasks without the cache, in one statement.
func (d *DB) countTasks(ctx context.Context, f nrm.TaskFilter) (*nrm.TaskCounts, error) {
	today := d.today()
	qs, err := d.taskQueries(ctx, f, today.AddDays(f.WithinDays()), true)
	if err != nil {
		return nil, err
	}
	res := &nrm.TaskCounts{}
	byKind := map[nrm.TaskKind]*nrm.TaskCount{}
	for _, k := range nrm.TaskKinds() {
		res.ByKind = append(res.ByKind, nrm.TaskCount{Kind: k})
	}
	for i := range res.ByKind {
		byKind[res.ByKind[i].Kind] = &res.ByKind[i]
	}
	if len(qs) > 0 {
		var parts []string
		var args []any
		for _, q := range qs {
			// Overdue: due before today. New: came within the window
			// (due minus the window) after f.Since.
			overdue := q.bound(today.AddDays(-1))
			newAfter := q.bound(f.Since.AddDays(f.WithinDays()))
			if f.Since.IsZero() {
				newAfter = q.bound(horizonOf(today, f))
			}
			parts = append(parts, "SELECT '"+string(q.kind)+"', COUNT(*), COALESCE(SUM(CASE WHEN "+q.base+" <= ? THEN 1 ELSE 0 END), 0), "+
				"COALESCE(SUM(CASE WHEN "+q.base+" > ? THEN 1 ELSE 0 END), 0) "+q.from)
			args = append(append(args, overdue, newAfter), q.args...)
		}
		rows, err := d.query(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return nil, fmt.Errorf("count tasks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n, over, nw int
			if err := rows.Scan(&k, &n, &over, &nw); err != nil {
				return nil, err
			}
			if c := byKind[nrm.TaskKind(k)]; c != nil {
				c.Count, c.Overdue, c.New = n, over, nw
				res.Total, res.Overdue, res.New = res.Total+n, res.Overdue+over, res.New+nw
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if r := actorOf(ctx).Role; r != nrm.RoleAdmin && r != nrm.RoleCoordinator {
		// Retention is applied by administrators only: no one else
		// has that kind of task.
		res.ByKind = res.ByKind[:len(res.ByKind)-1]
	}
	return res, nil
}

// sameDay reports whether two dates are the same day.
func sameDay(a, b nrm.Date) bool { return !a.Before(b) && !a.After(b) }

// horizonOf is the last date of f's window from today.
func horizonOf(today nrm.Date, f nrm.TaskFilter) nrm.Date { return today.AddDays(f.WithinDays()) }

// SeeTasks records that the signed-in user saw the worklist today and
// returns the date of the visit before (zero: none, or not a user).
func (d *DB) SeeTasks(ctx context.Context) (nrm.Date, error) {
	prev, err := d.TasksSeenOn(ctx)
	if err != nil || actorOf(ctx).UserID == 0 {
		return prev, err
	}
	today := d.today()
	if sameDay(prev, today) {
		return prev, nil // one write a day at most, not one per page view
	}
	_, err = d.exec(ctx, `INSERT INTO task_notices (user_id, seen_on) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET seen_on = excluded.seen_on`, actorOf(ctx).UserID, today)
	return prev, err
}

// TasksSeenOn returns the date the signed-in user last saw the worklist
// (zero: never), without recording a visit.
func (d *DB) TasksSeenOn(ctx context.Context) (nrm.Date, error) {
	a := actorOf(ctx)
	var on nrm.Date
	if a.UserID == 0 {
		return on, nil
	}
	err := d.queryRow(ctx, "SELECT seen_on FROM task_notices WHERE user_id = ?", a.UserID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return nrm.Date{}, nil
	}
	return on, err
}

var _ nrm.TaskService = (*DB)(nil)

// SetTaskEmail sets (or, with "", removes) the e-mail address that
// receives a user's task digest: administrators only, audited without
// the address.
func (d *DB) SetTaskEmail(ctx context.Context, username, email string) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	email, err := nrm.CheckEmail(email)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, false)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE task_notices SET email = ? WHERE user_id = ?", email, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.exec(ctx, "INSERT INTO task_notices (user_id, email) VALUES (?, ?)", u.ID, email); err != nil {
				return err
			}
		}
		detail := "digest address set"
		if email == "" {
			detail = "digest address removed"
		}
		return tx.audit(ctx, "user.digest_email", "user", u.Username, detail)
	})
}

// TaskEmail returns the digest address of a user ("" when none): the
// user and administrators.
func (d *DB) TaskEmail(ctx context.Context, username string) (string, error) {
	u, err := d.FindUserByUsername(ctx, username)
	if err != nil {
		return "", err
	}
	var email string
	err = d.queryRow(ctx, "SELECT email FROM task_notices WHERE user_id = ?", u.ID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return email, err
}

// DigestRecipient is a user who receives the task digest.
type DigestRecipient struct {
	User  *nrm.User
	Email string
}

// DigestRecipients lists the enabled users with a digest address, of
// the given roles (none: every role with a worklist): administrators
// only.
func (d *DB) DigestRecipients(ctx context.Context, roles []nrm.Role) ([]DigestRecipient, error) {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, `SELECT u.id, u.username, u.role, u.org, u.authority, u.lang, n.email
		FROM users u JOIN task_notices n ON n.user_id = u.id WHERE n.email <> '' AND u.disabled = ? ORDER BY u.username`, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DigestRecipient
	for rows.Next() {
		u := &nrm.User{}
		var email string
		if err := rows.Scan(&u.ID, &u.Username, &u.Role, &u.Org, &u.Authority, &u.Lang, &email); err != nil {
			return nil, err
		}
		switch {
		case len(roles) > 0 && !containsRole(roles, u.Role):
		case u.Role == nrm.RoleAnalyst || u.Role == nrm.RoleAuditor:
		default:
			out = append(out, DigestRecipient{User: u, Email: email})
		}
	}
	return out, rows.Err()
}

func containsRole(rs []nrm.Role, r nrm.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// RecordDigest audits a digest sent to a user (administrators only):
// how many tasks it counted, never the cases or the address.
func (d *DB) RecordDigest(ctx context.Context, userID int64, tasks int) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "UPDATE task_notices SET digest_at = ? WHERE user_id = ?", tx.now, userID); err != nil {
			return err
		}
		return tx.audit(ctx, "tasks.digest", "user", strconv.FormatInt(userID, 10), fmt.Sprintf("digest of %d tasks sent", tasks))
	})
}
