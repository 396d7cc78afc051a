package nrm

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	for k, l := range map[string]label{
		"evaluator":          {"Evaluerende organisation", "Evaluator"},
		"outreach_trend":     {"Udvikling i besøgstal", "Trend in visits"},
		"recommendations_en": {"Anbefalinger (engelsk)", "Recommendations (English)"},
		"summary_da":         {"Resultater og konklusioner (dansk)", "Findings (Danish)"},
		"summary_en":         {"Resultater og konklusioner (engelsk)", "Findings (English)"},
		"recommendations":    {"Anbefalinger", "Recommendations"},
		"evaluation":         {"Evaluering", "Evaluation"},
		"recommendation":     {"Anbefaling", "Recommendation"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = l
		}
	}
	expectedDA = append(expectedDA, compileExpected([][2]string{
		{"at most {} recommendations", "højst {} anbefalinger"},
		{"one English line per Danish recommendation ({}), or none", "én engelsk linje pr. dansk anbefaling ({}) eller ingen"},
	})...)
}

// PlanEvaluation is the external evaluation of an action plan at its end:
// who evaluated it, when, what they found and recommended, and where the
// evaluation report is. A plan has at most one.
type PlanEvaluation struct {
	Plan      string `json:"plan,omitempty" yaml:"-"`
	Evaluator string `json:"evaluator" yaml:"evaluator"`
	Date      Date   `json:"date" yaml:"date"`
	// SummaryDA and SummaryEN are the findings, paragraphs separated by
	// blank lines.
	SummaryDA       string           `json:"summary_da" yaml:"summary_da"`
	SummaryEN       string           `json:"summary_en,omitempty" yaml:"summary_en,omitempty"`
	Recommendations []Recommendation `json:"recommendations" yaml:"recommendations,omitempty"`
	// Link is the evaluation report: an http(s) address or a file
	// reference.
	Link string `json:"link,omitempty" yaml:"link,omitempty"`
}

// Recommendation is one recommendation of an evaluation.
type Recommendation struct {
	TextDA string `json:"text_da" yaml:"text_da"`
	TextEN string `json:"text_en,omitempty" yaml:"text_en,omitempty"`
}

// MaxRecommendations bounds an evaluation's recommendations.
const MaxRecommendations = 200

// Validate checks an evaluation, one field error per fault.
func (e *PlanEvaluation) Validate() error {
	v := &invalid{}
	e.Evaluator = strings.TrimSpace(e.Evaluator)
	e.Link = strings.TrimSpace(e.Link)
	switch {
	case e.Evaluator == "":
		v.add("evaluator", RuleRequired, "", "")
	case len(e.Evaluator) > MaxOutputTitle:
		v.add("evaluator", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	if e.Date.IsZero() {
		v.add("date", RuleRequired, "", "YYYY-MM-DD")
	}
	if strings.TrimSpace(e.SummaryDA) == "" {
		v.add("summary_da", RuleRequired, "", "")
	}
	if len(e.SummaryDA) > MaxOutputText {
		v.add("summary_da", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
	}
	if len(e.SummaryEN) > MaxOutputText {
		v.add("summary_en", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
	}
	if len(e.Recommendations) > MaxRecommendations {
		v.add("recommendations", RuleTooLong, fmt.Sprint(len(e.Recommendations)), fmt.Sprintf("at most %d recommendations", MaxRecommendations))
	}
	for _, r := range e.Recommendations {
		if strings.TrimSpace(r.TextDA) == "" {
			v.add("recommendation", RuleRequired, "", "")
			break
		}
	}
	for _, r := range e.Recommendations {
		if len(r.TextDA) > MaxOutputText || len(r.TextEN) > MaxOutputText {
			v.add("recommendation", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
			break
		}
	}
	if e.Link != "" {
		if rule, exp := checkLink(e.Link); rule != "" {
			v.add("link", rule, e.Link, exp)
		}
	}
	return v.err("The evaluation has invalid fields.")
}

// LinkURL returns the evaluation's link when it is a web address a page
// may link to, else "".
func (e *PlanEvaluation) LinkURL() string { return (&Output{Link: e.Link}).LinkURL() }

// EvaluationService stores the external evaluation of a plan. Everyone
// signed in reads; the coordinating ministry and administrators write.
type EvaluationService interface {
	// FindEvaluation returns the plan's evaluation, ENOTFOUND when it has
	// none (or the plan does not exist).
	FindEvaluation(ctx context.Context, planCode string) (*PlanEvaluation, error)
	// SaveEvaluation creates or replaces the plan's evaluation.
	SaveEvaluation(ctx context.Context, planCode string, e *PlanEvaluation) error
	DeleteEvaluation(ctx context.Context, planCode string) error
}
