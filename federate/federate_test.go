package federate_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/bundle"
	"nrm/demo"
	"nrm/federate"
	"nrm/gen"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

var admin = nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "admin", Role: nrm.RoleAdmin, Org: "CMM"})

// demoStats is Denmark's 2011 from the demo bundle, and the database.
func demoStats(t *testing.T) (*nrm.Stats, *sqlstore.DB) {
	t.Helper()
	db := sqltest.MustOpenDB(t, "sqlite")
	sub, err := fs.Sub(demo.Bundle, "bundle")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.Import(admin, bundle.FS(sub), db, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

// synthStats is a synthetic country's 2011.
func synthStats(t *testing.T, n int) *nrm.Stats {
	t.Helper()
	db := sqltest.MustOpenDB(t, "sqlite")
	dir := t.TempDir()
	if _, err := gen.WriteDir(dir, gen.Options{Cases: n, FromYear: 2009, ToYear: 2012, Seed: 9, Today: nrm.MustDate("2013-06-01")}); err != nil {
		t.Fatal(err)
	}
	src := must(bundle.OpenPath(dir))(t)
	if _, err := bundle.Import(admin, src, db, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func keyAndTrust(t *testing.T, codes ...string) (map[string]ed25519.PrivateKey, federate.Trust) {
	t.Helper()
	keys := map[string]ed25519.PrivateKey{}
	var trust strings.Builder
	for _, c := range codes {
		k, err := federate.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[c] = k
		fmt.Fprintf(&trust, "%s %s\n", c, federate.FormatPublicKey(k.Public().(ed25519.PublicKey)))
	}
	tr, err := federate.ParseTrust(strings.NewReader("# hub trust\n\n" + trust.String()))
	if err != nil {
		t.Fatal(err)
	}
	return keys, tr
}

func TestTamperingBreaksTheSignature(t *testing.T) {
	s, _ := demoStats(t)
	keys, trust := keyAndTrust(t, "DK", "SE")
	b, err := federate.Build(s, "DK", 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	signed, err := federate.Sign(b, keys["DK"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := federate.Verify(signed, trust); err != nil {
		t.Fatalf("a genuine bundle: %v", err)
	}
	for name, tamper := range map[string]func([]byte) []byte{
		"a count": func(d []byte) []byte { return bytes.Replace(d, []byte(`51`), []byte(`52`), 1) },
		"the country": func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"country": "DK"`), []byte(`"country": "SE"`), 1)
		},
		"a mark": func(d []byte) []byte { return bytes.Replace(d, []byte(`"<3"`), []byte(`1`), 1) },
		"the signature": func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"signature": "`), []byte(`"signature": "AA`), 1)
		},
		"the year":       func(d []byte) []byte { return bytes.Replace(d, []byte(`"year": 2011`), []byte(`"year": 2012`), 1) },
		"an added field": func(d []byte) []byte { return bytes.Replace(d, []byte(`"k": 3,`), []byte(`"k": 3, "x": 1,`), 1) },
	} {
		bad := tamper(signed)
		if bytes.Equal(bad, signed) {
			t.Fatalf("%s: tampering changed nothing", name)
		}
		if _, err := federate.Verify(bad, trust); err == nil {
			t.Errorf("tampered %s: accepted", name)
		}
	}
	// Re-indenting is not tampering.
	var compact bytes.Buffer
	if err := json.Compact(&compact, signed); err != nil {
		t.Fatal(err)
	}
	if _, err := federate.Verify(compact.Bytes(), trust); err != nil {
		t.Errorf("compacted bundle: %v", err)
	}
	// A key signs only for its own country; an unknown key not at all.
	b.Country = "SE"
	forged := must(federate.Sign(b, keys["DK"]))(t)
	if _, err := federate.Verify(forged, trust); err == nil || !strings.Contains(err.Error(), "trusted for DK") {
		t.Errorf("DK's key signing for SE: %v", err)
	}
	other := must(federate.GenerateKey())(t)
	stranger := must(federate.Sign(b, other))(t)
	if _, err := federate.Verify(stranger, trust); err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Errorf("untrusted key: %v", err)
	}
}

func TestMergedTotalsAreSums(t *testing.T) {
	dk, _ := demoStats(t)
	se := synthStats(t, 3000)
	keys, trust := keyAndTrust(t, "DK", "SE")
	for _, k := range []int{1, 3} {
		var bs []*federate.Bundle
		for _, c := range []struct {
			code string
			s    *nrm.Stats
		}{{"SE", se}, {"DK", dk}} {
			b, err := federate.Build(c.s, c.code, k, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			signed := must(federate.Sign(b, keys[c.code]))(t)
			v, err := federate.Verify(signed, trust)
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, v)
		}
		m, err := federate.Merge(bs)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(m.Countries, ",") != "DK,SE" {
			t.Fatalf("countries %v", m.Countries)
		}
		lines := 0
		check := func(table string, l federate.MergedLine) {
			lines++
			sum, hidden := 0, false
			for _, v := range l.Values {
				sum += v.Value
				hidden = hidden || v.Suppressed
			}
			if hidden != l.Total.Suppressed || (!hidden && l.Total.Value != sum) {
				t.Fatalf("k=%d %s %s: values %v, total %v", k, table, l.Label, l.Values, l.Total)
			}
			if k == 1 && hidden {
				t.Fatalf("k=1 suppressed %s %s", table, l.Label)
			}
		}
		for _, l := range m.Counts {
			check("counts", l)
			if l.Label == "identified" && l.Total.Value != dk.Identified.Total+se.Identified.Total {
				t.Fatalf("identified total %v, want %d", l.Total, dk.Identified.Total+se.Identified.Total)
			}
		}
		for _, tb := range m.Tables {
			for _, l := range tb.Lines {
				check(tb.Name, l)
			}
		}
		if k == 1 {
			// Without suppression every category adds up across countries.
			for _, tb := range m.Tables {
				if tb.Name != "by_gender" {
					continue
				}
				for _, l := range tb.Lines {
					if l.Total.Value != dk.ByGender[l.Label]+se.ByGender[l.Label] {
						t.Fatalf("by_gender %s: %v", l.Label, l.Total)
					}
				}
			}
		}
		if lines < 100 {
			t.Fatalf("only %d lines merged", lines)
		}
		var md strings.Builder
		if err := m.Markdown(&md); err != nil || !strings.Contains(md.String(), "| identified | 60 |") {
			t.Fatalf("markdown: %v\n%.500s", err, md.String())
		}
	}
	if _, err := federate.Merge([]*federate.Bundle{{Country: "DK", Year: 2011}, {Country: "DK", Year: 2011}}); err == nil {
		t.Fatal("two bundles of one country merged")
	}
	if _, err := federate.Merge([]*federate.Bundle{{Country: "DK", Year: 2011}, {Country: "SE", Year: 2012}}); err == nil {
		t.Fatal("bundles of two years merged")
	}
}

// TestBundleHoldsNoCaseData: of what the statistics hold, a bundle
// carries only aggregate tables and counts. The statistics do hold rows
// about single persons (the list of minors, with age, gender, region and
// forms); none of them may reach the bundle, whatever k is. The payload is
// read back generically: its shape (every path from the root to a value,
// array positions left out) is exactly the documented one, and no object
// in it carries the fields of a minor's row.
func TestBundleHoldsNoCaseData(t *testing.T) {
	_, db := demoStats(t)
	// Minors with identifiers (the report may list minors).
	for i := 0; i < 5; i++ {
		c := &nrm.Case{Ref: fmt.Sprintf("SECRETREF-%d", i), OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG",
			ResidenceStatus: nrm.ResidenceIrregular,
			Identifiers:     nrm.Identifiers{Name: "Victimname Hidden", BirthDate: nrm.MustDate("1996-04-13"), Phone: "+4599887766", Address: "Hemmeligvej 7"},
			Contacts:        []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice, Place: "Aarhus"}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
				Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}}}}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
	}
	s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011})
	if err != nil {
		t.Fatal(err)
	}
	if s.Minors.Count < 5 || len(s.Minors.Cases) != s.Minors.Count {
		t.Fatalf("minors %d, rows %d: the statistics must hold the rows the bundle leaves out", s.Minors.Count, len(s.Minors.Cases))
	}
	// The JSON keys of a minor's row, from the type itself, so that a
	// renamed field is still looked for.
	var minorKeys []string
	mt := reflect.TypeOf(nrm.MinorCase{})
	for i := range mt.NumField() {
		minorKeys = append(minorKeys, strings.Split(mt.Field(i).Tag.Get("json"), ",")[0])
	}
	wantShape := []string{
		"counts[].name", "counts[].value", "country", "cutoff", "format", "generated_at", "k",
		"prosecution.charges", "prosecution.convictions_partly_suspended", "prosecution.convictions_total",
		"prosecution.convictions_unconditional", "prosecution.cutoff_date", "prosecution.decisions", "prosecution.note", "prosecution.reported",
		"tables[].cells[][]", "tables[].col_set", "tables[].col_totals[]", "tables[].cols[]", "tables[].grand_total", "tables[].name",
		"tables[].row_set", "tables[].row_totals[]", "tables[].rows[]", "tables[].uniform", "year",
	}
	// Totals, display flags and the police's row appear only where the
	// data have them.
	optional := func(p string) bool {
		return strings.HasPrefix(p, "prosecution.") || strings.Contains(p, "totals") || p == "tables[].grand_total" ||
			p == "tables[].uniform" || strings.HasSuffix(p, "_set")
	}
	keys, _ := keyAndTrust(t, "DK")
	for _, k := range []int{1, 3} {
		b, err := federate.Build(s, "DK", k, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		data, err := federate.Sign(b, keys["DK"])
		if err != nil {
			t.Fatal(err)
		}
		var signed struct{ Payload any }
		if err := json.Unmarshal(data, &signed); err != nil {
			t.Fatal(err)
		}
		shape := map[string]bool{}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				var have []string
				for key, child := range x {
					if slices.Contains(minorKeys, key) {
						have = append(have, key)
					}
					p := key
					if path != "" {
						p = path + "." + key
					}
					walk(p, child)
				}
				if len(have) >= 2 {
					t.Errorf("k=%d: an object at %s has the fields %v of a person's row", k, path, have)
				}
			case []any:
				for _, child := range x {
					walk(path+"[]", child)
				}
			default:
				shape[path] = true
			}
		}
		walk("", signed.Payload)
		for _, p := range wantShape {
			if !shape[p] && !optional(p) {
				t.Errorf("k=%d: the bundle lacks %s", k, p)
			}
		}
		for p := range shape {
			if !slices.Contains(wantShape, p) {
				t.Errorf("k=%d: the bundle holds %s, which is not part of its format", k, p)
			}
		}
		// The minors are one count, never a list.
		var minors []any
		for _, c := range b.Counts {
			if c.Name == "minors" {
				minors = append(minors, c)
			}
		}
		if len(minors) != 1 {
			t.Fatalf("k=%d: %d minors counts", k, len(minors))
		}
		for _, tb := range b.Tables {
			if strings.Contains(strings.ToLower(tb.Name), "minor") {
				t.Errorf("k=%d: table %s", k, tb.Name)
			}
		}
	}
}
