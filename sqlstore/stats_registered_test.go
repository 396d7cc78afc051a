package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"nrm"
	"nrm/intlexport"
	"nrm/refdata"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// Eurostat's registered victims = identified + presumed, counted by hand:
// the test writes random cases, then walks them with its own loop (the
// rules as design.md and the glossary state them, written apart from the
// SQL) and compares both the presumed_not_identified key and the exact
// Eurostat files (k = 1) with its counts.

// randomRegistered builds n cases with preliminary and final assessments
// of every outcome, ties of dates, forms or none on preliminary
// assessments, unknown nationalities and birth years, and minors.
func randomRegistered(r *rand.Rand, n int) []*nrm.Case {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	formsAll := []nrm.ExploitationForm{"sexual", "forced_labour", "forced_criminality", "begging"}
	var out []*nrm.Case
	for i := range n {
		res := nrm.ResidenceStatus(pick("legal", "irregular", "asylum_seeker", "unknown"))
		c := &nrm.Case{Ref: fmt.Sprintf("r%04d", i), OwnerOrg: "CMM", Gender: nrm.Gender(pick("female", "female", "male", "transgender", "unknown")),
			Nationality: pick("", "DK", "RO", "GB", "HR", "NG", "TH"), ResidenceStatus: res}
		if r.IntN(6) > 0 {
			c.BirthYear = 1975 + r.IntN(25) // 1994–1999: minors in 2010–2012
		}
		first := day(r, mechStart, 900)
		c.Contacts = []nrm.Contact{{Date: first, Form: "police"}}
		var last nrm.Date
		for j := range r.IntN(3) {
			d := day(r, first, 700)
			if j > 0 && r.IntN(4) == 0 {
				d = last
			}
			last = d
			a := nrm.Assessment{Date: d, Authority: nrm.Authority(pick("US", "CMM")),
				Outcome: nrm.Outcome(pick("identified", "identified", "not_identified", "pending")),
				Stage:   nrm.AssessmentStage(pick("", "final", "preliminary", "preliminary", "preliminary", "preliminary"))}
			if a.Stage == nrm.StagePreliminary && r.IntN(3) > 0 {
				a.Outcome = nrm.OutcomeIdentified
			}
			if want := nrm.AuthorityFor(res); want != "" && want != a.Authority {
				a.OverrideReason = "test"
			}
			if a.Outcome == nrm.OutcomeIdentified {
				for _, f := range formsAll {
					if r.IntN(3) == 0 {
						a.Exploitation = append(a.Exploitation, f)
					}
				}
				if len(a.Exploitation) == 0 && (a.IsFinal() || r.IntN(2) == 0) {
					a.Exploitation = []nrm.ExploitationForm{formsAll[r.IntN(len(formsAll))]}
				}
			}
			c.Assessments = append(c.Assessments, a)
		}
		out = append(out, c)
	}
	return out
}

// registeredCount is the hand count of one year's registered victims in
// Eurostat's categories.
type registeredCount struct {
	presumed nrm.PresumedVictims
	cells    map[string]int // "table:code,sex" as in the SDMX files
}

// countRegistered walks the cases: identified in Y = the first final
// identification (by date, then list order) dated in Y and not after the
// cut-off; presumed and not identified = the first positive preliminary
// assessment dated in Y (not after the cut-off) and no final
// identification dated on or before the cut-off.
func countRegistered(cases []*nrm.Case, year int, cutoff nrm.Date) registeredCount {
	y0, y1 := nrm.NewDate(year, time.January, 1), nrm.NewDate(year, time.December, 31)
	if cutoff.Before(y1) {
		y1 = cutoff
	}
	in := func(d nrm.Date) bool { return !d.Before(y0) && !d.After(y1) }
	rc := registeredCount{cells: map[string]int{}, presumed: nrm.PresumedVictims{ByGender: map[string]int{}, ByAgeGroup: map[string]int{},
		ByNationality: map[string]int{}, ByExploitationGender: map[string]map[string]int{}}}
	otherEU, nonEU := "EU27_2007_FOR", "NEU27_2007_FOR"
	if year >= 2013 {
		otherEU, nonEU = "EU28_FOR", "NEU28_FOR"
	}
	sexOf := map[nrm.Gender]string{"female": "F", "male": "M"}
	for _, c := range cases {
		firstOf := func(ok func(a nrm.Assessment) bool) (nrm.Assessment, bool) {
			var best nrm.Assessment
			found := false
			for _, a := range c.Assessments { // list order breaks ties
				if ok(a) && (!found || a.Date.Before(best.Date)) {
					best, found = a, true
				}
			}
			return best, found
		}
		final := func(a nrm.Assessment) bool { return a.Stage != nrm.StagePreliminary }
		ident, isIdent := firstOf(func(a nrm.Assessment) bool { return final(a) && a.Outcome == nrm.OutcomeIdentified })
		prelim, isPrelim := firstOf(func(a nrm.Assessment) bool { return !final(a) && a.Outcome == nrm.OutcomeIdentified })
		var a nrm.Assessment
		switch {
		case isIdent && in(ident.Date):
			a = ident
		case isPrelim && in(prelim.Date) && (!isIdent || ident.Date.After(cutoff)):
			a = prelim
			p := &rc.presumed
			p.Total++
			p.ByGender[string(c.Gender)]++
			group := nrm.AgeGroupUnknown
			if c.BirthYear > 0 {
				group = nrm.AgeGroupAdult
				if age, _ := c.AgeAt(a.Date); age < 18 {
					group = nrm.AgeGroupChild
				}
			}
			p.ByAgeGroup[group]++
			nat := c.Nationality
			if nat == "" {
				nat = "unknown"
			}
			p.ByNationality[nat]++
			forms := a.Exploitation
			if len(forms) == 0 {
				forms = []nrm.ExploitationForm{"unknown"}
			}
			for _, f := range forms {
				if p.ByExploitationGender[string(f)] == nil {
					p.ByExploitationGender[string(f)] = map[string]int{}
				}
				p.ByExploitationGender[string(f)][string(c.Gender)]++
			}
		default:
			continue
		}
		sex := sexOf[c.Gender]
		if sex == "" {
			sex = "UNK"
		}
		rc.cells["crim_thb_vage:TOTAL,"+sex]++
		rc.cells["crim_thb_vage:TOTAL,T"]++
		age := "UNK"
		if n, ok := c.AgeAt(a.Date); ok {
			age = "Y_GE18"
			if n < 18 {
				age = "Y_LT18"
			}
		}
		rc.cells["crim_thb_vage:"+age+",T"]++
		ctz := "UNK"
		switch {
		case c.Nationality == "":
		case c.Nationality == "DK":
			ctz = "NAT"
		case refdata.IsEU(c.Nationality, year):
			ctz = otherEU
		default:
			ctz = nonEU
		}
		rc.cells["crim_thb_vctz:"+ctz+",T"]++
		rc.cells["crim_thb_vctz:TOTAL,T"]++
		// A person counts once in each of nrm's forms, so twice in OTH
		// with two of the forms it groups (as the national statistics
		// count forms), and in UNK without a form.
		var expl []string
		for _, f := range a.Exploitation {
			switch f {
			case "sexual":
				expl = append(expl, "SEX")
			case "forced_labour":
				expl = append(expl, "LAB")
			default:
				expl = append(expl, "OTH")
			}
		}
		if len(expl) == 0 {
			expl = []string{"UNK"}
		}
		for _, e := range expl {
			rc.cells["crim_thb_vexp:"+e+","+sex]++
			rc.cells["crim_thb_vexp:"+e+",T"]++
		}
	}
	return rc
}

// sdmxCells reads the victims' observations of the SDMX tables.
func sdmxCells(t *testing.T, ts []intlexport.Table) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range ts {
		if tb.Code == "crim_thb_lstat" {
			continue
		}
		for _, r := range tb.Rows {
			n, err := strconv.Atoi(r[len(r)-2])
			if err != nil {
				t.Fatalf("%s %v: %v", tb.Code, r, err)
			}
			if n != 0 {
				out[tb.Code+":"+r[3]+","+r[4]] = n
			}
		}
	}
	return out
}

// nonZero drops the zeros of a presumed breakdown for comparison.
func nonZero(p nrm.PresumedVictims) nrm.PresumedVictims {
	clean := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if v != 0 {
				out[k] = v
			}
		}
		return out
	}
	out := nrm.PresumedVictims{Total: p.Total, ByGender: clean(p.ByGender), ByAgeGroup: clean(p.ByAgeGroup),
		ByNationality: clean(p.ByNationality), ByExploitationGender: map[string]map[string]int{}}
	for f, m := range p.ByExploitationGender {
		if c := clean(m); len(c) > 0 {
			out.ByExploitationGender[f] = c
		}
	}
	return out
}

// TestRegisteredVictimsHandCounted: on SQLite and PostgreSQL, for random
// data sets, years and cut-offs, the presumed victims not identified and
// the exact Eurostat files equal the hand count; each person counts once
// (the sex table's total is the identified plus the presumed not
// identified).
func TestRegisteredVictimsHandCounted(t *testing.T) {
	presumedSeen, childSeen, unknownFormSeen := 0, 0, 0
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		// Each run adds cases to the same database; the hand count walks
		// them all.
		var cases []*nrm.Case
		for run := range 4 {
			r := rand.New(rand.NewPCG(uint64(run), 14))
			for _, c := range randomRegistered(r, 60+r.IntN(120)) {
				c.Ref = fmt.Sprintf("%d-%s", run, c.Ref)
				if err := db.CreateCase(admin, c); err != nil {
					t.Fatalf("%s: %v", c.Ref, err)
				}
				cases = append(cases, c)
			}
			for _, year := range []int{2009, 2010, 2011, 2012} {
				for _, cutoff := range []nrm.Date{nrm.DefaultCutoff(year), day(r, nrm.NewDate(year, 1, 1), 500)} {
					s, err := db.Statistics(admin, nrm.StatsQuery{Year: year, Cutoff: cutoff})
					if err != nil {
						t.Fatal(err)
					}
					want := countRegistered(cases, year, cutoff)
					if got := nonZero(s.PresumedNotIdentified); !reflect.DeepEqual(got, nonZero(want.presumed)) {
						t.Fatalf("run %d, %d, cut-off %s: presumed not identified\n got %s\nwant %s", run, year, cutoff, dump(got), dump(nonZero(want.presumed)))
					}
					got := sdmxCells(t, intlexport.SDMXTables(s, 1))
					if !reflect.DeepEqual(got, want.cells) {
						t.Fatalf("run %d, %d, cut-off %s: Eurostat files\n got %v\nwant %v", run, year, cutoff, got, want.cells)
					}
					if got["crim_thb_vage:TOTAL,T"] != s.Identified.Total+s.PresumedNotIdentified.Total {
						t.Fatalf("registered %d ≠ identified %d + presumed %d", got["crim_thb_vage:TOTAL,T"], s.Identified.Total, s.PresumedNotIdentified.Total)
					}
					presumedSeen += want.presumed.Total
					childSeen += want.presumed.ByAgeGroup[nrm.AgeGroupChild]
					unknownFormSeen += slices.Max([]int{0, want.cells["crim_thb_vexp:UNK,T"]})
				}
			}
		}
	})
	if presumedSeen == 0 || childSeen == 0 || unknownFormSeen == 0 {
		t.Fatalf("the data sets exercised too little: presumed %d, children %d, unknown form %d", presumedSeen, childSeen, unknownFormSeen)
	}
	t.Logf("exercised: presumed not identified %d, of them children %d, registered without a form %d", presumedSeen, childSeen, unknownFormSeen)
}
