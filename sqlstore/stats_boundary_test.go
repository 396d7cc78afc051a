package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// The boundaries of the statistics contract (design.md §4), with every
// expected number counted by hand: stays and exits on 31 December and on
// 1 January, stays starting on the last day of the year, and cases
// identified before, on and after the cut-off.

// A shelter stay that ends on 31 December has ended by the year end; one
// ending on 1 January goes on after it; a stay starting on 31 December
// counts one day.
func TestStatsShelterYearEnd(t *testing.T) {
	cs := nrm.AccommodationCrisisShelter
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			// 2011-12-01..31: 31 days, ended at the year end.
			caseSpec{ref: "end31", gender: "female", nat: "NG", assessed: "2011-06-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-12-01", "2011-12-31")}},
			// 2011-12-20..2012-01-01: measured to 31 Dec, 12 days; still there.
			caseSpec{ref: "end1jan", gender: "female", nat: "NG", assessed: "2011-06-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-12-20", "2012-01-01")}},
			// Starting on 31 December, open: 1 day, still there.
			caseSpec{ref: "start31", gender: "female", nat: "NG", assessed: "2011-12-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2011-12-31", "")}},
			// Starting on 1 January: not a stay of the year.
			caseSpec{ref: "start1jan", gender: "female", nat: "NG", assessed: "2011-12-01", auth: "US", stays: []nrm.Accommodation{stay(cs, "2012-01-01", "2012-01-10")}},
			// Two stays, the first ending on 31 December and the second
			// starting on 1 January: 2011-12-30..31 = 2 days, not still
			// there at the year end.
			caseSpec{ref: "split", gender: "female", nat: "NG", assessed: "2011-06-01", auth: "US",
				stays: []nrm.Accommodation{stay(cs, "2011-12-30", "2011-12-31"), stay(cs, "2012-01-01", "")}},
		)
		sh := stats(t, db, 2011, "").Shelter
		if sh.Count != 4 || sh.StillAtYearEnd != 2 || sh.TotalDays != 31+12+1+2 ||
			sh.Buckets["<=30"] != 3 || sh.Buckets["31-99"] != 1 || sh.Buckets[">=100"] != 0 {
			t.Fatalf("shelter: %+v; want 4 cases, 2 still there, 46 days, buckets 3/1/0", sh)
		}
	})
}

// Private housing: still housed at 31 December only when a stay started
// by then goes on after it; a stay starting after the year end counts up
// to the cut-off but is not "still housed"; exits count up to the cut-off
// day itself.
func TestStatsPrivateHousingYearEndAndCutoff(t *testing.T) {
	p := nrm.AccommodationPrivate
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			// Ends on 31 December: housed, not still; disappeared on the
			// cut-off day itself: counted.
			caseSpec{ref: "end31", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2011-05-01", "2011-12-31")},
				exits: []nrm.Exit{exit("2012-03-01", nrm.ExitDisappeared)}},
			// Ends on 1 January: still housed; returned on their own the
			// day after the cut-off: not counted.
			caseSpec{ref: "end1jan", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2011-05-01", "2012-01-01")},
				exits: []nrm.Exit{exit("2012-03-02", nrm.ExitSelfReturn)}},
			// Starts after the year end, before the cut-off: housed, not
			// still at the year end.
			caseSpec{ref: "after", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2012-01-10", "")}},
			// Starts on the cut-off day: housed.
			caseSpec{ref: "oncut", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2012-03-01", "")}},
			// Starts the day after the cut-off: not counted.
			caseSpec{ref: "pastcut", gender: "female", nat: "NG", assessed: "2011-03-01", auth: "US", stays: []nrm.Accommodation{stay(p, "2012-03-02", "")}},
		)
		ph := stats(t, db, 2011, "").PrivateHousing
		if ph != (nrm.PrivateHousing{Count: 4, StillAtYearEnd: 1, Disappeared: 1, SelfReturn: 0}) {
			t.Fatalf("private housing: %+v; want 4 housed, 1 still, 1 disappeared, 0 self-return", ph)
		}
		// With the cut-off on 31 December only the stays started by then
		// count, and the disappearance of 1 March does not.
		ph = stats(t, db, 2011, "2011-12-31").PrivateHousing
		if ph != (nrm.PrivateHousing{Count: 2, StillAtYearEnd: 1}) {
			t.Fatalf("private housing cut off on 31 Dec: %+v; want 2 housed, 1 still", ph)
		}
	})
}

// The period view counts the exits dated in the year of every case
// identified up to the cut-off — also of cases identified after the year
// end — and not of cases identified after the cut-off; exits on 1 January
// and 31 December fall on the right sides.
func TestStatsReturnsPeriodCutoff(t *testing.T) {
	ret := nrm.ExitPreparedReturn
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		load(t, db,
			// Identified in January of the next year, returned in the year.
			caseSpec{ref: "idjan", gender: "female", nat: "TH", contact: "2011-06-01", assessed: "2012-01-20", auth: "US", exits: []nrm.Exit{exit("2011-11-15", ret)}},
			// Identified on the cut-off day, returned on 31 December.
			caseSpec{ref: "idcut", gender: "female", nat: "TH", contact: "2011-06-01", assessed: "2012-03-01", auth: "US", exits: []nrm.Exit{exit("2011-12-31", ret)}},
			// Identified the day after the cut-off: not counted.
			caseSpec{ref: "idlate", gender: "female", nat: "TH", contact: "2011-06-01", assessed: "2012-03-02", auth: "US", exits: []nrm.Exit{exit("2011-07-01", ret)}},
			// Identified in 2010, returned on 1 January 2011: counted.
			caseSpec{ref: "id2010", gender: "female", nat: "TH", assessed: "2010-10-01", auth: "US", exits: []nrm.Exit{exit("2011-01-01", ret)}},
			// Identified in 2011, returned on 1 January 2012: in the
			// cohort view, not in the period view.
			caseSpec{ref: "ex1jan", gender: "female", nat: "TH", assessed: "2011-05-01", auth: "US", exits: []nrm.Exit{exit("2012-01-01", ret)}},
			// Identified in 2010, returned on 31 December 2010: neither.
			caseSpec{ref: "ex2010", gender: "female", nat: "TH", assessed: "2010-05-01", auth: "US", exits: []nrm.Exit{exit("2010-12-31", ret)}},
		)
		s := stats(t, db, 2011, "")
		per := s.Returns.Period
		if per.ByKind[string(ret)] != 3 || per.ByIdentificationYear["2012"][string(ret)] != 2 || per.ByIdentificationYear["2010"][string(ret)] != 1 ||
			len(per.ByIdentificationYear) != 2 {
			t.Fatalf("period view: %+v; want 3 returns, 2 of cases identified in 2012, 1 of 2010", per)
		}
		coh := s.Returns.Cohort
		if coh.ByKind[string(ret)] != 1 || coh.ByExitYear["2012"][string(ret)] != 1 || len(coh.ByExitYear) != 1 {
			t.Fatalf("cohort view: %+v; want the return of 1 January 2012", coh)
		}
		// An earlier cut-off leaves out the case identified on 1 March.
		per = stats(t, db, 2011, "2012-02-29").Returns.Period
		if per.ByKind[string(ret)] != 2 || per.ByIdentificationYear["2012"][string(ret)] != 1 {
			t.Fatalf("period view cut off on 29 February: %+v; want 2 returns, 1 of a case identified in 2012", per)
		}
		// With the cut-off on 31 December the exits of the year still
		// count, but only for the cases identified by then.
		per = stats(t, db, 2011, "2011-12-31").Returns.Period
		if per.ByKind[string(ret)] != 1 || per.ByIdentificationYear["2010"][string(ret)] != 1 {
			t.Fatalf("period view cut off on 31 December: %+v; want the 2010 case's return only", per)
		}
	})
}
