package nrm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"sync"
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

// ContentHash returns a keyed hash (HMAC-SHA-256, truncated to 128 bits)
// of the case's bundle projection. It is keyed because the projection
// holds the birth date, a direct identifier: an unkeyed hash over it and
// attributes stored in clear could be reversed by trying every date.
func (c *Case) ContentHash(key []byte) string { return NewContentHasher(key).Hash(c) }

// ContentHasher computes ContentHash with one key, reusing HMAC states
// (their key schedule was a sixth of the hash's cost in an import). It is
// safe for concurrent use.
type ContentHasher struct{ pool sync.Pool }

// NewContentHasher returns a hasher for key.
func NewContentHasher(key []byte) *ContentHasher {
	key = bytes.Clone(key)
	return &ContentHasher{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

// Hash returns c's content hash.
func (h *ContentHasher) Hash(c *Case) string {
	p := c.BundleProjection()
	b := make([]byte, 0, 512) // a case's projection fits: no regrowth
	field := func(s string) { b = appendQuote(b, s); b = append(b, '|') }
	// date is field(d.String()) without the string: digits and dashes
	// need no quoting.
	date := func(d Date) {
		b = append(b, '"')
		b = d.AppendISO(b)
		b = append(b, '"', '|')
	}
	field(p.Ref)
	field(p.OwnerOrg)
	field(string(p.Gender))
	field(p.Nationality)
	field(string(p.ResidenceStatus))
	date(p.Identifiers.BirthDate)
	b = strconv.AppendInt(b, int64(p.BirthYear), 10)
	for _, ct := range p.Contacts {
		b = append(b, "\nC"...)
		date(ct.Date)
		field(string(ct.Form))
		field(ct.Org)
	}
	for _, a := range p.Assessments {
		b = append(b, "\nA"...)
		date(a.Date)
		field(string(a.Authority))
		field(string(a.Outcome))
		for _, f := range a.Exploitation {
			field(string(f))
		}
		b = append(b, ';')
		field(string(a.LabourSector))
		field(a.ExploitationCountry)
	}
	for _, a := range p.Accommodations {
		b = append(b, "\nH"...)
		field(string(a.Kind))
		field(a.Provider)
		date(a.Start)
		date(a.End)
	}
	for _, e := range p.Exits {
		b = append(b, "\nE"...)
		date(e.Date)
		field(string(e.Kind))
	}
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write(b)
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0])[:16])
	h.pool.Put(m)
	return out
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

// appendQuote appends s as strconv.AppendQuote does, byte for byte (the
// stored hashes depend on it), but without its rune-by-rune escaping when
// s is printable ASCII with no quote or backslash, as nearly every field
// is: a third of the hash's cost in a million-case import.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
