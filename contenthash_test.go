package nrm

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// refContentHash is ContentHash as first written (strconv.AppendQuote and
// time.Format for every field). Stored hashes decide whether a re-import
// changes a case, so the faster version must give the same bytes.
func refContentHash(c *Case, key []byte) string {
	p := c.BundleProjection()
	var b []byte
	ds := func(d Date) string {
		if d.IsZero() {
			return ""
		}
		return d.t.Format("2006-01-02")
	}
	field := func(s string) { b = strconv.AppendQuote(b, s); b = append(b, '|') }
	field(p.Ref)
	field(p.OwnerOrg)
	field(string(p.Gender))
	field(p.Nationality)
	field(string(p.ResidenceStatus))
	field(ds(p.Identifiers.BirthDate))
	b = strconv.AppendInt(b, int64(p.BirthYear), 10)
	for _, ct := range p.Contacts {
		b = append(b, "\nC"...)
		field(ds(ct.Date))
		field(string(ct.Form))
		field(ct.Org)
	}
	for _, a := range p.Assessments {
		b = append(b, "\nA"...)
		field(ds(a.Date))
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
		field(ds(a.Start))
		field(ds(a.End))
	}
	for _, e := range p.Exits {
		b = append(b, "\nE"...)
		field(ds(e.Date))
		field(string(e.Kind))
	}
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func TestContentHashUnchanged(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", "Reden", "Røde Kors", "a\"b", `back\slash`, "tab\there", "line\nbreak", "ok-1/2.3", "\x7f", "日本"}
	pick := func() string { return texts[r.IntN(len(texts))] }
	date := func() Date {
		if r.IntN(5) == 0 {
			return Date{}
		}
		return NewDate(1950+r.IntN(70), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	}
	key := []byte("test content key")
	h := NewContentHasher(key)
	for i := range 5000 {
		c := &Case{Ref: "K-" + strconv.Itoa(i) + pick(), OwnerOrg: pick(), Gender: GenderFemale, Nationality: pick(),
			ResidenceStatus: ResidenceIrregular, BirthYear: r.IntN(3000)}
		c.Identifiers.BirthDate = date()
		for range r.IntN(3) {
			c.Contacts = append(c.Contacts, Contact{Date: date(), Form: ContactPolice, Org: pick()})
		}
		for range r.IntN(3) {
			c.Assessments = append(c.Assessments, Assessment{Date: date(), Authority: AuthorityUS, Outcome: OutcomeIdentified,
				Exploitation: []ExploitationForm{ExploitationSexual, ExploitationForcedLabour}[:r.IntN(3)], ExploitationCountry: pick()})
		}
		for range r.IntN(3) {
			c.Accommodations = append(c.Accommodations, Accommodation{Kind: AccommodationCrisisShelter, Provider: pick(), Start: date(), End: date()})
		}
		for range r.IntN(2) {
			c.Exits = append(c.Exits, Exit{Date: date(), Kind: ExitKind("prepared_return")})
		}
		want := refContentHash(c, key)
		if got := c.ContentHash(key); got != want {
			t.Fatalf("case %d: ContentHash %s, want %s", i, got, want)
		}
		if got := h.Hash(c); got != want {
			t.Fatalf("case %d: ContentHasher %s, want %s", i, got, want)
		}
	}
	for _, d := range []Date{{}, NewDate(1, 1, 1), NewDate(999, 12, 31), NewDate(2011, 3, 1), NewDate(9999, 12, 31), NewDate(10000, 1, 1)} {
		if got, want := d.String(), func() string {
			if d.IsZero() {
				return ""
			}
			return d.t.Format("2006-01-02")
		}(); got != want {
			t.Errorf("Date.String %q, want %q", got, want)
		}
	}
}
