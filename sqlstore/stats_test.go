package sqlstore_test

import (
	"encoding/json"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// caseSpec builds a small case for statistics tests.
type caseSpec struct {
	ref, gender, nat, birth string
	birthYear               int
	contact                 string
	form                    nrm.ContactForm
	assessed                string
	auth                    nrm.Authority
	outcome                 nrm.Outcome
	forms                   []nrm.ExploitationForm
	sector                  nrm.LabourSector
	stays                   []nrm.Accommodation
	exits                   []nrm.Exit
	extra                   []nrm.Assessment
}

func (s caseSpec) build() *nrm.Case {
	res := nrm.ResidenceIrregular
	if s.auth == nrm.AuthorityCMM {
		res = nrm.ResidenceLegal
	}
	c := &nrm.Case{Ref: s.ref, OwnerOrg: "CMM", Gender: nrm.Gender(s.gender), Nationality: s.nat, ResidenceStatus: res, BirthYear: s.birthYear}
	if s.birth != "" {
		c.Identifiers.BirthDate = nrm.MustDate(s.birth)
	}
	if s.contact == "" {
		s.contact = s.assessed
	}
	if s.form == "" {
		s.form = nrm.ContactPolice
	}
	c.Contacts = []nrm.Contact{{Date: nrm.MustDate(s.contact), Form: s.form}}
	if s.outcome == "" {
		s.outcome = nrm.OutcomeIdentified
	}
	if s.forms == nil && s.outcome == nrm.OutcomeIdentified {
		s.forms = []nrm.ExploitationForm{nrm.ExploitationSexual}
	}
	c.Assessments = append([]nrm.Assessment{{Date: nrm.MustDate(s.assessed), Authority: s.auth, Outcome: s.outcome,
		Exploitation: s.forms, LabourSector: s.sector}}, s.extra...)
	c.Accommodations = s.stays
	c.Exits = s.exits
	return c
}

func stay(kind nrm.AccommodationKind, start, end string) nrm.Accommodation {
	a := nrm.Accommodation{Kind: kind, Start: nrm.MustDate(start)}
	if end != "" {
		a.End = nrm.MustDate(end)
	}
	return a
}

func exit(date string, kind nrm.ExitKind) nrm.Exit {
	return nrm.Exit{Date: nrm.MustDate(date), Kind: kind}
}

func load(t *testing.T, db *sqlstore.DB, specs ...caseSpec) {
	t.Helper()
	for _, c := range []*nrm.Country{{Code: "NG", NameDA: "Nigeria", NameEN: "Nigeria", Region: nrm.RegionAfrica},
		{Code: "TH", NameDA: "Thailand", NameEN: "Thailand", Region: nrm.RegionAsia},
		{Code: "RO", NameDA: "Rumænien", NameEN: "Romania", Region: nrm.RegionEurope},
		{Code: "IQ", NameDA: "Irak", NameEN: "Iraq", Region: nrm.RegionMiddleEast}} {
		if err := db.UpsertCountry(admin, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range specs {
		if err := db.CreateCase(admin, s.build()); err != nil {
			t.Fatalf("%s: %v", s.ref, err)
		}
	}
}

func stats(t *testing.T, db *sqlstore.DB, year int, cutoff string) *nrm.Stats {
	t.Helper()
	q := nrm.StatsQuery{Year: year}
	if cutoff != "" {
		q.Cutoff = nrm.MustDate(cutoff)
	}
	s, err := db.Statistics(admin, q)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStatsIdentificationAndAuthority(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			caseSpec{ref: "a", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US"},
			caseSpec{ref: "b", gender: "female", nat: "TH", assessed: "2011-12-31", auth: "CMM"},
			// First identified in 2010, again in 2011: counts in 2010 only.
			caseSpec{ref: "c", gender: "male", nat: "RO", assessed: "2010-06-01", auth: "US",
				extra: []nrm.Assessment{{Date: nrm.MustDate("2011-02-01"), Authority: "US", Outcome: "identified", Exploitation: []nrm.ExploitationForm{"sexual"}}}},
			// Not identified and pending never count.
			caseSpec{ref: "d", gender: "female", nat: "NG", assessed: "2011-04-01", auth: "US", outcome: nrm.OutcomeNotIdentified},
			caseSpec{ref: "e", gender: "female", nat: "NG", assessed: "2011-04-01", auth: "US", outcome: nrm.OutcomePending},
			// Identified in 2012 (after the cut-off for 2011): not in 2011.
			caseSpec{ref: "f", gender: "female", nat: "NG", assessed: "2012-01-15", auth: "US"},
			// Pending in 2011, identified later in 2011: counts once.
			caseSpec{ref: "g", gender: "transgender", nat: "IQ", contact: "2010-12-01", assessed: "2011-01-20", auth: "US", outcome: nrm.OutcomePending,
				extra: []nrm.Assessment{{Date: nrm.MustDate("2011-05-20"), Authority: "US", Outcome: "identified", Exploitation: []nrm.ExploitationForm{"sexual"}}}},
		)
		s := stats(t, db, 2011, "")
		if s.Cutoff.String() != "2012-03-01" {
			t.Fatalf("default cutoff %s", s.Cutoff)
		}
		if s.Identified.Total != 3 || s.Identified.ByAuthority["US"] != 2 || s.Identified.ByAuthority["CMM"] != 1 {
			t.Fatalf("identified: %+v", s.Identified)
		}
		want := []nrm.YearAuthority{{Year: 2010, US: 1}, {Year: 2011, US: 2, CMM: 1}}
		if len(s.Identified.ByYearAuthority) != 2 || s.Identified.ByYearAuthority[0] != want[0] || s.Identified.ByYearAuthority[1] != want[1] {
			t.Fatalf("series: %+v", s.Identified.ByYearAuthority)
		}
		if s.ByGender["female"] != 2 || s.ByGender["transgender"] != 1 || s.ByGender["male"] != 0 {
			t.Fatalf("gender: %+v", s.ByGender)
		}
		if s.ByRegion["Middle East"] != 1 || s.ByRegion["Asia"] != 1 || s.ByRegion["Africa"] != 1 || s.ByRegion["Europe"] != 0 {
			t.Fatalf("region: %+v", s.ByRegion)
		}
		// RO only occurs in 2010 and still has a 0 key; NG counts once.
		if n, ok := s.ByNationality["RO"]; !ok || n != 0 || s.ByNationality["NG"] != 1 {
			t.Fatalf("nationality: %+v", s.ByNationality)
		}
		// A cut-off before the 2012 identification, for 2012, excludes it.
		if s12 := stats(t, db, 2012, "2012-01-10"); s12.Identified.Total != 0 {
			t.Fatalf("identified after cut-off counted: %d", s12.Identified.Total)
		}
		if s12 := stats(t, db, 2012, ""); s12.Identified.Total != 1 {
			t.Fatalf("2012: %d", s12.Identified.Total)
		}
	})
}

func TestStatsExploitationAndAge(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			// Two forms: counts once in each form, once as a person.
			caseSpec{ref: "a", gender: "female", nat: "NG", birth: "1991-03-01", assessed: "2011-03-01", auth: "US",
				forms: []nrm.ExploitationForm{"sexual", "forced_criminality"}},
			// Birthday on the assessment date: the year is completed.
			caseSpec{ref: "b", gender: "female", nat: "NG", birth: "1994-06-15", assessed: "2011-06-15", auth: "US",
				forms: []nrm.ExploitationForm{"forced_labour"}, sector: "domestic_work"},
			// The day before the 18th birthday: a minor of 17.
			caseSpec{ref: "c", gender: "female", nat: "NG", birth: "1993-06-16", assessed: "2011-06-15", auth: "US",
				form: nrm.ContactAsylumSystem, forms: []nrm.ExploitationForm{"forced_labour"}, sector: "cleaning"},
			// Birth year only: age counts from 1 July. 1990-07-01 → 2011-06-30 is 20.
			caseSpec{ref: "d", gender: "transgender", nat: "TH", birthYear: 1990, assessed: "2011-06-30", auth: "US"},
			// Unknown age.
			caseSpec{ref: "e", gender: "female", nat: "TH", assessed: "2011-08-01", auth: "US"},
		)
		s := stats(t, db, 2011, "")
		if s.ByExploitation["sexual"] != 3 || s.ByExploitation["forced_criminality"] != 1 || s.ByExploitation["forced_labour"] != 2 {
			t.Fatalf("forms: %+v", s.ByExploitation)
		}
		if s.ExploitationPersons != 5 || s.MultiFormPersons != 1 {
			t.Fatalf("persons %d multi %d", s.ExploitationPersons, s.MultiFormPersons)
		}
		if s.ByExploitationGender["sexual"]["transgender"] != 1 || s.ByExploitationGender["sexual"]["female"] != 2 {
			t.Fatalf("form×gender: %+v", s.ByExploitationGender)
		}
		if s.ForcedLabourSectors["domestic_work"] != 1 || s.ForcedLabourSectors["cleaning"] != 1 || s.ForcedLabourSectors["agriculture"] != 0 {
			t.Fatalf("sectors: %+v", s.ForcedLabourSectors)
		}
		// Ages: 20, 17, 17, 20 known (a: 1991-03-01→2011-03-01 = 20).
		if *s.Age.Min != 17 || *s.Age.Max != 20 || *s.Age.Mean != 18.5 || s.Age.Known != 4 || s.Age.Unknown != 1 {
			t.Fatalf("age: min %v max %v mean %v known %d unknown %d", *s.Age.Min, *s.Age.Max, *s.Age.Mean, s.Age.Known, s.Age.Unknown)
		}
		if s.Age.Bands["0-17"] != 2 || s.Age.Bands["20-24"] != 2 || s.Age.Bands["18-19"] != 0 {
			t.Fatalf("bands: %+v", s.Age.Bands)
		}
		if r := s.Age.ByRegion["Asia"]; r.Count != 1 || *r.Min != 20 {
			t.Fatalf("asia ages: %+v", r)
		}
		if s.Minors.Count != 2 || s.Minors.Cases[0].Age != 17 || s.Minors.Cases[0].Region != "Africa" {
			t.Fatalf("minors: %+v", s.Minors)
		}
		var sawRedCross bool
		for _, m := range s.Minors.Cases {
			if m.ContactForm == "asylum_system" && m.LabourSector == "cleaning" && m.Exploitation[0] == "forced_labour" {
				sawRedCross = true
			}
		}
		if !sawRedCross {
			t.Fatalf("minor attributes: %+v", s.Minors.Cases)
		}
	})
}

func TestStatsMeanRoundsHalfUp(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		// Europe in the seed: 8 ages summing to 206 → 25.75 → 25.8.
		births := []string{"1992-01-01", "1987-01-01", "1987-01-01", "1987-01-01", "1986-01-01", "1986-01-01", "1986-01-01", "1971-01-01"}
		var specs []caseSpec
		for i, b := range births {
			specs = append(specs, caseSpec{ref: "r" + string(rune('a'+i)), gender: "female", nat: "RO", birth: b, assessed: "2011-06-01", auth: "US"})
		}
		load(t, db, specs...)
		s := stats(t, db, 2011, "")
		r := s.Age.ByRegion["Europe"]
		if r.Count != 8 || *r.Min != 19 || *r.Max != 40 || *r.Mean != 25.8 {
			t.Fatalf("europe: count %d min %d max %d mean %v", r.Count, *r.Min, *r.Max, *r.Mean)
		}
	})
}

func TestStatsShelter(t *testing.T) {
	cs := nrm.AccommodationCrisisShelter
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			// 30 days counting first and last: ≤30.
			caseSpec{ref: "d30", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-03-01", "2011-03-30")}},
			// 31 days: 31–99.
			caseSpec{ref: "d31", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-03-01", "2011-03-31")}},
			// 99 days: 31–99.
			caseSpec{ref: "d99", gender: "female", nat: "NG", assessed: "2011-01-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-01-01", "2011-04-09")}},
			// 100 days: ≥100.
			caseSpec{ref: "d100", gender: "female", nat: "NG", assessed: "2011-01-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-01-01", "2011-04-10")}},
			// Crossing the year end: measured to 31 Dec (2011-12-02..31 = 30 days), still there.
			caseSpec{ref: "cross", gender: "female", nat: "NG", assessed: "2011-12-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-12-02", "2012-02-01")}},
			// Open stay: 2011-12-22..31 = 10 days, still there.
			caseSpec{ref: "open", gender: "female", nat: "NG", assessed: "2011-12-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-12-22", "")}},
			// Two stays summed: 20 + 15 = 35 → 31–99; not still there.
			caseSpec{ref: "two", gender: "female", nat: "NG", assessed: "2011-02-01", auth: "US",
				stays: []nrm.Accommodation{stay(cs, "2011-02-01", "2011-02-20"), stay(cs, "2011-05-01", "2011-05-15")}},
			// A stay starting after 31 Dec does not count; private housing is not shelter.
			caseSpec{ref: "late", gender: "female", nat: "NG", assessed: "2011-12-01", auth: "US",
				stays: []nrm.Accommodation{stay(cs, "2012-01-05", ""), stay(nrm.AccommodationPrivate, "2011-12-05", "")}},
			// Identified in 2012: not in the 2011 cohort.
			caseSpec{ref: "next", gender: "female", nat: "NG", assessed: "2012-01-02", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-12-01", "")}},
		)
		s := stats(t, db, 2011, "")
		sh := s.Shelter
		if sh.Count != 7 || sh.StillAtYearEnd != 2 || sh.Buckets["<=30"] != 3 || sh.Buckets["31-99"] != 3 || sh.Buckets[">=100"] != 1 {
			t.Fatalf("shelter: %+v", sh)
		}
		if want := 30 + 31 + 99 + 100 + 30 + 10 + 35; sh.TotalDays != want {
			t.Fatalf("total days %d, want %d", sh.TotalDays, want)
		}
		if s.PrivateHousing.Count != 1 || s.PrivateHousing.StillAtYearEnd != 1 {
			t.Fatalf("private: %+v", s.PrivateHousing)
		}
	})
}

func TestStatsPrivateHousingAndReturns(t *testing.T) {
	p := nrm.AccommodationPrivate
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			caseSpec{ref: "p1", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2011-03-01", "")}},
			caseSpec{ref: "p2", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2011-03-01", "2011-10-01")},
				exits: []nrm.Exit{exit("2012-02-01", nrm.ExitDisappeared)}},
			caseSpec{ref: "p3", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2011-03-01", "2011-10-01")},
				exits: []nrm.Exit{exit("2011-10-02", nrm.ExitSelfReturn)}},
			// Disappeared after the cut-off: not counted.
			caseSpec{ref: "p4", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2011-03-01", "2011-10-01")},
				exits: []nrm.Exit{exit("2012-03-02", nrm.ExitDisappeared)}},
			// Period view: 2010-identified case returned in 2011.
			caseSpec{ref: "r2010", gender: "female", nat: "TH", assessed: "2010-11-01", auth: "US", exits: []nrm.Exit{exit("2011-01-10", nrm.ExitPreparedReturn)}},
			// 2011 cohort: returns in 2011 and in early 2012 (before the cut-off).
			caseSpec{ref: "r1", gender: "female", nat: "TH", assessed: "2011-05-01", auth: "US", exits: []nrm.Exit{exit("2011-08-01", nrm.ExitPreparedReturn)}},
			caseSpec{ref: "r2", gender: "female", nat: "TH", assessed: "2011-11-01", auth: "US", exits: []nrm.Exit{exit("2012-02-10", nrm.ExitPreparedReturn)}},
			caseSpec{ref: "r3", gender: "female", nat: "TH", assessed: "2011-11-01", auth: "US", exits: []nrm.Exit{exit("2012-03-10", nrm.ExitPreparedReturn)}},
			caseSpec{ref: "r4", gender: "female", nat: "TH", assessed: "2011-05-01", auth: "US", exits: []nrm.Exit{exit("2011-06-01", nrm.ExitReturnViaPolice)}},
		)
		s := stats(t, db, 2011, "")
		ph := s.PrivateHousing
		if ph.Count != 4 || ph.StillAtYearEnd != 1 || ph.Disappeared != 1 || ph.SelfReturn != 1 {
			t.Fatalf("private: %+v", ph)
		}
		per := s.Returns.Period
		if per.ByKind["prepared_return"] != 2 || per.ByIdentificationYear["2010"]["prepared_return"] != 1 ||
			per.ByIdentificationYear["2011"]["prepared_return"] != 1 || per.ByKind["return_via_police"] != 1 || per.ByKind["self_return"] != 1 {
			t.Fatalf("period: %+v", per)
		}
		coh := s.Returns.Cohort
		if coh.ByKind["prepared_return"] != 2 || coh.ByExitYear["2012"]["prepared_return"] != 1 || coh.ByKind["disappeared"] != 1 {
			t.Fatalf("cohort: %+v", coh)
		}
		// The JSON contract flattens kinds beside the split.
		b := must(json.Marshal(s.Returns))(t)
		var m map[string]map[string]any
		if err := json.Unmarshal(b, &m); err != nil || m["period"]["prepared_return"] != float64(2) || m["period"]["by_identification_year"] == nil {
			t.Fatalf("returns JSON: %s", b)
		}
	})
}

func TestStatsProsecutionAndErrors(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.UpsertProsecution(admin, &nrm.Prosecution{Year: 2011, Cutoff: nrm.MustDate("2012-03-01"), Charges: 21, Decisions: 15,
			ConvictionsUnconditional: 6, ConvictionsPartlySuspended: 3}); err != nil {
			t.Fatal(err)
		}
		s := stats(t, db, 2011, "")
		p := s.Prosecution
		if !p.Reported || p.Charges != 21 || p.Decisions != 15 || p.ConvictionsTotal != 9 || p.Note == "" || p.CutoffDate.String() != "2012-03-01" {
			t.Fatalf("prosecution: %+v", p)
		}
		if s := stats(t, db, 2010, ""); s.Prosecution.Reported {
			t.Fatal("2010 reported")
		}
		if err := db.UpsertProsecution(admin, &nrm.Prosecution{Year: 2011, Charges: 1, Decisions: 1, ConvictionsUnconditional: 2}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("more convictions than decisions accepted: %v", err)
		}
		if _, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011, Cutoff: nrm.MustDate("2010-01-01")}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("cut-off before year accepted: %v", err)
		}
	})
}

// Every form of exploitation has its own stored bit (migration 00006).
func TestEveryFormHasABit(t *testing.T) {
	seen := map[int64]string{}
	for _, f := range nrm.Codes("exploitation") {
		b := sqlstore.FormBit(nrm.ExploitationForm(f))
		if b == 0 || b&(b-1) != 0 {
			t.Errorf("form %s: bit %d, want a single bit", f, b)
		}
		if other, dup := seen[b]; dup {
			t.Errorf("forms %s and %s share bit %d", f, other, b)
		}
		seen[b] = f
	}
}
