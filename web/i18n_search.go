package web

// The labels of the person search, the duplicate notice and case merge.
var searchTranslations = map[string][2]string{
	"nav.search":           {"Søg person", "Find a person"},
	"search.title":         {"Søg efter en person", "Find a person"},
	"search.lead":          {"Søg blandt de sager, du har adgang til, på navn eller andet navn, fødselsdato, dokumentnummer eller telefonnummer. Alle udfyldte felter skal passe. Søgningen logges med, hvilke felter der blev søgt på, men ikke hvad der blev søgt efter.", "Search the cases you have access to by name or alias, birth date, document number or phone number. Every field filled in must match. The search is logged with the fields searched, never what was searched for."},
	"search.name":          {"Navn eller andet navn", "Name or alias"},
	"search.name_hint":     {"Hele ord; store og små bogstaver og accenter er ligegyldige (»popescu« finder »Maria Popescu«).", "Whole words; case and accents do not matter (“popescu” finds “Maria Popescu”)."},
	"search.birth_date":    {"Fødselsdato", "Birth date"},
	"search.document":      {"Dokumentnummer", "Document number"},
	"search.phone":         {"Telefonnummer", "Phone number"},
	"search.phone_hint":    {"Et 8-cifret nummer uden landekode læses som dansk (+45).", "An 8-digit number without a country code is read as Danish (+45)."},
	"search.submit":        {"Søg", "Search"},
	"search.hits":          {"Fundne sager", "Cases found"},
	"search.no_hits":       {"Ingen af de sager, du har adgang til, passer.", "None of the cases you have access to match."},
	"search.limited":       {"Kun de første 100 sager vises. Gør søgningen mere præcis.", "Only the first 100 cases are shown. Narrow the search."},
	"search.first_contact": {"Første kontakt", "First contact"},

	"search.duplicate_heading": {"Mulig dobbeltregistrering:", "Possible duplicate:"},

	"merge.title":     {"Læg en anden sag sammen med denne", "Merge another case into this one"},
	"merge.help":      {"Den anden sags kontakter, vurderinger, perioder, ophold, tilbud, registreringer af udtræden, samtykker, henvisninger, andre navne og dokumentnumre flyttes til denne sag, og den anden sag slettes. Statistikken tæller derefter personen én gang. Sager med oplysninger, der ikke begge kan være sande (fx forskelligt køn), lægges ikke sammen.", "The other case's contacts, assessments, periods, stays, offers, exits, consents, referrals, aliases and document numbers move to this case, and the other case is deleted. The statistics then count the person once. Cases recording facts that cannot both be true (e.g. different genders) are not merged."},
	"merge.other_ref": {"Reference på sagen, der skal lægges ind i denne", "Reference of the case to merge into this one"},
	"merge.confirm":   {"Jeg bekræfter, at sagerne handler om samme person. Sammenlægningen kan ikke fortrydes.", "I confirm that the cases are about the same person. The merge cannot be undone."},
	"merge.submit":    {"Læg sagerne sammen", "Merge the cases"},
	"merge.refused":   {"Sagerne blev ikke lagt sammen", "The cases were not merged"},
	"merge.conflict":  {"Sagerne kan ikke lægges sammen: de indeholder oplysninger om personen, der ikke begge kan være sande.", "The two cases cannot be merged: they record different facts about the person that cannot both be true."},
	"merge.invalid":   {"Angiv den anden sags reference, og bekræft sammenlægningen.", "Give the other case's reference and confirm the merge."},
}

func init() {
	for k, v := range searchTranslations {
		translations[k] = v
	}
}
