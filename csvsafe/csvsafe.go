// Package csvsafe neutralises spreadsheet formula injection in every CSV
// and spreadsheet export: one rule, shared by bundles, plans and the
// international exports.
package csvsafe

import "strings"

// triggers are the first characters that make a spreadsheet evaluate a cell.
const triggers = "=+-@\t\r"

// guarded reports whether s starts with any number of apostrophes followed
// by a trigger character. Those are exactly the cells Protect prefixes: a
// trigger must not reach a spreadsheet bare, and a value that already
// starts with apostrophes before a trigger gets one more, so that Unprotect
// can always remove exactly the one Protect added.
func guarded(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && strings.IndexByte(triggers, s[i]) >= 0
}

// Protect gives a cell starting with = + - @, a tab or a carriage return,
// possibly after apostrophes, a leading apostrophe, which spreadsheets show
// as text. Unprotect(Protect(s)) == s for every string s.
func Protect(s string) string {
	if guarded(s) {
		return "'" + s
	}
	return s
}

// Unprotect removes the apostrophe Protect adds, so that an export reads
// back as it was.
func Unprotect(s string) string {
	if len(s) > 1 && s[0] == '\'' && guarded(s[1:]) {
		return s[1:]
	}
	return s
}
