package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"nrm"
	"nrm/auth"
)

// loginFailed is the one answer to every failed sign-in step: it does not
// say whether the user exists, the password or code was wrong, or the
// account is disabled, locked or throttled.
func loginFailed() error {
	return &nrm.Error{Code: nrm.EUNAUTHORIZED, Message: "Invalid username, password or code."}
}

// sessionInvalid is the one answer to a missing, expired, pending or
// revoked session.
func sessionInvalid() error {
	return &nrm.Error{Code: nrm.EUNAUTHORIZED, Message: "Your session has ended. Please sign in again."}
}

func apiTokenInvalid() error {
	return &nrm.Error{Code: nrm.EUNAUTHORIZED, Message: "Invalid API token."}
}

// anonymousActor is who a failed sign-in is audited as: nobody has proven
// who they are. The targeted account is the audited entity.
func anonymousActor(remote string) *nrm.Actor {
	return &nrm.Actor{Username: "anonymous", Remote: remote}
}

// remoteHost reduces a client address to its host, so that throttling
// counts per address and not per source port.
func remoteHost(remote string) string {
	remote = strings.TrimSpace(remote)
	if h, _, err := net.SplitHostPort(remote); err == nil {
		remote = h
	}
	if len(remote) > 100 {
		remote = remote[:100]
	}
	return remote
}

func remoteKey(remote string) string { return "remote:" + remote }

// Login checks a username and password. Every failure is the same
// EUNAUTHORIZED error and spends the same argon2 time whether or not the
// user exists (addresses over the throttling limit are refused without
// hashing). Five consecutive failures lock the account for 15 minutes; 20
// failures from one address within 15 minutes refuse that address for the
// rest of the window. Success creates a session with a fresh random token
// (never one the client chose, against session fixation) and a CSRF
// token; it is pending until VerifyTOTP when the user has TOTP enabled.
// The right one-time password after its expiry is refused with
// nrm.ErrOneTimePasswordExpired instead (not counted towards the
// lock-out): the user needs an administrator, not another try. Every
// attempt is audited without the password.
func (d *DB) Login(ctx context.Context, username, password, remote string) (string, *nrm.Session, error) {
	username = normUsername(username)
	remote = remoteHost(remote)
	now := d.Now()
	throttled, err := d.remoteThrottled(ctx, remote, now)
	if err != nil {
		return "", nil, err
	}
	var hash string
	u, err := scanUser(d.queryRow(ctx, "SELECT "+userColumns+", u.password_hash FROM users u WHERE u.username = ?", username), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		u = nil
	} else if err != nil {
		return "", nil, err
	}
	// The password is verified outside the transaction: argon2 takes a
	// noticeable time and the SQLite write lock must not be held meanwhile.
	reason, rehash := "", ""
	switch {
	case throttled:
		reason = "too many failures from this address"
	case u == nil:
		// Log no attempted name: people type passwords into the username field.
		auth.VerifyDummy(password)
		reason = "unknown username"
	default:
		ok, err := auth.VerifyPassword(hash, password)
		switch {
		case err != nil:
			reason = "unreadable password hash"
		case u.Disabled:
			reason = "account disabled"
		case u.LockedUntil != nil && u.LockedUntil.After(now):
			reason = "account locked"
		case !ok:
			reason = "wrong password"
		case u.PasswordExpiresAt != nil && !u.PasswordExpiresAt.After(now):
			// Checked last: only who knows the password learns of it.
			reason = reasonOneTimeExpired
		}
		if reason == "" && auth.NeedsRehash(hash) {
			rehash, _ = auth.HashPassword(password) // best effort: the old hash still works
		}
	}
	var token string
	var sess *nrm.Session
	err = d.inTx(ctx, func(tx *Tx) error {
		if reason == "" {
			// Check again under the row lock: a concurrent failure may
			// have locked the account, or an administrator disabled it.
			var disabled, totp bool
			var locked sql.NullTime
			if err := tx.queryRow(ctx, "SELECT disabled, locked_until, totp_enabled FROM users WHERE id = ?"+tx.forUpdate(), u.ID).
				Scan(&disabled, &locked, &totp); err != nil {
				return err
			}
			switch {
			case disabled:
				reason = "account disabled"
			case locked.Valid && locked.Time.After(tx.now):
				reason = "account locked"
			}
			u.TOTPEnabled = totp
		}
		if reason != "" {
			_, err := tx.signInFailure(ctx, "auth.login_failed", u, remote, reason, reason == "wrong password")
			return err
		}
		var err error
		if token, err = auth.NewToken(); err != nil {
			return err
		}
		csrf, err := auth.NewToken()
		if err != nil {
			return err
		}
		s := &nrm.Session{UserID: u.ID, CreatedAt: tx.now, LastSeenAt: tx.now, CSRFToken: csrf, Pending: u.TOTPEnabled}
		if s.Pending {
			s.ExpiresAt = tx.now.Add(auth.PendingMaxAge)
		} else {
			s.ExpiresAt = tx.now.Add(auth.SessionMaxAge)
			// Counters reset only when sign-in is complete: resetting at
			// the password step would give a password holder unlimited
			// rounds of TOTP guesses.
			if _, err := tx.exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?", tx.now, u.ID); err != nil {
				return err
			}
		}
		if rehash != "" {
			if _, err := tx.exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", rehash, u.ID); err != nil {
				return err
			}
		}
		// Housekeeping: drop ended sessions and throttling windows.
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE expires_at < ?", tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM login_attempts WHERE window_start < ?", tx.now.Add(-auth.RemoteWindow)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, pending, created_at, expires_at, last_seen_at, remote)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, auth.HashToken(token), u.ID, csrf, s.Pending, s.CreatedAt, s.ExpiresAt, s.LastSeenAt, remote); err != nil {
			return err
		}
		action, detail := "auth.login", "password accepted"
		if s.Pending {
			action, detail = "auth.login_password", "password accepted; awaiting TOTP code"
		}
		sess = s
		return tx.audit(nrm.NewContextWithActor(ctx, u.Actor(remote)), action, "user", strconv.FormatInt(u.ID, 10), detail)
	})
	if err != nil {
		return "", nil, err
	}
	if sess == nil {
		if reason == reasonOneTimeExpired {
			return "", nil, nrm.ErrOneTimePasswordExpired
		}
		return "", nil, loginFailed()
	}
	return token, sess, nil
}

// reasonOneTimeExpired is the audited reason for the right one-time
// password after its expiry.
const reasonOneTimeExpired = "one-time password expired"

// remoteThrottled reports whether remote has used up its failures.
func (d *DB) remoteThrottled(ctx context.Context, remote string, now time.Time) (bool, error) {
	var start time.Time
	var count int
	err := d.queryRow(ctx, "SELECT window_start, count FROM login_attempts WHERE key = ?", remoteKey(remote)).Scan(&start, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return count >= auth.RemoteMaxFailures && start.Add(auth.RemoteWindow).After(now), nil
}

// signInFailure records a failed sign-in step: the address's failure
// count, the account's consecutive failures when countUser is set (a wrong
// password or code, not a refusal of a locked or disabled account), and
// the audit entry. It reports whether the account is now locked.
func (tx *Tx) signInFailure(ctx context.Context, action string, u *nrm.User, remote, reason string, countUser bool) (locked bool, err error) {
	if err := tx.countRemoteFailure(ctx, remote); err != nil {
		return false, err
	}
	entityID := ""
	if u != nil {
		entityID = strconv.FormatInt(u.ID, 10)
		if countUser {
			if locked, err = tx.countUserFailure(ctx, u.ID); err != nil {
				return false, err
			}
			if locked {
				reason += "; account locked"
			}
		}
	}
	return locked, tx.audit(nrm.NewContextWithActor(ctx, anonymousActor(remote)), action, "user", entityID, reason)
}

// countRemoteFailure adds a failure to the address's window, starting a
// new window when the last one has ended.
func (tx *Tx) countRemoteFailure(ctx context.Context, remote string) error {
	key := remoteKey(remote)
	var start time.Time
	var count int
	err := tx.queryRow(ctx, "SELECT window_start, count FROM login_attempts WHERE key = ?"+tx.forUpdate(), key).Scan(&start, &count)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !start.Add(auth.RemoteWindow).After(tx.now)) {
		start, count = tx.now, 0
	} else if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO login_attempts (key, window_start, count) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, count = excluded.count`, key, start, count+1)
	return err
}

// countUserFailure adds a consecutive failure to the account and locks it
// when the limit is reached. An expired lock-out starts a new count.
func (tx *Tx) countUserFailure(ctx context.Context, userID int64) (locked bool, err error) {
	var failed int
	var until sql.NullTime
	if err := tx.queryRow(ctx, "SELECT failed_logins, locked_until FROM users WHERE id = ?"+tx.forUpdate(), userID).Scan(&failed, &until); err != nil {
		return false, err
	}
	if until.Valid && !until.Time.After(tx.now) {
		failed, until = 0, sql.NullTime{}
	}
	failed++
	var lockedUntil any
	if until.Valid {
		lockedUntil = until.Time
	}
	if failed >= auth.MaxFailures {
		lockedUntil, locked = tx.now.Add(auth.LockoutDuration), true
	}
	_, err = tx.exec(ctx, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", failed, lockedUntil, userID)
	return locked, err
}

// VerifyTOTP completes a pending session with a code from the user's app
// or one of their unused recovery codes (which is then spent). A wrong
// code counts as a failed sign-in (towards the lock-out); a TOTP code is
// accepted once only. Failures return the same error as Login.
func (d *DB) VerifyTOTP(ctx context.Context, token, code string) error {
	_, err := d.verifyTOTP(ctx, token, code, false)
	return err
}

// CompleteTOTP is VerifyTOTP that also gives the session a fresh token,
// returned for the new cookie: the session gains the user's rights at this
// step, so a token known before it (one planted in the browser, or seen
// at the password step) must be worth nothing afterwards. The old token
// ends with the same transaction.
func (d *DB) CompleteTOTP(ctx context.Context, token, code string) (string, error) {
	return d.verifyTOTP(ctx, token, code, true)
}

// matchRecoveryCode returns the id of the unused recovery code of the
// pending session's user that code (normRecoveryCode) is, or 0. It runs
// outside any transaction: each comparison is an argon2 hash.
func (d *DB) matchRecoveryCode(ctx context.Context, tokenHash, code string) (int64, error) {
	rows, err := d.query(ctx, `SELECT rc.id, rc.code_hash FROM sessions s JOIN recovery_codes rc ON rc.user_id = s.user_id
		WHERE s.token_hash = ? AND s.pending = ? AND s.expires_at > ? AND rc.used_at IS NULL ORDER BY rc.id`, tokenHash, true, d.Now())
	if err != nil {
		return 0, err
	}
	type stored struct {
		id   int64
		hash string
	}
	var codes []stored
	for rows.Next() {
		var c stored
		if err := rows.Scan(&c.id, &c.hash); err != nil {
			rows.Close()
			return 0, err
		}
		codes = append(codes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, c := range codes {
		if ok, _ := auth.VerifyPassword(c.hash, code); ok {
			return c.id, nil
		}
	}
	return 0, nil
}

func (d *DB) verifyTOTP(ctx context.Context, token, code string, renew bool) (string, error) {
	hash := auth.HashToken(token)
	newHash, fresh := hash, ""
	if renew {
		var err error
		if fresh, err = auth.NewToken(); err != nil {
			return "", err
		}
		newHash = auth.HashToken(fresh)
	}
	code = strings.TrimSpace(code)
	// Anything that can be a recovery code is compared with the user's
	// unused ones first; six digits are a TOTP code.
	recovery := normRecoveryCode(code)
	var matched int64
	if recovery != "" {
		var err error
		if matched, err = d.matchRecoveryCode(ctx, hash, recovery); err != nil {
			return "", err
		}
	}
	failed := false
	err := d.inTx(ctx, func(tx *Tx) error {
		var pending bool
		var expires time.Time
		var remote string
		var sealed []byte
		var keyID sql.NullString
		var last int64
		u, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+", s.pending, s.expires_at, s.remote, u.totp_secret, u.totp_key_id, u.totp_last_step"+
			" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"+tx.forUpdate(), hash),
			&pending, &expires, &remote, &sealed, &keyID, &last)
		if errors.Is(err, sql.ErrNoRows) {
			failed = true
			return tx.audit(nrm.NewContextWithActor(ctx, anonymousActor("")), "auth.totp_failed", "user", "", "unknown or ended sign-in")
		} else if err != nil {
			return err
		}
		reason := ""
		switch {
		case !pending:
			reason = "session is not awaiting a code"
		case !expires.After(tx.now):
			reason = "the sign-in step expired"
		case u.Disabled:
			reason = "account disabled"
		case u.LockedUntil != nil && u.LockedUntil.After(tx.now):
			reason = "account locked"
		case !u.TOTPEnabled || len(sealed) == 0:
			reason = "TOTP not set up"
		}
		wrongCode := false
		step, how := last, "TOTP code"
		switch {
		case reason != "":
		case recovery != "":
			how = "recovery code"
			used := int64(0)
			if matched != 0 {
				// Spent under the row lock, so that two sign-ins racing
				// with one code cannot both succeed.
				res, err := tx.exec(ctx, "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND user_id = ? AND used_at IS NULL", tx.now, matched, u.ID)
				if err != nil {
					return err
				}
				used, _ = res.RowsAffected()
			}
			if used == 0 {
				reason, wrongCode = "wrong or used recovery code", true
			}
		default:
			secret, err := d.openTOTP(u.ID, sealed, keyID)
			if err != nil {
				return err
			}
			var ok bool
			if step, ok = auth.CheckTOTP(secret, code, tx.now, last); !ok {
				reason, wrongCode = "wrong or reused code", true
			}
		}
		if reason != "" {
			failed = true
			if !pending {
				// A complete session is left alone; this is not a sign-in.
				return tx.audit(nrm.NewContextWithActor(ctx, anonymousActor(remote)), "auth.totp_failed", "user", strconv.FormatInt(u.ID, 10), reason)
			}
			locked, err := tx.signInFailure(ctx, "auth.totp_failed", u, remote, reason, wrongCode)
			if err != nil {
				return err
			}
			if !wrongCode || locked {
				// This sign-in can no longer succeed: end every pending one.
				if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND pending = ?", u.ID, true); err != nil {
					return err
				}
			}
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE sessions SET pending = ?, expires_at = ?, last_seen_at = ?, token_hash = ? WHERE token_hash = ?",
			false, tx.now.Add(auth.SessionMaxAge), tx.now, newHash, hash); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?, totp_last_step = ? WHERE id = ?",
			tx.now, step, u.ID); err != nil {
			return err
		}
		detail := "password and " + how + " accepted"
		if how == "recovery code" {
			detail += fmt.Sprintf("; %d recovery codes left", u.RecoveryCodesLeft-1)
		}
		return tx.audit(nrm.NewContextWithActor(ctx, u.Actor(remote)), "auth.login", "user", strconv.FormatInt(u.ID, 10), detail)
	})
	if err != nil {
		return "", err
	}
	if failed {
		return "", loginFailed()
	}
	return fresh, nil
}

// Authenticate resolves a session token. Expired, idle, pending and
// disabled users' sessions fail with one error; expired ones are deleted.
// The last-seen time is written at most once per minute, so that reading
// pages does not turn into a write per request.
func (d *DB) Authenticate(ctx context.Context, token string) (*nrm.User, *nrm.Session, error) {
	if token == "" {
		return nil, nil, sessionInvalid()
	}
	hash := auth.HashToken(token)
	now := d.Now()
	s := &nrm.Session{}
	u, err := scanUser(d.queryRow(ctx, "SELECT "+userColumns+", s.pending, s.created_at, s.expires_at, s.last_seen_at, s.csrf_token"+
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", hash),
		&s.Pending, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.CSRFToken)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, sessionInvalid()
	} else if err != nil {
		return nil, nil, err
	}
	if !s.ExpiresAt.After(now) || now.Sub(s.LastSeenAt) >= auth.SessionIdle {
		if _, err := d.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hash); err != nil {
			return nil, nil, err
		}
		return nil, nil, sessionInvalid()
	}
	if s.Pending || u.Disabled {
		return nil, nil, sessionInvalid()
	}
	if now.Sub(s.LastSeenAt) >= auth.SessionTouchInterval {
		if _, err := d.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now, hash); err != nil {
			return nil, nil, err
		}
		s.LastSeenAt = now
	}
	s.UserID = u.ID
	return u, s, nil
}

// AuthenticateAPIToken resolves an integration's bearer token to its
// user; revoked tokens and disabled users fail.
func (d *DB) AuthenticateAPIToken(ctx context.Context, token string) (*nrm.User, error) {
	if token == "" {
		return nil, apiTokenInvalid()
	}
	hash := auth.HashToken(token)
	var lastUsed sql.NullTime
	u, err := scanUser(d.queryRow(ctx, "SELECT "+userColumns+", t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id"+
		" WHERE t.token_hash = ? AND t.revoked = ?", hash, false), &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apiTokenInvalid()
	} else if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, apiTokenInvalid()
	}
	if now := d.Now(); !lastUsed.Valid || now.Sub(lastUsed.Time) >= auth.SessionTouchInterval {
		if _, err := d.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?", now, hash); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Logout ends a session; an unknown token is not an error.
func (d *DB) Logout(ctx context.Context, token string) error {
	hash := auth.HashToken(token)
	return d.inTx(ctx, func(tx *Tx) error {
		var remote string
		u, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+", s.remote FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", hash), &remote)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hash); err != nil {
			return err
		}
		if a := nrm.ActorFromContext(ctx); a != nil && a.Remote != "" {
			remote = a.Remote
		}
		return tx.audit(nrm.NewContextWithActor(ctx, u.Actor(remote)), "auth.logout", "user", strconv.FormatInt(u.ID, 10), "")
	})
}
