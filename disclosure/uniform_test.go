package disclosure

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestUniformTablesSurviveMemo: the tables a publication names as uniform
// (the contract's "uniform" list, where ".." hides any count from 1 up)
// are the same for the protection as computed and for the copy that
// SuppressStats hands out, which the memo decodes from JSON. The persons
// with a form and with several forms were once lost on the way (their
// table is not exported), so a ".." hiding 1 in multi_form_persons was
// published as meaning at least k. At k = 2 every table is uniform.
func TestUniformTablesSurviveMemo(t *testing.T) {
	for run := range 3 {
		r := rand.New(rand.NewPCG(uint64(run), 97))
		s := seedStats()
		s.PresumedNotIdentified = randomPresumed(r, []int{0, 4, 12}[run%3])
		for _, k := range []int{2, 3} {
			t.Run(fmt.Sprintf("%d-k%d", run, k), func(t *testing.T) {
				fresh, _ := publish(s, k, nil)
				want := fresh.UniformTables()
				got := SuppressStats(s, k).UniformTables()
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("uniform tables after the memo %v, as protected %v", got, want)
				}
				if k == 2 && !slices.Contains(got, "exploitation_persons") {
					t.Fatalf("k = 2 shows every hidden number as %q, but exploitation_persons is not named uniform: %v", Confidential, got)
				}
				if fresh.exploitationPersons.Uniform != slices.Contains(got, "exploitation_persons") {
					t.Fatalf("exploitation_persons uniform=%v, named %v", fresh.exploitationPersons.Uniform, got)
				}
			})
		}
	}
}
