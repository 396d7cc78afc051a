package auth

import (
	"crypto/subtle"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings: the RFC 6238 defaults every authenticator app supports.
const (
	// TOTPPeriod is the length of a time step in seconds.
	TOTPPeriod = 30
	// TOTPDigits is the length of a code.
	TOTPDigits = 6
	// TOTPSkew accepts codes one step before or after the current one,
	// for clocks that drift and people who type slowly.
	TOTPSkew = 1
)

// TOTPIssuer names the application in authenticator apps.
const TOTPIssuer = "nrm"

// NewTOTP returns a new random TOTP secret (base32) and its otpauth URL
// for an authenticator app.
func NewTOTP(account string) (secret, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Period: TOTPPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return k.Secret(), k.URL(), nil
}

// TOTPStep returns the time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// TOTPCode returns the code for secret at time t (for tests and tools).
func TOTPCode(secret string, t time.Time) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(TOTPStep(t)), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// CheckTOTP reports whether code is valid for secret at time t within the
// allowed skew, and returns the step it matched. A code whose step is not
// after lastStep (the step of the last accepted code) is refused, so that
// an observed code cannot be replayed within its window.
func CheckTOTP(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	if len(code) != TOTPDigits {
		return 0, false
	}
	now := TOTPStep(t)
	for s := now - TOTPSkew; s <= now+TOTPSkew; s++ {
		if s <= lastStep || s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}
