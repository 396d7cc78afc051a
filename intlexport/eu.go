package intlexport

import "nrm/refdata"

// ReportingCountry is the country whose nationals count as "national".
const ReportingCountry = refdata.ReportingCountry

// IsEU reports whether the country was an EU member state on 31 December
// of year (see refdata.IsEU).
func IsEU(code string, year int) bool { return refdata.IsEU(code, year) }

// EUMembers returns the member states on 31 December of year, sorted.
func EUMembers(year int) []string { return refdata.EUMembers(year) }
