package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/gen"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func TestSourceNotesAndScreeningsRoundTripRightsAndValidation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		for _, o := range []nrm.Organisation{{Code: "US", NameDA: "Udlændingestyrelsen", Kind: "authority"}, {Code: "RODE_KORS", NameDA: "Dansk Røde Kors", Kind: "ngo"}} {
			if err := db.UpsertOrganisation(admin, &o); err != nil {
				t.Fatal(err)
			}
		}
		n := &nrm.SourceNote{Year: 2011, Section: "returns", Org: "US", Attributed: true,
			TextDA: "Der føres ikke statistik over afbrudte hjemsendelser.\n\nOplysningerne er baseret på en manuel gennemgang."}
		if err := db.SaveSourceNote(coord, n); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveSourceNote(coord, &nrm.SourceNote{Year: 2011, Section: "minors", Org: "RODE_KORS", TextDA: "Kontakt til ganske få mindreårige."}); err != nil {
			t.Fatal(err)
		}
		// Saving the same year, section and source again replaces it.
		n.TextEN = "No statistics are kept of interrupted returns."
		if err := db.SaveSourceNote(coord, n); err != nil {
			t.Fatal(err)
		}
		analyst := actorCtx(nrm.RoleAnalyst, "DST", "")
		notes := must(db.FindSourceNotes(analyst, 2011))(t)
		if len(notes) != 2 || notes[0].Section != "minors" || notes[1].Section != "returns" || !notes[1].Attributed ||
			notes[1].Text(nrm.LangEN) != "No statistics are kept of interrupted returns." || notes[0].Text(nrm.LangEN) != "Kontakt til ganske få mindreårige." {
			t.Fatalf("notes in report order: %+v", notes)
		}
		if got := must(db.FindSourceNotes(analyst, 2012))(t); len(got) != 0 {
			t.Fatalf("2012: %+v", got)
		}
		s := &nrm.Screening{Year: 2011, Org: "RODE_KORS", Kind: nrm.ScreeningInterview, Group: nrm.GroupMinors, Persons: 80}
		if err := db.SaveScreening(coord, s); err != nil {
			t.Fatal(err)
		}
		s.Persons = 81
		if err := db.SaveScreening(coord, s); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindScreenings(analyst, 0))(t); len(got) != 1 || *got[0] != *s {
			t.Fatalf("screenings: %+v", got)
		}

		// Bad input: one field error per fault, nothing stored.
		err := db.SaveScreening(coord, &nrm.Screening{Year: 20111, Org: "", Kind: "chat", Group: "elderly", Persons: -1})
		if fe := nrm.FieldErrors(err); len(fe) != 5 {
			t.Fatalf("five faults: %v", err)
		}
		err = db.SaveScreening(coord, &nrm.Screening{Year: 2011, Org: "NOPE", Kind: "chat", Group: nrm.GroupAdults, Persons: 3})
		if fe := nrm.FieldErrors(err); len(fe) != 2 {
			t.Fatalf("the kind and the unknown organisation at once: %v", err)
		}
		err = db.SaveScreening(coord, &nrm.Screening{Year: 2011, Org: "NOPE", Kind: nrm.ScreeningScreening, Group: nrm.GroupAdults, Persons: 3})
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "org" || fe[0].Rule != nrm.RuleUnknownReference {
			t.Fatalf("unknown organisation: %v", err)
		}
		err = db.SaveSourceNote(coord, &nrm.SourceNote{Year: 2011, Section: "weather", Org: "US"})
		if fe := nrm.FieldErrors(err); len(fe) != 2 {
			t.Fatalf("unknown section and no text: %v", err)
		}
		if got := must(db.FindScreenings(analyst, 2011))(t); len(got) != 1 || got[0].Persons != 81 {
			t.Fatalf("a refused save changed something: %+v", got)
		}

		// Rights: only the coordinating ministry and administrators write;
		// the auditor does not read statistics.
		for _, role := range []nrm.Role{nrm.RoleCaseworker, nrm.RoleAnalyst, nrm.RoleAssessor, nrm.RoleAuditor} {
			ctx := actorCtx(role, "CMM", "")
			if err := db.SaveSourceNote(ctx, n); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s save note: %v", role, err)
			}
			if err := db.DeleteScreening(ctx, 2011, "RODE_KORS", nrm.ScreeningInterview, nrm.GroupMinors); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s delete screening: %v", role, err)
			}
		}
		if _, err := db.FindSourceNotes(actorCtx(nrm.RoleAuditor, "CMM", ""), 2011); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("auditor reads notes: %v", err)
		}

		if err := db.DeleteSourceNote(coord, 2011, "returns", "US"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSourceNote(coord, 2011, "returns", "US"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
		if err := db.DeleteScreening(coord, 2011, "RODE_KORS", nrm.ScreeningInterview, nrm.GroupMinors); err != nil {
			t.Fatal(err)
		}
		if got := must(db.FindScreenings(analyst, 0))(t); len(got) != 0 {
			t.Fatalf("deleted: %+v", got)
		}
	})
}

// The earlier years of the narrative facts agree with the statistics of
// each earlier year computed with the same cut-off (another query path),
// and every shelter provider's persons are among the shelter count.
func TestNarrativeFactsAgreeWithEarlierStatistics(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := bundle.Import(admin, genBundle(t, 400), db, bundle.Options{Today: nrm.MustDate("2013-06-01")}); err != nil {
			t.Fatal(err)
		}
		q := nrm.StatsQuery{Year: 2012, Cutoff: nrm.MustDate("2013-03-01")}
		f := must(db.NarrativeFacts(admin, q))(t)
		if len(f.Earlier) != 3 {
			t.Fatalf("earlier years: %v", len(f.Earlier))
		}
		for y, got := range f.Earlier {
			s := must(db.ComputeStatistics(admin, nrm.StatsQuery{Year: y, Cutoff: q.Cutoff}))(t)
			if got.Total != s.Identified.Total {
				t.Fatalf("%d total %d, statistics %d", y, got.Total, s.Identified.Total)
			}
			for _, c := range []struct {
				name      string
				got, want map[string]int
			}{{"gender", got.ByGender, s.ByGender}, {"region", got.ByRegion, s.ByRegion}, {"nationality", got.ByNationality, s.ByNationality},
				{"exploitation", got.ByExploitation, s.ByExploitation}} {
				for k, v := range c.want {
					if c.got[k] != v {
						t.Fatalf("%d %s %s: %d, statistics %d", y, c.name, k, c.got[k], v)
					}
				}
				for k, v := range c.got {
					if c.want[k] != v {
						t.Fatalf("%d %s %s: %d, statistics %d", y, c.name, k, v, c.want[k])
					}
				}
			}
		}
		s := must(db.ComputeStatistics(admin, q))(t)
		sum := 0
		for p, n := range f.ShelterProviders {
			if n < 1 || n > s.Shelter.Count {
				t.Fatalf("provider %s: %d of %d", p, n, s.Shelter.Count)
			}
			sum += n
		}
		if s.Shelter.Count > 0 && (sum < s.Shelter.Count || len(f.ShelterProviders) == 0) {
			t.Fatalf("providers %v cover fewer than the %d persons", f.ShelterProviders, s.Shelter.Count)
		}
	})
}

// BenchmarkNarrativeFacts measures the narrative facts against the
// statistics of the same year over the same database (the floor): the
// report computes both.
func BenchmarkNarrativeFacts(b *testing.B) {
	db := sqltest.MustOpenDB(b, "sqlite")
	dir := b.TempDir()
	if _, err := gen.WriteDir(dir, gen.Options{Cases: 20000, FromYear: 2007, ToYear: 2012, Seed: 5, Today: nrm.MustDate("2013-06-01")}); err != nil {
		b.Fatal(err)
	}
	src, err := bundle.OpenPath(dir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bundle.Import(admin, src, db, bundle.Options{Today: nrm.MustDate("2013-06-01")}); err != nil {
		b.Fatal(err)
	}
	q := nrm.StatsQuery{Year: 2012}
	b.Run("statistics", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.ComputeStatistics(admin, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("narrative_facts", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.ComputeNarrativeFacts(admin, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("narrative_facts_cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.NarrativeFacts(admin, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
