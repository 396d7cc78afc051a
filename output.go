package nrm

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// OutputKind is the kind of an activity's output.
type OutputKind string

// Output kinds: what the seed report counts besides an activity's status.
const (
	OutputTraining      OutputKind = "training"
	OutputCampaign      OutputKind = "campaign"
	OutputPublication   OutputKind = "publication"
	OutputStudy         OutputKind = "study"
	OutputStudyTrip     OutputKind = "study_trip"
	OutputInternational OutputKind = "international_project"
	OutputOther         OutputKind = "other"
)

var outputKinds = newCodeSet("output_kind",
	[3]string{string(OutputTraining), "Uddannelse og kurser", "Training"},
	[3]string{string(OutputCampaign), "Kampagne", "Campaign"},
	[3]string{string(OutputPublication), "Publikation eller materiale", "Publication or material"},
	[3]string{string(OutputStudy), "Undersøgelse", "Study"},
	[3]string{string(OutputStudyTrip), "Studierejse", "Study trip"},
	[3]string{string(OutputInternational), "Internationalt projekt", "International project"},
	[3]string{string(OutputOther), "Andet", "Other"},
)

// Label returns the output kind's label.
func (k OutputKind) Label(l Lang) string { return outputKinds.label(string(k), l) }

// Valid reports whether k is a known output kind.
func (k OutputKind) Valid() bool { return outputKinds.valid(string(k)) }

func init() {
	for _, s := range []*codeSet{outputKinds, workGroupKinds} {
		codeSets[s.name] = s
	}
	expectedDA = append(expectedDA, compileExpected([][2]string{
		{"an activity code, e.g. {}", "en aktivitetskode, fx {}"},
		{"an activity of the plan", "en aktivitet i planen"},
		{"an http(s) address or a file reference", "en http(s)-adresse eller en filreference"},
		{"a period not before {}", "en periode, der ikke ligger før {}"},
		{"0 or more kroner", "0 kr. eller mere"},
		{"a number of kroner", "et beløb i kroner"},
		{"a number of kroner, e.g. {}", "et beløb i kroner, fx {}"},
		{"lower-case letters, digits, - and _ (e.g. satspulje)", "små bogstaver, cifre, - og _ (fx satspulje)"},
		{"letters, digits, '.', '-' and '_' (at most 40)", "bogstaver, cifre, '.', '-' og '_' (højst 40)"},
		{"at most {} outputs", "højst {} resultater"},
		{"yaml, csv", "yaml eller csv"},
		{"the code of an action plan", "koden for en handlingsplan"},
		{".yaml, .yml or .csv", ".yaml, .yml eller .csv"},
		{periodExpected, "ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅ-Q1..Q4, ÅÅÅÅ-H1/H2, ÅÅÅÅ-spring eller ÅÅÅÅ-autumn"},
	})...)
	for k, l := range map[string]label{
		"activity":      {"Aktivitet", "Activity"},
		"output_kind":   {"Type af resultat", "Kind of output"},
		"title_da":      {"Titel (dansk)", "Title (Danish)"},
		"title_en":      {"Titel (engelsk)", "Title (English)"},
		"period":        {"Periode", "Period"},
		"until":         {"Til og med periode", "Until period"},
		"audience":      {"Målgruppe", "Audience"},
		"audience_en":   {"Målgruppe (engelsk)", "Audience (English)"},
		"events":        {"Antal kurser eller arrangementer", "Number of courses or events"},
		"participants":  {"Deltagere eller rækkevidde", "Participants or reach"},
		"link":          {"Link eller filreference", "Link or file reference"},
		"text_da":       {"Beskrivelse (dansk)", "Description (Danish)"},
		"text_en":       {"Beskrivelse (engelsk)", "Description (English)"},
		"amount_dkk":    {"Beløb (kr.)", "Amount (DKK)"},
		"line":          {"Bevillingslinje", "Funding line"},
		"allocated_dkk": {"Bevilget (kr.)", "Allocated (DKK)"},
		"spent_dkk":     {"Forbrugt (kr.)", "Spent (DKK)"},
		"note":          {"Note", "Note"},
		"chair":         {"Formand", "Chair"},
		"members":       {"Medlemmer", "Members"},
		"meeting.date":  {"Mødedato", "Meeting date"},
		"minutes_da":    {"Referat (dansk)", "Minutes (Danish)"},
		"action.text":   {"Aftalt handling", "Agreed action"},
		"action.org":    {"Ansvarlig for handling", "Responsible for the action"},
		"group_kind":    {"Type af arbejdsgruppe", "Kind of working group"},
		"plan":          {"Handlingsplan", "Action plan"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = l
		}
	}
}

// Output is something an activity delivered: a course, a campaign, a
// publication, a study, a study trip or an international project. It
// belongs to the plan and names its activity by code, so that it stays
// when the plan's structure is imported again.
type Output struct {
	ID       int64      `json:"id,omitempty" yaml:"id,omitempty"`
	Plan     string     `json:"plan,omitempty" yaml:"-"`
	Activity string     `json:"activity" yaml:"activity"` // activity code, e.g. "2.1.3"
	Kind     OutputKind `json:"kind" yaml:"kind"`
	TitleDA  string     `json:"title_da" yaml:"title_da"`
	TitleEN  string     `json:"title_en,omitempty" yaml:"title_en,omitempty"`
	// Period is when it happened or started ("2011", "2012-02"); Until
	// the last period of one that ran longer ("2014").
	Period string `json:"period" yaml:"period"`
	Until  string `json:"until,omitempty" yaml:"until,omitempty"`
	Date   Date   `json:"date,omitzero" yaml:"date,omitempty"`
	// Audience is who it was for, e.g. "sundhedspersonale".
	Audience string `json:"audience,omitempty" yaml:"audience,omitempty"`
	// AudienceEN is the audience in English, for the English report.
	AudienceEN string `json:"audience_en,omitempty" yaml:"audience_en,omitempty"`
	// Events counts courses, sessions or copies (0: not counted);
	// Participants the people trained or reached (0: not counted).
	Events       int     `json:"events,omitempty" yaml:"events,omitempty"`
	Participants int     `json:"participants,omitempty" yaml:"participants,omitempty"`
	Org          string  `json:"org,omitempty" yaml:"org,omitempty"` // organisation that delivered it
	Link         string  `json:"link,omitempty" yaml:"link,omitempty"`
	TextDA       string  `json:"text_da,omitempty" yaml:"text_da,omitempty"`
	TextEN       string  `json:"text_en,omitempty" yaml:"text_en,omitempty"`
	AmountDKK    float64 `json:"amount_dkk,omitempty" yaml:"amount_dkk,omitempty"` // e.g. a grant to a project
}

// Year returns the year the output happened or started.
func (o *Output) Year() int {
	if !o.Date.IsZero() {
		return o.Date.Year()
	}
	return PeriodKey(o.Period) / 100
}

// LastYear returns the last year the output ran.
func (o *Output) LastYear() int {
	if o.Until != "" {
		if y := PeriodKey(o.Until) / 100; y > 0 {
			return y
		}
	}
	return o.Year()
}

// Limits of an output's fields.
const (
	MaxOutputTitle = 500
	MaxOutputText  = 20000
	MaxOutputLink  = 2000
	MaxOutputCount = 10_000_000
)

// Validate checks an output's fields, one field error per fault.
func (o *Output) Validate() error {
	v := &invalid{}
	o.Activity = strings.TrimSpace(o.Activity)
	o.Period = strings.TrimSpace(o.Period)
	o.Until = strings.TrimSpace(o.Until)
	o.Link = strings.TrimSpace(o.Link)
	o.Org = strings.TrimSpace(o.Org)
	if o.Activity == "" {
		v.add("activity", RuleRequired, "", "an activity code, e.g. 2.1.3")
	}
	if !o.Kind.Valid() {
		v.add("output_kind", RuleOneOf, string(o.Kind), outputKinds.expected())
	}
	if strings.TrimSpace(o.TitleDA) == "" {
		v.add("title_da", RuleRequired, "", "")
	}
	if len(o.TitleDA) > MaxOutputTitle {
		v.add("title_da", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	if len(o.TitleEN) > MaxOutputTitle {
		v.add("title_en", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	switch {
	case o.Period == "":
		v.add("period", RuleRequired, "", periodExpected)
	case !ValidPeriod(o.Period):
		v.add("period", RuleFormat, o.Period, periodExpected)
	}
	if o.Until != "" {
		if !ValidPeriod(o.Until) {
			v.add("until", RuleFormat, o.Until, periodExpected)
		} else if ValidPeriod(o.Period) && PeriodKey(o.Until) < PeriodKey(o.Period) {
			v.add("until", RuleDateOrder, o.Until, "a period not before "+o.Period)
		}
	}
	if !o.Date.IsZero() && ValidPeriod(o.Period) && o.Date.Year() != PeriodKey(o.Period)/100 {
		v.add("date", RuleRange, o.Date.String(), "a date in "+o.Period)
	}
	if len(o.Audience) > MaxOutputTitle {
		v.add("audience", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	if len(o.AudienceEN) > MaxOutputTitle {
		v.add("audience_en", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	if o.Events < 0 || o.Events > MaxOutputCount {
		v.add("events", RuleRange, fmt.Sprint(o.Events), fmt.Sprintf("0-%d", MaxOutputCount))
	}
	if o.Participants < 0 || o.Participants > MaxOutputCount {
		v.add("participants", RuleRange, fmt.Sprint(o.Participants), fmt.Sprintf("0-%d", MaxOutputCount))
	}
	if o.AmountDKK < 0 || o.AmountDKK > 1e12 || o.AmountDKK != o.AmountDKK {
		v.add("amount_dkk", RuleRange, fmt.Sprint(o.AmountDKK), "0 or more kroner")
	}
	if o.Org != "" && !ValidOrgCode(o.Org) {
		v.add("org", RuleFormat, o.Org, "an organisation code")
	}
	if o.Link != "" {
		if rule, exp := checkLink(o.Link); rule != "" {
			v.add("link", rule, o.Link, exp)
		}
	}
	if len(o.TextDA) > MaxOutputText || len(o.TextEN) > MaxOutputText {
		v.add("text_da", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
	}
	return v.err("The output has invalid fields.")
}

// checkLink accepts an http(s) address or a plain file reference (a name
// or path without a scheme); it refuses other schemes (javascript:,
// data:) and control characters, which a page might otherwise act on.
func checkLink(s string) (rule, expected string) {
	const exp = "an http(s) address or a file reference"
	if len(s) > MaxOutputLink {
		return RuleTooLong, fmt.Sprintf("at most %d characters", MaxOutputLink)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return RuleFormat, exp
		}
	}
	if i := strings.IndexAny(s, ":/"); i > 0 && s[i] == ':' {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return RuleFormat, exp
		}
	}
	return "", ""
}

// LinkURL returns the output's link when it is a web address (one a page
// may link to), else "".
func (o *Output) LinkURL() string {
	if u, err := url.Parse(o.Link); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return o.Link
	}
	return ""
}

// OutputPatch changes some fields of an output; nil fields stay.
type OutputPatch struct {
	Activity     *string     `json:"activity,omitempty"`
	Kind         *OutputKind `json:"kind,omitempty"`
	TitleDA      *string     `json:"title_da,omitempty"`
	TitleEN      *string     `json:"title_en,omitempty"`
	Period       *string     `json:"period,omitempty"`
	Until        *string     `json:"until,omitempty"`
	Date         *Date       `json:"date,omitempty"`
	Audience     *string     `json:"audience,omitempty"`
	AudienceEN   *string     `json:"audience_en,omitempty"`
	Events       *int        `json:"events,omitempty"`
	Participants *int        `json:"participants,omitempty"`
	Org          *string     `json:"org,omitempty"`
	Link         *string     `json:"link,omitempty"`
	TextDA       *string     `json:"text_da,omitempty"`
	TextEN       *string     `json:"text_en,omitempty"`
	AmountDKK    *float64    `json:"amount_dkk,omitempty"`
}

// Apply sets the patch's fields on o.
func (p *OutputPatch) Apply(o *Output) {
	setIf := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setIf(&o.Activity, p.Activity)
	if p.Kind != nil {
		o.Kind = *p.Kind
	}
	setIf(&o.TitleDA, p.TitleDA)
	setIf(&o.TitleEN, p.TitleEN)
	setIf(&o.Period, p.Period)
	setIf(&o.Until, p.Until)
	if p.Date != nil {
		o.Date = *p.Date
	}
	setIf(&o.Audience, p.Audience)
	setIf(&o.AudienceEN, p.AudienceEN)
	if p.Events != nil {
		o.Events = *p.Events
	}
	if p.Participants != nil {
		o.Participants = *p.Participants
	}
	setIf(&o.Org, p.Org)
	setIf(&o.Link, p.Link)
	setIf(&o.TextDA, p.TextDA)
	setIf(&o.TextEN, p.TextEN)
	if p.AmountDKK != nil {
		o.AmountDKK = *p.AmountDKK
	}
}

// OutputService stores the outputs of a plan's activities. The
// coordinating ministry and administrators write every output; the users
// of an activity's responsible organisation write the outputs of that
// activity delivered by their organisation; everyone signed in reads.
type OutputService interface {
	FindOutputs(ctx context.Context, planCode string) ([]*Output, error)
	FindOutput(ctx context.Context, planCode string, id int64) (*Output, error)
	// AddOutput stores a new output and sets its ID.
	AddOutput(ctx context.Context, planCode string, o *Output) error
	UpdateOutput(ctx context.Context, planCode string, id int64, p *OutputPatch) (*Output, error)
	DeleteOutput(ctx context.Context, planCode string, id int64) error
	// ImportOutputs adds outputs, all or none; replace first deletes the
	// plan's outputs (coordinator and administrator only).
	ImportOutputs(ctx context.Context, planCode string, outs []*Output, replace bool) error
}
