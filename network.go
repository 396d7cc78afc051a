package nrm

import (
	"context"
	"fmt"
	"regexp"
)

// ReferenceGroup is a group of the reference network: the national group,
// or a regional group that reports to it through ParentCode.
type ReferenceGroup struct {
	ID     int64  `json:"id,omitempty" yaml:"-"`
	Code   string `json:"code" yaml:"code"`
	NameDA string `json:"name_da" yaml:"name_da"`
	NameEN string `json:"name_en" yaml:"name_en"`
	// Region is the geographical area a regional group covers.
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// ParentCode is the group this group reports to; empty for the
	// national group.
	ParentCode string        `json:"parent_code,omitempty" yaml:"parent_code,omitempty"`
	Members    []GroupMember `json:"members" yaml:"members"`
}

// GroupMember is an organisation taking part in a reference group.
type GroupMember struct {
	// OrgCode names a member from the organisation list.
	OrgCode string `json:"org_code,omitempty" yaml:"org_code,omitempty"`
	// NameDA names a member that is not in the organisation list (a
	// police district, a municipality, a trade union).
	NameDA string `json:"name_da,omitempty" yaml:"name_da,omitempty"`
	// State is true for state actors, false for non-state actors; the
	// network exists to share knowledge across that line.
	State bool `json:"state" yaml:"state"`
}

// Meeting is one meeting of a reference group and its topics.
type Meeting struct {
	ID        int64    `json:"id,omitempty" yaml:"-"`
	GroupCode string   `json:"group_code" yaml:"group_code"`
	Date      Date     `json:"date" yaml:"date"`
	TopicsDA  []string `json:"topics_da" yaml:"topics_da"`
	TopicsEN  []string `json:"topics_en,omitempty" yaml:"topics_en,omitempty"`
}

// OutreachKind is the kind of an outreach service.
type OutreachKind string

// Outreach service kinds.
const (
	OutreachMeetingPlace OutreachKind = "meeting_place"
	OutreachDropIn       OutreachKind = "drop_in"
	OutreachMobileHealth OutreachKind = "mobile_health"
	OutreachHealthClinic OutreachKind = "health_clinic"
)

var outreachKinds = newCodeSet("outreach_kind",
	[3]string{"meeting_place", "Mødested", "Meeting place"},
	[3]string{"drop_in", "Drop-in center", "Drop-in centre"},
	[3]string{"mobile_health", "Mobilt sundhedstilbud", "Mobile health service"},
	[3]string{"health_clinic", "Sundhedsklinik", "Health clinic"},
)

// Label returns the outreach kind's label.
func (k OutreachKind) Label(l Lang) string { return outreachKinds.label(string(k), l) }

// Valid reports whether k is a known outreach kind.
func (k OutreachKind) Valid() bool { return outreachKinds.valid(string(k)) }

// OutreachService is a place or team where presumed victims are met: a
// meeting place, a drop-in centre, a health clinic, a mobile health service.
type OutreachService struct {
	Code   string       `json:"code" yaml:"code"`
	NameDA string       `json:"name_da" yaml:"name_da"`
	NameEN string       `json:"name_en" yaml:"name_en"`
	Kind   OutreachKind `json:"kind" yaml:"kind"`
	// OrgCode is the organisation running the service.
	OrgCode string `json:"org_code,omitempty" yaml:"org_code,omitempty"`
	// Area is the city or region the service covers.
	Area string `json:"area,omitempty" yaml:"area,omitempty"`
}

// OutreachStat counts an outreach service's activity in one period.
type OutreachStat struct {
	ServiceCode string `json:"service_code" yaml:"service_code"`
	// Period is a year ("2011") or a part of one ("2011-Q3", "2011-H1",
	// "2011-06", "2012-spring").
	Period        string `json:"period" yaml:"period"`
	Visits        int    `json:"visits" yaml:"visits"`
	Consultations int    `json:"consultations" yaml:"consultations"`
}

// Network is the reference network with its meetings and the outreach
// services with their statistics, as shipped in demo/plan/network.yaml.
type Network struct {
	Groups   []ReferenceGroup  `json:"groups" yaml:"groups"`
	Meetings []Meeting         `json:"meetings" yaml:"meetings"`
	Services []OutreachService `json:"services" yaml:"services"`
	Stats    []OutreachStat    `json:"stats" yaml:"stats"`
}

var periodPattern = regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]|spring|autumn))?$`)

// ValidPeriod reports whether s is a reporting period: a year, optionally
// followed by -MM, -Q1..-Q4, -H1, -H2, -spring or -autumn.
func ValidPeriod(s string) bool { return periodPattern.MatchString(s) }

const periodExpected = "YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2, YYYY-spring or YYYY-autumn"

// IsNational reports whether g is the national group (it has no parent).
func (g *ReferenceGroup) IsNational() bool { return g.ParentCode == "" }

// Name returns the group's name in lang.
func (g *ReferenceGroup) Name(lang Lang) string {
	if lang == LangEN && g.NameEN != "" {
		return g.NameEN
	}
	return g.NameDA
}

// Validate checks the group's code, names, parent link and members.
func (g *ReferenceGroup) Validate() error {
	v := &invalid{}
	g.validate(v, "")
	return v.err("The reference group has invalid fields.")
}

func (g *ReferenceGroup) validate(v *invalid, prefix string) {
	if g.Code == "" {
		v.add(prefix+"code", RuleRequired, "", "")
	} else if !ValidOrgCode(g.Code) {
		v.add(prefix+"code", RuleFormat, g.Code, "letters, digits, _ and - (at most 32)")
	}
	if g.NameDA == "" {
		v.add(prefix+"name_da", RuleRequired, g.Code, "")
	}
	if g.ParentCode != "" {
		if !ValidOrgCode(g.ParentCode) {
			v.add(prefix+"parent_code", RuleFormat, g.ParentCode, "a group code")
		} else if g.ParentCode == g.Code {
			v.add(prefix+"parent_code", RuleNotAllowed, g.ParentCode, "another group's code")
		}
	}
	seen := map[string]bool{}
	for i, m := range g.Members {
		p := fmt.Sprintf("%smembers[%d].", prefix, i)
		switch {
		case m.OrgCode == "" && m.NameDA == "":
			v.add(p+"org_code", RuleRequired, "", "an organisation code, or name_da for a member not in the organisation list")
		case m.OrgCode != "" && m.NameDA != "":
			v.add(p+"name_da", RuleNotAllowed, m.NameDA, "empty when org_code is given")
		case m.OrgCode != "" && !ValidOrgCode(m.OrgCode):
			v.add(p+"org_code", RuleFormat, m.OrgCode, "an organisation code")
		}
		key := m.OrgCode + "\x00" + m.NameDA
		if seen[key] {
			v.add(p+"org_code", RuleDuplicate, m.OrgCode+m.NameDA, "each member at most once per group")
		}
		seen[key] = true
	}
}

// Validate checks the meeting's group, date and topics.
func (m *Meeting) Validate() error {
	v := &invalid{}
	m.validate(v, "")
	return v.err("The meeting has invalid fields.")
}

func (m *Meeting) validate(v *invalid, prefix string) {
	if m.GroupCode == "" {
		v.add(prefix+"group_code", RuleRequired, "", "")
	} else if !ValidOrgCode(m.GroupCode) {
		v.add(prefix+"group_code", RuleFormat, m.GroupCode, "a group code")
	}
	if m.Date.IsZero() {
		v.add(prefix+"date", RuleRequired, "", "YYYY-MM-DD")
	}
	if len(m.TopicsDA) == 0 {
		v.add(prefix+"topics_da", RuleRequired, "", "at least one topic")
	}
	for i, t := range m.TopicsDA {
		if t == "" {
			v.add(fmt.Sprintf("%stopics_da[%d]", prefix, i), RuleRequired, "", "")
		} else if len(t) > MaxTextLen {
			v.add(fmt.Sprintf("%stopics_da[%d]", prefix, i), RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
		}
	}
	if len(m.TopicsEN) > 0 && len(m.TopicsEN) != len(m.TopicsDA) {
		v.add(prefix+"topics_en", RuleRange, fmt.Sprint(len(m.TopicsEN)), fmt.Sprintf("one English topic per Danish topic (%d), or none", len(m.TopicsDA)))
	}
}

// Validate checks the service's code, name, kind and organisation.
func (s *OutreachService) Validate() error {
	v := &invalid{}
	s.validate(v, "")
	return v.err("The outreach service has invalid fields.")
}

func (s *OutreachService) validate(v *invalid, prefix string) {
	if s.Code == "" {
		v.add(prefix+"code", RuleRequired, "", "")
	} else if !ValidOrgCode(s.Code) {
		v.add(prefix+"code", RuleFormat, s.Code, "letters, digits, _ and - (at most 32)")
	}
	if s.NameDA == "" {
		v.add(prefix+"name_da", RuleRequired, s.Code, "")
	}
	if !s.Kind.Valid() {
		v.add(prefix+"kind", RuleOneOf, string(s.Kind), outreachKinds.expected())
	}
	if s.OrgCode != "" && !ValidOrgCode(s.OrgCode) {
		v.add(prefix+"org_code", RuleFormat, s.OrgCode, "an organisation code")
	}
}

// Validate checks the statistic's service, period and counts.
func (s *OutreachStat) Validate() error {
	v := &invalid{}
	s.validate(v, "")
	return v.err("The outreach statistic has invalid fields.")
}

func (s *OutreachStat) validate(v *invalid, prefix string) {
	if s.ServiceCode == "" {
		v.add(prefix+"service_code", RuleRequired, "", "")
	} else if !ValidOrgCode(s.ServiceCode) {
		v.add(prefix+"service_code", RuleFormat, s.ServiceCode, "a service code")
	}
	if !ValidPeriod(s.Period) {
		v.add(prefix+"period", RuleFormat, s.Period, periodExpected)
	}
	if s.Visits < 0 {
		v.add(prefix+"visits", RuleRange, fmt.Sprint(s.Visits), "a whole number ≥ 0")
	}
	if s.Consultations < 0 {
		v.add(prefix+"consultations", RuleRange, fmt.Sprint(s.Consultations), "a whole number ≥ 0")
	}
}

// Validate checks every group, meeting, service and statistic, and the
// links between them: unique codes, one national group, regional groups
// reporting to the national group, meetings of known groups, statistics of
// known services and at most one statistic per service and period.
func (n *Network) Validate() error {
	v := &invalid{}
	groups := map[string]*ReferenceGroup{}
	national := 0
	for i := range n.Groups {
		g := &n.Groups[i]
		g.validate(v, fmt.Sprintf("groups[%d].", i))
		if groups[g.Code] != nil {
			v.add(fmt.Sprintf("groups[%d].code", i), RuleDuplicate, g.Code, "unique group codes")
		}
		groups[g.Code] = g
		if g.IsNational() {
			national++
		}
	}
	if len(n.Groups) > 0 && national != 1 {
		v.add("groups", RuleRange, fmt.Sprint(national), "exactly one national group (a group without parent_code)")
	}
	for i := range n.Groups {
		g := &n.Groups[i]
		if g.ParentCode == "" || g.ParentCode == g.Code {
			continue
		}
		if p := groups[g.ParentCode]; p == nil {
			v.add(fmt.Sprintf("groups[%d].parent_code", i), RuleUnknownReference, g.ParentCode, "the code of a group in the network")
		} else if !p.IsNational() {
			v.add(fmt.Sprintf("groups[%d].parent_code", i), RuleNotAllowed, g.ParentCode, "the national group's code (regional groups report to the national group)")
		}
	}
	for i := range n.Meetings {
		m := &n.Meetings[i]
		m.validate(v, fmt.Sprintf("meetings[%d].", i))
		if m.GroupCode != "" && groups[m.GroupCode] == nil {
			v.add(fmt.Sprintf("meetings[%d].group_code", i), RuleUnknownReference, m.GroupCode, "the code of a group in the network")
		}
	}
	services := map[string]bool{}
	for i := range n.Services {
		s := &n.Services[i]
		s.validate(v, fmt.Sprintf("services[%d].", i))
		if services[s.Code] {
			v.add(fmt.Sprintf("services[%d].code", i), RuleDuplicate, s.Code, "unique service codes")
		}
		services[s.Code] = true
	}
	seen := map[string]bool{}
	for i := range n.Stats {
		s := &n.Stats[i]
		s.validate(v, fmt.Sprintf("stats[%d].", i))
		if s.ServiceCode != "" && !services[s.ServiceCode] {
			v.add(fmt.Sprintf("stats[%d].service_code", i), RuleUnknownReference, s.ServiceCode, "the code of a service in the network")
		}
		key := s.ServiceCode + "\x00" + s.Period
		if seen[key] {
			v.add(fmt.Sprintf("stats[%d].period", i), RuleDuplicate, s.Period, "one statistic per service and period")
		}
		seen[key] = true
	}
	return v.err("The reference network has invalid fields.")
}

// NetworkService stores the reference network, its meetings and the
// outreach statistics.
type NetworkService interface {
	// FindGroups returns all reference groups, the national group first.
	FindGroups(ctx context.Context) ([]*ReferenceGroup, error)
	// SaveGroup creates or replaces the group with g.Code, members included.
	SaveGroup(ctx context.Context, g *ReferenceGroup) error
	// AddMeeting records a meeting; m.ID is set.
	AddMeeting(ctx context.Context, m *Meeting) error
	// FindMeetings returns a group's meetings by date; all groups' when
	// groupCode is "".
	FindMeetings(ctx context.Context, groupCode string) ([]*Meeting, error)
	// FindOutreachServices returns all outreach services.
	FindOutreachServices(ctx context.Context) ([]*OutreachService, error)
	// SaveOutreachService creates or replaces the service with s.Code.
	SaveOutreachService(ctx context.Context, s *OutreachService) error
	// FindOutreachStats returns a service's statistics by period; all
	// services' when serviceCode is "".
	FindOutreachStats(ctx context.Context, serviceCode string) ([]*OutreachStat, error)
	// SaveOutreachStat creates or replaces the statistic for s.ServiceCode
	// and s.Period.
	SaveOutreachStat(ctx context.Context, s *OutreachStat) error
}
