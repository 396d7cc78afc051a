package bundle

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// A row's cell is found by its column's name whatever the order and the
// names asked for, row after row: the answers of columns.find are the
// header's, over random sequences of questions that mostly repeat the
// previous row's (as parsers ask), with names not in the header, and
// names equal to a header's but built anew.
func TestColumnsFindAsHeader(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	header := []string{"case_ref", "gender", "birth_year", "nationality", "first_contact_date", "contact_form"}
	index := map[string]int{}
	for i, h := range header {
		index[h] = i
	}
	names := append(append([]string{}, header...), "exploitation", "labour_setting", "")
	for range 200 {
		c := &columns{index: index}
		order := make([]string, 1+rng.IntN(12))
		for i := range order {
			order[i] = names[rng.IntN(len(names))]
		}
		for row := range 50 {
			if rng.IntN(5) == 0 { // a row that asks something else
				order[rng.IntN(len(order))] = names[rng.IntN(len(names))]
				if rng.IntN(2) == 0 {
					order = order[:1+rng.IntN(len(order))]
				} else {
					order = append(order, names[rng.IntN(len(names))])
				}
			}
			for k, name := range order {
				if rng.IntN(3) == 0 {
					name = strings.Clone(name)
				}
				want, ok := index[name]
				if !ok {
					want = -1
				}
				if got := c.find(k, name); got != want {
					t.Fatalf("row %d, question %d, %q: cell %d, want %d", row, k, name, got, want)
				}
			}
		}
	}
}
