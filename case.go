package nrm

import (
	"fmt"
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
	ExploitationCountry string             `json:"exploitation_country,omitempty"`
	// OverrideReason allows an authority that does not match the
	// residence status (see AuthorityFor).
	OverrideReason string `json:"override_reason,omitempty"`
}

// ReflectionPeriod is the (extended) time limit for leaving the country.
type ReflectionPeriod struct {
	ID    int64 `json:"id,omitempty"`
	Start Date  `json:"start"`
	End   Date  `json:"end"`
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
		if a.Outcome == OutcomeIdentified && (!found || a.Date.Before(first.Date)) {
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

// ValidCountry reports whether s is an ISO 3166-1 alpha-2 code in form.
func ValidCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

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
		v.add("nationality", RuleFormat, c.Nationality, "ISO 3166-1 alpha-2 code, e.g. NG")
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
	return v.err("The case has invalid fields.")
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
	if a.Outcome == OutcomeIdentified && len(a.Exploitation) == 0 {
		v.add("exploitation", RuleRequired, "", "at least one form for an identified victim: "+exploitationForms.expected())
	}
	if a.LabourSector != "" {
		if !a.LabourSector.Valid() {
			v.add("labour_sector", RuleOneOf, string(a.LabourSector), labourSectors.expected())
		} else if !labour {
			v.add("labour_sector", RuleNotAllowed, string(a.LabourSector), "empty unless exploitation includes forced_labour")
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
	for i := range c.Assessments {
		f := c.Assessments[i].Exploitation
		sort.Slice(f, func(a, b int) bool {
			return exploitationForms.index(string(f[a])) < exploitationForms.index(string(f[b]))
		})
	}
	sort.SliceStable(c.Contacts, func(i, j int) bool { return c.Contacts[i].Date.Before(c.Contacts[j].Date) })
	sort.SliceStable(c.Assessments, func(i, j int) bool { return c.Assessments[i].Date.Before(c.Assessments[j].Date) })
	sort.SliceStable(c.Accommodations, func(i, j int) bool { return c.Accommodations[i].Start.Before(c.Accommodations[j].Start) })
	sort.SliceStable(c.Exits, func(i, j int) bool { return c.Exits[i].Date.Before(c.Exits[j].Date) })
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

// IsClosed reports whether the case has an exit (it has left the
// mechanism); ClosedOn returns the date of its last exit.
func (c *Case) IsClosed() bool { return len(c.Exits) > 0 }

// ClosedOn returns the date of the last exit, or the zero Date.
func (c *Case) ClosedOn() Date {
	var d Date
	for _, e := range c.Exits {
		if e.Date.After(d) {
			d = e.Date
		}
	}
	return d
}

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
	"charges":                      {"Sigtelser", "Charges"},
	"decisions":                    {"Afgørelser", "Decisions"},
	"convictions_unconditional":    {"Domme", "Convictions"},
	"convictions_partly_suspended": {"Delvis betingede domme", "Partly suspended sentences"},
	"code":                         {"Kode", "Code"},
	"name_da":                      {"Navn (dansk)", "Name (Danish)"},
	"name_en":                      {"Navn (engelsk)", "Name (English)"},
	"org_kind":                     {"Organisationstype", "Organisation kind"},
	"region":                       {"Afsenderområde", "Region of origin"},
}

// FieldLabel returns the Danish or English label of a field name; unknown
// names are returned as they are.
func FieldLabel(field string, lang Lang) string {
	if l, ok := fieldLabels[field]; ok {
		return l.in(lang)
	}
	return field
}
