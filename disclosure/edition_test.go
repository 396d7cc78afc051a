package disclosure

import (
	"strconv"
	"strings"
	"testing"

	"nrm"
)

// shown and hidden make hand-made cell states.
func shown(table, row, col string, v int) CellState {
	return CellState{CellKey: CellKey{table, row, col}, Value: v, Text: strconv.Itoa(v)}
}

func hidden(table, row, col, text string) CellState {
	return CellState{CellKey: CellKey{table, row, col}, Hidden: true, Text: text}
}

func TestCompareEditionsSmallChanges(t *testing.T) {
	first := []CellState{
		shown("by_region", "Africa", LabelCount, 20),
		shown("by_region", "Europe", LabelCount, 10),
		shown("by_region", TotalLabel, LabelCount, 40),
		hidden("by_region", "Oceania", LabelCount, "<3"),
		shown("counts", "identified", LabelCount, 40),
	}
	for _, tc := range []struct {
		name  string
		next  []CellState
		want  []CellKey
		k     int
		empty bool
	}{
		{name: "unchanged", k: 3, next: first, empty: true},
		{name: "differs by one", k: 3, next: []CellState{shown("by_region", "Africa", LabelCount, 21), shown("by_region", "Europe", LabelCount, 10)},
			want: []CellKey{{"by_region", "Africa", LabelCount}}},
		{name: "differs by two, downwards", k: 3, next: []CellState{shown("by_region", "Europe", LabelCount, 8), shown("counts", "identified", LabelCount, 38)},
			want: []CellKey{{"by_region", "Europe", LabelCount}, {"counts", "identified", LabelCount}}},
		{name: "differs by k", k: 3, next: []CellState{shown("by_region", "Africa", LabelCount, 23), shown("by_region", TotalLabel, LabelCount, 43)}, empty: true},
		{name: "higher k", k: 5, next: []CellState{shown("by_region", "Africa", LabelCount, 24)}, want: []CellKey{{"by_region", "Africa", LabelCount}}},
		{name: "hidden now", k: 3, next: []CellState{hidden("by_region", "Africa", LabelCount, ".."), hidden("by_region", "Europe", LabelCount, "<3")}, empty: true},
		{name: "unhidden", k: 3, next: []CellState{shown("by_region", "Oceania", LabelCount, 4)}, want: []CellKey{{"by_region", "Oceania", LabelCount}}},
		{name: "hidden becomes zero", k: 3, next: []CellState{shown("by_region", "Oceania", LabelCount, 0)}, empty: true},
		{name: "new cell", k: 3, next: []CellState{shown("by_region", "Asia", LabelCount, 1)}, empty: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CompareEditions([][]CellState{first}, tc.next, tc.k)
			if tc.empty {
				if len(got) != 0 {
					t.Fatalf("conflicts %+v, want none", got)
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("conflicts %+v, want %v", got, tc.want)
			}
			for i, c := range got {
				if c.CellKey != tc.want[i] || c.Edition != 1 {
					t.Errorf("conflict %d = %+v, want %v in edition 1", i, c, tc.want[i])
				}
			}
		})
	}
}

// TestCompareEditionsEveryEarlier checks the new edition against each
// earlier one, not only the latest: 20 → 24 → 21 passes against edition 2
// and fails against edition 1.
func TestCompareEditionsEveryEarlier(t *testing.T) {
	e1 := []CellState{shown("t", "r", "c", 20)}
	e2 := []CellState{shown("t", "r", "c", 24)}
	got := CompareEditions([][]CellState{e1, e2}, []CellState{shown("t", "r", "c", 21)}, 3)
	if len(got) != 1 || got[0].Edition != 1 || got[0].Reason != ConflictSmallChange {
		t.Fatalf("conflicts %+v, want one against edition 1", got)
	}
	got = CompareEditions([][]CellState{e1, e2}, []CellState{shown("t", "r", "c", 27)}, 3)
	if len(got) != 0 {
		t.Fatalf("conflicts %+v, want none", got)
	}
	// Hidden in edition 1 only: still may not be shown in edition 3.
	h1 := []CellState{hidden("t", "x", "c", "<3")}
	h2 := []CellState{shown("t", "x", "c", 0)}
	if got := CompareEditions([][]CellState{h1, h2}, []CellState{shown("t", "x", "c", 5)}, 3); len(got) != 1 || got[0].Reason != ConflictUnhidden {
		t.Fatalf("conflicts %+v, want the unhidden cell", got)
	}
}

func TestHiddenKeys(t *testing.T) {
	e1 := []CellState{hidden("a", "r", "c", "<3"), shown("a", "s", "c", 4)}
	e2 := []CellState{hidden("a", "r", "c", "<3"), hidden("b", TotalLabel, TotalLabel, "..")}
	got := HiddenKeys(e1, e2)
	want := []CellKey{{"a", "r", "c"}, {"b", TotalLabel, TotalLabel}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("HiddenKeys = %v, want %v", got, want)
	}
}

func TestConflictMessageNamesNoValue(t *testing.T) {
	cs := CompareEditions([][]CellState{{shown("by_nationality", "NG", LabelCount, 17), hidden("by_nationality", "VN", LabelCount, "<3")}},
		[]CellState{shown("by_nationality", "NG", LabelCount, 18), shown("by_nationality", "VN", LabelCount, 7)}, 3)
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		m := ConflictMessage(cs, 3, lang)
		for _, want := range []string{"by_nationality / NG / count", "by_nationality / VN / count"} {
			if !strings.Contains(m, want) {
				t.Errorf("%s message %q lacks %q", lang, m, want)
			}
		}
		for _, value := range []string{"17", "18", "7"} {
			if strings.Contains(m, value) {
				t.Errorf("%s message %q shows the value %q", lang, m, value)
			}
		}
	}
	if !strings.Contains(ConflictMessage(cs, 3, nrm.LangDA), "Udgaven kan ikke") || !strings.Contains(ConflictMessage(cs, 3, nrm.LangEN), "cannot be published") {
		t.Error("messages are not in Danish and English")
	}
}

func TestEditionCellsRoundTrip(t *testing.T) {
	in := []CellState{shown("a", "r", "c", 4), hidden("a", TotalLabel, "c", "..")}
	out := CellsOf(EditionCells(in))
	if len(out) != 2 || out[0] != in[0] || out[1] != in[1] {
		t.Fatalf("round trip %v, want %v", out, in)
	}
}
