package disclosure

import (
	"fmt"
	"sort"
	"strings"

	"nrm"
)

// Editions of a year's publication. Each edition is a frozen set of
// published numbers; a correction is a new edition of the same year. Two
// editions must not be differenced: a number published in both whose
// values differ by 1 to k-1 reveals a group of fewer than k persons (those
// whose records changed between them), and a number hidden in one and
// shown in the other gives the hidden one back through the relations of
// the tables. SuppressStatsHiding builds the next edition keeping the
// earlier hidden numbers hidden; CompareEditions checks the result.

// EditionConflict is one number that would let an outsider difference a
// new edition against an earlier one.
type EditionConflict struct {
	CellKey
	// Edition is the number of the earlier edition (1-based position in
	// the list given to CompareEditions).
	Edition int
	// Reason is ConflictSmallChange or ConflictUnhidden.
	Reason string
}

// Reasons of an EditionConflict.
const (
	// ConflictSmallChange: the number is published in both editions and
	// its values differ by 1 to k-1.
	ConflictSmallChange = "small_change"
	// ConflictUnhidden: the number was hidden in the earlier edition and is
	// shown, not as 0, in the new one.
	ConflictUnhidden = "unhidden"
)

// CompareEditions checks next against every earlier edition of the same
// year (earlier[i] is edition i+1) with threshold k and returns the
// conflicts, by table, row and column; none means next may be published.
// A number shown as 0 in next may have been hidden before: an empty cell
// reveals nothing about what an earlier edition withheld.
func CompareEditions(earlier [][]CellState, next []CellState, k int) []EditionConflict {
	if k < 2 {
		k = DefaultK
	}
	var out []EditionConflict
	for ei, cells := range earlier {
		old := make(map[CellKey]CellState, len(cells))
		for _, c := range cells {
			old[c.CellKey] = c
		}
		for _, c := range next {
			o, ok := old[c.CellKey]
			if !ok || c.Hidden {
				continue
			}
			switch {
			case o.Hidden && c.Value != 0:
				out = append(out, EditionConflict{CellKey: c.CellKey, Edition: ei + 1, Reason: ConflictUnhidden})
			case !o.Hidden:
				if d := editionDiff(c.Value, o.Value); d >= 1 && d < k {
					out = append(out, EditionConflict{CellKey: c.CellKey, Edition: ei + 1, Reason: ConflictSmallChange})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Edition < b.Edition
	})
	return out
}

// HiddenKeys lists the keys of every number hidden in any of the
// editions, for SuppressStatsHiding.
func HiddenKeys(editions ...[]CellState) []CellKey {
	seen := map[CellKey]bool{}
	var out []CellKey
	for _, cells := range editions {
		for _, c := range cells {
			if c.Hidden && !seen[c.CellKey] {
				seen[c.CellKey] = true
				out = append(out, c.CellKey)
			}
		}
	}
	return out
}

// ConflictMessage explains why an edition is refused, in Danish or
// English: which numbers (table, row, column) conflict with which earlier
// edition. It names no value, so that it reveals nothing hidden.
func ConflictMessage(cs []EditionConflict, k int, lang nrm.Lang) string {
	if k < 2 {
		k = DefaultK
	}
	var b strings.Builder
	if lang == nrm.LangEN {
		fmt.Fprintf(&b, "The edition cannot be published: %d number(s) would let it be differenced against an earlier edition of the year (threshold k = %d):", len(cs), k)
	} else {
		fmt.Fprintf(&b, "Udgaven kan ikke offentliggøres: %d tal ville kunne sammenholdes med en tidligere udgave af året (diskretionsgrænse k = %d):", len(cs), k)
	}
	const most = 20
	for i, c := range cs {
		if i == most {
			if lang == nrm.LangEN {
				fmt.Fprintf(&b, "\n  … and %d more", len(cs)-most)
			} else {
				fmt.Fprintf(&b, "\n  … og %d flere", len(cs)-most)
			}
			break
		}
		where := fmt.Sprintf("%s / %s / %s", c.Table, c.Row, c.Col)
		switch {
		case c.Reason == ConflictUnhidden && lang == nrm.LangEN:
			fmt.Fprintf(&b, "\n  %s: hidden in edition %d, shown now", where, c.Edition)
		case c.Reason == ConflictUnhidden:
			fmt.Fprintf(&b, "\n  %s: skjult i udgave %d, vises nu", where, c.Edition)
		case lang == nrm.LangEN:
			fmt.Fprintf(&b, "\n  %s: differs from edition %d by fewer than %d", where, c.Edition, k)
		default:
			fmt.Fprintf(&b, "\n  %s: afviger fra udgave %d med færre end %d", where, c.Edition, k)
		}
	}
	return b.String()
}

// CellsOf converts an edition's stored cells to cell states.
func CellsOf(cells []nrm.EditionCell) []CellState {
	out := make([]CellState, len(cells))
	for i, c := range cells {
		out[i] = CellState{CellKey: CellKey{Table: c.Table, Row: c.Row, Col: c.Col}, Value: c.Value, Hidden: c.Hidden, Text: c.Text}
	}
	return out
}

// EditionCells converts cell states to an edition's stored cells.
func EditionCells(cells []CellState) []nrm.EditionCell {
	out := make([]nrm.EditionCell, len(cells))
	for i, c := range cells {
		out[i] = nrm.EditionCell{Table: c.Table, Row: c.Row, Col: c.Col, Value: c.Value, Hidden: c.Hidden, Text: c.Text}
	}
	return out
}

// editionDiff is |a - b|.
func editionDiff(a, b int) int {
	if a < b {
		return b - a
	}
	return a - b
}
