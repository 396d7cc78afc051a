package auth

import (
	"crypto/rand"
	"math/big"
	"strings"
	"unicode/utf8"

	"nrm"
)

// MinPasswordLen is the minimum length of a password in characters: length
// beats composition rules for strength and for people remembering it.
const MinPasswordLen = 12

// commonPasswords are the most frequent passwords of at least 12
// characters in public breach lists, plus Danish favourites; a guesser
// tries these first. Compared case-insensitively.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		123456789012 1234567890123 12345678901234 123456789123 111111111111 000000000000
		123123123123 qwertyuiopas qwertyuiop12 qwertyuiop123 qwerty123456 1q2w3e4r5t6y
		1qaz2wsx3edc zaq12wsxcde3 asdfghjkl123 asdfghjklæø1 password1234 password12345
		password123! passw0rd1234 passwordpassword p@ssw0rd1234 iloveyou1234
		administrator admin1234567 adminadmin12 welcome12345 welcome123456 letmein12345
		changeme1234 changeme12345 sommer123456 sommer2024!! sommer2025!! vinter123456
		kodeord12345 kodeord123456 adgangskode1 adgangskode12 adgangskode123 hemmelig1234
		danmark12345 danmark123456 københavn123 kobenhavn123 qwertyqwerty abcdefghijkl
		abcdef123456 abc123abc123 football1234 baseball1234 superman1234 trustno1trustno1
		monkey123456 dragon123456 sunshine1234 princess1234 nrmnrmnrmnrm menneskehandel
		menneskehandel1 menneskehandel123`) {
		commonPasswords[p] = true
	}
}

// CheckPassword applies the password policy: at least MinPasswordLen
// characters, at most MaxPasswordLen bytes, not the username, not a common
// password. The error is EINVALID naming the field "password" and the
// rule; it never contains the password itself.
func CheckPassword(password, username string) error {
	var fe *nrm.FieldError
	lower := strings.ToLower(password)
	switch {
	case password == "":
		fe = &nrm.FieldError{Field: "password", Rule: nrm.RuleRequired}
	case utf8.RuneCountInString(password) < MinPasswordLen:
		fe = &nrm.FieldError{Field: "password", Rule: nrm.RuleRange, Expected: "at least 12 characters / mindst 12 tegn"}
	case len(password) > MaxPasswordLen:
		fe = &nrm.FieldError{Field: "password", Rule: nrm.RuleTooLong, Expected: "at most 1024 bytes / højst 1024 byte"}
	case username != "" && lower == strings.ToLower(strings.TrimSpace(username)):
		fe = &nrm.FieldError{Field: "password", Rule: nrm.RuleNotAllowed, Expected: "not the username / ikke brugernavnet"}
	case commonPasswords[lower] || allSame(password):
		fe = &nrm.FieldError{Field: "password", Rule: nrm.RuleNotAllowed, Expected: "not a common password / ikke en almindelig adgangskode"}
	}
	if fe == nil {
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: "The password does not meet the password policy.", Fields: []nrm.FieldError{*fe}}
}

// allSame reports whether s repeats one character ("aaaaaaaaaaaa").
func allSame(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// otpAlphabet leaves out characters that are easily confused when read
// aloud or from a screen (0/O, 1/l/I).
const otpAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// OneTimePassword returns a random one-time password of four groups of
// five characters (about 100 bits), for a new account or an administrator's
// reset; the user should change it at first sign-in.
func OneTimePassword() (string, error) {
	var b strings.Builder
	n := big.NewInt(int64(len(otpAlphabet)))
	for i := range 20 {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", err
		}
		b.WriteByte(otpAlphabet[k.Int64()])
	}
	return b.String(), nil
}
