package nrm

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Case is one presumed victim in the mechanism. Statistical attributes are
// stored in clear; direct identifiers live in Identifiers and are sealed
// (encrypted) by the storage layer before they touch disk.
type Case struct {
	ID              int64           `json:"id"`
	Ref             string          `json:"ref"`
	OwnerOrg        string          `json:"owner_org"`
	SharedWith      []string        `json:"shared_with,omitempty"`
	Gender          Gender          `json:"gender"`
	BirthYear       int             `json:"birth_year,omitempty"`
	Nationality     string          `json:"nationality,omitempty"`
	ResidenceStatus ResidenceStatus `json:"residence_status"`
	Identifiers     Identifiers     `json:"identifiers"`

	Contacts          []Contact          `json:"contacts"`
	Assessments       []Assessment       `json:"assessments"`
	ReflectionPeriods []ReflectionPeriod `json:"reflection_periods"`
	Accommodations    []Accommodation    `json:"accommodations"`
	Offers            []Offer            `json:"offers"`
	Exits             []Exit             `json:"exits"`
	// Reopenings reopen a closed case; facts dated after an exit need one.
	Reopenings []Reopening `json:"reopenings,omitempty"`
	// Reconsiderations of negative final decisions.
	Reconsiderations []Reconsideration `json:"reconsiderations,omitempty"`
	// Consents and Referrals change only through ReferralService.
	Consents  []Consent  `json:"consents,omitempty"`
	Referrals []Referral `json:"referrals,omitempty"`

	// Version is incremented on every write; an update carrying a stale
	// version is refused with ECONFLICT.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// PurgedAt is set when retention removed the direct identifiers.
	PurgedAt *time.Time `json:"purged_at,omitempty"`
}

// Identifiers are a person's direct identifiers: never in clear on disk,
// never in logs, never in aggregate outputs.
type Identifiers struct {
	Name            string   `json:"name,omitempty"`
	Aliases         []string `json:"aliases,omitempty"`
	BirthDate       Date     `json:"birth_date,omitzero"`
	DocumentNumbers []string `json:"document_numbers,omitempty"`
	Phone           string   `json:"phone,omitempty"`
	Address         string   `json:"address,omitempty"`
	Notes           string   `json:"notes,omitempty"`
}

// IsZero reports whether no identifier is recorded.
func (i Identifiers) IsZero() bool {
	return i.Name == "" && len(i.Aliases) == 0 && i.BirthDate.IsZero() && len(i.DocumentNumbers) == 0 &&
		i.Phone == "" && i.Address == "" && i.Notes == ""
}

// Contact is an encounter with the person; the first one is counted.
type Contact struct {
	ID    int64       `json:"id,omitempty"`
	Date  Date        `json:"date"`
	Form  ContactForm `json:"form"`
	Org   string      `json:"org,omitempty"`
	Place string      `json:"place,omitempty"` // municipality or region
}

// Assessment is a competent authority's decision on whether the person is
// a victim of trafficking.
type Assessment struct {
	ID        int64     `json:"id,omitempty"`
	Date      Date      `json:"date"`
	Authority Authority `json:"authority"`
	Outcome   Outcome   `json:"outcome"`
	// Exploitation is a set: one person can have several forms.
	Exploitation        []ExploitationForm `json:"exploitation,omitempty"`
	LabourSector        LabourSector       `json:"labour_sector,omitempty"`
	LabourSetting       LabourSetting      `json:"labour_setting,omitempty"` // where, in general terms; only with forced labour
	ExploitationCountry string             `json:"exploitation_country,omitempty"`
	// OverrideReason allows an authority that does not match the
	// residence status (see AuthorityFor).
	OverrideReason string `json:"override_reason,omitempty"`
	// Stage is preliminary ("presumed victim", reasonable grounds) or
	// final (identified / not identified); empty means final, as in
	// bundles and databases from before stages. Date is the decision
	// date; the statistics count the first final identification.
	Stage AssessmentStage `json:"stage,omitempty"`
	// Reasons for the decision: sealed at rest like the identifiers.
	Reasons string `json:"reasons,omitempty"`
	// NotifiedOn is the date the person was told the decision.
	NotifiedOn Date   `json:"notified_on,omitzero"`
	DecidedBy  string `json:"decided_by,omitempty"`
}

// IsFinal reports whether the assessment is a final decision.
func (a Assessment) IsFinal() bool { return a.Stage != StagePreliminary }

// AssessmentStage is the stage of an assessment.
type AssessmentStage string

// Assessment stages.
const (
	StagePreliminary AssessmentStage = "preliminary"
	StageFinal       AssessmentStage = "final"
)

var assessmentStages = newCodeSet("assessment_stage",
	[3]string{"preliminary", "Foreløbig vurdering (formodet offer)", "Preliminary (presumed victim)"},
	[3]string{"final", "Endelig vurdering", "Final decision"},
)

// Label returns the stage's label in l.
func (s AssessmentStage) Label(l Lang) string { return assessmentStages.label(string(s), l) }

// Valid reports whether s is a known stage (empty counts as final).
func (s AssessmentStage) Valid() bool { return s == "" || assessmentStages.valid(string(s)) }

// Reconsideration is a request to reconsider a negative final decision:
// requested on a date with grounds, due by a deadline, decided upheld or
// overturned, and — when overturned — the new assessment it led to.
type Reconsideration struct {
	ID int64 `json:"id,omitempty"`
	// AssessmentID is the negative final decision reconsidered.
	AssessmentID int64                  `json:"assessment_id"`
	RequestedOn  Date                   `json:"requested_on"`
	Grounds      string                 `json:"grounds,omitempty"` // sealed at rest
	Deadline     Date                   `json:"deadline"`
	Outcome      ReconsiderationOutcome `json:"outcome,omitempty"` // empty while pending
	DecidedOn    Date                   `json:"decided_on,omitzero"`
	// NewAssessmentID is the assessment the reconsideration led to.
	NewAssessmentID int64 `json:"new_assessment_id,omitempty"`
}

// ReconsiderationOutcome is how a reconsideration ended.
type ReconsiderationOutcome string

// Reconsideration outcomes.
const (
	ReconsiderationUpheld     ReconsiderationOutcome = "upheld"
	ReconsiderationOverturned ReconsiderationOutcome = "overturned"
)

var reconsiderationOutcomes = newCodeSet("reconsideration_outcome",
	[3]string{"upheld", "Afgørelsen fastholdt", "Decision upheld"},
	[3]string{"overturned", "Afgørelsen ændret", "Decision overturned"},
)

// Label returns the outcome's label in l.
func (o ReconsiderationOutcome) Label(l Lang) string {
	return reconsiderationOutcomes.label(string(o), l)
}

// Valid reports whether o is a known outcome (empty: pending).
func (o ReconsiderationOutcome) Valid() bool {
	return o == "" || reconsiderationOutcomes.valid(string(o))
}

// DefaultReconsiderationDays is the default deadline for deciding a
// reconsideration, counted from the request (setting
// "reconsideration.days").
const DefaultReconsiderationDays = 30

// Reopening reopens a closed case on a date, with a reason.
type Reopening struct {
	ID     int64  `json:"id,omitempty"`
	Date   Date   `json:"date"`
	Reason string `json:"reason"`
}

// ReflectionPeriod is the (extended) time limit for leaving the country
// (refleksionsperiode, udvidet udrejsefrist): an initial period of the
// statutory default length, and extensions up to the statutory maximum
// in total (settings reflection.default_days and reflection.max_days).
// An exit ends a period still open on its date.
type ReflectionPeriod struct {
	ID    int64 `json:"id,omitempty"`
	Start Date  `json:"start"`
	End   Date  `json:"end"`
	// Kind is initial or extension; empty, as in data from before kinds,
	// counts as initial and is not held to the statutory maximum.
	Kind ReflectionKind `json:"kind,omitempty"`
	// Reason for an extension (required there): a short administrative
	// reason, stored in clear like an override reason.
	Reason string `json:"reason,omitempty"`
	// DecidedBy names who decided the period (an authority or a user).
	DecidedBy string `json:"decided_by,omitempty"`
}

// Accommodation is a stay; End is zero while the stay is ongoing.
type Accommodation struct {
	ID       int64             `json:"id,omitempty"`
	Kind     AccommodationKind `json:"kind"`
	Provider string            `json:"provider,omitempty"`
	Start    Date              `json:"start"`
	End      Date              `json:"end,omitzero"`
}

// Offer is a support offer and the person's answer (nil: not answered).
type Offer struct {
	ID       int64     `json:"id,omitempty"`
	Kind     OfferKind `json:"kind"`
	Offered  Date      `json:"offered"`
	Accepted *bool     `json:"accepted,omitempty"`
}

// Exit is how and when the person left the mechanism.
type Exit struct {
	ID   int64    `json:"id,omitempty"`
	Date Date     `json:"date"`
	Kind ExitKind `json:"kind"`
}

// AuthorityFor returns the competent authority for a residence status:
// US for asylum seekers and people without legal stay, CMM for people with
// legal stay; "" when the status is unknown.
func AuthorityFor(r ResidenceStatus) Authority {
	switch r {
	case ResidenceLegal:
		return AuthorityCMM
	case ResidenceIrregular, ResidenceAsylumSeeker:
		return AuthorityUS
	}
	return ""
}

// FirstContact returns the earliest contact (ties: the first listed).
func (c *Case) FirstContact() (Contact, bool) {
	var first Contact
	found := false
	for _, ct := range c.Contacts {
		if !found || ct.Date.Before(first.Date) {
			first, found = ct, true
		}
	}
	return first, found
}

// FirstIdentified returns the earliest assessment with outcome identified.
func (c *Case) FirstIdentified() (Assessment, bool) {
	var first Assessment
	found := false
	for _, a := range c.Assessments {
		if a.Outcome == OutcomeIdentified && a.IsFinal() && (!found || a.Date.Before(first.Date)) {
			first, found = a, true
		}
	}
	return first, found
}

// AgeAt returns the person's age in completed years at d. With only a
// birth year known, age counts from 1 July of that year. ok is false when
// neither is known.
func (c *Case) AgeAt(d Date) (age int, ok bool) {
	switch {
	case d.IsZero():
		return 0, false
	case !c.Identifiers.BirthDate.IsZero():
		return c.Identifiers.BirthDate.YearsUntil(d), true
	case c.BirthYear > 0:
		return NewDate(c.BirthYear, time.July, 1).YearsUntil(d), true
	}
	return 0, false
}

// Limits on free text, so that no field can be used to smuggle bulk data.
const (
	MaxRefLen  = 64
	MaxTextLen = 2000
)

// The code patterns, written out rather than as regular expressions,
// which cost more than the rest of a case's validation in a
// million-case import:
//
//	reference     ^[A-Za-z0-9][A-Za-z0-9._/-]*$
//	country       ^[A-Z]{2}$
//	organisation  ^[A-Za-z0-9][A-Za-z0-9_-]*$

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// codeOf reports whether s is an alphanumeric followed by alphanumerics or
// bytes of extra.
func codeOf(s, extra string) bool {
	if s == "" || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) && strings.IndexByte(extra, s[i]) < 0 {
			return false
		}
	}
	return true
}

// ValidRef reports whether s is a well-formed case reference.
func ValidRef(s string) bool { return len(s) <= MaxRefLen && codeOf(s, "._/-") }

// ValidOrgCode reports whether s is a well-formed organisation code.
func ValidOrgCode(s string) bool { return len(s) <= 32 && codeOf(s, "_-") }

// Validate checks the case against the domain rules and returns an
// EINVALID *Error listing every broken rule with its field. today bounds
// dates from above (no fact can be dated in the future); pass the zero
// Date to skip that check.
func (c *Case) Validate(today Date) error {
	v := &invalid{}
	if c.Ref == "" {
		v.add("case_ref", RuleRequired, "", "")
	} else if !ValidRef(c.Ref) {
		v.add("case_ref", RuleFormat, c.Ref, "letters, digits and . _ / - (at most 64)")
	}
	if c.OwnerOrg == "" {
		v.add("owner_org", RuleRequired, "", "")
	} else if !ValidOrgCode(c.OwnerOrg) {
		v.add("owner_org", RuleFormat, c.OwnerOrg, "an organisation code")
	}
	for _, o := range c.SharedWith {
		if !ValidOrgCode(o) {
			v.add("shared_with", RuleFormat, o, "an organisation code")
		}
	}
	if !c.Gender.Valid() {
		v.add("gender", RuleOneOf, string(c.Gender), genders.expected())
	}
	if !c.ResidenceStatus.Valid() {
		v.add("residence_status", RuleOneOf, string(c.ResidenceStatus), residenceStatuses.expected())
	}
	if c.Nationality != "" && !ValidCountry(c.Nationality) {
		v.add("nationality", RuleOneOf, c.Nationality, "an ISO 3166-1 alpha-2 country code, e.g. NG")
	}
	bd := c.Identifiers.BirthDate
	if c.BirthYear != 0 && (c.BirthYear < 1880 || (!today.IsZero() && c.BirthYear > today.Year())) {
		v.add("birth_year", RuleRange, fmt.Sprint(c.BirthYear), "a year between 1880 and this year")
	}
	if !bd.IsZero() && c.BirthYear != 0 && bd.Year() != c.BirthYear {
		v.add("birth_year", RuleNotAllowed, fmt.Sprint(c.BirthYear), fmt.Sprintf("the year of birth_date (%d)", bd.Year()))
	}
	if !bd.IsZero() && !today.IsZero() && bd.After(today) {
		v.add("birth_date", RuleRange, bd.String(), "a date not in the future")
	}
	for _, s := range []struct{ f, val string }{{"name", c.Identifiers.Name}, {"phone", c.Identifiers.Phone},
		{"address", c.Identifiers.Address}, {"notes", c.Identifiers.Notes}} {
		if len(s.val) > MaxTextLen {
			v.add(s.f, RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
		}
	}

	future := func(field string, d Date) {
		if !today.IsZero() && d.After(today) {
			v.add(field, RuleRange, d.String(), "a date not in the future")
		}
	}
	first, hasContact := c.FirstContact()
	for _, ct := range c.Contacts {
		if ct.Date.IsZero() {
			v.add("contact_date", RuleRequired, "", "YYYY-MM-DD")
		}
		future("contact_date", ct.Date)
		if !ct.Form.Valid() {
			v.add("contact_form", RuleOneOf, string(ct.Form), contactForms.expected())
		}
		if ct.Org != "" && !ValidOrgCode(ct.Org) {
			v.add("contact_org", RuleFormat, ct.Org, "an organisation code")
		}
		if !bd.IsZero() && !ct.Date.IsZero() && ct.Date.Before(bd) {
			v.add("contact_date", RuleDateOrder, ct.Date.String(), "on or after the birth date")
		}
	}
	for _, a := range c.Assessments {
		c.validateAssessment(v, a, first, hasContact, future)
	}
	for _, r := range c.ReflectionPeriods {
		if r.Start.IsZero() {
			v.add("reflection_start", RuleRequired, "", "YYYY-MM-DD")
		}
		if !r.End.IsZero() && r.End.Before(r.Start) {
			v.add("reflection_end", RuleDateOrder, r.End.String(), "on or after the start "+r.Start.String())
		}
	}
	c.validateReflectionKinds(v)
	for _, a := range c.Accommodations {
		if !a.Kind.Valid() {
			v.add("kind", RuleOneOf, string(a.Kind), accommodationKinds.expected())
		}
		if a.Start.IsZero() {
			v.add("start_date", RuleRequired, "", "YYYY-MM-DD")
		}
		future("start_date", a.Start)
		if !a.End.IsZero() && a.End.Before(a.Start) {
			v.add("end_date", RuleDateOrder, a.End.String(), "on or after start_date "+a.Start.String())
		}
		if len(a.Provider) > 200 {
			v.add("provider", RuleTooLong, "", "at most 200 characters")
		}
	}
	for _, o := range c.Offers {
		if !o.Kind.Valid() {
			v.add("offer_kind", RuleOneOf, string(o.Kind), offerKinds.expected())
		}
		if o.Offered.IsZero() {
			v.add("offered", RuleRequired, "", "YYYY-MM-DD")
		}
	}
	for _, e := range c.Exits {
		if e.Date.IsZero() {
			v.add("exit_date", RuleRequired, "", "YYYY-MM-DD")
		}
		future("exit_date", e.Date)
		if !e.Kind.Valid() {
			v.add("exit_kind", RuleOneOf, string(e.Kind), exitKinds.expected())
		}
		if hasContact && !e.Date.IsZero() && e.Date.Before(first.Date) {
			v.add("exit_date", RuleDateOrder, e.Date.String(), "on or after the first contact "+first.Date.String())
		}
	}
	c.validateReconsiderations(v, future)
	for _, r := range c.Reopenings {
		if r.Date.IsZero() {
			v.add("reopen_date", RuleRequired, "", "YYYY-MM-DD")
		}
		future("reopen_date", r.Date)
		if strings.TrimSpace(r.Reason) == "" && c.PurgedAt == nil { // retention purges the reasons
			v.add("reopen_reason", RuleRequired, "", "")
		} else if len(r.Reason) > MaxTextLen {
			v.add("reopen_reason", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
		}
	}
	for _, k := range c.Consents {
		if err := k.Validate(Date{}); err != nil {
			v.fields = append(v.fields, FieldErrors(err)...)
		}
	}
	return v.err("The case has invalid fields.")
}

func (c *Case) validateReconsiderations(v *invalid, future func(string, Date)) {
	byID := map[int64]Assessment{}
	for _, a := range c.Assessments {
		if a.ID != 0 {
			byID[a.ID] = a
		}
	}
	for _, r := range c.Reconsiderations {
		a, ok := byID[r.AssessmentID]
		switch {
		case r.AssessmentID == 0:
			// A bundle links by position; storage sets the id.
		case !ok:
			v.add("reconsidered_assessment", RuleUnknownReference, fmt.Sprint(r.AssessmentID), "a final assessment of this case")
		case !a.IsFinal() || a.Outcome != OutcomeNotIdentified:
			v.add("reconsidered_assessment", RuleNotAllowed, a.Date.String(), "a negative final decision (not identified)")
		case !r.RequestedOn.IsZero() && r.RequestedOn.Before(a.Date):
			v.add("requested_on", RuleDateOrder, r.RequestedOn.String(), "on or after the decision date "+a.Date.String())
		}
		if r.RequestedOn.IsZero() {
			v.add("requested_on", RuleRequired, "", "YYYY-MM-DD")
		}
		future("requested_on", r.RequestedOn)
		if r.Deadline.IsZero() {
			v.add("reconsideration_deadline", RuleRequired, "", "YYYY-MM-DD")
		} else if r.Deadline.Before(r.RequestedOn) {
			v.add("reconsideration_deadline", RuleDateOrder, r.Deadline.String(), "on or after the request "+r.RequestedOn.String())
		}
		if len(r.Grounds) > MaxTextLen {
			v.add("grounds", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
		}
		if !r.Outcome.Valid() {
			v.add("reconsideration_outcome", RuleOneOf, string(r.Outcome), reconsiderationOutcomes.expected())
		}
		switch {
		case r.Outcome == "" && !r.DecidedOn.IsZero():
			v.add("reconsideration_decided_on", RuleNotAllowed, r.DecidedOn.String(), "empty until an outcome is recorded")
		case r.Outcome != "" && r.DecidedOn.IsZero():
			v.add("reconsideration_decided_on", RuleRequired, "", "YYYY-MM-DD")
		case !r.DecidedOn.IsZero() && r.DecidedOn.Before(r.RequestedOn):
			v.add("reconsideration_decided_on", RuleDateOrder, r.DecidedOn.String(), "on or after the request "+r.RequestedOn.String())
		}
		future("reconsideration_decided_on", r.DecidedOn)
		if r.NewAssessmentID != 0 {
			if _, ok := byID[r.NewAssessmentID]; !ok {
				v.add("new_assessment", RuleUnknownReference, fmt.Sprint(r.NewAssessmentID), "an assessment of this case")
			}
		}
	}
}

func (c *Case) validateAssessment(v *invalid, a Assessment, first Contact, hasContact bool, future func(string, Date)) {
	if a.Date.IsZero() {
		v.add("assessment_date", RuleRequired, "", "YYYY-MM-DD")
	}
	future("assessment_date", a.Date)
	if !a.Authority.Valid() {
		v.add("assessment_authority", RuleOneOf, string(a.Authority), authorities.expected())
	} else if want := AuthorityFor(c.ResidenceStatus); want != "" && want != a.Authority && strings.TrimSpace(a.OverrideReason) == "" {
		v.add("assessment_authority", RuleAuthorityMismatch, string(a.Authority), string(want))
	}
	if !a.Outcome.Valid() {
		v.add("assessment_outcome", RuleOneOf, string(a.Outcome), outcomes.expected())
	}
	seen := map[ExploitationForm]bool{}
	labour := false
	for _, f := range a.Exploitation {
		if !f.Valid() {
			v.add("exploitation", RuleOneOf, string(f), exploitationForms.expected())
		} else if seen[f] {
			v.add("exploitation", RuleDuplicate, string(f), "each form at most once")
		}
		seen[f] = true
		labour = labour || f == ExploitationForcedLabour
	}
	if !a.Stage.Valid() {
		v.add("assessment_stage", RuleOneOf, string(a.Stage), assessmentStages.expected())
	}
	if len(a.Reasons) > MaxTextLen {
		v.add("decision_reasons", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
	}
	if !a.NotifiedOn.IsZero() && !a.Date.IsZero() && a.NotifiedOn.Before(a.Date) {
		v.add("notified_on", RuleDateOrder, a.NotifiedOn.String(), "on or after the decision date "+a.Date.String())
	}
	if a.Outcome == OutcomeIdentified && a.IsFinal() && len(a.Exploitation) == 0 {
		v.add("exploitation", RuleRequired, "", "at least one form for an identified victim: "+exploitationForms.expected())
	}
	if a.LabourSector != "" {
		if !a.LabourSector.Valid() {
			v.add("labour_sector", RuleOneOf, string(a.LabourSector), labourSectors.expected())
		} else if !labour {
			v.add("labour_sector", RuleNotAllowed, string(a.LabourSector), "empty unless exploitation includes forced_labour")
		}
	}
	if a.LabourSetting != "" {
		if !a.LabourSetting.Valid() {
			v.add("labour_setting", RuleOneOf, string(a.LabourSetting), labourSettings.expected())
		} else if !labour {
			v.add("labour_setting", RuleNotAllowed, string(a.LabourSetting), "empty unless exploitation includes forced_labour")
		}
	}
	if a.ExploitationCountry != "" && !ValidCountry(a.ExploitationCountry) {
		v.add("exploitation_country", RuleFormat, a.ExploitationCountry, "ISO 3166-1 alpha-2 code, e.g. DK")
	}
	if hasContact && !a.Date.IsZero() && a.Date.Before(first.Date) {
		v.add("assessment_date", RuleDateOrder, a.Date.String(), "on or after the first contact "+first.Date.String())
	}
	if age, ok := c.AgeAt(a.Date); ok && (age < 0 || age > 120) {
		v.add("birth_date", RuleRange, fmt.Sprint(age), "an age between 0 and 120 at the assessment date")
	}
	if len(a.OverrideReason) > MaxTextLen {
		v.add("override_reason", RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
	}
}

// Normalize sorts sets and lists into a canonical order so that equal cases
// compare equal and re-imports are idempotent.
func (c *Case) Normalize() {
	sort.Strings(c.SharedWith)
	c.SharedWith = dedupe(c.SharedWith)
	// The slices package sorts without allocating: an import normalises
	// every case.
	for i := range c.Assessments {
		slices.SortStableFunc(c.Assessments[i].Exploitation, func(a, b ExploitationForm) int {
			return exploitationForms.index(string(a)) - exploitationForms.index(string(b))
		})
	}
	slices.SortStableFunc(c.Contacts, func(a, b Contact) int { return a.Date.t.Compare(b.Date.t) })
	slices.SortStableFunc(c.Assessments, func(a, b Assessment) int { return a.Date.t.Compare(b.Date.t) })
	slices.SortStableFunc(c.Accommodations, func(a, b Accommodation) int { return a.Start.t.Compare(b.Start.t) })
	slices.SortStableFunc(c.Exits, func(a, b Exit) int { return a.Date.t.Compare(b.Date.t) })
}

func (s *codeSet) index(c string) int {
	for i, x := range s.codes {
		if x == c {
			return i
		}
	}
	return len(s.codes)
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Clone returns a copy of the case deep enough that editing the copy —
// its facts, their lists, the identifiers' lists — leaves c as it was (for
// an edit that may be refused, or a correction compared with the stored
// case).
func (c *Case) Clone() *Case {
	n := *c
	n.SharedWith = slices.Clone(c.SharedWith)
	n.Identifiers.Aliases = slices.Clone(c.Identifiers.Aliases)
	n.Identifiers.DocumentNumbers = slices.Clone(c.Identifiers.DocumentNumbers)
	n.Contacts = slices.Clone(c.Contacts)
	n.Assessments = slices.Clone(c.Assessments)
	for i := range n.Assessments {
		n.Assessments[i].Exploitation = slices.Clone(c.Assessments[i].Exploitation)
	}
	n.ReflectionPeriods = slices.Clone(c.ReflectionPeriods)
	n.Accommodations = slices.Clone(c.Accommodations)
	n.Offers = slices.Clone(c.Offers)
	for i, o := range n.Offers {
		if o.Accepted != nil {
			v := *o.Accepted
			n.Offers[i].Accepted = &v
		}
	}
	n.Exits = slices.Clone(c.Exits)
	n.Reopenings = slices.Clone(c.Reopenings)
	n.Reconsiderations = slices.Clone(c.Reconsiderations)
	n.Consents = slices.Clone(c.Consents)
	for i := range n.Consents {
		n.Consents[i].Scopes = slices.Clone(c.Consents[i].Scopes)
		n.Consents[i].ShareWith = slices.Clone(c.Consents[i].ShareWith)
	}
	n.Referrals = slices.Clone(c.Referrals)
	for i := range n.Referrals {
		n.Referrals[i].Indicators = slices.Clone(c.Referrals[i].Indicators)
	}
	return &n
}

// IsClosed reports whether the case has left the mechanism: it has an
// exit and no reopening on or after its last exit.
func (c *Case) IsClosed() bool { return !c.ClosedOn().IsZero() }

// ClosedOn returns the date of the last exit while the case is closed,
// or the zero Date when it is open (no exit, or reopened since).
func (c *Case) ClosedOn() Date {
	var d Date
	for _, e := range c.Exits {
		if e.Date.After(d) {
			d = e.Date
		}
	}
	if d.IsZero() {
		return d
	}
	for _, r := range c.Reopenings {
		if !r.Date.Before(d) {
			return Date{}
		}
	}
	return d
}

// ClosedAt reports whether a fact dated d falls while the case is closed:
// after an exit and before any reopening dated on or after that exit.
// A fact on the exit date itself still belongs to the open case.
func (c *Case) ClosedAt(d Date) bool {
	if d.IsZero() {
		return false
	}
exits:
	for _, e := range c.Exits {
		if !e.Date.Before(d) {
			continue
		}
		for _, r := range c.Reopenings {
			if !r.Date.Before(e.Date) && !r.Date.After(d) {
				continue exits
			}
		}
		return true
	}
	return false
}

// EndOpenOn ends, on d, every stay and reflection period still open on d
// (no end, or an end after d), as recording an exit does once the user
// has confirmed it; it returns how many it ended.
func (c *Case) EndOpenOn(d Date) int {
	n := 0
	for i := range c.Accommodations {
		if a := &c.Accommodations[i]; openOn(a.Start, a.End, d) {
			a.End = d
			n++
		}
	}
	for i := range c.ReflectionPeriods {
		if p := &c.ReflectionPeriods[i]; openOn(p.Start, p.End, d) {
			p.End = d
			n++
		}
	}
	return n
}

// HasOpenOn reports whether a stay or reflection period is still open on
// d (started by then, and no end or an end after it): what EndOpenOn
// would end.
func (c *Case) HasOpenOn(d Date) bool {
	for _, a := range c.Accommodations {
		if openOn(a.Start, a.End, d) {
			return true
		}
	}
	for _, p := range c.ReflectionPeriods {
		if openOn(p.Start, p.End, d) {
			return true
		}
	}
	return false
}

// openOn reports whether a period from start to end (zero: none yet) is
// open on d.
func openOn(start, end, d Date) bool { return !start.After(d) && (end.IsZero() || end.After(d)) }

var fieldLabels = map[string]label{
	"case_ref":                     {"Sagsreference", "Case reference"},
	"owner_org":                    {"Ejer-organisation", "Owning organisation"},
	"shared_with":                  {"Delt med", "Shared with"},
	"gender":                       {"Køn", "Gender"},
	"birth_date":                   {"Fødselsdato", "Birth date"},
	"birth_year":                   {"Fødselsår", "Birth year"},
	"nationality":                  {"Nationalitet", "Nationality"},
	"residence_status":             {"Opholdsgrundlag", "Residence status"},
	"first_contact_date":           {"Dato for første kontakt", "First contact date"},
	"contact_date":                 {"Kontaktdato", "Contact date"},
	"contact_form":                 {"Kontaktform", "Contact form"},
	"contact_org":                  {"Kontakt-organisation", "Contact organisation"},
	"assessment_date":              {"Vurderingsdato", "Assessment date"},
	"assessment_authority":         {"Vurderende myndighed", "Assessing authority"},
	"assessment_outcome":           {"Vurdering", "Assessment outcome"},
	"exploitation":                 {"Udnyttelsesform", "Form of exploitation"},
	"labour_sector":                {"Branche (tvangsarbejde)", "Forced-labour sector"},
	"labour_setting":               {"Arbejdssted (tvangsarbejde)", "Forced-labour setting"},
	"exploitation_country":         {"Udnyttelsesland", "Country of exploitation"},
	"override_reason":              {"Begrundelse for tilsidesættelse", "Override reason"},
	"reflection_start":             {"Refleksionsperiodens start", "Reflection period start"},
	"reflection_end":               {"Refleksionsperiodens slut", "Reflection period end"},
	"kind":                         {"Type", "Kind"},
	"provider":                     {"Udbyder", "Provider"},
	"start_date":                   {"Startdato", "Start date"},
	"end_date":                     {"Slutdato", "End date"},
	"offer_kind":                   {"Tilbud", "Offer"},
	"offered":                      {"Tilbudt dato", "Date offered"},
	"exit_date":                    {"Dato for udtræden", "Exit date"},
	"exit_kind":                    {"Udtrædelsesform", "Exit kind"},
	"date":                         {"Dato", "Date"},
	"name":                         {"Navn", "Name"},
	"phone":                        {"Telefon", "Phone"},
	"address":                      {"Adresse", "Address"},
	"notes":                        {"Noter", "Notes"},
	"version":                      {"Version", "Version"},
	"year":                         {"År", "Year"},
	"cutoff_date":                  {"Opgørelsesdato", "Cut-off date"},
	"scope":                        {"Omfang", "Scope"},
	"file":                         {"filen", "the file"},
	"charges":                      {"Sigtelser", "Charges"},
	"decisions":                    {"Afgørelser", "Decisions"},
	"convictions_unconditional":    {"Domme", "Convictions"},
	"convictions_partly_suspended": {"Delvis betingede domme", "Partly suspended sentences"},
	"code":                         {"Kode", "Code"},
	"name_da":                      {"Navn (dansk)", "Name (Danish)"},
	"name_en":                      {"Navn (engelsk)", "Name (English)"},
	"org_kind":                     {"Organisationstype", "Organisation kind"},
	"region":                       {"Afsenderområde", "Region of origin"},
	"assessment_stage":             {"Vurderingens trin", "Assessment stage"},
	"decision_reasons":             {"Begrundelse for afgørelsen", "Reasons for the decision"},
	"notified_on":                  {"Dato for underretning af personen", "Date the person was told"},
	"reconsidered_assessment":      {"Afgørelse, der genoptages", "Decision reconsidered"},
	"requested_on":                 {"Anmodet om genoptagelse", "Reconsideration requested on"},
	"reconsideration_deadline":     {"Frist for genoptagelse", "Reconsideration deadline"},
	"grounds":                      {"Grundlag for anmodningen", "Grounds for the request"},
	"reconsideration_outcome":      {"Resultat af genoptagelse", "Reconsideration outcome"},
	"reconsideration_decided_on":   {"Genoptagelse afgjort", "Reconsideration decided on"},
	"new_assessment":               {"Ny vurdering", "New assessment"},
	"reopen_date":                  {"Genåbnet dato", "Reopened on"},
	"reopen_reason":                {"Begrundelse for genåbning", "Reason for reopening"},
	"reconsideration":              {"Genoptagelse", "Reconsideration"},
	"reason":                       {"Begrundelse", "Reason"},
	"consent":                      {"Samtykke", "Consent"},
	"consent_scope":                {"Samtykkets omfang", "Consent scope"},
	"consent_share_with":           {"Samtykke til deling med", "Consent to share with"},
	"consent_given_on":             {"Samtykke givet", "Consent given on"},
	"consent_given_by":             {"Samtykke givet af", "Consent given by"},
	"consent_withdrawn_on":         {"Samtykke trukket tilbage", "Consent withdrawn on"},
	"referral_purpose":             {"Henvisningens formål", "Purpose of the referral"},
	"referral_to":                  {"Henvist til", "Referred to"},
	"referral_date":                {"Henvisningsdato", "Referral date"},
	"referral_reason":              {"Begrundelse for henvisningen", "Reason for the referral"},
	"route_reason":                 {"Begrundelse for valg af myndighed", "Reason for the choice of authority"},
	"indicators":                   {"Observerede indikatorer", "Indicators observed"},
	"municipality":                 {"Kommune", "Municipality"},
	"municipality_informed_on":     {"Kommunen underrettet", "Municipality informed on"},
	"return_reason":                {"Begrundelse for returnering", "Reason for returning"},
	"referral_status":              {"Henvisningens status", "Referral status"},
	"referral":                     {"Henvisning", "Referral"},
	"org":                          {"Organisation", "Organisation"},
	"place":                        {"Sted (kommune eller region)", "Place (municipality or region)"},
	"assessment_no":                {"Vurderingens nummer", "Assessment number"},
	"new_assessment_no":            {"Den nye vurderings nummer", "Number of the new assessment"},
	"stage":                        {"Vurderingens trin", "Assessment stage"},
	"authority":                    {"Myndighed", "Authority"},
	"outcome":                      {"Resultat", "Outcome"},
	"reasons":                      {"Begrundelse for afgørelsen", "Reasons for the decision"},
	"decided_by":                   {"Afgjort af", "Decided by"},
	"offered_date":                 {"Tilbudt dato", "Date offered"},
	"deadline":                     {"Frist", "Deadline"},
	"decided_on":                   {"Afgjort dato", "Decided on"},
	"consent_no":                   {"Samtykkets nummer", "Consent number"},
	"scopes":                       {"Samtykkets omfang", "Consent scope"},
	"share_with":                   {"Samtykke til deling med", "Consent to share with"},
	"given_on":                     {"Samtykke givet", "Consent given on"},
	"given_by":                     {"Samtykke givet af", "Consent given by"},
	"withdrawn_on":                 {"Samtykke trukket tilbage", "Consent withdrawn on"},
	"recorded_by":                  {"Registreret af", "Recorded by"},
	"purpose":                      {"Henvisningens formål", "Purpose of the referral"},
	"from_org":                     {"Henvist fra organisation", "Referring organisation"},
	"from_user":                    {"Henvist af", "Referred by"},
	"to_org":                       {"Henvist til", "Referred to"},
	"status":                       {"Status", "Status"},
	"status_on":                    {"Status ændret dato", "Status changed on"},
	"status_by":                    {"Status ændret af", "Status changed by"},
	"access_revoked_on":            {"Adgang fjernet dato", "Access revoked on"},
	"aliases":                      {"Andre navne", "Aliases"},
	"document_numbers":             {"Dokumentnumre", "Document numbers"},
	"confirm":                      {"Bekræftelse", "Confirmation"},
	"accepted":                     {"Svar på tilbuddet", "Answer to the offer"},
	"void":                         {"Annullér", "Void"},
	"referral_from":                {"Henvist fra", "Referred from"},
	"revoke_reason":                {"Begrundelse for at fjerne adgangen", "Reason for revoking access"},
	"direction":                    {"Retning (modtaget/sendt)", "Direction (received/sent)"},
	"case_id":                      {"Sag", "Case"},
	"fact":                         {"Oplysning (type:nummer)", "Fact (kind:number)"},
	"set":                          {"Feltændring (felt=værdi)", "Field change (field=value)"},
	"json":                         {"JSON-ændring", "JSON change"},
	"form":                         {"Kontaktform", "Contact form"},
	"start":                        {"Start", "Start"},
	"end":                          {"Slut", "End"},
	"id":                           {"Nummer", "Number"},
	"identifiers":                  {"Identifikationsoplysninger", "Identifiers"},
	"assessment_id":                {"Afgørelse, der genoptages", "Decision reconsidered"},
	"new_assessment_id":            {"Ny vurdering", "New assessment"},
	"accommodation_kind":           {"Opholdstype", "Kind of stay"},
	"indicator":                    {"Indikator", "Indicator"},
	"role":                         {"Rolle", "Role"},
	"username":                     {"Brugernavn", "Username"},
	"display_name":                 {"Visningsnavn", "Display name"},
	"password":                     {"Adgangskode", "Password"},
	"disabled":                     {"Deaktiveret", "Disabled"},
	"today":                        {"Dags dato", "Today's date"},
	"years":                        {"Antal år", "Number of years"},
	"identified_year":              {"År for identifikation", "Year identified"},
	"open":                         {"Åbne sager (open)", "Open cases (open)"},
	"limit":                        {"Højst antal (limit)", "Limit"},
	"offset":                       {"Startposition (offset)", "Offset"},
	"body":                         {"Forespørgslens indhold", "Request body"},
	"Content-Type":                 {"Indholdstype (Content-Type)", "Content type (Content-Type)"},
	"k":                            {"Tærskel for små tal (k)", "Small-number threshold (k)"},
	"cells":                        {"Tabelceller", "Table cells"},
	"format":                       {"Filformat", "File format"},
	"lang":                         {"Sprog", "Language"},
	"files":                        {"Filer", "Files"},
	"yaml":                         {"YAML-filen", "The YAML file"},
	"value":                        {"Værdi", "Value"},
	"header":                       {"Overskriftsrække", "Header row"},
	"row":                          {"Række", "Row"},
	// The action plan's document.
	"start_year":       {"Startår", "Start year"},
	"end_year":         {"Slutår", "End year"},
	"budget_dkk":       {"Budget (kr.)", "Budget (DKK)"},
	"areas":            {"Hovedområder", "Strategic areas"},
	"number":           {"Nummer", "Number"},
	"goals":            {"Mål", "Goals"},
	"activities":       {"Aktiviteter", "Activities"},
	"responsible":      {"Ansvarlige", "Responsible"},
	"responsible_text": {"Ansvarlige (som i kilden)", "Responsible (as in the source)"},
	"statuses":         {"Statusser", "Status entries"},
	"state":            {"Implementeringsstatus", "Implementation state"},
	"funding":          {"Finansiering", "Funding"},
	"source":           {"Finansieringskilde", "Source of funding"},
	"outputs":          {"Resultater", "Outputs"},
	// The reference network's document.
	"groups":        {"Grupper", "Groups"},
	"parent_code":   {"Overordnet gruppe", "Parent group"},
	"org_code":      {"Organisationskode", "Organisation code"},
	"meetings":      {"Møder", "Meetings"},
	"group_code":    {"Gruppe", "Group"},
	"topics_da":     {"Emner (dansk)", "Topics (Danish)"},
	"topics_en":     {"Emner (engelsk)", "Topics (English)"},
	"services":      {"Opsøgende tilbud", "Outreach services"},
	"outreach_kind": {"Type af tilbud", "Kind of service"},
	"area":          {"Dækningsområde", "Area covered"},
	"stats":         {"Opgørelser", "Statistics"},
	"service_code":  {"Opsøgende tilbud", "Outreach service"},
	"visits":        {"Besøg", "Visits"},
	"consultations": {"Konsultationer", "Consultations"},
	// A case's own fields and lists, as the API and --set name them.
	"ref":                {"Sagsreference", "Case reference"},
	"created_at":         {"Oprettet", "Created"},
	"updated_at":         {"Ændret", "Updated"},
	"purged_at":          {"Identifikationsoplysninger slettet", "Identifiers purged"},
	"consent_id":         {"Samtykke", "Consent"},
	"contacts":           {"Kontakter", "Contacts"},
	"assessments":        {"Vurderinger", "Assessments"},
	"reflection_periods": {"Refleksionsperioder", "Reflection periods"},
	"accommodations":     {"Ophold", "Accommodations"},
	"offers":             {"Tilbud", "Offers"},
	"exits":              {"Udtræden", "Exits"},
	"reconsiderations":   {"Genoptagelser", "Reconsiderations"},
	"reopenings":         {"Genåbninger", "Reopenings"},
	"consents":           {"Samtykker", "Consents"},
	"referrals":          {"Henvisninger", "Referrals"},
	// The action plan's status entries and the network's members.
	"plan":     {"Handlingsplan", "Action plan"},
	"activity": {"Aktivitet", "Activity"},
	"period":   {"Periode", "Period"},
	"text_da":  {"Tekst (dansk)", "Text (Danish)"},
	"text_en":  {"Tekst (engelsk)", "Text (English)"},
	"members":  {"Medlemmer", "Members"},
	// The case list's filters and sorting (web query and CLI flags).
	"sort":               {"Sortering (sort)", "Sort (sort)"},
	"dir":                {"Retning (dir)", "Direction (dir)"},
	"minors":             {"Kun mindreårige (minors)", "Minors only (minors)"},
	"open_stay":          {"Igangværende ophold (open_stay)", "Ongoing stay (open_stay)"},
	"names":              {"Med navne (names)", "With names (names)"},
	"deadline_within":    {"Frist inden for dage (deadline_within)", "Deadline within days (deadline_within)"},
	"deadline-within":    {"Frist inden for dage (--deadline-within)", "Deadline within days (--deadline-within)"},
	"first_contact_from": {"Første kontakt fra", "First contact from"},
	"first_contact_to":   {"Første kontakt til", "First contact to"},
	"identified_from":    {"Identificeret fra", "Identified from"},
	"identified_to":      {"Identificeret til", "Identified to"},
	"first-contact-from": {"Første kontakt fra (--first-contact-from)", "First contact from (--first-contact-from)"},
	"first-contact-to":   {"Første kontakt til (--first-contact-to)", "First contact to (--first-contact-to)"},
	"identified-from":    {"Identificeret fra (--identified-from)", "Identified from (--identified-from)"},
	"identified-to":      {"Identificeret til (--identified-to)", "Identified to (--identified-to)"},
	"variant":            {"Variant af sagsfilen (htcds eller ctdc)", "Variant of the case file (htcds or ctdc)"},
}

// FieldLabel returns the Danish or English label of a field name; unknown
// names are returned as they are. It also labels a place in a file
// ("line 3: gender", "line 3, column period") and a path into a document
// ("groups[0].members[1].org_code": "Gruppe 1, medlem 2: Organisation").
func FieldLabel(field string, lang Lang) string {
	l, _ := fieldLabelKnown(field, lang)
	return l
}

// fieldLabelKnown is FieldLabel, reporting also whether every name in
// field had a label. A column of a file keeps its name, as the file's
// header row writes it.
func fieldLabelKnown(field string, lang Lang) (string, bool) {
	if l, ok := fieldLabels[field]; ok {
		return l.in(lang), true
	}
	// A place in a file: "line N", "line N: field", "line N, column C".
	if rest, ok := strings.CutPrefix(field, "line "); ok {
		n, after, _ := strings.Cut(rest, ":")
		n, col, hasCol := strings.Cut(n, ", column ")
		if n != "" && strings.Trim(n, "0123456789") == "" {
			line := label{"linje ", "line "}.in(lang) + n
			switch {
			case hasCol:
				return line + label{", kolonne ", ", column "}.in(lang) + col, true
			case after != "":
				l, ok := fieldLabelKnown(strings.TrimSpace(after), lang)
				return line + ": " + l, ok
			}
			return line, true
		}
	}
	if col, ok := strings.CutPrefix(field, "column "); ok {
		return label{"kolonne ", "column "}.in(lang) + col, true
	}
	if field != "" && strings.Trim(field, "0123456789") == "" {
		return label{"kolonne ", "column "}.in(lang) + field, true // a column without a header
	}
	return pathLabel(field, lang)
}
