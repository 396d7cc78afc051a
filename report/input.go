package report

import (
	"time"

	"nrm"
)

// Input is what the report is built from.
type Input struct {
	// Stats is the statistics contract for the reporting year.
	Stats *nrm.Stats
	// Lang is the report language: nrm.LangDA (default) or nrm.LangEN.
	Lang nrm.Lang
	// Title overrides the default title ("Statusrapport 2011").
	Title string
	// Intro is the editable introduction, paragraphs separated by blank
	// lines; empty gives a default adapted from the seed's "Indledning".
	Intro string
	// Plan is the action plan; nil makes "Nye aktiviteter" say that no
	// plan is loaded.
	Plan *nrm.Plan
	// Outputs are the plan's registered outputs (courses, campaigns,
	// studies …); the report states those of the reporting year.
	Outputs []*nrm.Output
	// OutreachServices and OutreachStats are the outreach services and
	// their visits; the report states the reporting year's visits and
	// the change against the year before (report/outreach.go).
	OutreachServices []*nrm.OutreachService
	OutreachStats    []*nrm.OutreachStat
	// Period selects the status period shown, e.g. "2012-spring"; ""
	// shows the plan's default: the latest period begun by the cut-off
	// (nrm.Plan.DefaultPeriod).
	Period string
	// WorkGroups are the plan's working groups; the introduction names
	// the chair and members of the inter-ministerial one.
	WorkGroups []*nrm.WorkGroup
	// OrgNames maps organisation codes to display names (fallback: code).
	OrgNames map[string]string
	// K is the disclosure threshold; 0 or 1 turns disclosure control off
	// (an internal report). When K > 1 every count from 1 to K-1 is shown
	// as "<K" and is never stated in the narrative. The police's
	// prosecution figures count charges and decisions, not persons, and
	// are shown as reported (as the disclosure package publishes them)
	// unless Mask withholds them.
	K int
	// Mask adds cells to withhold (secondary suppression from the
	// disclosure package); nil withholds only the counts below K. See
	// MaskFromDisclosure and Publish.
	Mask Mask
	// Uniform names withheld cells whose display must not tell their
	// size: they show as "x" even when below K, and the narrative calls
	// them an undisclosed number (the disclosure package's uniform
	// display, used when "<K" itself would give a number away).
	Uniform Mask
	// Generated is the time shown in the footer.
	Generated time.Time
	// Facts are the earlier years' identified persons and the year's
	// crisis-shelter providers ("for første gang", "to mænd i 2010 og én
	// mand i 2009", "(Reden International krisecenter, …)"); nil leaves
	// those phrases out.
	Facts *nrm.NarrativeFacts
	// SourceNotes are what the sources say about the reporting year's
	// sections; each is printed after its section's narrative, and an
	// attributed one makes the figures read as reported by the source.
	SourceNotes []*nrm.SourceNote
	// Screenings are the reporting year's interview and screening
	// figures per organisation, stated in the narrative.
	Screenings []*nrm.Screening
}

// Mask reports whether the count at (table, row, col) must be withheld.
// Cells are named by their path in the statistics contract (the JSON keys
// of nrm.Stats), so a disclosure package working on nrm.Stats can answer
// without knowing the report's layout:
//
//	table                                   row                 col
//	identified                              total | US | CMM    ""
//	identified.by_year_authority            "2011"              US | CMM
//	by_contact_form, by_region,
//	by_nationality, by_exploitation,
//	by_gender, forced_labour_sectors,
//	age.bands, shelter.buckets              code/band/bucket    ""
//	by_exploitation_gender                  form                gender
//	age                                     min | max | mean    ""
//	age.by_region                           region              count | min | max | mean
//	minors                                  count               ""
//	shelter                                 count | still_at_year_end  ""
//	private_housing                         count | still_at_year_end | disappeared | self_return  ""
//	returns.period, returns.cohort          exit kind           ""
//	returns.period.by_identification_year   "2010"              exit kind
//	returns.cohort.by_exit_year             "2012"              exit kind
//	prosecution                             charges | decisions | convictions_unconditional |
//	                                        convictions_partly_suspended | convictions_total  ""
//	multi_form_persons                      ""                  ""
//	exploitation_persons                    ""                  ""
//	age                                     unknown             ""
//
// A withheld count shows as "<K" when it is below K (a withheld zero
// included, as the disclosure package shows it), else as "x"; a withheld
// age or mean shows as "x".
type Mask func(table, row, col string) bool

// Mask table names (the first argument of Mask).
const (
	TabIdentified          = "identified"
	TabByYearAuthority     = "identified.by_year_authority"
	TabContactForm         = "by_contact_form"
	TabRegion              = "by_region"
	TabNationality         = "by_nationality"
	TabExploitation        = "by_exploitation"
	TabExploitationGender  = "by_exploitation_gender"
	TabLabourSectors       = "forced_labour_sectors"
	TabGender              = "by_gender"
	TabAge                 = "age"
	TabAgeBands            = "age.bands"
	TabAgeByRegion         = "age.by_region"
	TabMinors              = "minors"
	TabShelter             = "shelter"
	TabShelterBuckets      = "shelter.buckets"
	TabPrivateHousing      = "private_housing"
	TabReturnsPeriod       = "returns.period"
	TabReturnsPeriodByYear = "returns.period.by_identification_year"
	TabReturnsCohort       = "returns.cohort"
	TabReturnsCohortByYear = "returns.cohort.by_exit_year"
	TabProsecution         = "prosecution"
	TabMultiForm           = "multi_form_persons"
	TabExploitationPersons = "exploitation_persons"
)

// count is a number as printed: its value and whether disclosure control
// withholds it.
type count struct {
	v       int
	hidden  bool
	uniform bool // withheld without telling its size (shown "x")
}

// below reports whether a withheld count is a small one (shown "<K"). The
// disclosure package never withholds a zero, so "<K" means 1 to K-1 and
// "x" a number that could reveal one.
func (b *builder) below(c count) bool {
	return c.hidden && !c.uniform && b.k > 1 && c.v >= 0 && c.v < b.k
}

// n returns the count at a cell, applying the threshold and the mask.
func (b *builder) n(table, row, col string, v int) count {
	c := count{v: v}
	if b.k > 1 && v >= 1 && v < b.k && table != TabProsecution {
		c.hidden = true
	}
	if b.in.Mask != nil && b.in.Mask(table, row, col) {
		c.hidden = true
	}
	if c.hidden && b.in.Uniform != nil && b.in.Uniform(table, row, col) {
		c.uniform = true
	}
	return c
}

// published reports whether disclosure control is on: then the order of
// categories in the text and the figures may depend only on what is
// shown.
func (b *builder) published() bool { return b.k > 1 || b.in.Mask != nil }

// byShown orders codes by their counts as a reader sees them: shown
// counts by count (descending, stable in the given order), then withheld
// ones in the given order, so that the order of the withheld counts tells
// nothing about their size. Without disclosure control it is byCount.
func (b *builder) byShown(codes []string, m map[string]int, at func(code string) count) []string {
	if !b.published() {
		return byCount(codes, m)
	}
	var shown, withheld []string
	for _, c := range codes {
		if at(c).hidden {
			withheld = append(withheld, c)
		} else {
			shown = append(shown, c)
		}
	}
	return append(byCount(shown, m), withheld...)
}

// masked reports whether a non-count value (an age, a mean) is withheld.
func (b *builder) masked(table, row, col string) bool {
	return b.in.Mask != nil && b.in.Mask(table, row, col)
}

// withheldText is what a withheld count shows in a table or chart.
func (b *builder) withheldText(c count) string {
	if b.below(c) {
		return "<" + FormatInt(b.k, b.lang)
	}
	return "x"
}

// cell is a table cell for a count.
func (b *builder) cell(c count) Cell {
	if c.hidden {
		return Cell{Text: b.withheldText(c), Withheld: true}
	}
	return Cell{Text: FormatInt(c.v, b.lang), Number: float64(c.v), IsNumber: true}
}

// w writes a count standing alone in running text ("twelve were…"):
// words below 13, digits above, and for a withheld count "færre end tre"
// or "et ikke oplyst antal" / "an undisclosed number".
func (b *builder) w(c count) string {
	if c.hidden && !b.below(c) {
		return b.tr("et ikke oplyst antal", "an undisclosed number")
	}
	return b.wn(c)
}

// wn writes a count before its noun: as w, but "an undisclosed number of"
// in English ("an undisclosed number of victims").
func (b *builder) wn(c count) string {
	switch {
	case !c.hidden:
		return Words(c.v, b.lang)
	case b.below(c):
		return b.tr("færre end ", "fewer than ") + Words(b.k, b.lang)
	}
	return b.tr("et ikke oplyst antal", "an undisclosed number of")
}

// np writes a count with its noun, singular for exactly one ("én
// kvinde", "54 kvinder", "færre end tre kvinder").
func (b *builder) np(c count, sing, plur string) string {
	if !c.hidden && c.v == 1 {
		return b.wn(c) + " " + sing
	}
	return b.wn(c) + " " + plur
}

// share phrases part of whole; false when either is withheld or the
// whole is zero, so that no withheld number can be derived.
func (b *builder) share(part, whole count) (string, bool) {
	if part.hidden || whole.hidden || whole.v <= 0 {
		return "", false
	}
	return Share(part.v, whole.v, b.lang), true
}

// pct is a percentage of part in whole, false when either is withheld.
func (b *builder) pct(part, whole count) (string, bool) {
	if part.hidden || whole.hidden || whole.v <= 0 {
		return "", false
	}
	return Percent(part.v, whole.v, b.lang), true
}
