package bundle_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"nrm/bundle"
	"nrm/gen"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// lastWay records whether the imports of a test were streamed.
func lastWay(t *testing.T) *[]bool {
	var ways []bool
	t.Cleanup(bundle.ObserveStream(func(s bool) { ways = append(ways, s) }))
	return &ways
}

// shuffled returns files with the data rows of the named files in a
// random order (headers stay first).
func shuffled(files map[string]string, seed uint64, names ...string) map[string]string {
	r := rand.New(rand.NewPCG(seed, 7))
	out := map[string]string{}
	for n, body := range files {
		out[n] = body
	}
	for _, n := range names {
		lines := strings.Split(strings.TrimSuffix(files[n], "\n"), "\n")
		rows := lines[1:]
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		out[n] = strings.Join(lines, "\n") + "\n"
	}
	return out
}

// moveFirstRowLast moves the first data row of a file to its end: the
// file is in order but for one row, found only at the end of the merge.
func moveFirstRowLast(files map[string]string, name string) map[string]string {
	out := map[string]string{}
	for n, body := range files {
		out[n] = body
	}
	lines := strings.Split(strings.TrimSuffix(files[name], "\n"), "\n")
	lines = append(append([]string{lines[0]}, lines[2:]...), lines[1])
	out[name] = strings.Join(lines, "\n") + "\n"
	return out
}

// A generated bundle imports streamed; the same rows in another order
// import the checked way; both give the same database (its export, byte
// for byte, and its statistics), on both engines, for several datasets.
func TestStreamedImportEqualsChecked(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		dir := t.TempDir()
		if _, err := gen.WriteDir(dir, gen.Options{Cases: 1200, FromYear: 2009, ToYear: 2012, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		files := readDir(t, dir)
		variants := []map[string]string{
			shuffled(files, seed, "cases.csv", "accommodations.csv", "exits.csv"),
			shuffled(files, seed, "exits.csv"),
			moveFirstRowLast(files, "accommodations.csv"),
		}
		for _, engine := range sqltest.Engines() {
			ways := lastWay(t)
			want := sqltest.MustOpenDB(t, engine)
			res, err := importDir(t, want, dir)
			if err != nil || res.Created != 1200 {
				t.Fatalf("%s seed %d: streamed import: %+v %v", engine, seed, res, err)
			}
			if !slices.Equal(*ways, []bool{true}) {
				t.Fatalf("%s seed %d: a generated bundle was not streamed: %v", engine, seed, *ways)
			}
			wantFiles, wantStats := exportDir(t, want), statsJSON(t, want, 2011)
			for i, v := range variants {
				*ways = nil
				db := sqltest.MustOpenDB(t, engine)
				res, err := importDir(t, db, writeBundle(t, v))
				if err != nil || res.Created != 1200 {
					t.Fatalf("%s seed %d variant %d: %+v %v", engine, seed, i, res, err)
				}
				if !slices.Equal(*ways, []bool{false}) {
					t.Fatalf("%s seed %d variant %d: rows out of order were streamed: %v", engine, seed, i, *ways)
				}
				sameFiles(t, "variant export", exportDir(t, db), wantFiles)
				if got := statsJSON(t, db, 2011); got != wantStats {
					t.Fatalf("%s seed %d variant %d: statistics differ:\n%s\n%s", engine, seed, i, got, wantStats)
				}
				// Re-imported in order, the bundle changes nothing.
				*ways = nil
				res, err = importDir(t, db, dir)
				if err != nil || res.Unchanged != 1200 || res.Created+res.Updated != 0 || !slices.Equal(*ways, []bool{true}) {
					t.Fatalf("%s seed %d variant %d: re-import %+v %v %v", engine, seed, i, res, err, *ways)
				}
			}
		}
	}
}

// A bundle in order but with a problem is not imported streamed: the
// problems are listed exactly as the whole check lists them, and nothing
// is written.
func TestStreamedImportProblemsListedAsChecked(t *testing.T) {
	base := good()
	with := func(name, body string) map[string]string {
		f := map[string]string{}
		for n, b := range base {
			f[n] = b
		}
		f[name] = body
		return f
	}
	cases := map[string]map[string]string{
		"duplicate reference":          with("cases.csv", casesCSV+strings.SplitAfter(casesCSV, "\n")[4]),
		"repeated reference in order":  with("cases.csv", strings.Replace(casesCSV, "A-2,", "A-1,", 1)),
		"exit before first contact":    with("exits.csv", "case_ref,date,kind\nA-2,2011-02-01,self_return\n"),
		"unknown reference at the end": with("accommodations.csv", accCSV+"Z-9,crisis_shelter,,2011-01-01,\n"),
		"unknown reference between":    with("exits.csv", "case_ref,date,kind\nA-2,2011-12-02,self_return\nA-20,2011-12-02,self_return\nA-3,2012-02-01,prepared_return\n"),
		"bad cell in a side file":      with("exits.csv", "case_ref,date,kind\nA-2,2011-12-02,home\n"),
		"bad cell in cases":            with("cases.csv", strings.Replace(casesCSV, "transgender", "robot", 1)),
	}
	for _, engine := range sqltest.Engines() {
		for name, files := range cases {
			db := sqltest.MustOpenDB(t, engine)
			dir := writeBundle(t, files)
			src, err := bundle.OpenPath(dir)
			if err != nil {
				t.Fatal(err)
			}
			want := bundle.Check(src, bundle.Options{})
			if want == nil {
				t.Fatalf("%s: the check finds no problem", name)
			}
			ways := lastWay(t)
			_, err = importDir(t, db, dir)
			if err == nil || err.Error() != want.Error() {
				t.Fatalf("%s %s: import error\n%v\nwant the check's\n%v", engine, name, err, want)
			}
			if !slices.Equal(*ways, []bool{false}) {
				t.Fatalf("%s %s: ways %v", engine, name, *ways)
			}
			if n := countCases(t, db); n != 0 {
				t.Fatalf("%s %s: %d cases written", engine, name, n)
			}
		}
	}
}

func countCases(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM cases").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
