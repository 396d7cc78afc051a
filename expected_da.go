package nrm

import "strings"

// Danish for the "expected" part of field errors. Expected texts are
// written in English where the rule is checked; Message(LangDA) looks the
// text up here by its longest matching prefix and keeps the rest (a date,
// a list of codes) as it is. Codes are identifiers and stay as written.
var expectedDA = []struct{ en, da string }{
	{"YYYY-MM-DD", "ÅÅÅÅ-MM-DD"},
	{"a header row with the columns ", "en overskriftsrække med kolonnerne "},
	{"a date not in the future", "en dato, der ikke ligger i fremtiden"},
	{"an organisation code", "en organisationskode"},
	{"an organisation with access to the case", "en organisation med adgang til sagen"},
	{"an organisation", "en organisation"},
	{"another organisation than your own", "en anden organisation end din egen"},
	{"at most 200 characters", "højst 200 tegn"},
	{"at most 100 characters", "højst 100 tegn"},
	{"at most ", "højst "},
	{"on or after the first contact ", "samme dag som eller efter første kontakt "},
	{"on or after the request ", "samme dag som eller efter anmodningen "},
	{"on or after the decision date ", "samme dag som eller efter afgørelsens dato "},
	{"on or after the referral date ", "samme dag som eller efter henvisningens dato "},
	{"on or after the date consent was given ", "samme dag som eller efter datoen for samtykket "},
	{"on or after the start ", "samme dag som eller efter starten "},
	{"on or after start_date ", "samme dag som eller efter startdatoen "},
	{"on or after the exit ", "samme dag som eller efter udtræden "},
	{"on or after the birth date", "samme dag som eller efter fødselsdatoen"},
	{"end the open stays and reflection periods on the exit date", "afslut de åbne ophold og refleksionsperioder på datoen for udtræden"},
	{"reopen the case before recording another exit", "genåbn sagen, før en ny udtræden registreres"},
	{"reopen the case first", "genåbn sagen først"},
	{"the person's consent to be referred", "personens samtykke til at blive henvist"},
	{"the date the municipality was informed (a minor needs no consent)", "datoen, hvor kommunen blev underrettet (en mindreårig skal ikke give samtykke)"},
	{"a consent to referral in force on the referral date", "et samtykke til henvisning, der gælder på henvisningens dato"},
	{"a consent of this case", "et samtykke i denne sag"},
	{"a competent authority: US or CMM", "en kompetent myndighed: US eller CMM"},
	{"a negative final decision (not identified)", "en endelig afgørelse med afslag (ikke vurderet handlet)"},
	{"a final assessment of this case", "en endelig vurdering i denne sag"},
	{"an assessment of this case", "en vurdering i denne sag"},
	{"a closed case", "en afsluttet sag"},
	{"a reconsideration of this case", "en genoptagelse i denne sag"},
	{"a final decision (identified or not identified) on the reconsideration", "en endelig afgørelse (vurderet handlet eller ikke) på genoptagelsen"},
	{"empty until an outcome is recorded", "tom, indtil et resultat er registreret"},
	{"empty unless exploitation includes forced_labour", "tom, medmindre udnyttelsesformen omfatter tvangsarbejde (forced_labour)"},
	{"empty unless the consent covers sharing", "tom, medmindre samtykket omfatter deling"},
	{"empty: a consent is withdrawn on its own", "tom: et samtykke trækkes tilbage for sig"},
	{"each scope at most once", "hvert omfang højst én gang"},
	{"each indicator at most once", "hver indikator højst én gang"},
	{"each form at most once", "hver form højst én gang"},
	{"each field at most once", "hvert felt højst én gang"},
	{"at least one form for an identified victim: ", "mindst én udnyttelsesform for et identificeret offer: "},
	{"an age between 0 and 120 at the assessment date", "en alder mellem 0 og 120 på vurderingsdatoen"},
	{"a year between 1880 and this year", "et år mellem 1880 og i år"},
	{"a year between ", "et år mellem "},
	{"ISO 3166-1 alpha-2 code, e.g. ", "ISO 3166-1 alpha-2-kode, fx "},
	{"an ISO 3166-1 alpha-2 country code, e.g. ", "en landekode efter ISO 3166-1 alpha-2, fx "},
	{"ISO 3166-1 alpha-2 code", "ISO 3166-1 alpha-2-kode"},
	{"letters, digits, _ and - (at most 32)", "bogstaver, cifre, _ og - (højst 32)"},
	{"letters, digits and . _ / - (at most 64)", "bogstaver, cifre og . _ / - (højst 64)"},
	{"the year of birth_date ", "året i fødselsdatoen "},
	{"the sending organisation", "den henvisende organisation"},
	{"why recorded facts are corrected or voided", "hvorfor registrerede oplysninger rettes eller annulleres"},
	{"sent, accepted, returned or withdrawn", "sent, accepted, returned eller withdrawn"},
	{"no consents or referrals on a new case", "ingen samtykker eller henvisninger på en ny sag"},
	{"no second referral while one (", "ingen ny henvisning, mens en anden ("},
	{"a case_ref of cases.csv", "en case_ref fra cases.csv"},
	{"in or out", "in eller out"},
	{"either --set or --json, not both", "enten --set eller --json, ikke begge"},
	{"an object", "et objekt"},
	{"one of the columns ", "en af kolonnerne "},
	{"one of ", "en af "},
	{"a whole number", "et helt tal"},
}

// expectedIn returns the expected text of a field error in lang.
func expectedIn(s string, lang Lang) string {
	if lang != LangDA {
		return s
	}
	best := -1
	for i, e := range expectedDA {
		if strings.HasPrefix(s, e.en) && (best < 0 || len(e.en) > len(expectedDA[best].en)) {
			best = i
		}
	}
	if best < 0 {
		return s
	}
	return expectedDA[best].da + s[len(expectedDA[best].en):]
}
