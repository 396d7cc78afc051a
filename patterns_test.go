package nrm

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"
)

// The written-out code patterns accept exactly what the regular
// expressions they replace accept, and appendQuote writes exactly what
// strconv.AppendQuote writes (stored content hashes depend on it).
func TestCodePatternsAndQuoting(t *testing.T) {
	ref := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)
	country := regexp.MustCompile(`^[A-Z]{2}$`)
	org := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	alphabet := []byte("aZ09._/-_ \"\\\n\x00\x7fæ|:AB")
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", "A", "AB", "ab", "A-", "-A", "K-2011/07.a", "DK", "D", "DKK", "æø", "CMM", "RIGS_POLITI-1", "a b", "\"x\"", "tab\there"}
	for range 20000 {
		n := r.IntN(6)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if got, want := ValidRef(s), len(s) <= MaxRefLen && ref.MatchString(s); got != want {
			t.Errorf("ValidRef(%q) = %v, want %v", s, got, want)
		}
		if ValidCountry(s) && !country.MatchString(s) {
			t.Errorf("ValidCountry(%q) accepts what is not two capital letters", s)
		}
		if got, want := ValidOrgCode(s), len(s) <= 32 && org.MatchString(s); got != want {
			t.Errorf("ValidOrgCode(%q) = %v, want %v", s, got, want)
		}
		if got, want := string(appendQuote([]byte("x"), s)), string(strconv.AppendQuote([]byte("x"), s)); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
}
