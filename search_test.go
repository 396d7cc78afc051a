package nrm_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"nrm"
)

func TestNormalizeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Maria Popescu", "maria popescu"},
		{"  MARIA   popescu\t", "maria popescu"},
		{"Mária Pópescu", "maria popescu"},
		{"Søren Kierkegård-Hansen", "soren kierkegard hansen"},
		{"Ærø Œuvre", "aero oeuvre"},
		{"Straße", "strasse"},
		{"Łukasz Wałęsa", "lukasz walesa"},
		{"Ｆｕｌｌｗｉｄｔｈ", "fullwidth"}, // NFKD folds compatibility forms
		{"O'Brien", "o brien"},
		{"Nguyễn Văn An", "nguyen van an"},
		{"...", ""},
	} {
		if got := nrm.NormalizeName(tc.in); got != tc.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := strings.Join(nrm.NameTokens("Maria maria Popescu"), "|"); got != "maria|popescu" {
		t.Errorf("tokens: %q", got)
	}
}

func TestNormalizeDocumentAndPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ab 12-345/c", "AB12345C"},
		{"Ö12", "O12"},
		{"—", ""},
	} {
		if got := nrm.NormalizeDocument(tc.in); got != tc.want {
			t.Errorf("NormalizeDocument(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"+45 12 34 56 78", "4512345678"},
		{"0045 12345678", "4512345678"},
		{"12 34 56 78", "4512345678"},
		{"(+40) 721-000-111", "40721000111"},
		{"0040721000111", "40721000111"},
		{"721000111", "721000111"},
	} {
		if got := nrm.NormalizePhone(tc.in); got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Properties of the normalisation: idempotent, insensitive to case and
// extra spaces, output in a small alphabet.
func TestNormalizationProperties(t *testing.T) {
	const cases = 5000
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'.æøåÆØÅéüßŁłñÑ+()/\t")
	gen := func(r *rand.Rand) string {
		n := r.IntN(24)
		b := make([]rune, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range cases {
		s := gen(r)
		n := nrm.NormalizeName(s)
		if nrm.NormalizeName(n) != n {
			t.Fatalf("NormalizeName not idempotent on %q: %q then %q", s, n, nrm.NormalizeName(n))
		}
		if nrm.NormalizeName(strings.ToUpper(s)) != nrm.NormalizeName(strings.ToLower(s)) {
			t.Fatalf("NormalizeName depends on case: %q", s)
		}
		if nrm.NormalizeName("  "+strings.ReplaceAll(s, " ", "   ")+" ") != n {
			t.Fatalf("NormalizeName depends on spacing: %q", s)
		}
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n || !utf8.ValidString(n) {
			t.Fatalf("NormalizeName(%q) = %q: spaces not collapsed", s, n)
		}
		for _, tok := range nrm.NameTokens(s) {
			if !slices.Contains(strings.Fields(n), tok) {
				t.Fatalf("token %q not a word of %q", tok, n)
			}
		}
		d := nrm.NormalizeDocument(s)
		if nrm.NormalizeDocument(d) != d || strings.Trim(d, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			t.Fatalf("NormalizeDocument(%q) = %q", s, d)
		}
		p := nrm.NormalizePhone(s)
		if strings.Trim(p, "0123456789") != "" || nrm.NormalizePhone("+"+p) != p {
			t.Fatalf("NormalizePhone(%q) = %q", s, p)
		}
	}
}

func TestBlindTermsAndQuery(t *testing.T) {
	terms := nrm.BlindTerms(nrm.Identifiers{Name: "Maria Popescu", Aliases: []string{"maria POPESCU", "Mia"},
		BirthDate: nrm.MustDate("1995-03-04"), DocumentNumbers: []string{"ro-1", "RO 1"}, Phone: "12345678", Address: "Secret street 1", Notes: "secret"})
	var got []string
	for _, x := range terms {
		got = append(got, string(x.Kind)+"="+x.Value)
	}
	want := "name=maria popescu,name_token=maria,name_token=popescu,name=mia,name_token=mia,birth_date=1995-03-04,document=RO1,phone=4512345678"
	if strings.Join(got, ",") != want {
		t.Fatalf("terms:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
	// Kinds are distinct inputs: the same value of two kinds hashes apart.
	if string((nrm.BlindTerm{Kind: nrm.BlindName, Value: "x"}).Input()) == string((nrm.BlindTerm{Kind: nrm.BlindNameToken, Value: "x"}).Input()) {
		t.Fatal("kinds not separated")
	}
	q := nrm.SearchQuery{Name: "Popescu", Phone: "+45 12345678"}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if k := strings.Join(q.Kinds(), ","); k != "name,phone" {
		t.Fatalf("kinds: %s", k)
	}
	for _, bad := range []nrm.SearchQuery{{}, {Name: "  "}, {Name: "---"}, {Document: "//"}, {Phone: "12"}, {Name: strings.Repeat("a", 201)}} {
		err := bad.Validate()
		if nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("%+v: %v", bad, err)
		}
		if bad.Name != "" && strings.TrimSpace(bad.Name) != "" && strings.Contains(err.Error(), bad.Name) {
			t.Fatalf("error repeats the query: %v", err)
		}
		for _, fe := range nrm.FieldErrors(err) {
			if da := fe.Message(nrm.LangDA); strings.Contains(da, "expected") || da == fe.Message(nrm.LangEN) {
				t.Fatalf("no Danish for %+v: %q", fe, da)
			}
		}
	}
}

func TestMergeCasesDomain(t *testing.T) {
	keep := &nrm.Case{Ref: "K", OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG",
		Identifiers: nrm.Identifiers{Name: "Grace Obi", DocumentNumbers: []string{"A1"}},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-01-01")}}}
	other := &nrm.Case{Ref: "O", OwnerOrg: "REDEN", Gender: nrm.GenderUnknown, BirthYear: 1990,
		Identifiers: nrm.Identifiers{Name: "GRACE OBI", Aliases: []string{"Gigi"}, DocumentNumbers: []string{"a-1", "B2"}, Phone: "1"},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01")}}}
	m, err := nrm.MergeCases(keep, other)
	if err != nil {
		t.Fatal(err)
	}
	if m.Ref != "K" || m.Gender != nrm.GenderFemale || m.BirthYear != 1990 || len(m.Contacts) != 2 ||
		strings.Join(m.Identifiers.Aliases, ",") != "Gigi" || strings.Join(m.Identifiers.DocumentNumbers, ",") != "A1,B2" ||
		m.Identifiers.Phone != "1" || strings.Join(m.SharedWith, ",") != "REDEN" {
		t.Fatalf("merged: %+v", m)
	}
	if len(keep.Contacts) != 1 || len(keep.Identifiers.DocumentNumbers) != 1 {
		t.Fatal("merge changed its argument")
	}
	other.Gender, other.Nationality = nrm.GenderMale, "TH"
	_, err = nrm.MergeCases(keep, other)
	if nrm.ErrorCode(err) != nrm.ECONFLICT || nrm.ErrorMessage(err) != nrm.MergeConflictMessage || len(nrm.FieldErrors(err)) != 2 {
		t.Fatalf("conflict: %v", err)
	}
	for _, fe := range nrm.FieldErrors(err) {
		if da := fe.Message(nrm.LangDA); !strings.Contains(da, "begge sager") {
			t.Fatalf("Danish: %q", da)
		}
	}
}
