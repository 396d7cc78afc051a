package nrm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// PrimaryAssessment returns the assessment a bundle row carries: the first
// identifying one, else the latest one.
func (c *Case) PrimaryAssessment() (Assessment, bool) {
	if a, ok := c.FirstIdentified(); ok {
		return a, true
	}
	var last Assessment
	found := false
	for _, a := range c.Assessments {
		if !found || !a.Date.Before(last.Date) {
			last, found = a, true
		}
	}
	return last, found
}

// BundleProjection returns the part of the case that a bundle row carries
// (design.md §5): statistical attributes, birth date, the first contact,
// the primary assessment, accommodations and exits. Import compares
// projections, so re-importing an export changes nothing.
func (c *Case) BundleProjection() *Case {
	p := &Case{Ref: c.Ref, OwnerOrg: c.OwnerOrg, Gender: c.Gender, BirthYear: c.BirthYear,
		Nationality: c.Nationality, ResidenceStatus: c.ResidenceStatus,
		Identifiers:    Identifiers{BirthDate: c.Identifiers.BirthDate},
		Accommodations: append([]Accommodation(nil), c.Accommodations...),
		Exits:          append([]Exit(nil), c.Exits...)}
	if ct, ok := c.FirstContact(); ok {
		ct.ID, ct.Place = 0, ""
		p.Contacts = []Contact{ct}
	}
	if a, ok := c.PrimaryAssessment(); ok {
		a.ID, a.OverrideReason = 0, ""
		a.Exploitation = append([]ExploitationForm(nil), a.Exploitation...)
		p.Assessments = []Assessment{a}
	}
	for i := range p.Accommodations {
		p.Accommodations[i].ID = 0
	}
	for i := range p.Exits {
		p.Exits[i].ID = 0
	}
	p.Normalize()
	return p
}

// ContentHash returns a hash of the case's bundle projection.
func (c *Case) ContentHash() string {
	p := c.BundleProjection()
	type hashed struct {
		Ref, OwnerOrg, Gender, Nationality, Residence, BirthDate string
		BirthYear                                                int
		Contacts                                                 []Contact
		Assessments                                              []Assessment
		Accommodations                                           []Accommodation
		Exits                                                    []Exit
	}
	b, _ := json.Marshal(hashed{p.Ref, p.OwnerOrg, string(p.Gender), p.Nationality, string(p.ResidenceStatus),
		p.Identifiers.BirthDate.String(), p.BirthYear, p.Contacts, p.Assessments, p.Accommodations, p.Exits})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// Importer loads bundles all-or-nothing: fn writes through w inside one
// transaction that commits only when fn returns nil.
type Importer interface {
	Import(ctx context.Context, fn func(w ImportWriter) error) (ImportResult, error)
}

// ImportWriter receives the rows of a bundle.
type ImportWriter interface {
	// PutCase creates the case, or replaces its bundle projection when the
	// stored case differs, or leaves it untouched when equal. Identifiers
	// other than the birth date, offers and reflection periods are kept.
	PutCase(ctx context.Context, c *Case) error
	// PutProsecution creates or replaces the row for p.Year.
	PutProsecution(ctx context.Context, p *Prosecution) error
}

// Exporter streams every case, children and identifiers included, in
// reference order.
type Exporter interface {
	ExportCases(ctx context.Context, fn func(c *Case) error) error
}
