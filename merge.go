package nrm

import (
	"slices"
	"strings"
)

// MergeConflictMessage is the one message of a merge refused because the
// two cases hold facts that cannot both be true of one person.
const MergeConflictMessage = "The two cases cannot be merged: they record different facts about the person that cannot both be true."

// MergeCases returns the case that results from merging other into keep:
// keep's reference, owner and attributes, with the facts of both
// (contacts, assessments, reflection periods, stays, offers, exits,
// reopenings, reconsiderations) and both sets of identifiers (other's name
// becomes an alias when it differs; aliases and document numbers are
// joined; an address, phone or notes missing in keep is taken from other).
// other's owner is added to the organisations keep is shared with, so
// that it keeps access to its person. Neither argument is changed.
//
// Attributes that cannot both hold — a different gender, year of birth,
// birth date or nationality where both cases record one — refuse the
// merge with MergeConflictMessage and the fields in conflict.
func MergeCases(keep, other *Case) (*Case, error) {
	var fe []FieldError
	conflict := func(field string, differ bool) {
		if differ {
			fe = append(fe, FieldError{Field: field, Rule: RuleNotAllowed, Expected: "the same value in both cases"})
		}
	}
	known := func(g Gender) bool { return g != "" && g != GenderUnknown }
	conflict("gender", known(keep.Gender) && known(other.Gender) && keep.Gender != other.Gender)
	conflict("birth_year", keep.BirthYear != 0 && other.BirthYear != 0 && keep.BirthYear != other.BirthYear)
	kb, ob := keep.Identifiers.BirthDate, other.Identifiers.BirthDate
	conflict("birth_date", !kb.IsZero() && !ob.IsZero() && kb != ob)
	conflict("nationality", keep.Nationality != "" && other.Nationality != "" && !strings.EqualFold(keep.Nationality, other.Nationality))
	if keep.ID != 0 && keep.ID == other.ID || keep.Ref == other.Ref {
		fe = append(fe, FieldError{Field: "merge", Rule: RuleNotAllowed, Expected: "two different cases"})
	}
	if len(fe) > 0 {
		return nil, &Error{Code: ECONFLICT, Message: MergeConflictMessage, Fields: fe}
	}
	m := keep.Clone()
	o := other.Clone()
	if !known(m.Gender) && known(o.Gender) {
		m.Gender = o.Gender
	}
	if m.BirthYear == 0 {
		m.BirthYear = o.BirthYear
	}
	if m.Nationality == "" {
		m.Nationality = o.Nationality
	}
	if (m.ResidenceStatus == "" || m.ResidenceStatus == ResidenceUnknown) && o.ResidenceStatus != "" {
		m.ResidenceStatus = o.ResidenceStatus
	}
	if o.OwnerOrg != m.OwnerOrg && !slices.Contains(m.SharedWith, o.OwnerOrg) {
		m.SharedWith = append(m.SharedWith, o.OwnerOrg)
	}
	for _, s := range o.SharedWith {
		if s != m.OwnerOrg && !slices.Contains(m.SharedWith, s) {
			m.SharedWith = append(m.SharedWith, s)
		}
	}
	mi, oi := &m.Identifiers, o.Identifiers
	addAlias := func(n string) {
		if n == "" || NormalizeName(n) == NormalizeName(mi.Name) {
			return
		}
		for _, a := range mi.Aliases {
			if NormalizeName(a) == NormalizeName(n) {
				return
			}
		}
		mi.Aliases = append(mi.Aliases, n)
	}
	if mi.Name == "" {
		mi.Name = oi.Name
	} else {
		addAlias(oi.Name)
	}
	for _, a := range oi.Aliases {
		addAlias(a)
	}
	if mi.BirthDate.IsZero() {
		mi.BirthDate = oi.BirthDate
	}
	for _, d := range oi.DocumentNumbers {
		if !slices.ContainsFunc(mi.DocumentNumbers, func(x string) bool { return NormalizeDocument(x) == NormalizeDocument(d) }) {
			mi.DocumentNumbers = append(mi.DocumentNumbers, d)
		}
	}
	if mi.Phone == "" {
		mi.Phone = oi.Phone
	}
	if mi.Address == "" {
		mi.Address = oi.Address
	}
	switch {
	case mi.Notes == "":
		mi.Notes = oi.Notes
	case oi.Notes != "" && oi.Notes != mi.Notes:
		mi.Notes += "\n\n" + oi.Notes
	}
	m.Contacts = append(m.Contacts, o.Contacts...)
	m.Assessments = append(m.Assessments, o.Assessments...)
	m.ReflectionPeriods = append(m.ReflectionPeriods, o.ReflectionPeriods...)
	m.Accommodations = append(m.Accommodations, o.Accommodations...)
	m.Offers = append(m.Offers, o.Offers...)
	m.Exits = append(m.Exits, o.Exits...)
	m.Reopenings = append(m.Reopenings, o.Reopenings...)
	m.Reconsiderations = append(m.Reconsiderations, o.Reconsiderations...)
	return m, nil
}

func init() {
	for k, l := range map[string]label{
		"search":    {"Søgning", "Search"},
		"document":  {"Dokumentnummer", "Document number"},
		"merge":     {"Sammenlægning", "Merge"},
		"other_ref": {"Den anden sags reference", "Reference of the other case"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = l
		}
	}
	expectedDA = append(expectedDA, []struct{ en, da string }{
		{"a name, a birth date, a document number or a phone number", "et navn, en fødselsdato, et dokumentnummer eller et telefonnummer"},
		{"at most 200 characters", "højst 200 tegn"},
		{"letters or digits", "bogstaver eller cifre"},
		{"letters A-Z or digits", "bogstaverne A-Z eller cifre"},
		{"a phone number of at least 6 digits", "et telefonnummer på mindst 6 cifre"},
		{"the same value in both cases", "den samme værdi i begge sager"},
		{"two different cases", "to forskellige sager"},
		{"identifiers not yet removed by retention", "identifikationsoplysninger, der endnu ikke er slettet efter opbevaringsfristen"},
	}...)
}
