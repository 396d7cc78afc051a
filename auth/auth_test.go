package auth_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/auth"
)

func TestMain(m *testing.M) {
	auth.HashParams = auth.TestParams
	os.Exit(m.Run())
}

func TestHashAndVerify(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Count(h, "$") != 5 {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if strings.Contains(h, "horse") {
		t.Fatal("hash contains the password")
	}
	h2, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse battery staple", true}, {"correct horse battery stapl", false}, {"", false}, {strings.Repeat("x", 5000), false}} {
		ok, err := auth.VerifyPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("verify(%.20q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	// A hash made with other parameters still verifies: the parameters
	// travel in the string.
	auth.HashParams = auth.Params{Memory: 128, Time: 2, Threads: 2}
	defer func() { auth.HashParams = auth.TestParams }()
	if ok, err := auth.VerifyPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("old-parameter hash: %v %v", ok, err)
	}
	if !auth.NeedsRehash(h) {
		t.Fatal("NeedsRehash false for old parameters")
	}
	h3, err := auth.HashPassword("x")
	if err != nil {
		t.Fatal(err)
	}
	if auth.NeedsRehash(h3) {
		t.Fatal("NeedsRehash true for current parameters")
	}
	auth.VerifyDummy("anything") // must not panic
}

func TestVerifyRejectsMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // memory bomb
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA"} {
		if ok, err := auth.VerifyPassword(h, "pw"); ok || err == nil {
			t.Errorf("%q: ok=%v err=%v", h, ok, err)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw, user, rule string
	}{
		{"", "anna", nrm.RuleRequired},
		{"short", "anna", nrm.RuleRange},
		{"elleve tegn", "anna", nrm.RuleRange},
		{"æøåæøåæøåæø", "anna", nrm.RuleRange}, // 11 characters in 22 bytes: characters count, not bytes
		{"anna.jensen.cmm", "Anna.Jensen.CMM", nrm.RuleNotAllowed},
		{"Password1234", "anna", nrm.RuleNotAllowed},
		{"QWERTYUIOP123", "anna", nrm.RuleNotAllowed},
		{"aaaaaaaaaaaaaaaa", "anna", nrm.RuleNotAllowed},
		{strings.Repeat("ab", 600), "anna", nrm.RuleTooLong},
		{"tolv tegn æøå", "anna", ""},
		{"correct horse battery staple", "anna", ""},
	} {
		err := auth.CheckPassword(tc.pw, tc.user)
		if tc.rule == "" {
			if err != nil {
				t.Errorf("%q refused: %v", tc.pw, err)
			}
			continue
		}
		fe := nrm.FieldErrors(err)
		if nrm.ErrorCode(err) != nrm.EINVALID || len(fe) != 1 || fe[0].Field != "password" || fe[0].Rule != tc.rule {
			t.Errorf("%q: got %v, want rule %s", tc.pw, err, tc.rule)
		}
		if tc.pw != "" && strings.Contains(err.Error(), tc.pw) {
			t.Errorf("error echoes the password: %v", err)
		}
	}
}

func TestOneTimePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p, err := auth.OneTimePassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 23 || strings.ContainsAny(p, "01lIO") || seen[p] {
			t.Fatalf("bad one-time password %q", p)
		}
		if err := auth.CheckPassword(p, "anna"); err != nil {
			t.Fatalf("generated password fails the policy: %v", err)
		}
		seen[p] = true
	}
}

func TestTokens(t *testing.T) {
	a, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if a == b || len(a) != 43 || strings.ContainsAny(a, "+/=") {
		t.Fatalf("tokens %q %q", a, b)
	}
	if h := auth.HashToken(a); len(h) != 64 || h == a || h != auth.HashToken(a) || h == auth.HashToken(b) {
		t.Fatalf("hash %q", h)
	}
}

func TestTOTP(t *testing.T) {
	secret, url, err := auth.NewTOTP("anna")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "otpauth://totp/nrm:anna?") || !strings.Contains(url, "secret="+secret) || !strings.Contains(url, "period=30") || !strings.Contains(url, "digits=6") {
		t.Fatalf("url %s", url)
	}
	now := time.Date(2026, 3, 1, 12, 0, 15, 0, time.UTC)
	step := auth.TOTPStep(now)
	code := func(t0 time.Time) string {
		c, err := auth.TOTPCode(secret, t0)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Current, previous and next step are accepted; two steps off are not.
	for _, tc := range []struct {
		at   time.Time
		ok   bool
		step int64
	}{
		{now, true, step},
		{now.Add(-30 * time.Second), true, step - 1},
		{now.Add(30 * time.Second), true, step + 1},
		{now.Add(-60 * time.Second), false, 0},
		{now.Add(61 * time.Second), false, 0},
	} {
		s, ok := auth.CheckTOTP(secret, code(tc.at), now, 0)
		if ok != tc.ok || s != tc.step {
			t.Errorf("code at %v: ok=%v step=%d, want %v %d", tc.at, ok, s, tc.ok, tc.step)
		}
	}
	// Reuse: once step is used, the same code (and older ones) fail.
	if _, ok := auth.CheckTOTP(secret, code(now), now, step); ok {
		t.Fatal("reused code accepted")
	}
	if _, ok := auth.CheckTOTP(secret, code(now.Add(-30*time.Second)), now, step); ok {
		t.Fatal("older code accepted after a newer one")
	}
	if _, ok := auth.CheckTOTP(secret, code(now.Add(30*time.Second)), now, step); !ok {
		t.Fatal("next code refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := auth.CheckTOTP(secret, bad, now, 0); ok {
			t.Fatalf("%q accepted", bad)
		}
	}
}

// TestDefaultParamsCost holds the production parameters to the OWASP
// floor for argon2id (19 MiB with 2 passes, or more memory with fewer) and
// checks that a hash really costs time: a derivation that skipped the
// work, or parameters lowered by mistake, fail here.
func TestDefaultParamsCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the production cost")
	}
	p := auth.DefaultParams
	if p.Memory < 19*1024 || p.Time < 2 && p.Memory < 46*1024 || p.Time < 1 || p.Threads < 1 {
		t.Fatalf("default parameters %+v are below the OWASP floor for argon2id", p)
	}
	auth.HashParams = auth.DefaultParams
	defer func() { auth.HashParams = auth.TestParams }()
	start := time.Now()
	h, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("argon2id %s: %v", h[:strings.LastIndex(h[:strings.LastIndex(h, "$")], "$")], d)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=2$") {
		t.Fatalf("default parameters: %s", h)
	}
	// Filling 64 MiB twice cannot take less than a few milliseconds on
	// any machine; only the lower bound is asserted, a shared test machine
	// may be slow.
	if d < 5*time.Millisecond {
		t.Fatalf("a default hash took %v: the parameters are not applied", d)
	}
	if ok, err := auth.VerifyPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("default hash does not verify: %v %v", ok, err)
	}
	if auth.NeedsRehash(h) {
		t.Fatal("a hash with the current default parameters needs a rehash")
	}
}
