package refdata

import "sort"

// euMembership lists EU member states (ISO 3166-1 alpha-2; Greece is GR,
// not Eurostat's EL) with the year they joined and, for a state that left,
// the year it left. Membership counts on 31 December of the reporting
// year: Croatia (1 July 2013) is a member for 2013, the United Kingdom
// (left 31 January 2020) is not for 2020. For 2007–2012 this is the
// EU-27 of the time, the seed's 2011 included.
var euMembership = map[string][2]int{
	"BE": {1958, 0}, "DE": {1958, 0}, "FR": {1958, 0}, "IT": {1958, 0}, "LU": {1958, 0}, "NL": {1958, 0},
	"DK": {1973, 0}, "IE": {1973, 0}, "GB": {1973, 2020},
	"GR": {1981, 0},
	"ES": {1986, 0}, "PT": {1986, 0},
	"AT": {1995, 0}, "FI": {1995, 0}, "SE": {1995, 0},
	"CY": {2004, 0}, "CZ": {2004, 0}, "EE": {2004, 0}, "HU": {2004, 0}, "LT": {2004, 0},
	"LV": {2004, 0}, "MT": {2004, 0}, "PL": {2004, 0}, "SI": {2004, 0}, "SK": {2004, 0},
	"BG": {2007, 0}, "RO": {2007, 0},
	"HR": {2013, 0},
}

// ReportingCountry is the country whose nationals count as "national".
const ReportingCountry = "DK"

// IsEU reports whether the country was an EU member state on 31 December
// of year. Denmark is one: Eurostat counts Danes as nationals, not as
// other EU citizens, which the citizenship table does separately.
func IsEU(code string, year int) bool {
	m, ok := euMembership[code]
	return ok && year >= m[0] && (m[1] == 0 || year < m[1])
}

// EUMembers returns the member states on 31 December of year, sorted.
func EUMembers(year int) []string {
	var out []string
	for c := range euMembership {
		if IsEU(c, year) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}
