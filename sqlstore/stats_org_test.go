package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// orgStats is the statistics of the cases org may read, asked as ctx.
func orgStats(t *testing.T, db *sqlstore.DB, org string) *nrm.Stats {
	t.Helper()
	s, err := db.Statistics(admin, nrm.StatsQuery{Year: 2011, Org: org})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStatsOrganisationScope: an organisation's statistics count the
// cases it owns and those shared with it, nothing else, and carry no
// police figures.
func TestStatsOrganisationScope(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		specs := []struct {
			spec   caseSpec
			owner  string
			shared []string
		}{
			{caseSpec{ref: "A", gender: "female", nat: "NG", birthYear: 1990, assessed: "2011-03-01", auth: nrm.AuthorityUS}, "REDEN", nil},
			{caseSpec{ref: "B", gender: "male", nat: "TH", birthYear: 1980, assessed: "2011-04-01", auth: nrm.AuthorityCMM}, "HOPE", nil},
			{caseSpec{ref: "C", gender: "male", nat: "RO", birthYear: 1995, assessed: "2011-05-01", auth: nrm.AuthorityCMM}, "HOPE", []string{"REDEN"}},
			{caseSpec{ref: "D", gender: "female", nat: "IQ", birthYear: 1985, assessed: "2011-06-01", auth: nrm.AuthorityUS}, "LG", nil},
		}
		load(t, db)
		for _, s := range specs {
			c := s.spec.build()
			c.OwnerOrg, c.SharedWith = s.owner, s.shared
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.UpsertProsecution(admin, &nrm.Prosecution{Year: 2011, Charges: 21}); err != nil {
			t.Fatal(err)
		}
		reden := orgStats(t, db, "REDEN")
		if reden.Identified.Total != 2 || reden.ByGender["female"] != 1 || reden.ByGender["male"] != 1 || reden.Organisation != "REDEN" {
			t.Errorf("REDEN sees A and C: total %d, genders %v, organisation %q", reden.Identified.Total, reden.ByGender, reden.Organisation)
		}
		if _, ok := reden.ByNationality["TH"]; ok {
			t.Errorf("REDEN's statistics name a nationality of another organisation's case: %v", reden.ByNationality)
		}
		if reden.Prosecution.Reported {
			t.Error("an organisation's statistics carry the police's national figures")
		}
		if hope := orgStats(t, db, "HOPE"); hope.Identified.Total != 2 || hope.ByRegion[string(nrm.RegionAsia)] != 1 {
			t.Errorf("HOPE: total %d, regions %v", hope.Identified.Total, hope.ByRegion)
		}
		if all := stats(t, db, 2011, ""); all.Identified.Total != 4 || all.Organisation != "" || !all.Prosecution.Reported {
			t.Errorf("national: total %d, organisation %q", all.Identified.Total, all.Organisation)
		}
		if none := orgStats(t, db, "NOBODY"); none.Identified.Total != 0 || len(none.ByNationality) != 0 {
			t.Errorf("an organisation without cases: %d, %v", none.Identified.Total, none.ByNationality)
		}
	})
}

// TestStatsOrganisationPermission: only someone who may read an
// organisation's cases one by one gets its exact statistics.
func TestStatsOrganisationPermission(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, tc := range []struct {
			role nrm.Role
			org  string
			ok   bool
		}{
			{nrm.RoleCaseworker, "REDEN", true},
			{nrm.RoleAssessor, "REDEN", true},
			{nrm.RoleCaseworker, "HOPE", false},
			{nrm.RoleAnalyst, "REDEN", false},
			{nrm.RoleCoordinator, "REDEN", false},
			{nrm.RoleAuditor, "REDEN", false},
		} {
			_, err := db.Statistics(actorCtx(tc.role, tc.org, ""), nrm.StatsQuery{Year: 2011, Org: "REDEN"})
			if tc.ok != (err == nil) || (!tc.ok && nrm.ErrorCode(err) != nrm.EFORBIDDEN) {
				t.Errorf("%s of %s: %v", tc.role, tc.org, err)
			}
		}
	})
}

// TestStatsOrganisationsAddUp: with every case owned by one organisation
// and shared with none, the organisations' counts add up to the
// country's, over random datasets.
func TestStatsOrganisationsAddUp(t *testing.T) {
	orgs := []string{"O1", "O2", "O3"}
	nats := []string{"NG", "TH", "RO", "IQ", "FJ"}
	kinds := []nrm.ExitKind{nrm.ExitPreparedReturn, nrm.ExitDisappeared, nrm.ExitSelfReturn}
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for seed := range uint64(3) {
			r := rand.New(rand.NewPCG(seed, 17))
			load(t, db)
			for i := range 30 {
				day := fmt.Sprintf("2011-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
				s := caseSpec{ref: fmt.Sprintf("S%d-%d", seed, i), gender: []string{"female", "male"}[r.IntN(2)], nat: nats[r.IntN(len(nats))],
					birthYear: 1960 + r.IntN(35), assessed: day, auth: []nrm.Authority{nrm.AuthorityUS, nrm.AuthorityCMM}[r.IntN(2)]}
				if r.IntN(2) == 0 {
					s.stays = []nrm.Accommodation{stay(nrm.AccommodationCrisisShelter, day, "")}
				}
				if r.IntN(3) == 0 {
					s.exits = []nrm.Exit{exit("2012-01-15", kinds[r.IntN(len(kinds))])}
				}
				c := s.build()
				c.OwnerOrg = orgs[r.IntN(len(orgs))]
				if err := db.CreateCase(admin, c); err != nil {
					t.Fatal(err)
				}
			}
			all := stats(t, db, 2011, "")
			sum := map[string]int{}
			for _, o := range orgs {
				for k, v := range additive(orgStats(t, db, o)) {
					sum[k] += v
				}
			}
			for k, v := range additive(all) {
				if sum[k] != v {
					t.Errorf("seed %d: %s: organisations add up to %d, the country has %d", seed, k, sum[k], v)
				}
			}
		}
	})
}

// additive lists the counts of s that add up over disjoint sets of
// cases.
func additive(s *nrm.Stats) map[string]int {
	m := map[string]int{"total": s.Identified.Total, "minors": s.Minors.Count, "shelter": s.Shelter.Count,
		"shelter_days": s.Shelter.TotalDays, "exploitation_persons": s.ExploitationPersons}
	add := func(prefix string, x map[string]int) {
		for k, v := range x {
			m[prefix+"/"+k] = v
		}
	}
	add("authority", s.Identified.ByAuthority)
	add("gender", s.ByGender)
	add("region", s.ByRegion)
	add("nationality", s.ByNationality)
	add("exploitation", s.ByExploitation)
	add("age", s.Age.Bands)
	add("return_cohort", s.Returns.Cohort.ByKind)
	add("return_period", s.Returns.Period.ByKind)
	for _, ya := range s.Identified.ByYearAuthority {
		m[fmt.Sprintf("series/%d/US", ya.Year)] = ya.US
		m[fmt.Sprintf("series/%d/CMM", ya.Year)] = ya.CMM
	}
	return m
}
