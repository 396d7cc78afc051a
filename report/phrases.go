package report

import "nrm"

// Phrases of the narrative per code, Danish and English, in the seed's
// register.

// contactPhrase completes "er mødt …" / "were met …".
var contactPhrase = map[string][2]string{
	"police":         {"i forbindelse med politiets indsats", "through police action"},
	"outreach":       {"i forbindelse med det opsøgende arbejde", "through outreach work"},
	"health_service": {"i forbindelse med et sundhedstilbud", "through a health service"},
	"asylum_system":  {"i forbindelse med opsøgende arbejde i Røde Kors regi", "through outreach work by the Red Cross in the asylum system"},
	"ngo":            {"via en NGO eller social organisation", "through an NGO or social organisation"},
	"self_referral":  {"efter selv at have henvendt sig", "after coming forward themselves"},
	"other":          {"på anden vis", "in other ways"},
	"unknown":        {"under ukendte omstændigheder", "in unknown circumstances"},
}

// formTo completes "handlet …" / "trafficked …".
var formTo = map[string][2]string{
	"sexual":             {"til prostitution", "into prostitution"},
	"forced_labour":      {"til tvangsarbejde", "for forced labour"},
	"forced_criminality": {"til kriminalitet", "for forced criminality"},
	"begging":            {"til tiggeri", "for forced begging"},
	"forced_marriage":    {"til tvangsægteskab", "for forced marriage"},
	"organ_removal":      {"med henblik på organfjernelse", "for organ removal"},
	"other":              {"til anden udnyttelse", "for other exploitation"},
}

// minorForm completes "blev …" / "was …" for a minor.
var minorForm = map[string][2]string{
	"sexual":             {"udnyttet i prostitution", "exploited in prostitution"},
	"forced_labour":      {"udnyttet til tvangsarbejde", "exploited in forced labour"},
	"forced_criminality": {"udnyttet til kriminalitet", "exploited in forced criminality"},
	"begging":            {"udnyttet til tiggeri", "exploited in forced begging"},
	"forced_marriage":    {"udsat for tvangsægteskab", "subjected to forced marriage"},
	"organ_removal":      {"udsat for organfjernelse", "subjected to organ removal"},
	"other":              {"udnyttet på anden vis", "exploited in other ways"},
}

// sectorPhrase completes "to …" in "to i form af husarbejde".
var sectorPhrase = map[string][2]string{
	"domestic_work": {"i form af husarbejde", "in domestic work"},
	"cleaning":      {"i form af rengøring", "in cleaning"},
	"agriculture":   {"inden for landbrug og gartneri", "in agriculture and horticulture"},
	"construction":  {"inden for byggeri", "in construction"},
	"hospitality":   {"inden for hotel og restauration", "in hotels and restaurants"},
	"manufacturing": {"inden for industri", "in manufacturing"},
	"fishing":       {"inden for fiskeri", "in fishing"},
	"transport":     {"inden for transport", "in transport"},
	"other":         {"inden for andre brancher", "in other sectors"},
}

// genderNoun is singular and plural, Danish then English.
var genderNoun = map[string][4]string{
	"female":      {"kvinde", "kvinder", "woman", "women"},
	"male":        {"mand", "mænd", "man", "men"},
	"transgender": {"transkønnet", "transkønnede", "transgender person", "transgender persons"},
	"unknown":     {"person med ukendt køn", "personer med ukendt køn", "person of unknown gender", "persons of unknown gender"},
}

// minorNoun is singular (with article) and plural, Danish then English.
var minorNoun = map[string][4]string{
	"female":      {"en pige", "piger", "a girl", "girls"},
	"male":        {"en dreng", "drenge", "a boy", "boys"},
	"transgender": {"en transkønnet mindreårig", "transkønnede mindreårige", "a transgender minor", "transgender minors"},
	"unknown":     {"en mindreårig", "mindreårige", "a minor", "minors"},
}

// regionAdj is the adjective of a region, plural ("afrikanske lande").
var regionAdj = map[string][2]string{
	"Africa":        {"afrikanske", "African"},
	"Asia":          {"asiatiske", "Asian"},
	"Europe":        {"europæiske", "European"},
	"Latin America": {"latinamerikanske", "Latin American"},
	"Middle East":   {"mellemøstlige", "Middle Eastern"},
	"North America": {"nordamerikanske", "North American"},
	"Oceania":       {"oceaniske", "Oceanian"},
}

func (b *builder) phrase(m map[string][2]string, code, fallback string) string {
	if p, ok := m[code]; ok {
		return b.tr(p[0], p[1])
	}
	return fallback
}

func (b *builder) noun4(m map[string][4]string, code string, plural bool) string {
	p, ok := m[code]
	if !ok {
		p = m["unknown"]
	}
	i := 0
	if plural {
		i = 1
	}
	if b.lang == nrm.LangEN {
		i += 2
	}
	return p[i]
}

// regionText is a region as running text names it: "Mellemøsten", "the
// Middle East", "ukendt oprindelse".
func (b *builder) regionText(code string) string {
	switch code {
	case string(nrm.RegionMiddleEast):
		return b.tr("Mellemøsten", "the Middle East")
	case string(nrm.RegionUnknown):
		return b.tr("ukendt oprindelse", "unknown origin")
	}
	return nrm.Label("region", code, b.lang)
}

// fromRegion is "fra Afrika" / "from Africa" / "med ukendt oprindelse".
func (b *builder) fromRegion(code string) string {
	if code == string(nrm.RegionUnknown) {
		return b.tr("med ukendt oprindelse", "of unknown origin")
	}
	return b.tr("fra ", "from ") + b.regionText(code)
}

// verb picks the singular or plural verb for a count.
func (b *builder) verb(c count, sing, plur string) string {
	if !c.hidden && c.v == 1 {
		return sing
	}
	return plur
}
