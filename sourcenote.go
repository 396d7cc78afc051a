package nrm

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	for _, s := range []*codeSet{statsSections, screeningKinds, screeningGroups} {
		codeSets[s.name] = s
	}
	for k, l := range map[string]label{
		"section":        {"Afsnit", "Section"},
		"source":         {"Kilde", "Source"},
		"text_da":        {"Tekst (dansk)", "Text (Danish)"},
		"text_en":        {"Tekst (engelsk)", "Text (English)"},
		"attributed":     {"Tallene oplyst af kilden", "Figures reported by the source"},
		"source_note":    {"Kildenote", "Source note"},
		"screening":      {"Screeningstal", "Screening figure"},
		"screening_kind": {"Art", "Kind"},
		"target_group":   {"Målgruppe", "Target group"},
		"persons":        {"Antal personer", "Number of persons"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = l
		}
	}
	expectedDA = append(expectedDA, compileExpected([][2]string{
		{"a whole number from 0 to {}", "et helt tal fra 0 til {}"},
		{"a registered organisation code", "en registreret organisationskode"},
	})...)
}

// StatsSection is a section of the report's statistics that a source note
// belongs to.
type StatsSection string

var statsSections = newCodeSet("section",
	[3]string{"identifications", "Identifikationer", "Identifications"},
	[3]string{"contact_form", "Kontaktform", "Contact form"},
	[3]string{"nationality", "Nationaliteter", "Nationalities"},
	[3]string{"exploitation", "Udnyttelsesform og køn", "Form of exploitation and gender"},
	[3]string{"age", "Alder", "Age"},
	[3]string{"minors", "Mindreårige", "Minors"},
	[3]string{"shelter", "Ophold på krisecentre", "Stays in crisis shelters"},
	[3]string{"private_housing", "Privat indkvartering", "Private housing"},
	[3]string{"returns", "Forberedte hjemsendelser", "Prepared returns"},
	[3]string{"prosecution", "Sigtelser og afgørelser", "Charges and decisions"},
)

// Valid reports whether s is a known section.
func (s StatsSection) Valid() bool { return statsSections.valid(string(s)) }

// SourceNote is what a source (an organisation that supplies figures or
// knowledge behind them) says about one section of a year's statistics:
// the seed's "Udlændingestyrelsen har oplyst, …", that interrupted
// prepared returns are not counted, that the figures come from a manual
// review. One note per year, section and source; the report prints its
// paragraphs after the section's narrative. Attributed makes the
// section's figures read as reported by the source (for the returns:
// "Udlændingestyrelsen har oplyst, at der i 2011 blev gennemført …").
type SourceNote struct {
	Year       int          `json:"year" yaml:"year"`
	Section    StatsSection `json:"section" yaml:"section"`
	Org        string       `json:"org" yaml:"org"`
	Attributed bool         `json:"attributed,omitempty" yaml:"attributed,omitempty"`
	// TextDA and TextEN are the note, paragraphs separated by blank lines;
	// either may be empty when Attributed is set.
	TextDA string `json:"text_da,omitempty" yaml:"text_da,omitempty"`
	TextEN string `json:"text_en,omitempty" yaml:"text_en,omitempty"`
}

// Validate checks a source note, one field error per fault.
func (n *SourceNote) Validate() error {
	v := &invalid{}
	n.Org = strings.TrimSpace(n.Org)
	n.TextDA, n.TextEN = strings.TrimSpace(n.TextDA), strings.TrimSpace(n.TextEN)
	checkStatsYear(v, n.Year)
	if !n.Section.Valid() {
		v.add("section", RuleOneOf, string(n.Section), statsSections.expected())
	}
	checkOrgCode(v, n.Org)
	if n.TextDA == "" && !n.Attributed {
		v.add("text_da", RuleRequired, "", "")
	}
	if n.TextEN != "" && n.TextDA == "" {
		v.add("text_da", RuleRequired, "", "")
	}
	for f, t := range map[string]string{"text_da": n.TextDA, "text_en": n.TextEN} {
		if len(t) > MaxOutputText {
			v.add(f, RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
		}
	}
	return v.err("The source note has invalid fields.")
}

// Text returns the note in a language: the English text when there is
// one, else the Danish.
func (n *SourceNote) Text(l Lang) string {
	if l == LangEN && n.TextEN != "" {
		return n.TextEN
	}
	return n.TextDA
}

// ScreeningKind is how persons were met to look for signs of trafficking.
type ScreeningKind string

// Screening kinds.
const (
	ScreeningInterview ScreeningKind = "interview"
	ScreeningScreening ScreeningKind = "screening"
)

var screeningKinds = newCodeSet("screening_kind",
	[3]string{string(ScreeningInterview), "Menneskehandelsinterview", "Trafficking interview"},
	[3]string{string(ScreeningScreening), "Screening for tegn på menneskehandel", "Screening for signs of trafficking"},
)

// Valid reports whether k is a known kind.
func (k ScreeningKind) Valid() bool { return screeningKinds.valid(string(k)) }

// ScreeningGroup is whom a screening was aimed at.
type ScreeningGroup string

// Screening target groups.
const (
	GroupMinors ScreeningGroup = "minors"
	GroupAdults ScreeningGroup = "adults"
	GroupAll    ScreeningGroup = "all"
)

var screeningGroups = newCodeSet("target_group",
	[3]string{string(GroupMinors), "Mindreårige", "Minors"},
	[3]string{string(GroupAdults), "Voksne", "Adults"},
	[3]string{string(GroupAll), "Alle", "Everyone"},
)

// Valid reports whether g is a known group.
func (g ScreeningGroup) Valid() bool { return screeningGroups.valid(string(g)) }

// MaxScreeningPersons bounds a screening count.
const MaxScreeningPersons = 1_000_000

// Screening is how many persons an organisation interviewed or screened
// for signs of trafficking in a year (the seed: "menneskehandelsinterviews
// med 80 mindreårige i regi af Røde Kors"). One figure per year,
// organisation, kind and group; the report states it.
type Screening struct {
	Year    int            `json:"year" yaml:"year"`
	Org     string         `json:"org" yaml:"org"`
	Kind    ScreeningKind  `json:"kind" yaml:"kind"`
	Group   ScreeningGroup `json:"group" yaml:"group"`
	Persons int            `json:"persons" yaml:"persons"`
}

// Validate checks a screening figure, one field error per fault.
func (s *Screening) Validate() error {
	v := &invalid{}
	s.Org = strings.TrimSpace(s.Org)
	checkStatsYear(v, s.Year)
	checkOrgCode(v, s.Org)
	if !s.Kind.Valid() {
		v.add("screening_kind", RuleOneOf, string(s.Kind), screeningKinds.expected())
	}
	if !s.Group.Valid() {
		v.add("target_group", RuleOneOf, string(s.Group), screeningGroups.expected())
	}
	if s.Persons < 0 || s.Persons > MaxScreeningPersons {
		v.add("persons", RuleRange, fmt.Sprint(s.Persons), fmt.Sprintf("a whole number from 0 to %d", MaxScreeningPersons))
	}
	return v.err("The screening figure has invalid fields.")
}

func checkStatsYear(v *invalid, y int) {
	if y < 1900 || y > 2200 {
		v.add("year", RuleRange, fmt.Sprint(y), "a year between 1900 and 2200")
	}
}

func checkOrgCode(v *invalid, code string) {
	switch {
	case code == "":
		v.add("org", RuleRequired, "", "")
	case len(code) > 40:
		v.add("org", RuleTooLong, "", "at most 40 characters")
	}
}

// SourceNoteService stores the sources' notes and the screening figures
// behind the year's statistics. Everyone who sees statistics reads; the
// coordinating ministry and administrators write. An organisation code
// must name a registered organisation.
type SourceNoteService interface {
	// FindSourceNotes returns the notes of a year (0: every year), ordered
	// by year, section (in report order) and organisation.
	FindSourceNotes(ctx context.Context, year int) ([]*SourceNote, error)
	// SaveSourceNote creates or replaces the note of its year, section
	// and organisation.
	SaveSourceNote(ctx context.Context, n *SourceNote) error
	// DeleteSourceNote deletes a note; ENOTFOUND when there is none.
	DeleteSourceNote(ctx context.Context, year int, section StatsSection, org string) error
	// FindScreenings returns the figures of a year (0: every year),
	// ordered by year, organisation, kind and group.
	FindScreenings(ctx context.Context, year int) ([]*Screening, error)
	// SaveScreening creates or replaces the figure of its year,
	// organisation, kind and group.
	SaveScreening(ctx context.Context, s *Screening) error
	// DeleteScreening deletes a figure; ENOTFOUND when there is none.
	DeleteScreening(ctx context.Context, year int, org string, kind ScreeningKind, group ScreeningGroup) error
}

// SectionOrder is the position of a section in the report (unknown last).
func SectionOrder(s StatsSection) int {
	for i, c := range statsSections.codes {
		if c == string(s) {
			return i
		}
	}
	return len(statsSections.codes)
}

// NarrativeFacts are the facts beyond the statistics contract that the
// report's narrative uses: the earlier years' identified persons (for "for
// the first time" and comparisons such as "to mænd i 2010 og én mand i
// 2009") and the crisis shelters the year's identified persons stayed in.
// They are never published as tables; the narrative applies the
// disclosure rules to them itself.
type NarrativeFacts struct {
	// Earlier holds, for each year before the reporting year with
	// identified persons (counted up to the cut-off), the persons by
	// gender, region, nationality and form of exploitation.
	Earlier map[int]*YearFacts `json:"earlier"`
	// ShelterProviders counts, per provider, the persons of the shelter
	// count (statistics' shelter.count) who stayed with it.
	ShelterProviders map[string]int `json:"shelter_providers"`
	// LabourSettings counts, per forced-labour sector of the statistics'
	// forced_labour_sectors, the persons whose identifying assessment
	// gives a labour setting, by setting ("cleaning" → "offices_schools"
	// → 1); persons with no setting are not listed.
	LabourSettings map[string]map[string]int `json:"labour_settings"`
}

// YearFacts are one earlier year's identified persons by category.
type YearFacts struct {
	Total          int            `json:"total"`
	ByGender       map[string]int `json:"by_gender"`
	ByRegion       map[string]int `json:"by_region"`
	ByNationality  map[string]int `json:"by_nationality"`
	ByExploitation map[string]int `json:"by_exploitation"`
}

// NarrativeService computes the narrative facts of a statistics query.
type NarrativeService interface {
	NarrativeFacts(ctx context.Context, q StatsQuery) (*NarrativeFacts, error)
}
