package disclosure

import (
	"math"
	"slices"
)

// The audit answers, for every hidden number x with true value t, what a
// reader can learn about it from every published number, every relation
// and every displayed range: zeros are always published, so a number shown
// as "<k" lies in [1, k-1] and one hidden at k or more (".." or "x") in
// [k, ∞); all are non-negative integers. A hidden number is exposed when
//
//   - it is shown as "<k" and some value from 1 to k-1 is impossible (the
//     reader would know more than the symbol says);
//   - it is hidden at k or more and fewer than k-1 integer values (and
//     fewer than 2) remain possible for it: it would be narrowed more than
//     a "<k" number is. (k values cannot be asked for: with zeros shown
//     and the identified total published, female = total - transgender
//     leaves female exactly as many values as the "<k" transgender count
//     has, k-1.)
//   - it is not printed (Unpublished) and pinned at a value from 1 to k-1.
//
// Feasibility is decided by interval propagation over the linear
// relations plus branching (bisection of a domain) until every number is
// fixed and checked exactly; a linear programme over the real relaxation
// (lp.go) bounds how far a number can move and proves the impossible
// moves the search would need long to rule out. A question left undecided
// within the search budget counts as "not feasible", which reports the
// number as exposed: the audit errs on the side of hiding more, never
// less.

// unbounded stands for "no upper limit known to the reader".
const unbounded = int64(1) << 40

// searchBudget bounds the nodes of one feasibility search.
const searchBudget = 3000

// Recoverable returns the extended coordinates (see Masked.Cell) of every
// suppressed number of m that the published numbers expose (see above):
// cells in row-major order, then row totals, column totals and the grand
// total. It needs the true values: audit before Scrub.
func Recoverable(m Masked) (cells [][2]int) {
	for _, r := range RecoverableLinked([]Masked{m}, nil) {
		cells = append(cells, [2]int{r.Row, r.Col})
	}
	return cells
}

// RecoverableLinked audits tables protected together with their links and
// returns every suppressed number that they expose.
func RecoverableLinked(ms []Masked, links []Link) []Ref {
	k := 0
	for _, m := range ms {
		k = max(k, m.K)
	}
	if k <= 1 {
		return nil
	}
	s := newSystem(ms, links, k)
	var out []Ref
	for _, e := range s.determined() {
		out = append(out, s.refOf(e))
	}
	return out
}

// constraint is Σ coef·x = rhs over suppressed numbers (coef ±1).
type constraint struct {
	vars []int
	coef []int64
	rhs  int64
}

// What a reader knows of a hidden number before any relation.
const (
	kindSmall = iota // shown as "<k": 1 to k-1
	kindLarge        // hidden at k or more
	kindOpen         // not printed, or the uniform display: any count
)

// problem is the reader's view: unknowns with domains, and relations.
type problem struct {
	k      int64
	lo, hi []int64
	kind   []int
	truth  []int64
	cons   []constraint
	byVar  [][]int
}

// build turns the system's suppressed entries into the reader's problem;
// vars maps a problem variable to its entry.
func (s *system) build() (p *problem, vars []int) {
	varOf := make([]int, len(s.val))
	for e := range s.val {
		varOf[e] = -1
		if s.sup[e] {
			varOf[e] = len(vars)
			vars = append(vars, e)
		}
	}
	n := len(vars)
	p = &problem{k: int64(s.k), lo: make([]int64, n), hi: make([]int64, n), kind: make([]int, n), truth: make([]int64, n), byVar: make([][]int, n)}
	for v, e := range vars {
		p.truth[v] = int64(s.val[e])
		switch {
		case s.unpub[e]:
			p.lo[v], p.hi[v], p.kind[v] = 0, unbounded, kindOpen
		case s.uniformAt(e):
			// Zeros are published, so a hidden number is at least 1.
			p.lo[v], p.hi[v], p.kind[v] = min(1, p.truth[v]), unbounded, kindOpen
		case s.val[e] < s.k:
			p.lo[v], p.hi[v], p.kind[v] = min(1, p.truth[v]), int64(s.k-1), kindSmall
		default:
			p.lo[v], p.hi[v], p.kind[v] = int64(s.k), unbounded, kindLarge
		}
	}
	for _, ln := range s.lines {
		var c constraint
		add := func(e int, coef int64) {
			if v := varOf[e]; v >= 0 {
				c.vars = append(c.vars, v)
				c.coef = append(c.coef, coef)
			} else {
				c.rhs -= coef * int64(s.val[e])
			}
		}
		for _, e := range ln.members {
			add(e, 1)
		}
		add(ln.total, -1)
		if len(c.vars) == 0 {
			continue
		}
		for _, v := range c.vars {
			p.byVar[v] = append(p.byVar[v], len(p.cons))
		}
		p.cons = append(p.cons, c)
	}
	return p, vars
}

// determined returns the hidden entries the published numbers expose.
func (s *system) determined() []int { return s.exposedEntries(-1) }

// firstExposed returns the first hidden entry the published numbers
// expose, or -1.
func (s *system) firstExposed() int {
	if es := s.exposedEntries(1); len(es) > 0 {
		return es[0]
	}
	return -1
}

// exposedEntries returns up to limit exposed entries (all when limit < 0).
func (s *system) exposedEntries(limit int) []int {
	p, vars := s.build()
	if len(vars) == 0 {
		return nil
	}
	a := s.newAuditor(p)
	var out []int
	for v, e := range vars {
		if s.unpub[e] && (!s.small(e) || s.slack[e]) {
			continue // a zero or a large unprinted number gives nobody away
		}
		if a.exposed(v) {
			out = append(out, e)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

// movable reports whether the hidden entry e is safe: not exposed.
func (s *system) movable(e int) bool {
	p, vars := s.build()
	v := slices.Index(vars, e)
	if v < 0 {
		return false
	}
	return !s.newAuditor(p).exposed(v)
}

func (s *system) newAuditor(p *problem) *auditor {
	lo, hi := clone(p.lo), clone(p.hi)
	p.propagate(lo, hi) // the truth is feasible, so this cannot fail
	n := len(lo)
	a := &auditor{p: p, lo: lo, hi: hi, up: make([]int64, n), down: make([]int64, n), seen: make([][]bool, n)}
	for v := range n {
		if p.kind[v] == kindSmall {
			a.seen[v] = make([]bool, p.k)
			a.seen[v][p.truth[v]] = true
		}
	}
	return a
}

// auditor decides, variable by variable, what a reader can learn,
// remembering what every witness (an exact integer solution) has shown:
// the values seen of the "<k" numbers and how far each number has moved
// up and down from its truth.
type auditor struct {
	p        *problem
	lo, hi   []int64
	up, down []int64
	seen     [][]bool
	lp       *lpSolver
}

// quickBudget is the search tried before the LP: most moves are found in
// a few nodes.
const quickBudget = 64

// exposed reports whether hidden x_v tells a reader more than its symbol
// (see the top of this file). Undecided questions count against it.
func (a *auditor) exposed(v int) bool {
	p := a.p
	switch p.kind[v] {
	case kindSmall:
		lo, hi := a.lo[v], a.hi[v]
		if lo > 1 || hi < p.k-1 {
			return true // propagation alone narrows it
		}
		checked := false
		for u := int64(1); u < p.k; u++ {
			if a.seen[v][u] {
				continue
			}
			if found, _ := a.quick(v, u, u); found {
				continue
			}
			if !checked {
				// The real relaxation's range bounds every integer one.
				checked = true
				if !a.realRange(v, 1, p.k-1) {
					return true
				}
			}
			if found, _ := a.search(v, u, u, searchBudget); !found {
				return true
			}
		}
		return false
	case kindLarge:
		// At least k-1 possible values (max - min ≥ k - 2), as many as a
		// "<k" number keeps, and never pinned.
		need := max(p.k-2, 1)
		up := a.reach(v, 1, need)
		if up >= need {
			return false
		}
		return up+a.reach(v, -1, need-up) < need
	}
	// Unprinted: exposed only when pinned.
	return a.reach(v, 1, 1) == 0 && a.reach(v, -1, 1) == 0
}

// reach returns how far, up to need, x_v can move from its truth in
// direction dir (+1 up, -1 down) in some integer solution.
func (a *auditor) reach(v int, dir, need int64) int64 {
	got := a.up
	if dir < 0 {
		got = a.down
	}
	if got[v] >= need {
		return need
	}
	t := a.p.truth[v]
	room := a.hi[v] - t
	if dir < 0 {
		room = t - a.lo[v]
	}
	bound := min(need, room)
	if bound <= got[v] {
		return got[v]
	}
	// A quick search finds most moves without the LP.
	if lo, hi := a.span(v, dir, bound); lo <= hi {
		if found, _ := a.quick(v, lo, hi); found && got[v] >= bound {
			return bound
		}
	}
	if a.lp == nil {
		a.lp = newLP(a.p, a.lo, a.hi)
	}
	if !a.lp.infeasible {
		opt, x, finite := a.lp.optimize(v, float64(dir))
		if finite {
			// The real optimum bounds every integer solution.
			bound = min(bound, int64(math.Floor(float64(dir)*(opt-float64(t))+1e-7)))
			if xi, ok := integral(x); ok {
				a.witness(xi)
			}
		}
	}
	for d := bound; d > got[v]; d-- {
		lo, hi := a.span(v, dir, d)
		if found, _ := a.search(v, lo, hi, searchBudget); found {
			break
		}
	}
	return min(got[v], need)
}

// realRange reports whether the real relaxation lets x_v reach both lo
// and hi; an integral optimum is recorded as a witness.
func (a *auditor) realRange(v int, lo, hi int64) bool {
	if a.lp == nil {
		a.lp = newLP(a.p, a.lo, a.hi)
	}
	if a.lp.infeasible {
		return true // no verdict from the LP; the search decides
	}
	for _, dir := range []float64{-1, 1} {
		opt, x, finite := a.lp.optimize(v, dir)
		if xi, ok := integral(x); ok {
			a.witness(xi)
		}
		if !finite {
			continue
		}
		if dir < 0 && opt > float64(lo)+1e-7 || dir > 0 && opt < float64(hi)-1e-7 {
			return false
		}
	}
	return true
}

// span is the domain of x_v at least d away from its truth in direction dir.
func (a *auditor) span(v int, dir, d int64) (lo, hi int64) {
	t := a.p.truth[v]
	if dir > 0 {
		return t + d, a.hi[v]
	}
	return a.lo[v], t - d
}

// search looks for a solution with x_v in [lo, hi] and marks the
// variables it moves.
func (a *auditor) search(v int, lo, hi int64, budget int) (found, complete bool) {
	l, h := clone(a.lo), clone(a.hi)
	l[v], h[v] = max(l[v], lo), min(h[v], hi)
	if l[v] > h[v] {
		return false, true
	}
	var sol []int64
	found, complete = a.p.search(l, h, &budget, &sol)
	if found {
		a.witness(sol)
	}
	return found, complete
}

// quick is search with the small budget.
func (a *auditor) quick(v int, lo, hi int64) (found, complete bool) {
	return a.search(v, lo, hi, quickBudget)
}

// witness checks an integer solution exactly and records what it shows
// of every variable.
func (a *auditor) witness(x []int64) bool {
	for v := range x {
		if x[v] < a.lo[v] || x[v] > a.hi[v] {
			return false
		}
	}
	if !a.p.satisfied(x) {
		return false
	}
	for v := range x {
		d := x[v] - a.p.truth[v]
		a.up[v], a.down[v] = max(a.up[v], d), max(a.down[v], -d)
		if a.seen[v] != nil && x[v] >= 0 && x[v] < a.p.k {
			a.seen[v][x[v]] = true
		}
	}
	return true
}

// search decides feasibility by propagation and bisection; complete is
// false when the budget ran out before an answer. A solution found is
// stored in sol.
func (p *problem) search(lo, hi []int64, budget *int, sol *[]int64) (found, complete bool) {
	if !p.propagate(lo, hi) {
		return false, true
	}
	branch, width := -1, int64(0)
	for v := range lo {
		if w := hi[v] - lo[v]; w > 0 && (branch < 0 || w < width) {
			branch, width = v, w
		}
	}
	if branch < 0 {
		if p.satisfied(lo) {
			*sol = lo
			return true, true
		}
		return false, true
	}
	if *budget <= 0 {
		return false, false
	}
	*budget--
	mid := lo[branch] + width/2
	halves := [2][2]int64{{lo[branch], mid}, {mid + 1, hi[branch]}}
	if t := p.truth[branch]; t > mid { // the truth is a solution: look near it first
		halves[0], halves[1] = halves[1], halves[0]
	}
	complete = true
	for _, h := range halves {
		l, u := clone(lo), clone(hi)
		l[branch], u[branch] = h[0], h[1]
		f, c := p.search(l, u, budget, sol)
		if f {
			return true, true
		}
		complete = complete && c
	}
	return false, complete
}

// satisfied checks every relation at a fully fixed point.
func (p *problem) satisfied(x []int64) bool {
	for _, c := range p.cons {
		var sum int64
		for i, v := range c.vars {
			sum += c.coef[i] * x[v]
		}
		if sum != c.rhs {
			return false
		}
	}
	return true
}

// propagate narrows the domains by the relations until nothing changes;
// it returns false when a domain empties. It stops early after a bounded
// number of steps, which is sound: the domains stay supersets of the
// solutions, and the search checks every fixed point.
func (p *problem) propagate(lo, hi []int64) bool {
	// A ring of constraint indices: each is queued at most once.
	n := len(p.cons)
	if n == 0 {
		return true
	}
	queue := make([]int, n)
	queued := make([]bool, n)
	for i := range p.cons {
		queue[i], queued[i] = i, true
	}
	head, size := 0, n
	for steps := 0; size > 0 && steps < 8*n+64; steps++ {
		ci := queue[head]
		head = (head + 1) % n
		size--
		queued[ci] = false
		c := p.cons[ci]
		var smin, smax int64
		for i, v := range c.vars {
			if c.coef[i] > 0 {
				smin += lo[v]
				smax += hi[v]
			} else {
				smin -= hi[v]
				smax -= lo[v]
			}
		}
		if smin > c.rhs || smax < c.rhs {
			return false
		}
		for i, v := range c.vars {
			var nlo, nhi int64
			if c.coef[i] > 0 { // x = rhs - others
				nlo, nhi = c.rhs-(smax-hi[v]), c.rhs-(smin-lo[v])
			} else { // x = others - rhs
				nlo, nhi = (smin+hi[v])-c.rhs, (smax+lo[v])-c.rhs
			}
			if nlo <= lo[v] && nhi >= hi[v] {
				continue
			}
			lo[v], hi[v] = max(lo[v], nlo), min(hi[v], nhi)
			if lo[v] > hi[v] {
				return false
			}
			for _, cj := range p.byVar[v] {
				if !queued[cj] {
					queue[(head+size)%n] = cj
					size++
					queued[cj] = true
				}
			}
		}
	}
	return true
}

func clone(x []int64) []int64 { return append([]int64(nil), x...) }
