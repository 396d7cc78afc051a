package nrm

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// StatsQuery selects the reporting year and the cut-off date: only facts
// dated on or before Cutoff count.
type StatsQuery struct {
	Year   int
	Cutoff Date
	// Org, when set, counts only the cases this organisation may read
	// (its own, those shared with it and those referred to it through an
	// accepted referral): an organisation's exact statistics of its own
	// cases. Empty: the whole country.
	Org string
}

// DefaultCutoff is 1 March of the year after the reporting year, as in the
// seed report ("Opgjort pr. 1. marts 2012").
func DefaultCutoff(year int) Date { return NewDate(year+1, time.March, 1) }

// Normalize fills the default cut-off.
func (q StatsQuery) Normalize() StatsQuery {
	if q.Cutoff.IsZero() {
		q.Cutoff = DefaultCutoff(q.Year)
	}
	return q
}

// YearEnd returns 31 December of the reporting year.
func (q StatsQuery) YearEnd() Date { return NewDate(q.Year, time.December, 31) }

// Age bands of the statistics contract, in order.
var AgeBands = []string{"0-17", "18-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-59", "60+"}

// AgeBand returns the contract band of an age in completed years.
func AgeBand(age int) string {
	switch {
	case age < 18:
		return "0-17"
	case age < 20:
		return "18-19"
	case age < 50:
		lo := age / 5 * 5
		return AgeBands[2+(lo-20)/5]
	case age < 60:
		return "50-59"
	}
	return "60+"
}

// Shelter-day buckets of the contract (Figure 8), in order.
var ShelterBuckets = []string{"<=30", "31-99", ">=100"}

// ShelterBucket returns the bucket of a number of shelter days.
func ShelterBucket(days int) string {
	switch {
	case days <= 30:
		return "<=30"
	case days < 100:
		return "31-99"
	}
	return ">=100"
}

// Stats is the statistics contract of design.md §4: one JSON object per
// reporting year and cut-off. The JSON key names are a public contract.
type Stats struct {
	Year   int  `json:"year"`
	Cutoff Date `json:"cutoff"`
	// Organisation is set on an organisation's statistics of its own
	// cases (StatsQuery.Org); absent for the whole country.
	Organisation string `json:"organisation,omitempty"`
	Identified   struct {
		Total           int             `json:"total"`
		ByAuthority     map[string]int  `json:"by_authority"`
		ByYearAuthority []YearAuthority `json:"by_year_authority"`
	} `json:"identified"`
	ByContactForm        map[string]int            `json:"by_contact_form"`
	ByRegion             map[string]int            `json:"by_region"`
	ByNationality        map[string]int            `json:"by_nationality"`
	NationalityRanking   []NationalityCount        `json:"nationality_ranking"`
	ByExploitation       map[string]int            `json:"by_exploitation"`
	ByExploitationGender map[string]map[string]int `json:"by_exploitation_gender"`
	ExploitationPersons  int                       `json:"exploitation_persons"`
	MultiFormPersons     int                       `json:"multi_form_persons"`
	// FormsByGender holds, per gender, the persons with a recorded form
	// and the forms beyond each person's first: the forms × gender cells
	// of a gender add up to the two. The disclosure control needs them
	// to protect the gender counts against the forms' cells.
	FormsByGender       map[string]FormCount `json:"forms_by_gender"`
	ForcedLabourSectors map[string]int       `json:"forced_labour_sectors"`
	ByGender            map[string]int       `json:"by_gender"`
	Age                 AgeStats             `json:"age"`
	Minors              Minors               `json:"minors"`
	Shelter             ShelterStats         `json:"shelter"`
	PrivateHousing      PrivateHousing       `json:"private_housing"`
	Returns             Returns              `json:"returns"`
	Prosecution         ProsecutionStats     `json:"prosecution"`
	// The mechanism between organisations (design.md §3).
	Referrals        ReferralStats        `json:"referrals"`
	Presumed         PresumedStats        `json:"presumed"`
	DecisionDays     DecisionDays         `json:"decision_days"`
	Reconsiderations ReconsiderationStats `json:"reconsiderations"`
	// PresumedNotIdentified breaks down the presumed victims of the year
	// that no final decision identified by the cut-off: with the
	// identified persons they are Eurostat's registered victims, each
	// person counted once.
	PresumedNotIdentified PresumedVictims `json:"presumed_not_identified"`
}

// PresumedVictims counts the persons whose first positive preliminary
// assessment is dated in the reporting year (up to the cut-off, as
// PresumedStats) and who have no final identification dated on or before
// the cut-off: the presumed victims not (yet) identified. A person
// identified by the cut-off counts among the identified of the year of
// that decision instead, so that identified and presumed never share a
// person. ByGender, ByAgeGroup and ByNationality add up to Total; in
// ByExploitationGender a person counts once in each form of that
// preliminary assessment, and under "unknown" when it records none.
type PresumedVictims struct {
	Total    int            `json:"total"`
	ByGender map[string]int `json:"by_gender"`
	// ByAgeGroup is "child" (under 18), "adult" or "unknown" at the date
	// of the preliminary assessment, from the birth year (age counts from
	// 1 July of it): the statistics never read the encrypted birth date.
	ByAgeGroup map[string]int `json:"by_age_group"`
	// ByNationality is by ISO code, "unknown" for none.
	ByNationality        map[string]int            `json:"by_nationality"`
	ByExploitationGender map[string]map[string]int `json:"by_exploitation_gender"`
}

// Age groups of PresumedVictims.ByAgeGroup.
const (
	AgeGroupChild   = "child"
	AgeGroupAdult   = "adult"
	AgeGroupUnknown = "unknown"
)

// ReferralStats counts the referrals dated in the reporting year (up to
// the cut-off). Every table adds up to Total, except ByOutcome, which
// counts the assessment referrals (ByPurpose["assessment"]).
type ReferralStats struct {
	Total int `json:"total"`
	// ByPurpose splits by what the referral asks for (assessment, support).
	ByPurpose map[string]int `json:"by_purpose"`
	// BySourceContactForm is the contact form of the case's first contact
	// ("unknown" only when some case has no contact).
	BySourceContactForm map[string]int `json:"by_source_contact_form"`
	// ByStatus is the status as of the cut-off: a status recorded after
	// it (or without a date) counts as sent.
	ByStatus map[string]int `json:"by_status"`
	// ByOutcome is, of the assessment referrals, the outcome of the case's
	// first final decision (identified or not identified) by the authority
	// referred to, dated up to the cut-off; pending when there is none.
	ByOutcome map[string]int `json:"by_outcome"`
}

// PresumedStats counts the presumed victims: cases whose first positive
// preliminary assessment is dated in the reporting year (up to the
// cut-off), by the authority of that assessment.
type PresumedStats struct {
	Total       int            `json:"total"`
	ByAuthority map[string]int `json:"by_authority"`
}

// DaysSummary is the count, median and 90th percentile of a number of
// days. Percentiles are nearest-rank: the p-th percentile of n values is
// the ceil(p·n/100)-th smallest (NearestRank); both are null when Count is
// 0.
type DaysSummary struct {
	Count  int  `json:"count"`
	Median *int `json:"median"`
	P90    *int `json:"p90"`
}

// DecisionDays is the time to a final decision: for the cases whose first
// final decision (outcome identified or not identified; a preliminary
// assessment or a pending outcome is no decision) is dated in the
// reporting year (up to the cut-off), the days from the first contact to
// that decision, overall and by the deciding authority. Cases without a
// contact are not counted.
type DecisionDays struct {
	DaysSummary
	ByAuthority map[string]DaysSummary `json:"by_authority"`
}

// ReconsiderationStats counts the reconsiderations requested in the
// reporting year (up to the cut-off): Requested = Upheld + Overturned +
// Pending, where a reconsideration decided after the cut-off is pending.
type ReconsiderationStats struct {
	Requested  int `json:"requested"`
	Upheld     int `json:"upheld"`
	Overturned int `json:"overturned"`
	Pending    int `json:"pending"`
}

// NearestRank returns the 1-based rank of the pct-th percentile of n
// values by the nearest-rank method, ceil(pct·n/100); 0 when n is 0.
func NearestRank(n, pct int) int {
	if n <= 0 {
		return 0
	}
	return max((pct*n+99)/100, 1)
}

// YearAuthority is one point of the Figure 1 series.
type YearAuthority struct {
	Year int `json:"year"`
	US   int `json:"US"`
	CMM  int `json:"CMM"`
}

// NationalityCount is one row of Figure 4, sorted by count, then name.
type NationalityCount struct {
	Code   string `json:"code"`
	NameDA string `json:"name_da"`
	NameEN string `json:"name_en"`
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// AgeSummary is min, max and mean (one decimal) over Count known ages.
type AgeSummary struct {
	Min   *int     `json:"min"`
	Max   *int     `json:"max"`
	Mean  *float64 `json:"mean"`
	Count int      `json:"count"`
}

// AgeStats is the age section (Figure 7 and the age-by-region table).
type AgeStats struct {
	Min      *int                  `json:"min"`
	Max      *int                  `json:"max"`
	Mean     *float64              `json:"mean"`
	Known    int                   `json:"known"`
	Unknown  int                   `json:"unknown"`
	Bands    map[string]int        `json:"bands"`
	ByRegion map[string]AgeSummary `json:"by_region"`
}

// Minors lists identified persons under 18, without identifiers.
type Minors struct {
	Count int         `json:"count"`
	Cases []MinorCase `json:"cases"`
}

// MinorCase is one minor: statistical attributes only.
type MinorCase struct {
	Age          int      `json:"age"`
	Gender       string   `json:"gender"`
	Region       string   `json:"region"`
	Exploitation []string `json:"exploitation"`
	LabourSector string   `json:"labour_sector,omitempty"`
	ContactForm  string   `json:"contact_form"`
}

// ShelterStats is the crisis-shelter section (Figure 8).
type ShelterStats struct {
	Count          int            `json:"count"`
	StillAtYearEnd int            `json:"still_at_year_end"`
	Buckets        map[string]int `json:"buckets"`
	TotalDays      int            `json:"total_days"`
}

// FormCount is a gender's persons with a recorded form of exploitation and
// the forms beyond each one's first.
type FormCount struct {
	Persons    int `json:"persons"`
	ExtraForms int `json:"extra_forms"`
}

// PrivateHousing is the private-housing section.
type PrivateHousing struct {
	Count          int `json:"count"`
	StillAtYearEnd int `json:"still_at_year_end"`
	Disappeared    int `json:"disappeared"`
	SelfReturn     int `json:"self_return"`
}

// Returns holds both views of exits: exits dated in the year (period) and
// exits of the year's identified cohort up to the cut-off.
type Returns struct {
	Period PeriodReturns `json:"period"`
	Cohort CohortReturns `json:"cohort"`
}

// PeriodReturns counts exits by kind dated in the reporting year, of cases
// identified on any date up to the cut-off, with the split by the year of
// identification. Its JSON object holds the kinds as keys beside
// by_identification_year.
type PeriodReturns struct {
	ByKind               map[string]int
	ByIdentificationYear map[string]map[string]int
}

// CohortReturns counts exits by kind, dated up to the cut-off, of the cases
// identified in the reporting year, with the split by exit year.
type CohortReturns struct {
	ByKind     map[string]int
	ByExitYear map[string]map[string]int
}

// MarshalJSON flattens the kinds beside by_identification_year.
func (p PeriodReturns) MarshalJSON() ([]byte, error) {
	return marshalFlat(p.ByKind, "by_identification_year", p.ByIdentificationYear)
}

// UnmarshalJSON reads the flattened form.
func (p *PeriodReturns) UnmarshalJSON(b []byte) error {
	return unmarshalFlat(b, &p.ByKind, "by_identification_year", &p.ByIdentificationYear)
}

// MarshalJSON flattens the kinds beside by_exit_year.
func (c CohortReturns) MarshalJSON() ([]byte, error) {
	return marshalFlat(c.ByKind, "by_exit_year", c.ByExitYear)
}

// UnmarshalJSON reads the flattened form.
func (c *CohortReturns) UnmarshalJSON(b []byte) error {
	return unmarshalFlat(b, &c.ByKind, "by_exit_year", &c.ByExitYear)
}

func marshalFlat(kinds map[string]int, key string, split map[string]map[string]int) ([]byte, error) {
	m := make(map[string]any, len(kinds)+1)
	for k, v := range kinds {
		m[k] = v
	}
	if split == nil {
		split = map[string]map[string]int{}
	}
	m[key] = split
	return json.Marshal(m)
}

func unmarshalFlat(b []byte, kinds *map[string]int, key string, split *map[string]map[string]int) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*kinds = map[string]int{}
	for k, v := range raw {
		if k == key {
			if err := json.Unmarshal(v, split); err != nil {
				return err
			}
			continue
		}
		var n int
		if err := json.Unmarshal(v, &n); err != nil {
			return err
		}
		(*kinds)[k] = n
	}
	return nil
}

// ProsecutionStats is the police's aggregate row for the year.
type ProsecutionStats struct {
	Reported                   bool   `json:"reported"`
	Charges                    int    `json:"charges"`
	Decisions                  int    `json:"decisions"`
	ConvictionsUnconditional   int    `json:"convictions_unconditional"`
	ConvictionsPartlySuspended int    `json:"convictions_partly_suspended"`
	ConvictionsTotal           int    `json:"convictions_total"`
	CutoffDate                 Date   `json:"cutoff_date"`
	Note                       string `json:"note"`
}

// SortNationalities orders rows by count (descending), then name in the
// alphabetical order of lang: Danish ends the alphabet Z, Æ, Ø, Å and
// sorts AA as Å; English sorts Å as A. Names equal to the collation are
// ordered bytewise, then by code, so the order is total.
func SortNationalities(rows []NationalityCount, lang Lang) {
	tag := language.Danish
	if lang == LangEN {
		tag = language.English
	}
	// A collator is not safe for concurrent use: one per call.
	c := collate.New(tag)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Count != rows[j].Count {
			return rows[i].Count > rows[j].Count
		}
		ni, nj := rows[i].NameDA, rows[j].NameDA
		if lang == LangEN {
			ni, nj = rows[i].NameEN, rows[j].NameEN
		}
		if r := c.CompareString(ni, nj); r != 0 {
			return r < 0
		}
		if ni != nj {
			return ni < nj
		}
		return rows[i].Code < rows[j].Code
	})
}

// StatsService computes the statistics contract.
type StatsService interface {
	Statistics(ctx context.Context, q StatsQuery) (*Stats, error)
}
