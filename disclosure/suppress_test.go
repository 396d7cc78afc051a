package disclosure

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func col(name string, vals ...int) Table {
	t := Table{Name: name, ColLabels: []string{"n"}, ColTotals: true}
	for i, v := range vals {
		t.RowLabels = append(t.RowLabels, fmt.Sprint("r", i))
		t.Cells = append(t.Cells, []int{v})
	}
	return t
}

func grid(rows [][]int, rowT, colT bool) Table {
	t := Table{Name: "grid", Cells: rows, RowTotals: rowT, ColTotals: colT}
	for i := range rows {
		t.RowLabels = append(t.RowLabels, fmt.Sprint("r", i))
	}
	for j := range rows[0] {
		t.ColLabels = append(t.ColLabels, fmt.Sprint("c", j))
	}
	return t
}

// pattern lists the suppressed extended coordinates in row-major order.
func pattern(m Masked) [][2]int {
	var out [][2]int
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			if m.IsSuppressed(i, j) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// checkProtected asserts the guarantees every Suppress result must have.
func checkProtected(t *testing.T, in Table, m Masked, k int) {
	t.Helper()
	if !reflect.DeepEqual(m.Cells, in.Cells) {
		t.Fatalf("cells changed: %v, want %v", m.Cells, in.Cells)
	}
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			if !m.Exists(i, j) {
				continue
			}
			v, sup := m.raw(i, j)
			if k > 1 && v >= 1 && v < k && !sup {
				t.Fatalf("%s: (%d,%d)=%d below k=%d is published", in.Name, i, j, v, k)
			}
			if k <= 1 && sup {
				t.Fatalf("k=%d but (%d,%d) suppressed", k, i, j)
			}
			if got, ok := m.Value(i, j); ok != !sup || (ok && got != v) {
				t.Fatalf("Value(%d,%d) = %d,%v; true %d suppressed %v", i, j, got, ok, v, sup)
			}
		}
	}
	if r := Recoverable(m); len(r) > 0 {
		t.Fatalf("%s k=%d: recoverable %v; pattern %v; cells %v", in.Name, k, r, pattern(m), m.Cells)
	}
	for _, ln := range lines(m) {
		if _, sup := m.raw(ln.total[0], ln.total[1]); sup {
			continue
		}
		n, sum := 0, 0
		for _, c := range ln.members {
			if v, sup := m.raw(c[0], c[1]); sup {
				n++
				sum += v
			}
		}
		if n == 1 || (n >= 2 && sum > 0 && sum < k) {
			t.Fatalf("%s: line %v published with %d hidden numbers summing to %d", in.Name, ln, n, sum)
		}
	}
	// The independent reference decides every table, whatever its size.
	if exp := flowExposed(t, m); len(exp) > 0 {
		t.Fatalf("%s k=%d: the flow reference finds %v exposed; pattern %v; cells %v", in.Name, k, exp, pattern(m), m.Cells)
	}
}

func TestOneDimensionalList(t *testing.T) {
	in := col("list", 10, 2, 7, 0)
	m := Suppress(in, 3)
	checkProtected(t, in, m, 3)
	// The 2, then the smallest non-zero partner: 7 + "<3" = 9 leaves the 7
	// two possible values (7 or 8), as many as the "<3" has. The zero is
	// shown.
	if got, want := pattern(m), [][2]int{{1, 0}, {2, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pattern %v, want %v", got, want)
	}
	var cells []string
	for i := 0; i <= m.Rows(); i++ {
		cells = append(cells, m.Cell(i, 0))
	}
	if want := []string{"10", "<3", "..", "0", "19"}; !reflect.DeepEqual(cells, want) {
		t.Fatalf("cells %v, want %v", cells, want)
	}
	if m.Cell(0, 1) != "" || m.Exists(4, 1) {
		t.Fatal("a list with column totals only has no row totals")
	}
}

func TestSingleRowWithTotal(t *testing.T) {
	in := grid([][]int{{10, 2, 7, 0}}, true, false)
	m := Suppress(in, 3)
	checkProtected(t, in, m, 3)
	if got, want := pattern(m), [][2]int{{0, 1}, {0, 2}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pattern %v, want %v", got, want)
	}
	if m.Cell(0, 4) != "19" || m.Cell(0, 3) != "0" {
		t.Fatalf("row total %q", m.Cell(0, 4))
	}
}

func TestPrimaryOnlyIsRecoverableFromTotal(t *testing.T) {
	in := col("naive", 10, 2, 7)
	m := newMasked(in, 3)
	m.Suppressed[1][0] = true // primary only
	if got := Recoverable(m); !reflect.DeepEqual(got, [][2]int{{1, 0}}) {
		t.Fatalf("Recoverable = %v, want the lone suppressed cell", got)
	}
	full := Suppress(in, 3)
	checkProtected(t, in, full, 3)
}

func TestLineRuleAloneIsNotEnough(t *testing.T) {
	// Two hidden 2s adding up to 4 with k = 3: each is "<3", so both must
	// be 2. The audit makes Suppress hide a third number.
	in := col("twos", 2, 2, 10, 20)
	m := newMasked(in, 3)
	m.Suppressed[0][0], m.Suppressed[1][0] = true, true
	if got := Recoverable(m); len(got) != 2 {
		t.Fatalf("Recoverable = %v, want both 2s", got)
	}
	full := Suppress(in, 3)
	checkProtected(t, in, full, 3)
	if got, want := pattern(full), [][2]int{{0, 0}, {1, 0}, {2, 0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pattern %v, want %v", got, want)
	}
}

func TestTwoByTwoWithOneSmallCell(t *testing.T) {
	in := grid([][]int{{1, 5}, {4, 6}}, true, true)
	m := Suppress(in, 3)
	checkProtected(t, in, m, 3)
	if got, want := pattern(m), [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pattern %v, want all four cells, margins published", got)
	}
	if m.Cell(2, 2) != "16" || m.Cell(0, 2) != "6" || m.Cell(2, 0) != "5" {
		t.Fatalf("margins: %q %q %q", m.Cell(2, 2), m.Cell(0, 2), m.Cell(2, 0))
	}
}

func TestTwoDimensionalWithTotals(t *testing.T) {
	in := grid([][]int{{12, 1, 20, 7}, {4, 15, 9, 0}, {30, 8, 2, 11}}, true, true)
	for _, k := range []int{3, 5, 11} {
		m := Suppress(in, k)
		checkProtected(t, in, m, k)
	}
}

func TestZeroNeverHidden(t *testing.T) {
	// Two hidden 2s with a published total of 4 are both pinned at 2. A
	// zero is never hidden (zeros are published, so "<3" means 1 or 2):
	// the total goes instead, shown as ".." (3 or 4).
	in := col("zero-partner", 2, 2, 0)
	m := Suppress(in, 3)
	checkProtected(t, in, m, 3)
	if m.Cell(2, 0) != "0" || m.IsSuppressed(2, 0) {
		t.Fatalf("the zero must be published: %q", m.Cell(2, 0))
	}
	if m.Cell(0, 0) != "<3" || m.Cell(1, 0) != "<3" || m.Cell(3, 0) != Confidential || m.Uniform {
		t.Fatalf("cells %q %q, total %q, uniform %v", m.Cell(0, 0), m.Cell(1, 0), m.Cell(3, 0), m.Uniform)
	}
}

func TestUniformFallback(t *testing.T) {
	// With k = 2 a column total of 2 shown as ".." (≥ 2) over two "<2"
	// cells pins both at 1 whatever else is hidden: only the uniform
	// display, which tells nothing about a hidden number's size, is safe.
	in := grid([][]int{{1, 0}, {1, 8}}, true, true)
	m := Suppress(in, 2)
	checkProtected(t, in, m, 2)
	if !m.Uniform {
		t.Fatalf("want the uniform display; pattern %v", pattern(m))
	}
	for _, p := range pattern(m) {
		if c := m.Cell(p[0], p[1]); c != Confidential {
			t.Fatalf("uniform display shows %q at %v", c, p)
		}
	}
}

func TestZerosArePublished(t *testing.T) {
	in := col("zeros", 0, 0, 12, 0, 30)
	m := Suppress(in, 3)
	if p := pattern(m); len(p) != 0 {
		t.Fatalf("nothing to hide, got %v", p)
	}
}

func TestSmallTotalIsHidden(t *testing.T) {
	in := col("tiny", 1, 1, 0)
	m := Suppress(in, 3)
	checkProtected(t, in, m, 3)
	if !m.IsSuppressed(3, 0) {
		t.Fatal("a total of 2 persons is itself a small group")
	}
}

func TestThresholds(t *testing.T) {
	tables := []Table{
		col("k-list", 40, 3, 8, 25, 0, 12, 1),
		grid([][]int{{6, 2, 14}, {3, 9, 0}, {22, 4, 10}, {1, 1, 1}}, true, true),
		grid([][]int{{6, 2, 14}, {3, 9, 0}}, false, true),
		grid([][]int{{6, 2, 14}, {3, 9, 0}}, true, false),
	}
	for _, k := range []int{3, 5, 11} {
		for _, in := range tables {
			checkProtected(t, in, Suppress(in, k), k)
		}
	}
}

func TestOff(t *testing.T) {
	in := grid([][]int{{1, 2}, {0, 1}}, true, true)
	for _, k := range []int{-1, 0, 1} {
		m := Suppress(in, k)
		if p := pattern(m); len(p) != 0 {
			t.Fatalf("k=%d suppressed %v", k, p)
		}
		if m.Cell(0, 0) != "1" || m.Cell(2, 2) != "4" {
			t.Fatalf("k=%d cells %q %q", k, m.Cell(0, 0), m.Cell(2, 2))
		}
	}
}

func TestScrub(t *testing.T) {
	in := grid([][]int{{1, 5, 30}, {4, 6, 2}}, true, true)
	m := Suppress(in, 3)
	s := m.Scrub()
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			if m.Cell(i, j) != s.Cell(i, j) {
				t.Fatalf("(%d,%d) formats %q after scrub, %q before", i, j, s.Cell(i, j), m.Cell(i, j))
			}
			if s.IsSuppressed(i, j) {
				if v, _ := s.raw(i, j); v != 0 && v != 3 {
					t.Fatalf("scrubbed (%d,%d) keeps %d", i, j, v)
				}
			}
		}
	}
	if m.Cells[0][0] != 1 {
		t.Fatal("Scrub modified the original")
	}
}

func TestLinkedTotals(t *testing.T) {
	// The two tables publish the same total. Linked, no hidden number of
	// either can be narrowed, and the shared total is shown alike in both.
	a, b := col("a", 2, 2, 9), col("b", 1, 3, 9)
	link := []Link{{Parts: []Ref{{1, 3, 0}}, Total: Ref{0, 3, 0}}}
	ms := SuppressLinked([]Table{a, b}, 3, link)
	if r := RecoverableLinked(ms, link); len(r) > 0 {
		t.Fatalf("linked: recoverable %v", r)
	}
	if ms[0].IsSuppressed(3, 0) != ms[1].IsSuppressed(3, 0) {
		t.Fatal("the shared total must be shown alike in both tables")
	}
	alone := []Masked{Suppress(a, 3), Suppress(b, 3)}
	for _, m := range alone {
		if r := Recoverable(m); len(r) > 0 {
			t.Fatalf("%s alone: recoverable %v", m.Name, r)
		}
	}
}

func TestInconsistentLinkIgnored(t *testing.T) {
	a, b := col("a", 5, 7), col("b", 4, 4)
	ms := SuppressLinked([]Table{a, b}, 3, []Link{{Parts: []Ref{{1, 2, 0}}, Total: Ref{0, 2, 0}}})
	if len(pattern(ms[0]))+len(pattern(ms[1])) != 0 {
		t.Fatal("a link the data do not satisfy must not change anything")
	}
}

func TestDeterministic(t *testing.T) {
	in := grid([][]int{{3, 3, 3}, {3, 1, 3}, {3, 3, 3}}, true, true)
	a, b := Suppress(in, 3), Suppress(in, 3)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Suppress is not deterministic")
	}
	checkProtected(t, in, a, 3)
}

// TestRandomTables is the property test: on many random small tables,
// Suppress hides every small count, keeps the others, leaves no published
// line with a lone hidden number, and neither the audit nor the
// independent flow reference finds a hidden number exposed.
func TestRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(2011, 2012))
	n := 600
	if testing.Short() {
		n = 150
	}
	for it := range n {
		k := []int{2, 3, 5, 11}[rng.IntN(4)]
		r, c := 1+rng.IntN(4), 1+rng.IntN(4)
		rows := make([][]int, r)
		for i := range rows {
			rows[i] = make([]int, c)
			for j := range rows[i] {
				switch x := rng.IntN(10); {
				case x < 3:
					rows[i][j] = 0
				case x < 6:
					rows[i][j] = 1 + rng.IntN(k)
				default:
					rows[i][j] = rng.IntN(4*k + 5)
				}
			}
		}
		rowT, colT := rng.IntN(3) > 0, rng.IntN(3) > 0
		in := grid(rows, rowT, colT)
		in.Name = fmt.Sprintf("random#%d", it)
		checkProtected(t, in, Suppress(in, k), k)
	}
}

// TestRandomLargeTables: tables of up to 8×8 with many small counts, where
// protection hides far more numbers than enumeration could try; the flow
// reference still decides each.
func TestRandomLargeTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2026))
	n, most := 40, 0
	if testing.Short() {
		n = 10
	}
	for it := range n {
		k := []int{3, 5}[rng.IntN(2)]
		r, c := 5+rng.IntN(4), 5+rng.IntN(4)
		rows := make([][]int, r)
		for i := range rows {
			rows[i] = make([]int, c)
			for j := range rows[i] {
				if rng.IntN(3) > 0 {
					rows[i][j] = rng.IntN(3 * k)
				}
			}
		}
		in := grid(rows, true, true)
		in.Name = fmt.Sprintf("large#%d", it)
		m := Suppress(in, k)
		checkProtected(t, in, m, k)
		most = max(most, len(pattern(m)))
	}
	if most <= 9 {
		t.Fatalf("at most %d hidden numbers: the tables are too small to test what enumeration cannot", most)
	}
}

// --- independent reference ---------------------------------------------

type refLine struct {
	members [][2]int
	total   [2]int
}

// lines lists the published relations of m, derived from its shape alone.
func lines(m Masked) []refLine {
	r, c := m.Rows(), m.Cols()
	var out []refLine
	if m.RowTotals {
		for i := range r {
			l := refLine{total: [2]int{i, c}}
			for j := range c {
				l.members = append(l.members, [2]int{i, j})
			}
			out = append(out, l)
		}
	}
	if m.ColTotals {
		for j := range c {
			l := refLine{total: [2]int{r, j}}
			for i := range r {
				l.members = append(l.members, [2]int{i, j})
			}
			out = append(out, l)
		}
	}
	if m.RowTotals && m.ColTotals {
		a, b := refLine{total: [2]int{r, c}}, refLine{total: [2]int{r, c}}
		for j := range c {
			a.members = append(a.members, [2]int{r, j})
		}
		for i := range r {
			b.members = append(b.members, [2]int{i, c})
		}
		out = append(out, a, b)
	}
	return out
}

// bruteBound is the cap on the open ranges in the enumeration: the sum of
// the cells plus k, above every number a published relation can hold.
func bruteBound(m Masked) int {
	sum := 0
	for i := range m.Rows() {
		for j := range m.Cols() {
			sum += m.Cells[i][j]
		}
	}
	return sum + m.K
}

// bruteRanges enumerates every assignment of the hidden numbers that
// agrees with what a reader sees (readerDomain, the open ranges capped at
// bruteBound) and returns the range each number takes over them. ok is
// false when the table has more than maxVars hidden numbers or the
// enumeration exceeds maxNodes.
func bruteRanges(m Masked, maxVars, maxNodes int) (ranges map[[2]int]refRange, ok bool) {
	var vars [][2]int
	varOf := map[[2]int]int{}
	for i := 0; i <= m.Rows(); i++ {
		for j := 0; j <= m.Cols(); j++ {
			if m.Exists(i, j) && m.IsSuppressed(i, j) {
				varOf[[2]int{i, j}] = len(vars)
				vars = append(vars, [2]int{i, j})
			}
		}
	}
	if len(vars) > maxVars {
		return nil, false
	}
	bound := int64(bruteBound(m))
	type con struct {
		vs   []int
		cf   []int
		rhs  int
		last int
	}
	var cons []con
	for _, l := range lines(m) {
		var c con
		add := func(p [2]int, cf int) {
			if v, ok := varOf[p]; ok {
				c.vs, c.cf = append(c.vs, v), append(c.cf, cf)
			} else {
				val, _ := m.raw(p[0], p[1])
				c.rhs -= cf * val
			}
		}
		for _, p := range l.members {
			add(p, 1)
		}
		add(l.total, -1)
		if len(c.vs) == 0 {
			continue
		}
		c.last = slices.Max(c.vs)
		cons = append(cons, c)
	}
	dom := make([]refRange, len(vars))
	seen := make([]refRange, len(vars))
	for v, p := range vars {
		val, _ := m.raw(p[0], p[1])
		dom[v] = readerDomain(m, val, bound)
		seen[v] = refRange{bound + 1, -1}
	}
	x := make([]int, len(vars))
	nodes := 0
	var rec func(d int) bool // false: budget exceeded
	rec = func(d int) bool {
		if nodes++; nodes > maxNodes {
			return false
		}
		if d == len(vars) {
			for v := range vars {
				seen[v].lo, seen[v].hi = min(seen[v].lo, int64(x[v])), max(seen[v].hi, int64(x[v]))
			}
			return true
		}
		try := func(val int) bool {
			if int64(val) < dom[d].lo || int64(val) > dom[d].hi {
				return true
			}
			x[d] = val
			for _, c := range cons {
				if c.last != d {
					continue
				}
				s := 0
				for i, v := range c.vs {
					s += c.cf[i] * x[v]
				}
				if s != c.rhs {
					return true
				}
			}
			return rec(d + 1)
		}
		for _, c := range cons { // a relation closed by d forces its value
			if c.last == d {
				s := 0
				cf := 0
				for i, v := range c.vs {
					if v == d {
						cf = c.cf[i]
					} else {
						s += c.cf[i] * x[v]
					}
				}
				return try((c.rhs - s) * cf) // cf is ±1
			}
		}
		for val := dom[d].lo; val <= dom[d].hi; val++ {
			if !try(int(val)) {
				return false
			}
		}
		return true
	}
	if !rec(0) {
		return nil, false
	}
	ranges = map[[2]int]refRange{}
	for v, p := range vars {
		ranges[p] = seen[v]
	}
	return ranges, true
}

func TestBruteForceAgreesOnNaivePattern(t *testing.T) {
	m := newMasked(col("naive", 10, 2, 7), 3)
	m.Suppressed[1][0] = true
	got, ok := bruteRanges(m, 9, 1_000_000)
	if !ok || !reflect.DeepEqual(got, map[[2]int]refRange{{1, 0}: {2, 2}}) {
		t.Fatalf("brute force = %v, %v", got, ok)
	}
}
