package nrm

import (
	"fmt"
	"strings"
)

// Lang is a user interface and report language.
type Lang string

// Supported languages: Danish is the primary, English the second.
const (
	LangDA Lang = "da"
	LangEN Lang = "en"
)

// ParseLang returns the language for s, defaulting to Danish.
func ParseLang(s string) Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "en") {
		return LangEN
	}
	return LangDA
}

// label is a Danish/English pair.
type label struct{ da, en string }

func (l label) in(lang Lang) string {
	if lang == LangEN {
		return l.en
	}
	return l.da
}

// codeSet is one closed set of codes with their labels, in display order.
type codeSet struct {
	name   string
	codes  []string
	labels map[string]label
}

func newCodeSet(name string, pairs ...[3]string) *codeSet {
	s := &codeSet{name: name, labels: map[string]label{}}
	for _, p := range pairs {
		s.codes = append(s.codes, p[0])
		s.labels[p[0]] = label{da: p[1], en: p[2]}
	}
	return s
}

func (s *codeSet) valid(c string) bool { _, ok := s.labels[c]; return ok }

func (s *codeSet) expected() string { return strings.Join(s.codes, ", ") }

func (s *codeSet) parse(v string) (string, error) {
	c := strings.TrimSpace(v)
	if s.valid(c) {
		return c, nil
	}
	return "", &Error{Code: EINVALID, Message: fmt.Sprintf("unknown %s %q", s.name, v),
		Fields: []FieldError{{Field: s.name, Rule: RuleOneOf, Value: v, Expected: s.expected()}}}
}

func (s *codeSet) label(c string, lang Lang) string {
	if l, ok := s.labels[c]; ok {
		return l.in(lang)
	}
	return c
}

// Gender of a person as recorded for statistics.
type Gender string

// Genders.
const (
	GenderFemale      Gender = "female"
	GenderMale        Gender = "male"
	GenderTransgender Gender = "transgender"
	GenderUnknown     Gender = "unknown"
)

var genders = newCodeSet("gender",
	[3]string{"female", "Kvinde", "Female"},
	[3]string{"male", "Mand", "Male"},
	[3]string{"transgender", "Transkønnet", "Transgender"},
	[3]string{"unknown", "Ukendt", "Unknown"},
)

// ResidenceStatus decides which authority assesses a person.
type ResidenceStatus string

// Residence statuses.
const (
	ResidenceLegal        ResidenceStatus = "legal"
	ResidenceIrregular    ResidenceStatus = "irregular"
	ResidenceAsylumSeeker ResidenceStatus = "asylum_seeker"
	ResidenceUnknown      ResidenceStatus = "unknown"
)

var residenceStatuses = newCodeSet("residence_status",
	[3]string{"legal", "Lovligt ophold", "Legal stay"},
	[3]string{"irregular", "Uden lovligt ophold", "Without legal stay"},
	[3]string{"asylum_seeker", "Asylansøger", "Asylum seeker"},
	[3]string{"unknown", "Ukendt", "Unknown"},
)

// Authority is a competent authority that assesses presumed victims.
type Authority string

// Competent authorities.
const (
	AuthorityUS  Authority = "US"
	AuthorityCMM Authority = "CMM"
)

var authorities = newCodeSet("authority",
	[3]string{"US", "Udlændingestyrelsen (US)", "Danish Immigration Service (US)"},
	[3]string{"CMM", "Center mod Menneskehandel (CMM)", "Danish Centre against Human Trafficking (CMM)"},
)

// Outcome of an assessment.
type Outcome string

// Assessment outcomes.
const (
	OutcomeIdentified    Outcome = "identified"
	OutcomeNotIdentified Outcome = "not_identified"
	OutcomePending       Outcome = "pending"
)

var outcomes = newCodeSet("assessment_outcome",
	[3]string{"identified", "Vurderet handlet", "Identified as victim"},
	[3]string{"not_identified", "Ikke vurderet handlet", "Not identified"},
	[3]string{"pending", "Afventer", "Pending"},
)

// ContactForm is how a presumed victim was met.
type ContactForm string

// Contact forms.
const (
	ContactPolice        ContactForm = "police"
	ContactOutreach      ContactForm = "outreach"
	ContactHealthService ContactForm = "health_service"
	ContactAsylumSystem  ContactForm = "asylum_system"
	ContactNGO           ContactForm = "ngo"
	ContactSelfReferral  ContactForm = "self_referral"
	ContactOther         ContactForm = "other"
)

var contactForms = newCodeSet("contact_form",
	[3]string{"police", "Politiets indsats", "Police action"},
	[3]string{"outreach", "Opsøgende arbejde", "Outreach work"},
	[3]string{"health_service", "Sundhedstilbud", "Health service"},
	[3]string{"asylum_system", "Asylsystemet / Røde Kors", "Asylum system / Red Cross"},
	[3]string{"ngo", "NGO / social organisation", "NGO / social organisation"},
	[3]string{"self_referral", "Henvendt sig selv", "Self-referral"},
	[3]string{"other", "Andet", "Other"},
)

// ExploitationForm is a form of exploitation; a person can have several.
type ExploitationForm string

// Exploitation forms.
const (
	ExploitationSexual            ExploitationForm = "sexual"
	ExploitationForcedLabour      ExploitationForm = "forced_labour"
	ExploitationForcedCriminality ExploitationForm = "forced_criminality"
	ExploitationBegging           ExploitationForm = "begging"
	ExploitationForcedMarriage    ExploitationForm = "forced_marriage"
	ExploitationOrganRemoval      ExploitationForm = "organ_removal"
	ExploitationOther             ExploitationForm = "other"
)

var exploitationForms = newCodeSet("exploitation",
	[3]string{"sexual", "Prostitution", "Sexual exploitation"},
	[3]string{"forced_labour", "Tvangsarbejde", "Forced labour"},
	[3]string{"forced_criminality", "Kriminalitet", "Forced criminality"},
	[3]string{"begging", "Tiggeri", "Forced begging"},
	[3]string{"forced_marriage", "Tvangsægteskab", "Forced marriage"},
	[3]string{"organ_removal", "Organfjernelse", "Organ removal"},
	[3]string{"other", "Anden udnyttelse", "Other exploitation"},
)

// LabourSector is the sector of forced labour.
type LabourSector string

var labourSectors = newCodeSet("labour_sector",
	[3]string{"domestic_work", "Husarbejde", "Domestic work"},
	[3]string{"cleaning", "Rengøring", "Cleaning"},
	[3]string{"agriculture", "Landbrug og gartneri", "Agriculture and horticulture"},
	[3]string{"construction", "Byggeri", "Construction"},
	[3]string{"hospitality", "Hotel og restauration", "Hotels and restaurants"},
	[3]string{"manufacturing", "Industri", "Manufacturing"},
	[3]string{"fishing", "Fiskeri", "Fishing"},
	[3]string{"transport", "Transport", "Transport"},
	[3]string{"other", "Andet", "Other"},
)

// LabourSetting is where forced labour took place, in general terms (never
// a named place): "rengøring på kontorer og skoler".
type LabourSetting string

var labourSettings = newCodeSet("labour_setting",
	[3]string{"private_home", "Private hjem", "Private homes"},
	[3]string{"offices_schools", "Kontorer og skoler", "Offices and schools"},
	[3]string{"hotels_restaurants", "Hoteller og restauranter", "Hotels and restaurants"},
	[3]string{"farms", "Landbrug og gartnerier", "Farms and market gardens"},
	[3]string{"construction_sites", "Byggepladser", "Construction sites"},
	[3]string{"factories", "Fabrikker", "Factories"},
	[3]string{"shops", "Butikker", "Shops"},
	[3]string{"ships", "Skibe", "Ships"},
	[3]string{"other", "Andet sted", "Elsewhere"},
)

// AccommodationKind is a kind of housing offered to a victim.
type AccommodationKind string

// Accommodation kinds.
const (
	AccommodationCrisisShelter AccommodationKind = "crisis_shelter"
	AccommodationPrivate       AccommodationKind = "private"
	AccommodationAsylumCentre  AccommodationKind = "asylum_centre"
	AccommodationOther         AccommodationKind = "other"
)

var accommodationKinds = newCodeSet("accommodation_kind",
	[3]string{"crisis_shelter", "Krisecenter", "Crisis shelter"},
	[3]string{"private", "Privat indkvartering", "Private housing"},
	[3]string{"asylum_centre", "Asylcenter", "Asylum centre"},
	[3]string{"other", "Anden indkvartering", "Other accommodation"},
)

// ExitKind is how a person left the mechanism.
type ExitKind string

// Exit kinds.
const (
	ExitPreparedReturn     ExitKind = "prepared_return"
	ExitReturnViaSocialOrg ExitKind = "return_via_social_org"
	ExitReturnViaPolice    ExitKind = "return_via_police"
	ExitSelfReturn         ExitKind = "self_return"
	ExitDisappeared        ExitKind = "disappeared"
	ExitResidencePermit    ExitKind = "residence_permit"
	ExitAsylum             ExitKind = "asylum"
	ExitOther              ExitKind = "other"
)

var exitKinds = newCodeSet("exit_kind",
	[3]string{"prepared_return", "Forberedt hjemsendelse (IOM)", "Prepared return (IOM)"},
	[3]string{"return_via_social_org", "Hjemrejse via CMM/social organisation", "Return via CMM/social organisation"},
	[3]string{"return_via_police", "Hjemsendt via politiet", "Return via the police"},
	[3]string{"self_return", "Rejst hjem på egen hånd", "Returned on own"},
	[3]string{"disappeared", "Forsvundet", "Disappeared"},
	[3]string{"residence_permit", "Opholdstilladelse", "Residence permit"},
	[3]string{"asylum", "Asyl", "Asylum"},
	[3]string{"other", "Andet", "Other"},
)

// OfferKind is a kind of support offered.
type OfferKind string

var offerKinds = newCodeSet("offer_kind",
	[3]string{"reflection_period", "Refleksionsperiode", "Reflection period"},
	[3]string{"crisis_shelter", "Krisecenter", "Crisis shelter"},
	[3]string{"health_care", "Sundhedsbehandling", "Health care"},
	[3]string{"legal_counselling", "Juridisk rådgivning", "Legal counselling"},
	[3]string{"psychosocial", "Psykosocial støtte", "Psychosocial support"},
	[3]string{"prepared_return", "Forberedt hjemsendelse", "Prepared return"},
	[3]string{"education", "Undervisning", "Education"},
	[3]string{"other", "Andet", "Other"},
)

// OrgKind classifies organisations.
type OrgKind string

var orgKinds = newCodeSet("org_kind",
	[3]string{"authority", "Myndighed", "Authority"},
	[3]string{"ministry", "Ministerium", "Ministry"},
	[3]string{"ngo", "NGO", "NGO"},
	[3]string{"police", "Politi", "Police"},
	[3]string{"international", "International organisation", "International organisation"},
	[3]string{"other", "Andet", "Other"},
)

// Region of origin, derived from nationality by an editable mapping.
type Region string

// Regions of origin; the Middle East is not part of Asia here.
const (
	RegionAfrica       Region = "Africa"
	RegionAsia         Region = "Asia"
	RegionEurope       Region = "Europe"
	RegionLatinAmerica Region = "Latin America"
	RegionMiddleEast   Region = "Middle East"
	RegionNorthAmerica Region = "North America"
	RegionOceania      Region = "Oceania"
	RegionUnknown      Region = "Unknown"
)

var regions = newCodeSet("region",
	[3]string{"Africa", "Afrika", "Africa"},
	[3]string{"Asia", "Asien", "Asia"},
	[3]string{"Europe", "Europa", "Europe"},
	[3]string{"Latin America", "Latinamerika", "Latin America"},
	[3]string{"Middle East", "Mellemøsten", "Middle East"},
	[3]string{"North America", "Nordamerika", "North America"},
	[3]string{"Oceania", "Oceanien", "Oceania"},
	[3]string{"Unknown", "Ukendt", "Unknown"},
)

// ActivityState is the implementation state of an action-plan activity.
type ActivityState string

var activityStates = newCodeSet("state",
	[3]string{"planned", "Planlagt", "Planned"},
	[3]string{"in_progress", "Igangsat", "Started"},
	[3]string{"done", "Gennemført", "Completed"},
	[3]string{"delayed", "Forsinket", "Delayed"},
	[3]string{"awaiting", "Afventer", "Waiting"},
	[3]string{"dropped", "Opgivet", "Dropped"},
)

// Role is a user's role; permissions follow from it and the organisation.
type Role string

// Roles.
const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
	RoleAssessor    Role = "assessor"
	RoleCaseworker  Role = "caseworker"
	RoleAnalyst     Role = "analyst"
	RoleAuditor     Role = "auditor"
)

var roles = newCodeSet("role",
	[3]string{"admin", "Administrator", "Administrator"},
	[3]string{"coordinator", "Koordinator", "Coordinator"},
	[3]string{"assessor", "Vurderingsansvarlig", "Assessor"},
	[3]string{"caseworker", "Sagsbehandler", "Caseworker"},
	[3]string{"analyst", "Analytiker", "Analyst"},
	[3]string{"auditor", "Revisor", "Auditor"},
)

// Code sets by the name used in bundles, forms and error messages. The
// single place where codes meet their Danish and English labels.
var codeSets = map[string]*codeSet{}

func init() {
	for _, s := range []*codeSet{genders, residenceStatuses, authorities, outcomes, contactForms,
		exploitationForms, labourSectors, labourSettings, accommodationKinds, exitKinds, offerKinds, orgKinds,
		regions, activityStates, roles, outreachKinds, referralStatuses, referralPurposes, indicators, consentScopes,
		assessmentStages, reconsiderationOutcomes} {
		codeSets[s.name] = s
	}
}

// Codes returns the codes of the named closed set in display order
// (e.g. "contact_form", "exit_kind"); nil for an unknown set.
func Codes(set string) []string {
	if s, ok := codeSets[set]; ok {
		return append([]string(nil), s.codes...)
	}
	return nil
}

// Label returns the Danish or English label of code in the named set.
func Label(set, code string, lang Lang) string {
	if s, ok := codeSets[set]; ok {
		return s.label(code, lang)
	}
	return code
}

// ValidCode reports whether code belongs to the named set.
func ValidCode(set, code string) bool {
	s, ok := codeSets[set]
	return ok && s.valid(code)
}

// ParseCode checks code against the named set and returns it trimmed, or
// an EINVALID error that lists the expected codes.
func ParseCode(set, code string) (string, error) {
	s, ok := codeSets[set]
	if !ok {
		return "", Errorf(EINTERNAL, "unknown code set %q", set)
	}
	return s.parse(code)
}

// ExpectedCodes returns the codes of a set as a comma-separated list.
func ExpectedCodes(set string) string {
	if s, ok := codeSets[set]; ok {
		return s.expected()
	}
	return ""
}

// Label returns the gender's label.
func (g Gender) Label(l Lang) string { return genders.label(string(g), l) }

// Valid reports whether g is a known gender.
func (g Gender) Valid() bool { return genders.valid(string(g)) }

// Label returns the residence status's label.
func (r ResidenceStatus) Label(l Lang) string { return residenceStatuses.label(string(r), l) }

// Valid reports whether r is a known residence status.
func (r ResidenceStatus) Valid() bool { return residenceStatuses.valid(string(r)) }

// Label returns the authority's label.
func (a Authority) Label(l Lang) string { return authorities.label(string(a), l) }

// Valid reports whether a is a known authority.
func (a Authority) Valid() bool { return authorities.valid(string(a)) }

// Label returns the outcome's label.
func (o Outcome) Label(l Lang) string { return outcomes.label(string(o), l) }

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool { return outcomes.valid(string(o)) }

// Label returns the contact form's label.
func (c ContactForm) Label(l Lang) string { return contactForms.label(string(c), l) }

// Valid reports whether c is a known contact form.
func (c ContactForm) Valid() bool { return contactForms.valid(string(c)) }

// Label returns the exploitation form's label.
func (e ExploitationForm) Label(l Lang) string { return exploitationForms.label(string(e), l) }

// Valid reports whether e is a known exploitation form.
func (e ExploitationForm) Valid() bool { return exploitationForms.valid(string(e)) }

// Label returns the sector's label.
func (s LabourSector) Label(l Lang) string { return labourSectors.label(string(s), l) }

// Valid reports whether s is a known labour sector.
func (s LabourSector) Valid() bool { return labourSectors.valid(string(s)) }

// Label returns the setting's label.
func (s LabourSetting) Label(l Lang) string { return labourSettings.label(string(s), l) }

// Valid reports whether s is a known labour setting.
func (s LabourSetting) Valid() bool { return labourSettings.valid(string(s)) }

// Label returns the accommodation kind's label.
func (k AccommodationKind) Label(l Lang) string { return accommodationKinds.label(string(k), l) }

// Valid reports whether k is a known accommodation kind.
func (k AccommodationKind) Valid() bool { return accommodationKinds.valid(string(k)) }

// Label returns the exit kind's label.
func (k ExitKind) Label(l Lang) string { return exitKinds.label(string(k), l) }

// Valid reports whether k is a known exit kind.
func (k ExitKind) Valid() bool { return exitKinds.valid(string(k)) }

// Label returns the offer kind's label.
func (k OfferKind) Label(l Lang) string { return offerKinds.label(string(k), l) }

// Valid reports whether k is a known offer kind.
func (k OfferKind) Valid() bool { return offerKinds.valid(string(k)) }

// Label returns the organisation kind's label.
func (k OrgKind) Label(l Lang) string { return orgKinds.label(string(k), l) }

// Valid reports whether k is a known organisation kind.
func (k OrgKind) Valid() bool { return orgKinds.valid(string(k)) }

// Label returns the region's label.
func (r Region) Label(l Lang) string { return regions.label(string(r), l) }

// Valid reports whether r is a known region.
func (r Region) Valid() bool { return regions.valid(string(r)) }

// Label returns the activity state's label.
func (s ActivityState) Label(l Lang) string { return activityStates.label(string(s), l) }

// Valid reports whether s is a known activity state.
func (s ActivityState) Valid() bool { return activityStates.valid(string(s)) }

// Label returns the role's label.
func (r Role) Label(l Lang) string { return roles.label(string(r), l) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return roles.valid(string(r)) }
