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
	p := &Case{}
	c.projectInto(p)
	return p
}

// projectInto sets p to c's bundle projection, reusing p's lists (which
// c must not share).
func (c *Case) projectInto(p *Case) {
	contacts, assessments := p.Contacts[:0], p.Assessments[:0]
	var forms []ExploitationForm
	if cap(assessments) > 0 {
		forms = assessments[:1][0].Exploitation[:0]
	}
	*p = Case{Ref: c.Ref, OwnerOrg: c.OwnerOrg, Gender: c.Gender, BirthYear: c.BirthYear,
		Nationality: c.Nationality, ResidenceStatus: c.ResidenceStatus,
		Identifiers:    Identifiers{BirthDate: c.Identifiers.BirthDate},
		Accommodations: append(p.Accommodations[:0], c.Accommodations...),
		Exits:          append(p.Exits[:0], c.Exits...)}
	if ct, ok := c.FirstContact(); ok {
		ct.ID, ct.Place = 0, ""
		p.Contacts = append(contacts, ct)
	}
	if a, ok := c.PrimaryAssessment(); ok {
		a.ID, a.OverrideReason = 0, ""
		a.Exploitation = append(forms, a.Exploitation...)
		p.Assessments = append(assessments, a)
	}
	for i := range p.Accommodations {
		p.Accommodations[i].ID = 0
	}
	for i := range p.Exits {
		p.Exits[i].ID = 0
	}
	p.Normalize()
}

// ContentHash returns a keyed hash (HMAC-SHA-256, truncated to 128 bits)
// of the case's bundle projection. It is keyed because the projection
// holds the birth date, a direct identifier: an unkeyed hash over it and
// attributes stored in clear could be reversed by trying every date.
func (c *Case) ContentHash(key []byte) string { return NewContentHasher(key).Hash(c) }

// ContentHasher computes ContentHash with one key, reusing HMAC states
// (their key schedule was a sixth of the hash's cost in an import). It is
// safe for concurrent use.
type ContentHasher struct {
	pool sync.Pool
	// scratch holds projections and their bytes between hashes: an
	// import hashes every case, and allocating both was an eighth of its
	// allocations.
	scratch sync.Pool
}

// hashScratch is a projection and a buffer for its bytes.
type hashScratch struct {
	p Case
	b []byte
}

// NewContentHasher returns a hasher for key.
func NewContentHasher(key []byte) *ContentHasher {
	key = bytes.Clone(key)
	return &ContentHasher{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, key) }},
		scratch: sync.Pool{New: func() any { return &hashScratch{b: make([]byte, 0, 512)} }}} // a projection fits: no regrowth
}

// Hash returns c's content hash over its bundle projection (the part
// cases.csv, accommodations.csv and exits.csv carry).
func (h *ContentHasher) Hash(c *Case) string {
	x := h.scratch.Get().(*hashScratch)
	defer h.scratch.Put(x)
	c.projectInto(&x.p)
	x.b = appendProjection(x.b[:0], &x.p)
	return h.sum(x.b)
}

// HashRecord returns the content hash of c's whole record, as a bundle
// with every file carries it: the projection's bytes (so the hash of a
// case with only classic data equals Hash) followed by sections for what
// the projection leaves out — further contacts and assessments, their
// added fields, reflection periods, offers, reopenings,
// reconsiderations, consents, referrals, shares and identifiers other
// than the birth date. Children are referred to by position, never by
// stored id, so the hash is the same in every database.
func (h *ContentHasher) HashRecord(c *Case) string {
	x := h.scratch.Get().(*hashScratch)
	defer h.scratch.Put(x)
	c.projectInto(&x.p)
	x.b = appendRecord(appendProjection(x.b[:0], &x.p), c)
	return h.sum(x.b)
}

func (h *ContentHasher) sum(b []byte) string {
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write(b)
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0])[:16])
	h.pool.Put(m)
	return out
}

// hashFields appends quoted fields and dates, each followed by '|'.
type hashFields struct{ b []byte }

func (f *hashFields) field(s string) { f.b = appendQuote(f.b, s); f.b = append(f.b, '|') }

// date is field(d.String()) without the string: digits and dashes need
// no quoting.
func (f *hashFields) date(d Date) {
	f.b = append(f.b, '"')
	f.b = d.AppendISO(f.b)
	f.b = append(f.b, '"', '|')
}

// setting adds a labour setting only when one is given, behind a marker
// no other field starts with, so that the hashes of cases from before
// settings stay as they were.
func (f *hashFields) setting(s LabourSetting) {
	if s != "" {
		f.b = append(f.b, '@')
		f.field(string(s))
	}
}

func (f *hashFields) int(n int) { f.b = strconv.AppendInt(f.b, int64(n), 10); f.b = append(f.b, '|') }

func (f *hashFields) list(xs []string) {
	for _, x := range xs {
		f.field(x)
	}
	f.b = append(f.b, ';')
}

func appendProjection(b []byte, p *Case) []byte {
	f := &hashFields{b: b}
	f.field(p.Ref)
	f.field(p.OwnerOrg)
	f.field(string(p.Gender))
	f.field(p.Nationality)
	f.field(string(p.ResidenceStatus))
	f.date(p.Identifiers.BirthDate)
	f.b = strconv.AppendInt(f.b, int64(p.BirthYear), 10)
	for _, ct := range p.Contacts {
		f.b = append(f.b, "\nC"...)
		f.date(ct.Date)
		f.field(string(ct.Form))
		f.field(ct.Org)
	}
	for _, a := range p.Assessments {
		f.b = append(f.b, "\nA"...)
		f.date(a.Date)
		f.field(string(a.Authority))
		f.field(string(a.Outcome))
		for _, x := range a.Exploitation {
			f.field(string(x))
		}
		f.b = append(f.b, ';')
		f.field(string(a.LabourSector))
		f.field(a.ExploitationCountry)
		f.setting(a.LabourSetting)
	}
	for _, a := range p.Accommodations {
		f.b = append(f.b, "\nH"...)
		f.field(string(a.Kind))
		f.field(a.Provider)
		f.date(a.Start)
		f.date(a.End)
	}
	for _, e := range p.Exits {
		f.b = append(f.b, "\nE"...)
		f.date(e.Date)
		f.field(string(e.Kind))
	}
	return f.b
}

// HasRecordBeyondProjection reports whether c holds anything a bundle
// carries only in the files beyond cases.csv, accommodations.csv and
// exits.csv.
func (c *Case) HasRecordBeyondProjection() bool {
	return c.extraContacts() || c.extraAssessments() || len(c.ReflectionPeriods) > 0 || len(c.Offers) > 0 ||
		len(c.Reopenings) > 0 || len(c.Reconsiderations) > 0 || len(c.Consents) > 0 || len(c.Referrals) > 0 ||
		len(c.SharedWith) > 0 || c.HasIdentifiersBeyondBirthDate()
}

func (c *Case) extraContacts() bool {
	return len(c.Contacts) > 1 || len(c.Contacts) == 1 && c.Contacts[0].Place != ""
}

func (c *Case) extraAssessments() bool {
	if len(c.Assessments) > 1 {
		return true
	}
	for _, a := range c.Assessments {
		if a.Stage != "" || a.Reasons != "" || !a.NotifiedOn.IsZero() || a.DecidedBy != "" || a.OverrideReason != "" {
			return true
		}
	}
	return false
}

// HasIdentifiersBeyondBirthDate reports whether c has a direct
// identifier other than the birth date (which cases.csv carries).
func (c *Case) HasIdentifiersBeyondBirthDate() bool {
	i := c.Identifiers
	i.BirthDate = Date{}
	return !i.IsZero()
}

// AssessmentNo returns the 1-based number of the assessment with id in
// c.Assessments (their bundle number), 0 if there is none.
func (c *Case) AssessmentNo(id int64) int {
	for i, a := range c.Assessments {
		if id != 0 && a.ID == id {
			return i + 1
		}
	}
	return 0
}

// ConsentNo returns the 1-based number of the consent with id in
// c.Consents, 0 if there is none.
func (c *Case) ConsentNo(id int64) int {
	for i, k := range c.Consents {
		if id != 0 && k.ID == id {
			return i + 1
		}
	}
	return 0
}

// appendRecord appends the sections of the record beyond the projection;
// nothing for a case with only classic data.
func appendRecord(b []byte, c *Case) []byte {
	f := &hashFields{b: b}
	if c.extraContacts() {
		for _, ct := range c.Contacts {
			f.b = append(f.b, "\nc"...)
			f.date(ct.Date)
			f.field(string(ct.Form))
			f.field(ct.Org)
			f.field(ct.Place)
		}
	}
	if c.extraAssessments() {
		for _, a := range c.Assessments {
			f.b = append(f.b, "\na"...)
			f.date(a.Date)
			f.field(string(a.Stage))
			f.field(string(a.Authority))
			f.field(string(a.Outcome))
			for _, x := range a.Exploitation {
				f.field(string(x))
			}
			f.b = append(f.b, ';')
			f.field(string(a.LabourSector))
			f.field(a.ExploitationCountry)
			f.field(a.OverrideReason)
			f.field(a.Reasons)
			f.date(a.NotifiedOn)
			f.field(a.DecidedBy)
			f.setting(a.LabourSetting)
		}
	}
	for _, p := range c.ReflectionPeriods {
		f.b = append(f.b, "\nR"...)
		f.date(p.Start)
		f.date(p.End)
		// Kind, reason and decider came later: a period without them
		// hashes as before, and an explicit initial kind as none.
		if p.Kind == ReflectionExtension || p.Reason != "" || p.DecidedBy != "" {
			f.field(string(p.Kind.orInitial()))
			f.field(p.Reason)
			f.field(p.DecidedBy)
		}
	}
	for _, o := range c.Offers {
		f.b = append(f.b, "\nO"...)
		f.field(string(o.Kind))
		f.date(o.Offered)
		switch {
		case o.Accepted == nil:
			f.field("")
		case *o.Accepted:
			f.field("yes")
		default:
			f.field("no")
		}
	}
	for _, r := range c.Reopenings {
		f.b = append(f.b, "\nP"...)
		f.date(r.Date)
		f.field(r.Reason)
	}
	for _, r := range c.Reconsiderations {
		f.b = append(f.b, "\nX"...)
		f.int(c.AssessmentNo(r.AssessmentID))
		f.date(r.RequestedOn)
		f.field(r.Grounds)
		f.date(r.Deadline)
		f.field(string(r.Outcome))
		f.date(r.DecidedOn)
		f.int(c.AssessmentNo(r.NewAssessmentID))
	}
	for _, k := range c.Consents {
		f.b = append(f.b, "\nK"...)
		scopes := make([]string, len(k.Scopes))
		for i, s := range k.Scopes {
			scopes[i] = string(s)
		}
		f.list(scopes)
		f.list(k.ShareWith)
		f.date(k.GivenOn)
		f.field(k.GivenBy)
		f.date(k.WithdrawnOn)
		f.field(k.RecordedBy)
	}
	for _, r := range c.Referrals {
		f.b = append(f.b, "\nF"...)
		f.field(string(r.Purpose))
		f.field(r.FromOrg)
		f.field(r.FromUser)
		f.field(r.ToOrg)
		f.date(r.Date)
		f.field(r.Reason)
		f.field(r.RouteReason)
		ind := make([]string, len(r.Indicators))
		for i, x := range r.Indicators {
			ind[i] = string(x)
		}
		f.list(ind)
		f.int(c.ConsentNo(r.ConsentID))
		f.date(r.MunicipalityInformedOn)
		f.field(r.Municipality)
		f.field(string(r.Status))
		f.date(r.StatusOn)
		f.field(r.StatusBy)
		f.field(r.ReturnReason)
		f.date(r.AccessRevokedOn)
		f.field(r.RevokeReason)
	}
	if len(c.SharedWith) > 0 {
		f.b = append(f.b, "\nS"...)
		f.list(c.SharedWith)
	}
	if c.HasIdentifiersBeyondBirthDate() {
		i := c.Identifiers
		f.b = append(f.b, "\nI"...)
		f.field(i.Name)
		f.list(i.Aliases)
		f.list(i.DocumentNumbers)
		f.field(i.Phone)
		f.field(i.Address)
		f.field(i.Notes)
	}
	return f.b
}

// BundleParts says which parts of a case's record an imported bundle
// carries beyond cases.csv, accommodations.csv and exits.csv: the files
// that list the case. A part not carried is kept as stored.
type BundleParts uint16

// Parts of a case record carried by the optional bundle files.
const (
	PartContacts    BundleParts = 1 << iota // contacts.csv
	PartAssessments                         // assessments.csv or reconsiderations.csv: both lists
	PartReflection                          // reflection_periods.csv
	PartOffers                              // offers.csv
	PartReopenings                          // reopenings.csv
	PartReferrals                           // consents.csv or referrals.csv: both lists
	PartShares                              // shares.csv
	PartIdentifiers                         // identifiers.csv
)

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
	// PutRecord is PutCase for a case that files beyond the classic ones
	// list: the parts named are replaced by c's, the others are kept.
	// Assessments of c may carry negative ids -n and consents -n, where n
	// is their bundle number; reconsiderations and referrals refer to
	// them so.
	PutRecord(ctx context.Context, c *Case, parts BundleParts) error
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
