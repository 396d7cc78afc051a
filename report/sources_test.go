package report_test

import (
	"strings"
	"testing"

	"nrm"
	"nrm/disclosure"
	"nrm/report"
	"nrm/report/reporttest"
)

// narrativeText is the document's narrative and notes as one text.
func narrativeText(d *report.Document) string {
	var b strings.Builder
	for _, s := range d.Sections {
		for _, bl := range s.Blocks {
			if bl.Kind == report.KindParagraph {
				b.WriteString(bl.Paragraph.Text + "\n")
			}
		}
	}
	return b.String()
}

// The comparisons with earlier years, the shelters named, the notes and
// the screening figures, internal and published (k = 3): a shelter with
// fewer than k persons is not named, the earlier years' men are not
// counted, a screening figure below k is not stated.
func TestNarrativeFromFactsNotesAndScreenings(t *testing.T) {
	facts := &nrm.NarrativeFacts{
		Earlier: map[int]*nrm.YearFacts{
			2010: {Total: 54, ByGender: map[string]int{"male": 2}, ByRegion: map[string]int{"Africa": 30}, ByExploitation: map[string]int{"sexual": 50}},
			2009: {Total: 24, ByGender: map[string]int{"male": 1}, ByRegion: map[string]int{"Africa": 10}, ByExploitation: map[string]int{"sexual": 20}},
		},
		ShelterProviders: map[string]int{"Reden International krisecenter": 30, "Røde Kors Kvindecenter": 15, "Lille Krisecenter": 2},
	}
	notes := []*nrm.SourceNote{{Year: 2011, Section: "returns", Org: "US", Attributed: true, TextDA: "Manuel gennemgang.", TextEN: "Manual review."},
		{Year: 2010, Section: "age", Org: "US", TextDA: "Et andet år."}}
	screenings := []*nrm.Screening{{Year: 2011, Org: "RK", Kind: nrm.ScreeningInterview, Group: nrm.GroupMinors, Persons: 80},
		{Year: 2011, Org: "RK", Kind: nrm.ScreeningScreening, Group: nrm.GroupAdults, Persons: 2}}
	for _, c := range []struct {
		lang      nrm.Lang
		published bool
		want, not []string
	}{
		{nrm.LangDA, false, []string{"For første gang er der i 2011 identificeret én person fra Mellemøsten.",
			"Det bemærkes dog, at to mænd i 2010 og én mand i 2009 blev vurderet handlet.",
			"(Reden International krisecenter, Røde Kors Kvindecenter og Lille Krisecenter)",
			"Udlændingestyrelsen har oplyst, at der i 2011 blev gennemført", "Udlændingestyrelsen har endvidere oplyst, at af de personer",
			"Manuel gennemgang.", "Der er i 2011 foretaget menneskehandelsinterviews med 80 mindreårige i regi af Dansk Røde Kors.",
			"Der er i 2011 screenet to voksne for tegn på menneskehandel i regi af Dansk Røde Kors."}, []string{"Et andet år."}},
		{nrm.LangEN, false, []string{"For the first time, one person from the Middle East was identified in 2011.",
			"It should be noted, however, that two men were identified as victims in 2010 and one man in 2009.",
			"The Danish Immigration Service has reported that in 2011,", "Manual review.",
			"In 2011, the Danish Red Cross carried out trafficking interviews with 80 minors.",
			"In 2011, the Danish Red Cross screened two adults for signs of trafficking."}, nil},
		{nrm.LangDA, true, []string{"Det bemærkes dog, at der blev vurderet mænd handlet i 2010 og 2009.",
			"(bl.a. Reden International krisecenter og Røde Kors Kvindecenter)", "screenet færre end tre voksne"},
			[]string{"Lille Krisecenter", "to mænd", "én mand", "screenet to voksne"}},
		{nrm.LangEN, true, []string{"It should be noted, however, that men were identified as victims in 2010 and 2009.",
			"(including Reden International krisecenter and Røde Kors Kvindecenter)", "screened fewer than three adults"},
			[]string{"Lille Krisecenter", "two men", "one man"}},
	} {
		s := reporttest.Stats2011(t)
		in := reporttest.Input(t, c.lang)
		in.Stats, in.Facts, in.SourceNotes, in.Screenings = s, facts, notes, screenings
		in.OrgNames = map[string]string{"US": "Udlændingestyrelsen", "RK": map[nrm.Lang]string{nrm.LangDA: "Dansk Røde Kors", nrm.LangEN: "Danish Red Cross"}[c.lang]}
		if c.published {
			in = report.Publish(in, disclosure.SuppressStats(s, 3))
		}
		d, err := report.Build(in)
		if err != nil {
			t.Fatal(err)
		}
		text := narrativeText(d)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s published %v lacks %q", c.lang, c.published, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(text, n) {
				t.Errorf("%s published %v states %q", c.lang, c.published, n)
			}
		}
	}
}
