package nrm

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// ActivityFunding is the money allocated to and spent on an activity in
// one year from one funding line (e.g. "satspulje", "bistand",
// "politiet").
type ActivityFunding struct {
	Activity     string  `json:"activity" yaml:"activity"`
	Year         int     `json:"year" yaml:"year"`
	Line         string  `json:"line" yaml:"line"`
	AllocatedDKK float64 `json:"allocated_dkk" yaml:"allocated_dkk"`
	SpentDKK     float64 `json:"spent_dkk" yaml:"spent_dkk"`
	Note         string  `json:"note,omitempty" yaml:"note,omitempty"`
}

var fundingLinePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Validate checks a funding entry, one field error per fault.
func (f *ActivityFunding) Validate() error {
	v := &invalid{}
	f.Activity = strings.TrimSpace(f.Activity)
	f.Line = strings.ToLower(strings.TrimSpace(f.Line))
	if f.Activity == "" {
		v.add("activity", RuleRequired, "", "an activity code, e.g. 2.1.3")
	}
	if f.Year < 1990 || f.Year > 2100 {
		v.add("year", RuleRange, fmt.Sprint(f.Year), "1990-2100")
	}
	switch {
	case f.Line == "":
		v.add("line", RuleRequired, "", "e.g. satspulje")
	case !fundingLinePattern.MatchString(f.Line):
		v.add("line", RuleFormat, f.Line, "lower-case letters, digits, - and _ (e.g. satspulje)")
	}
	for _, a := range []struct {
		field string
		n     float64
	}{{"allocated_dkk", f.AllocatedDKK}, {"spent_dkk", f.SpentDKK}} {
		if a.n < 0 || a.n > 1e12 || a.n != a.n {
			v.add(a.field, RuleRange, fmt.Sprint(a.n), "0 or more kroner")
		}
	}
	if len(f.Note) > MaxOutputTitle {
		v.add("note", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	return v.err("The funding entry has invalid fields.")
}

// FundingService stores the funding of a plan's activities per year and
// funding line; the coordinating ministry and administrators write.
type FundingService interface {
	FindFunding(ctx context.Context, planCode string) ([]ActivityFunding, error)
	// PutFunding stores an entry, replacing the one of the same activity,
	// year and line.
	PutFunding(ctx context.Context, planCode string, f ActivityFunding) error
	DeleteFunding(ctx context.Context, planCode, activity string, year int, line string) error
	// ImportFunding stores entries, all or none; replace first deletes
	// the plan's funding.
	ImportFunding(ctx context.Context, planCode string, fs []ActivityFunding, replace bool) error
}
