package nrm

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

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
}

// Area is one strategic area ("hovedområde").
type Area struct {
	Number int    `json:"number" yaml:"number"`
	NameDA string `json:"name_da" yaml:"name_da"`
	NameEN string `json:"name_en" yaml:"name_en"`
	Goals  []Goal `json:"goals" yaml:"goals"`
}

// Goal is a goal within an area; some areas list activities directly under
// one goal whose name repeats the area.
type Goal struct {
	Code       string     `json:"code" yaml:"code"` // e.g. "1.2"
	NameDA     string     `json:"name_da" yaml:"name_da"`
	NameEN     string     `json:"name_en" yaml:"name_en"`
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
	ResponsibleText string        `json:"responsible_text,omitempty" yaml:"responsible_text,omitempty"`
	Statuses        []StatusEntry `json:"statuses" yaml:"statuses"`
}

// StatusEntry is an activity's status for one reporting period.
type StatusEntry struct {
	Period string        `json:"period" yaml:"period"` // e.g. "2012-spring" or "2012"
	State  ActivityState `json:"state" yaml:"state"`
	TextDA string        `json:"text_da" yaml:"text_da"`
	TextEN string        `json:"text_en,omitempty" yaml:"text_en,omitempty"`
	Date   Date          `json:"date,omitzero" yaml:"date,omitempty"`
}

// FundingLine is a line of the plan's budget.
type FundingLine struct {
	Source    string  `json:"source" yaml:"source"` // e.g. "satspulje"
	TextDA    string  `json:"text_da" yaml:"text_da"`
	AmountDKK float64 `json:"amount_dkk" yaml:"amount_dkk"`
	Year      int     `json:"year,omitempty" yaml:"year,omitempty"`
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
	codes := map[string]bool{}
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
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
