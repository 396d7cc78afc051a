package web

// The labels of accounts: one-time passwords, the forced set-up (password
// change, two-factor enrolment, recovery codes), the administrator's
// resets and the settings page, kept apart from the main table and merged
// into it at start-up.
var accountTranslations = map[string][2]string{
	"login.onetime_expired":  {"Engangsadgangskoden er udløbet. Bed en administrator om en ny.", "The one-time password has expired. Ask an administrator for a new one."},
	"login.recovery_help":    {"Har du mistet din telefon, kan du i stedet indtaste en af dine gendannelseskoder. Hver kode virker én gang.", "If you have lost your phone, enter one of your recovery codes instead. Each code works once."},
	"login.code_or_recovery": {"Kode fra appen eller gendannelseskode", "Code from the app or recovery code"},

	"setup.api":      {"Gør først opsætningen af din konto færdig i webapplikationen: skift engangsadgangskoden, og slå totrinsgodkendelse til.", "Finish setting up your account in the web application first: change the one-time password and set up two-factor sign-in."},
	"setup.password": {"Du er logget ind med en engangsadgangskode fra en administrator. Vælg din egen adgangskode, før du kan gøre andet. Derefter logger du ind med den nye.", "You signed in with a one-time password from an administrator. Choose your own password before you can do anything else. Then you sign in with the new one."},
	"setup.expires":  {"Engangsadgangskoden holder op med at virke:", "The one-time password stops working:"},
	"setup.totp":     {"Din rolle skal bruge totrinsgodkendelse. Slå den til med en godkendelses-app på din telefon, før du kan gøre andet.", "Your role must use two-factor sign-in. Set it up with an authenticator app on your phone before you can do anything else."},
	"setup.recovery": {"Tag dine gendannelseskoder, før du fortsætter: de er din vej ind, hvis du mister din telefon.", "Take your recovery codes before you continue: they are your way in if you lose your phone."},

	"account.same_password":  {"Den nye adgangskode skal være en anden end den nuværende.", "The new password must differ from the current one."},
	"account.totp_must":      {"Din rolle skal bruge totrinsgodkendelse.", "Your role must use two-factor sign-in."},
	"account.recovery":       {"Gendannelseskoder", "Recovery codes"},
	"account.recovery_hint":  {"En gendannelseskode kan bruges én gang i stedet for koden fra appen, hvis du mister din telefon. Nye koder gør de tidligere ugyldige.", "A recovery code can be used once instead of the code from the app if you lose your phone. New codes make the earlier ones void."},
	"account.recovery_left":  {"Ubrugte gendannelseskoder:", "Unused recovery codes:"},
	"account.recovery_take":  {"Lav gendannelseskoder", "Create recovery codes"},
	"account.recovery_new":   {"Lav nye gendannelseskoder", "Create new recovery codes"},
	"account.recovery_shown": {"Dine gendannelseskoder. Skriv dem ned eller udskriv dem, og opbevar dem et sikkert sted: de vises kun denne ene gang.", "Your recovery codes. Write them down or print them and keep them in a safe place: they are shown only this once."},
	"account.continue":       {"Fortsæt", "Continue"},

	"users.password_state": {"Adgangskode", "Password"},
	"users.own_password":   {"Egen", "Own"},
	"users.onetime_until":  {"Engangs, til", "One-time, until"},
	"users.onetime_gone":   {"Engangs, udløbet", "One-time, expired"},
	"users.totp_missing":   {"Krævet, ikke slået til", "Required, not set up"},
	"users.actions":        {"Handlinger", "Actions"},
	"users.reset_password": {"Ny engangsadgangskode", "New one-time password"},
	"users.reset_totp":     {"Nulstil totrinsgodkendelse", "Reset two-factor sign-in"},
	"users.onetime_hint":   {"Adgangskoden er en engangsadgangskode: brugeren skal skifte den ved første login, og den udløber efter det antal timer, indstillingen for engangsadgangskoder angiver. Giv den til brugeren ad en sikker kanal.", "The password is a one-time password: the user must change it at the first sign-in, and it expires after the hours of the one-time password setting. Hand it to the user through a secure channel."},
	"users.issued":         {"Ny engangsadgangskode til", "New one-time password for"},
	"users.issued_hint":    {"Giv den til brugeren ad en sikker kanal. Den vises kun denne ene gang og skal skiftes ved første login. Den holder op med at virke:", "Hand it to the user through a secure channel. It is shown only this once and must be changed at the first sign-in. It stops working:"},
	"users.totp_reset":     {"Totrinsgodkendelsen er nulstillet. Brugeren slår den til igen ved næste login.", "Two-factor sign-in has been reset. The user sets it up again at the next sign-in."},
	"users.settings":       {"Indstillinger", "Settings"},

	"settings.title":      {"Indstillinger", "Settings"},
	"settings.lead":       {"Indstillingerne gælder for hele systemet. Hver ændring skrives i revisionsloggen.", "The settings apply to the whole system. Every change is written to the audit log."},
	"settings.value":      {"Værdi", "Value"},
	"settings.expected":   {"Forventet:", "Expected:"},
	"settings.default":    {"Standardværdi:", "Default:"},
	"settings.is_default": {"Standardværdien gælder.", "The default applies."},
	"settings.none":       {"(tom)", "(empty)"},
	"settings.save":       {"Gem", "Save"},
	"settings.reset":      {"Brug standardværdien", "Use the default"},
}

func init() {
	for k, v := range accountTranslations {
		translations[k] = v
	}
}
