package csvsafe

import "testing"

func TestProtectRoundTrip(t *testing.T) {
	for in, want := range map[string]string{"": "", "Reden": "Reden", `=HYPERLINK("x")`: `'=HYPERLINK("x")`, "+cmd": "'+cmd",
		"-1": "'-1", "@SUM": "'@SUM", "\tx": "'\tx", "\rx": "'\rx", "'quoted": "'quoted"} {
		got := Protect(in)
		if got != want {
			t.Errorf("Protect(%q) = %q, want %q", in, got, want)
		}
		if back := Unprotect(got); back != in {
			t.Errorf("Unprotect(Protect(%q)) = %q", in, back)
		}
	}
}
