package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"nrm"
	"nrm/auth"
)

// Ensure the interfaces are implemented.
var (
	_ nrm.UserService = (*DB)(nil)
	_ nrm.AuthService = (*DB)(nil)
)

// userColumns are the columns scanUser reads: the user's row, the
// two-factor setting (for TOTPRequired) and the counts of their recovery
// codes.
const userColumns = "u.id, u.username, u.display_name, u.role, u.org, u.authority, u.lang, u.disabled, u.totp_enabled, u.created_at, " +
	"u.last_login_at, u.failed_logins, u.locked_until, u.password_expires_at, " +
	"(SELECT st.value FROM settings st WHERE st.key = '" + nrm.SettingTwoFactorRoles + "'), " +
	"(SELECT COUNT(*) FROM recovery_codes rc WHERE rc.user_id = u.id), " +
	"(SELECT COUNT(*) FROM recovery_codes rc WHERE rc.user_id = u.id AND rc.used_at IS NULL)"

// scanUser reads the userColumns (and any extra destinations after them).
func scanUser(row scanner, extra ...any) (*nrm.User, error) {
	u := &nrm.User{}
	var lastLogin, locked, expires sql.NullTime
	var twoFactor sql.NullString
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Org, &u.Authority, &u.Lang, &u.Disabled,
		&u.TOTPEnabled, &u.CreatedAt, &lastLogin, &u.FailedLogins, &locked, &expires, &twoFactor, &u.RecoveryCodes, &u.RecoveryCodesLeft}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if lastLogin.Valid {
		t := lastLogin.Time
		u.LastLoginAt = &t
	}
	if locked.Valid {
		t := locked.Time
		u.LockedUntil = &t
	}
	if expires.Valid {
		t := expires.Time
		u.PasswordExpiresAt = &t
	}
	u.TOTPRequired = slices.Contains(nrm.TwoFactorRoles(twoFactor.String, twoFactor.Valid), u.Role)
	return u, nil
}

// usernamePattern keeps usernames plain: they appear in the audit log and
// in otpauth URLs.
var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

// reservedUsernames name actors of the audit log that are not users.
var reservedUsernames = map[string]bool{"system": true, "anonymous": true}

// normUsername folds a username to its stored form.
func normUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validateUser checks a new user's fields against the role rules.
func validateUser(u *nrm.User) []nrm.FieldError {
	var fe []nrm.FieldError
	add := func(field, rule, value, expected string) {
		fe = append(fe, nrm.FieldError{Field: field, Rule: rule, Value: value, Expected: expected})
	}
	switch {
	case u.Username == "":
		add("username", nrm.RuleRequired, "", "")
	case !usernamePattern.MatchString(u.Username):
		add("username", nrm.RuleFormat, u.Username, "2-64 lower-case letters, digits and . _ @ -")
	case reservedUsernames[u.Username]:
		add("username", nrm.RuleNotAllowed, u.Username, "")
	}
	if utf8.RuneCountInString(u.DisplayName) > 200 {
		add("display_name", nrm.RuleTooLong, "", "at most 200 characters")
	}
	if u.Role == "" {
		add("role", nrm.RuleRequired, "", "")
	} else if !u.Role.Valid() {
		add("role", nrm.RuleOneOf, string(u.Role), "admin, coordinator, assessor, caseworker, analyst, auditor")
	}
	if u.Org == "" {
		add("org", nrm.RuleRequired, "", "")
	} else if !nrm.ValidOrgCode(u.Org) {
		add("org", nrm.RuleFormat, u.Org, "an organisation code")
	}
	// An assessor decides for exactly one authority; nobody else has one,
	// so that access checks never meet a stray authority.
	if u.Role == nrm.RoleAssessor {
		if u.Authority == "" {
			add("authority", nrm.RuleRequired, "", "US or CMM")
		} else if !u.Authority.Valid() {
			add("authority", nrm.RuleOneOf, string(u.Authority), "US or CMM")
		}
	} else if u.Authority != "" {
		add("authority", nrm.RuleNotAllowed, string(u.Authority), "only assessors have an authority")
	}
	if u.Lang != "" && u.Lang != nrm.LangDA && u.Lang != nrm.LangEN {
		add("lang", nrm.RuleOneOf, string(u.Lang), "da or en")
	}
	return fe
}

func userNotFound() error { return &nrm.Error{Code: nrm.ENOTFOUND, Message: "User not found."} }

// isSelf reports whether the actor is the signed-in user u.
func isSelf(a *nrm.Actor, u *nrm.User) bool { return a.UserID != 0 && a.UserID == u.ID }

// CreateUser stores a new user with the given initial password
// (administrators only). Someone else than the user chose it, so it is a
// one-time password: it works for the hours of the setting
// password.onetime_hours and must be changed at the first sign-in. Every
// broken rule is reported with its field.
func (d *DB) CreateUser(ctx context.Context, u *nrm.User, password string) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	u.Username = normUsername(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	fe := validateUser(u)
	if err := auth.CheckPassword(password, u.Username); err != nil {
		fe = append(fe, nrm.FieldErrors(err)...)
	}
	if len(fe) > 0 {
		return &nrm.Error{Code: nrm.EINVALID, Message: "The user is not valid.", Fields: fe}
	}
	// Hash outside the transaction: it takes a noticeable time, and the
	// SQLite write lock must not be held meanwhile.
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		hours, err := tx.oneTimeHours(ctx)
		if err != nil {
			return err
		}
		expires := tx.now.Add(time.Duration(hours) * time.Hour)
		u.CreatedAt, u.Disabled, u.TOTPEnabled, u.FailedLogins, u.LockedUntil, u.LastLoginAt = tx.now, false, false, 0, nil, nil
		u.PasswordExpiresAt, u.RecoveryCodes, u.RecoveryCodesLeft = &expires, 0, 0
		roles, set, err := settingValue(ctx, tx.queryRow, nrm.SettingTwoFactorRoles)
		if err != nil {
			return err
		}
		u.TOTPRequired = slices.Contains(nrm.TwoFactorRoles(roles, set), u.Role)
		id, err := tx.insertID(ctx, `INSERT INTO users (username, display_name, role, org, authority, lang, password_hash, password_expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, string(u.Role), u.Org, string(u.Authority), string(u.Lang), hash, expires, tx.now)
		if err != nil {
			if nrm.ErrorCode(tx.db.dialect.translate(err)) == nrm.ECONFLICT {
				return &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf("A user named %q already exists.", u.Username),
					Fields: []nrm.FieldError{{Field: "username", Rule: nrm.RuleDuplicate, Value: u.Username}}}
			}
			return err
		}
		u.ID = id
		return tx.audit(ctx, "user.create", "user", strconv.FormatInt(id, 10),
			fmt.Sprintf("username=%s role=%s org=%s authority=%s; one-time password valid %d hours", u.Username, u.Role, u.Org, u.Authority, hours))
	})
}

// FindUsers lists all users by username (administrators and auditors).
func (d *DB) FindUsers(ctx context.Context) ([]*nrm.User, error) {
	if r := actorOf(ctx).Role; r != nrm.RoleAdmin && r != nrm.RoleAuditor {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, "SELECT "+userColumns+" FROM users u ORDER BY u.username")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FindUserByUsername returns one user: any to administrators and
// auditors, only themselves to everyone else.
func (d *DB) FindUserByUsername(ctx context.Context, username string) (*nrm.User, error) {
	a := actorOf(ctx)
	username = normUsername(username)
	if a.Role != nrm.RoleAdmin && a.Role != nrm.RoleAuditor && a.Username != username {
		return nil, forbidden()
	}
	u, err := scanUser(d.queryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE u.username = ?", username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userNotFound()
	} else if err != nil {
		return nil, err
	}
	if a.Role != nrm.RoleAdmin && a.Role != nrm.RoleAuditor && !isSelf(a, u) {
		return nil, forbidden()
	}
	return u, nil
}

// loadUser reads a user in tx for a change by the actor: administrators
// may change anyone, others only themselves (when self is allowed).
func (tx *Tx) loadUser(ctx context.Context, username string, selfAllowed bool) (*nrm.User, error) {
	a := actorOf(ctx)
	if a.Role != nrm.RoleAdmin && (!selfAllowed || a.Username != username) {
		return nil, forbidden()
	}
	u, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM users u WHERE u.username = ?"+tx.forUpdate(), username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userNotFound()
	} else if err != nil {
		return nil, err
	}
	if a.Role != nrm.RoleAdmin && !isSelf(a, u) {
		return nil, forbidden()
	}
	return u, nil
}

// forUpdate locks the selected rows until the end of the transaction on
// PostgreSQL; SQLite transactions here take the write lock at BEGIN, which
// already serialises them.
func (tx *Tx) forUpdate() string {
	if tx.db.dialect.name() == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// oneTimeHours is the validity of a one-time password issued now
// (setting password.onetime_hours).
func (tx *Tx) oneTimeHours(ctx context.Context) (int, error) {
	v, set, err := settingValue(ctx, tx.queryRow, nrm.SettingPasswordOneTimeHours)
	if err != nil {
		return 0, err
	}
	return nrm.OneTimeHours(v, set), nil
}

// SetPassword replaces a user's password (administrators, or the user
// themself). A password the user sets themself is their own: it must
// differ from the current one, so that the password they were given no
// longer works. One set by anyone else (an administrator, the command
// line) is a one-time password (CreateUser). Either way it clears a
// lock-out and ends every session of the user, so that whoever knew the
// old password is signed out.
func (d *DB) SetPassword(ctx context.Context, username, password string) error {
	username = normUsername(username)
	a := actorOf(ctx)
	if a.Role != nrm.RoleAdmin && a.Username != username {
		return forbidden()
	}
	if err := auth.CheckPassword(password, username); err != nil {
		return err
	}
	// Argon2 runs outside the transaction (the SQLite write lock must not
	// wait for it): compare with the current password, hash the new one.
	var id int64
	var current string
	if err := d.queryRow(ctx, "SELECT id, password_hash FROM users WHERE username = ?", username).Scan(&id, &current); errors.Is(err, sql.ErrNoRows) {
		if a.Role != nrm.RoleAdmin {
			return forbidden()
		}
		return userNotFound()
	} else if err != nil {
		return err
	}
	own := a.UserID != 0 && a.UserID == id
	if own {
		if same, _ := auth.VerifyPassword(current, password); same {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The new password must differ from the current one.",
				Fields: []nrm.FieldError{{Field: "password", Rule: nrm.RuleNotAllowed, Expected: "a password other than the current one"}}}
		}
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, true)
		if err != nil {
			return err
		}
		var expires any // NULL: the user's own password
		detail := "password set by the user; lock-out cleared; sessions ended"
		if !isSelf(a, u) {
			hours, err := tx.oneTimeHours(ctx)
			if err != nil {
				return err
			}
			expires = tx.now.Add(time.Duration(hours) * time.Hour)
			detail = fmt.Sprintf("one-time password set by an administrator, valid %d hours; lock-out cleared; sessions ended", hours)
		}
		if _, err := tx.exec(ctx, "UPDATE users SET password_hash = ?, password_expires_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
			hash, expires, u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, "user.password", "user", strconv.FormatInt(u.ID, 10), detail)
	})
}

// ResetPassword gives a user a new random one-time password
// (administrators only) and returns it; only its hash is stored. It
// works for the hours of the setting password.onetime_hours and must be
// changed at the first sign-in. The reset clears a lock-out and ends the
// user's sessions; the audit entry records the reset, never the password.
func (d *DB) ResetPassword(ctx context.Context, username string) (string, error) {
	username = normUsername(username)
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return "", forbidden()
	}
	password, err := auth.OneTimePassword()
	if err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, false)
		if err != nil {
			return err
		}
		hours, err := tx.oneTimeHours(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE users SET password_hash = ?, password_expires_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
			hash, tx.now.Add(time.Duration(hours)*time.Hour), u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, "user.password_reset", "user", strconv.FormatInt(u.ID, 10),
			fmt.Sprintf("new one-time password issued by an administrator, valid %d hours; lock-out cleared; sessions ended", hours))
	})
	if err != nil {
		return "", err
	}
	return password, nil
}

// SetDisabled disables or re-enables a user (administrators only). A
// disabled user's sessions end at once and their API tokens stop working.
func (d *DB) SetDisabled(ctx context.Context, username string, disabled bool) error {
	username = normUsername(username)
	return d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, false)
		if err != nil {
			return err
		}
		if disabled && isSelf(actorOf(ctx), u) {
			return &nrm.Error{Code: nrm.EINVALID, Message: "You cannot disable your own account.",
				Fields: []nrm.FieldError{{Field: "disabled", Rule: nrm.RuleNotAllowed, Value: u.Username}}}
		}
		if _, err := tx.exec(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, u.ID); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
				return err
			}
		}
		return tx.audit(ctx, action, "user", strconv.FormatInt(u.ID, 10), "")
	})
}

// totpAAD binds a sealed TOTP secret to its user row, so that a secret
// copied to another user's row does not open.
func totpAAD(userID int64) []byte { return []byte("totp:" + strconv.FormatInt(userID, 10)) }

// EnrollTOTP creates a new TOTP secret for the signed-in user themself and
// returns its otpauth URL; sign-in asks for codes only after ConfirmTOTP.
// A user whose TOTP is already active must have it reset by an
// administrator first, so that a hijacked session cannot swap the factor.
func (d *DB) EnrollTOTP(ctx context.Context, username string) (string, error) {
	username = normUsername(username)
	a := actorOf(ctx)
	if a.Username != username || a.UserID == 0 {
		return "", forbidden()
	}
	if d.sealer == nil {
		return "", &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	var url string
	err := d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, true)
		if err != nil {
			return err
		}
		if !isSelf(a, u) {
			return forbidden()
		}
		if u.TOTPEnabled {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "Two-factor sign-in is already set up; an administrator can reset it."}
		}
		secret, otpURL, err := auth.NewTOTP(u.Username)
		if err != nil {
			return err
		}
		sealed, keyID, err := d.sealer.Seal([]byte(secret), totpAAD(u.ID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE users SET totp_secret = ?, totp_key_id = ?, totp_enabled = ?, totp_last_step = 0 WHERE id = ?",
			sealed, keyID, false, u.ID); err != nil {
			return err
		}
		url = otpURL
		return tx.audit(ctx, "user.totp_enroll", "user", strconv.FormatInt(u.ID, 10), "")
	})
	if err != nil {
		return "", err
	}
	return url, nil
}

// openTOTP decrypts a user's sealed TOTP secret.
func (d *DB) openTOTP(userID int64, sealed []byte, keyID sql.NullString) (string, error) {
	if d.sealer == nil {
		return "", &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	pt, err := d.sealer.Open(sealed, totpAAD(userID), keyID.String)
	if err != nil {
		return "", fmt.Errorf("open TOTP secret of user %d: %w", userID, err)
	}
	return string(pt), nil
}

// ConfirmTOTP activates the enrolled TOTP secret of the signed-in user
// themself once they show a valid code from their app.
func (d *DB) ConfirmTOTP(ctx context.Context, username, code string) error {
	username = normUsername(username)
	a := actorOf(ctx)
	if a.Username != username || a.UserID == 0 {
		return forbidden()
	}
	code = strings.TrimSpace(code)
	return d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, true)
		if err != nil {
			return err
		}
		if !isSelf(a, u) {
			return forbidden()
		}
		var sealed []byte
		var keyID sql.NullString
		var last int64
		if err := tx.queryRow(ctx, "SELECT totp_secret, totp_key_id, totp_last_step FROM users WHERE id = ?", u.ID).Scan(&sealed, &keyID, &last); err != nil {
			return err
		}
		if u.TOTPEnabled {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: "Two-factor sign-in is already set up."}
		}
		if len(sealed) == 0 {
			return &nrm.Error{Code: nrm.EINVALID, Message: "Start the set-up of two-factor sign-in first."}
		}
		secret, err := d.openTOTP(u.ID, sealed, keyID)
		if err != nil {
			return err
		}
		step, ok := auth.CheckTOTP(secret, code, tx.now, last)
		if !ok {
			return &nrm.Error{Code: nrm.EINVALID, Message: "The code is not valid. Check that your device's clock is right and try the next code.",
				Fields: []nrm.FieldError{{Field: "code", Rule: nrm.RuleFormat, Expected: "the current 6-digit code of your authenticator app"}}}
		}
		if _, err := tx.exec(ctx, "UPDATE users SET totp_enabled = ?, totp_last_step = ? WHERE id = ?", true, step, u.ID); err != nil {
			return err
		}
		// Recovery codes belong to one enrolment: the new one starts
		// without any (NewRecoveryCodes issues them).
		if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, "user.totp_enable", "user", strconv.FormatInt(u.ID, 10), "")
	})
}

// ResetTOTP removes a user's TOTP secret and recovery codes
// (administrators only), e.g. after a lost phone; the user enrols again,
// at the next sign-in when their role requires two-factor sign-in. Their
// sessions end. A signed-in administrator cannot reset their own: another
// administrator (or the command line) must, so that a hijacked session
// cannot swap the factor.
func (d *DB) ResetTOTP(ctx context.Context, username string) error {
	username = normUsername(username)
	return d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, false)
		if err != nil {
			return err
		}
		if isSelf(actorOf(ctx), u) {
			return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Another administrator must reset your two-factor sign-in."}
		}
		if _, err := tx.exec(ctx, "UPDATE users SET totp_secret = NULL, totp_key_id = NULL, totp_enabled = ?, totp_last_step = 0 WHERE id = ?", false, u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return tx.audit(ctx, "user.totp_reset", "user", strconv.FormatInt(u.ID, 10), "two-factor sign-in and recovery codes removed; sessions ended")
	})
}

// recoveryAlphabet leaves out characters that are easily confused (0/O,
// 1/l/I), like auth.OneTimePassword.
const recoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// recoveryCodeLen is a code's length without its hyphen: 10 characters
// of 32 are 50 bits, against guessing behind the lock-out.
const recoveryCodeLen = 10

// newRecoveryCode returns a random code as shown to the user,
// "xxxxx-xxxxx".
func newRecoveryCode() (string, error) {
	b := make([]byte, recoveryCodeLen)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		// 256 is a multiple of 32: no bias.
		b[i] = recoveryAlphabet[int(b[i])%len(recoveryAlphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:]), nil
}

// normRecoveryCode folds a typed recovery code to its hashed form: lower
// case, without spaces and hyphens; "" when it cannot be one.
func normRecoveryCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(s))
	if len(s) != recoveryCodeLen || strings.Trim(s, recoveryAlphabet) != "" {
		return ""
	}
	return s
}

// NewRecoveryCodes replaces the signed-in user's recovery codes with
// nrm.RecoveryCodeCount new ones and returns them; only their argon2id
// hashes are stored. Each stands in once for a TOTP code at sign-in.
// Only the user themself can take them, and only with two-factor sign-in
// set up.
func (d *DB) NewRecoveryCodes(ctx context.Context, username string) ([]string, error) {
	username = normUsername(username)
	a := actorOf(ctx)
	if a.Username != username || a.UserID == 0 {
		return nil, forbidden()
	}
	codes := make([]string, nrm.RecoveryCodeCount)
	hashes := make([]string, len(codes))
	for i := range codes {
		c, err := newRecoveryCode()
		if err != nil {
			return nil, err
		}
		// Hashed outside the transaction: argon2 takes a noticeable time.
		if hashes[i], err = auth.HashPassword(normRecoveryCode(c)); err != nil {
			return nil, err
		}
		codes[i] = c
	}
	err := d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, true)
		if err != nil {
			return err
		}
		if !isSelf(a, u) {
			return forbidden()
		}
		if !u.TOTPEnabled {
			return &nrm.Error{Code: nrm.EINVALID, Message: "Set up two-factor sign-in first."}
		}
		if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := tx.exec(ctx, "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", u.ID, h, tx.now); err != nil {
				return err
			}
		}
		return tx.audit(ctx, "user.recovery_codes", "user", strconv.FormatInt(u.ID, 10),
			fmt.Sprintf("%d recovery codes issued; earlier ones void", len(hashes)))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// CreateAPIToken issues a bearer token for an integration acting as the
// user (administrators only). The raw token is returned once; only its
// hash is stored.
func (d *DB) CreateAPIToken(ctx context.Context, username, name string) (string, error) {
	username = normUsername(username)
	name = strings.TrimSpace(name)
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return "", forbidden()
	}
	if name == "" {
		return "", &nrm.Error{Code: nrm.EINVALID, Message: "The token needs a name.", Fields: []nrm.FieldError{{Field: "name", Rule: nrm.RuleRequired}}}
	} else if utf8.RuneCountInString(name) > 100 {
		return "", &nrm.Error{Code: nrm.EINVALID, Message: "The token name is too long.",
			Fields: []nrm.FieldError{{Field: "name", Rule: nrm.RuleTooLong, Expected: "at most 100 characters"}}}
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	err = d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, false)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO api_tokens (token_hash, user_id, name, created_at, revoked) VALUES (?, ?, ?, ?, ?)",
			auth.HashToken(token), u.ID, name, tx.now, false); err != nil {
			return err
		}
		return tx.audit(ctx, "user.token_create", "user", strconv.FormatInt(u.ID, 10), "token name="+name)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeAPIToken revokes the user's API tokens of the given name
// (administrators only): from then on they authenticate nothing. The row
// stays, marked revoked, so that the audit log's references to it keep
// their meaning. A name the user has no active token of is ENOTFOUND.
func (d *DB) RevokeAPIToken(ctx context.Context, username, name string) error {
	username = normUsername(username)
	name = strings.TrimSpace(name)
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		u, err := tx.loadUser(ctx, username, false)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked = ? WHERE user_id = ? AND name = ? AND revoked = ?", true, u.ID, name, false)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &nrm.Error{Code: nrm.ENOTFOUND, Message: "No active API token of that name.",
				Fields: []nrm.FieldError{{Field: "name", Rule: nrm.RuleUnknownReference, Value: name}}}
		}
		return tx.audit(ctx, "user.token_revoke", "user", strconv.FormatInt(u.ID, 10), "token name="+name)
	})
}
