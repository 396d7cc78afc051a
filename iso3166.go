package nrm

import "strings"

// isoCountries are the ISO 3166-1 alpha-2 codes of every country and
// territory (249), and XK, the code Kosovo is given by the EU, Eurostat and
// UNHCR: the nationalities a case may hold (refdata/countries.csv maps each
// to its region of origin; a test keeps the two lists the same).
var isoCountries = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(
		"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ " +
			"BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR " +
			"CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
			"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
			"ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
			"LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ " +
			"MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF " +
			"PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI " +
			"SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR " +
			"TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW") {
		m[c] = true
	}
	return m
}()

// ValidCountry reports whether s is an ISO 3166-1 alpha-2 country code (or
// XK, Kosovo).
func ValidCountry(s string) bool {
	if len(s) != 2 || s[0]-'A' >= 26 || s[1]-'A' >= 26 {
		return false
	}
	return countryGrid[int(s[0]-'A')*26+int(s[1]-'A')]
}

// countryGrid is isoCountries by letter pair, for ValidCountry: an
// import checks the nationality of every case, and a lookup in the grid
// takes a fraction of a map's.
var countryGrid = func() (g [26 * 26]bool) {
	for c := range isoCountries {
		g[int(c[0]-'A')*26+int(c[1]-'A')] = true
	}
	return g
}()

// CountryCodes returns the codes ValidCountry accepts, in no order.
func CountryCodes() []string {
	out := make([]string, 0, len(isoCountries))
	for c := range isoCountries {
		out = append(out, c)
	}
	return out
}
