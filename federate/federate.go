// Package federate implements multi-country statistics without shared
// microdata (design.md §8): each country exports its yearly statistics as
// a disclosure-controlled aggregate bundle — every person-level count
// below k suppressed by package disclosure, no case-level data at all —
// signed with the country's ed25519 key; a hub verifies the bundles
// against the public keys it trusts and merges them into one
// multi-country table, summing where no country suppressed a cell and
// keeping the mark where one did.
package federate

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"nrm"
	"nrm/disclosure"
)

// Format names the version of the bundle payload.
const Format = "nrm-federation/1"

// Cell is one published number, or the mark of a suppressed one: "<k"
// for a number known to be below k, ".." otherwise. A suppressed cell
// carries no value, not even a stand-in.
type Cell struct {
	Value      int
	Suppressed bool
	Mark       string
}

// MarshalJSON writes a number, or the mark as a string.
func (c Cell) MarshalJSON() ([]byte, error) {
	if c.Suppressed {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // "<3", not "\u003c3"
		err := enc.Encode(c.Mark)
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
	}
	return []byte(strconv.Itoa(c.Value)), nil
}

// UnmarshalJSON reads a number or a mark.
func (c *Cell) UnmarshalJSON(b []byte) error {
	var mark string
	if err := json.Unmarshal(b, &mark); err == nil {
		if mark == "" {
			return errors.New("federate: empty cell mark")
		}
		*c = Cell{Suppressed: true, Mark: mark}
		return nil
	}
	var v int
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("federate: a cell is a count or a mark: %w", err)
	}
	if v < 0 {
		return fmt.Errorf("federate: negative count %d", v)
	}
	*c = Cell{Value: v}
	return nil
}

// String shows the cell as the report does.
func (c Cell) String() string {
	if c.Suppressed {
		return c.Mark
	}
	return strconv.Itoa(c.Value)
}

// Table is one protected table of the statistics contract. Rows and
// columns are codes; RowSet and ColSet name their nrm code sets.
type Table struct {
	Name       string   `json:"name"`
	RowSet     string   `json:"row_set,omitempty"`
	ColSet     string   `json:"col_set,omitempty"`
	Rows       []string `json:"rows"`
	Cols       []string `json:"cols"`
	Cells      [][]Cell `json:"cells"`
	RowTotals  []Cell   `json:"row_totals,omitempty"`
	ColTotals  []Cell   `json:"col_totals,omitempty"`
	GrandTotal *Cell    `json:"grand_total,omitempty"`
	// Uniform: a hidden number's mark ("..") says nothing of its size
	// (disclosure.Masked.Uniform).
	Uniform bool `json:"uniform,omitempty"`
}

// Count is a published number outside the tables.
type Count struct {
	Name string `json:"name"`
	Cell Cell   `json:"value"`
}

// Bundle is what a country publishes for one reporting year.
type Bundle struct {
	Format      string    `json:"format"`
	Country     string    `json:"country"`
	Year        int       `json:"year"`
	Cutoff      nrm.Date  `json:"cutoff"`
	K           int       `json:"k"`
	GeneratedAt time.Time `json:"generated_at"`
	Tables      []Table   `json:"tables"`
	Counts      []Count   `json:"counts"`
	// Prosecution is the police's aggregate row; it counts charges and
	// decisions, not persons, and is published as reported.
	Prosecution *nrm.ProsecutionStats `json:"prosecution,omitempty"`
}

// Build protects the statistics of a year with threshold k and keeps only
// the aggregate tables: the list of minors and every other row about one
// person are left out, whatever k is.
func Build(s *nrm.Stats, country string, k int, now time.Time) (*Bundle, error) {
	if !nrm.ValidCountry(country) {
		return nil, fmt.Errorf("federate: country must be an ISO 3166-1 alpha-2 code, not %q", country)
	}
	if k < 1 {
		k = 1
	}
	p := disclosure.SuppressStats(s, k)
	b := &Bundle{Format: Format, Country: country, Year: p.Year, Cutoff: p.Cutoff, K: p.K, GeneratedAt: now.UTC().Truncate(time.Second)}
	for _, m := range []disclosure.Masked{p.ByAuthority, p.ByYearAuthority, p.ByContactForm, p.ByRegion, p.ByNationality,
		p.ExploitationGender, p.ForcedLabourSectors, p.ByGender, p.AgeBands, p.AgeByRegion, p.ShelterBuckets, p.ShelterStatus,
		p.PrivateHousing, p.ReturnsPeriod, p.ReturnsCohort, p.ReferralsByPurpose, p.ReferralsByContactForm, p.ReferralsByStatus,
		p.ReferralsByOutcome, p.Presumed, p.DecisionDays, p.Reconsiderations} {
		b.Tables = append(b.Tables, table(m))
	}
	for _, c := range []struct {
		name string
		c    disclosure.Count
	}{{"identified", p.Identified}, {"exploitation_persons", p.ExploitationPersons}, {"multi_form_persons", p.MultiFormPersons},
		{"minors", p.Minors}, {"shelter_days", p.ShelterDays}} {
		cl := Cell{Value: c.c.Value}
		if c.c.Suppressed {
			cl = Cell{Suppressed: true, Mark: c.c.String()}
		}
		b.Counts = append(b.Counts, Count{Name: c.name, Cell: cl})
	}
	if p.Prosecution.Reported {
		pr := p.Prosecution
		b.Prosecution = &pr
	}
	return b, nil
}

// table copies a protected table. A suppressed number is copied as the
// mark the report shows for it; its (stand-in) value is not copied.
func table(m disclosure.Masked) Table {
	t := Table{Name: m.Name, RowSet: m.RowSet, ColSet: m.ColSet, Rows: append([]string{}, m.RowLabels...), Cols: append([]string{}, m.ColLabels...), Uniform: m.Uniform}
	r, c := m.Rows(), m.Cols()
	at := func(i, j int) Cell {
		if m.IsSuppressed(i, j) {
			return Cell{Suppressed: true, Mark: m.Cell(i, j)}
		}
		v, _ := m.Value(i, j)
		return Cell{Value: v}
	}
	for i := 0; i < r; i++ {
		row := make([]Cell, c)
		for j := range row {
			row[j] = at(i, j)
		}
		t.Cells = append(t.Cells, row)
	}
	if m.RowTotals {
		for i := 0; i < r; i++ {
			t.RowTotals = append(t.RowTotals, at(i, c))
		}
	}
	if m.ColTotals {
		for j := 0; j < c; j++ {
			t.ColTotals = append(t.ColTotals, at(r, j))
		}
	}
	if m.RowTotals && m.ColTotals {
		g := at(r, c)
		t.GrandTotal = &g
	}
	return t
}

// Signed is the file a country sends: the payload, the id of the signing
// key and the ed25519 signature over the payload in compact JSON (so that
// the file may be indented for reading; any change of content breaks it).
type Signed struct {
	Payload   json.RawMessage `json:"payload"`
	KeyID     string          `json:"key_id"`
	Signature string          `json:"signature"`
}

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// Sign serialises the bundle and signs it. Marks like "<3" are written as
// they are, not HTML-escaped, in the payload and in the file alike.
func Sign(b *Bundle, key ed25519.PrivateKey) ([]byte, error) {
	var payload bytes.Buffer
	enc := json.NewEncoder(&payload)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	p := bytes.TrimSuffix(payload.Bytes(), []byte("\n"))
	s := Signed{Payload: p, KeyID: KeyID(key.Public().(ed25519.PublicKey)),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, p))}
	var out bytes.Buffer
	enc = json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Trust maps the public keys a hub accepts to the country each may sign
// for.
type Trust map[string]TrustedKey

// TrustedKey is one line of a trust file.
type TrustedKey struct {
	Country string
	Key     ed25519.PublicKey
}

// ParseTrust reads a trust file: one "COUNTRY ed25519:BASE64" per line;
// empty lines and lines starting with # are ignored.
func ParseTrust(r io.Reader) (Trust, error) {
	t := Trust{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || !nrm.ValidCountry(f[0]) {
			return nil, fmt.Errorf("trust file line %d: expected COUNTRY ed25519:KEY", n)
		}
		pub, err := ParsePublicKey(f[1])
		if err != nil {
			return nil, fmt.Errorf("trust file line %d: %w", n, err)
		}
		t[KeyID(pub)] = TrustedKey{Country: f[0], Key: pub}
	}
	return t, sc.Err()
}

// Verify checks a signed bundle against the trusted keys — the key must
// be trusted for the bundle's country — and returns the bundle.
func Verify(data []byte, trust Trust) (*Bundle, error) {
	var s Signed
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("federate: not a signed bundle: %w", err)
	}
	tk, ok := trust[s.KeyID]
	if !ok {
		return nil, fmt.Errorf("federate: signed with key %s, which is not trusted", s.KeyID)
	}
	var payload bytes.Buffer
	if err := json.Compact(&payload, s.Payload); err != nil {
		return nil, fmt.Errorf("federate: payload: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil || !ed25519.Verify(tk.Key, payload.Bytes(), sig) {
		return nil, errors.New("federate: the signature does not match the content (altered or not signed by this key)")
	}
	var b Bundle
	dec := json.NewDecoder(&payload)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("federate: payload: %w", err)
	}
	if b.Format != Format {
		return nil, fmt.Errorf("federate: unknown format %q", b.Format)
	}
	if b.Country != tk.Country {
		return nil, fmt.Errorf("federate: key %s is trusted for %s, not for %s", s.KeyID, tk.Country, b.Country)
	}
	for _, t := range b.Tables {
		if len(t.Cells) != len(t.Rows) {
			return nil, fmt.Errorf("federate: table %s has %d rows of cells for %d labels", t.Name, len(t.Cells), len(t.Rows))
		}
		for _, row := range t.Cells {
			if len(row) != len(t.Cols) {
				return nil, fmt.Errorf("federate: table %s has a row of %d cells for %d columns", t.Name, len(row), len(t.Cols))
			}
		}
	}
	return &b, nil
}

// GenerateKey makes a signing key.
func GenerateKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	return priv, err
}

const (
	privPrefix = "ed25519-private:"
	pubPrefix  = "ed25519:"
)

// FormatPrivateKey writes the key file's content.
func FormatPrivateKey(key ed25519.PrivateKey) []byte {
	return []byte("# nrm federation signing key (ed25519). Keep it secret; share only the public key.\n" +
		privPrefix + base64.StdEncoding.EncodeToString(key.Seed()) + "\n")
}

// FormatPublicKey is the public key as a trust file writes it.
func FormatPublicKey(pub ed25519.PublicKey) string {
	return pubPrefix + base64.StdEncoding.EncodeToString(pub)
}

// ParsePublicKey reads "ed25519:BASE64".
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, pubPrefix))
	if !strings.HasPrefix(s, pubPrefix) || err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("not an ed25519:BASE64 public key")
	}
	return ed25519.PublicKey(b), nil
}

// LoadPrivateKey reads a key file written by FormatPrivateKey.
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, privPrefix) {
			seed, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, privPrefix))
			if err != nil || len(seed) != ed25519.SeedSize {
				break
			}
			return ed25519.NewKeyFromSeed(seed), nil
		}
	}
	return nil, fmt.Errorf("%s is not an nrm federation key file", path)
}
