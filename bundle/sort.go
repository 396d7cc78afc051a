package bundle

import (
	"sort"
	"strings"
)

// sortErrors orders errors by file, then line, so the list reads like the
// files.
func sortErrors(list []RowError) {
	order := map[string]int{"cases": 0, "accommodations": 1, "exits": 2, "prosecutions": 3}
	for i, f := range recordFiles {
		order[f] = 4 + i
	}
	rank := func(f string) int {
		f = strings.TrimPrefix(strings.TrimSuffix(f, ".csv"), "sheet ")
		if v, ok := order[f]; ok {
			return v
		}
		return len(order)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if ri, rj := rank(list[i].File), rank(list[j].File); ri != rj {
			return ri < rj
		}
		return list[i].Line < list[j].Line
	})
}
