package nrm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Person search and duplicate detection work on blind indexes: the storage
// keeps, per case, keyed hashes (HMAC-SHA-256 under a key from the key
// file) of normalised identifiers, never the identifiers, and a search
// hashes the query the same way. The normalisation below decides what
// counts as "the same" name, document number, phone number or birth date.

// BlindKind names what a blind-index entry stands for; it is part of the
// hashed input, so that equal values of different kinds never collide.
type BlindKind string

// Kinds of blind-index entries.
const (
	// BlindName is a whole normalised name or alias.
	BlindName BlindKind = "name"
	// BlindNameToken is one word of a name or alias.
	BlindNameToken BlindKind = "name_token"
	// BlindBirthDate is the birth date in ISO form.
	BlindBirthDate BlindKind = "birth_date"
	// BlindDocument is a document number, upper-case alphanumerics only.
	BlindDocument BlindKind = "document"
	// BlindPhone is a phone number, digits only with its country code.
	BlindPhone BlindKind = "phone"
)

// BlindTerm is one normalised value to be hashed into the index.
type BlindTerm struct {
	Kind  BlindKind
	Value string
}

// Input returns the bytes that are hashed: the kind, a zero byte, the
// value.
func (t BlindTerm) Input() []byte { return []byte(string(t.Kind) + "\x00" + t.Value) }

// latinFold spells the letters that Unicode decomposition leaves whole as
// the letters they are commonly written as without diacritics.
var latinFold = strings.NewReplacer("ø", "o", "æ", "ae", "œ", "oe", "đ", "d", "ð", "d", "ł", "l", "ı", "i", "þ", "th", "ħ", "h", "ŧ", "t")

var folder = cases.Fold()

// NormalizeName returns s case-folded, in compatibility decomposition
// (NFKD) with its diacritics removed, with every character that is not a
// letter or digit read as a space and spaces collapsed: "  Søren
// KIERKEGÅRD-Hansen " is "soren kierkegard hansen".
func NormalizeName(s string) string {
	s = norm.NFKD.String(s)
	s = folder.String(s)
	s = latinFold.Replace(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a diacritic: dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	// Folding after decomposition may leave composable sequences; the
	// marks are gone, so NFC is a no-op but for safety of the result.
	return norm.NFC.String(b.String())
}

// NameTokens returns the distinct words of the normalised name, in order.
func NameTokens(s string) []string {
	var out []string
	for _, t := range strings.Fields(NormalizeName(s)) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// NormalizeDocument returns the letters A–Z and digits of a document
// number, upper-cased, diacritics removed: "ab 12-345/c" is "AB12345C".
func NormalizeDocument(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DefaultCountryCode is the calling code assumed for a phone number
// written without one and of the length of a Danish number (8 digits).
const DefaultCountryCode = "45"

// NormalizePhone returns the digits of a phone number with its country
// code: a leading "+" or "00" marks the country code, and an 8-digit
// number without one is Danish, so "+45 12 34 56 78", "0045 12345678"
// and "12 34 56 78" are all "4512345678". Other numbers keep their digits
// as written.
func NormalizePhone(s string) string {
	s = norm.NFKD.String(strings.TrimSpace(s))
	plus := strings.HasPrefix(s, "+")
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case len(d) == 8:
		d = DefaultCountryCode + d
	}
	return d
}

// BlindTerms returns the distinct terms of the blind index of a person's
// identifiers: each name and alias whole and word by word, the birth date,
// each document number and the phone number. Address and notes are not
// indexed.
func BlindTerms(id Identifiers) []BlindTerm {
	var out []BlindTerm
	add := func(k BlindKind, v string) {
		if v == "" {
			return
		}
		t := BlindTerm{k, v}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, n := range append([]string{id.Name}, id.Aliases...) {
		add(BlindName, NormalizeName(n))
		for _, t := range NameTokens(n) {
			add(BlindNameToken, t)
		}
	}
	if !id.BirthDate.IsZero() {
		add(BlindBirthDate, id.BirthDate.String())
	}
	for _, d := range id.DocumentNumbers {
		add(BlindDocument, NormalizeDocument(d))
	}
	add(BlindPhone, NormalizePhone(id.Phone))
	return out
}

// SearchQuery is what a person search looks for; the criteria given must
// all match. A name matches a case whose name or aliases hold every word
// of it ("popescu" finds "Maria Popescu").
type SearchQuery struct {
	Name      string `json:"name,omitempty"`
	BirthDate Date   `json:"birth_date,omitzero"`
	Document  string `json:"document,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

// MaxSearchHits bounds the hits a search returns.
const MaxSearchHits = 100

// Validate checks that at least one criterion is given and that each
// given one keeps something after normalisation. Error values never
// repeat what was searched for.
func (q SearchQuery) Validate() error {
	var fe []FieldError
	if strings.TrimSpace(q.Name) == "" && q.BirthDate.IsZero() && strings.TrimSpace(q.Document) == "" && strings.TrimSpace(q.Phone) == "" {
		fe = append(fe, FieldError{Field: "search", Rule: RuleRequired, Expected: "a name, a birth date, a document number or a phone number"})
	}
	long := func(f, v string) {
		if len(v) > 200 {
			fe = append(fe, FieldError{Field: f, Rule: RuleTooLong, Expected: "at most 200 characters"})
		}
	}
	long("name", q.Name)
	long("document", q.Document)
	long("phone", q.Phone)
	if strings.TrimSpace(q.Name) != "" && NormalizeName(q.Name) == "" {
		fe = append(fe, FieldError{Field: "name", Rule: RuleFormat, Expected: "letters or digits"})
	}
	if strings.TrimSpace(q.Document) != "" && NormalizeDocument(q.Document) == "" {
		fe = append(fe, FieldError{Field: "document", Rule: RuleFormat, Expected: "letters A-Z or digits"})
	}
	if strings.TrimSpace(q.Phone) != "" && len(NormalizePhone(q.Phone)) < 6 {
		fe = append(fe, FieldError{Field: "phone", Rule: RuleFormat, Expected: "a phone number of at least 6 digits"})
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "The search is not valid.", Fields: fe}
	}
	return nil
}

// Terms returns the blind terms a case must all hold to match q.
func (q SearchQuery) Terms() []BlindTerm {
	var out []BlindTerm
	for _, t := range NameTokens(q.Name) {
		out = append(out, BlindTerm{BlindNameToken, t})
	}
	if !q.BirthDate.IsZero() {
		out = append(out, BlindTerm{BlindBirthDate, q.BirthDate.String()})
	}
	if d := NormalizeDocument(q.Document); d != "" {
		out = append(out, BlindTerm{BlindDocument, d})
	}
	if p := NormalizePhone(q.Phone); p != "" {
		out = append(out, BlindTerm{BlindPhone, p})
	}
	return out
}

// Kinds names the criteria given, for the audit log (never the values).
func (q SearchQuery) Kinds() []string {
	var out []string
	if strings.TrimSpace(q.Name) != "" {
		out = append(out, "name")
	}
	if !q.BirthDate.IsZero() {
		out = append(out, "birth_date")
	}
	if strings.TrimSpace(q.Document) != "" {
		out = append(out, "document")
	}
	if strings.TrimSpace(q.Phone) != "" {
		out = append(out, "phone")
	}
	return out
}

// SearchHit is a case found by a person search: its reference and
// statistical attributes, never its identifiers.
type SearchHit struct {
	ID              int64           `json:"id"`
	Ref             string          `json:"ref"`
	OwnerOrg        string          `json:"owner_org"`
	Gender          Gender          `json:"gender"`
	BirthYear       int             `json:"birth_year,omitempty"`
	Nationality     string          `json:"nationality,omitempty"`
	ResidenceStatus ResidenceStatus `json:"residence_status"`
	FirstContact    Date            `json:"first_contact,omitzero"`
	ClosedOn        Date            `json:"closed_on,omitzero"`
}

// PossibleDuplicate tells that another case may be about the same person
// (the same document number, or the same name and birth date): only the
// organisation that holds it, never its reference or attributes.
type PossibleDuplicate struct {
	Org string `json:"org"`
}

// Message returns the notice shown to the user in l.
func (p PossibleDuplicate) Message(l Lang) string {
	if l == LangDA {
		return fmt.Sprintf("Organisationen %s har muligvis allerede en sag om denne person — bed den om en henvisning.", p.Org)
	}
	return fmt.Sprintf("A possible existing case is held by organisation %s — ask it for a referral.", p.Org)
}

// SearchService finds persons through the blind index, detects possible
// duplicates and merges two cases about the same person.
type SearchService interface {
	// SearchCases returns the cases the actor may see that match q
	// (at most MaxSearchHits), and audits the search: the kinds of the
	// criteria and the number of hits, never the values.
	SearchCases(ctx context.Context, q SearchQuery) ([]*SearchHit, error)
	// PossibleDuplicates returns, once per organisation, the other cases
	// in every organisation that may be about the person of case id, and
	// audits the check with event naming where it ran (registration,
	// referral, import).
	PossibleDuplicates(ctx context.Context, id int64, event string) ([]PossibleDuplicate, error)
	// MergeCases moves the facts of case other into case keep and removes
	// other (administrators only), audited with both references.
	MergeCases(ctx context.Context, keep, other int64) (*Case, error)
}
