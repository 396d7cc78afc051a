package bundle

import "sort"

// sortErrors orders errors by file, then line, so the list reads like the
// files.
func sortErrors(list []RowError) {
	order := map[string]int{"cases": 0, "accommodations": 1, "exits": 2, "prosecutions": 3}
	rank := func(f string) int {
		for k, v := range order {
			if len(f) >= len(k) && f[:len(k)] == k {
				return v
			}
		}
		return 4
	}
	sort.SliceStable(list, func(i, j int) bool {
		if ri, rj := rank(list[i].File), rank(list[j].File); ri != rj {
			return ri < rj
		}
		return list[i].Line < list[j].Line
	})
}
