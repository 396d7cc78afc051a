package nrm

import (
	"context"
	"time"
)

// Actor is who performs an operation: the user (or integration token) and
// where the request came from. Storage writes it to the audit log in the
// same transaction as the change.
type Actor struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Role     Role   `json:"role"`
	Org      string `json:"org"`
	// Authority is set for assessors: the authority they decide for.
	Authority Authority `json:"authority,omitempty"`
	Remote    string    `json:"remote,omitempty"` // client address or "cli"
}

// SystemActor is used by the command line and background jobs.
var SystemActor = &Actor{Username: "system", Role: RoleAdmin, Remote: "cli"}

type actorKey struct{}

// NewContextWithActor returns ctx carrying actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor of ctx, or nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// Sealer encrypts and decrypts direct identifiers (the encryption-at-rest
// seam). KeyID names the key that sealed a value, for rotation.
type Sealer interface {
	Seal(plaintext, additionalData []byte) (ciphertext []byte, keyID string, err error)
	Open(ciphertext, additionalData []byte, keyID string) ([]byte, error)
}

// CaseFilter selects cases for listing. Zero fields do not filter.
type CaseFilter struct {
	Ref            string // exact reference
	Search         string // prefix of the reference
	OwnerOrg       string
	Nationality    string
	Gender         Gender
	Outcome        Outcome // of the first identifying / latest assessment
	Authority      Authority
	Open           *bool // true: no exit yet; false: has exit
	IdentifiedYear int
	// Minors keeps the cases of persons under 18 today (see Minor).
	Minors bool
	// OpenStay keeps the cases with an accommodation that has no end.
	OpenStay bool
	// DeadlineWithin, when positive, keeps the cases whose reflection
	// period (the latest end of its periods and extensions) ends today or
	// within that many days.
	DeadlineWithin int
	// Date ranges, inclusive; a zero bound is open.
	FirstContactFrom, FirstContactTo Date
	IdentifiedFrom, IdentifiedTo     Date
	// Today is the date that ages and deadlines are counted from; zero
	// means the store's clock.
	Today Date
	// Sort is one of CaseSortKeys ("" is SortUpdated); Desc reverses it.
	// Ties are broken by the case id in the same direction.
	Sort          string
	Desc          bool
	Offset, Limit int
}

// The columns a case list can be sorted by.
const (
	SortRef           = "ref"
	SortOwnerOrg      = "owner_org"
	SortFirstContact  = "first_contact"
	SortIdentifiedOn  = "identified_on"
	SortAuthority     = "authority"
	SortLatestOutcome = "latest_outcome"
	SortUpdated       = "updated"
)

// CaseSortKeys are the accepted values of CaseFilter.Sort, in the order
// of the list's columns.
var CaseSortKeys = []string{SortRef, SortOwnerOrg, SortFirstContact, SortIdentifiedOn, SortAuthority, SortLatestOutcome, SortUpdated}

// MinorAge is the age below which a person is a child.
const MinorAge = 18

// AgeIn is the age a person born in birthYear reaches in the year of
// today, or -1 when the birth year is unknown. Only the birth year is
// held in clear (the birth date is sealed), so this is the age in whole
// years by the end of today's year.
func AgeIn(birthYear int, today Date) int {
	if birthYear <= 0 || birthYear > today.Year() {
		return -1
	}
	return today.Year() - birthYear
}

// Minor reports whether a person born in birthYear may be under 18 on
// today: someone who turns 18 during today's year counts as a minor until
// the year ends (the presumption of minority when the age is uncertain,
// Directive 2011/36/EU art. 13(2)). An unknown birth year is not a minor.
func Minor(birthYear int, today Date) bool {
	age := AgeIn(birthYear, today)
	return age >= 0 && age <= MinorAge
}

// CaseSummary is a row of the case list: statistical attributes only.
type CaseSummary struct {
	ID              int64           `json:"id"`
	Ref             string          `json:"ref"`
	OwnerOrg        string          `json:"owner_org"`
	Gender          Gender          `json:"gender"`
	Nationality     string          `json:"nationality,omitempty"`
	ResidenceStatus ResidenceStatus `json:"residence_status"`
	BirthYear       int             `json:"birth_year,omitempty"`
	FirstContact    Date            `json:"first_contact,omitzero"`
	ContactForm     ContactForm     `json:"contact_form,omitempty"`
	IdentifiedOn    Date            `json:"identified_on,omitzero"`
	Authority       Authority       `json:"authority,omitempty"`
	LatestOutcome   Outcome         `json:"latest_outcome,omitempty"`
	ClosedOn        Date            `json:"closed_on,omitzero"`
	Version         int             `json:"version"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// CaseService manages cases. Implementations check the actor's rights
// and write an audit entry for every read and write of a case.
type CaseService interface {
	// FindCaseByID returns one case with identifiers decrypted.
	FindCaseByID(ctx context.Context, id int64) (*Case, error)
	// FindCaseByRef returns one case by its reference.
	FindCaseByRef(ctx context.Context, ref string) (*Case, error)
	// FindCases lists case summaries and the total number matching.
	FindCases(ctx context.Context, f CaseFilter) ([]*CaseSummary, int, error)
	// CreateCase stores a new case; c.ID, Version and times are set.
	CreateCase(ctx context.Context, c *Case) error
	// UpdateCase replaces a case; c.Version must equal the stored
	// version, else ECONFLICT. On success c.Version is incremented.
	UpdateCase(ctx context.Context, c *Case) error
	// DeleteCase removes a case entirely (admin only).
	DeleteCase(ctx context.Context, id int64) error
}

// OrganisationService manages organisations and the country mapping.
type OrganisationService interface {
	FindOrganisations(ctx context.Context) ([]*Organisation, error)
	UpsertOrganisation(ctx context.Context, o *Organisation) error
	FindCountries(ctx context.Context) ([]*Country, error)
	UpsertCountry(ctx context.Context, c *Country) error
}

// ProsecutionService manages the police's yearly rows.
type ProsecutionService interface {
	FindProsecutions(ctx context.Context) ([]*Prosecution, error)
	UpsertProsecution(ctx context.Context, p *Prosecution) error
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created      int `json:"created"`
	Updated      int `json:"updated"`
	Unchanged    int `json:"unchanged"`
	Prosecutions int `json:"prosecutions"`
}
