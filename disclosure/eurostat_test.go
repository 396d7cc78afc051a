package disclosure

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"nrm"
)

// randomPresumed adds up to n presumed victims not identified, with
// random gender, age group, nationality and forms (none for some).
func randomPresumed(r *rand.Rand, n int) nrm.PresumedVictims {
	p := nrm.PresumedVictims{ByGender: map[string]int{}, ByAgeGroup: map[string]int{}, ByNationality: map[string]int{},
		ByExploitationGender: map[string]map[string]int{}}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	for range r.IntN(n + 1) {
		g := pick("female", "female", "male", "transgender", "unknown")
		p.Total++
		p.ByGender[g]++
		p.ByAgeGroup[pick(nrm.AgeGroupChild, nrm.AgeGroupAdult, nrm.AgeGroupAdult, nrm.AgeGroupUnknown)]++
		p.ByNationality[pick("DK", "RO", "NG", "TH", "unknown")]++
		forms := map[string]bool{}
		for range r.IntN(3) {
			forms[pick("sexual", "forced_labour", "forced_criminality", "begging")] = true
		}
		if len(forms) == 0 {
			forms["unknown"] = true
		}
		for f := range forms {
			if p.ByExploitationGender[f] == nil {
				p.ByExploitationGender[f] = map[string]int{}
			}
			p.ByExploitationGender[f][g]++
		}
	}
	return p
}

// TestEurostatRegisteredNotRecoverable: with random presumed victims added
// to the seed's year, no hidden number of the linked system — the
// report's cells, the registered cells of the Eurostat tables and the
// presumed parts in between — can be derived by the audit, no registered
// cell from 1 to k-1 is shown, and every shown registered cell is the
// identified plus the presumed count.
func TestEurostatRegisteredNotRecoverable(t *testing.T) {
	runs := 12
	if testing.Short() {
		runs = 4
	}
	for run := range runs {
		r := rand.New(rand.NewPCG(uint64(run), 41))
		s := seedStats()
		s.PresumedNotIdentified = randomPresumed(r, []int{2, 6, 15}[run%3])
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			k := 3
			p, groups := publish(s, k, nil)
			for _, g := range groups {
				if rec := RecoverableLinked(g.ms, g.links); len(rec) > 0 {
					var names []string
					for _, x := range rec {
						v, _ := g.ms[x.Table].raw(x.Row, x.Col)
						names = append(names, fmt.Sprintf("%s(%d,%d)=%d uniform=%v", g.ms[x.Table].Name, x.Row, x.Col, v, g.ms[x.Table].Uniform))
					}
					t.Fatalf("presumed %+v: recoverable %v", s.PresumedNotIdentified, names)
				}
			}
			sexOf := map[string]string{"female": LabelFemale, "male": LabelMale, "transgender": LabelUnknown, "unknown": LabelUnknown}
			want := map[string]int{}
			for g, n := range s.ByGender {
				want[sexOf[g]] += n
			}
			for g, n := range s.PresumedNotIdentified.ByGender {
				want[sexOf[g]] += n
			}
			m := p.EurostatSex
			for i, lab := range m.RowLabels {
				v, sup := m.raw(i, 0)
				if v != want[lab] {
					t.Fatalf("registered %s = %d, want %d", lab, v, want[lab])
				}
				if !sup && v >= 1 && v < k {
					t.Fatalf("registered %s = %d shown", lab, v)
				}
			}
			if v, _ := m.raw(m.Rows(), 0); v != s.Identified.Total+s.PresumedNotIdentified.Total {
				t.Fatalf("registered total %d, want %d + %d", v, s.Identified.Total, s.PresumedNotIdentified.Total)
			}
			for _, mm := range []Masked{p.EurostatAge, p.EurostatCitizenship, p.EurostatExploitation} {
				for i := 0; i <= mm.Rows(); i++ {
					for j := 0; j <= mm.Cols(); j++ {
						if !mm.Exists(i, j) {
							continue
						}
						if v, sup := mm.raw(i, j); !sup && v >= 1 && v < k {
							t.Fatalf("%s (%d,%d) = %d shown", mm.Name, i, j, v)
						}
					}
				}
			}
		})
	}
}
