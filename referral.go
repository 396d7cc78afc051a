package nrm

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The mechanism between organisations: a first responder refers a
// presumed victim, with the person's consent, to the competent authority
// (routed by the residence-status rule) or to a support provider; the
// receiver accepts (and so gains access to the case), returns it with a
// reason, or the sender withdraws it. Referrals and consents are children
// of the case, like contacts and assessments, but they change only through
// ReferralService: an ordinary case update keeps them as they are.

// ReferralStatus is where a referral stands: sent → accepted | returned |
// withdrawn.
type ReferralStatus string

// Referral statuses.
const (
	ReferralSent      ReferralStatus = "sent"
	ReferralAccepted  ReferralStatus = "accepted"
	ReferralReturned  ReferralStatus = "returned"
	ReferralWithdrawn ReferralStatus = "withdrawn"
)

var referralStatuses = newCodeSet("referral_status",
	[3]string{"sent", "Sendt", "Sent"},
	[3]string{"accepted", "Modtaget", "Accepted"},
	[3]string{"returned", "Returneret", "Returned"},
	[3]string{"withdrawn", "Trukket tilbage", "Withdrawn"},
)

// Label returns the status's label in l.
func (s ReferralStatus) Label(l Lang) string { return referralStatuses.label(string(s), l) }

// Valid reports whether s is a known status.
func (s ReferralStatus) Valid() bool { return referralStatuses.valid(string(s)) }

// ReferralPurpose is what a referral asks for: an assessment by the
// competent authority, or support from a provider (a crisis shelter, IOM
// for a prepared return, …).
type ReferralPurpose string

// Referral purposes.
const (
	PurposeAssessment ReferralPurpose = "assessment"
	PurposeSupport    ReferralPurpose = "support"
)

var referralPurposes = newCodeSet("referral_purpose",
	[3]string{"assessment", "Vurdering (identifikation)", "Assessment (identification)"},
	[3]string{"support", "Støtte (krisecenter, hjemsendelse m.m.)", "Support (shelter, return etc.)"},
)

// Label returns the purpose's label in l.
func (p ReferralPurpose) Label(l Lang) string { return referralPurposes.label(string(p), l) }

// Valid reports whether p is a known purpose.
func (p ReferralPurpose) Valid() bool { return referralPurposes.valid(string(p)) }

// Indicator is a sign of trafficking observed by the referring
// organisation: a short closed list after the ILO/UNODC operational
// indicators (documented in the README).
type Indicator string

var indicators = newCodeSet("indicator",
	[3]string{"deceptive_recruitment", "Vildledt ved rekruttering", "Deceptive recruitment"},
	[3]string{"documents_withheld", "Identitetspapirer tilbageholdt", "Identity documents withheld"},
	[3]string{"debt_bondage", "Gældsbinding", "Debt bondage"},
	[3]string{"restricted_movement", "Begrænset bevægelsesfrihed", "Restricted freedom of movement"},
	[3]string{"violence_threats", "Vold eller trusler", "Violence or threats"},
	[3]string{"withheld_wages", "Ingen eller tilbageholdt løn", "No or withheld wages"},
	[3]string{"controlled_by_others", "Kontrolleret af andre", "Controlled by others"},
	[3]string{"degrading_conditions", "Nedværdigende bolig- eller arbejdsforhold", "Degrading living or working conditions"},
	[3]string{"isolation", "Isoleret, taler ikke sproget", "Isolated, does not speak the language"},
	[3]string{"other", "Andet", "Other"},
)

// Label returns the indicator's label in l.
func (i Indicator) Label(l Lang) string { return indicators.label(string(i), l) }

// Valid reports whether i is a known indicator.
func (i Indicator) Valid() bool { return indicators.valid(string(i)) }

// ConsentScope is one thing a person consents to.
type ConsentScope string

// Consent scopes.
const (
	ConsentRefer      ConsentScope = "refer"
	ConsentShare      ConsentScope = "share"
	ConsentStatistics ConsentScope = "statistics"
)

var consentScopes = newCodeSet("consent_scope",
	[3]string{"refer", "Henvisning", "Referral"},
	[3]string{"share", "Deling med navngivne organisationer", "Sharing with named organisations"},
	[3]string{"statistics", "Brug i statistik", "Use in statistics"},
)

// Label returns the scope's label in l.
func (s ConsentScope) Label(l Lang) string { return consentScopes.label(string(s), l) }

// Valid reports whether s is a known scope.
func (s ConsentScope) Valid() bool { return consentScopes.valid(string(s)) }

// Consent is the person's consent, given on a date; WithdrawnOn is set
// when it was withdrawn, which revokes the access it allowed.
type Consent struct {
	ID     int64          `json:"id,omitempty"`
	Scopes []ConsentScope `json:"scopes"`
	// ShareWith names the organisations the person agreed to share with
	// (scope share).
	ShareWith   []string `json:"share_with,omitempty"`
	GivenOn     Date     `json:"given_on"`
	GivenBy     string   `json:"given_by,omitempty"` // "the person", or a guardian's role
	WithdrawnOn Date     `json:"withdrawn_on,omitzero"`
	RecordedBy  string   `json:"recorded_by,omitempty"`
}

// Has reports whether the consent covers scope and is in force on d.
func (c Consent) Has(scope ConsentScope, d Date) bool {
	if !c.WithdrawnOn.IsZero() && !c.WithdrawnOn.After(d) {
		return false
	}
	if !d.IsZero() && c.GivenOn.After(d) {
		return false
	}
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Referral is one organisation's referral of the person to another.
type Referral struct {
	ID       int64           `json:"id,omitempty"`
	Purpose  ReferralPurpose `json:"purpose"`
	FromOrg  string          `json:"from_org"`
	FromUser string          `json:"from_user,omitempty"`
	ToOrg    string          `json:"to_org"`
	Date     Date            `json:"date"`
	Reason   string          `json:"reason,omitempty"`
	// RouteReason explains an assessment referral to an authority other
	// than the one the residence-status rule names.
	RouteReason string      `json:"route_reason,omitempty"`
	Indicators  []Indicator `json:"indicators,omitempty"`
	// ConsentID is the consent the referral rests on; 0 for a minor, for
	// whom no consent is needed and the municipality is informed instead.
	ConsentID              int64  `json:"consent_id,omitempty"`
	MunicipalityInformedOn Date   `json:"municipality_informed_on,omitzero"`
	Municipality           string `json:"municipality,omitempty"`

	Status       ReferralStatus `json:"status"`
	StatusOn     Date           `json:"status_on,omitzero"`
	StatusBy     string         `json:"status_by,omitempty"`
	ReturnReason string         `json:"return_reason,omitempty"`
	// AccessRevokedOn ends the access an accepted referral gave the
	// receiving organisation (revoked on the case page, or by withdrawn
	// consent); the referral itself stays on record.
	AccessRevokedOn Date   `json:"access_revoked_on,omitzero"`
	RevokeReason    string `json:"revoke_reason,omitempty"`
}

// GivesAccess reports whether the referral gives its receiver access to
// the case now.
func (r Referral) GivesAccess() bool {
	return r.Status == ReferralAccepted && r.AccessRevokedOn.IsZero()
}

// Open reports whether the referral still waits for the receiver.
func (r Referral) Open() bool { return r.Status == ReferralSent }

// AuthorityOrg returns the organisation code of a competent authority
// (the authorities are organisations with the same codes).
func AuthorityOrg(a Authority) string { return string(a) }

// MinorAt reports whether the person is known to be under 18 on d.
func (c *Case) MinorAt(d Date) bool {
	age, ok := c.AgeAt(d)
	return ok && age < 18
}

// ConsentByID returns the case's consent with id.
func (c *Case) ConsentByID(id int64) (Consent, bool) {
	for _, k := range c.Consents {
		if k.ID == id {
			return k, true
		}
	}
	return Consent{}, false
}

// ReferralAccess returns the organisations that accepted referrals give
// access to the case, sorted, without repetition.
func (c *Case) ReferralAccess() []string {
	var out []string
	for _, r := range c.Referrals {
		if r.GivesAccess() {
			out = append(out, r.ToOrg)
		}
	}
	return sortedSet(out)
}

// AccessOrgs returns every organisation other than the owner that may see
// the case: the shares and the accepted referrals.
func (c *Case) AccessOrgs() []string {
	return sortedSet(append(append([]string(nil), c.SharedWith...), c.ReferralAccess()...))
}

// ValidateConsent checks a consent before it is recorded.
func (k Consent) Validate(today Date) error {
	v := &invalid{}
	if len(k.Scopes) == 0 {
		v.add("consent_scope", RuleRequired, "", consentScopes.expected())
	}
	seen := map[ConsentScope]bool{}
	for _, s := range k.Scopes {
		if !s.Valid() {
			v.add("consent_scope", RuleOneOf, string(s), consentScopes.expected())
		} else if seen[s] {
			v.add("consent_scope", RuleDuplicate, string(s), "each scope at most once")
		}
		seen[s] = true
	}
	if len(k.ShareWith) > 0 && !seen[ConsentShare] {
		v.add("consent_share_with", RuleNotAllowed, strings.Join(k.ShareWith, ";"), "empty unless the consent covers sharing")
	}
	for _, o := range k.ShareWith {
		if !ValidOrgCode(o) {
			v.add("consent_share_with", RuleFormat, o, "an organisation code")
		}
	}
	if k.GivenOn.IsZero() {
		v.add("consent_given_on", RuleRequired, "", "YYYY-MM-DD")
	} else if !today.IsZero() && k.GivenOn.After(today) {
		v.add("consent_given_on", RuleRange, k.GivenOn.String(), "a date not in the future")
	}
	if !k.WithdrawnOn.IsZero() && k.WithdrawnOn.Before(k.GivenOn) {
		v.add("consent_withdrawn_on", RuleDateOrder, k.WithdrawnOn.String(), "on or after the date consent was given "+k.GivenOn.String())
	}
	if len(k.GivenBy) > 200 {
		v.add("consent_given_by", RuleTooLong, "", "at most 200 characters")
	}
	return v.err("The consent has invalid fields.")
}

// ValidateReferral checks a new referral of case c against the domain
// rules: routing by residence status (another choice needs a reason),
// consent to refer in force on the referral date (or, for a minor, the
// municipality informed), and the closed lists. orgKnown reports whether
// an organisation code exists.
func (c *Case) ValidateReferral(r Referral, today Date, orgKnown func(string) bool) error {
	v := &invalid{}
	if !r.Purpose.Valid() {
		v.add("referral_purpose", RuleOneOf, string(r.Purpose), referralPurposes.expected())
	}
	if r.ToOrg == "" {
		v.add("referral_to", RuleRequired, "", "an organisation")
	} else if !ValidOrgCode(r.ToOrg) || (orgKnown != nil && !orgKnown(r.ToOrg)) {
		v.add("referral_to", RuleUnknownReference, r.ToOrg, "an organisation")
	} else if r.ToOrg == r.FromOrg {
		v.add("referral_to", RuleNotAllowed, r.ToOrg, "another organisation than your own")
	}
	if r.Purpose == PurposeAssessment && r.ToOrg != "" {
		want := AuthorityFor(c.ResidenceStatus)
		switch {
		case !Authority(r.ToOrg).Valid():
			v.add("referral_to", RuleNotAllowed, r.ToOrg, "a competent authority: US or CMM")
		case want != "" && AuthorityOrg(want) != r.ToOrg && strings.TrimSpace(r.RouteReason) == "":
			v.add("referral_to", RuleAuthorityMismatch, r.ToOrg, string(want))
		}
	}
	if r.Date.IsZero() {
		v.add("referral_date", RuleRequired, "", "YYYY-MM-DD")
	} else if !today.IsZero() && r.Date.After(today) {
		v.add("referral_date", RuleRange, r.Date.String(), "a date not in the future")
	}
	if first, ok := c.FirstContact(); ok && !r.Date.IsZero() && r.Date.Before(first.Date) {
		v.add("referral_date", RuleDateOrder, r.Date.String(), "on or after the first contact "+first.Date.String())
	}
	if strings.TrimSpace(r.Reason) == "" {
		v.add("referral_reason", RuleRequired, "", "")
	}
	for _, t := range []struct{ f, s string }{{"referral_reason", r.Reason}, {"route_reason", r.RouteReason}, {"municipality", r.Municipality}} {
		if len(t.s) > MaxTextLen {
			v.add(t.f, RuleTooLong, "", fmt.Sprintf("at most %d characters", MaxTextLen))
		}
	}
	seen := map[Indicator]bool{}
	for _, i := range r.Indicators {
		if !i.Valid() {
			v.add("indicators", RuleOneOf, string(i), indicators.expected())
		} else if seen[i] {
			v.add("indicators", RuleDuplicate, string(i), "each indicator at most once")
		}
		seen[i] = true
	}
	if c.MinorAt(r.Date) {
		if r.MunicipalityInformedOn.IsZero() {
			v.add("municipality_informed_on", RuleRequired, "", "the date the municipality was informed (a minor needs no consent)")
		}
	} else if r.ConsentID == 0 {
		v.add("consent", RuleRequired, "", "the person's consent to be referred")
	} else if k, ok := c.ConsentByID(r.ConsentID); !ok {
		v.add("consent", RuleUnknownReference, fmt.Sprint(r.ConsentID), "a consent of this case")
	} else if !k.Has(ConsentRefer, r.Date) {
		v.add("consent", RuleNotAllowed, k.GivenOn.String(), "a consent to referral in force on the referral date")
	}
	if c.ClosedAt(r.Date) {
		v.add("referral_date", RuleClosed, r.Date.String(), "reopen the case first")
	}
	return v.err("The referral has invalid fields.")
}

// ReferralFilter selects referrals. Zero fields do not filter.
type ReferralFilter struct {
	CaseID    int64
	Direction string // "in": to the actor's organisation; "out": from it; "": both
	Status    ReferralStatus
	Offset    int
	Limit     int
}

// ReferralSummary is a referral as its sender and receiver see it: the
// referral and the person's statistical attributes, never identifiers.
type ReferralSummary struct {
	Referral
	CaseID          int64           `json:"case_id"`
	CaseRef         string          `json:"case_ref"`
	OwnerOrg        string          `json:"owner_org"`
	Gender          Gender          `json:"gender"`
	Nationality     string          `json:"nationality,omitempty"`
	ResidenceStatus ResidenceStatus `json:"residence_status"`
	DaysWaiting     int             `json:"days_waiting"`
}

// QueueItem is a case awaiting an authority's final assessment: referred
// and not yet accepted, or accepted and not yet decided.
type QueueItem struct {
	ReferralID      int64           `json:"referral_id"`
	CaseID          int64           `json:"case_id"`
	CaseRef         string          `json:"case_ref"`
	FromOrg         string          `json:"from_org"`
	ReferredOn      Date            `json:"referred_on"`
	Status          ReferralStatus  `json:"status"`
	Preliminary     Outcome         `json:"preliminary,omitempty"` // outcome of the latest preliminary assessment
	Gender          Gender          `json:"gender"`
	Nationality     string          `json:"nationality,omitempty"`
	ResidenceStatus ResidenceStatus `json:"residence_status"`
	DaysWaiting     int             `json:"days_waiting"`
}

// QueueSize is one authority's queue as the coordinator sees it: a size
// and the oldest item's wait, no case.
type QueueSize struct {
	Authority   Authority `json:"authority"`
	Waiting     int       `json:"waiting"`      // referred, not yet accepted
	Undecided   int       `json:"undecided"`    // accepted, no final decision
	OldestDays  int       `json:"oldest_days"`  // days the oldest item has waited
	OldestSince Date      `json:"oldest_since"` // the oldest item's referral date
}

// ReferralService moves people through the mechanism. Implementations
// check the actor's rights, record a case version and audit every change.
type ReferralService interface {
	// GiveConsent records a consent on case caseID; k.ID is set.
	GiveConsent(ctx context.Context, caseID int64, k *Consent) error
	// WithdrawConsent withdraws a consent on date on; the access that
	// referrals and shares resting on it gave is revoked.
	WithdrawConsent(ctx context.Context, caseID, consentID int64, on Date) error
	// Refer sends a referral of case caseID from the actor's
	// organisation; r.ID, FromOrg, FromUser and Status are set.
	Refer(ctx context.Context, caseID int64, r *Referral) error
	// AcceptReferral accepts a referral sent to the actor's organisation,
	// which gains access to the case.
	AcceptReferral(ctx context.Context, id int64, on Date) error
	// ReturnReferral sends a referral back with a reason.
	ReturnReferral(ctx context.Context, id int64, on Date, reason string) error
	// WithdrawReferral withdraws a referral the actor's organisation sent.
	WithdrawReferral(ctx context.Context, id int64, on Date) error
	// RevokeReferralAccess ends the access an accepted referral gave
	// (owner or administrator), with a reason.
	RevokeReferralAccess(ctx context.Context, id int64, on Date, reason string) error
	// FindReferral returns one referral visible to the actor (sender or
	// receiver organisation).
	FindReferral(ctx context.Context, id int64) (*ReferralSummary, error)
	// FindReferrals lists referrals sent or received by the actor's
	// organisation, newest first, and the total number matching.
	FindReferrals(ctx context.Context, f ReferralFilter) ([]*ReferralSummary, int, error)
	// Queue lists the cases awaiting the authority's final assessment,
	// oldest first (assessors of that authority and administrators).
	Queue(ctx context.Context, authority Authority) ([]*QueueItem, error)
	// QueueSizes returns every authority's queue size and oldest item
	// (coordinators, assessors and administrators).
	QueueSizes(ctx context.Context) ([]QueueSize, error)
}

// CaseVersion is one stored version of a case, for its history: who
// changed it, when, why (for a correction), the names of the fields that
// changed — never their values in the audit log — and the case as it
// then was.
type CaseVersion struct {
	Version  int       `json:"version"`
	At       time.Time `json:"at"`
	Username string    `json:"username"`
	Org      string    `json:"org,omitempty"`
	Action   string    `json:"action"`
	Reason   string    `json:"reason,omitempty"`
	Fields   []string  `json:"fields,omitempty"`
	Case     *Case     `json:"case,omitempty"`
}

// HistoryService returns the versions of a case.
type HistoryService interface {
	// CaseHistory returns every version of a visible case, oldest first.
	CaseHistory(ctx context.Context, caseID int64) ([]*CaseVersion, error)
}

func sortedSet(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	m := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !m[x] {
			m[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
