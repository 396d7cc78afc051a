package nrm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Editions. A published edition freezes a year's statistics as they were
// published: the disclosure-controlled statistics contract, the state of
// every published number, and the report files in every format. Later
// requests for the published view of that year are answered from the
// latest edition rather than recomputed, so that two publications at
// different cut-off dates cannot be differenced; a correction is a new
// edition of the same year, which must hide what earlier editions hid and
// may not change a published number by less than the threshold.

// Edition is one frozen publication of a year's statistics.
type Edition struct {
	// Year is the reporting year.
	Year int `json:"year"`
	// Number counts the editions of the year: 1, 2, …
	Number int `json:"number"`
	// Cutoff is the cut-off date of the statistics.
	Cutoff Date `json:"cutoff"`
	// K is the disclosure threshold.
	K int `json:"k"`
	// PublishedAt is when the edition was stored.
	PublishedAt time.Time `json:"published_at"`
	// PublishedBy is the user who published it.
	PublishedBy string `json:"published_by"`
	// Hash is the SHA-256 content hash over the files (EditionHash).
	Hash string `json:"hash"`
	// Cells holds the state of every published number (empty in lists).
	Cells []EditionCell `json:"cells,omitempty"`
	// Files describes the stored files (without their bodies).
	Files []EditionFile `json:"files,omitempty"`
}

// EditionCell is the state of one published number of an edition (the
// disclosure package's CellState).
type EditionCell struct {
	// Table names the table ("counts" for numbers outside tables).
	Table string `json:"table"`
	// Row is the row label ("total" for a column-total row).
	Row string `json:"row"`
	// Col is the column label ("total" for a row-total column).
	Col string `json:"col"`
	// Value is the number when it is shown (0 when hidden).
	Value int `json:"value"`
	// Hidden reports that the number is withheld.
	Hidden bool `json:"hidden,omitempty"`
	// Text is the number or the symbol printed ("<3", "..").
	Text string `json:"text"`
}

// EditionFile is one stored file of an edition.
type EditionFile struct {
	// Format is json, html, pdf, xlsx or md.
	Format string `json:"format"`
	// Lang is the language of a report file; "" for the JSON contract,
	// which holds codes and both languages' names.
	Lang Lang `json:"lang,omitempty"`
	// ContentType is the media type served.
	ContentType string `json:"content_type"`
	// SHA256 is the hex SHA-256 of Body.
	SHA256 string `json:"sha256"`
	// Size is the length of Body in bytes.
	Size int `json:"size"`
	// Body is the file (only when a file is read).
	Body []byte `json:"-"`
}

// EditionFormats are the formats an edition stores, in display order.
var EditionFormats = []string{"json", "html", "pdf", "xlsx", "md"}

// NewEditionFile describes body as a file of format in lang.
func NewEditionFile(format string, lang Lang, contentType string, body []byte) EditionFile {
	sum := sha256.Sum256(body)
	return EditionFile{Format: format, Lang: lang, ContentType: contentType, SHA256: hex.EncodeToString(sum[:]), Size: len(body), Body: body}
}

// EditionHash is the content hash of an edition: the SHA-256 over one line
// "format|lang|size|sha256\n" per file, in the order of format then
// language, so that anyone holding the files can recompute it.
func EditionHash(files []EditionFile) string {
	fs := append([]EditionFile(nil), files...)
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Format != fs[j].Format {
			return fs[i].Format < fs[j].Format
		}
		return fs[i].Lang < fs[j].Lang
	})
	h := sha256.New()
	for _, f := range fs {
		if f.Body != nil {
			f = NewEditionFile(f.Format, f.Lang, f.ContentType, f.Body)
		}
		fmt.Fprintf(h, "%s|%s|%d|%s\n", f.Format, f.Lang, f.Size, f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// File returns the edition's file of format in lang: the JSON contract
// whatever the language, a report file in lang, else in Danish.
func (e *Edition) File(format string, lang Lang) (EditionFile, bool) {
	var fallback *EditionFile
	for i, f := range e.Files {
		if f.Format != format {
			continue
		}
		if f.Lang == "" || f.Lang == lang {
			return f, true
		}
		if f.Lang == LangDA {
			fallback = &e.Files[i]
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return EditionFile{}, false
}

// EditionService stores published editions. Editions are immutable: a
// correction is a new edition of the same year.
type EditionService interface {
	// FindEditions lists the editions of a year (all years when year is
	// 0), by year then number, with file descriptions but without cells.
	FindEditions(ctx context.Context, year int) ([]*Edition, error)
	// FindEdition returns one edition with its cells and file
	// descriptions; number 0 is the year's latest. ENOTFOUND when none.
	FindEdition(ctx context.Context, year, number int) (*Edition, error)
	// EditionFile returns a stored file with its body (see Edition.File
	// for the language).
	EditionFile(ctx context.Context, year, number int, format string, lang Lang) (*EditionFile, error)
	// CreateEdition stores e as the year's next edition after checking
	// the actor's statistics clearance and that e can be published
	// beside every earlier edition of the year; it sets Number,
	// PublishedAt, PublishedBy (unless set by the command line) and Hash.
	CreateEdition(ctx context.Context, e *Edition) error
}

// Statistics clearance: who may see exact national statistics, the
// minors' list and statistics at an arbitrary cut-off date. Everybody
// else with access to statistics sees the published view only.
const (
	// SettingStatisticsClearance is the setting holding the clearance
	// rules: a comma-separated list of roles, each optionally limited to
	// one organisation with "@ORG", e.g. "admin,coordinator@CMM".
	SettingStatisticsClearance = "statistics.clearance"
	// DefaultStatisticsClearance applies while the setting is empty:
	// administrators and the coordinators of the national centre.
	DefaultStatisticsClearance = "admin,coordinator@CMM"
)

// Clearance is a parsed statistics-clearance setting.
type Clearance []ClearanceRule

// ClearanceRule clears a role, in one organisation when Org is set.
type ClearanceRule struct {
	Role Role
	Org  string
}

// ParseClearance parses a clearance setting; "" gives the default. An
// unknown role is an error (callers then clear administrators only, so
// that a typo never widens access).
func ParseClearance(s string) (Clearance, error) {
	if strings.TrimSpace(s) == "" {
		s = DefaultStatisticsClearance
	}
	var c Clearance
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		role, org, _ := strings.Cut(part, "@")
		r := Role(strings.ToLower(strings.TrimSpace(role)))
		if !r.Valid() {
			return Clearance{{Role: RoleAdmin}}, Errorf(EINVALID, "%s: unknown role %q in %q", SettingStatisticsClearance, role, s)
		}
		c = append(c, ClearanceRule{Role: r, Org: strings.ToUpper(strings.TrimSpace(org))})
	}
	return c, nil
}

// Allows reports whether the actor is cleared for exact statistics. The
// command line (the system actor) is always cleared: it reads the
// database directly.
func (c Clearance) Allows(a *Actor) bool {
	if a == nil {
		return false
	}
	if a.UserID == 0 && a.Remote == "cli" {
		return true
	}
	for _, r := range c {
		if r.Role == a.Role && (r.Org == "" || r.Org == a.Org) {
			return true
		}
	}
	return false
}

// Validate checks an edition before it is stored: a plausible year, a
// threshold of at least 2, a cut-off in or after the year, the published
// numbers, and files of the known formats including the JSON contract.
func (e *Edition) Validate() error {
	var fe []FieldError
	bad := func(field, rule, value, param string) {
		fe = append(fe, FieldError{Field: field, Rule: rule, Value: value, Expected: param})
	}
	if e.Year < 1900 || e.Year > 2200 {
		bad("year", RuleRange, fmt.Sprint(e.Year), "1900-2200")
	}
	if e.K < 2 {
		bad("k", RuleRange, fmt.Sprint(e.K), ">= 2")
	}
	if e.Cutoff.IsZero() || e.Cutoff.Year() < e.Year {
		bad("cutoff_date", RuleRange, e.Cutoff.String(), fmt.Sprintf(">= %d-01-01", e.Year))
	}
	if len(e.Cells) == 0 {
		bad("cells", RuleRequired, "", "")
	}
	seen := map[string]bool{}
	hasJSON := false
	for _, f := range e.Files {
		key := f.Format + "/" + string(f.Lang)
		switch {
		case !slices.Contains(EditionFormats, f.Format):
			bad("format", RuleOneOf, f.Format, strings.Join(EditionFormats, ","))
		case f.Lang != "" && f.Lang != LangDA && f.Lang != LangEN:
			bad("lang", RuleOneOf, string(f.Lang), "da,en")
		case seen[key] || len(f.Body) == 0:
			bad("files", RuleDuplicate, key, "one non-empty file per format and language")
		}
		seen[key] = true
		hasJSON = hasJSON || f.Format == "json"
	}
	if !hasJSON {
		bad("files", RuleRequired, "json", "")
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "invalid edition", Fields: fe}
	}
	return nil
}

// PublishedFile returns the stored file, in format and lang, of the
// edition that answers a published view of q at threshold k (EditionFor);
// nil when no edition does, when k is no publication threshold (≤ 1) or
// when editions do not store the format: the view is then computed.
func PublishedFile(ctx context.Context, svc EditionService, q StatsQuery, k int, format string, lang Lang) (*EditionFile, error) {
	if k < 2 || !slices.Contains(EditionFormats, format) {
		return nil, nil
	}
	es, err := svc.FindEditions(ctx, q.Year)
	if err != nil {
		return nil, err
	}
	e := EditionFor(es, q, k)
	if e == nil {
		return nil, nil
	}
	return svc.EditionFile(ctx, e.Year, e.Number, format, lang)
}

// EditionFor picks the edition that answers a published view of q.Year
// at threshold k from the year's editions es (by number): the latest
// edition with threshold k when the cut-off is the default one, else the
// latest with threshold k at the requested cut-off; nil when none does,
// and the view is computed.
func EditionFor(es []*Edition, q StatsQuery, k int) *Edition {
	q = q.Normalize()
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if e.Year != q.Year || e.K != k {
			continue
		}
		if q.Cutoff == DefaultCutoff(q.Year) || e.Cutoff == q.Cutoff {
			return e
		}
	}
	return nil
}
