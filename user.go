package nrm

import (
	"context"
	"time"
)

// User is a person who signs in. Passwords are stored only as argon2id
// hashes; the TOTP secret is sealed like a direct identifier.
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Role        Role       `json:"role"`
	Org         string     `json:"org"`
	Authority   Authority  `json:"authority,omitempty"` // assessors: US or CMM
	Lang        Lang       `json:"lang,omitempty"`
	Disabled    bool       `json:"disabled"`
	TOTPEnabled bool       `json:"totp_enabled"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	// FailedLogins counts consecutive failures; LockedUntil is set when
	// the lock-out threshold is reached.
	FailedLogins int        `json:"failed_logins"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
}

// Actor returns the actor a signed-in user acts as.
func (u *User) Actor(remote string) *Actor {
	return &Actor{UserID: u.ID, Username: u.Username, Role: u.Role, Org: u.Org, Authority: u.Authority, Remote: remote}
}

// Session is a server-side sign-in session. The cookie holds a random
// token; only its hash is stored.
type Session struct {
	UserID     int64     `json:"user_id"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	// CSRFToken is bound to the session for form posts.
	CSRFToken string `json:"-"`
	// Pending is true between the password and the TOTP step.
	Pending bool `json:"pending"`
}

// AuthService signs users in and resolves sessions and API tokens.
type AuthService interface {
	// Login checks username and password with throttling and lock-out. It
	// returns a raw session token; when the user has TOTP enabled the
	// session is pending until VerifyTOTP succeeds. Every failure returns
	// the same EUNAUTHORIZED error, revealing nothing about which part
	// was wrong or whether the user exists.
	Login(ctx context.Context, username, password, remote string) (token string, s *Session, err error)
	// VerifyTOTP completes a pending session with a one-time code.
	VerifyTOTP(ctx context.Context, token, code string) error
	// Authenticate resolves a session token to the user and the session,
	// extending its idle timeout; pending or expired sessions fail.
	Authenticate(ctx context.Context, token string) (*User, *Session, error)
	// AuthenticateAPIToken resolves a bearer token of an integration.
	AuthenticateAPIToken(ctx context.Context, token string) (*User, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error
}

// UserService manages users (administrators only, except for changing
// one's own password and TOTP).
type UserService interface {
	CreateUser(ctx context.Context, u *User, password string) error
	FindUsers(ctx context.Context) ([]*User, error)
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	SetPassword(ctx context.Context, username, password string) error
	SetDisabled(ctx context.Context, username string, disabled bool) error
	// EnrollTOTP creates a new TOTP secret and returns its otpauth URL;
	// it takes effect after ConfirmTOTP with a valid code.
	EnrollTOTP(ctx context.Context, username string) (otpauthURL string, err error)
	ConfirmTOTP(ctx context.Context, username, code string) error
	// CreateAPIToken returns a new raw token; only its hash is stored.
	CreateAPIToken(ctx context.Context, username, name string) (token string, err error)
}
