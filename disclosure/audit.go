package disclosure

import "slices"

// The audit answers, for every suppressed number x with true value t:
// is there another assignment of non-negative integers to all suppressed
// numbers, consistent with every published number, every relation and
// every displayed range ("<k": [0, k-1]; "..": [k, ∞)), in which x ≠ t?
// If neither x ≤ t-1 nor x ≥ t+1 is feasible, x is pinned: recoverable.
//
// Feasibility is decided by interval propagation over the linear
// relations plus branching (bisection of a domain) until every number is
// fixed and checked exactly; a linear programme over the real relaxation
// (lp.go) proves the impossible moves the search would need long to rule
// out. A question left undecided within the search budget counts as "not
// feasible", which reports the number as recoverable: the audit errs on
// the side of hiding more, never less.

// unbounded stands for "no upper limit known to the reader".
const unbounded = int64(1) << 40

// searchBudget bounds the nodes of one feasibility search.
const searchBudget = 20000

// Recoverable returns the extended coordinates (see Masked.Cell) of every
// suppressed number of m whose value the published numbers pin exactly:
// cells in row-major order, then row totals, column totals and the grand
// total. It needs the true values: audit before Scrub.
func Recoverable(m Masked) (cells [][2]int) {
	for _, r := range RecoverableLinked([]Masked{m}, nil) {
		cells = append(cells, [2]int{r.Row, r.Col})
	}
	return cells
}

// RecoverableLinked audits tables protected together with their links and
// returns every suppressed number that can be derived exactly.
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

// problem is the reader's view: unknowns with domains, and relations.
type problem struct {
	lo, hi []int64
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
	p = &problem{lo: make([]int64, len(vars)), hi: make([]int64, len(vars)), truth: make([]int64, len(vars)), byVar: make([][]int, len(vars))}
	for v, e := range vars {
		p.truth[v] = int64(s.val[e])
		if s.uniform || s.unpub[e] {
			p.lo[v], p.hi[v] = 0, unbounded
		} else if s.val[e] < s.k {
			p.lo[v], p.hi[v] = 0, int64(s.k-1)
		} else {
			p.lo[v], p.hi[v] = int64(s.k), unbounded
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

// determined returns the suppressed entries whose value is pinned; an
// unpublished number only when it is small (1 to k-1): a zero or a large
// number that follows from the printed ones gives nobody away.
func (s *system) determined() []int {
	p, vars := s.build()
	if len(vars) == 0 {
		return nil
	}
	a := s.newAuditor(p, len(vars))
	var out []int
	for v, e := range vars {
		if s.unpub[e] && !s.small(e) {
			continue
		}
		if !a.free[v] && !a.canMove(v) {
			out = append(out, e)
		}
	}
	return out
}

// movable reports whether the hidden entry e can take another value.
func (s *system) movable(e int) bool {
	p, vars := s.build()
	v := slices.Index(vars, e)
	if v < 0 {
		return false
	}
	return s.newAuditor(p, len(vars)).canMove(v)
}

func (s *system) newAuditor(p *problem, n int) *auditor {
	lo, hi := clone(p.lo), clone(p.hi)
	p.propagate(lo, hi) // the truth is feasible, so this cannot fail
	return &auditor{p: p, lo: lo, hi: hi, free: make([]bool, n)}
}

// auditor decides, variable by variable, whether a value other than the
// truth is possible, remembering every variable a witness has moved.
type auditor struct {
	p      *problem
	lo, hi []int64
	free   []bool
	lp     *lpSolver
}

// quickBudget is the search tried before the LP: most moves are found in
// a few nodes.
const quickBudget = 64

// canMove reports whether x_v can take a value other than its truth; an
// undecided question counts as "cannot" (conservative).
func (a *auditor) canMove(v int) bool {
	p, t := a.p, a.p.truth[v]
	if a.lo[v] == a.hi[v] {
		return false
	}
	for _, dir := range []int64{-1, 1} {
		lo, hi := a.lo[v], t-1
		if dir > 0 {
			lo, hi = t+1, a.hi[v]
		}
		if lo > hi {
			continue
		}
		found, complete := a.search(v, lo, hi, quickBudget)
		if found {
			return true
		}
		if complete {
			continue
		}
		if a.lp == nil {
			a.lp = newLP(p, a.lo, a.hi)
		}
		if !a.lp.infeasible {
			// opt is min x_v (dir < 0) or max x_v (dir > 0) over the reals.
			opt, x, finite := a.lp.optimize(v, float64(dir))
			if !finite {
				return true // a ray moves x_v without limit
			}
			if float64(dir)*(opt-float64(t)) < 1-1e-7 {
				continue // not even real numbers reach t∓1: impossible
			}
			if xi, ok := integral(x); ok && xi[v] != t && a.witness(xi) {
				return true
			}
		}
		if found, _ := a.search(v, lo, hi, searchBudget); found {
			return true
		}
	}
	return false
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

// witness checks an integer solution exactly and marks the variables
// whose value differs from the truth as free.
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
		if x[v] != a.p.truth[v] {
			a.free[v] = true
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
	queue := make([]int, len(p.cons))
	queued := make([]bool, len(p.cons))
	for i := range p.cons {
		queue[i], queued[i] = i, true
	}
	for steps := 0; len(queue) > 0 && steps < 200*len(p.cons)+1000; steps++ {
		ci := queue[0]
		queue = queue[1:]
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
					queue = append(queue, cj)
					queued[cj] = true
				}
			}
		}
	}
	return true
}

func clone(x []int64) []int64 { return append([]int64(nil), x...) }
