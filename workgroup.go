package nrm

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// WorkGroupKind is the kind of a working group. The reference network's
// groups (ReferenceGroup) are kept apart.
type WorkGroupKind string

// Working-group kinds.
const (
	GroupInterMinisterial WorkGroupKind = "inter_ministerial"
	GroupThematic         WorkGroupKind = "thematic"
	GroupFollowUp         WorkGroupKind = "follow_up"
)

var workGroupKinds = newCodeSet("group_kind",
	[3]string{string(GroupInterMinisterial), "Tværministeriel", "Inter-ministerial"},
	[3]string{string(GroupThematic), "Tematisk", "Thematic"},
	[3]string{string(GroupFollowUp), "Opfølgning", "Follow-up"},
)

// Label returns the kind's label.
func (k WorkGroupKind) Label(l Lang) string { return workGroupKinds.label(string(k), l) }

// Valid reports whether k is a known working-group kind.
func (k WorkGroupKind) Valid() bool { return workGroupKinds.valid(string(k)) }

// WorkGroup is a working group of the plan: the inter-ministerial group,
// a thematic group (forced labour, minors) or a follow-up group.
type WorkGroup struct {
	Code    string        `json:"code" yaml:"code"`
	Plan    string        `json:"plan,omitempty" yaml:"plan,omitempty"`
	Kind    WorkGroupKind `json:"kind" yaml:"kind"`
	NameDA  string        `json:"name_da" yaml:"name_da"`
	NameEN  string        `json:"name_en,omitempty" yaml:"name_en,omitempty"`
	Chair   string        `json:"chair,omitempty" yaml:"chair,omitempty"` // organisation code
	Members []string      `json:"members" yaml:"members"`                 // organisation codes
	TextDA  string        `json:"text_da,omitempty" yaml:"text_da,omitempty"`
	TextEN  string        `json:"text_en,omitempty" yaml:"text_en,omitempty"`
	// Meetings are in date order.
	Meetings []GroupMeeting `json:"meetings" yaml:"meetings"`
	Actions  []GroupAction  `json:"actions" yaml:"actions"`
}

// GroupMeeting is a meeting of a working group with its minutes.
type GroupMeeting struct {
	Date      Date   `json:"date" yaml:"date"`
	MinutesDA string `json:"minutes_da,omitempty" yaml:"minutes_da,omitempty"`
	MinutesEN string `json:"minutes_en,omitempty" yaml:"minutes_en,omitempty"`
}

// GroupAction is an action a working group agreed on.
type GroupAction struct {
	TextDA string `json:"text_da" yaml:"text_da"`
	TextEN string `json:"text_en,omitempty" yaml:"text_en,omitempty"`
	Org    string `json:"org,omitempty" yaml:"org,omitempty"` // responsible organisation
	Due    Date   `json:"due,omitzero" yaml:"due,omitempty"`
	Done   bool   `json:"done,omitempty" yaml:"done,omitempty"`
}

var groupCodePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// Validate checks a working group, one field error per fault.
func (g *WorkGroup) Validate() error {
	v := &invalid{}
	g.Code = strings.TrimSpace(g.Code)
	switch {
	case g.Code == "":
		v.add("code", RuleRequired, "", "")
	case !groupCodePattern.MatchString(g.Code):
		v.add("code", RuleFormat, g.Code, "letters, digits, '.', '-' and '_' (at most 40)")
	}
	if !g.Kind.Valid() {
		v.add("group_kind", RuleOneOf, string(g.Kind), workGroupKinds.expected())
	}
	if strings.TrimSpace(g.NameDA) == "" {
		v.add("name_da", RuleRequired, "", "")
	}
	if len(g.NameDA) > MaxOutputTitle || len(g.NameEN) > MaxOutputTitle {
		v.add("name_da", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputTitle))
	}
	if g.Chair != "" && !ValidOrgCode(g.Chair) {
		v.add("chair", RuleFormat, g.Chair, "an organisation code")
	}
	seen := map[string]bool{}
	for _, m := range g.Members {
		if !ValidOrgCode(m) {
			v.add("members", RuleFormat, m, "an organisation code")
		} else if seen[m] {
			v.add("members", RuleDuplicate, m, "each organisation once")
		}
		seen[m] = true
	}
	if len(g.TextDA) > MaxOutputText || len(g.TextEN) > MaxOutputText {
		v.add("text_da", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
	}
	for _, m := range g.Meetings {
		if m.Date.IsZero() {
			v.add("meeting.date", RuleRequired, "", "YYYY-MM-DD")
		}
		if len(m.MinutesDA) > MaxOutputText || len(m.MinutesEN) > MaxOutputText {
			v.add("minutes_da", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
		}
	}
	for _, a := range g.Actions {
		if strings.TrimSpace(a.TextDA) == "" {
			v.add("action.text", RuleRequired, "", "")
		}
		if len(a.TextDA) > MaxOutputText || len(a.TextEN) > MaxOutputText {
			v.add("action.text", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxOutputText))
		}
		if a.Org != "" && !ValidOrgCode(a.Org) {
			v.add("action.org", RuleFormat, a.Org, "an organisation code")
		}
	}
	return v.err("The working group has invalid fields.")
}

// WorkGroupService stores working groups; the coordinating ministry and
// administrators write, everyone signed in reads.
type WorkGroupService interface {
	FindWorkGroups(ctx context.Context) ([]*WorkGroup, error)
	FindWorkGroup(ctx context.Context, code string) (*WorkGroup, error)
	// SaveWorkGroup creates or replaces the group with g.Code, its
	// members, meetings and actions included.
	SaveWorkGroup(ctx context.Context, g *WorkGroup) error
	// AddGroupMeeting records a meeting with its minutes.
	AddGroupMeeting(ctx context.Context, code string, m GroupMeeting) error
	DeleteWorkGroup(ctx context.Context, code string) error
}
