package auditcheck_test

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// dataset is one synthetic database: nrm gen's options and the year
// published.
type dataset struct {
	cases    int
	seed     int
	from, to int
	year     int
}

func (d dataset) name() string {
	return fmt.Sprintf("n%d-s%d-%d-%d-y%d", d.cases, d.seed, d.from, d.to, d.year)
}

// datasets are the property test's inputs: 20 ordinary ones of 200–3000
// cases over varied years and seeds, and tiny ones (5–40 cases) where
// small cells dominate.
func datasets() []dataset {
	var out []dataset
	sizes := []int{200, 350, 500, 800, 1200, 1600, 2000, 2500, 3000, 600}
	spans := [][2]int{{2007, 2012}, {2009, 2011}, {2010, 2014}, {2005, 2008}, {2012, 2013}}
	for i := 0; i < 20; i++ {
		span := spans[i%len(spans)]
		year := span[0] + 1 + i%(span[1]-span[0])
		out = append(out, dataset{cases: sizes[i%len(sizes)], seed: 101 + 37*i, from: span[0], to: span[1], year: year})
	}
	for i, n := range []int{5, 9, 14, 20, 28, 40} {
		out = append(out, dataset{cases: n, seed: 7 + i, from: 2010, to: 2011, year: 2011})
	}
	return out
}

// TestRandomPublicationsPass: for every synthetic dataset the published
// edition (contract, Eurostat tables, federation bundle) passes the
// checker, and the checker's ranges hold the true figures.
func TestRandomPublicationsPass(t *testing.T) {
	needChecker(t)
	key := signingKey(t)
	root := t.TempDir()
	sets := datasets()
	pubs := make([]publication, len(sets))
	errs := make([]error, len(sets))
	// Two at a time: generation and import are the slow part.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, d := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			dir := filepath.Join(root, d.name())
			db := filepath.Join(dir, "nrm.db")
			if _, err := nrmErr("gen", "--cases", strconv.Itoa(d.cases), "--seed", strconv.Itoa(d.seed),
				"--years", fmt.Sprintf("%d-%d", d.from, d.to), "--out", filepath.Join(dir, "bundle")); err != nil {
				errs[i] = err
				return
			}
			if _, err := nrmErr("--db", db, "import", filepath.Join(dir, "bundle")); err != nil {
				errs[i] = err
				return
			}
			pubs[i], errs[i] = publish(db, filepath.Join(dir, "pub"), key, d.year)
		}()
	}
	wg.Wait()
	var dirs []string
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", sets[i].name(), err)
		}
		dirs = append(dirs, pubs[i].dir)
	}
	results := auditMany(t, dirs)
	for i, d := range sets {
		t.Run(d.name(), func(t *testing.T) {
			r, ok := results[pubs[i].dir]
			if !ok {
				t.Fatal("no checker result")
			}
			internal := readJSON(t, pubs[i].path("internal.json"))
			checkSound(t, r, internal)
			for _, f := range checkRegionsAndCountries(readJSON(t, pubs[i].path("published.json")), internal) {
				t.Error(f)
			}
			for _, u := range r.Unplaced {
				if strings.HasPrefix(u, "eurostat") {
					t.Errorf("the checker could not place a Eurostat table or row: %s", u)
				}
			}
			if r.Eurostat == nil || len(r.Eurostat.Observed) == 0 {
				t.Error("the checker observed no Eurostat cell")
			}
			if !r.OK {
				t.Errorf("the audit fails:%s", report(r))
			}
		})
	}
}
