package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"nrm"
)

// taskRoles may open the worklist: the roles that work on cases, and
// coordinators, who see its counts only.
var taskRoles = []nrm.Role{nrm.RoleAdmin, nrm.RoleCaseworker, nrm.RoleAssessor, nrm.RoleCoordinator}

// homeCases is how many of "my cases" the home page lists.
const homeCases = 10

// homeTasks is how many tasks the home page lists.
const homeTasks = 10

func (s *Server) taskRoutes() {
	s.route("GET /tasks", 0, taskRoles, s.taskList)
	s.route("GET /api/v1/tasks", 0, taskRoles, s.apiTasks)
}

// tasksPage is the worklist, and the home page of caseworkers and
// assessors (with "my cases").
type tasksPage struct {
	page
	Tasks  []*nrm.Task
	Counts *nrm.TaskCounts
	// CountsOnly: a coordinator sees the counts and no case.
	CountsOnly bool
	// ChooseOrg offers administrators and coordinators an organisation.
	ChooseOrg bool
	Orgs      []*nrm.Organisation
	Filter    *form
	Within    int
	// Home marks the home page: my cases and the first tasks.
	Home    bool
	MyCases []*nrm.CaseSummary
	// More is how many tasks the home page leaves to the worklist.
	More int
	// NewTasks is how many tasks came since the last visit, LastVisit
	// its date (zero: first visit).
	NewTasks  int
	LastVisit nrm.Date
}

// DaysText says how many days are left, or how many days overdue.
func (p *tasksPage) DaysText(t *nrm.Task) string {
	switch {
	case t.DaysLeft < 0:
		return tr(p.Lang, "tasks.overdue_prefix") + " " + p.Num(-t.DaysLeft) + " " + p.dayWord(-t.DaysLeft)
	case t.DaysLeft == 0:
		return tr(p.Lang, "tasks.today")
	}
	return p.Num(t.DaysLeft) + " " + p.dayWord(t.DaysLeft)
}

func (p *tasksPage) dayWord(n int) string {
	if n == 1 {
		return tr(p.Lang, "tasks.day")
	}
	return tr(p.Lang, "tasks.days")
}

// NewText says how many tasks are new since the last visit.
func (p *tasksPage) NewText() string {
	key := "tasks.new_many"
	if p.NewTasks == 1 {
		key = "tasks.new_one"
	}
	return p.Num(p.NewTasks) + " " + tr(p.Lang, key) + " " + p.Date(p.LastVisit)
}

// taskFilter reads the worklist's filter from the query: within (days,
// "14", "14d" or "2w"), org and kind.
func taskFilter(q url.Values, u *nrm.User) (nrm.TaskFilter, error) {
	f := nrm.TaskFilter{Kind: nrm.TaskKind(q.Get("kind"))}
	if v := q.Get("within"); v != "" {
		n, err := nrm.ParseWithin(v)
		if err != nil {
			return f, err
		}
		f.Within = n
	}
	if u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator {
		f.Org = q.Get("org")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, &nrm.Error{Code: nrm.EINVALID, Message: "The worklist's filter is not valid.",
				Fields: []nrm.FieldError{{Field: "limit", Rule: nrm.RuleFormat, Value: v, Expected: "a whole number"}}}
		}
		f.Limit = n
	}
	return f, f.Validate()
}

// taskList shows the worklist: the tasks due within the window or
// overdue, soonest first, with their counts by kind. Opening it records
// the visit (the new-task notice counts from it).
func (s *Server) taskList(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	p := &tasksPage{page: s.newPage(w, r, tr(lang, "tasks.title"))}
	if !s.fillTasks(w, r, p, 0) {
		return
	}
	s.render(w, r, http.StatusOK, "tasks", p)
}

// fillTasks reads the filter, the counts and (but for coordinators) the
// tasks onto p, limited to limit when positive, and records the visit;
// it answers the request itself on an error and reports false.
func (s *Server) fillTasks(w http.ResponseWriter, r *http.Request, p *tasksPage, limit int) bool {
	ctx, u := r.Context(), currentUser(r)
	f, err := taskFilter(r.URL.Query(), u)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	p.Filter = newForm(url.Values{"within": {strconv.Itoa(f.WithinDays())}, "org": {f.Org}, "kind": {string(f.Kind)}})
	p.Within = f.WithinDays()
	p.CountsOnly = u.Role == nrm.RoleCoordinator
	p.ChooseOrg = u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator
	if p.ChooseOrg {
		p.Orgs, _ = s.organisations(ctx, p.Lang)
	}
	if p.LastVisit, err = s.db.SeeTasks(ctx); err != nil {
		s.fail(w, r, err)
		return false
	}
	f.Since = p.LastVisit
	if p.Counts, err = s.db.CountTasks(ctx, f); err != nil {
		s.fail(w, r, err)
		return false
	}
	p.NewTasks = p.Counts.New
	if !p.CountsOnly {
		if limit > 0 {
			f.Limit = limit
		}
		if p.Tasks, err = s.db.FindTasks(ctx, f); err != nil {
			s.fail(w, r, err)
			return false
		}
		p.More = max(p.Counts.Total-len(p.Tasks), 0)
	}
	return true
}

// homePage is the home page of caseworkers and assessors: the new-task
// notice, the first tasks of the worklist and "my cases" — their
// organisation's cases most recently changed, or for an assessor the
// open cases referred to the authority.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	lang, u := langOf(r), currentUser(r)
	p := &tasksPage{page: s.newPage(w, r, tr(lang, "home.title")), Home: true}
	if !s.fillTasks(w, r, p, homeTasks) {
		return
	}
	cf := nrm.CaseFilter{Sort: nrm.SortUpdated, Desc: true, Limit: homeCases}
	if u.Role == nrm.RoleAssessor {
		open := true
		cf.Open = &open
	} else {
		cf.OwnerOrg = u.Org
	}
	var err error
	if p.MyCases, _, err = s.db.FindCases(r.Context(), cf); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tasks", p)
}

// navTaskCount counts the user's tasks for the navigation ("Opgaver
// (3)"): one query per page view, nothing for roles without a worklist,
// and nothing rather than an error page when it fails.
func (s *Server) navTaskCount(r *http.Request, u *nrm.User) int {
	if u == nil || u.SetupPending() || !hasRole(u.Role, taskRoles) {
		return 0
	}
	c, err := s.db.CountTasks(r.Context(), nrm.TaskFilter{})
	if err != nil {
		s.logInternal(r, err)
		return 0
	}
	return c.Total
}

func hasRole(r nrm.Role, roles []nrm.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// apiTasks is GET /api/v1/tasks: the worklist as JSON (tasks and counts;
// coordinators get the counts only). Query: within, org, kind, limit.
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), currentUser(r)
	f, err := taskFilter(r.URL.Query(), u)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	counts, err := s.db.CountTasks(ctx, f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	body := struct {
		Within int             `json:"within"`
		Counts *nrm.TaskCounts `json:"counts"`
		Tasks  []*nrm.Task     `json:"tasks"`
	}{Within: f.WithinDays(), Counts: counts}
	if u.Role != nrm.RoleCoordinator {
		if body.Tasks, err = s.db.FindTasks(ctx, f); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// Updated is the date a case was last changed.
func (p *tasksPage) Updated(c *nrm.CaseSummary) string { return p.Date(nrm.DateOf(c.UpdatedAt)) }

// reflectionForm is the blank reflection period form of case c: an
// initial period from today, or an extension from the end of the latest
// period, its end prefilled from the statutory default length or the
// maximum in total (settings reflection.default_days and
// reflection.max_days), which it also returns.
func (s *Server) reflectionForm(ctx context.Context, c *nrm.Case, today nrm.Date) (f *form, defaultDays, maxDays int) {
	defaultDays, maxDays, err := s.db.ReflectionSettings(ctx)
	if err != nil {
		defaultDays, maxDays = nrm.DefaultReflectionDays, nrm.DefaultReflectionMaxDays
	}
	kind, start := nrm.ReflectionInitial, today
	var last nrm.Date
	for _, p := range c.ReflectionPeriods {
		if p.End.After(last) {
			last = p.End
		}
	}
	if len(c.ReflectionPeriods) > 0 {
		kind = nrm.ReflectionExtension
		if !last.IsZero() {
			start = last
		}
	}
	f = newForm(url.Values{"reflection_start": {start.String()}, "reflection_kind": {string(kind)},
		"reflection_end": {c.ReflectionEndFor(kind, start, defaultDays, maxDays).String()}})
	return f, defaultDays, maxDays
}
