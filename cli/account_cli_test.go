package cli_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/auth"
	"nrm/cli"
	"nrm/sqlstore"
)

// auditOf returns the audit entries of action.
func auditOf(t *testing.T, db *sqlstore.DB, action string) []*sqlstore.AuditEntry {
	t.Helper()
	all, err := db.FindAudit(nrm.NewContextWithActor(context.Background(), nrm.SystemActor), sqlstore.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*sqlstore.AuditEntry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func TestCLISettings(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init")
	list := e.ok("settings", "list")
	for _, d := range nrm.Settings() {
		if !strings.Contains(list, d.Key) || !strings.Contains(list, d.Label(nrm.LangEN)) {
			t.Errorf("list lacks %s:\n%s", d.Key, list)
		}
	}
	if !strings.Contains(list, `"72" (default)`) || !strings.Contains(list, `"admin,coordinator,assessor" (default)`) {
		t.Fatalf("defaults not shown:\n%s", list)
	}
	if got := strings.TrimSpace(e.ok("settings", "get", "password.onetime_hours")); got != "72" {
		t.Fatalf("get: %q", got)
	}

	// Each fault is refused with the setting's label and what it takes,
	// in the chosen language; nothing is stored.
	for _, tc := range []struct{ key, value, want string }{
		{"password.onetime_hours", "0", "One-time password validity (hours) is out of range (value \"0\"); expected: a whole number of hours from 1 to 720"},
		{"password.onetime_hours", "soon", "One-time password validity (hours) has an invalid format"},
		{"twofactor.roles", "admin,boss", "Roles that must use two-factor sign-in has an unknown value (value \"boss\")"},
		{"statistics.clearance", "coordinator@", "Clearance for exact statistics has an invalid format"},
		{"reconsideration.days", "4000", "Deadline for deciding a reconsideration (days) is out of range"},
		{"password.forever", "1", "Setting has an unknown value (value \"password.forever\"); expected: one of password.onetime_hours"},
	} {
		_, errOut, code := e.nrm("settings", "set", tc.key, tc.value)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("set %s %q: exit %d\n%s", tc.key, tc.value, code, errOut)
		}
	}
	var out, errOut bytes.Buffer
	code := cli.Execute([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "da", "settings", "set", "password.onetime_hours", "0"}, &out, &errOut)
	if code == 0 || !strings.Contains(errOut.String(), "Engangsadgangskoders gyldighed (timer) er uden for det tilladte interval (værdi \"0\"); forventet: et helt antal timer fra 1 til 720") {
		t.Errorf("Danish message: %s", errOut.String())
	}
	if got := strings.TrimSpace(e.ok("settings", "get", "password.onetime_hours")); got != "72" {
		t.Fatalf("a refused value was stored: %q", got)
	}

	if out := e.ok("settings", "set", "password.onetime_hours", " 24 "); !strings.Contains(out, `One-time password validity (hours) (password.onetime_hours) is now "24".`) {
		t.Fatalf("set: %s", out)
	}
	e.ok("settings", "set", "twofactor.roles", "")
	if got := e.ok("settings", "get", "twofactor.roles"); got != "\n" {
		t.Fatalf("empty roles: %q", got)
	}
	// The new validity applies to the next one-time password.
	start := time.Now()
	out1 := e.ok("user", "add", "pia", "--role", "admin", "--org", "CMM")
	if !strings.Contains(out1, "The one-time password works until "+start.Add(24*time.Hour).Local().Format("2006-01-02 15:")) ||
		strings.Contains(out1, "two-factor") {
		t.Errorf("add with 24 hours and no two-factor roles:\n%s", out1)
	}
	if out := e.ok("settings", "reset", "password.onetime_hours"); !strings.Contains(out, `is now "72" (default)`) {
		t.Fatalf("reset: %s", out)
	}
	db := e.open()
	saves := auditOf(t, db, "setting.save")
	if len(saves) != 2 || saves[0].EntityID != "password.onetime_hours" || saves[0].Detail != `from default to "24"` || saves[0].Username != "system" {
		t.Fatalf("audit of the changes: %+v", saves)
	}
	if resets := auditOf(t, db, "setting.reset"); len(resets) != 1 || resets[0].Detail != `from "24" to default` {
		t.Fatalf("audit of the reset: %+v", resets)
	}
}

func TestCLIUserResetPasswordAndTwoFactor(t *testing.T) {
	e := newSecEnv(t)
	e.ok("init")
	out := e.ok("user", "add", "anna", "--role", "assessor", "--org", "US", "--authority", "US")
	pw := oneTime(t, out)
	if !strings.Contains(out, "must be changed at the first sign-in") || !strings.Contains(out, "The role must use two-factor sign-in") {
		t.Fatalf("add does not say what the first sign-in asks:\n%s", out)
	}
	if list := e.ok("user", "list"); !strings.Contains(list, "one-time until") || !strings.Contains(list, "required, not set up") {
		t.Fatalf("list:\n%s", list)
	}

	// Anna sets her own password and two-factor sign-in with codes.
	ctx := context.Background()
	db := e.open()
	u, err := db.FindUserByUsername(nrm.NewContextWithActor(ctx, nrm.SystemActor), "anna")
	if err != nil {
		t.Fatal(err)
	}
	self := nrm.NewContextWithActor(ctx, u.Actor("test"))
	if err := db.SetPassword(self, "anna", "anna's own passphrase"); err != nil {
		t.Fatal(err)
	}
	raw, err := db.EnrollTOTP(self, "anna")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := url.Parse(raw)
	code, _ := auth.TOTPCode(p.Query().Get("secret"), time.Now().Add(-30*time.Second))
	if err := db.ConfirmTOTP(self, "anna", code); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewRecoveryCodes(self, "anna"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if list := e.ok("user", "list"); !strings.Contains(list, "yes (10 recovery codes)") || !strings.Contains(list, " own ") {
		t.Fatalf("list after the set-up:\n%s", list)
	}

	// --twofactor: the factor and the codes go, the password stays.
	out = e.ok("user", "reset", "anna", "--twofactor")
	if strings.Contains(out, "One-time password") || !strings.Contains(out, "Two-factor sign-in and the recovery codes of \"anna\" are removed") {
		t.Fatalf("reset --twofactor:\n%s", out)
	}
	db = e.open()
	if _, s, err := db.Login(ctx, "anna", "anna's own passphrase", "192.0.2.1"); err != nil || s.Pending {
		t.Fatalf("password after a two-factor reset: %v", err)
	}
	got, _ := db.FindUserByUsername(nrm.NewContextWithActor(ctx, nrm.SystemActor), "anna")
	if got.TOTPEnabled || got.RecoveryCodes != 0 || got.MustChangePassword() || !got.MustEnrolTOTP() {
		t.Fatalf("after the two-factor reset: %+v", got)
	}
	if r := auditOf(t, db, "user.totp_reset"); len(r) != 1 || r[0].Username != "system" {
		t.Fatalf("two-factor reset audit: %+v", r)
	}
	db.Close()

	// Without --twofactor: a new one-time password.
	pw2 := oneTime(t, e.ok("user", "reset", "anna"))
	if pw2 == pw {
		t.Fatal("the same one-time password twice")
	}
	db = e.open()
	if _, _, err := db.Login(ctx, "anna", "anna's own passphrase", "192.0.2.1"); nrm.ErrorCode(err) != nrm.EUNAUTHORIZED {
		t.Fatalf("the old password after a reset: %v", err)
	}
	if _, _, err := db.Login(ctx, "anna", pw2, "192.0.2.1"); err != nil {
		t.Fatalf("the reset password: %v", err)
	}
	for _, en := range auditOf(t, db, "user.password_reset") {
		if strings.Contains(en.Detail, pw2) {
			t.Fatalf("password in the audit log: %q", en.Detail)
		}
	}
	// Expired after the setting's hours: a clear message.
	db.Now = func() time.Time { return time.Now().Add(73 * time.Hour) }
	if _, _, err := db.Login(ctx, "anna", pw2, "192.0.2.1"); !errors.Is(err, nrm.ErrOneTimePasswordExpired) ||
		!strings.Contains(nrm.ErrorMessage(err), "Ask an administrator") {
		t.Fatalf("expired one-time password: %v", err)
	}
	db.Close()
	if _, _, code := e.nrm("user", "reset", "nobody", "--twofactor"); code == 0 {
		t.Fatal("reset of an unknown user succeeded")
	}
}
