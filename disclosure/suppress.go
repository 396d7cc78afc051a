// Package disclosure protects published statistics against revealing
// individual victims: primary and secondary cell suppression of count
// tables, an exact audit that proves no suppressed number can be derived
// back, and the application of both to the statistics contract.
//
// The model, in short:
//
//   - A count 1 ≤ n < k is suppressed (primary). A zero is published: a
//     zero is not a person, so it discloses nobody, and hiding zeros would
//     make every sparse table unreadable. Totals are counts of persons
//     too, so a total below k is suppressed like any cell.
//   - Every published total is a linear relation among the numbers of its
//     line. A line whose total is published must hide 0 or at least 2 of
//     its numbers, and the hidden ones must add up to k or more (else the
//     union of the hidden groups is itself a group smaller than k).
//   - A reader knows more than the relations: a number shown as "<k" lies
//     in [0, k-1], one shown as ".." in [k, ∞), and all are non-negative
//     integers. Recoverable computes, for each suppressed number, whether
//     these facts pin it to one value; Suppress keeps hiding numbers until
//     none is pinned.
//   - Only printed numbers are relations a reader can use. A number the
//     report does not print but that ties printed ones together (the
//     persons of a region whose age is unknown) is an Unpublished table:
//     hidden, never chosen, and reported by the audit only if it is
//     pinned at a small value.
//
// Secondary suppression costs: a cell before a marginal total, a marginal
// total before a table's own total (a grand total, the total of a one-way
// table, the identified total all one-way tables add up to, and any
// number published as the same); within a class non-zero before zero (a
// reader guesses a hidden zero), then the smallest value, then position.
// Suppress first protects the tables with every table's own total left
// published: the line rule hides the cheapest number of an unsafe line,
// and a pinned number gets the cheapest number that frees it by itself,
// else the cheapest number of its lines. Only when no choice of other
// numbers suffices does it start again with the totals allowed. Last, it
// gives back every secondary suppression that is not needed, the dearest
// first, as long as the line rule and the audit still hold: no secondary
// suppression is left that could be published again on its own.
//
// Suppressed values that are not below k are shown as ".." rather than
// "<k" because "<k" would be false for them; the reader may therefore
// learn that such a value is at least k, and the audit accounts for it.
// Rarely (tiny tables, k = 2) that knowledge pins a number even when all
// are hidden, e.g. a ".." total of two "<2" cells; then the tables fall
// back to the uniform display, where every hidden number is shown as ".."
// and tells nothing about its size.
//
// Known limits: the audit covers the relations of the tables (and links)
// it is given. Relations an attacker could find between separately
// protected tables, or inferences from the suppression algorithm itself,
// are outside it; SuppressStats therefore protects the tables of the
// report that share numbers together.
package disclosure

import (
	"slices"
	"sort"
	"strconv"
)

// DefaultK is the threshold for published reports (design.md §4).
const DefaultK = 3

// Confidential is how a suppressed number that is not below k is shown.
const Confidential = ".."

// Table is a table of person counts to publish; the totals, when flagged,
// are derived from the cells and published too.
type Table struct {
	// Name identifies the table (e.g. "by_region").
	Name string
	// RowLabels label the rows; codes where a code set applies.
	RowLabels []string
	// ColLabels label the columns.
	ColLabels []string
	// Cells are non-negative person counts, rows × columns.
	Cells [][]int
	// RowTotals publishes a total per row (a row-total column).
	RowTotals bool
	// ColTotals publishes a total per column (a column-total row). With
	// both flags the grand total is published too.
	ColTotals bool
	// Unpublished marks numbers that are not printed but tie published
	// ones together (the persons of a region whose age is unknown are the
	// region's count minus its count of known ages). Every number of such
	// a table is hidden and a reader knows only that it is a non-negative
	// integer; it takes part in links, is never chosen as a secondary
	// suppression, and the audit reports it only when it is pinned at a
	// value from 1 to k-1 (a small group given away).
	Unpublished bool
	// Known marks numbers that are not printed but that a reader is
	// assumed to know exactly (the worst case), such as the number of
	// third and later forms of exploitation that ties the persons with
	// several forms to the forms' totals. They are never hidden.
	Known bool
	// Slack marks an Unpublished table of differences that only state an
	// inequality (part ≤ whole): its numbers are never audited, since a
	// small difference between two printed numbers (the persons not in
	// shelter) is no group the protection could hide.
	Slack bool
	// Headline keeps the table's own total (the total of a one-way table,
	// the grand total of a two-way one) published: it is never chosen as
	// a secondary suppression (the identified total of a report).
	Headline bool
}

// Ref names one number of a set of tables in extended coordinates: Row ==
// rows means the column-total row, Col == cols the row-total column.
type Ref struct {
	// Table indexes the tables passed together.
	Table int
	// Row is the row, or the number of rows for the column-total row.
	Row int
	// Col is the column, or the number of columns for the row total.
	Col int
}

// Link states that the numbers Parts add up to Total across (or within)
// tables, so that they are protected together; a single part states an
// equality (the same number published twice).
type Link struct {
	// Parts are the numbers that add up.
	Parts []Ref
	// Total is their sum.
	Total Ref
}

// Masked is a table with its suppression pattern. It keeps the true values
// (the audit needs them); writers format through Cell or Value, which never
// show a suppressed number, or publish a Scrub'bed copy.
type Masked struct {
	Table
	// K is the threshold the table was protected with (≤ 1: off).
	K int
	// Uniform shows every suppressed number as Confidential, revealing no
	// range; set when the "<k" display could not be protected.
	Uniform bool
	// Suppressed flags the cells, indexed like Cells.
	Suppressed [][]bool
	// RowTotal holds the row totals when RowTotals is set.
	RowTotal []int
	// ColTotal holds the column totals when ColTotals is set.
	ColTotal []int
	// GrandTotal is the grand total when both totals are published.
	GrandTotal int
	// RowTotalSuppressed flags the row totals.
	RowTotalSuppressed []bool
	// ColTotalSuppressed flags the column totals.
	ColTotalSuppressed []bool
	// GrandTotalSuppressed flags the grand total.
	GrandTotalSuppressed bool
	// RowSet names the nrm code set of the row labels ("" when the labels
	// are shown as they are), for nrm.Label.
	RowSet string
	// ColSet names the nrm code set of the column labels.
	ColSet string
}

// Suppress protects one table with threshold k (k ≤ 1: nothing is hidden).
func Suppress(t Table, k int) Masked {
	return SuppressLinked([]Table{t}, k, nil)[0]
}

// SuppressLinked protects tables that share numbers together, so that no
// table gives back what another hides. A link that the data do not satisfy
// is ignored: it states no relation a reader could use.
func SuppressLinked(ts []Table, k int, links []Link) []Masked {
	return SuppressLinkedHiding(ts, k, links, nil)
}

// SuppressLinkedHiding protects like SuppressLinked and keeps every
// non-zero number named in hide hidden as well (the numbers an earlier
// edition of the same publication hid, so that the two cannot be
// differenced). A zero is never hidden: zeros are always published.
func SuppressLinkedHiding(ts []Table, k int, links []Link, hide []Ref) []Masked {
	ms := make([]Masked, len(ts))
	for i, t := range ts {
		ms[i] = newMasked(t, k)
	}
	if k <= 1 {
		return ms
	}
	// With zeros published, "<2" would mean exactly 1: at k = 2 every
	// hidden number is shown as Confidential from the start.
	if k == 2 {
		for i := range ms {
			ms[i].Uniform = true
		}
	}
	// A table whose numbers cannot be protected with the "<k" display
	// (two "<3" adding up to a "<3" are both 1) shows every hidden number
	// as Confidential instead, which tells nothing of its size; the other
	// tables keep the "<k" display. Each failure adds the tables of the
	// number that could not be protected and of the numbers tied to it.
	attempt := func(keepHeadline bool) (*system, bool) {
		s := newSystem(ms, links, k)
		if !keepHeadline {
			clear(s.keep)
		}
		s.force(hide)
		s.primary()
		return s, s.protect()
	}
	s, ok := attempt(true)
	for !ok {
		grown := false
		for _, ti := range s.failedTables() {
			if !ms[ti].Uniform {
				ms[ti].Uniform, grown = true, true
			}
		}
		if !grown {
			// Every table involved is uniform already: too few persons
			// for any breakdown (three persons in three categories are
			// one each). All tables go uniform, and if that does not
			// suffice the headline total may go too.
			for i := range ms {
				ms[i].Uniform = true
			}
			if s, ok = attempt(true); !ok {
				s, _ = attempt(false)
			}
			break
		}
		s, ok = attempt(true)
	}
	s.store(ms)
	return ms
}

// newMasked copies t into a rectangular table with its derived totals and
// nothing suppressed.
func newMasked(t Table, k int) Masked {
	r := len(t.Cells)
	if len(t.RowLabels) > r {
		r = len(t.RowLabels)
	}
	c := len(t.ColLabels)
	for _, row := range t.Cells {
		c = max(c, len(row))
	}
	m := Masked{K: k}
	m.Name = t.Name
	m.RowLabels = append([]string(nil), t.RowLabels...)
	m.ColLabels = append([]string(nil), t.ColLabels...)
	m.RowTotals, m.ColTotals = t.RowTotals, t.ColTotals
	m.Unpublished = t.Unpublished
	m.Known = t.Known
	m.Headline = t.Headline
	m.Slack = t.Slack
	m.Cells = make([][]int, r)
	m.Suppressed = make([][]bool, r)
	for i := range r {
		m.Cells[i] = make([]int, c)
		m.Suppressed[i] = make([]bool, c)
		if i < len(t.Cells) {
			copy(m.Cells[i], t.Cells[i])
		}
	}
	if t.RowTotals {
		m.RowTotal = make([]int, r)
		m.RowTotalSuppressed = make([]bool, r)
	}
	if t.ColTotals {
		m.ColTotal = make([]int, c)
		m.ColTotalSuppressed = make([]bool, c)
	}
	for i := range r {
		for j := range c {
			v := m.Cells[i][j]
			if t.RowTotals {
				m.RowTotal[i] += v
			}
			if t.ColTotals {
				m.ColTotal[j] += v
			}
			m.GrandTotal += v
		}
	}
	if !m.hasGrand() {
		m.GrandTotal = 0
	}
	return m
}

// Rows returns the number of rows, without the column-total row.
func (m Masked) Rows() int { return len(m.Cells) }

// Cols returns the number of columns, without the row-total column.
func (m Masked) Cols() int {
	if len(m.Cells) > 0 {
		return len(m.Cells[0])
	}
	return len(m.ColLabels)
}

func (m Masked) hasGrand() bool { return m.RowTotals && m.ColTotals }

// Exists reports whether extended coordinates (i, j) hold a number: a
// cell, or a total the table publishes.
func (m Masked) Exists(i, j int) bool {
	r, c := m.Rows(), m.Cols()
	switch {
	case i < 0 || j < 0 || i > r || j > c:
		return false
	case i < r && j < c:
		return true
	case i < r:
		return m.RowTotals
	case j < c:
		return m.ColTotals
	}
	return m.hasGrand()
}

// raw returns the true value and suppression flag at extended (i, j).
func (m Masked) raw(i, j int) (int, bool) {
	r, c := m.Rows(), m.Cols()
	switch {
	case i < r && j < c:
		return m.Cells[i][j], m.Suppressed[i][j]
	case i < r:
		return m.RowTotal[i], m.RowTotalSuppressed[i]
	case j < c:
		return m.ColTotal[j], m.ColTotalSuppressed[j]
	}
	return m.GrandTotal, m.GrandTotalSuppressed
}

func (m *Masked) setSuppressed(i, j int, on bool) {
	r, c := m.Rows(), m.Cols()
	switch {
	case i < r && j < c:
		m.Suppressed[i][j] = on
	case i < r:
		m.RowTotalSuppressed[i] = on
	case j < c:
		m.ColTotalSuppressed[j] = on
	default:
		m.GrandTotalSuppressed = on
	}
}

// IsSuppressed reports whether the number at extended (i, j) is hidden.
func (m Masked) IsSuppressed(i, j int) bool {
	if !m.Exists(i, j) {
		return false
	}
	_, s := m.raw(i, j)
	return s
}

// Value returns the number at extended (i, j) and whether it is
// published; a suppressed or absent number gives (0, false).
func (m Masked) Value(i, j int) (int, bool) {
	if !m.Exists(i, j) {
		return 0, false
	}
	v, s := m.raw(i, j)
	if s {
		return 0, false
	}
	return v, true
}

// Cell formats the number at extended (i, j): the number, "<k" when it is
// suppressed and below k (a suppressed zero included), Confidential when it
// is suppressed and not below k, "" when the table has no such total.
func (m Masked) Cell(i, j int) string {
	if !m.Exists(i, j) {
		return ""
	}
	v, s := m.raw(i, j)
	return format(v, s, m.K, m.Uniform)
}

func format(v int, suppressed bool, k int, uniform bool) string {
	switch {
	case !suppressed:
		return strconv.Itoa(v)
	case v < k && !uniform:
		return "<" + strconv.Itoa(k)
	}
	return Confidential
}

// Scrub returns a copy in which every suppressed number is replaced by a
// stand-in that formats the same (0 below k, k otherwise), so that a
// writer handed the copy cannot leak a hidden value by mistake. The audit
// needs the true values: run Recoverable before scrubbing.
func (m Masked) Scrub() Masked {
	out := m
	out.RowLabels = append([]string(nil), m.RowLabels...)
	out.ColLabels = append([]string(nil), m.ColLabels...)
	out.Cells = make([][]int, len(m.Cells))
	out.Suppressed = make([][]bool, len(m.Suppressed))
	for i := range m.Cells {
		out.Cells[i] = append([]int(nil), m.Cells[i]...)
		out.Suppressed[i] = append([]bool(nil), m.Suppressed[i]...)
	}
	out.RowTotal = append([]int(nil), m.RowTotal...)
	out.ColTotal = append([]int(nil), m.ColTotal...)
	out.RowTotalSuppressed = append([]bool(nil), m.RowTotalSuppressed...)
	out.ColTotalSuppressed = append([]bool(nil), m.ColTotalSuppressed...)
	stand := func(v int) int {
		if v < m.K {
			return 0
		}
		return m.K
	}
	for i := range out.Cells {
		for j := range out.Cells[i] {
			if out.Suppressed[i][j] {
				out.Cells[i][j] = stand(out.Cells[i][j])
			}
		}
	}
	for i := range out.RowTotal {
		if out.RowTotalSuppressed[i] {
			out.RowTotal[i] = stand(out.RowTotal[i])
		}
	}
	for j := range out.ColTotal {
		if out.ColTotalSuppressed[j] {
			out.ColTotal[j] = stand(out.ColTotal[j])
		}
	}
	if out.GrandTotalSuppressed {
		out.GrandTotal = stand(out.GrandTotal)
	}
	return out
}

// layout places one table's numbers in the system's entry list: cells in
// row-major order, then row totals, column totals and the grand total.
type layout struct {
	base, r, c   int
	rowT, colT   bool
	grand        bool
	size, tableI int
}

func newLayout(m Masked, base, ti int) layout {
	l := layout{base: base, r: m.Rows(), c: m.Cols(), rowT: m.RowTotals, colT: m.ColTotals, grand: m.hasGrand(), tableI: ti}
	l.size = l.r * l.c
	if l.rowT {
		l.size += l.r
	}
	if l.colT {
		l.size += l.c
	}
	if l.grand {
		l.size++
	}
	return l
}

// idx returns the entry of extended (i, j), or -1 if there is none.
func (l layout) idx(i, j int) int {
	switch {
	case i < 0 || j < 0 || i > l.r || j > l.c:
		return -1
	case i < l.r && j < l.c:
		return l.base + i*l.c + j
	}
	off := l.base + l.r*l.c
	if i < l.r {
		if !l.rowT {
			return -1
		}
		return off + i
	}
	if l.rowT {
		off += l.r
	}
	if j < l.c {
		if !l.colT {
			return -1
		}
		return off + j
	}
	if l.colT {
		off += l.c
	}
	if !l.grand {
		return -1
	}
	return off
}

// ref returns the extended coordinates of entry e of this layout.
func (l layout) ref(e int) Ref {
	o := e - l.base
	if o < l.r*l.c {
		return Ref{l.tableI, o / l.c, o % l.c}
	}
	o -= l.r * l.c
	if l.rowT {
		if o < l.r {
			return Ref{l.tableI, o, l.c}
		}
		o -= l.r
	}
	if l.colT {
		if o < l.c {
			return Ref{l.tableI, l.r, o}
		}
	}
	return Ref{l.tableI, l.r, l.c}
}

// line is one published relation: the members add up to the total.
type line struct {
	members []int
	total   int
}

// Cost classes of secondary suppression: a cell is hidden before a total,
// and a total before a table's own total (the grand total, the total of a
// one-way table and any number published as the same), which is hidden
// only when no choice of other numbers protects the table.
const (
	classCell = iota
	classTotal
	classTableTotal
)

// system is the set of numbers of linked tables and the relations among
// them, with the suppression pattern being built.
type system struct {
	k        int
	uniformT []bool // per table: the reader learns nothing from a hidden number's label
	failed   int    // the entry secondary could not protect, or -1
	val      []int
	sup      []bool
	unpub    []bool // not printed: always hidden, never chosen
	known    []bool // not printed but known to the reader: never hidden
	forced   []bool // hidden by an earlier edition: never given back
	keep     []bool // a headline total: never chosen
	slack    []bool // an inequality's difference: never audited
	class    []int  // cost class for secondary suppression
	locked   bool   // a table's own total is not to be chosen
	same     [][]int
	lines    []line
	byEntry  [][]int // lines each entry takes part in
	lays     []layout
}

func newSystem(ms []Masked, links []Link, k int) *system {
	s := &system{k: k, failed: -1}
	base := 0
	for ti, m := range ms {
		s.uniformT = append(s.uniformT, m.Uniform)
		l := newLayout(m, base, ti)
		s.lays = append(s.lays, l)
		base += l.size
	}
	s.val = make([]int, base)
	s.sup = make([]bool, base)
	s.unpub = make([]bool, base)
	s.known = make([]bool, base)
	s.forced = make([]bool, base)
	s.keep = make([]bool, base)
	s.slack = make([]bool, base)
	s.class = make([]int, base)
	for ti, m := range ms {
		l := s.lays[ti]
		for i := 0; i <= l.r; i++ {
			for j := 0; j <= l.c; j++ {
				if e := l.idx(i, j); e >= 0 {
					s.val[e], s.sup[e] = m.raw(i, j)
					if m.Unpublished {
						s.sup[e], s.unpub[e] = true, true
					}
					if m.Known {
						s.sup[e], s.known[e] = false, true
					}
					s.slack[e] = m.Slack
					if m.Headline && i == l.r && (j == l.c || !l.rowT) {
						s.keep[e] = true
					}
				}
			}
		}
		if l.rowT {
			for i := range l.r {
				mem := make([]int, l.c)
				for j := range l.c {
					mem[j] = l.idx(i, j)
				}
				s.addLine(mem, l.idx(i, l.c))
			}
		}
		if l.colT {
			for j := range l.c {
				mem := make([]int, l.r)
				for i := range l.r {
					mem[i] = l.idx(i, j)
				}
				s.addLine(mem, l.idx(l.r, j))
			}
		}
		if l.grand {
			mem := make([]int, l.c)
			for j := range l.c {
				mem[j] = l.idx(l.r, j)
			}
			s.addLine(mem, l.idx(l.r, l.c))
			mem = make([]int, l.r)
			for i := range l.r {
				mem[i] = l.idx(i, l.c)
			}
			s.addLine(mem, l.idx(l.r, l.c))
		}
	}
	for _, ln := range links {
		s.addLink(ln)
	}
	s.byEntry = make([][]int, len(s.val))
	member := make([]bool, len(s.val))
	for li, ln := range s.lines {
		for _, e := range ln.members {
			s.byEntry[e] = append(s.byEntry[e], li)
			member[e] = member[e] || len(ln.members) > 1
		}
		s.byEntry[ln.total] = append(s.byEntry[ln.total], li)
	}
	s.classify(member)
	return s
}

// classify sets the cost class of every number: a total of a sum that is
// itself part of no sum is a table's own total (the grand total, the
// total of a one-way table, the identified total all one-way tables add
// up to); other totals are marginal totals; the rest are cells. Numbers a
// link states equal (the same number published twice) are hidden and
// published together and cost as the dearest of them.
func (s *system) classify(member []bool) {
	for _, ln := range s.lines {
		if len(ln.members) < 2 {
			continue
		}
		c := classTotal
		if !member[ln.total] {
			c = classTableTotal
		}
		s.class[ln.total] = max(s.class[ln.total], c)
	}

	root := make([]int, len(s.val))
	for e := range root {
		root[e] = e
	}
	find := func(e int) int {
		for root[e] != e {
			root[e] = root[root[e]]
			e = root[e]
		}
		return e
	}
	for _, ln := range s.lines {
		if len(ln.members) == 1 {
			a, b := find(ln.members[0]), find(ln.total)
			if a != b {
				root[max(a, b)] = min(a, b)
			}
		}
	}
	groups := map[int][]int{}
	for e := range s.val {
		r := find(e)
		groups[r] = append(groups[r], e)
	}
	s.same = make([][]int, len(s.val))
	for e := range s.val {
		g := groups[find(e)]
		s.same[e] = g
		for _, x := range g {
			s.class[e] = max(s.class[e], s.class[x])
		}
	}
}

func (s *system) entry(r Ref) int {
	if r.Table < 0 || r.Table >= len(s.lays) {
		return -1
	}
	return s.lays[r.Table].idx(r.Row, r.Col)
}

func (s *system) addLink(ln Link) {
	t := s.entry(ln.Total)
	if t < 0 || len(ln.Parts) == 0 {
		return
	}
	mem := make([]int, 0, len(ln.Parts))
	sum := 0
	for _, p := range ln.Parts {
		e := s.entry(p)
		if e < 0 || e == t {
			return
		}
		mem = append(mem, e)
		sum += s.val[e]
	}
	if sum != s.val[t] {
		return
	}
	s.addLine(mem, t)
}

func (s *system) addLine(members []int, total int) {
	if len(members) == 0 {
		return
	}
	s.lines = append(s.lines, line{members: members, total: total})
}

// small reports whether a count is below the threshold and not zero: a
// group that must not be given away.
func (s *system) small(e int) bool { return s.val[e] >= 1 && s.val[e] < s.k }

// primary hides every printed count 1 ≤ n < k.
func (s *system) primary() {
	for e := range s.val {
		if s.small(e) && !s.known[e] {
			s.hide(e)
		}
	}
}

// force hides the non-zero numbers of hide for good.
func (s *system) force(hide []Ref) {
	for _, r := range hide {
		if e := s.entry(r); e >= 0 && s.val[e] != 0 && !s.known[e] && !s.unpub[e] {
			for _, x := range s.same[e] {
				s.sup[x], s.forced[x] = true, true
			}
		}
	}
}

// hide hides e and every number published as the same.
func (s *system) hide(e int) {
	for _, x := range s.same[e] {
		s.sup[x] = true
	}
}

// protect adds secondary suppressions until every published line is safe
// and the audit finds no hidden number that can be derived, then gives
// back every secondary suppression that is not needed; false when hiding
// everything still leaves one derivable. It first leaves every table's own
// total published (the identified total, a one-way table's total) and
// hides one only when no choice of the other numbers protects the tables.
func (s *system) protect() bool {
	start := slices.Clone(s.sup)
	s.locked = true
	ok := s.secondary()
	s.locked = false
	if !ok {
		copy(s.sup, start)
		ok = s.secondary()
	}
	if ok {
		s.prune()
	}
	return ok
}

// secondary hides numbers until the tables are safe; false when nothing
// that may be chosen is left to hide.
func (s *system) secondary() bool {
	for {
		if !s.lineRule() {
			return false
		}
		e := s.firstExposed()
		if e < 0 {
			return true
		}
		if !s.widen(e) {
			s.failed = e
			return false
		}
	}
}

// failedTables returns the tables to show uniformly after protect failed:
// those of the entry it could not protect (the first exposed one when a
// line could not be made safe), of the numbers sharing a line with it and
// of every number published as the same as one of those.
func (s *system) failedTables() []int {
	e := s.failed
	if e < 0 {
		e = s.firstExposed()
	}
	if e < 0 {
		return nil
	}
	set := map[int]bool{}
	add := func(x int) {
		for _, y := range s.same[x] {
			set[s.refOf(y).Table] = true
		}
	}
	add(e)
	for _, li := range s.byEntry[e] {
		add(s.lines[li].total)
		for _, m := range s.lines[li].members {
			if s.sup[m] {
				add(m)
			}
		}
	}
	out := make([]int, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Ints(out)
	return out
}

// uniformAt reports whether entry e's table shows hidden numbers uniformly.
func (s *system) uniformAt(e int) bool {
	t := s.refOf(e).Table
	return t >= 0 && s.uniformT[t]
}

// choosable reports whether e may be hidden as a secondary suppression.
// A zero is never chosen: zeros are always published, so that "<k" means
// 1 to k-1 and a hidden number at least k.
func (s *system) choosable(e int) bool {
	return !s.sup[e] && !s.unpub[e] && !s.known[e] && !s.kept(e) && s.val[e] != 0 && !(s.locked && s.class[e] == classTableTotal)
}

// kept reports whether e or a number published as the same is a headline
// total.
func (s *system) kept(e int) bool {
	for _, x := range s.same[e] {
		if s.keep[x] {
			return true
		}
	}
	return false
}

// printedLine reports whether the rule of a line applies: its total is
// published and all its numbers are printed ones.
func (s *system) printedLine(ln line) bool {
	if s.sup[ln.total] || s.unpub[ln.total] {
		return false
	}
	for _, e := range ln.members {
		if s.unpub[e] {
			return false
		}
	}
	return true
}

// lineSafe reports whether a line with a published total hides no
// number, or at least two whose sum is at least k (or zero).
func (s *system) lineSafe(ln line) bool {
	n, sum := 0, 0
	for _, e := range ln.members {
		if s.sup[e] {
			n++
			sum += s.val[e]
		}
	}
	return n == 0 || (n >= 2 && (sum >= s.k || sum == 0))
}

// lineRule enforces, for every line whose total is published: no hidden
// number, or at least two whose sum is at least k (or zero). False when a
// line can only be made safe by hiding a total that may not be chosen.
func (s *system) lineRule() bool {
	for changed := true; changed; {
		changed = false
		for _, ln := range s.lines {
			if !s.printedLine(ln) || s.lineSafe(ln) {
				continue
			}
			c := s.pick(-1, ln.members)
			if c < 0 && s.choosable(ln.total) {
				c = ln.total
			}
			if c < 0 {
				s.failed = ln.members[0]
				return false
			}
			s.hide(c)
			changed = true
		}
	}
	return true
}

// better orders candidates for secondary suppression by cost: the lower
// class (cells before totals before a table's own total), then non-zero
// before zero (hiding a zero protects little: a reader guesses it), then
// the smallest value (least information lost), then position.
func (s *system) better(a, b int) bool {
	if b < 0 {
		return true
	}
	if s.class[a] != s.class[b] {
		return s.class[a] < s.class[b]
	}
	za, zb := s.val[a] == 0, s.val[b] == 0
	if za != zb {
		return !za
	}
	if s.val[a] != s.val[b] {
		return s.val[a] < s.val[b]
	}
	return a < b
}

// pick returns the best entry of es that may be hidden, starting from
// best.
func (s *system) pick(best int, es []int) int {
	for _, e := range es {
		if s.choosable(e) && s.better(e, best) {
			best = e
		}
	}
	return best
}

// lookaheadMax bounds the candidates tried one by one for a pinned number.
const lookaheadMax = 12

// widen hides one more number to break the derivation of entry e: the
// cheapest number below a table's own total that frees e by itself, else
// the cheapest number of e's lines (members before totals), else the
// cheapest number left.
func (s *system) widen(e int) bool {
	if c := s.lookahead(e); c >= 0 {
		s.hide(c)
		return true
	}
	// The cheapest number of e's lines (cells before totals); if none may
	// be chosen, of the lines of the hidden numbers those lines tie e to,
	// and so on outwards: never a number unrelated to e.
	seen := map[int]bool{e: true}
	frontier := []int{e}
	best := -1
	for len(frontier) > 0 && best < 0 {
		var next []int
		for _, x := range frontier {
			for _, li := range s.byEntry[x] {
				ln := s.lines[li]
				best = s.pick(best, ln.members)
				best = s.pick(best, []int{ln.total})
				for _, y := range append([]int{ln.total}, ln.members...) {
					if s.sup[y] && !seen[y] {
						seen[y] = true
						next = append(next, y)
					}
				}
			}
		}
		frontier = next
	}
	if best < 0 {
		return false
	}
	s.hide(best)
	return true
}

// lookahead returns the cheapest published number, short of a table's
// own total, whose hiding alone lets e move; -1 if there is none among
// the numbers that share a line with a hidden one.
func (s *system) lookahead(e int) int {
	var cands []int
	seen := make([]bool, len(s.val))
	for x := range s.val {
		if !s.sup[x] {
			continue
		}
		for _, li := range s.byEntry[x] {
			ln := s.lines[li]
			for _, c := range append([]int{ln.total}, ln.members...) {
				if !seen[c] && s.choosable(c) && s.class[c] < classTableTotal {
					seen[c] = true
					cands = append(cands, c)
				}
			}
		}
	}
	sort.Slice(cands, func(a, b int) bool { return s.better(cands[a], cands[b]) })
	if len(cands) > lookaheadMax {
		cands = cands[:lookaheadMax]
	}
	for _, c := range cands {
		s.hide(c)
		ok := s.movable(e)
		s.setAll(c, false)
		if ok {
			return c
		}
	}
	return -1
}

// setAll sets the suppression of e and its equals.
func (s *system) setAll(e int, on bool) {
	for _, x := range s.same[e] {
		s.sup[x] = on
	}
}

// prune gives back the secondary suppressions that are not needed, the
// dearest first (a table's own total, then totals, then the largest
// cells): each is published again if every published line stays safe and
// the audit still finds nothing. A number kept hidden may become
// publishable once another is published (it was needed only to keep that
// one from being pinned), hence the passes until nothing changes.
func (s *system) prune() {
	var cands []int
	for e := range s.val {
		if s.sup[e] && !s.unpub[e] && !s.forced[e] && !s.small(e) && s.same[e][0] == e {
			cands = append(cands, e)
		}
	}
	sort.Slice(cands, func(a, b int) bool { return s.better(cands[b], cands[a]) })
	for changed := true; changed; {
		changed = false
		for _, c := range cands {
			if !s.sup[c] || slices.ContainsFunc(s.same[c], s.small) {
				continue
			}
			s.setAll(c, false)
			if s.safe() {
				changed = true
			} else {
				s.setAll(c, true)
			}
		}
	}
}

// safe reports whether every printed line with a published total keeps
// the line rule and the audit pins no hidden number.
func (s *system) safe() bool {
	for _, ln := range s.lines {
		if s.printedLine(ln) && !s.lineSafe(ln) {
			return false
		}
	}
	return s.firstExposed() < 0
}

// store writes the suppression pattern back into the tables.
func (s *system) store(ms []Masked) {
	for ti := range ms {
		l := s.lays[ti]
		for i := 0; i <= l.r; i++ {
			for j := 0; j <= l.c; j++ {
				if e := l.idx(i, j); e >= 0 {
					ms[ti].setSuppressed(i, j, s.sup[e])
				}
			}
		}
	}
}

// refOf maps an entry back to its table and extended coordinates.
func (s *system) refOf(e int) Ref {
	for _, l := range s.lays {
		if e >= l.base && e < l.base+l.size {
			return l.ref(e)
		}
	}
	return Ref{-1, -1, -1}
}
