package nrm

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	for k, l := range map[string]label{
		"background":          {"Baggrund for indledningen", "Background for the introduction"},
		"coordinator":         {"Koordinerende ministerium", "Coordinating ministry"},
		"channelled_to":       {"Modtager af hovedparten af midlerne", "Recipient of most of the funds"},
		"centre.org":          {"Nationalt center", "National centre"},
		"centre.year":         {"Centrets oprettelsesår", "Year the centre was founded"},
		"history.name_da":     {"Tidligere handlingsplans navn", "Name of an earlier action plan"},
		"history.end_year":    {"Tidligere handlingsplans periode", "Period of an earlier action plan"},
		"history.annex_year":  {"År for tillæg", "Year of the annex"},
		"funding.org":         {"Finansieringens myndighed", "Authority of the funding"},
		"footnote":            {"Fodnote", "Footnote"},
		"footnotes":           {"Fodnoter", "Footnotes"},
		"centre":              {"Nationalt center", "National centre"},
		"history":             {"Tidligere handlingsplaner", "Earlier action plans"},
		"end_evaluation":      {"Ekstern evaluering ved planperiodens afslutning", "External evaluation at the end of the plan"},
		"annex_year":          {"År for tillæg", "Year of the annex"},
		"annex_da":            {"Tillæg (dansk)", "Annex (Danish)"},
		"annex_en":            {"Tillæg (engelsk)", "Annex (English)"},
		"minister_da":         {"Minister med koordinerende ansvar (dansk)", "Minister with coordinating responsibility (Danish)"},
		"minister_en":         {"Minister med koordinerende ansvar (engelsk)", "Minister with coordinating responsibility (English)"},
		"report_to_da":        {"Sendes til (dansk)", "Sent to (Danish)"},
		"report_to_en":        {"Sendes til (engelsk)", "Sent to (English)"},
		"funded_by_da":        {"Finansieret af (dansk)", "Funded by (Danish)"},
		"funded_by_en":        {"Finansieret af (engelsk)", "Funded by (English)"},
		"tasks_da":            {"Centrets opgaver (dansk)", "The centre's tasks (Danish)"},
		"tasks_en":            {"Centrets opgaver (engelsk)", "The centre's tasks (English)"},
		"target_da":           {"Målgrupper (dansk)", "Target groups (Danish)"},
		"target_en":           {"Målgrupper (engelsk)", "Target groups (English)"},
		"intro_da":            {"Indledende tekst (dansk)", "Introductory text (Danish)"},
		"intro_en":            {"Indledende tekst (engelsk)", "Introductory text (English)"},
		"channelled_role_da":  {"Modtagerens rolle (dansk)", "The recipient's role (Danish)"},
		"channelled_role_en":  {"Modtagerens rolle (engelsk)", "The recipient's role (English)"},
		"responsible_text_en": {"Ansvarlige som tekst (engelsk)", "Responsible bodies as text (English)"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = l
		}
	}
}

// Plan is a multi-year national action plan: strategic areas, goals and
// activities, each activity with responsible organisations and a status
// per reporting period.
type Plan struct {
	ID        int64         `json:"id,omitempty" yaml:"-"`
	Code      string        `json:"code" yaml:"code"`
	NameDA    string        `json:"name_da" yaml:"name_da"`
	NameEN    string        `json:"name_en" yaml:"name_en"`
	StartYear int           `json:"start_year" yaml:"start_year"`
	EndYear   int           `json:"end_year" yaml:"end_year"`
	BudgetDKK float64       `json:"budget_dkk" yaml:"budget_dkk"` // total, e.g. 85.6 mio. kr.
	Areas     []Area        `json:"areas" yaml:"areas"`
	Funding   []FundingLine `json:"funding,omitempty" yaml:"funding,omitempty"`
	// Background is what the report's introduction says about the
	// plan's setting; nil leaves those sentences out.
	Background *PlanBackground `json:"background,omitempty" yaml:"background,omitempty"`
}

// PlanBackground is the setting of a plan as the status report's
// introduction states it: who coordinates, the earlier plans, how the
// effort is financed and what happens to the report. The
// inter-ministerial working group (chair, members) is the plan's
// WorkGroup of kind inter_ministerial; the funding lines are the plan's.
type PlanBackground struct {
	// Coordinator is the coordinating ministry (an organisation code);
	// MinisterDA/EN its minister as running text names them ("minister
	// for ligestilling", "the Minister for Gender Equality").
	Coordinator string `json:"coordinator,omitempty" yaml:"coordinator,omitempty"`
	MinisterDA  string `json:"minister_da,omitempty" yaml:"minister_da,omitempty"`
	MinisterEN  string `json:"minister_en,omitempty" yaml:"minister_en,omitempty"`
	// History is the earlier plans, oldest first.
	History []PlanHistory `json:"history,omitempty" yaml:"history,omitempty"`
	// FundedByDA/EN is the pool every plan has been financed from
	// ("satspuljemidler"); empty leaves the sentence out.
	FundedByDA string `json:"funded_by_da,omitempty" yaml:"funded_by_da,omitempty"`
	FundedByEN string `json:"funded_by_en,omitempty" yaml:"funded_by_en,omitempty"`
	// ChannelledTo is the organisation most of the funds go to, with
	// what it does as a relative clause ("står for samarbejdet …").
	ChannelledTo     string `json:"channelled_to,omitempty" yaml:"channelled_to,omitempty"`
	ChannelledRoleDA string `json:"channelled_role_da,omitempty" yaml:"channelled_role_da,omitempty"`
	ChannelledRoleEN string `json:"channelled_role_en,omitempty" yaml:"channelled_role_en,omitempty"`
	// Centre is the national centre set up under an earlier plan.
	Centre *CentreFounding `json:"centre,omitempty" yaml:"centre,omitempty"`
	// TargetDA/EN is the paragraph on the plan's target groups.
	TargetDA string `json:"target_da,omitempty" yaml:"target_da,omitempty"`
	TargetEN string `json:"target_en,omitempty" yaml:"target_en,omitempty"`
	// ReportToDA/EN is who the yearly status report is sent to
	// ("satspuljeordførerne"); empty: the report is only published.
	ReportToDA string `json:"report_to_da,omitempty" yaml:"report_to_da,omitempty"`
	ReportToEN string `json:"report_to_en,omitempty" yaml:"report_to_en,omitempty"`
	// EndEvaluation states that the whole period is evaluated externally
	// at the end of each plan.
	EndEvaluation bool `json:"end_evaluation,omitempty" yaml:"end_evaluation,omitempty"`
}

// PlanHistory is an earlier action plan, with an annex added to it.
type PlanHistory struct {
	NameDA    string `json:"name_da" yaml:"name_da"`
	NameEN    string `json:"name_en,omitempty" yaml:"name_en,omitempty"`
	StartYear int    `json:"start_year" yaml:"start_year"`
	EndYear   int    `json:"end_year" yaml:"end_year"`
	// AnnexYear and AnnexDA/EN: the year an annex extended the plan and
	// its subject ("et tillæg om børn", "an annex on children").
	AnnexYear int    `json:"annex_year,omitempty" yaml:"annex_year,omitempty"`
	AnnexDA   string `json:"annex_da,omitempty" yaml:"annex_da,omitempty"`
	AnnexEN   string `json:"annex_en,omitempty" yaml:"annex_en,omitempty"`
}

// CentreFounding is the founding of the national centre: its
// organisation, the year and its main tasks as an infinitive phrase
// ("at koordinere samarbejdet …", "to coordinate the cooperation …").
type CentreFounding struct {
	Org     string `json:"org" yaml:"org"`
	Year    int    `json:"year" yaml:"year"`
	TasksDA string `json:"tasks_da,omitempty" yaml:"tasks_da,omitempty"`
	TasksEN string `json:"tasks_en,omitempty" yaml:"tasks_en,omitempty"`
}

// Footnote is a note to a goal or an activity in the report's tables.
type Footnote struct {
	TextDA string `json:"text_da" yaml:"text_da"`
	TextEN string `json:"text_en,omitempty" yaml:"text_en,omitempty"`
}

// Area is one strategic area ("hovedområde").
type Area struct {
	Number int    `json:"number" yaml:"number"`
	NameDA string `json:"name_da" yaml:"name_da"`
	NameEN string `json:"name_en" yaml:"name_en"`
	// IntroDA/EN is the area as the introduction lists it ("Identificere
	// ofre for menneskehandel"); empty uses the name.
	IntroDA string `json:"intro_da,omitempty" yaml:"intro_da,omitempty"`
	IntroEN string `json:"intro_en,omitempty" yaml:"intro_en,omitempty"`
	Goals   []Goal `json:"goals" yaml:"goals"`
}

// Goal is a goal within an area; some areas list activities directly under
// one goal whose name repeats the area.
type Goal struct {
	Code       string     `json:"code" yaml:"code"` // e.g. "1.2"
	NameDA     string     `json:"name_da" yaml:"name_da"`
	NameEN     string     `json:"name_en" yaml:"name_en"`
	Footnotes  []Footnote `json:"footnotes,omitempty" yaml:"footnotes,omitempty"`
	Activities []Activity `json:"activities" yaml:"activities"`
}

// Activity is one activity with its responsible bodies and status entries.
type Activity struct {
	ID          int64    `json:"id,omitempty" yaml:"-"`
	Code        string   `json:"code" yaml:"code"` // e.g. "1.2.3"
	TextDA      string   `json:"text_da" yaml:"text_da"`
	TextEN      string   `json:"text_en" yaml:"text_en"`
	Responsible []string `json:"responsible" yaml:"responsible"` // organisation codes
	// ResponsibleText is the responsible bodies as written in the source,
	// e.g. "Justitsministeriet i samarbejde med ...".
	ResponsibleText   string `json:"responsible_text,omitempty" yaml:"responsible_text,omitempty"`
	ResponsibleTextEN string `json:"responsible_text_en,omitempty" yaml:"responsible_text_en,omitempty"`
	// Footnotes are the notes the report's table gives the activity.
	Footnotes []Footnote    `json:"footnotes,omitempty" yaml:"footnotes,omitempty"`
	Statuses  []StatusEntry `json:"statuses" yaml:"statuses"`
}

// StatusEntry is an activity's status for one reporting period.
type StatusEntry struct {
	Period string        `json:"period" yaml:"period"` // e.g. "2012-spring" or "2012"
	State  ActivityState `json:"state" yaml:"state"`
	TextDA string        `json:"text_da" yaml:"text_da"`
	TextEN string        `json:"text_en,omitempty" yaml:"text_en,omitempty"`
	Date   Date          `json:"date,omitzero" yaml:"date,omitempty"`
}

// FundingLine is a line of the plan's budget. A line with an amount says
// what it is for in TextDA/EN ("den nationale, sociale indsats"); a line
// without one names the money as running text does ("bistandsmidler, der
// bruges til …"), or, with only Org, is money in that authority's budget.
type FundingLine struct {
	Source    string  `json:"source" yaml:"source"` // e.g. "satspulje"
	TextDA    string  `json:"text_da" yaml:"text_da"`
	TextEN    string  `json:"text_en,omitempty" yaml:"text_en,omitempty"`
	AmountDKK float64 `json:"amount_dkk" yaml:"amount_dkk"`
	Year      int     `json:"year,omitempty" yaml:"year,omitempty"`
	Org       string  `json:"org,omitempty" yaml:"org,omitempty"` // organisation code
}

// LatestStatus returns the status entry of the latest period not after
// period (all periods when period is ""), comparing periods in time order
// (PeriodKey), and whether one exists.
func (a *Activity) LatestStatus(period string) (StatusEntry, bool) {
	var best StatusEntry
	found := false
	limit := PeriodKey(period)
	for _, s := range a.Statuses {
		k := PeriodKey(s.Period)
		if period != "" && k > limit {
			continue
		}
		if !found || k >= PeriodKey(best.Period) {
			best, found = s, true
		}
	}
	return best, found
}

// PeriodKey orders reporting periods ("2012", "2012-spring", "2012-Q3",
// "2012-H1", "2012-05") in time order: a season, half, quarter or month
// by the month it ends, a bare year after all its parts.
func PeriodKey(p string) int {
	y, part, _ := strings.Cut(strings.ToLower(strings.TrimSpace(p)), "-")
	year, err := strconv.Atoi(y)
	if err != nil {
		return 0
	}
	ends := map[string]int{"winter": 2, "q1": 3, "spring": 5, "h1": 6, "q2": 6, "summer": 8, "q3": 9,
		"autumn": 11, "fall": 11, "h2": 12, "q4": 12, "": 13}
	m, ok := ends[part]
	if !ok {
		if n, err := strconv.Atoi(part); err == nil && n >= 1 && n <= 12 {
			m = n
		}
	}
	return year*100 + m
}

// PeriodStart is the first day of a reporting period ("2012-spring": 1
// March 2012, a bare year: 1 January, winter: 1 December of the year
// before), and false for a period it cannot read.
func PeriodStart(p string) (Date, bool) {
	y, part, _ := strings.Cut(strings.ToLower(strings.TrimSpace(p)), "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 {
		return Date{}, false
	}
	starts := map[string]int{"": 1, "winter": 0, "q1": 1, "h1": 1, "spring": 3, "q2": 4, "summer": 6, "h2": 7, "q3": 7,
		"autumn": 9, "fall": 9, "q4": 10}
	m, ok := starts[part]
	if !ok {
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > 12 {
			return Date{}, false
		}
		m = n
	}
	if m == 0 {
		return NewDate(year-1, time.December, 1), true
	}
	return NewDate(year, time.Month(m), 1), true
}

// Periods returns the reporting periods the plan has a status for, in
// time order.
func (p *Plan) Periods() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				for _, s := range act.Statuses {
					if !seen[s.Period] {
						seen[s.Period] = true
						out = append(out, s.Period)
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ki, kj := PeriodKey(out[i]), PeriodKey(out[j])
		if ki != kj {
			return ki < kj
		}
		return out[i] < out[j]
	})
	return out
}

// HasPeriod reports whether some activity has a status for period.
func (p *Plan) HasPeriod(period string) bool {
	period = strings.ToLower(strings.TrimSpace(period))
	for _, q := range p.Periods() {
		if strings.ToLower(q) == period {
			return true
		}
	}
	return false
}

// DefaultPeriod is the status period a report with cut-off date cutoff
// shows: the latest period with a status that has begun by the cut-off
// (spring 2012 for a cut-off of 1 March 2012, as in the seed), never a
// later one; "" when there is none.
func (p *Plan) DefaultPeriod(cutoff Date) string {
	best := ""
	for _, q := range p.Periods() {
		if start, ok := PeriodStart(q); ok && !start.After(cutoff) {
			best = q
		}
	}
	return best
}

// Validate checks the plan's structure, codes and states.
func (p *Plan) Validate() error {
	v := &invalid{}
	if p.Code == "" {
		v.add("code", RuleRequired, "", "")
	}
	if p.NameDA == "" {
		v.add("name_da", RuleRequired, "", "")
	}
	if p.StartYear < 1990 || p.EndYear < p.StartYear {
		v.add("end_year", RuleRange, fmt.Sprintf("%d-%d", p.StartYear, p.EndYear), "a period start_year ≤ end_year")
	}
	if bg := p.Background; bg != nil {
		bg.validate(v)
	}
	for _, f := range p.Funding {
		if f.Org != "" && !ValidOrgCode(f.Org) {
			v.add("funding.org", RuleFormat, f.Org, "an organisation code")
		}
		if f.AmountDKK < 0 || f.AmountDKK != f.AmountDKK {
			v.add("amount_dkk", RuleRange, fmt.Sprint(f.AmountDKK), "0 or more kroner")
		}
	}
	codes := map[string]bool{}
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			checkFootnotes(v, g.Code, g.Footnotes)
			for _, act := range g.Activities {
				checkFootnotes(v, act.Code, act.Footnotes)
				if act.Code == "" {
					v.add("activity.code", RuleRequired, "", "")
				} else if codes[act.Code] {
					v.add("activity.code", RuleDuplicate, act.Code, "unique activity codes")
				}
				codes[act.Code] = true
				if act.TextDA == "" {
					v.add("activity.text_da", RuleRequired, act.Code, "")
				}
				for _, r := range act.Responsible {
					if !ValidOrgCode(r) {
						v.add("activity.responsible", RuleFormat, r, "an organisation code")
					}
				}
				for _, s := range act.Statuses {
					if !s.State.Valid() {
						v.add("status.state", RuleOneOf, string(s.State), activityStates.expected())
					}
					if s.Period == "" {
						v.add("status.period", RuleRequired, act.Code, "e.g. 2012-spring")
					}
				}
			}
		}
	}
	return v.err("The action plan has invalid fields.")
}

// validate adds the background's faults to v.
func (bg *PlanBackground) validate(v *invalid) {
	for _, c := range []struct{ field, code string }{{"coordinator", bg.Coordinator}, {"channelled_to", bg.ChannelledTo}} {
		if c.code != "" && !ValidOrgCode(c.code) {
			v.add(c.field, RuleFormat, c.code, "an organisation code")
		}
	}
	if c := bg.Centre; c != nil {
		if !ValidOrgCode(c.Org) {
			v.add("centre.org", RuleFormat, c.Org, "an organisation code")
		}
		if c.Year < 1900 || c.Year > 2100 {
			v.add("centre.year", RuleRange, fmt.Sprint(c.Year), "1900-2100")
		}
	}
	for _, h := range bg.History {
		if strings.TrimSpace(h.NameDA) == "" {
			v.add("history.name_da", RuleRequired, "", "")
		}
		if h.StartYear < 1900 || h.EndYear < h.StartYear || h.EndYear > 2100 {
			v.add("history.end_year", RuleRange, fmt.Sprintf("%d-%d", h.StartYear, h.EndYear), "a period start_year ≤ end_year")
		}
		if h.AnnexYear != 0 && (h.AnnexYear < h.StartYear || h.AnnexYear > h.EndYear) {
			v.add("history.annex_year", RuleRange, fmt.Sprint(h.AnnexYear), fmt.Sprintf("%d-%d", h.StartYear, h.EndYear))
		}
	}
	for _, t := range []string{bg.MinisterDA, bg.MinisterEN, bg.FundedByDA, bg.FundedByEN, bg.ReportToDA, bg.ReportToEN} {
		if len(t) > MaxOutputTitle {
			v.add("background", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
			break
		}
	}
	for _, t := range []string{bg.TargetDA, bg.TargetEN, bg.ChannelledRoleDA, bg.ChannelledRoleEN} {
		if len(t) > MaxOutputText {
			v.add("background", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
			break
		}
	}
}

// checkFootnotes adds a fault for an empty or too long footnote of the
// goal or activity with code.
func checkFootnotes(v *invalid, code string, fs []Footnote) {
	for _, f := range fs {
		switch {
		case strings.TrimSpace(f.TextDA) == "":
			v.add("footnote", RuleRequired, code, "")
		case len(f.TextDA) > MaxOutputText || len(f.TextEN) > MaxOutputText:
			v.add("footnote", RuleTooLong, code, fmt.Sprintf("at most %d characters", MaxOutputText))
		}
	}
}

// PlanService stores action plans and their status entries.
type PlanService interface {
	FindPlans(ctx context.Context) ([]*Plan, error)
	FindPlan(ctx context.Context, code string) (*Plan, error)
	// SavePlan creates or replaces the plan with p.Code, status entries
	// included.
	SavePlan(ctx context.Context, p *Plan) error
	// AddStatus records a status entry for an activity and period,
	// replacing an entry of the same period.
	AddStatus(ctx context.Context, planCode, activityCode string, s StatusEntry) error
}
