package disclosure

import "math"

// A small dense simplex over the reader's problem relaxed to real numbers.
// The audit uses it in two sound ways only: an optimum of x_v that equals
// the true value proves that x_v cannot move in that direction (the real
// solutions include the integer ones), and an integral optimum, checked
// exactly in integers, is a witness that it can. Anything else falls back
// to the exact search. Bland's rule keeps the degenerate pivots these
// tables produce from cycling.

const lpEps = 1e-9

// lpSolver holds a feasible tableau (after phase I) of one problem:
// y = x - lo ≥ 0, A·y = b', y + s = hi - lo for bounded variables.
type lpSolver struct {
	nv, nu     int // structural variables, upper-bound slacks
	ncol       int // all columns, artificials last
	tab        [][]float64
	basis      []int
	lo         []int64
	infeasible bool
}

func newLP(p *problem, lo, hi []int64) *lpSolver {
	nv := len(lo)
	s := &lpSolver{nv: nv, lo: lo}
	var rows [][]float64
	var rhs []float64
	for _, c := range p.cons {
		r := make([]float64, nv)
		b := float64(c.rhs)
		for i, v := range c.vars {
			r[v] += float64(c.coef[i])
			b -= float64(c.coef[i]) * float64(lo[v])
		}
		rows, rhs = append(rows, r), append(rhs, b)
	}
	var upper []int
	for v := range nv {
		if hi[v] < unbounded {
			upper = append(upper, v)
		}
	}
	s.nu = len(upper)
	m := len(rows) + len(upper)
	s.ncol = nv + s.nu + m
	s.tab = make([][]float64, m)
	s.basis = make([]int, m)
	for r := range m {
		row := make([]float64, s.ncol+1)
		if r < len(rows) {
			copy(row, rows[r])
			row[s.ncol] = rhs[r]
		} else {
			u := r - len(rows)
			row[upper[u]] = 1
			row[nv+u] = 1
			row[s.ncol] = float64(hi[upper[u]] - lo[upper[u]])
		}
		if row[s.ncol] < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
		row[nv+s.nu+r] = 1 // artificial
		s.tab[r] = row
		s.basis[r] = nv + s.nu + r
	}
	// Phase I: maximise -Σ artificials.
	cost := make([]float64, s.ncol)
	for j := nv + s.nu; j < s.ncol; j++ {
		cost[j] = -1
	}
	z, ok := s.simplex(cost, s.ncol)
	if !ok || z[s.ncol] < -1e-7 {
		s.infeasible = true
		return s
	}
	// Drive artificials out of the basis; a row where no other column is
	// non-zero is redundant and stays inert.
	for r, b := range s.basis {
		if b < nv+s.nu {
			continue
		}
		for j := range nv + s.nu {
			if math.Abs(s.tab[r][j]) > lpEps {
				s.pivot(nil, r, j)
				break
			}
		}
	}
	return s
}

// pivot makes column j basic in row r, updating z too when given.
func (s *lpSolver) pivot(z []float64, r, j int) {
	row := s.tab[r]
	f := row[j]
	for c := range row {
		row[c] /= f
	}
	for i, other := range s.tab {
		if i == r || other[j] == 0 {
			continue
		}
		g := other[j]
		for c := range other {
			other[c] -= g * row[c]
		}
	}
	if z != nil && z[j] != 0 {
		g := z[j]
		for c := range z {
			z[c] -= g * row[c]
		}
	}
	s.basis[r] = j
}

// simplex maximises cost·y over the current basis, letting only columns
// below allowed enter; it returns the objective row (value last) and
// false when the objective is unbounded.
func (s *lpSolver) simplex(cost []float64, allowed int) ([]float64, bool) {
	z := make([]float64, s.ncol+1)
	for j := range s.ncol {
		z[j] = -cost[j]
	}
	for r, b := range s.basis {
		if cb := cost[b]; cb != 0 {
			for c := range z {
				z[c] += cb * s.tab[r][c]
			}
		}
	}
	for range 50000 {
		enter := -1
		for j := range allowed {
			if z[j] < -lpEps {
				enter = j
				break
			}
		}
		if enter < 0 {
			return z, true
		}
		leave := -1
		var best float64
		for r, row := range s.tab {
			if row[enter] > lpEps {
				ratio := row[s.ncol] / row[enter]
				if leave < 0 || ratio < best-lpEps || (ratio <= best+lpEps && s.basis[r] < s.basis[leave]) {
					leave, best = r, ratio
				}
			}
		}
		if leave < 0 {
			return z, false
		}
		s.pivot(z, leave, enter)
	}
	return z, true // not reached for these sizes; the caller verifies
}

// optimize maximises sign·x_v; it returns the optimum of x_v, the
// solution, and whether the optimum is finite. It pivots the solver's own
// tableau: any basis it ends in is feasible too, so the next question
// starts from there instead of from a copy.
func (s *lpSolver) optimize(v int, sign float64) (float64, []float64, bool) {
	cost := make([]float64, s.ncol)
	cost[v] = sign
	_, finite := s.simplex(cost, s.nv+s.nu)
	x := make([]float64, s.nv)
	for v := range x {
		x[v] = float64(s.lo[v])
	}
	for r, b := range s.basis {
		if b < s.nv {
			x[b] += s.tab[r][s.ncol]
		}
	}
	return x[v], x, finite
}

// integral rounds an LP solution to integers if it is one.
func integral(x []float64) ([]int64, bool) {
	out := make([]int64, len(x))
	for i, f := range x {
		r := math.Round(f)
		if math.Abs(f-r) > 1e-6 {
			return nil, false
		}
		out[i] = int64(r)
	}
	return out, true
}
