package csvsafe

import (
	"math/rand/v2"
	"strings"
	"testing"
	"testing/quick"
)

func TestProtectRoundTrip(t *testing.T) {
	for in, want := range map[string]string{"": "", "Reden": "Reden", `=HYPERLINK("x")`: `'=HYPERLINK("x")`, "+cmd": "'+cmd",
		"-1": "'-1", "@SUM": "'@SUM", "\tx": "'\tx", "\rx": "'\rx", "'quoted": "'quoted", "'": "'", "''": "''",
		// A value that already starts with an apostrophe before a trigger
		// gets one more, or the import would strip the user's own.
		"'=x": "''=x", "''+1": "'''+1", "'a=": "'a=", "a'=": "a'="} {
		got := Protect(in)
		if got != want {
			t.Errorf("Protect(%q) = %q, want %q", in, got, want)
		}
		if back := Unprotect(got); back != in {
			t.Errorf("Unprotect(Protect(%q)) = %q", in, back)
		}
	}
}

// alphabet weighs the characters that matter to the guard: apostrophes,
// every trigger and two harmless ones.
const alphabet = "'=+-@\t\ra "

// checkString holds the guard's three promises for one string, each stated
// without the code under test: the round trip, no trigger first in the
// output, and an output that is the input or the input behind one
// apostrophe.
func checkString(t *testing.T, s string) {
	t.Helper()
	p := Protect(s)
	if back := Unprotect(p); back != s {
		t.Fatalf("Unprotect(Protect(%q)) = %q via %q", s, back, p)
	}
	if p != "" && strings.ContainsRune("=+-@\t\r", rune(p[0])) {
		t.Fatalf("Protect(%q) = %q starts with a formula character", s, p)
	}
	if p != s && p != "'"+s {
		t.Fatalf("Protect(%q) = %q is neither the value nor the value behind one apostrophe", s, p)
	}
}

// TestProtectRoundTripExhaustive tries every string of up to five
// characters over the alphabet.
func TestProtectRoundTripExhaustive(t *testing.T) {
	var walk func(prefix string, n int)
	walk = func(prefix string, n int) {
		checkString(t, prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			walk(prefix+alphabet[i:i+1], n-1)
		}
	}
	walk("", 5)
}

// TestProtectRoundTripProperty generates strings with testing/quick: any
// runes, and strings built from leading apostrophes, a trigger or not and
// arbitrary text.
func TestProtectRoundTripProperty(t *testing.T) {
	if err := quick.Check(func(s string) bool { checkString(t, s); return true }, &quick.Config{MaxCount: 5000}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2))
	for range 20000 {
		var b strings.Builder
		b.WriteString(strings.Repeat("'", r.IntN(4)))
		if r.IntN(2) == 0 {
			b.WriteByte("=+-@\t\r"[r.IntN(6)])
		}
		for range r.IntN(6) {
			if r.IntN(3) == 0 {
				b.WriteRune(rune(r.IntN(0x3000)))
			} else {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			}
		}
		checkString(t, b.String())
	}
}

// TestProtectInjective: two different values never export as
// the same value, so Protect is the only preimage of what Unprotect gives.
func TestProtectInjective(t *testing.T) {
	seen := map[string]string{}
	var walk func(prefix string, n int)
	walk = func(prefix string, n int) {
		p := Protect(prefix)
		if other, ok := seen[p]; ok {
			t.Fatalf("Protect(%q) = Protect(%q) = %q", prefix, other, p)
		}
		seen[p] = prefix
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			walk(prefix+alphabet[i:i+1], n-1)
		}
	}
	walk("", 4)
}
