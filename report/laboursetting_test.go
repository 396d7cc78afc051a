package report_test

import (
	"strings"
	"testing"

	"nrm"
	"nrm/report"
	"nrm/report/reporttest"
)

// exploitationText is the section on forms of exploitation as one string.
func exploitationText(t *testing.T, in report.Input) string {
	t.Helper()
	d, err := report.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(sectionText(d, "exploitation"), "\n")
}

// The forced-labour sentence names the labour setting after the sector
// as the seed does ("én i form af rengøring på kontorer og skoler"),
// splits a sector whose persons have different settings, and in a
// published report names settings only when every part is at least k
// persons: otherwise no setting at all.
func TestForcedLabourSettings(t *testing.T) {
	facts := func(m map[string]map[string]int) *nrm.NarrativeFacts { return &nrm.NarrativeFacts{LabourSettings: m} }
	seedFacts := facts(map[string]map[string]int{"cleaning": {"offices_schools": 1}})
	for _, c := range []struct {
		name    string
		lang    nrm.Lang
		k       int
		sectors map[string]int // nil: the 2011 fixture's (domestic work 2, cleaning 1)
		facts   *nrm.NarrativeFacts
		want    []string
		not     []string
	}{
		{name: "seed da", lang: nrm.LangDA, facts: seedFacts,
			want: []string{"til tvangsarbejde – to i form af husarbejde og én i form af rengøring på kontorer og skoler."}},
		{name: "seed en", lang: nrm.LangEN, facts: seedFacts,
			want: []string{"for forced labour – two in domestic work and one in cleaning in offices and schools."}},
		{name: "no facts", lang: nrm.LangDA,
			want: []string{"til tvangsarbejde – to i form af husarbejde og én i form af rengøring."}},
		{name: "split sector", lang: nrm.LangDA, facts: facts(map[string]map[string]int{"domestic_work": {"private_home": 1}}),
			want: []string{"– én i form af husarbejde i private hjem, én i form af husarbejde og én i form af rengøring."}},
		{name: "settings beyond the sector's count are ignored", lang: nrm.LangEN,
			facts: facts(map[string]map[string]int{"cleaning": {"offices_schools": 2}}),
			want:  []string{"– two in domestic work and one in cleaning."}},
		{name: "published small counts", lang: nrm.LangDA, k: 3, facts: seedFacts,
			want: []string{"– færre end tre i form af husarbejde og færre end tre i form af rengøring."}, not: []string{"kontorer", "private hjem"}},
		{name: "published large counts", lang: nrm.LangDA, k: 3, sectors: map[string]int{"domestic_work": 6, "cleaning": 3},
			facts: facts(map[string]map[string]int{"domestic_work": {"private_home": 3}, "cleaning": {"offices_schools": 3}}),
			want:  []string{"– tre i form af husarbejde i private hjem, tre i form af husarbejde og tre i form af rengøring på kontorer og skoler."}},
		{name: "published remainder below k", lang: nrm.LangEN, k: 3, sectors: map[string]int{"domestic_work": 6, "cleaning": 3},
			facts: facts(map[string]map[string]int{"domestic_work": {"private_home": 4}, "cleaning": {"offices_schools": 3}}),
			want:  []string{"– six in domestic work and three in cleaning."}, not: []string{"offices", "private homes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := reporttest.Stats2011(t)
			if c.sectors != nil {
				for sc := range s.ForcedLabourSectors {
					s.ForcedLabourSectors[sc] = c.sectors[sc]
				}
			}
			in := report.Input{Stats: s, Lang: c.lang, K: c.k, Facts: c.facts, Generated: reporttest.Generated}
			text := exploitationText(t, in)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in:\n%s", w, text)
				}
			}
			for _, n := range c.not {
				if strings.Contains(text, n) {
					t.Errorf("%q named in:\n%s", n, text)
				}
			}
		})
	}
}
