package cli

import (
	"errors"
	"io/fs"
	"syscall"

	"nrm/internal/textpat"
)

// messagesDA gives the Danish of the messages that the packages below the
// command line write in English — the Message of an *nrm.Error from the
// domain, storage and file readers, and the errors of cobra and pflag when
// a command line cannot be read — as textpat patterns: {} keeps a part (a
// name, a number, a path) as it is. FormatError uses it for --lang da.
var messagesDA = textpat.Compile([][2]string{
	// Records that are not there, or already are.
	{`A case with reference {} already exists.`, `Der findes allerede en sag med referencen {}.`},
	{`A record with this key already exists.`, `Der findes allerede en post med denne nøgle.`},
	{`A referenced record does not exist.`, `En post, der henvises til, findes ikke.`},
	{`A user named {} already exists.`, `Der findes allerede en bruger med navnet {}.`},
	{`Action plan {} not found.`, `Handlingsplanen {} findes ikke.`},
	{`Activity {} of plan {} not found.`, `Aktiviteten {} i handlingsplanen {} findes ikke.`},
	{`Case not found.`, `Sagen findes ikke.`},
	{`The search is not valid.`, `Søgningen er ikke gyldig.`},
	{`The worklist's filter is not valid.`, `Opgavelistens filter er ikke gyldigt.`},
	{`The worklist's window is not valid.`, `Opgavelistens periode er ikke gyldig.`},
	{`The reflection period is longer than the statutory maximum.`, `Refleksionsperioden er længere end lovens maksimum.`},
	{`The e-mail address is not valid.`, `E-mailadressen er ikke gyldig.`},
	{`The sender's e-mail address is not valid.`, `Afsenderens e-mailadresse er ikke gyldig.`},
	{`No SMTP server is given.`, `Der er ikke angivet en SMTP-server.`},
	{`The time of the digest is not valid.`, `Tidspunktet for opgaveoversigten er ikke gyldigt.`},
	{`Unknown role.`, `Ukendt rolle.`},
	{`digest to user {}: {}`, `oversigten til bruger {} kunne ikke sendes: {}`},
	{`The two cases cannot be merged: they record different facts about the person that cannot both be true.`, `Sagerne kan ikke lægges sammen: de indeholder oplysninger om personen, der ikke begge kan være sande.`},
	{`Consent not found.`, `Samtykket findes ikke.`},
	{`Edition {} of {} not found.`, `Udgave {} af {} findes ikke.`},
	{`Edition {} of {} has no {} file.`, `Udgave {} af {} har ingen {}-fil.`},
	{`No edition of {} has been published.`, `Der er ikke offentliggjort nogen udgave af {}.`},
	{`Funding entry not found.`, `Bevillingsposten findes ikke.`},
	{`Output {} not found.`, `Resultat {} findes ikke.`},
	{`Referral not found.`, `Henvisningen findes ikke.`},
	{`Document not found.`, `Dokumentet findes ikke.`},
	{`The document is not valid.`, `Dokumentet er ikke gyldigt.`},
	{`The journal entry has invalid fields.`, `Journalnotatet har ugyldige felter.`},
	{`The case's identifiers were purged; nothing can be added to it.`, `Sagens identifikationsoplysninger er slettet; der kan ikke tilføjes noget til den.`},
	{`Only the owning organisation may delete a case's documents.`, `Kun den organisation, der ejer sagen, kan slette dens dokumenter.`},
	{`User not found.`, `Brugeren findes ikke.`},
	{`Working group {} not found.`, `Arbejdsgruppen {} findes ikke.`},
	{`Action plan {} has no evaluation.`, `Handlingsplanen {} har ingen evaluering.`},
	{`Unknown kind of fact.`, `Ukendt type oplysning.`},
	{`Unknown setting.`, `Ukendt indstilling.`},
	{`No active API token of that name.`, `Der er ingen aktiv API-nøgle med det navn.`},
	{`No identifier key is configured.`, `Der er ingen nøgle til identifikationsoplysninger.`},
	{`unknown {} {}`, `ukendt {} {}`},
	{`unknown code set {}`, `ukendt kodeliste {}`},

	// Invalid fields: the field errors follow on their own lines.
	{`Invalid command-line values.`, `Ugyldige værdier på kommandolinjen.`},
	{`Invalid field assignments.`, `Ugyldige feltændringer.`},
	{`The action plan has invalid fields.`, `Handlingsplanen har ugyldige felter.`},
	{`The case has invalid fields.`, `Sagen har ugyldige felter.`},
	{`The consent has invalid fields.`, `Samtykket har ugyldige felter.`},
	{`The country has invalid fields.`, `Landet har ugyldige felter.`},
	{`The filter has invalid fields.`, `Filteret har ugyldige felter.`},
	{`The funding entry has invalid fields.`, `Bevillingsposten har ugyldige felter.`},
	{`The evaluation has invalid fields.`, `Evalueringen har ugyldige felter.`},
	{`The import has invalid fields.`, `Importen har ugyldige felter.`},
	{`The meeting has invalid fields.`, `Mødet har ugyldige felter.`},
	{`The organisation has invalid fields.`, `Organisationen har ugyldige felter.`},
	{`The output has invalid fields.`, `Resultatet har ugyldige felter.`},
	{`The outreach service has invalid fields.`, `Det opsøgende tilbud har ugyldige felter.`},
	{`The outreach statistic has invalid fields.`, `Opgørelsen for det opsøgende tilbud har ugyldige felter.`},
	{`The prosecution row has invalid fields.`, `Rækken med retsforfølgning har ugyldige felter.`},
	{`The queue has invalid fields.`, `Køen har ugyldige felter.`},
	{`The reference group has invalid fields.`, `Referencegruppen har ugyldige felter.`},
	{`The reference network has invalid fields.`, `Referencenetværket har ugyldige felter.`},
	{`The referral has invalid fields.`, `Henvisningen har ugyldige felter.`},
	{`The status entry has invalid fields.`, `Statusindførslen har ugyldige felter.`},
	{`The working group has invalid fields.`, `Arbejdsgruppen har ugyldige felter.`},
	{`The source note has invalid fields.`, `Kildenoten har ugyldige felter.`},
	{`The screening figure has invalid fields.`, `Screeningstallet har ugyldige felter.`},
	{`Source note not found.`, `Kildenoten findes ikke.`},
	{`Screening figure not found.`, `Screeningstallet findes ikke.`},
	{`The body has fields that cannot be patched here.`, `Indholdet har felter, der ikke kan ændres her.`},
	{`The body has fields that cannot be read.`, `Indholdet har felter, der ikke kan læses.`},
	{`The setting is not valid.`, `Indstillingen er ugyldig.`},
	{`The user is not valid.`, `Brugeren er ugyldig.`},
	{`The retention period is not valid.`, `Opbevaringsperioden er ugyldig.`},
	{`The password does not meet the password policy.`, `Adgangskoden opfylder ikke reglerne for adgangskoder.`},
	{`The token needs a name.`, `API-nøglen skal have et navn.`},
	{`The token name is too long.`, `API-nøglens navn er for langt.`},
	{`Too many entries in one import.`, `For mange poster i én import.`},
	{`invalid date {}`, `ugyldig dato {}`},
	{`invalid edition`, `ugyldig udgave`},
	{`invalid reporting year {}`, `ugyldigt rapportår {}`},
	{`report: invalid reporting year {}`, `ugyldigt rapportår {}`},
	{`report: negative disclosure threshold {}`, `negativ diskretionsgrænse {}`},
	{`report: no statistics`, `der er ingen statistik at lave rapporten af`},
	{`statistics.clearance: unknown role {} in {}`, `statistics.clearance: ukendt rolle {} i {}`},
	{`planio: ReadPlanCSV needs the plan's head (code, names, period)`, `en handlingsplan i CSV-form kræver planens hoved (kode, navne, periode)`},

	// Files: "The plan file is empty." names the file by its kind.
	{`The {} file cannot be read.`, `{}kan ikke læses.`},
	{`The {} file has invalid fields.`, `{}har ugyldige felter.`},
	{`The {} file is empty.`, `{}er tom.`},
	{`The {} file is too large.`, `{}er for stor.`},
	{`The {} file is invalid.`, `{}er ugyldig.`},
	{`plan`, `Planfilen `},
	{`network`, `Netværksfilen `},
	{`outputs`, `Resultatfilen `},
	{`plan CSV`, `CSV-filen med handlingsplanen `},
	{`organisations CSV`, `CSV-filen med organisationerne `},
	{`The country mapping has {} problem(s).`, `Listen over lande og regioner har {} fejl.`},

	// Rules of the mechanism and of access.
	{`A correction of recorded facts needs a reason.`, `En rettelse af registrerede oplysninger kræver en begrundelse.`},
	{`A new fact gets its id when it is stored.`, `En ny oplysning får sit nummer, når den gemmes.`},
	{`Only an administrator may change the owning organisation.`, `Kun en administrator kan ændre den ejende organisation.`},
	{`Only an assessor of the authority that made the decision may decide its reconsideration.`, `Kun en sagsbehandler hos den myndighed, der traf afgørelsen, kan afgøre genoptagelsen.`},
	{`Only the owning organisation may change whom a case is shared with.`, `Kun den ejende organisation kan ændre, hvem en sag deles med.`},
	{`Record consents and referrals once the case exists (they are not part of a new case).`, `Registrér samtykker og henvisninger, når sagen er oprettet (de er ikke en del af en ny sag).`},
	{`The case cannot be reopened.`, `Sagen kan ikke genåbnes.`},
	{`The case has no such fact.`, `Sagen har ingen sådan oplysning.`},
	{`The case reference cannot be changed.`, `Sagsreferencen kan ikke ændres.`},
	{`The case was changed by someone else (version {}, you edited version {}). Reload it and make your change again.`, `Sagen er ændret af en anden (version {}, du rettede i version {}). Hent den igen, og lav din ændring igen.`},
	{`The case was changed by someone else. Reload it and make your change again.`, `Sagen er ændret af en anden. Hent den igen, og lav din ændring igen.`},
	{`The change is not possible while the case is closed.`, `Ændringen er ikke mulig, mens sagen er afsluttet.`},
	{`The consent was already withdrawn.`, `Samtykket er allerede trukket tilbage.`},
	{`The cut-off date must not be before the reporting year.`, `Opgørelsesdatoen må ikke ligge før rapportåret.`},
	{`The id of a fact cannot change.`, `En oplysnings nummer kan ikke ændres.`},
	{`The referral has already been dealt with.`, `Henvisningen er allerede behandlet.`},
	{`The referral rests on a consent the case does not have.`, `Henvisningen bygger på et samtykke, som sagen ikke har.`},
	{`The referral was changed by someone else. Reload it and try again.`, `Henvisningen er ændret af en anden. Hent den igen, og prøv igen.`},
	{`You cannot disable your own account.`, `Du kan ikke deaktivere din egen konto.`},
	{`You do not have permission to do this.`, `Du har ikke adgang til at gøre dette.`},
	{`You may only record assessments for your own authority.`, `Du kan kun registrere vurderinger for din egen myndighed.`},
	{`You may only register cases for your own organisation.`, `Du kan kun registrere sager for din egen organisation.`},

	// Users and signing in.
	{`Another administrator must reset your two-factor sign-in.`, `En anden administrator skal nulstille din totrinsgodkendelse.`},
	{`Invalid API token.`, `Ugyldig API-nøgle.`},
	{`Invalid username, password or code.`, `Forkert brugernavn, adgangskode eller kode.`},
	{`Set up two-factor sign-in first.`, `Opsæt totrinsgodkendelse først.`},
	{`Start the set-up of two-factor sign-in first.`, `Start opsætningen af totrinsgodkendelse først.`},
	{`The code is not valid. Check that your device's clock is right and try the next code.`, `Koden er ugyldig. Kontrollér, at din enheds ur går rigtigt, og prøv den næste kode.`},
	{`The new password must differ from the current one.`, `Den nye adgangskode skal være forskellig fra den nuværende.`},
	{`Two-factor sign-in is already set up.`, `Totrinsgodkendelse er allerede sat op.`},
	{`Two-factor sign-in is already set up; an administrator can reset it.`, `Totrinsgodkendelse er allerede sat op; en administrator kan nulstille den.`},
	{`Your session has ended. Please sign in again.`, `Din session er udløbet. Log ind igen.`},

	// Backups.
	{`{} already exists; a backup never overwrites a file.`, `{} findes allerede; en sikkerhedskopi overskriver aldrig en fil.`},
	{`{} exists; restore into a new file, or give --force to replace it.`, `{} findes allerede; gendan til en ny fil, eller angiv --force for at erstatte den.`},
	{`The target database is not empty; restore into a new database, or give --force to replace its contents.`, `Måldatabasen er ikke tom; gendan til en ny database, eller angiv --force for at erstatte dens indhold.`},
	{`{} is not a readable database: {}`, `{} er ikke en database, der kan læses: {}`},
	{`{} is damaged: {}`, `{} er beskadiget: {}`},
	{`{} is not an nrm database: {}`, `{} er ikke en nrm-database: {}`},
	{`the backup holds no cases table: not an nrm backup`, `sikkerhedskopien har ingen sager: det er ikke en sikkerhedskopi fra nrm`},
	{`the backup's cases table lacks the identifier columns: not an nrm backup`, `sikkerhedskopiens sager mangler identifikationsoplysningerne: det er ikke en sikkerhedskopi fra nrm`},
	{`the backup's sealed identifiers are not in hex form`, `sikkerhedskopiens forseglede identifikationsoplysninger er ikke skrevet hexadecimalt`},
	{`{} not found: install the PostgreSQL client programs`, `{} findes ikke: installér PostgreSQL's klientprogrammer`},
	{`backup: {}`, `sikkerhedskopi: {}`},
	{`file is not a database (26)`, `filen er ikke en database`},
	{`unable to open database file (14)`, `databasefilen kan ikke åbnes`},
	{`database disk image is malformed (11)`, `databasefilen er beskadiget`},
	{`restore: {}`, `gendannelse: {}`},

	// The command line itself (cobra and pflag).
	{`unknown command {} for {}`, `ukendt kommando {} til {}`},
	{"unknown command {} for {}\n\nDid you mean this?\n{}", "ukendt kommando {} til {}\n\nMente du:\n{}"},
	{`invalid argument {} for {}`, `ugyldigt argument {} til {}`},
	{`requires at least {} arg(s), only received {}`, `kræver mindst {} argument(er), fik kun {}`},
	{`accepts at most {} arg(s), received {}`, `tager højst {} argument(er), fik {}`},
	{`accepts {} arg(s), received {}`, `tager {} argument(er), fik {}`},
	{`accepts between {} and {} arg(s), received {}`, `tager mellem {} og {} argument(er), fik {}`},
	{`required flag(s) {} not set`, `påkrævet flag mangler: {}`},
	{`if any flags in the group [{}] are set they must all be set; missing {}`, `bruges et af flagene [{}], skal alle bruges; mangler {}`},
	{`at least one of the flags in the group [{}] is required`, `mindst ét af flagene [{}] skal bruges`},
	{`if any flags in the group [{}] are set none of the others can be; {} were all set`, `bruges et af flagene [{}], kan de andre ikke bruges; {} blev alle brugt`},
	{`unknown flag: {}`, `ukendt flag: {}`},
	{`unknown shorthand flag: {} in {}`, `ukendt kort flag: {} i {}`},
	{`flag needs an argument: {} in {}`, `flaget skal have en værdi: {} i {}`},
	{`flag needs an argument: {}`, `flaget skal have en værdi: {}`},
	{`invalid argument {} for {} flag: {}`, `ugyldig værdi {} til flaget {}: {}`},
	{`bad flag syntax: {}`, `forkert skrevet flag: {}`},
	{`strconv.ParseInt: parsing {}: invalid syntax`, `{} er ikke et helt tal`},
	{`strconv.ParseUint: parsing {}: invalid syntax`, `{} er ikke et helt tal`},
	{`strconv.ParseFloat: parsing {}: invalid syntax`, `{} er ikke et tal`},
	{`strconv.ParseBool: parsing {}: invalid syntax`, `{} er hverken true eller false`},
	{`strconv.ParseInt: parsing {}: value out of range`, `{} er for stort`},
	{`time: invalid duration {}`, `{} er ikke en varighed (fx 30s, 15m eller 2h)`},
	{`time: missing unit in duration {}`, `{} mangler en enhed (fx 30s, 15m eller 2h)`},
})

// messageDanish returns the Danish of an English message, and whether
// there is one.
func messageDanish(s string) (string, bool) { return messagesDA.Translate(s) }

// osErrorDanish words a file-system error in Danish: what was done to
// which file, and what went wrong in the commonest cases.
func osErrorDanish(err error) (string, bool) {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return "", false
	}
	op := map[string]string{"open": "åbne", "read": "læse", "write": "skrive", "stat": "læse", "lstat": "læse",
		"mkdir": "oprette mappen", "remove": "fjerne", "rename": "omdøbe", "chmod": "ændre rettighederne for", "close": "lukke"}[pe.Op]
	if op == "" {
		op = "bruge"
	}
	why := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, fs.ErrNotExist):
		why = "filen eller mappen findes ikke"
	case errors.Is(pe.Err, fs.ErrPermission):
		why = "ingen adgang"
	case errors.Is(pe.Err, fs.ErrExist):
		why = "findes allerede"
	case errors.Is(pe.Err, syscall.ENOSPC):
		why = "der er ikke mere plads på disken"
	case errors.Is(pe.Err, syscall.EISDIR):
		why = "det er en mappe"
	case errors.Is(pe.Err, syscall.ENOTDIR):
		why = "en del af stien er ikke en mappe"
	}
	return "Kan ikke " + op + " " + pe.Path + ": " + why, true
}
