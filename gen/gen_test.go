package gen_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/gen"
)

var opt = gen.Options{Cases: 3000, FromYear: 2007, ToYear: 2012, Seed: 7, Today: nrm.MustDate("2013-06-01")}

func TestGeneratedBundlePassesCheck(t *testing.T) {
	dir := t.TempDir()
	s, err := gen.WriteDir(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cases != opt.Cases || s.Prosecutions != 6 {
		t.Fatalf("summary %+v", s)
	}
	src, err := bundle.OpenPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.Check(src, bundle.Options{Today: opt.Today}); err != nil {
		t.Fatalf("generated bundle does not pass the check:\n%v", err)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	write := func(o gen.Options) [4][]byte {
		var b [4]bytes.Buffer
		if _, err := gen.Write(o, &b[0], &b[1], &b[2], &b[3]); err != nil {
			t.Fatal(err)
		}
		return [4][]byte{b[0].Bytes(), b[1].Bytes(), b[2].Bytes(), b[3].Bytes()}
	}
	a, b := write(opt), write(opt)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("file %d differs between two runs with the same seed", i)
		}
	}
	o := opt
	o.Seed++
	if c := write(o); bytes.Equal(a[0], c[0]) {
		t.Fatal("a different seed gave the same cases")
	}
}

func TestDistributionsLikeTheSeed(t *testing.T) {
	var cases, accs, exits, pros bytes.Buffer
	o := opt
	o.Cases = 20000
	if _, err := gen.Write(o, &cases, &accs, &exits, &pros); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cases).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	share := func(column, value string) float64 {
		n := 0
		for _, r := range rows[1:] {
			if r[col[column]] == value {
				n++
			}
		}
		return float64(n) / float64(len(rows)-1)
	}
	for _, c := range []struct {
		column, value string
		lo, hi        float64
	}{
		{"nationality", "NG", 0.27, 0.33}, {"nationality", "TH", 0.15, 0.21}, {"contact_form", "police", 0.68, 0.80},
		{"gender", "female", 0.85, 0.97}, {"exploitation", "sexual", 0.78, 0.92}, {"assessment_outcome", "identified", 0.87, 0.93},
		{"assessment_authority", "US", 0.80, 0.90},
	} {
		if s := share(c.column, c.value); s < c.lo || s > c.hi {
			t.Errorf("%s = %s: share %.3f, want %.2f–%.2f", c.column, c.value, s, c.lo, c.hi)
		}
	}
	nats := map[string]bool{}
	for _, r := range rows[1:] {
		nats[r[col["nationality"]]] = true
	}
	if len(nats) < 40 {
		t.Errorf("only %d nationalities", len(nats))
	}
	if stays := bytes.Count(accs.Bytes(), []byte("\n")) - 1; stays < o.Cases*6/10 {
		t.Errorf("only %d stays for %d cases", stays, o.Cases)
	}
	if open := bytes.Count(accs.Bytes(), []byte(",\n")); open == 0 {
		t.Error("no open stay")
	}
}
