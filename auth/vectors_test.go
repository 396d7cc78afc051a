package auth_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"nrm/auth"
)

// The expectations here come from outside the code under test: the
// reference implementation's argon2id vector, the RFC 6238 and RFC 4226
// test vectors, and an HOTP written from RFC 4226 with the standard
// library only.

// refArgon2id is the argon2id hash of "password" with the salt "somesalt",
// m=65536, t=2, p=1, from the test suite of the reference implementation
// (github.com/P-H-C/phc-winner-argon2, src/test.c).
const refArgon2id = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"

func TestVerifyReferenceVector(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"password", true}, {"Password", false}, {"password ", false}, {"passwor", false}, {"", false}} {
		ok, err := auth.VerifyPassword(refArgon2id, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("VerifyPassword(reference, %q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	// A changed byte of the stored key never matches.
	tampered := strings.Replace(refArgon2id, "CTFhFdXP", "CTFhFdXQ", 1)
	if ok, err := auth.VerifyPassword(tampered, "password"); ok || err != nil {
		t.Fatalf("tampered key: %v %v", ok, err)
	}
}

// A password longer than MaxPasswordLen never matches, even when its first
// MaxPasswordLen bytes are the password (the bcrypt truncation bug).
func TestVerifyLongPasswordNotTruncated(t *testing.T) {
	long := strings.Repeat("æ", auth.MaxPasswordLen/2) // exactly MaxPasswordLen bytes
	if len(long) != auth.MaxPasswordLen {
		t.Fatalf("length %d", len(long))
	}
	h, err := auth.HashPassword(long)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.HashPassword(long + "x"); err == nil {
		t.Fatal("a password over the limit was hashed")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{long, true}, {long + "x", false}, {long + long, false}, {long[:len(long)-2], false}} {
		ok, err := auth.VerifyPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("verify(%d bytes) = %v, %v; want %v", len(tc.pw), ok, err, tc.want)
		}
	}
}

// phc writes a PHC string with the given parameters, salt and key.
func phc(m, tm, p int, salt, key []byte) string {
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", m, tm, p, b64(salt), b64(key))
}

// NeedsRehash compares every parameter, not one of them.
func TestNeedsRehashEveryParameter(t *testing.T) {
	p := auth.HashParams // TestParams: m=64, t=1, p=1
	salt, key := []byte("somesalt"), make([]byte, 32)
	for _, tc := range []struct {
		m, tm, p int
		want     bool
	}{
		{int(p.Memory), int(p.Time), int(p.Threads), false},
		{int(p.Memory) * 2, int(p.Time), int(p.Threads), true},
		{int(p.Memory), int(p.Time) + 1, int(p.Threads), true},
		{int(p.Memory), int(p.Time), int(p.Threads) + 1, true},
	} {
		h := phc(tc.m, tc.tm, tc.p, salt, key)
		if got := auth.NeedsRehash(h); got != tc.want {
			t.Errorf("NeedsRehash(%s) = %v, want %v", h, got, tc.want)
		}
	}
	if !auth.NeedsRehash("not a hash") || !auth.NeedsRehash(refArgon2id) {
		t.Fatal("an unreadable or foreign-parameter hash needs no rehash")
	}
}

// A stored key or salt too short to resist guessing is a malformed hash,
// never a match: a one-byte key would accept one password in 256.
func TestVerifyRefusesShortKeyAndSalt(t *testing.T) {
	salt := []byte("somesalt")
	for _, tc := range []struct {
		name       string
		salt, key  []byte
		wantFormat bool
	}{
		{"1-byte key", salt, []byte{0x42}, false},
		{"15-byte key", salt, make([]byte, 15), false},
		{"16-byte key", salt, make([]byte, 16), true},
		{"7-byte salt", salt[:7], make([]byte, 32), false},
	} {
		h := phc(64, 1, 1, tc.salt, tc.key)
		ok, err := auth.VerifyPassword(h, "password")
		if ok || (err == nil) != tc.wantFormat {
			t.Errorf("%s: ok=%v err=%v, want a readable hash: %v", tc.name, ok, err, tc.wantFormat)
		}
	}
}

// hotp is RFC 4226 §5.3 with the standard library: HMAC-SHA-1 of the
// big-endian counter, dynamic truncation, six digits.
func hotp(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", bin%1_000_000)
}

// rfcKey is the ASCII key "12345678901234567890" of RFC 4226 and
// RFC 6238 (SHA-1), in base32 as authenticator apps take it.
var rfcKey = []byte("12345678901234567890")

func TestHOTPReferenceMatchesRFC4226(t *testing.T) {
	// RFC 4226 Appendix D.
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(rfcKey, uint64(c)); got != w {
			t.Fatalf("reference HOTP(%d) = %s, want %s", c, got, w)
		}
	}
}

// TestTOTPRFC6238 checks the product's codes against RFC 6238 Appendix B
// (SHA-1; the six-digit codes are the last six digits of the eight-digit
// ones).
func TestTOTPRFC6238(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString(rfcKey)
	if secret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Fatalf("secret %s", secret)
	}
	for _, tc := range []struct {
		unix int64
		code string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	} {
		at := time.Unix(tc.unix, 0).UTC()
		got, err := auth.TOTPCode(secret, at)
		if err != nil || got != tc.code {
			t.Errorf("TOTPCode at %d = %q, %v; want %s", tc.unix, got, err, tc.code)
		}
		step, ok := auth.CheckTOTP(secret, tc.code, at, 0)
		if !ok || step != tc.unix/30 {
			t.Errorf("CheckTOTP(%s) at %d = %d, %v; want step %d", tc.code, tc.unix, step, ok, tc.unix/30)
		}
		// The same code 90 seconds later is outside the window.
		if _, ok := auth.CheckTOTP(secret, tc.code, at.Add(90*time.Second), 0); ok {
			t.Errorf("code of %d accepted 90 s later", tc.unix)
		}
	}
}

// TestCheckTOTPAgainstReference compares CheckTOTP with the reference HOTP
// on random secrets and times: the codes of the step before, the current
// and the next are accepted, those two steps away and a wrong digit are
// not.
func TestCheckTOTPAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(6238, 4226))
	for range 200 {
		key := make([]byte, 20)
		for i := range key {
			key[i] = byte(r.IntN(256))
		}
		secret := strings.TrimRight(base32.StdEncoding.EncodeToString(key), "=")
		now := time.Unix(1_000_000_000+r.Int64N(1_000_000_000), 0)
		step := now.Unix() / 30
		for d := int64(-2); d <= 2; d++ {
			code := hotp(key, uint64(step+d))
			got, ok := auth.CheckTOTP(secret, code, now, 0)
			want := d >= -1 && d <= 1
			// A code may by chance equal the code of an accepted step.
			for e := int64(-1); e <= 1 && !want; e++ {
				want = hotp(key, uint64(step+e)) == code
			}
			if ok != want || ok && hotp(key, uint64(got)) != code {
				t.Fatalf("secret %s at %d, step %+d: ok=%v step=%d, want %v", secret, now.Unix(), d, ok, got, want)
			}
		}
		code := hotp(key, uint64(step))
		wrong := code[:5] + string(rune('0'+(code[5]-'0'+1)%10))
		if _, ok := auth.CheckTOTP(secret, wrong, now, 0); ok && hotp(key, uint64(step-1)) != wrong && hotp(key, uint64(step+1)) != wrong {
			t.Fatalf("wrong digit accepted: %s for %s", wrong, code)
		}
	}
}
