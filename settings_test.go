package nrm_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"nrm"
)

// TestSettingsValidation checks each known setting's values: the
// normalised form of good ones, and for each fault a message in Danish
// and English that names the setting's label and what it expects.
func TestSettingsValidation(t *testing.T) {
	keys := []string{}
	for _, d := range nrm.Settings() {
		keys = append(keys, d.Key)
		if d.Label(nrm.LangDA) == d.Key || d.Label(nrm.LangEN) == d.Key || d.Expected(nrm.LangDA) == d.Expected(nrm.LangEN) {
			t.Errorf("%s: label or expected text not translated", d.Key)
		}
		// The default is itself a valid value.
		if _, err := d.Check(d.Default); err != nil {
			t.Errorf("%s: default %q refused: %v", d.Key, d.Default, err)
		}
	}
	for _, want := range []string{nrm.SettingPasswordOneTimeHours, nrm.SettingTwoFactorRoles, nrm.SettingStatisticsClearance, nrm.SettingReconsiderationDays} {
		if !slices.Contains(keys, want) {
			t.Errorf("setting %s is not listed", want)
		}
	}

	for _, tc := range []struct {
		key, value, want string
	}{
		{nrm.SettingPasswordOneTimeHours, " 24 ", "24"},
		{nrm.SettingPasswordOneTimeHours, "720", "720"},
		{nrm.SettingTwoFactorRoles, " Admin, assessor ,admin,", "admin,assessor"},
		{nrm.SettingTwoFactorRoles, "", ""},
		{nrm.SettingStatisticsClearance, "admin, coordinator@cmm", "admin,coordinator@CMM"},
		{nrm.SettingStatisticsClearance, "", ""},
		{nrm.SettingReconsiderationDays, "45", "45"},
		{nrm.SettingReportIntro, "  Første afsnit.\r\n\r\nAndet.  ", "Første afsnit.\n\nAndet."},
	} {
		d, err := nrm.LookupSetting(tc.key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Check(tc.value)
		if err != nil || got != tc.want {
			t.Errorf("%s = %q: got %q, %v; want %q", tc.key, tc.value, got, err, tc.want)
		}
	}

	for _, tc := range []struct {
		key, value, rule    string
		labelDA, expectedDA string
		expectedEN          string
	}{
		{nrm.SettingPasswordOneTimeHours, "three days", nrm.RuleFormat, "Engangsadgangskoders gyldighed (timer)", "et helt antal timer fra 1 til 720", "a whole number of hours from 1 to 720"},
		{nrm.SettingPasswordOneTimeHours, "0", nrm.RuleRange, "Engangsadgangskoders gyldighed (timer)", "et helt antal timer fra 1 til 720", "a whole number of hours from 1 to 720"},
		{nrm.SettingPasswordOneTimeHours, "721", nrm.RuleRange, "Engangsadgangskoders gyldighed (timer)", "et helt antal timer fra 1 til 720", "a whole number of hours from 1 to 720"},
		{nrm.SettingTwoFactorRoles, "admin,boss", nrm.RuleOneOf, "Roller med krav om totrinsgodkendelse", "roller adskilt af komma", "roles separated by commas"},
		{nrm.SettingStatisticsClearance, "admin,chief@CMM", nrm.RuleOneOf, "Adgang til præcis statistik", "roller adskilt af komma, hver eventuelt", "roles separated by commas, each optionally"},
		{nrm.SettingStatisticsClearance, "coordinator@", nrm.RuleFormat, "Adgang til præcis statistik", "roller adskilt af komma, hver eventuelt", "roles separated by commas, each optionally"},
		{nrm.SettingReconsiderationDays, "-3", nrm.RuleRange, "Frist for afgørelse om genoptagelse (dage)", "et helt antal dage fra 1 til 3650", "a whole number of days from 1 to 3650"},
		{nrm.SettingReconsiderationDays, "30 days", nrm.RuleFormat, "Frist for afgørelse om genoptagelse (dage)", "et helt antal dage fra 1 til 3650", "a whole number of days from 1 to 3650"},
		{nrm.SettingReportIntro, strings.Repeat("x", 20001), nrm.RuleTooLong, "Årsrapportens indledning (dansk)", "tekst på højst 20000 tegn", "text of at most 20000 characters"},
	} {
		d := must(nrm.LookupSetting(tc.key))(t)
		_, err := d.Check(tc.value)
		fe := nrm.FieldErrors(err)
		if nrm.ErrorCode(err) != nrm.EINVALID || len(fe) != 1 || fe[0].Field != tc.key || fe[0].Rule != tc.rule {
			t.Errorf("%s = %.20q: %v, want rule %s", tc.key, tc.value, err, tc.rule)
			continue
		}
		da, en := fe[0].Message(nrm.LangDA), fe[0].Message(nrm.LangEN)
		if !strings.HasPrefix(da, tc.labelDA+" ") || !strings.Contains(da, "forventet: "+tc.expectedDA) {
			t.Errorf("%s = %.20q: Danish message %q", tc.key, tc.value, da)
		}
		if !strings.HasPrefix(en, d.Label(nrm.LangEN)+" ") || !strings.Contains(en, "expected: "+tc.expectedEN) {
			t.Errorf("%s = %.20q: English message %q", tc.key, tc.value, en)
		}
		if strings.Contains(da, tc.key) {
			t.Errorf("%s: the Danish message names the key instead of the label: %q", tc.key, da)
		}
	}

	// An unknown key names the known ones.
	_, err := nrm.LookupSetting("password.never_expires")
	fe := nrm.FieldErrors(err)
	if nrm.ErrorCode(err) != nrm.EINVALID || len(fe) != 1 || fe[0].Field != "setting" || fe[0].Rule != nrm.RuleOneOf {
		t.Fatalf("unknown key: %v", err)
	}
	if da := fe[0].Message(nrm.LangDA); !strings.HasPrefix(da, "Indstilling ") || !strings.Contains(da, "en af password.onetime_hours") {
		t.Errorf("unknown key, Danish: %q", da)
	}
}

// TestSettingPermissions: the security settings are an administrator's;
// a coordinator changes the others.
func TestSettingPermissions(t *testing.T) {
	for _, tc := range []struct {
		key   string
		coord bool
	}{
		{nrm.SettingPasswordOneTimeHours, false}, {nrm.SettingTwoFactorRoles, false}, {nrm.SettingStatisticsClearance, false},
		{nrm.SettingReconsiderationDays, true}, {nrm.SettingReportIntro, true},
	} {
		d := must(nrm.LookupSetting(tc.key))(t)
		if !d.MayChange(nrm.RoleAdmin) || d.MayChange(nrm.RoleCoordinator) != tc.coord || d.MayChange(nrm.RoleCaseworker) || d.MayChange(nrm.RoleAuditor) {
			t.Errorf("%s: who may change it is wrong", tc.key)
		}
	}
}

// TestTwoFactorRolesAndOneTimeHours reads the stored values: the default
// when unset, "" as no role, and a broken value failing safe.
func TestTwoFactorRolesAndOneTimeHours(t *testing.T) {
	if got := nrm.TwoFactorRoles("", false); !slices.Equal(got, []nrm.Role{nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAssessor}) {
		t.Errorf("default: %v", got)
	}
	if got := nrm.TwoFactorRoles("", true); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
	if got := nrm.TwoFactorRoles("caseworker", true); !slices.Equal(got, []nrm.Role{nrm.RoleCaseworker}) {
		t.Errorf("caseworker: %v", got)
	}
	if got := nrm.TwoFactorRoles("admin,nobody", true); len(got) != 6 {
		t.Errorf("a broken value must require two-factor of every role: %v", got)
	}
	for _, tc := range []struct {
		v    string
		set  bool
		want int
	}{{"", false, 72}, {"24", true, 24}, {"0", true, 72}, {"x", true, 72}, {"24", false, 72}} {
		if got := nrm.OneTimeHours(tc.v, tc.set); got != tc.want {
			t.Errorf("OneTimeHours(%q, %v) = %d, want %d", tc.v, tc.set, got, tc.want)
		}
	}
}

// TestUserSetupSteps: the set-up runs password change, two-factor
// enrolment, recovery codes, in that order.
func TestUserSetupSteps(t *testing.T) {
	exp := time.Now().Add(time.Hour)
	u := &nrm.User{Role: nrm.RoleAdmin, PasswordExpiresAt: &exp, TOTPRequired: true}
	if !u.MustChangePassword() || !u.SetupPending() {
		t.Fatal("one-time password: no set-up")
	}
	u.PasswordExpiresAt = nil
	if !u.MustEnrolTOTP() || !u.SetupPending() {
		t.Fatal("required two-factor: no set-up")
	}
	u.TOTPEnabled = true
	if u.MustEnrolTOTP() || !u.MustTakeRecoveryCodes() || !u.SetupPending() {
		t.Fatal("recovery codes: no set-up")
	}
	u.RecoveryCodes, u.RecoveryCodesLeft = 10, 0
	if u.SetupPending() {
		t.Fatal("set-up pending after every step (used-up codes do not reopen it)")
	}
	v := &nrm.User{Role: nrm.RoleCaseworker}
	if v.SetupPending() {
		t.Fatal("a user with nothing required has a set-up")
	}
}
