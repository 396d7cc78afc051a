package nrm

import (
	"context"
	"time"
)

// User is a person who signs in. Passwords are stored only as argon2id
// hashes; the TOTP secret is sealed like a direct identifier.
//
// A password chosen by anyone but the user (a new account's, an
// administrator's reset) is a one-time password: it stops working at
// PasswordExpiresAt and must be changed at the first sign-in before
// anything else. A user whose role must use two-factor sign-in (setting
// twofactor.roles) then sets it up and takes recovery codes, also before
// anything else (SetupPending).
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
	// PasswordExpiresAt is set while the password is a one-time
	// password: sign-in refuses it from then on.
	PasswordExpiresAt *time.Time `json:"password_expires_at,omitempty"`
	// TOTPRequired is true when the user's role must use two-factor
	// sign-in (setting twofactor.roles).
	TOTPRequired bool `json:"totp_required"`
	// RecoveryCodes counts the recovery codes issued since two-factor
	// sign-in was set up, RecoveryCodesLeft those not yet used.
	RecoveryCodes     int `json:"recovery_codes"`
	RecoveryCodesLeft int `json:"recovery_codes_left"`
}

// RecoveryCodeCount is the number of recovery codes issued at a time.
const RecoveryCodeCount = 10

// MustChangePassword reports whether the user signed in with a one-time
// password that must be replaced before anything else.
func (u *User) MustChangePassword() bool { return u.PasswordExpiresAt != nil }

// MustEnrolTOTP reports whether the user's role requires two-factor
// sign-in that the user has not set up.
func (u *User) MustEnrolTOTP() bool { return u.TOTPRequired && !u.TOTPEnabled }

// MustTakeRecoveryCodes reports whether a user who must use two-factor
// sign-in has set it up but holds no recovery codes from it yet.
func (u *User) MustTakeRecoveryCodes() bool {
	return u.TOTPRequired && u.TOTPEnabled && u.RecoveryCodes == 0
}

// SetupPending reports whether the account's set-up (password change,
// two-factor enrolment, recovery codes) must be finished before the
// user may do anything else in the web application.
func (u *User) SetupPending() bool {
	return u.MustChangePassword() || u.MustEnrolTOTP() || u.MustTakeRecoveryCodes()
}

// ErrOneTimePasswordExpired is Login's answer to the right one-time
// password after its expiry (only someone who knows the password learns
// it). An administrator must issue a new one.
var ErrOneTimePasswordExpired error = &Error{Code: EUNAUTHORIZED,
	Message: "The one-time password has expired. Ask an administrator for a new one."}

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
	// VerifyTOTP completes a pending session with a one-time code from
	// the user's app or one of their unused recovery codes.
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
	// CreateUser stores a new user; password is a one-time password.
	CreateUser(ctx context.Context, u *User, password string) error
	FindUsers(ctx context.Context) ([]*User, error)
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// SetPassword sets a password: the user's own when they set it
	// themself, else a one-time password.
	SetPassword(ctx context.Context, username, password string) error
	// ResetPassword gives a user a new random one-time password
	// (administrators), returned once; their sessions end.
	ResetPassword(ctx context.Context, username string) (password string, err error)
	SetDisabled(ctx context.Context, username string, disabled bool) error
	// EnrollTOTP creates a new TOTP secret and returns its otpauth URL;
	// it takes effect after ConfirmTOTP with a valid code.
	EnrollTOTP(ctx context.Context, username string) (otpauthURL string, err error)
	ConfirmTOTP(ctx context.Context, username, code string) error
	// ResetTOTP removes a user's two-factor sign-in and recovery codes
	// (administrators, not on their own account); the user enrols again.
	ResetTOTP(ctx context.Context, username string) error
	// NewRecoveryCodes replaces the signed-in user's recovery codes with
	// RecoveryCodeCount new ones, returned once; only their hashes are
	// stored.
	NewRecoveryCodes(ctx context.Context, username string) ([]string, error)
	// CreateAPIToken returns a new raw token; only its hash is stored.
	CreateAPIToken(ctx context.Context, username, name string) (token string, err error)
}
