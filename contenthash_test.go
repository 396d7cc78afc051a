package nrm

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// refContentHash is ContentHash written from its definition, sharing no
// code with it: the bundle row of a case (design.md §5) holds the first
// contact (earliest, the first listed of a tie), the primary assessment
// (the earliest final identification, the first listed of a tie; without
// one the latest assessment, the last listed of a tie), every stay by
// start and every exit by date (ties in the order given), each field
// quoted with strconv.AppendQuote and dates as YYYY-MM-DD. Stored hashes
// decide whether a re-import changes a case, so the bytes must never
// change.
func refContentHash(c *Case, key []byte) string {
	var b []byte
	ds := func(d Date) string {
		if d.IsZero() {
			return ""
		}
		return d.t.Format("2006-01-02")
	}
	field := func(s string) { b = strconv.AppendQuote(b, s); b = append(b, '|') }
	field(c.Ref)
	field(c.OwnerOrg)
	field(string(c.Gender))
	field(c.Nationality)
	field(string(c.ResidenceStatus))
	field(ds(c.Identifiers.BirthDate))
	b = strconv.AppendInt(b, int64(c.BirthYear), 10)
	first := -1
	for i, ct := range c.Contacts {
		if first < 0 || ds(ct.Date) < ds(c.Contacts[first].Date) {
			first = i
		}
	}
	if first >= 0 {
		ct := c.Contacts[first]
		b = append(b, "\nC"...)
		field(ds(ct.Date))
		field(string(ct.Form))
		field(ct.Org)
	}
	primary := -1
	for i, a := range c.Assessments {
		final := a.Stage == "" || a.Stage == "final"
		if a.Outcome == "identified" && final && (primary < 0 || ds(a.Date) < ds(c.Assessments[primary].Date)) {
			primary = i
		}
	}
	if primary < 0 {
		for i, a := range c.Assessments {
			if primary < 0 || ds(a.Date) >= ds(c.Assessments[primary].Date) {
				primary = i
			}
		}
	}
	if primary >= 0 {
		a := c.Assessments[primary]
		b = append(b, "\nA"...)
		field(ds(a.Date))
		field(string(a.Authority))
		field(string(a.Outcome))
		for _, f := range []string{"sexual", "forced_labour", "forced_criminality", "begging", "forced_marriage", "organ_removal", "other"} {
			if slices.Contains(a.Exploitation, ExploitationForm(f)) {
				field(f)
			}
		}
		b = append(b, ';')
		field(string(a.LabourSector))
		field(a.ExploitationCountry)
	}
	stays := slices.Clone(c.Accommodations)
	slices.SortStableFunc(stays, func(x, y Accommodation) int { return strings.Compare(ds(x.Start), ds(y.Start)) })
	for _, a := range stays {
		b = append(b, "\nH"...)
		field(string(a.Kind))
		field(a.Provider)
		field(ds(a.Start))
		field(ds(a.End))
	}
	exits := slices.Clone(c.Exits)
	slices.SortStableFunc(exits, func(x, y Exit) int { return strings.Compare(ds(x.Date), ds(y.Date)) })
	for _, e := range exits {
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
	days := []Date{{}, NewDate(2011, 3, 1), NewDate(2011, 3, 2), NewDate(2012, 1, 1)}
	forms := []ExploitationForm{ExploitationSexual, ExploitationForcedLabour, "begging", "other", "organ_removal"}
	key := []byte("test content key")
	h := NewContentHasher(key)
	for i := range 5000 {
		c := &Case{Ref: "K-" + strconv.Itoa(i) + pick(), OwnerOrg: pick(), Gender: GenderFemale, Nationality: pick(),
			ResidenceStatus: ResidenceIrregular, BirthYear: r.IntN(3000)}
		c.Identifiers.BirthDate = date()
		for range r.IntN(3) {
			c.Contacts = append(c.Contacts, Contact{Date: days[r.IntN(len(days))], Form: []ContactForm{ContactPolice, ContactAsylumSystem}[r.IntN(2)], Org: pick(), Place: pick()})
		}
		// Few distinct dates, so that ties occur; every outcome and stage,
		// so that many cases have no final identification.
		for range r.IntN(4) {
			a := Assessment{Date: days[r.IntN(len(days))], Authority: []Authority{AuthorityUS, AuthorityCMM}[r.IntN(2)],
				Outcome: []Outcome{OutcomeIdentified, OutcomeNotIdentified, OutcomePending}[r.IntN(3)],
				Stage:   []AssessmentStage{"", StageFinal, StagePreliminary}[r.IntN(3)], ExploitationCountry: pick()}
			for _, f := range r.Perm(len(forms))[:r.IntN(3)] {
				a.Exploitation = append(a.Exploitation, forms[f])
			}
			c.Assessments = append(c.Assessments, a)
		}
		for range r.IntN(3) {
			c.Accommodations = append(c.Accommodations, Accommodation{Kind: AccommodationCrisisShelter, Provider: pick(), Start: days[r.IntN(len(days))], End: date()})
		}
		for range r.IntN(3) {
			c.Exits = append(c.Exits, Exit{Date: days[r.IntN(len(days))], Kind: ExitKind([]string{"prepared_return", "disappeared"}[r.IntN(2)])})
		}
		want := refContentHash(c, key)
		if got := c.ContentHash(key); got != want {
			t.Fatalf("case %d: ContentHash %s, want %s", i, got, want)
		}
		before := c.Clone()
		if got := h.Hash(c); got != want {
			t.Fatalf("case %d: ContentHasher %s, want %s", i, got, want)
		}
		// The shared hasher reuses its projections and buffers from case
		// to case: the record hash must be a fresh hasher's, and the case
		// left as it was.
		if got, want := h.HashRecord(c), NewContentHasher(key).HashRecord(c); got != want {
			t.Fatalf("case %d: HashRecord %s with reused scratch, %s fresh", i, got, want)
		}
		if !reflect.DeepEqual(c, before) {
			t.Fatalf("case %d: hashing changed the case", i)
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

// The row of a case without a final identification carries its latest
// assessment (the last listed of a tie), so the hash follows that one and
// ignores the others; a final identification wins over any later one.
func TestContentHashPrimaryAssessment(t *testing.T) {
	key := []byte("test content key")
	base := func(as ...Assessment) *Case {
		return &Case{Ref: "P-1", OwnerOrg: "CMM", Gender: GenderFemale, Nationality: "NG", ResidenceStatus: ResidenceIrregular,
			Contacts: []Contact{{Date: NewDate(2011, 1, 5), Form: ContactPolice}}, Assessments: as}
	}
	early := Assessment{Date: NewDate(2011, 2, 1), Authority: AuthorityUS, Outcome: OutcomeNotIdentified}
	late := Assessment{Date: NewDate(2011, 9, 1), Authority: AuthorityUS, Outcome: OutcomePending}
	tie := Assessment{Date: NewDate(2011, 9, 1), Authority: AuthorityCMM, Outcome: OutcomePending}
	prelim := Assessment{Date: NewDate(2011, 1, 10), Authority: AuthorityUS, Outcome: OutcomeIdentified, Stage: StagePreliminary,
		Exploitation: []ExploitationForm{ExploitationSexual}}
	ident := Assessment{Date: NewDate(2011, 5, 1), Authority: AuthorityUS, Outcome: OutcomeIdentified, Exploitation: []ExploitationForm{ExploitationSexual}}
	for _, tc := range []struct {
		name       string
		all, alone []Assessment
	}{
		{"latest of two", []Assessment{early, late}, []Assessment{late}},
		{"latest listed first", []Assessment{late, early}, []Assessment{late}},
		{"a tie goes to the last listed", []Assessment{early, late, tie}, []Assessment{tie}},
		{"a preliminary identification is no identification", []Assessment{prelim, early, late}, []Assessment{late}},
		{"the final identification wins", []Assessment{early, ident, late}, []Assessment{ident}},
	} {
		got, want := base(tc.all...).ContentHash(key), base(tc.alone...).ContentHash(key)
		if got != want {
			t.Errorf("%s: hash %s, want that of the primary assessment alone %s", tc.name, got, want)
		}
		for _, other := range tc.all {
			if other.Outcome != tc.alone[0].Outcome || other.Authority != tc.alone[0].Authority || other.Date != tc.alone[0].Date {
				if h := base(other).ContentHash(key); h == got {
					t.Errorf("%s: hash equals that of another assessment alone", tc.name)
				}
			}
		}
	}
}
