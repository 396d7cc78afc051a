// Package csvsafe neutralises spreadsheet formula injection in every CSV
// and spreadsheet export: one rule, shared by bundles, plans and the
// international exports.
package csvsafe

import "strings"

// triggers are the first characters that make a spreadsheet evaluate a cell.
const triggers = "=+-@\t\r"

// Protect gives a cell starting with = + - @, a tab or a carriage return a
// leading apostrophe, which spreadsheets show as text.
func Protect(s string) string {
	if s != "" && strings.ContainsRune(triggers, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Unprotect removes the apostrophe Protect adds, so that an export reads
// back as it was.
func Unprotect(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(triggers, rune(s[1])) {
		return s[1:]
	}
	return s
}
