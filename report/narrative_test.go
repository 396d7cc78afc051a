package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"nrm"
	"nrm/bundle"
	"nrm/disclosure"
	"nrm/gen"
	"nrm/report"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// narrativeDataset is one synthetic database of the grammar test.
type narrativeDataset struct {
	cases, seed, from, to int
}

// TestNarrativeGrammarOverRandomData renders the statistics narrative of
// synthetic datasets (nrm gen: tiny ones where small and suppressed cells
// dominate, and ordinary ones), internal and published (k = 3), in Danish
// and English, with random source notes and screening figures, and checks
// every generated sentence with rules written apart from the builder:
// a capital or a digit first and a full stop last, no unreplaced
// placeholder, no doubled word, number agreement ("1 woman" / "2 women",
// "én kvinde" / "to kvinder"), no zero stated as a count, and in the
// published report no number below k stated as a count.
func TestNarrativeGrammarOverRandomData(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports several datasets")
	}
	sets := []narrativeDataset{{5, 7, 2010, 2011}, {9, 8, 2010, 2011}, {14, 9, 2009, 2011}, {20, 10, 2010, 2011},
		{40, 12, 2008, 2011}, {120, 31, 2009, 2012}, {400, 138, 2007, 2012}, {1500, 175, 2010, 2013}}
	sentences := 0
	for _, ds := range sets {
		name := fmt.Sprintf("n%d-s%d-%d-%d", ds.cases, ds.seed, ds.from, ds.to)
		t.Run(name, func(t *testing.T) {
			db := narrativeDB(t, ds)
			r := rand.New(rand.NewPCG(uint64(ds.seed), 14))
			for year := ds.from + 1; year <= ds.to; year++ {
				q := nrm.StatsQuery{Year: year}
				s, err := db.Statistics(admin, q)
				if err != nil {
					t.Fatal(err)
				}
				facts, err := db.NarrativeFacts(admin, q)
				if err != nil {
					t.Fatal(err)
				}
				notes, screenings := randomSources(r, year)
				randomSettings(rand.New(rand.NewPCG(uint64(ds.seed), uint64(year))), s, facts)
				pub := disclosure.SuppressStats(s, 3)
				for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
					in := report.Input{Stats: s, Lang: lang, Facts: facts, SourceNotes: notes, Screenings: screenings,
						OrgNames: map[string]string{"US": "Udlændingestyrelsen", "RODE_KORS": tr(lang, "Dansk Røde Kors", "Danish Red Cross"), "REDEN": "Reden International"}}
					for _, published := range []bool{false, true} {
						in := in
						k := 1
						if published {
							in, k = report.Publish(in, pub), 3
						}
						d, err := report.Build(in)
						if err != nil {
							t.Fatal(err)
						}
						for _, p := range narrativeParagraphs(d) {
							for _, sent := range splitSentences(p.Text) {
								sentences++
								for _, fault := range checkSentence(sent, lang, k) {
									t.Errorf("%d %s k=%d: %s\n\t%s", year, lang, k, fault, sent)
								}
							}
							for _, fault := range checkParagraph(p.Text) {
								t.Errorf("%d %s k=%d: %s\n\t%s", year, lang, k, fault, p.Text)
							}
						}
					}
				}
			}
		})
	}
	t.Logf("%d sentences checked", sentences)
}

var admin = nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "admin", Role: nrm.RoleAdmin, Org: "CMM"})

// narrativeDB is a SQLite database with a generated bundle and the
// organisations the random sources name.
func narrativeDB(t *testing.T, ds narrativeDataset) *sqlstore.DB {
	t.Helper()
	dir := t.TempDir()
	if _, err := gen.WriteDir(dir, gen.Options{Cases: ds.cases, FromYear: ds.from, ToYear: ds.to, Seed: uint64(ds.seed), Today: nrm.NewDate(ds.to+1, 6, 1)}); err != nil {
		t.Fatal(err)
	}
	src, err := bundle.OpenPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	db := sqltest.MustOpenDB(t, "sqlite")
	if _, err := bundle.Import(admin, src, db, bundle.Options{Today: nrm.NewDate(ds.to+1, 6, 1)}); err != nil {
		t.Fatal(err)
	}
	return db
}

// randomSources are source notes (attributed or not) and screening
// figures of every kind and group, with counts that are zero, below
// the threshold and above it.
func randomSources(r *rand.Rand, year int) ([]*nrm.SourceNote, []*nrm.Screening) {
	var notes []*nrm.SourceNote
	if r.IntN(2) == 0 {
		notes = append(notes, &nrm.SourceNote{Year: year, Section: "returns", Org: "US", Attributed: true, TextDA: "Tallene er opgjort manuelt."})
	}
	if r.IntN(2) == 0 {
		notes = append(notes, &nrm.SourceNote{Year: year, Section: "shelter", Org: "REDEN", Attributed: r.IntN(2) == 0,
			TextDA: "Reden International har oplyst antallet af overnatninger.", TextEN: "Reden International reported the number of nights."})
	}
	var screenings []*nrm.Screening
	counts := []int{0, 1, 2, 3, 80}
	for _, kind := range []nrm.ScreeningKind{nrm.ScreeningInterview, nrm.ScreeningScreening} {
		for _, g := range []nrm.ScreeningGroup{nrm.GroupMinors, nrm.GroupAdults, nrm.GroupAll} {
			if r.IntN(2) == 0 {
				org := []string{"RODE_KORS", "REDEN", "US"}[r.IntN(3)]
				screenings = append(screenings, &nrm.Screening{Year: year, Org: org, Kind: kind, Group: g, Persons: counts[r.IntN(len(counts))]})
			}
		}
	}
	return notes, screenings
}

// randomSettings gives some persons of each forced-labour sector labour
// settings (the generated bundles carry none), counts from zero to all of
// them, so that the sentence's parts are both below and above k.
func randomSettings(r *rand.Rand, s *nrm.Stats, f *nrm.NarrativeFacts) {
	f.LabourSettings = map[string]map[string]int{}
	settings := nrm.Codes("labour_setting")
	for sc, n := range s.ForcedLabourSectors {
		left := n
		for left > 0 && r.IntN(3) != 0 {
			v := 1 + r.IntN(left)
			if f.LabourSettings[sc] == nil {
				f.LabourSettings[sc] = map[string]int{}
			}
			f.LabourSettings[sc][settings[r.IntN(len(settings))]] += v
			left -= v
		}
	}
}

func narrativeParagraphs(d *report.Document) []*report.Paragraph {
	var out []*report.Paragraph
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == report.KindParagraph && b.Paragraph.Narrative && b.Paragraph.Style != report.StyleLead {
				out = append(out, b.Paragraph)
			}
		}
	}
	return out
}

// sentenceEnd splits after a full stop followed by a capital letter (a
// digit may follow an abbreviation: "Ca. 53 pct.").
var sentenceEnd = regexp.MustCompile(`\. +(\p{Lu})`)

func splitSentences(p string) []string {
	var out []string
	for {
		loc := sentenceEnd.FindStringSubmatchIndex(p)
		if loc == nil {
			break
		}
		out = append(out, p[:loc[0]+1])
		p = p[loc[2]:]
	}
	return append(out, p)
}

var (
	placeholder = regexp.MustCompile(`%!|%[sdvq]|%\[\d\]|\{\}|<nil>|\bNaN\b`)
	word        = regexp.MustCompile(`[\p{L}\d][\p{L}\d,.'/-]*`)
	// A singular count before a plural noun, and the other way round.
	singularPluralEN = regexp.MustCompile(`\b(?:one|1) (?:women|men|persons|minors|victims|countries|girls|boys|adults|prepared returns|transgender persons)\b`)
	pluralSingularEN = regexp.MustCompile(`\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{2,}|[2-9]|fewer than \w+|an undisclosed number of) (?:woman|man|person|minor|girl|boy|adult|victim|country|prepared return)\b`)
	singularPluralDA = regexp.MustCompile(`(?i)(?:^|[^\p{L}\d])(?:én|ét|1) (?:kvinder|mænd|personer|mindreårige|lande|ofre|voksne|forberedte hjemsendelser)\b`)
	pluralSingularDA = regexp.MustCompile(`(?i)(?:^|[^\p{L}\d])(?:to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|\d{2,}|[2-9]|færre end \w+) (?:kvinde|mand|person|mindreårig|land|offer|voksen|forberedt hjemsendelse)\b`)
	zeroCount        = regexp.MustCompile(`(?i)(?:^|[\s(])(?:0|zero|nul)(?:\s|$)|\b0 (?:of|af)\b`)
	numberWordsEN    = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4}
	numberWordsDA    = map[string]int{"én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4}
	notCount         = regexp.MustCompile(`(?i)^(?:pct\.?|per|år|years?|dage|days|thirds?|quarters?|halves|januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|january|february|march|may|june|july|october)$`)
)

// checkSentence returns what is wrong with one generated sentence.
func checkSentence(s string, lang nrm.Lang, k int) []string {
	var faults []string
	s = strings.TrimSpace(s)
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		faults = append(faults, "does not start with a capital letter")
	}
	if !strings.HasSuffix(s, ".") {
		faults = append(faults, "does not end with a full stop")
	}
	if m := placeholder.FindString(s); m != "" {
		faults = append(faults, "unreplaced placeholder "+m)
	}
	words := word.FindAllString(s, -1)
	for i := 1; i < len(words); i++ {
		a, b := strings.ToLower(strings.Trim(words[i-1], ",.")), strings.ToLower(strings.Trim(words[i], ",."))
		if a == b && !unicode.IsDigit([]rune(a)[0]) {
			faults = append(faults, "doubled word "+a)
		}
	}
	agreement := []*regexp.Regexp{singularPluralDA, pluralSingularDA}
	if lang == nrm.LangEN {
		agreement = []*regexp.Regexp{singularPluralEN, pluralSingularEN}
	}
	for _, re := range agreement {
		if m := re.FindString(s); m != "" {
			faults = append(faults, "number agreement: "+m)
		}
	}
	if m := zeroCount.FindString(s); m != "" {
		faults = append(faults, "zero stated as a count: "+strings.TrimSpace(m))
	}
	if k > 1 {
		faults = append(faults, smallCounts(words, lang, k)...)
	}
	return faults
}

// smallCounts finds numbers below k stated as counts in a published
// sentence: not a year, a percentage, an age, a date, a fraction or the
// threshold after "færre end" / "fewer than"; "one other country" counts
// countries, not persons.
func smallCounts(words []string, lang nrm.Lang, k int) []string {
	var faults []string
	nw := numberWordsDA
	if lang == nrm.LangEN {
		nw = numberWordsEN
	}
	for i, w := range words {
		lw := strings.ToLower(strings.TrimRight(w, ",."))
		v, ok := nw[lw]
		if !ok {
			n, err := strconv.Atoi(lw)
			if err != nil {
				continue
			}
			v = n
		}
		if v <= 0 || v >= k {
			continue
		}
		next := ""
		if i+1 < len(words) {
			next = strings.ToLower(strings.TrimRight(words[i+1], ",."))
		}
		prev := ""
		if i > 0 {
			prev = strings.ToLower(words[i-1])
		}
		switch {
		case notCount.MatchString(next), next == "other" || next == "andet", prev == "than" || prev == "end",
			lw == "one" && (next == "of" || next == "is" || next == "way"), lw == "én" && next == "måde":
			continue
		}
		faults = append(faults, fmt.Sprintf("a count below %d is stated: %q", k, w+" "+next))
	}
	return faults
}

// checkParagraph finds a sentence that starts with a small letter after a
// full stop that does not end an abbreviation.
func checkParagraph(p string) []string {
	var faults []string
	for _, m := range regexp.MustCompile(`(\S+)\. +\p{Ll}`).FindAllStringSubmatch(p, -1) {
		if _, err := strconv.Atoi(m[1]); err == nil {
			continue // a date: "pr. 1. marts 2012"
		}
		switch strings.ToLower(m[1]) {
		case "pct", "f.eks", "pr", "bl.a", "mio", "kr", "ca", "nr", "jf":
			continue
		}
		faults = append(faults, "a sentence starts with a small letter after "+m[1]+".")
	}
	return faults
}

// The sentence checker finds each fault it is meant to find (and passes
// the seed's own sentences).
func TestSentenceCheckerCatchesFaults(t *testing.T) {
	for _, c := range []struct {
		s    string
		lang nrm.Lang
		k    int
		bad  bool
	}{
		{"In 2011, one women was identified.", nrm.LangEN, 1, true},
		{"In 2011, two woman were identified.", nrm.LangEN, 1, true},
		{"I 2011 er én kvinder vurderet handlet.", nrm.LangDA, 1, true},
		{"I 2011 er to kvinde vurderet handlet.", nrm.LangDA, 1, true},
		{"Of these, 0 of the persons returned.", nrm.LangEN, 1, true},
		{"Of these, the the persons returned.", nrm.LangEN, 1, true},
		{"In %s, persons were identified.", nrm.LangEN, 1, true},
		{"in 2011, persons were identified.", nrm.LangEN, 1, true},
		{"In 2011, persons were identified", nrm.LangEN, 1, true},
		{"Heraf havde to fortsat ophold ved årets udgang.", nrm.LangDA, 3, true},
		{"Heraf havde færre end tre fortsat ophold ved årets udgang.", nrm.LangDA, 3, false},
		{"Der er i 2011 ikke identificeret mandlige ofre for menneskehandel. Det bemærkes dog, at to mænd i 2010 og én mand i 2009 blev vurderet handlet.", nrm.LangDA, 1, false},
		{"Ca. 53 pct. var indkvarteret på krisecenter op til en måned, mens ca. 21 pct. var indkvarteret 100 dage eller derover.", nrm.LangDA, 3, false},
		{"About two thirds of the persons were met through police action.", nrm.LangEN, 3, false},
	} {
		var faults []string
		for _, s := range splitSentences(c.s) {
			faults = append(faults, checkSentence(s, c.lang, c.k)...)
		}
		faults = append(faults, checkParagraph(c.s)...)
		if (len(faults) > 0) != c.bad {
			t.Errorf("%q: faults %q, want bad %v", c.s, faults, c.bad)
		}
	}
}
