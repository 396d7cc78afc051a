package nrm

import (
	"strings"
	"sync"

	"nrm/internal/textpat"
)

// Danish for the "expected" part of field errors. Expected texts are
// written in English where the rule is checked; Message(LangDA) finds the
// pattern here that matches the whole text, preferring the one with the
// most literal text (see textpat). In a pattern, {} stands for a part kept
// as it is (a number, a date, a code, a list of codes, a line number); the
// Danish text takes the parts in order, or by number ({1}, {2}) where
// Danish needs another order or leaves one out. A kept part that is itself
// a known English text is translated too ("a whole number, not a text").
//
// An entry that ends in a space keeps what follows it, as if it ended in
// {} ("a date in " + a period). A text that matches no pattern is shown as
// written: that is right only for codes (US, 2012-spring, true, false),
// which the tests check. Other files add the texts of their own rules in
// init.
var expectedDA = []struct{ en, da string }{
	// Dates, years, periods and numbers.
	{"YYYY-MM-DD", "ÅÅÅÅ-MM-DD"},
	{"YYYY-MM-DD, from {}-01-01", "ÅÅÅÅ-MM-DD, fra {}-01-01"},
	{"a date YYYY-MM-DD", "en dato ÅÅÅÅ-MM-DD"},
	{"a real date written YYYY-MM-DD", "en gyldig dato skrevet ÅÅÅÅ-MM-DD"},
	{"a date", "en dato"},
	{"a date in {}", "en dato i {}"},
	{"a date in or after {}", "en dato i eller efter {}"},
	{"a date not in the future", "en dato, der ikke ligger i fremtiden"},
	{">= {}-01-01", "{}-01-01 eller senere"},
	{">= {}", "mindst {}"},
	{"a year between {} and this year", "et år mellem {} og i år"},
	{"a year between {} and {}", "et år mellem {} og {}"},
	{"a year, e.g. {}", "et år, fx {}"},
	{"the year of birth_date ({})", "året i fødselsdatoen ({})"},
	{"an age between 0 and 120 at the assessment date", "en alder mellem 0 og 120 på vurderingsdatoen"},
	{"YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2, YYYY-spring or YYYY-autumn",
		"et år som 2012, eller en del af et år: 2012-05 (måned), 2012-Q3 (kvartal), 2012-H1 eller 2012-H2 (halvår), 2012-spring (forår) eller 2012-autumn (efterår)"},
	{"e.g. 2012-spring", "en periode, fx 2012-spring (forår 2012) eller 2012 (hele året)"},
	{"a period not before {}", "en periode, der ikke ligger før {}"},
	{"a period start_year ≤ end_year", "en periode, hvor startåret (start_year) ≤ slutåret (end_year)"},
	{"a number", "et tal"},
	{"a whole number", "et helt tal"},
	{"a whole number ≥ {}", "et helt tal ≥ {}"},
	{"a whole number of at least {}", "et helt tal på mindst {}"},
	{"a whole number {}–{}", "et helt tal {}–{}"},
	{"on or after {}", "samme dag som eller efter {}"},
	{"a positive whole number", "et positivt helt tal"},
	{"a number of kroner", "et beløb i kroner"},
	{"a number of kroner, e.g. {}", "et beløb i kroner, fx {}"},
	{"0 or more", "0 eller mere"},
	{"0 or more kroner", "0 kroner eller mere"},
	{"1 to 500", "1 til 500"},
	{"at least the number of convictions ({})", "mindst antallet af domme ({})"},

	// Lengths and counts.
	{"at most {} characters", "højst {} tegn"},
	{"at most {} bytes", "højst {} byte"},
	{"at most {} outputs", "højst {} resultater"},
	{"at most {} errors reported; fix these first", "højst {} fejl vises; ret dem først"},
	{"at least {} characters / mindst {} tegn", "mindst {2} tegn"},
	{"at most {} bytes / højst {} byte", "højst {2} byte"},
	{"not the username / ikke brugernavnet", "ikke brugernavnet"},
	{"not a common password / ikke en almindelig adgangskode", "ikke en almindelig adgangskode"},
	{"a password other than the current one", "en anden adgangskode end den nuværende"},
	{"the current 6-digit code of your authenticator app", "den aktuelle 6-cifrede kode fra din godkendelsesapp"},
	{"at least one topic", "mindst ét emne"},
	{"at least one country row", "mindst én række med et land"},
	{"one English topic per Danish topic ({}), or none", "ét engelsk emne pr. dansk emne ({}), eller ingen"},
	{"one non-empty file per format and language", "én fil, der ikke er tom, pr. format og sprog"},

	// Codes and their syntax.
	{"letters, digits, _ and - (at most {})", "bogstaver, cifre, _ og - (højst {})"},
	{"letters, digits and . _ / - (at most {})", "bogstaver, cifre og . _ / - (højst {})"},
	{"letters, digits, '.', '-' and '_' (at most {})", "bogstaver, cifre, '.', '-' og '_' (højst {})"},
	{"lower-case letters, digits, - and _ (e.g. {})", "små bogstaver, cifre, - og _ (fx {})"},
	{"2-64 lower-case letters, digits and . _ @ -", "2-64 små bogstaver, cifre og . _ @ -"},
	{"ISO 3166-1 alpha-2 code", "en landekode efter ISO 3166-1 alpha-2"},
	{"ISO 3166-1 alpha-2 code, e.g. {}", "en landekode efter ISO 3166-1 alpha-2, fx {}"},
	{"an ISO 3166-1 alpha-2 country code, e.g. {}", "en landekode efter ISO 3166-1 alpha-2, fx {}"},
	{"Africa, Asia, Europe, Latin America, Middle East, North America, Oceania",
		"Africa (Afrika), Asia (Asien), Europe (Europa), Latin America (Latinamerika), Middle East (Mellemøsten), North America (Nordamerika) eller Oceania (Oceanien)"},
	{"US or CMM", "US (Udlændingestyrelsen) eller CMM (Center mod Menneskehandel)"},
	{"a competent authority: US or CMM", "en kompetent myndighed: US (Udlændingestyrelsen) eller CMM (Center mod Menneskehandel)"},
	{"sent, accepted, returned or withdrawn", "sent (sendt), accepted (accepteret), returned (returneret) eller withdrawn (trukket tilbage)"},
	{"accepted, with access", "accepted (accepteret), med adgang"},
	{"in or out", "in (modtaget) eller out (sendt)"},
	{"da or en", "da (dansk) eller en (engelsk)"},
	{".yaml, .yml or .csv", ".yaml, .yml eller .csv"},
	{"an organisation code", "en organisationskode"},
	{"a registered organisation code", "en registreret organisationskode"},
	{"organisation codes separated by ;", "organisationskoder adskilt af ;"},
	{"organisation codes separated by ';'", "organisationskoder adskilt af ';'"},
	{"codes separated by ';' from: {}", "koder adskilt af ';' blandt: {}"},
	{"values separated by ;", "værdier adskilt af ;"},
	{"a group code", "en gruppekode"},
	{"a service code", "en kode for et opsøgende tilbud"},
	{"a goal code, e.g. {}", "en målkode, fx {}"},
	{"an activity code, e.g. {}", "en aktivitetskode, fx {}"},
	{"a case reference", "en sagsreference"},
	{"KIND:ID as listed by nrm case show, KIND one of {}", "TYPE:NUMMER som vist af nrm case show, hvor TYPE er en af {}"},
	{"field=value", "felt=værdi"},
	{"--set field=value (repeatable) or --json '{...}'", "--set felt=værdi (kan gentages) eller --json '{...}'"},
	{"either --set or --json, not both", "enten --set eller --json, ikke begge"},
	{"--in or --out, not both", "--in eller --out, ikke begge"},
	{"true or false", "true eller false"},
	{"yes, no or empty", "yes (ja), no (nej) eller tom"},
	{"yes, no or empty (not answered)", "yes (ja), no (nej) eller tom (ikke besvaret)"},
	{"one of {}", "en af {}"},
	{"one of the columns {}", "en af kolonnerne {}"},
	{"one of the fields of {}: {}", "et af felterne {2}"},
	{"a known field", "et kendt felt"},
	{"a documented field", "et dokumenteret felt"},
	{"no id", "intet nummer (id)"},

	// Text, files and formats.
	{"text", "tekst"},
	{"a text", "en tekst"},
	{"a string", "en tekst"},
	{"a list", "en liste"},
	{"a list of {}", "en liste af {}"},
	{"list of {}", "liste af {}"},
	{"date YYYY-MM-DD", "datoer ÅÅÅÅ-MM-DD"},
	{"whole number", "hele tal"},
	{"an object", "et objekt"},
	{"a mapping (key: value)", "en tabel af nøgler og værdier (nøgle: værdi)"},
	{"nothing", "ingenting"},
	{"{}, not {}", "{}, ikke {}"},
	{"a JSON object", "et JSON-objekt"},
	{"a YAML document", "et YAML-dokument"},
	{"a single YAML document", "ét YAML-dokument (uden ---)"},
	{"well-formed YAML ({})", "korrekt YAML ({})"},
	{"well-formed CSV ({})", "korrekt CSV ({})"},
	{"a file", "en fil"},
	{"a header row with the columns {}", "en overskriftsrække med kolonnerne {}"},
	{"a header row: {}", "en overskriftsrække: {}"},
	{"a column named {} in the header", "en kolonne med navnet {} i overskriftsrækken"},
	{"each column once", "hver kolonne én gang"},
	{"{} cells, one per header column", "{} celler, én pr. kolonne i overskriftsrækken"},
	{"{} columns ({}), found {}", "{} kolonner ({}), men fandt {}"},
	{"each code once (first on line {})", "hver kode én gang (første gang på linje {})"},
	{"unique codes (also on line {})", "koder, der kun bruges én gang (også brugt på linje {})"},
	{"the Danish name", "det danske navn"},

	// Cases, assessments and the mechanism.
	{"a case_ref of cases.csv", "en sagsreference (case_ref) fra cases.csv"},
	{"a unique case_ref (also on line {})", "en sagsreference (case_ref), der ikke er brugt før (også brugt på linje {})"},
	{"one row per case (also on line {})", "én række pr. sag (også på linje {})"},
	{"one row per year (also on line {})", "én række pr. år (også på linje {})"},
	{"a number unique within the case (also on line {})", "et nummer, der kun bruges én gang i sagen (også brugt på linje {})"},
	{"another organisation than the owner {}", "en anden organisation end ejeren {}"},
	{"an organisation", "en organisation"},
	{"an organisation with access to the case", "en organisation med adgang til sagen"},
	{"another organisation than your own", "en anden organisation end din egen"},
	{"the sending organisation", "den henvisende organisation"},
	{"the id of a case", "nummeret på en sag"},
	{"the version the case was read at", "den version af sagen, der blev læst"},
	{"a fact of this case", "en oplysning i denne sag"},
	{"an accommodation of this case", "et ophold i denne sag"},
	{"on or after the first contact {}", "samme dag som eller efter første kontakt {}"},
	{"on or after the first contact {} ({} line {})", "samme dag som eller efter første kontakt {} ({} linje {})"},
	{"on or after the request {}", "samme dag som eller efter anmodningen {}"},
	{"on or after the decision date {}", "samme dag som eller efter afgørelsens dato {}"},
	{"on or after the referral date {}", "samme dag som eller efter henvisningens dato {}"},
	{"on or after the date consent was given {}", "samme dag som eller efter datoen for samtykket {}"},
	{"on or after the acceptance {}", "samme dag som eller efter accepten {}"},
	{"on or after the start {}", "samme dag som eller efter starten {}"},
	{"on or after start_date {}", "samme dag som eller efter startdatoen {}"},
	{"on or after the exit {}", "samme dag som eller efter udtræden {}"},
	{"on or after the birth date", "samme dag som eller efter fødselsdatoen"},
	{"end the open stays and reflection periods on the exit date", "afslut de åbne ophold og refleksionsperioder på datoen for udtræden"},
	{"reopen the case before recording another exit", "genåbn sagen, før en ny udtræden registreres"},
	{"reopen the case first", "genåbn sagen først"},
	{"a closed case", "en afsluttet sag"},
	{"the person's consent to be referred", "personens samtykke til at blive henvist"},
	{"the date the municipality was informed (a minor needs no consent)", "datoen, hvor kommunen blev underrettet (en mindreårig skal ikke give samtykke)"},
	{"a consent to referral in force on the referral date", "et samtykke til henvisning, der gælder på henvisningens dato"},
	{"a consent of this case", "et samtykke i denne sag"},
	{"a negative final decision (not identified)", "en endelig afgørelse med afslag (ikke vurderet handlet)"},
	{"a final assessment of this case", "en endelig vurdering i denne sag"},
	{"an assessment of this case", "en vurdering i denne sag"},
	{"an assessment (date, authority, outcome) when exploitation is given", "en vurdering (dato, myndighed, resultat), når en udnyttelsesform er angivet"},
	{"a reconsideration of this case", "en genoptagelse i denne sag"},
	{"a pending reconsideration", "en genoptagelse, der endnu ikke er afgjort"},
	{"a final decision (identified or not identified) on the reconsideration", "en endelig afgørelse (vurderet handlet eller ikke) på genoptagelsen"},
	{"the assessment_no of one of the case's assessments in {}", "nummeret (assessment_no) på en af sagens vurderinger i {}"},
	{"the consent_no of one of the case's consents in {}", "nummeret (consent_no) på et af sagens samtykker i {}"},
	{"the first contact of {} ({} line {}): {} {} {}", "første kontakt i {} ({} linje {}): {} {} {}"},
	{"the first contact of {} (line {}): {} {} {}", "første kontakt i {} (linje {}): {} {} {}"},
	{"the primary assessment of {} (assessment_no {}): {} {} {}, same exploitation, sector and country",
		"den primære vurdering i {} (assessment_no {}): {} {} {}, samme udnyttelsesform, branche og land"},
	{"empty until an outcome is recorded", "tom, indtil et resultat er registreret"},
	{"empty unless exploitation includes forced_labour", "tom, medmindre udnyttelsesformen omfatter tvangsarbejde (forced_labour)"},
	{"empty unless the consent covers sharing", "tom, medmindre samtykket omfatter deling"},
	{"empty: a consent is withdrawn on its own", "tom: et samtykke trækkes tilbage for sig"},
	{"empty unless access was revoked", "tom, medmindre adgangen er fjernet"},
	{"empty unless the status is accepted", "tom, medmindre status er accepted (accepteret)"},
	{"empty unless the status is returned", "tom, medmindre status er returned (returneret)"},
	{"empty while the referral is sent", "tom, så længe henvisningen har status sent (sendt)"},
	{"the date the referral was {}", "datoen, hvor henvisningen fik status {}"},
	{"the reason a returned referral was sent back", "begrundelsen for, at henvisningen blev sendt tilbage"},
	{"the reason for reopening the case", "begrundelsen for at genåbne sagen"},
	{"each scope at most once", "hvert omfang højst én gang"},
	{"each indicator at most once", "hver indikator højst én gang"},
	{"each form at most once", "hver form højst én gang"},
	{"each field at most once", "hvert felt højst én gang"},
	{"at least one form for an identified victim: {}", "mindst én udnyttelsesform for et identificeret offer: {}"},
	{"why recorded facts are corrected or voided", "hvorfor registrerede oplysninger rettes eller annulleres"},
	{"no consents or referrals on a new case", "ingen samtykker eller henvisninger på en ny sag"},
	{"no second referral while one ({}, {}) is waiting", "ingen ny henvisning, mens en anden ({}, {}) venter"},
	{"only version and reason with void", "kun version og begrundelse ved en annullering"},
	{"only assessors have an authority", "kun vurderende sagsbehandlere (assessor) har en myndighed"},

	// The action plan, its work and the reference network.
	{"the plan the activities belong to", "den handlingsplan, aktiviteterne hører til"},
	{"the code of an action plan", "koden for en handlingsplan"},
	{"a working group", "en arbejdsgruppe"},
	{"an activity of the plan", "en aktivitet i handlingsplanen"},
	{"an output", "et resultat"},
	{"unique activity codes", "aktivitetskoder, der kun bruges én gang"},
	{"the activity's Danish text", "aktivitetens danske tekst"},
	{"the area's Danish name", "hovedområdets danske navn"},
	{"the goal's Danish name", "målets danske navn"},
	{"{} as on line {} for {}", "{} som på linje {} for {}"},
	{"area {}", "hovedområde {}"},
	{"goal {}", "mål {}"},
	{"activity {}", "aktivitet {}"},
	{"a period: activity {} has status rows, so every row of it needs one", "en periode: aktivitet {} har rækker med status, så alle dens rækker skal have en"},
	{"empty when period is empty (an activity without status)", "tom, når period er tom (en aktivitet uden status)"},
	{"one row without status per activity (activity {} has one on line {})", "én række uden status pr. aktivitet (aktivitet {} har en på linje {})"},
	{"one row per activity and period (activity {} has period {} on line {})", "én række pr. aktivitet og periode (aktivitet {} har perioden {} på linje {})"},
	{"no status rows for activity {}, which line {} gives without status", "ingen rækker med status for aktivitet {}, som linje {} angiver uden status"},
	{"e.g. {}", "fx {}"},
	{"an organisation code, or name_da for a member not in the organisation list",
		"en organisationskode (org_code), eller et dansk navn (name_da) for et medlem, der ikke er i organisationslisten"},
	{"empty when org_code is given", "tom, når org_code er udfyldt"},
	{"each member at most once per group", "hvert medlem højst én gang pr. gruppe"},
	{"each organisation once", "hver organisation én gang"},
	{"another group's code", "en anden gruppes kode"},
	{"unique group codes", "gruppekoder, der kun bruges én gang"},
	{"unique service codes", "tilbudskoder, der kun bruges én gang"},
	{"exactly one national group (a group without parent_code)", "præcis én national gruppe (en gruppe uden parent_code)"},
	{"the code of a group in the network", "koden for en gruppe i netværket"},
	{"the code of a service in the network", "koden for et tilbud i netværket"},
	{"the national group's code (regional groups report to the national group)", "den nationale gruppes kode (regionale grupper refererer til den nationale gruppe)"},
	{"the national group's code ({}); there is one national group", "den nationale gruppes kode ({}); der er kun én national gruppe"},
	{"one statistic per service and period", "én opgørelse pr. tilbud og periode"},
}

var (
	expectedMu    sync.Mutex
	expectedTable *textpat.Table
	expectedLen   int
)

// compileExpected turns English/Danish pairs into entries of expectedDA,
// for a file that adds the texts of its own rules.
func compileExpected(pairs [][2]string) []struct{ en, da string } {
	out := make([]struct{ en, da string }, len(pairs))
	for i, p := range pairs {
		out[i].en, out[i].da = p[0], p[1]
	}
	return out
}

// expectedPatterns returns expectedDA compiled, compiling it again when
// entries were added.
func expectedPatterns() *textpat.Table {
	expectedMu.Lock()
	defer expectedMu.Unlock()
	if expectedTable == nil || expectedLen != len(expectedDA) {
		pairs := make([][2]string, len(expectedDA))
		for i, e := range expectedDA {
			pairs[i] = [2]string{e.en, e.da}
		}
		expectedTable = textpat.Compile(pairs)
		expectedTable.Part = codeListDanish
		expectedLen = len(expectedDA)
	}
	return expectedTable
}

// expectedIn returns the expected text of a field error in lang.
func expectedIn(s string, lang Lang) string {
	if lang != LangDA {
		return s
	}
	da, _ := expectedDanish(s)
	return da
}

// expectedDanish returns s in Danish and whether it is wholly Danish: a
// pattern matched it, or it is codes only (a list of codes of a code set
// is given with their Danish labels).
func expectedDanish(s string) (string, bool) {
	if da, ok := expectedPatterns().Translate(s); ok {
		return da, true
	}
	return s, isCodes(s)
}

// codeListDanish renders the codes of a code set, as codeSet.expected
// lists them, with their Danish labels: "female (Kvinde), male (Mand)".
func codeListDanish(s string) (string, bool) {
	for _, set := range codeSets {
		if set.expected() != s {
			continue
		}
		parts := make([]string, len(set.codes))
		for i, c := range set.codes {
			parts[i] = c + " (" + set.labels[c].da + ")"
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

// isCodes reports whether s holds only codes, numbers or a format, one or
// more separated by ", " (true, false; 1900-2200; application/json): no
// words to translate.
func isCodes(s string) bool {
	for _, c := range strings.Split(s, ", ") {
		if c == "" || strings.ContainsAny(c, " \t") {
			return false
		}
	}
	return true
}
