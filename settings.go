package nrm

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Keys of the known settings (the settings table). Settings lists them
// with their labels, defaults and validation; a key not listed there
// cannot be stored.
const (
	// SettingPasswordOneTimeHours is how many hours a one-time password
	// (a new account's, or an administrator's reset) works.
	SettingPasswordOneTimeHours = "password.onetime_hours"
	// SettingTwoFactorRoles lists the roles that must sign in with
	// two-factor (TOTP), comma-separated; empty: no role.
	SettingTwoFactorRoles = "twofactor.roles"
	// SettingReconsiderationDays is the deadline for deciding a
	// reconsideration, in days from the request.
	SettingReconsiderationDays = "reconsideration.days"
	// SettingReportIntro and SettingReportIntroEN are the annual
	// report's introduction in Danish and English.
	SettingReportIntro   = "report.intro"
	SettingReportIntroEN = "report.intro.en"
	// SettingReflectionDays is the statutory default length of a
	// reflection period, in days; SettingReflectionMaxDays the maximum of
	// a period and its extensions in total.
	SettingReflectionDays    = "reflection.default_days"
	SettingReflectionMaxDays = "reflection.max_days"
	// SettingTaskAssessmentDays is how long an accepted assessment
	// referral may wait for the decision before the worklist shows it;
	// SettingTaskStayDays how long a shelter stay lasts before it does;
	// SettingTaskOfferDays how long an offer may go unanswered;
	// SettingTaskReferralDays how long a referral may wait to be accepted;
	// SettingTaskRetentionYears the years after a case's exit at which
	// its identifiers are due for purging.
	SettingTaskAssessmentDays = "tasks.assessment_days"
	SettingTaskStayDays       = "tasks.stay_days"
	SettingTaskOfferDays      = "tasks.offer_days"
	SettingTaskReferralDays   = "tasks.referral_days"
	SettingTaskRetentionYears = "tasks.retention_years"
)

// Defaults of the settings added with accounts.
const (
	DefaultPasswordOneTimeHours = 72
	DefaultTwoFactorRoles       = "admin,coordinator,assessor"
	// MaxPasswordOneTimeHours bounds the validity of a one-time password
	// (30 days).
	MaxPasswordOneTimeHours = 720
)

// SettingDef describes one known setting: its key, its label and what it
// expects in Danish and English, its default, who may change it and how a
// value is checked.
type SettingDef struct {
	Key string
	// Default applies while the setting is not stored.
	Default string
	// AdminOnly settings are changed by administrators only (who signs
	// in how, who sees exact statistics); the others by administrators
	// and coordinators.
	AdminOnly bool
	// Text marks free text of several lines (a textarea in the web).
	Text bool

	label    label
	expected string // English; Danish through expectedDA
	check    func(v string) (string, *FieldError)
}

// Label returns the setting's label in lang.
func (d *SettingDef) Label(lang Lang) string { return d.label.in(lang) }

// Expected says in lang what the setting takes.
func (d *SettingDef) Expected(lang Lang) string { return expectedIn(d.expected, lang) }

// Check validates a value and returns it in the form to store (trimmed,
// normalised). The error is EINVALID with one field error whose field is
// the setting's key, so that its message names the setting's label and
// what is expected.
func (d *SettingDef) Check(value string) (string, error) {
	v, fe := d.check(value)
	if fe != nil {
		fe.Field = d.Key
		if fe.Expected == "" {
			fe.Expected = d.expected
		}
		return "", &Error{Code: EINVALID, Message: "The setting is not valid.", Fields: []FieldError{*fe}}
	}
	return v, nil
}

// MayChange reports whether a role may change the setting.
func (d *SettingDef) MayChange(r Role) bool {
	return r == RoleAdmin || (r == RoleCoordinator && !d.AdminOnly)
}

// settingDefs lists the known settings in display order.
var settingDefs = []*SettingDef{
	{
		Key: SettingPasswordOneTimeHours, Default: strconv.Itoa(DefaultPasswordOneTimeHours), AdminOnly: true,
		label:    label{"Engangsadgangskoders gyldighed (timer)", "One-time password validity (hours)"},
		expected: "a whole number of hours from 1 to 720",
		check:    wholeNumber(MaxPasswordOneTimeHours),
	},
	{
		Key: SettingTwoFactorRoles, Default: DefaultTwoFactorRoles, AdminOnly: true,
		label:    label{"Roller med krav om totrinsgodkendelse", "Roles that must use two-factor sign-in"},
		expected: "roles separated by commas (admin, coordinator, assessor, caseworker, analyst, auditor); empty: no role",
		check: func(v string) (string, *FieldError) {
			rs, bad := parseRoleList(v)
			if bad != "" {
				return "", &FieldError{Rule: RuleOneOf, Value: clip(bad)}
			}
			return joinRoles(rs), nil
		},
	},
	{
		Key: SettingStatisticsClearance, Default: DefaultStatisticsClearance, AdminOnly: true,
		label:    label{"Adgang til præcis statistik", "Clearance for exact statistics"},
		expected: "roles separated by commas, each optionally limited to one organisation as role@ORG, e.g. admin,coordinator@CMM; empty: the default",
		check: func(v string) (string, *FieldError) {
			var out []string
			for _, part := range strings.Split(v, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				role, org, hasOrg := strings.Cut(part, "@")
				r := Role(strings.ToLower(strings.TrimSpace(role)))
				org = strings.ToUpper(strings.TrimSpace(org))
				switch {
				case !r.Valid():
					return "", &FieldError{Rule: RuleOneOf, Value: clip(role)}
				case hasOrg && (org == "" || !ValidOrgCode(org)):
					return "", &FieldError{Rule: RuleFormat, Value: clip(part)}
				case hasOrg:
					out = append(out, string(r)+"@"+org)
				default:
					out = append(out, string(r))
				}
			}
			return strings.Join(slices.Compact(out), ","), nil
		},
	},
	daysSetting(SettingReconsiderationDays, DefaultReconsiderationDays,
		label{"Frist for afgørelse om genoptagelse (dage)", "Deadline for deciding a reconsideration (days)"}),
	daysSetting(SettingReflectionDays, DefaultReflectionDays,
		label{"Refleksionsperiodens standardlængde (dage)", "Default length of a reflection period (days)"}),
	daysSetting(SettingReflectionMaxDays, DefaultReflectionMaxDays,
		label{"Refleksionsperiodens længde i alt med forlængelser, højst (dage)", "Longest reflection period in total with extensions (days)"}),
	daysSetting(SettingTaskAssessmentDays, DefaultTaskAssessmentDays,
		label{"Opgave: vurdering afventer i mere end (dage)", "Task: assessment pending for more than (days)"}),
	daysSetting(SettingTaskStayDays, DefaultTaskStayDays,
		label{"Opgave: ophold på krisecenter i mere end (dage)", "Task: shelter stay longer than (days)"}),
	daysSetting(SettingTaskOfferDays, DefaultTaskOfferDays,
		label{"Opgave: tilbud ubesvaret i mere end (dage)", "Task: offer unanswered for more than (days)"}),
	daysSetting(SettingTaskReferralDays, DefaultTaskReferralDays,
		label{"Opgave: henvisning afventer svar i mere end (dage)", "Task: referral awaiting an answer for more than (days)"}),
	{
		Key: SettingTaskRetentionYears, Default: strconv.Itoa(DefaultTaskRetentionYears),
		label:    label{"Opgave: sletning af identifikationsoplysninger efter udtræden (år)", "Task: identifiers due for purging after the exit (years)"},
		expected: "a whole number of years from 1 to 100",
		check:    wholeNumber(100),
	},
	{
		Key: SettingReportIntro, Text: true,
		label:    label{"Årsrapportens indledning (dansk)", "Introduction of the annual report (Danish)"},
		expected: "text of at most 20000 characters; blank lines separate paragraphs",
		check:    checkText,
	},
	{
		Key: SettingReportIntroEN, Text: true,
		label:    label{"Årsrapportens indledning (engelsk)", "Introduction of the annual report (English)"},
		expected: "text of at most 20000 characters; blank lines separate paragraphs",
		check:    checkText,
	},
}

// daysSetting is a setting of a whole number of days from 1 to 3650.
func daysSetting(key string, def int, l label) *SettingDef {
	return &SettingDef{
		Key: key, Default: strconv.Itoa(def), label: l,
		expected: "a whole number of days from 1 to 3650",
		check:    wholeNumber(3650),
	}
}

// wholeNumber checks a whole-number setting from 1 to max and returns it
// in its canonical form.
func wholeNumber(max int) func(string) (string, *FieldError) {
	return func(v string) (string, *FieldError) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case err != nil:
			return "", &FieldError{Rule: RuleFormat, Value: clip(v)}
		case n < 1 || n > max:
			return "", &FieldError{Rule: RuleRange, Value: strconv.Itoa(n)}
		}
		return strconv.Itoa(n), nil
	}
}

// SettingInt returns the whole-number setting's value in force: the
// stored one when it is valid, else the default (so that a broken value
// never stops a deadline from being computed).
func SettingInt(key, value string, set bool) int {
	d, err := LookupSetting(key)
	if err != nil {
		return 0
	}
	if set {
		if v, err := d.Check(value); err == nil {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	n, _ := strconv.Atoi(d.Default)
	return n
}

// checkText accepts free text of a bounded length.
func checkText(v string) (string, *FieldError) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	if utf8.RuneCountInString(v) > 20000 {
		return "", &FieldError{Rule: RuleTooLong}
	}
	return v, nil
}

// clip bounds a value echoed in an error message.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// parseRoleList reads comma-separated roles, dropping repeats; bad is the
// first entry that is not a role.
func parseRoleList(v string) (rs []Role, bad string) {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r := Role(strings.ToLower(part))
		if !r.Valid() {
			return nil, part
		}
		if !slices.Contains(rs, r) {
			rs = append(rs, r)
		}
	}
	return rs, ""
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// Settings returns the known settings in display order.
func Settings() []*SettingDef { return slices.Clone(settingDefs) }

// LookupSetting returns the known setting of key; an unknown key is
// EINVALID naming the known ones.
func LookupSetting(key string) (*SettingDef, error) {
	key = strings.TrimSpace(key)
	for _, d := range settingDefs {
		if d.Key == key {
			return d, nil
		}
	}
	keys := make([]string, len(settingDefs))
	for i, d := range settingDefs {
		keys[i] = d.Key
	}
	return nil, &Error{Code: EINVALID, Message: "Unknown setting.", Fields: []FieldError{{Field: "setting", Rule: RuleOneOf,
		Value: clip(key), Expected: "one of " + strings.Join(keys, ", ")}}}
}

// TwoFactorRoles returns the roles that must use two-factor sign-in
// under the setting's stored value (set false: not stored, the default
// applies). A value that does not parse requires it of every role, so
// that a broken setting never lowers the bar.
func TwoFactorRoles(value string, set bool) []Role {
	if !set {
		value = DefaultTwoFactorRoles
	}
	rs, bad := parseRoleList(value)
	if bad != "" {
		return []Role{RoleAdmin, RoleCoordinator, RoleAssessor, RoleCaseworker, RoleAnalyst, RoleAuditor}
	}
	return rs
}

// OneTimeHours returns the validity of one-time passwords under the
// setting's stored value; a missing or broken value gives the default.
func OneTimeHours(value string, set bool) int {
	if n, err := strconv.Atoi(strings.TrimSpace(value)); set && err == nil && n >= 1 && n <= MaxPasswordOneTimeHours {
		return n
	}
	return DefaultPasswordOneTimeHours
}

// SettingValue is a known setting with its stored value.
type SettingValue struct {
	Def *SettingDef
	// Value is the stored value; meaningless unless Set.
	Value string
	// Set is false while the default applies.
	Set bool
}

// Effective returns the value in force: the stored one, else the default.
func (v *SettingValue) Effective() string {
	if v.Set {
		return v.Value
	}
	return v.Def.Default
}

// SettingService reads and changes the known settings. Every change is
// validated and audited.
type SettingService interface {
	// FindSettings lists every known setting with its stored value
	// (administrators and coordinators).
	FindSettings(ctx context.Context) ([]*SettingValue, error)
	// SetSetting validates and stores a setting's value.
	SetSetting(ctx context.Context, key, value string) error
	// ResetSetting removes a stored value, so that the default applies.
	ResetSetting(ctx context.Context, key string) error
}

func init() {
	// The settings' labels name them in field errors; their expected
	// texts have Danish forms like every other.
	fieldLabels["setting"] = label{"Indstilling", "Setting"}
	for _, d := range settingDefs {
		fieldLabels[d.Key] = d.label
	}
	expectedDA = append(expectedDA, []struct{ en, da string }{
		{"a whole number of hours from 1 to 720", "et helt antal timer fra 1 til 720"},
		{"a whole number of days from 1 to 3650", "et helt antal dage fra 1 til 3650"},
		{"roles separated by commas (admin, coordinator, assessor, caseworker, analyst, auditor); empty: no role",
			"roller adskilt af komma (admin, coordinator, assessor, caseworker, analyst, auditor); tom: ingen rolle"},
		{"roles separated by commas, each optionally limited to one organisation as role@ORG, e.g. admin,coordinator@CMM; empty: the default",
			"roller adskilt af komma, hver eventuelt begrænset til én organisation som rolle@ORG, fx admin,coordinator@CMM; tom: standardværdien"},
		{"text of at most 20000 characters; blank lines separate paragraphs", "tekst på højst 20000 tegn; tomme linjer adskiller afsnit"},
		{"a whole number of years from 1 to 100", "et helt antal år fra 1 til 100"},
	}...)
}
