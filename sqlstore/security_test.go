package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/auth"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// Cheap argon2 parameters keep the suite fast; the production cost is
// measured in the auth package.
func init() { auth.HashParams = auth.TestParams }

const plantedName = "Zyxwvut Plantedname"

var secAdmin = nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "root", Role: nrm.RoleAdmin, Org: "CMM", Remote: "test"})

// secClock is a settable clock for db.Now.
type secClock struct{ t time.Time }

func (c *secClock) now() time.Time      { return c.t }
func (c *secClock) add(d time.Duration) { c.t = c.t.Add(d) }
func useClock(db *sqlstore.DB) *secClock {
	c := &secClock{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}
func secUser(name string, role nrm.Role) *nrm.User {
	return &nrm.User{Username: name, DisplayName: "Test " + name, Role: role, Org: "CMM"}
}

const secPassword = "correct horse battery staple"

func mustCreateUser(t *testing.T, db *sqlstore.DB, name string, role nrm.Role) *nrm.User {
	t.Helper()
	u := secUser(name, role)
	if role == nrm.RoleAssessor {
		u.Authority = nrm.AuthorityCMM
	}
	if err := db.CreateUser(secAdmin, u, secPassword); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// selfCtx is the context of a signed-in user acting on their own account.
func selfCtx(u *nrm.User) context.Context {
	return nrm.NewContextWithActor(context.Background(), u.Actor("192.0.2.10"))
}

// enrollTOTP sets up and confirms TOTP for u at the clock's time and
// returns the secret.
func enrollTOTP(t *testing.T, db *sqlstore.DB, u *nrm.User, clock *secClock) string {
	t.Helper()
	raw, err := db.EnrollTOTP(selfCtx(u), u.Username)
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	p, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	secret := p.Query().Get("secret")
	code := must(auth.TOTPCode(secret, clock.t))(t)
	if err := db.ConfirmTOTP(selfCtx(u), u.Username, code); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return secret
}

func isLoginFailure(err error) bool {
	return nrm.ErrorCode(err) == nrm.EUNAUTHORIZED && nrm.ErrorMessage(err) == "Invalid username, password or code."
}

func TestSecretsNotInDatabaseFiles(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			db := sqltest.MustOpenDSN(t, dsn)
			clock := useClock(db)
			c := newCase("PLANT-1")
			c.Identifiers.Name = plantedName
			c.Identifiers.Aliases = []string{plantedName + " alias"}
			if err := db.CreateCase(secAdmin, c); err != nil {
				t.Fatal(err)
			}
			u := mustCreateUser(t, db, "planter", nrm.RoleCaseworker)
			secret := enrollTOTP(t, db, u, clock)
			clock.add(time.Minute)
			token, sess, err := db.Login(context.Background(), "planter", secPassword, "192.0.2.1")
			if err != nil || !sess.Pending {
				t.Fatalf("login: %v %+v", err, sess)
			}
			apiToken, err := db.CreateAPIToken(secAdmin, "planter", "integration")
			if err != nil {
				t.Fatal(err)
			}
			secrets := map[string]string{"planted name": plantedName, "TOTP secret": secret, "password": secPassword,
				"session token": token, "API token": apiToken}

			var dump []byte
			if engine == "sqlite" {
				if _, err := db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
					t.Fatal(err)
				}
				db.Close()
				for _, suffix := range []string{"", "-wal", "-journal"} {
					b, err := os.ReadFile(dsn + suffix)
					if err == nil {
						dump = append(dump, b...)
					}
				}
				if !bytes.Contains(dump, []byte("PLANT-1")) {
					t.Fatal("database file does not contain the case: the test would prove nothing")
				}
			} else {
				pgDump := "/usr/lib/postgresql/15/bin/pg_dump"
				if _, err := os.Stat(pgDump); err != nil {
					if pgDump, err = exec.LookPath("pg_dump"); err != nil {
						t.Skip("pg_dump not found")
					}
				}
				out, err := exec.Command(pgDump, "--data-only", "--inserts", "--dbname", dsn).Output()
				if err != nil {
					t.Fatalf("pg_dump: %v", err)
				}
				if !bytes.Contains(out, []byte("PLANT-1")) {
					t.Fatal("pg_dump output does not contain the case: the test would prove nothing")
				}
				dump = out
			}
			for what, s := range secrets {
				if bytes.Contains(dump, []byte(s)) {
					t.Errorf("%s found in clear in the %s database", what, engine)
				}
			}
			for _, s := range []string{"Zyxwvut", "Plantedname"} {
				if bytes.Contains(bytes.ToLower(dump), bytes.ToLower([]byte(s))) {
					t.Errorf("part of the planted name %q found in the %s database", s, engine)
				}
			}
		})
	}
}

func TestLoginLockoutAfterFiveFailures(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		mustCreateUser(t, db, "anna", nrm.RoleCaseworker)
		ctx := context.Background()
		for i := 1; i <= 5; i++ {
			// Different addresses: the lock-out is per account.
			if _, _, err := db.Login(ctx, "anna", "wrong password "+fmt.Sprint(i), fmt.Sprintf("198.51.100.%d:4000", i)); !isLoginFailure(err) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		u, err := db.FindUserByUsername(secAdmin, "anna")
		if err != nil || u.FailedLogins != 5 || u.LockedUntil == nil || !u.LockedUntil.Equal(clock.t.Add(15*time.Minute)) {
			t.Fatalf("after 5 failures: %v %+v", err, u)
		}
		// Locked: even the right password fails, with the same error.
		clock.add(14 * time.Minute)
		if _, _, err := db.Login(ctx, "anna", secPassword, "203.0.113.1"); !isLoginFailure(err) {
			t.Fatalf("locked account signed in: %v", err)
		}
		clock.add(2 * time.Minute)
		token, sess, err := db.Login(ctx, "ANNA ", secPassword, "203.0.113.1")
		if err != nil || token == "" || sess.Pending {
			t.Fatalf("after the lock-out: %v", err)
		}
		u = must(db.FindUserByUsername(secAdmin, "anna"))(t)
		if u.FailedLogins != 0 || u.LockedUntil != nil || u.LastLoginAt == nil || !u.LastLoginAt.Equal(clock.t) {
			t.Fatalf("success did not reset the counters: %+v", u)
		}
		// Four failures, a success, four failures: never locked
		// (consecutive failures count).
		for range 4 {
			if _, _, err := db.Login(ctx, "anna", "nope nope nope", "203.0.113.2"); err == nil {
				t.Fatal("a wrong password was accepted")
			}
		}
		if _, _, err := db.Login(ctx, "anna", secPassword, "203.0.113.2"); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if _, _, err := db.Login(ctx, "anna", "nope nope nope", "203.0.113.2"); err == nil {
				t.Fatal("a wrong password was accepted")
			}
		}
		if _, _, err := db.Login(ctx, "anna", secPassword, "203.0.113.2"); err != nil {
			t.Fatalf("locked although failures were not consecutive: %v", err)
		}
		// An administrator's reset clears a lock-out.
		for range 5 {
			if _, _, err := db.Login(ctx, "anna", "nope nope nope", "203.0.113.3"); err == nil {
				t.Fatal("a wrong password was accepted")
			}
		}
		if err := db.SetPassword(secAdmin, "anna", "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Login(ctx, "anna", "a brand new passphrase", "203.0.113.3"); err != nil {
			t.Fatalf("reset did not clear the lock-out: %v", err)
		}
	})
}

func TestLoginThrottlingPerAddress(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		mustCreateUser(t, db, "bo", nrm.RoleAnalyst)
		ctx := context.Background()
		// 20 failures from one address, spread over many (unknown)
		// usernames so that no account locks.
		for i := range 20 {
			if _, _, err := db.Login(ctx, fmt.Sprintf("guess%d", i), "whatever whatever", "198.51.100.7:"+fmt.Sprint(1000+i)); !isLoginFailure(err) {
				t.Fatal(err)
			}
			clock.add(30 * time.Second)
		}
		// The address is refused, even with the right password...
		if _, _, err := db.Login(ctx, "bo", secPassword, "198.51.100.7:2000"); !isLoginFailure(err) {
			t.Fatalf("throttled address signed in: %v", err)
		}
		// ...while another address is not.
		if _, _, err := db.Login(ctx, "bo", secPassword, "198.51.100.8"); err != nil {
			t.Fatalf("other address: %v", err)
		}
		// The window started at the first failure; once it ends the
		// address may try again.
		clock.add(5*time.Minute + time.Second)
		if _, _, err := db.Login(ctx, "bo", secPassword, "198.51.100.7"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		u := must(db.FindUserByUsername(secAdmin, "bo"))(t)
		if u.FailedLogins != 0 || u.LockedUntil != nil {
			t.Fatalf("throttled attempts counted against the account: %+v", u)
		}
	})
}

func TestLoginFailuresLookAlike(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		mustCreateUser(t, db, "cai", nrm.RoleCaseworker)
		mustCreateUser(t, db, "dora", nrm.RoleCaseworker)
		mustCreateUser(t, db, "eva", nrm.RoleCaseworker)
		if err := db.SetDisabled(secAdmin, "dora", true); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if _, _, err := db.Login(context.Background(), "eva", "not her password", "192.0.2.50"); err == nil {
				t.Fatal("a wrong password was accepted")
			}
		}
		ctx := context.Background()
		var errs []error
		for _, tc := range []struct{ user, pw string }{
			{"nobody", secPassword},            // unknown user
			{"cai", "wrong password here"},     // wrong password
			{"dora", secPassword},              // disabled
			{"eva", secPassword},               // locked
			{"", ""},                           // empty
			{"cai", strings.Repeat("x", 5000)}, // oversized
		} {
			_, _, err := db.Login(ctx, tc.user, tc.pw, "192.0.2.99")
			if !isLoginFailure(err) {
				t.Fatalf("%s: %v", tc.user, err)
			}
			errs = append(errs, err)
		}
		for _, e := range errs[1:] {
			if e.Error() != errs[0].Error() {
				t.Fatalf("errors differ: %q vs %q", e, errs[0])
			}
		}
		// The audit records every failure, never the password.
		entries, err := db.FindAudit(secAdmin, sqlstore.AuditFilter{Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		failures := 0
		for _, e := range entries {
			if e.Action == "auth.login_failed" {
				failures++
			}
			b := must(json.Marshal(e))(t)
			if strings.Contains(string(b), secPassword) || strings.Contains(string(b), "not her password") || strings.Contains(string(b), "nobody") {
				t.Fatalf("audit entry leaks a secret or attempted name: %s", b)
			}
		}
		if failures != 11 {
			t.Fatalf("audited failures = %d, want 11", failures)
		}
	})
}

func TestLoginTimingUnknownUser(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	db := sqltest.MustOpenDB(t, "sqlite")
	auth.HashParams = auth.Params{Memory: 16 * 1024, Time: 2, Threads: 1}
	defer func() { auth.HashParams = auth.TestParams }()
	mustCreateUser(t, db, "fay", nrm.RoleCaseworker)
	ctx := context.Background()
	login := func(user string, i int) time.Duration {
		start := time.Now()
		db.Login(ctx, user, "wrong password "+fmt.Sprint(i%4), fmt.Sprintf("192.0.2.%d", 100+i%100))
		return time.Since(start)
	}
	login("nobody", 0) // warm the dummy hash
	// The two kinds of attempt alternate, so that a burst of load from
	// other tests slows both alike; the medians are compared.
	var known, unknown []time.Duration
	for i := range 15 {
		known = append(known, login("fay", i))
		unknown = append(unknown, login("nobody-else", i))
	}
	median := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	k, u := median(known), median(unknown)
	if u < k/2 || k < u/2 {
		t.Fatalf("unknown user %v vs wrong password %v: timing reveals whether a user exists", u, k)
	}
}

func TestSessionExpiry(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		mustCreateUser(t, db, "gus", nrm.RoleCaseworker)
		ctx := context.Background()
		token, sess, err := db.Login(ctx, "gus", secPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if !sess.ExpiresAt.Equal(clock.t.Add(12*time.Hour)) || len(sess.CSRFToken) != 43 || sess.CSRFToken == token {
			t.Fatalf("session %+v", sess)
		}
		// Idle timeout: use within 30 minutes keeps it alive.
		for range 3 {
			clock.add(29 * time.Minute)
			u, s, err := db.Authenticate(ctx, token)
			if err != nil || u.Username != "gus" || s.CSRFToken != sess.CSRFToken {
				t.Fatalf("within idle timeout: %v", err)
			}
		}
		clock.add(30 * time.Minute)
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("idle session accepted: %v", err)
		}
		clock.add(-time.Hour) // the idle session was deleted, not just refused
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("idle session came back: %v", err)
		}
		// Absolute lifetime: 12 hours however active.
		token, _, err = db.Login(ctx, "gus", secPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		for elapsed := 20 * time.Minute; elapsed < 12*time.Hour; elapsed += 20 * time.Minute {
			clock.add(20 * time.Minute)
			if _, _, err := db.Authenticate(ctx, token); err != nil {
				t.Fatalf("active session refused after %v: %v", elapsed, err)
			}
		}
		clock.add(20 * time.Minute)
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("session older than 12 h accepted: %v", err)
		}
		// Logout ends a session at once.
		token, _ = must2(db.Login(ctx, "gus", secPassword, "192.0.2.1"))(t)
		if err := db.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("session valid after logout: %v", err)
		}
		if err := db.Logout(ctx, token); err != nil {
			t.Fatalf("second logout: %v", err)
		}
	})
}

func TestSessionFixation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		mustCreateUser(t, db, "hal", nrm.RoleCaseworker)
		ctx := context.Background()
		// A token the client (or an attacker) holds before signing in...
		planted := must(auth.NewToken())(t)
		if _, _, err := db.Authenticate(ctx, planted); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("made-up token accepted: %v", err)
		}
		seen := map[string]bool{planted: true}
		for range 3 {
			token, _, err := db.Login(ctx, "hal", secPassword, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if seen[token] {
				t.Fatal("login reused a token")
			}
			seen[token] = true
		}
		// ...never becomes valid.
		if _, _, err := db.Authenticate(ctx, planted); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("pre-login token became valid: %v", err)
		}
		if _, _, err := db.Authenticate(ctx, ""); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("empty token: %v", err)
		}
		// Only hashes are stored.
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM sessions WHERE length(token_hash) = 64").Scan(&n); err != nil || n != 3 {
			t.Fatalf("stored session hashes: %d %v", n, err)
		}
	})
}

func TestTOTPFlow(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		u := mustCreateUser(t, db, "ida", nrm.RoleAssessor)
		other := mustCreateUser(t, db, "jon", nrm.RoleCaseworker)
		ctx := context.Background()
		// Only the user themself enrols; not another user, not an admin.
		if _, err := db.EnrollTOTP(selfCtx(other), "ida"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("enrol for another user: %v", err)
		}
		if _, err := db.EnrollTOTP(secAdmin, "ida"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("admin enrols for a user: %v", err)
		}
		// Until confirmed, sign-in needs no code; a wrong confirmation fails.
		raw, err := db.EnrollTOTP(selfCtx(u), "ida")
		if err != nil {
			t.Fatal(err)
		}
		p := must(url.Parse(raw))(t)
		secret := p.Query().Get("secret")
		if _, s, err := db.Login(ctx, "ida", secPassword, "192.0.2.1"); err != nil || s.Pending {
			t.Fatalf("unconfirmed TOTP made the session pending: %v", err)
		}
		if err := db.ConfirmTOTP(selfCtx(u), "ida", "000000"); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("wrong confirmation code: %v", err)
		}
		code := must(auth.TOTPCode(secret, clock.t))(t)
		if err := db.ConfirmTOTP(selfCtx(u), "ida", code); err != nil {
			t.Fatal(err)
		}
		if _, err := db.EnrollTOTP(selfCtx(u), "ida"); nrm.ErrorCode(err) != nrm.ECONFLICT {
			t.Fatalf("re-enrol over an active secret: %v", err)
		}
		// Sign-in: the password gives a pending session only.
		clock.add(30 * time.Second)
		token, sess, err := db.Login(ctx, "ida", secPassword, "192.0.2.1")
		if err != nil || !sess.Pending {
			t.Fatalf("login: %v %+v", err, sess)
		}
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("pending session accepted: %v", err)
		}
		if err := db.VerifyTOTP(ctx, token, "123456"); !isLoginFailure(err) {
			t.Fatalf("wrong code: %v", err)
		}
		// The code used to confirm is spent, even though still in its window.
		if err := db.VerifyTOTP(ctx, token, code); !isLoginFailure(err) {
			t.Fatalf("replayed confirmation code: %v", err)
		}
		code = must(auth.TOTPCode(secret, clock.t))(t)
		if err := db.VerifyTOTP(ctx, token, code); err != nil {
			t.Fatalf("right code: %v", err)
		}
		got, s, err := db.Authenticate(ctx, token)
		if err != nil || s.Pending || got.Username != "ida" || !s.ExpiresAt.Equal(clock.t.Add(12*time.Hour)) {
			t.Fatalf("after TOTP: %v %+v", err, s)
		}
		if err := db.VerifyTOTP(ctx, token, code); !isLoginFailure(err) {
			t.Fatalf("verify on a complete session: %v", err)
		}
		// Replay: a new sign-in with the same code in the same window fails.
		token2, _ := must2(db.Login(ctx, "ida", secPassword, "192.0.2.1"))(t)
		if err := db.VerifyTOTP(ctx, token2, code); !isLoginFailure(err) {
			t.Fatalf("replayed code accepted: %v", err)
		}
		clock.add(30 * time.Second)
		next := must(auth.TOTPCode(secret, clock.t))(t)
		if err := db.VerifyTOTP(ctx, token2, next); err != nil {
			t.Fatalf("next code: %v", err)
		}
		// The pending step expires after five minutes.
		token3, _ := must2(db.Login(ctx, "ida", secPassword, "192.0.2.1"))(t)
		clock.add(6 * time.Minute)
		late := must(auth.TOTPCode(secret, clock.t))(t)
		if err := db.VerifyTOTP(ctx, token3, late); !isLoginFailure(err) {
			t.Fatalf("expired pending step: %v", err)
		}
		// Guessing codes locks the account and ends the pending sign-in.
		clock.add(time.Minute)
		token4, _ := must2(db.Login(ctx, "ida", secPassword, "192.0.2.1"))(t)
		for i := range 5 {
			if err := db.VerifyTOTP(ctx, token4, fmt.Sprintf("%06d", i)); !isLoginFailure(err) {
				t.Fatal(err)
			}
		}
		good := must(auth.TOTPCode(secret, clock.t))(t)
		if err := db.VerifyTOTP(ctx, token4, good); !isLoginFailure(err) {
			t.Fatalf("code accepted on a locked account: %v", err)
		}
		if got := must(db.FindUserByUsername(secAdmin, "ida"))(t); got.LockedUntil == nil {
			t.Fatal("TOTP guessing did not lock the account")
		}
		// An administrator can reset a lost second factor.
		if err := db.ResetTOTP(secAdmin, "ida"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(secAdmin, "ida", secPassword+" 2"); err != nil {
			t.Fatal(err)
		}
		if _, s, err := db.Login(ctx, "ida", secPassword+" 2", "192.0.2.1"); err != nil || s.Pending {
			t.Fatalf("after reset: %v", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		u := mustCreateUser(t, db, "kim", nrm.RoleAnalyst)
		ctx := context.Background()
		if _, err := db.CreateAPIToken(selfCtx(u), "kim", "mine"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("non-admin created a token: %v", err)
		}
		if _, err := db.CreateAPIToken(secAdmin, "kim", " "); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("token without a name: %v", err)
		}
		if _, err := db.CreateAPIToken(secAdmin, "nobody", "x"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("token for unknown user: %v", err)
		}
		token, err := db.CreateAPIToken(secAdmin, "kim", "eurostat export")
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.AuthenticateAPIToken(ctx, token)
		if err != nil || got.Username != "kim" || got.Role != nrm.RoleAnalyst {
			t.Fatalf("authenticate: %v %+v", err, got)
		}
		other := must(auth.NewToken())(t)
		for _, bad := range []string{"", other, token + "x", auth.HashToken(token)} {
			if _, err := db.AuthenticateAPIToken(ctx, bad); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
				t.Fatalf("bad token %q: %v", bad, err)
			}
		}
		// A session token is not an API token and vice versa.
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("API token used as a session: %v", err)
		}
		var stored string
		if err := db.SQL().QueryRow("SELECT token_hash FROM api_tokens").Scan(&stored); err != nil || stored != auth.HashToken(token) {
			t.Fatalf("stored %q, %v", stored, err)
		}
		if err := db.SetDisabled(secAdmin, "kim", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AuthenticateAPIToken(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("token of a disabled user accepted: %v", err)
		}
	})
}

func TestDisabledUser(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		u := mustCreateUser(t, db, "lea", nrm.RoleCaseworker)
		ctx := context.Background()
		token, _, err := db.Login(ctx, "lea", secPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetDisabled(selfCtx(u), "lea", true); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("user disabled themself without admin rights: %v", err)
		}
		if err := db.SetDisabled(secAdmin, "lea", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Authenticate(ctx, token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("session of a disabled user: %v", err)
		}
		if _, _, err := db.Login(ctx, "lea", secPassword, "192.0.2.1"); !isLoginFailure(err) {
			t.Fatalf("disabled user signed in: %v", err)
		}
		if got := must(db.FindUserByUsername(secAdmin, "lea"))(t); !got.Disabled || got.FailedLogins != 0 {
			t.Fatalf("disabled user: %+v", got)
		}
		if err := db.SetDisabled(secAdmin, "lea", false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Login(ctx, "lea", secPassword, "192.0.2.1"); err != nil {
			t.Fatalf("re-enabled user: %v", err)
		}
		// An administrator cannot lock themself out.
		adm := mustCreateUser(t, db, "boss", nrm.RoleAdmin)
		if err := db.SetDisabled(selfCtx(adm), "boss", true); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("admin disabled themself: %v", err)
		}
	})
}

func TestUserRulesAndPasswordPolicy(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		fields := func(err error) string {
			var s []string
			for _, f := range nrm.FieldErrors(err) {
				s = append(s, f.Field+":"+f.Rule)
			}
			return strings.Join(s, ",")
		}
		for _, tc := range []struct {
			u    nrm.User
			pw   string
			want string
		}{
			{nrm.User{Username: "ok.user", Role: nrm.RoleCaseworker, Org: "REDEN"}, "short", "password:range"},
			{nrm.User{Username: "ok.user", Role: nrm.RoleCaseworker, Org: "REDEN"}, "ok.user", "password:range"},
			{nrm.User{Username: "ok.user.long", Role: nrm.RoleCaseworker, Org: "REDEN"}, "OK.USER.LONG", "password:not_allowed"},
			{nrm.User{Username: "ok.user", Role: nrm.RoleCaseworker, Org: "REDEN"}, "password1234", "password:not_allowed"},
			{nrm.User{Username: "Bad Name!", Role: "boss", Org: ""}, secPassword, "username:format,role:one_of,org:required"},
			{nrm.User{Username: "system", Role: nrm.RoleAdmin, Org: "CMM"}, secPassword, "username:not_allowed"},
			{nrm.User{Username: "assess", Role: nrm.RoleAssessor, Org: "US"}, secPassword, "authority:required"},
			{nrm.User{Username: "assess", Role: nrm.RoleAssessor, Org: "US", Authority: "POLICE"}, secPassword, "authority:one_of"},
			{nrm.User{Username: "worker", Role: nrm.RoleCaseworker, Org: "US", Authority: nrm.AuthorityUS}, secPassword, "authority:not_allowed"},
			{nrm.User{Username: "worker", Role: nrm.RoleCaseworker, Org: "US", Lang: "de"}, secPassword, "lang:one_of"},
		} {
			u := tc.u
			err := db.CreateUser(secAdmin, &u, tc.pw)
			if nrm.ErrorCode(err) != nrm.EINVALID || fields(err) != tc.want {
				t.Errorf("%+v: got %v (%s), want %s", tc.u, err, fields(err), tc.want)
			}
			if tc.pw != "" && strings.Contains(err.Error(), tc.pw) && tc.pw != tc.u.Username {
				t.Errorf("error echoes the password: %v", err)
			}
		}
		if users := must(db.FindUsers(secAdmin))(t); len(users) != 0 {
			t.Fatalf("invalid users stored: %d", len(users))
		}
		a := &nrm.User{Username: "Assessor.US", Role: nrm.RoleAssessor, Org: "US", Authority: nrm.AuthorityUS, Lang: nrm.LangEN}
		if err := db.CreateUser(secAdmin, a, secPassword); err != nil || a.ID == 0 || a.Username != "assessor.us" {
			t.Fatalf("valid assessor: %v %+v", err, a)
		}
		if err := db.CreateUser(secAdmin, &nrm.User{Username: "assessor.us", Role: nrm.RoleAnalyst, Org: "CMM"}, secPassword); nrm.ErrorCode(err) != nrm.ECONFLICT {
			t.Fatalf("duplicate username: %v", err)
		}
		caseworker := nrm.NewContextWithActor(context.Background(), &nrm.Actor{UserID: 99, Username: "cw", Role: nrm.RoleCaseworker, Org: "CMM"})
		if err := db.CreateUser(caseworker, &nrm.User{Username: "sneaky", Role: nrm.RoleAdmin, Org: "CMM"}, secPassword); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker created a user: %v", err)
		}
		if _, err := db.FindUsers(caseworker); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker listed users: %v", err)
		}
		if _, err := db.FindUserByUsername(caseworker, "assessor.us"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker read another user: %v", err)
		}
		got, err := db.FindUserByUsername(secAdmin, "assessor.us")
		if err != nil || got.Authority != nrm.AuthorityUS || got.Lang != nrm.LangEN || got.Role != nrm.RoleAssessor || got.CreatedAt.IsZero() {
			t.Fatalf("read back: %v %+v", err, got)
		}
		if _, err := db.FindUserByUsername(secAdmin, "ghost"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
		// A user changes their own password (ending their sessions), not
		// anyone else's.
		token, _, err := db.Login(context.Background(), "assessor.us", secPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(selfCtx(got), "assessor.us", "short"); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("policy on change: %v", err)
		}
		if err := db.SetPassword(selfCtx(got), "assessor.us", "my own new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Authenticate(context.Background(), token); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
			t.Fatalf("session survived a password change: %v", err)
		}
		if _, _, err := db.Login(context.Background(), "assessor.us", secPassword, "192.0.2.1"); !isLoginFailure(err) {
			t.Fatalf("old password still works: %v", err)
		}
		mustCreateUser(t, db, "victim", nrm.RoleCaseworker)
		if err := db.SetPassword(selfCtx(got), "victim", "taken over passphrase"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("changed another user's password: %v", err)
		}
		// Every user change is audited; no password hash or password in it.
		entries := must(db.FindAudit(secAdmin, sqlstore.AuditFilter{Entity: "user", Limit: 10000}))(t)
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
			if strings.Contains(e.Detail, "argon2") || strings.Contains(e.Detail, "passphrase") {
				t.Fatalf("audit detail leaks: %+v", e)
			}
		}
		if actions["user.create"] != 2 || actions["user.password"] != 1 || actions["auth.login"] != 1 || actions["auth.login_failed"] != 1 {
			t.Fatalf("audited actions: %v", actions)
		}
		if _, problems, err := db.VerifyAudit(secAdmin); err != nil || len(problems) > 0 {
			t.Fatalf("audit chain: %v %v", err, problems)
		}
	})
}

// openWithRing opens dsn with the given keyring.
func openWithRing(t *testing.T, dsn string, ring *seal.Keyring) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Sealer: ring})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func ring(t *testing.T, keys ...seal.Key) *seal.Keyring {
	t.Helper()
	r, err := seal.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRotateKeys(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			k1 := must(seal.NewKey("k1"))(t)
			k2 := must(seal.NewKey("k2"))(t)
			db := openWithRing(t, dsn, ring(t, k1))
			clock := useClock(db)
			for i := range 7 {
				if err := db.CreateCase(secAdmin, newCase(fmt.Sprintf("ROT-%d", i))); err != nil {
					t.Fatal(err)
				}
			}
			bare := newCase("ROT-NOID")
			bare.Identifiers = nrm.Identifiers{}
			if err := db.CreateCase(secAdmin, bare); err != nil {
				t.Fatal(err)
			}
			u := mustCreateUser(t, db, "mia", nrm.RoleCaseworker)
			secret := enrollTOTP(t, db, u, clock)

			if _, err := db.RotateKeys(selfCtx(u), ring(t, k2)); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("non-admin rotated keys: %v", err)
			}
			// The new ring holds only the new key; old values open with
			// the database's present keys.
			n, err := db.RotateKeys(secAdmin, ring(t, k2))
			if err != nil || n != 8 {
				t.Fatalf("rotate: %d %v", n, err)
			}
			var stale int
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM cases WHERE key_id <> 'k2'").Scan(&stale); err != nil {
				t.Fatal(err)
			}
			if stale != 0 {
				t.Fatalf("%d cases still sealed with the old key", stale)
			}
			// A fresh handle with only the new key opens everything.
			newOnly := openWithRing(t, dsn, ring(t, k2))
			useClock(newOnly).add(time.Minute)
			for i := range 7 {
				c, err := newOnly.FindCaseByRef(secAdmin, fmt.Sprintf("ROT-%d", i))
				if err != nil || c.Identifiers.Name != fmt.Sprintf("Blessing Okafor-ROT-%d", i) {
					t.Fatalf("case %d with the new key: %v", i, err)
				}
			}
			token, _, err := newOnly.Login(context.Background(), "mia", secPassword, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			code := must(auth.TOTPCode(secret, newOnly.Now()))(t)
			if err := newOnly.VerifyTOTP(context.Background(), token, code); err != nil {
				t.Fatalf("TOTP after rotation: %v", err)
			}
			// The old key alone opens nothing any more.
			oldOnly := openWithRing(t, dsn, ring(t, k1))
			if _, err := oldOnly.FindCaseByRef(secAdmin, "ROT-0"); err == nil {
				t.Fatal("case opened with the old key after rotation")
			}
			if got, err := oldOnly.FindCaseByRef(secAdmin, "ROT-NOID"); err != nil || !got.Identifiers.IsZero() {
				t.Fatalf("case without identifiers: %v", err)
			}
			// The original handle switched to the new ring.
			if _, err := db.FindCaseByRef(secAdmin, "ROT-3"); err != nil {
				t.Fatalf("rotating handle: %v", err)
			}
			entries := must(db.FindAudit(secAdmin, sqlstore.AuditFilter{Entity: "keys"}))(t)
			if len(entries) != 1 || entries[0].Action != "keys.rotate" || entries[0].EntityID != "k2" {
				t.Fatalf("audit: %+v", entries)
			}
			// Rotating with a ring that cannot open the data changes nothing.
			k3 := must(seal.NewKey("k3"))(t)
			if _, err := oldOnly.RotateKeys(secAdmin, ring(t, k3)); err == nil {
				t.Fatal("rotation succeeded without the keys to open the data")
			}
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM cases WHERE key_id <> 'k2'").Scan(&stale); err != nil {
				t.Fatal(err)
			}
			if stale != 0 {
				t.Fatal("failed rotation left changes behind")
			}
		})
	}
}

// retentionCase is a case closed (or not) on exitDate, identified with an
// exact birth date whose age differs from the birth-year estimate.
func retentionCase(ref, birth, assessed, exitDate string, kind nrm.ExitKind) *nrm.Case {
	c := newCase(ref)
	c.Identifiers.BirthDate = nrm.MustDate(birth)
	c.BirthYear = c.Identifiers.BirthDate.Year()
	c.Contacts[0].Date = nrm.MustDate(assessed)
	c.Assessments[0].Date = nrm.MustDate(assessed)
	c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Start: nrm.MustDate(assessed)}}
	if exitDate != "" {
		c.Accommodations[0].End = nrm.MustDate(exitDate)
		c.Exits = []nrm.Exit{{Date: nrm.MustDate(exitDate), Kind: kind}}
	}
	return c
}

func TestRetention(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		cases := []*nrm.Case{
			// Born in January 1993: on 2011-03-01 the exact age is 18, the
			// birth-year estimate (1 July) 17. The statistics keep the
			// exact age only if the stored age survives the purge.
			retentionCase("RET-OLD-1", "1993-01-15", "2011-03-01", "2011-08-01", nrm.ExitPreparedReturn),
			retentionCase("RET-OLD-2", "1980-01-05", "2011-05-10", "2012-02-01", nrm.ExitDisappeared),
			retentionCase("RET-OLD-3", "1990-11-30", "2012-06-01", "2012-12-31", nrm.ExitSelfReturn),
			retentionCase("RET-EDGE", "1985-06-15", "2013-01-10", "2016-03-02", nrm.ExitResidencePermit),
			retentionCase("RET-NEW", "1995-02-01", "2013-02-01", "2020-01-01", nrm.ExitPreparedReturn),
			retentionCase("RET-OPEN", "1999-09-09", "2012-09-09", "", ""),
		}
		for _, c := range cases {
			if err := db.CreateCase(secAdmin, c); err != nil {
				t.Fatal(err)
			}
		}
		snapshot := func() string {
			var b strings.Builder
			for _, y := range []int{2011, 2012, 2013} {
				s, err := db.Statistics(secAdmin, nrm.StatsQuery{Year: y})
				if err != nil {
					t.Fatal(err)
				}
				j := must(json.Marshal(s))(t)
				b.Write(j)
				b.WriteByte('\n')
			}
			return b.String()
		}
		before := snapshot()
		if !strings.Contains(before, `"18-19":1`) {
			t.Fatalf("fixture: expected one 18-year-old in 2011 by exact birth date:\n%s", before)
		}
		today := nrm.MustDate("2021-03-02")
		if _, err := db.ApplyRetention(secAdmin, 0, today); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("zero years: %v", err)
		}
		cw := nrm.NewContextWithActor(context.Background(), &nrm.Actor{UserID: 5, Username: "cw", Role: nrm.RoleCaseworker, Org: "CMM"})
		if _, err := db.ApplyRetention(cw, 5, today); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker applied retention: %v", err)
		}
		// Five years before 2021-03-02 is 2016-03-02: RET-EDGE closed that
		// very day, which is not more than five years ago.
		if n, err := db.RetentionCandidates(secAdmin, 5, today); err != nil || n != 3 {
			t.Fatalf("candidates: %d %v", n, err)
		}
		n, err := db.ApplyRetention(secAdmin, 5, today)
		if err != nil || n != 3 {
			t.Fatalf("purged %d, %v", n, err)
		}
		if after := snapshot(); after != before {
			t.Fatalf("statistics changed by retention:\nbefore %s\nafter  %s", before, after)
		}
		for _, c := range cases {
			got, err := db.FindCaseByRef(secAdmin, c.Ref)
			if err != nil {
				t.Fatal(err)
			}
			old := strings.HasPrefix(c.Ref, "RET-OLD")
			if old != (got.PurgedAt != nil) || old != got.Identifiers.IsZero() {
				t.Fatalf("%s: purged_at %v, identifiers %+v", c.Ref, got.PurgedAt, got.Identifiers)
			}
			if !old && got.Identifiers.Name != c.Identifiers.Name {
				t.Fatalf("%s lost its identifiers", c.Ref)
			}
		}
		var sealedLeft int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM cases WHERE ref LIKE 'RET-OLD%' AND (identifiers IS NOT NULL OR key_id IS NOT NULL)").Scan(&sealedLeft); err != nil {
			t.Fatal(err)
		}
		if sealedLeft != 0 {
			t.Fatal("purged rows still hold sealed identifiers or a key id")
		}
		for _, c := range cases[:3] {
			// The stored content hash must not be derived from the purged
			// birth date.
			var h string
			if err := db.SQL().QueryRow("SELECT content_hash FROM cases WHERE id = " + fmt.Sprint(c.ID)).Scan(&h); err != nil {
				t.Fatal(err)
			}
			purged := must(db.FindCaseByRef(secAdmin, c.Ref))(t)
			if h == db.ContentHash(c) || h != db.ContentHash(purged) {
				t.Fatalf("%s: content hash still derived from the birth date", c.Ref)
			}
		}
		entries := must(db.FindAudit(secAdmin, sqlstore.AuditFilter{Entity: "case", Limit: 10000}))(t)
		purges := 0
		for _, e := range entries {
			if e.Action == "case.purge" {
				purges++
			}
		}
		if purges != 3 {
			t.Fatalf("audit rows for purges: %d", purges)
		}
		// Idempotent: nothing left to purge.
		if n, err := db.ApplyRetention(secAdmin, 5, today); err != nil || n != 0 {
			t.Fatalf("second run purged %d, %v", n, err)
		}
		// An update cannot bring identifiers back.
		got := must(db.FindCaseByRef(secAdmin, "RET-OLD-2"))(t)
		got.Identifiers = nrm.Identifiers{Name: plantedName, Phone: "+4500000000"}
		if err := db.UpdateCase(secAdmin, got); err != nil {
			t.Fatal(err)
		}
		again := must(db.FindCaseByRef(secAdmin, "RET-OLD-2"))(t)
		if !again.Identifiers.IsZero() || again.PurgedAt == nil {
			t.Fatalf("identifiers came back after purge: %+v", again.Identifiers)
		}
		var blob []byte
		if err := db.SQL().QueryRow("SELECT identifiers FROM cases WHERE ref = 'RET-OLD-2'").Scan(&blob); err != nil {
			t.Fatal(err)
		}
		if len(blob) != 0 {
			t.Fatal("identifiers stored on a purged case")
		}
		// Updating a purged case should keep its statistics (the age
		// computed from the exact birth date before the purge).
		one := must(db.FindCaseByRef(secAdmin, "RET-OLD-1"))(t)
		one.Contacts[0].Place = "Aarhus"
		if err := db.UpdateCase(secAdmin, one); err != nil {
			t.Fatal(err)
		}
		if after := snapshot(); after != before {
			t.Fatal("an update of a purged case changed the statistics")
		}
	})
}

func TestConcurrentFailuresAreAllCounted(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		mustCreateUser(t, db, "nora", nrm.RoleCaseworker)
		done := make(chan error)
		for i := range 8 {
			go func() {
				_, _, err := db.Login(context.Background(), "nora", "wrong guess number "+fmt.Sprint(i), fmt.Sprintf("198.51.100.%d", i))
				done <- err
			}()
		}
		for range 8 {
			if err := <-done; !isLoginFailure(err) {
				t.Fatal(err)
			}
		}
		// Attempts that found the account already locked are refused
		// without counting; every wrong password must be counted.
		entries := must(db.FindAudit(secAdmin, sqlstore.AuditFilter{Entity: "user", Limit: 100}))(t)
		wrong := 0
		for _, e := range entries {
			if e.Action == "auth.login_failed" && strings.HasPrefix(e.Detail, "wrong password") {
				wrong++
			}
		}
		u, err := db.FindUserByUsername(secAdmin, "nora")
		if err != nil || wrong < 5 || u.FailedLogins != wrong || u.LockedUntil == nil {
			t.Fatalf("lost updates under concurrency: %d wrong passwords audited; %v %+v", wrong, err, u)
		}
	})
}
