package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/auth"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// lastAuditOf returns the newest audit entry of action.
func lastAuditOf(t *testing.T, db *sqlstore.DB, action string) *sqlstore.AuditEntry {
	t.Helper()
	entries, err := db.FindAudit(secAdmin, sqlstore.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Action == action {
			return entries[i]
		}
	}
	t.Fatalf("no audit entry %s", action)
	return nil
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func findUser(t *testing.T, db *sqlstore.DB, name string) *nrm.User {
	t.Helper()
	u, err := db.FindUserByUsername(secAdmin, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestOneTimePasswords(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		ctx := context.Background()
		u := mustCreateUser(t, db, "ola", nrm.RoleCaseworker)

		// A new account's password is one-time: it expires after the
		// default 72 hours and must be changed.
		got := findUser(t, db, "ola")
		if !got.MustChangePassword() || !got.PasswordExpiresAt.Equal(clock.t.Add(72*time.Hour)) {
			t.Fatalf("new account: expires %v, want %v", got.PasswordExpiresAt, clock.t.Add(72*time.Hour))
		}
		if e := lastAuditOf(t, db, "user.create"); !strings.Contains(e.Detail, "one-time password valid 72 hours") || strings.Contains(e.Detail, secPassword) {
			t.Errorf("create audit: %q", e.Detail)
		}
		token, _, err := db.Login(ctx, "ola", secPassword, "192.0.2.1")
		if err != nil {
			t.Fatalf("one-time password within its time: %v", err)
		}
		if au, _, err := db.Authenticate(ctx, token); err != nil || !au.MustChangePassword() || !au.SetupPending() {
			t.Fatalf("session of a one-time password: %v %+v", err, au)
		}

		// The change must give a different password: else the given one
		// would go on working.
		err = db.SetPassword(selfCtx(u), "ola", secPassword)
		if fe := nrm.FieldErrors(err); nrm.ErrorCode(err) != nrm.EINVALID || len(fe) != 1 || fe[0].Field != "password" || fe[0].Rule != nrm.RuleNotAllowed {
			t.Fatalf("the same password again: %v", err)
		}
		if err := db.SetPassword(selfCtx(u), "ola", "ola's own passphrase"); err != nil {
			t.Fatal(err)
		}
		if got := findUser(t, db, "ola"); got.MustChangePassword() {
			t.Fatal("the user's own password is still one-time")
		}
		if _, _, err := db.Authenticate(ctx, token); err == nil {
			t.Fatal("the session of the one-time password survived the change")
		}
		if _, _, err := db.Login(ctx, "ola", secPassword, "192.0.2.1"); !isLoginFailure(err) {
			t.Fatalf("the one-time password after the change: %v", err)
		}
		if _, _, err := db.Login(ctx, "ola", "ola's own passphrase", "192.0.2.1"); err != nil {
			t.Fatalf("own password: %v", err)
		}
		// The user's own password never expires.
		clock.add(100 * 24 * time.Hour)
		if _, _, err := db.Login(ctx, "ola", "ola's own passphrase", "192.0.2.1"); err != nil {
			t.Fatalf("own password after 100 days: %v", err)
		}

		// A password an administrator sets for someone is one-time.
		if err := db.SetPassword(secAdmin, "ola", "chosen by the admin"); err != nil {
			t.Fatal(err)
		}
		if got := findUser(t, db, "ola"); !got.MustChangePassword() || !got.PasswordExpiresAt.Equal(clock.t.Add(72*time.Hour)) {
			t.Fatalf("administrator's password: %+v", got.PasswordExpiresAt)
		}
		if e := lastAuditOf(t, db, "user.password"); !strings.Contains(e.Detail, "one-time password set by an administrator") || strings.Contains(e.Detail, "chosen") {
			t.Errorf("password audit: %q", e.Detail)
		}

		// Expired: the right password is told so; a wrong one gets the
		// one answer; neither counts towards the lock-out.
		clock.add(72 * time.Hour)
		for range 6 {
			if _, _, err := db.Login(ctx, "ola", "chosen by the admin", "192.0.2.2"); !errors.Is(err, nrm.ErrOneTimePasswordExpired) {
				t.Fatalf("expired one-time password: %v", err)
			}
		}
		if _, _, err := db.Login(ctx, "ola", "not chosen by anyone", "192.0.2.2"); !isLoginFailure(err) {
			t.Fatalf("wrong password of an expired account: %v", err)
		}
		if got := findUser(t, db, "ola"); got.FailedLogins != 1 || got.LockedUntil != nil {
			t.Fatalf("expired attempts counted: %d failures, locked %v", got.FailedLogins, got.LockedUntil)
		}
		if e := lastAuditOf(t, db, "auth.login_failed"); e.Detail != "wrong password" {
			t.Errorf("failure audit: %q", e.Detail)
		}

		// The setting sets the validity of the next one-time password;
		// a reset issues a random one, ends sessions and lifts a lock-out.
		if err := db.SetSetting(secAdmin, nrm.SettingPasswordOneTimeHours, "2"); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if _, _, err := db.Login(ctx, "ola", "guessing away at it", "192.0.2.3"); err == nil {
				t.Fatal("a wrong password was accepted")
			}
		}
		if findUser(t, db, "ola").LockedUntil == nil {
			t.Fatal("not locked")
		}
		if _, err := db.ResetPassword(selfCtx(u), "ola"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("reset by a caseworker: %v", err)
		}
		pw, err := db.ResetPassword(secAdmin, "OLA")
		if err != nil || len(pw) != 23 {
			t.Fatalf("reset: %q %v", pw, err)
		}
		got = findUser(t, db, "ola")
		if got.LockedUntil != nil || got.FailedLogins != 0 || !got.PasswordExpiresAt.Equal(clock.t.Add(2*time.Hour)) {
			t.Fatalf("after reset: %+v", got)
		}
		if e := lastAuditOf(t, db, "user.password_reset"); strings.Contains(e.Detail, pw) || !strings.Contains(e.Detail, "valid 2 hours") {
			t.Errorf("reset audit: %q", e.Detail)
		}
		if _, _, err := db.Login(ctx, "ola", "chosen by the admin", "192.0.2.4"); !isLoginFailure(err) {
			t.Fatalf("the password before the reset: %v", err)
		}
		if _, _, err := db.Login(ctx, "ola", pw, "192.0.2.4"); err != nil {
			t.Fatalf("reset password: %v", err)
		}
		clock.add(2*time.Hour + time.Second)
		if _, _, err := db.Login(ctx, "ola", pw, "192.0.2.4"); !errors.Is(err, nrm.ErrOneTimePasswordExpired) {
			t.Fatalf("reset password after 2 hours: %v", err)
		}
		if _, err := db.ResetPassword(secAdmin, "nobody"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("reset of an unknown user: %v", err)
		}
	})
}

var recoveryCodeFormat = regexp.MustCompile(`^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$`)

func TestTwoFactorRequiredAndRecoveryCodes(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		ctx := context.Background()
		u := mustCreateUser(t, db, "ida", nrm.RoleAssessor)
		mustCreateUser(t, db, "jon", nrm.RoleCaseworker)

		// Required per role: by default administrators, coordinators and
		// assessors.
		required := func(want map[string]bool) {
			t.Helper()
			for name, w := range want {
				if got := findUser(t, db, name); got.TOTPRequired != w || got.MustEnrolTOTP() != w {
					t.Errorf("%s: required %v, want %v", name, got.TOTPRequired, w)
				}
			}
		}
		required(map[string]bool{"ida": true, "jon": false})
		if err := db.SetSetting(secAdmin, nrm.SettingTwoFactorRoles, "caseworker"); err != nil {
			t.Fatal(err)
		}
		required(map[string]bool{"ida": false, "jon": true})
		if err := db.SetSetting(secAdmin, nrm.SettingTwoFactorRoles, ""); err != nil {
			t.Fatal(err)
		}
		required(map[string]bool{"ida": false, "jon": false})
		// A value broken behind the application's back requires it of all.
		if _, err := db.SQL().Exec("UPDATE settings SET value = 'nobody,admin' WHERE key = 'twofactor.roles'"); err != nil {
			t.Fatal(err)
		}
		required(map[string]bool{"ida": true, "jon": true})
		if err := db.ResetSetting(secAdmin, nrm.SettingTwoFactorRoles); err != nil {
			t.Fatal(err)
		}
		required(map[string]bool{"ida": true, "jon": false})

		// Recovery codes need two-factor sign-in, and only the user takes
		// them.
		if _, err := db.NewRecoveryCodes(selfCtx(u), "ida"); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("codes without two-factor: %v", err)
		}
		secret := enrollTOTP(t, db, u, clock)
		if got := findUser(t, db, "ida"); !got.MustTakeRecoveryCodes() || got.MustEnrolTOTP() {
			t.Fatal("enrolled without codes: set-up not pending")
		}
		if _, err := db.NewRecoveryCodes(secAdmin, "ida"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("codes taken by an administrator: %v", err)
		}
		codes, err := db.NewRecoveryCodes(selfCtx(u), "ida")
		if err != nil || len(codes) != nrm.RecoveryCodeCount {
			t.Fatalf("codes: %v %v", codes, err)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if !recoveryCodeFormat.MatchString(c) || seen[c] {
				t.Fatalf("bad or repeated code %q", c)
			}
			seen[c] = true
		}
		if got := findUser(t, db, "ida"); got.RecoveryCodes != 10 || got.RecoveryCodesLeft != 10 || got.MustTakeRecoveryCodes() {
			t.Fatalf("after taking codes: %d/%d", got.RecoveryCodesLeft, got.RecoveryCodes)
		}
		// Stored as argon2id hashes only.
		rows, err := db.SQL().Query("SELECT code_hash FROM recovery_codes")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				t.Fatal(err)
			}
			n++
			for _, c := range codes {
				if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, c) || strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
					t.Fatalf("code stored in clear or not hashed with argon2id: %q", h)
				}
			}
		}
		rows.Close()
		if n != 10 {
			t.Fatalf("%d code rows", n)
		}
		if e := lastAuditOf(t, db, "user.recovery_codes"); e.Detail != "10 recovery codes issued; earlier ones void" {
			t.Errorf("codes audit: %q", e.Detail)
		}

		// A code stands in for the TOTP code once, however it is typed.
		signIn := func() string {
			t.Helper()
			token, s, err := db.Login(ctx, "ida", secPassword, "192.0.2.1")
			if err != nil || !s.Pending {
				t.Fatalf("password step: %v", err)
			}
			return token
		}
		token := signIn()
		typed := " " + strings.ToUpper(strings.ReplaceAll(codes[0], "-", " - ")) + " "
		if err := db.VerifyTOTP(ctx, token, typed); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if _, _, err := db.Authenticate(ctx, token); err != nil {
			t.Fatalf("session after a recovery code: %v", err)
		}
		if got := findUser(t, db, "ida"); got.RecoveryCodesLeft != 9 {
			t.Fatalf("%d codes left", got.RecoveryCodesLeft)
		}
		if e := lastAuditOf(t, db, "auth.login"); e.Detail != "password and recovery code accepted; 9 recovery codes left" || strings.Contains(e.Detail, codes[0]) {
			t.Errorf("login audit: %q", e.Detail)
		}
		token = signIn()
		if err := db.VerifyTOTP(ctx, token, codes[0]); !isLoginFailure(err) {
			t.Fatalf("a used recovery code again: %v", err)
		}
		if got := findUser(t, db, "ida"); got.FailedLogins != 1 {
			t.Fatalf("a used code is not a counted failure: %d", got.FailedLogins)
		}
		// Two sign-ins racing with one code: only one gets in.
		tokens := []string{signIn(), signIn()}
		errs := make(chan error, 2)
		for _, tok := range tokens {
			go func() { errs <- db.VerifyTOTP(ctx, tok, codes[5]) }()
		}
		ok := 0
		for range tokens {
			if err := <-errs; err == nil {
				ok++
			} else if !isLoginFailure(err) {
				t.Fatal(err)
			}
		}
		if ok != 1 {
			t.Fatalf("one recovery code signed in %d times", ok)
		}
		if got := findUser(t, db, "ida"); got.RecoveryCodesLeft != 8 {
			t.Fatalf("after the race: %d left", got.RecoveryCodesLeft)
		}
		// The TOTP code still works beside the codes.
		clock.add(30 * time.Second)
		if err := db.VerifyTOTP(ctx, token, totpCode(t, secret, clock.t)); err != nil {
			t.Fatalf("TOTP code: %v", err)
		}

		// New codes void the old ones.
		codes2, err := db.NewRecoveryCodes(selfCtx(u), "ida")
		if err != nil {
			t.Fatal(err)
		}
		token = signIn()
		if err := db.VerifyTOTP(ctx, token, codes[1]); !isLoginFailure(err) {
			t.Fatalf("a code of the earlier set: %v", err)
		}
		if err := db.VerifyTOTP(ctx, token, codes2[9]); err != nil {
			t.Fatalf("a code of the new set: %v", err)
		}

		// Guessing codes locks the account like guessing TOTP codes.
		token = signIn()
		for i := range 5 {
			if err := db.VerifyTOTP(ctx, token, fmt.Sprintf("abcde-%05d", 22222+i)); !isLoginFailure(err) {
				t.Fatal(err)
			}
		}
		if got := findUser(t, db, "ida"); got.LockedUntil == nil {
			t.Fatal("guessing recovery codes did not lock the account")
		}
		clock.add(16 * time.Minute)

		// An administrator's reset removes the factor and the codes; not
		// on their own account.
		boss := mustCreateUser(t, db, "boss", nrm.RoleAdmin)
		if err := db.ResetTOTP(selfCtx(boss), "boss"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("own reset: %v", err)
		}
		if err := db.ResetTOTP(selfCtx(boss), "ida"); err != nil {
			t.Fatal(err)
		}
		if got := findUser(t, db, "ida"); got.TOTPEnabled || got.RecoveryCodes != 0 || !got.MustEnrolTOTP() {
			t.Fatalf("after reset: %+v", got)
		}
		var left int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM recovery_codes").Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d code rows after the reset (%v)", left, err)
		}
		token = signIn2(t, db, "ida")
		if err := db.VerifyTOTP(ctx, token, codes2[0]); !isLoginFailure(err) {
			t.Fatalf("a code after the reset: %v", err)
		}
		// A new enrolment starts without codes.
		clock.add(time.Minute)
		enrollTOTP(t, db, u, clock)
		if got := findUser(t, db, "ida"); got.RecoveryCodes != 0 || !got.MustTakeRecoveryCodes() {
			t.Fatalf("after enrolling again: %+v", got)
		}
	})
}

// signIn2 signs in with the password only (no two-factor set up).
func signIn2(t *testing.T, db *sqlstore.DB, name string) string {
	t.Helper()
	token, s, err := db.Login(context.Background(), name, secPassword, "192.0.2.1")
	if err != nil || s.Pending {
		t.Fatalf("sign-in of %s: %v", name, err)
	}
	return token
}

func TestSettingsStorage(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		coord := nrm.NewContextWithActor(context.Background(), &nrm.Actor{UserID: 7, Username: "coord", Role: nrm.RoleCoordinator, Org: "CMM"})
		worker := nrm.NewContextWithActor(context.Background(), &nrm.Actor{UserID: 8, Username: "worker", Role: nrm.RoleCaseworker, Org: "CMM"})

		vals, err := db.FindSettings(secAdmin)
		if err != nil || len(vals) != len(nrm.Settings()) {
			t.Fatalf("settings: %d %v", len(vals), err)
		}
		for _, v := range vals {
			if v.Set || v.Effective() != v.Def.Default {
				t.Errorf("%s is set on a new database", v.Def.Key)
			}
		}
		if _, err := db.FindSettings(worker); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker lists settings: %v", err)
		}

		// Unknown keys and bad values are refused, naming the fault.
		if err := db.SetSetting(secAdmin, "password.never_expire", "1"); nrm.ErrorCode(err) != nrm.EINVALID || nrm.FieldErrors(err)[0].Field != "setting" {
			t.Fatalf("unknown key: %v", err)
		}
		err = db.SetSetting(secAdmin, nrm.SettingPasswordOneTimeHours, "0")
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != nrm.SettingPasswordOneTimeHours || fe[0].Rule != nrm.RuleRange {
			t.Fatalf("0 hours: %v", err)
		}
		if err := db.SetSetting(secAdmin, nrm.SettingTwoFactorRoles, "admin,root"); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("unknown role: %v", err)
		}
		if v := must(db.Setting(secAdmin, nrm.SettingPasswordOneTimeHours))(t); v != "" {
			t.Fatalf("a refused value was stored: %q", v)
		}

		// The security settings are an administrator's.
		for _, key := range []string{nrm.SettingPasswordOneTimeHours, nrm.SettingTwoFactorRoles, nrm.SettingStatisticsClearance} {
			if err := db.SetSetting(coord, key, "admin"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Errorf("coordinator sets %s: %v", key, err)
			}
			if err := db.ResetSetting(coord, key); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Errorf("coordinator resets %s: %v", key, err)
			}
		}
		if err := db.SetSetting(worker, nrm.SettingReconsiderationDays, "40"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker sets a setting: %v", err)
		}
		if err := db.SetSetting(coord, nrm.SettingReconsiderationDays, " 40 "); err != nil {
			t.Fatalf("coordinator sets the deadline: %v", err)
		}

		// Stored normalised, audited with the old and the new value.
		if err := db.SetSetting(secAdmin, nrm.SettingPasswordOneTimeHours, " 24"); err != nil {
			t.Fatal(err)
		}
		if v := must(db.Setting(secAdmin, nrm.SettingPasswordOneTimeHours))(t); v != "24" {
			t.Fatalf("stored %q", v)
		}
		if e := lastAuditOf(t, db, "setting.save"); e.EntityID != nrm.SettingPasswordOneTimeHours || e.Detail != `from default to "24"` {
			t.Errorf("audit: %s %q", e.EntityID, e.Detail)
		}
		if err := db.SetSetting(secAdmin, nrm.SettingPasswordOneTimeHours, "48"); err != nil {
			t.Fatal(err)
		}
		if e := lastAuditOf(t, db, "setting.save"); e.Detail != `from "24" to "48"` {
			t.Errorf("audit: %q", e.Detail)
		}
		if err := db.SetSetting(secAdmin, nrm.SettingReportIntro, "Indledning med et navn i."); err != nil {
			t.Fatal(err)
		}
		if e := lastAuditOf(t, db, "setting.save"); e.Detail != "from default to text of 25 characters" {
			t.Errorf("text audit: %q", e.Detail)
		}
		if err := db.ResetSetting(secAdmin, nrm.SettingPasswordOneTimeHours); err != nil {
			t.Fatal(err)
		}
		if e := lastAuditOf(t, db, "setting.reset"); e.Detail != `from "48" to default` {
			t.Errorf("reset audit: %q", e.Detail)
		}
		vals = must(db.FindSettings(coord))(t)
		for _, v := range vals {
			want := v.Def.Key == nrm.SettingReconsiderationDays || v.Def.Key == nrm.SettingReportIntro
			if v.Set != want {
				t.Errorf("%s set=%v", v.Def.Key, v.Set)
			}
			if v.Def.Key == nrm.SettingReconsiderationDays && v.Value != "40" {
				t.Errorf("deadline %q", v.Value)
			}
		}
	})
}
