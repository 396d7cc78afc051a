package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// TokenBytes is the entropy of session, CSRF and API tokens.
const TokenBytes = 32

// Limits of sessions and sign-in attempts, enforced by the storage layer.
const (
	// SessionMaxAge is the absolute lifetime of a session.
	SessionMaxAge = 12 * time.Hour
	// SessionIdle ends a session not used for this long.
	SessionIdle = 30 * time.Minute
	// PendingMaxAge is the time allowed between the password and the TOTP
	// step.
	PendingMaxAge = 5 * time.Minute
	// SessionTouchInterval limits how often a session's last-seen time is
	// written, so that every request does not cost a database write.
	SessionTouchInterval = time.Minute
	// MaxFailures consecutive failed passwords or codes lock an account.
	MaxFailures = 5
	// LockoutDuration is how long a locked account refuses sign-in.
	LockoutDuration = 15 * time.Minute
	// RemoteMaxFailures failures from one address within RemoteWindow
	// refuse further attempts from it until the window ends.
	RemoteMaxFailures = 20
	// RemoteWindow starts at an address's first failure.
	RemoteWindow = 15 * time.Minute
)

// NewToken returns TokenBytes random bytes, base64url-encoded without
// padding (safe in cookies, headers and URLs).
func NewToken() (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the hex SHA-256 of a token. Tokens are random and
// long, so a fast hash suffices; storing only the hash means a copy of the
// database does not let anyone sign in.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
