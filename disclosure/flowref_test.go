package disclosure

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// --- independent reference: exact ranges by maximum flow ----------------
//
// A reader of a protected table knows the published numbers, the relations
// (each published line adds up to its total) and, for every hidden number,
// the range its symbol states: "<k" is 1 to k-1 (zeros are published), ".."
// is k or more, the uniform display any count from 1. The reference here
// computes, for every hidden number, the exact range of values it can take
// in some integer solution, with no limit on the size of the table, and
// shares no code with the audit (audit.go, lp.go).
//
// Every number of a table lies on at most two lines (its row and its
// column; a total on the line it closes and on the line of totals), with
// coefficient +1 as a member and -1 as the total. Flipping the sign of
// some lines makes every hidden number an arc between its two lines (a
// number on one line only runs to a "ground" node, which states no
// relation), so that a change of the hidden numbers that keeps every line
// adding up is a circulation. The network matrix is totally unimodular:
// the values a number can take form an interval, and its ends are the
// truth plus or minus a maximum flow around the number's arc.

// inf is "no upper limit" for the reference.
const inf = int64(1) << 40

// refRange is the interval of values of one hidden number.
type refRange struct{ lo, hi int64 }

// readerDomain is what a reader knows of the hidden number with true
// value v before any relation, capped at top.
func readerDomain(m Masked, v int, top int64) refRange {
	t := int64(v)
	switch {
	case m.Uniform:
		return refRange{min(1, t), top}
	case v < m.K:
		return refRange{min(1, t), int64(m.K - 1)}
	}
	return refRange{int64(m.K), top}
}

// flowRanges returns the exact range of every hidden number of m, the
// open domains capped at top (inf in the protection checks).
func flowRanges(t testing.TB, m Masked, top int64) map[[2]int]refRange {
	t.Helper()
	ls := lines(m)
	ground := len(ls)
	type end struct{ node, coef int }
	ends := map[[2]int][]end{}
	for n, l := range ls {
		for _, p := range l.members {
			ends[p] = append(ends[p], end{n, 1})
		}
		ends[l.total] = append(ends[l.total], end{n, -1})
	}
	var hidden [][2]int
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			if m.Exists(i, j) && m.IsSuppressed(i, j) {
				hidden = append(hidden, [2]int{i, j})
			}
		}
	}
	// Line signs s: s[a]·coef at one end of a hidden number is minus
	// s[b]·coef at the other.
	sign := make([]int, len(ls))
	var fix func(n, s int)
	fix = func(n, s int) {
		if sign[n] != 0 {
			if sign[n] != s {
				t.Fatalf("%s: the reference cannot orient the lines (a cycle of odd sign)", m.Name)
			}
			return
		}
		sign[n] = s
		for _, p := range hidden {
			e := ends[p]
			if len(e) != 2 {
				continue
			}
			for x := range 2 {
				if e[x].node == n {
					fix(e[1-x].node, -s*e[x].coef*e[1-x].coef)
				}
			}
		}
	}
	for n := range ls {
		if sign[n] == 0 {
			fix(n, 1)
		}
	}
	type arc struct {
		from, to  int
		sigma     int64 // x - truth = sigma·flow
		fwd, back int64 // room for flow from→to and to→from
		free      bool  // on no line at all
	}
	arcs := make([]arc, len(hidden))
	for i, p := range hidden {
		val, _ := m.raw(p[0], p[1])
		d := readerDomain(m, val, top)
		up, down := d.hi-int64(val), int64(val)-d.lo
		e := ends[p]
		a := arc{to: ground}
		switch len(e) {
		case 0:
			a.free = true
		case 1, 2:
			a.from = e[0].node
			a.sigma = int64(sign[e[0].node] * e[0].coef)
			if len(e) == 2 {
				a.to = e[1].node
			}
		default:
			t.Fatalf("%s: %v lies on %d lines", m.Name, p, len(e))
		}
		a.fwd, a.back = up, down
		if a.sigma < 0 {
			a.fwd, a.back = down, up
		}
		arcs[i] = a
	}
	maxFlow := func(skip, s, d int) int64 {
		n := ground + 1
		capm := make([][]int64, n)
		for i := range capm {
			capm[i] = make([]int64, n)
		}
		for i, a := range arcs {
			if i == skip || a.free {
				continue
			}
			capm[a.from][a.to] += a.fwd
			capm[a.to][a.from] += a.back
		}
		var total int64
		for total < inf {
			prev := make([]int, n)
			for i := range prev {
				prev[i] = -1
			}
			prev[s] = s
			queue := []int{s}
			for len(queue) > 0 && prev[d] < 0 {
				u := queue[0]
				queue = queue[1:]
				for w := range n {
					if prev[w] < 0 && capm[u][w] > 0 {
						prev[w] = u
						queue = append(queue, w)
					}
				}
			}
			if prev[d] < 0 {
				break
			}
			push := inf
			for w := d; w != s; w = prev[w] {
				push = min(push, capm[prev[w]][w])
			}
			for w := d; w != s; w = prev[w] {
				capm[prev[w]][w] -= push
				capm[w][prev[w]] += push
			}
			total += push
		}
		return min(total, inf)
	}
	out := map[[2]int]refRange{}
	for i, p := range hidden {
		val, _ := m.raw(p[0], p[1])
		a := arcs[i]
		if a.free {
			out[p] = readerDomain(m, val, top)
			continue
		}
		var inc, dec int64 // of the flow on the arc
		if a.from != a.to {
			inc = min(a.fwd, maxFlow(i, a.to, a.from))
			dec = min(a.back, maxFlow(i, a.from, a.to))
		}
		if a.sigma < 0 {
			inc, dec = dec, inc
		}
		out[p] = refRange{int64(val) - dec, int64(val) + inc}
	}
	return out
}

// flowExposed lists the hidden numbers of m that tell a reader more than
// their symbol, by the rules stated at the top of audit.go: a "<k" number
// must keep every value from 1 to k-1, a number hidden at k or more at
// least max(k-1, 2) values, and under the uniform display no number may be
// pinned.
func flowExposed(t testing.TB, m Masked) [][2]int {
	t.Helper()
	if m.K <= 1 {
		return nil
	}
	var out [][2]int
	ranges := flowRanges(t, m, inf)
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			r, ok := ranges[[2]int{i, j}]
			if !ok {
				continue
			}
			v, _ := m.raw(i, j)
			k := int64(m.K)
			var bad bool
			switch {
			case m.Uniform:
				bad = r.lo == r.hi
			case v < m.K:
				bad = r.lo > 1 || r.hi < k-1
			default:
				bad = r.hi-r.lo < max(k-2, 1)
			}
			if bad {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// randomMask is a random table with a random suppression pattern (not one
// Suppress chose), so that some hidden numbers are pinned or narrowed.
func randomMask(r *rand.Rand, maxDim, maxHidden int) Masked {
	k := []int{2, 3, 5}[r.IntN(3)]
	rows, cols := 1+r.IntN(maxDim), 1+r.IntN(maxDim)
	cells := make([][]int, rows)
	for i := range cells {
		cells[i] = make([]int, cols)
		for j := range cells[i] {
			if r.IntN(4) > 0 {
				cells[i][j] = r.IntN(2*k + 2)
			}
		}
	}
	in := grid(cells, r.IntN(3) > 0, r.IntN(3) > 0)
	m := newMasked(in, k)
	m.Uniform = r.IntN(4) == 0
	n := 0
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			if !m.Exists(i, j) {
				continue
			}
			if v, _ := m.raw(i, j); v > 0 && n < maxHidden && r.IntN(3) == 0 {
				m.setSuppressed(i, j, true)
				n++
			}
		}
	}
	m.Name = fmt.Sprintf("mask %dx%d k=%d uniform=%v", rows, cols, k, m.Uniform)
	return m
}

// TestFlowReferenceAgreesWithBruteForce checks the flow reference against
// plain enumeration on random patterns small enough to enumerate: the same
// range for every hidden number. Enumeration that exceeds its budget is
// counted; most patterns must be decided, or the check would prove
// nothing.
func TestFlowReferenceAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 9))
	n, decided, narrowed := 400, 0, 0
	if testing.Short() {
		n = 120
	}
	for range n {
		m := randomMask(r, 3, 7)
		top := int64(bruteBound(m))
		want, ok := bruteRanges(m, 7, 400_000)
		if !ok {
			continue
		}
		decided++
		got := flowRanges(t, m, top)
		if len(got) != len(want) {
			t.Fatalf("%s: flow %v, brute force %v", m.Name, got, want)
		}
		for p, w := range want {
			if got[p] != w {
				t.Fatalf("%s %v: flow range %v, brute force %v; pattern %v cells %v", m.Name, p, got[p], w, pattern(m), m.Cells)
			}
			if v, _ := m.raw(p[0], p[1]); w != readerDomain(m, v, top) {
				narrowed++
			}
		}
	}
	t.Logf("%d of %d patterns enumerated, %d numbers narrowed by the relations", decided, n, narrowed)
	if decided < n*3/4 || narrowed < n/4 {
		t.Fatalf("brute force decided %d of %d patterns, %d narrowed numbers: the comparison proves too little", decided, n, narrowed)
	}
}

// The flow reference sees what the audit must: a lone hidden number in a
// published line is pinned, two hidden 2s adding up to 4 are both pinned,
// and a large table whose every number is hidden is decided too.
func TestFlowReferenceKnownCases(t *testing.T) {
	m := newMasked(col("naive", 10, 2, 7), 3)
	m.Suppressed[1][0] = true
	if got := flowExposed(t, m); len(got) != 1 || got[0] != [2]int{1, 0} {
		t.Fatalf("lone hidden number: %v", got)
	}
	m = newMasked(col("twos", 2, 2, 10, 20), 3)
	m.Suppressed[0][0], m.Suppressed[1][0] = true, true
	if got := flowExposed(t, m); len(got) != 2 {
		t.Fatalf("two 2s adding to 4: %v", got)
	}
	if r := flowRanges(t, m, inf)[[2]int{0, 0}]; r != (refRange{2, 2}) {
		t.Fatalf("range %v, want exactly 2", r)
	}
	// 6×6 with every cell hidden and the margins published: 36 hidden
	// numbers, far beyond enumeration. Every row and column holds 1, 2,
	// 4, 7, 9 and 12, so each number has partners to trade with.
	vals := []int{1, 2, 4, 7, 9, 12}
	cells := make([][]int, 6)
	for i := range cells {
		cells[i] = make([]int, 6)
		for j := range cells[i] {
			cells[i][j] = vals[(i+j)%6]
		}
	}
	m = newMasked(grid(cells, true, true), 3)
	for i := range 6 {
		for j := range 6 {
			m.Suppressed[i][j] = true
		}
	}
	if got := flowExposed(t, m); len(got) != 0 {
		t.Fatalf("36 hidden cells with published margins: exposed %v", got)
	}
	// Three corners of a rectangle of large numbers: one is alone in its
	// column, so all three are pinned; the fourth corner frees them.
	for i := range 6 {
		for j := range 6 {
			m.Suppressed[i][j] = false
		}
	}
	m.Suppressed[2][3], m.Suppressed[2][4], m.Suppressed[3][3] = true, true, true
	if got := flowExposed(t, m); len(got) != 3 {
		t.Fatalf("three corners: exposed %v, want all three", got)
	}
	m.Suppressed[3][4] = true
	if got := flowExposed(t, m); len(got) != 0 {
		t.Fatalf("four corners: exposed %v", got)
	}
}
