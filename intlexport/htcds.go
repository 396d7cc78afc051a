package intlexport

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// DefaultK is CTDC's threshold: every combination of quasi-identifiers
// must occur at least 11 times.
const DefaultK = 11

// CaseRow is one identified victim's statistical attributes, as the store
// supplies them for the case-level export. It has no identifier of any
// kind, so none can reach the file.
type CaseRow struct {
	// Year is the year of identification (yearOfRegistration).
	Year int
	// Gender is the recorded gender.
	Gender nrm.Gender
	// Age is the age in completed years at identification; nil if unknown.
	Age *int
	// Nationality is an ISO 3166-1 alpha-2 code; "" if unknown.
	Nationality string
	// Region is the nationality's region of origin (the editable mapping).
	Region nrm.Region
	// Exploitation lists the forms of exploitation; empty if unknown.
	Exploitation []nrm.ExploitationForm
	// LabourSector is the forced-labour sector, if any.
	LabourSector nrm.LabourSector
	// ContactForm is how the person was met (not exported: no CTDC field).
	ContactForm nrm.ContactForm
	// ExploitationCountry is an ISO 3166-1 alpha-2 code; "" if unknown.
	ExploitationCountry string
	// Authority is the assessing authority (not exported: no CTDC field).
	Authority nrm.Authority
}

// Report tells what WriteHTCDS did to reach k-anonymity.
type Report struct {
	// Rows is the number of records written.
	Rows int
	// Suppressed is the number of records left out because their
	// combination still occurred fewer than k times.
	Suppressed int
	// Generalisations describes each generalisation step applied, with
	// the number of records it changed.
	Generalisations []string
}

// HTCDSHeader is the header of the case-level export: the CTDC global
// dataset's column names for the fields nrm records, in CTDC's order.
var HTCDSHeader = []string{
	"yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
	"isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage", "isOrganRemoval",
	"typeOfExploitConcatenated",
	"typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
	"typeOfLabourManufacturing", "typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified",
	"typeOfLabourConcatenated",
	"typeOfSexProstitution", "typeOfSexConcatenated",
	"CountryOfExploitation",
}

// Picklist values of the export.
const (
	// DatasourceCaseManagement is the Datasource of every record.
	DatasourceCaseManagement = "Case Management"
	// MajorityAdult is majorityStatus for 18 and over.
	MajorityAdult = "Adult"
	// MajorityMinor is majorityStatus for under 18.
	MajorityMinor = "Minor"
	// ExploitationEU is a generalised CountryOfExploitation in the EU.
	ExploitationEU = "EU"
	// ExploitationNonEU is a generalised CountryOfExploitation outside it.
	ExploitationNonEU = "non-EU"
)

// AgeBroad lists CTDC's broad age bands (CTDC writes them with "--").
var AgeBroad = []string{"0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}

// HTCDSGender maps nrm's genders to HTCDS picklist values.
var HTCDSGender = map[nrm.Gender]string{
	nrm.GenderFemale:      "Female",
	nrm.GenderMale:        "Male",
	nrm.GenderTransgender: "Transgender/NonConforming",
	nrm.GenderUnknown:     "Unknown",
}

// labourColumn maps a sector to its typeOfLabour column suffix and the
// value used in typeOfLabourConcatenated; HTCDS has no cleaning or
// fishing value (Aquafarming is fish farming), so those are Other.
var labourColumn = map[nrm.LabourSector][2]string{
	"agriculture":   {"Agriculture", "Agriculture"},
	"construction":  {"Construction", "Construction"},
	"domestic_work": {"DomesticWork", "Domestic work"},
	"hospitality":   {"Hospitality", "Hospitality"},
	"manufacturing": {"Manufacturing", "Manufacturing"},
	"transport":     {"Transportation", "Transportation"},
	"cleaning":      {"Other", "Other"},
	"fishing":       {"Other", "Other"},
	"other":         {"Other", "Other"},
}

// ageBroad returns the CTDC band of an age in completed years.
func ageBroad(age int) string {
	for i, hi := range []int{8, 17, 20, 23, 26, 29, 38, 47} {
		if age <= hi {
			return AgeBroad[i]
		}
	}
	return AgeBroad[len(AgeBroad)-1]
}

// record is one victim in the export, with its generalisation state.
type record struct {
	row                    CaseRow
	ageGen, citGen, ctyGen bool
	labourGen              bool
	cols                   []string
	key                    string
}

func flag(on bool) string {
	if on {
		return "1"
	}
	return "0"
}

// render computes the output columns at the record's current level of
// detail. Every column is a function of the quasi-identifiers (or a
// constant), so a combination of quasi-identifiers that occurs k times is
// a row that occurs k times: k-anonymity holds for the whole file.
func (r *record) render() {
	c := r.row
	col := map[string]string{
		"yearOfRegistration": strconv.Itoa(c.Year),
		"Datasource":         DatasourceCaseManagement,
		"gender":             HTCDSGender[nrm.GenderUnknown],
	}
	if g, ok := HTCDSGender[c.Gender]; ok {
		col["gender"] = g
	}
	if c.Age != nil && *c.Age >= 0 {
		col["majorityStatus"] = MajorityAdult
		if *c.Age < 18 {
			col["majorityStatus"] = MajorityMinor
		}
		if !r.ageGen {
			col["ageBroad"] = ageBroad(*c.Age)
		}
	}
	if nrm.ValidCountry(c.Nationality) {
		col["citizenship"] = c.Nationality
		if r.citGen {
			col["citizenship"] = ""
			if c.Region.Valid() && c.Region != nrm.RegionUnknown {
				col["citizenship"] = string(c.Region)
			}
		}
	}
	if nrm.ValidCountry(c.ExploitationCountry) {
		col["CountryOfExploitation"] = c.ExploitationCountry
		if r.ctyGen {
			col["CountryOfExploitation"] = ExploitationNonEU
			if IsEU(c.ExploitationCountry, c.Year) {
				col["CountryOfExploitation"] = ExploitationEU
			}
		}
	}
	if len(c.Exploitation) > 0 { // no form recorded: the flags stay empty (unknown)
		has := func(fs ...nrm.ExploitationForm) bool {
			for _, f := range fs {
				if slices.Contains(c.Exploitation, f) {
					return true
				}
			}
			return false
		}
		labour, sexual := has(nrm.ExploitationForcedLabour), has(nrm.ExploitationSexual)
		other := has(nrm.ExploitationForcedCriminality, nrm.ExploitationBegging, nrm.ExploitationOther)
		marriage, organ := has(nrm.ExploitationForcedMarriage), has(nrm.ExploitationOrganRemoval)
		col["isForcedLabour"], col["isSexualExploit"], col["isOtherExploit"] = flag(labour), flag(sexual), flag(other)
		col["isSexAndLabour"], col["isForcedMarriage"], col["isOrganRemoval"] = flag(sexual && labour), flag(marriage), flag(organ)
		var names []string
		for _, f := range []struct {
			on   bool
			name string
		}{{sexual, "Sexual exploitation"}, {labour, "Forced labour"}, {marriage, "Forced marriage"}, {organ, "Organ removal"}, {other, "Other"}} {
			if f.on {
				names = append(names, f.name)
			}
		}
		col["typeOfExploitConcatenated"] = strings.Join(names, ";")
		if labour {
			for _, h := range HTCDSHeader {
				if strings.HasPrefix(h, "typeOfLabour") && h != "typeOfLabourConcatenated" {
					col[h] = "0"
				}
			}
			if lc, ok := labourColumn[c.LabourSector]; ok && !r.labourGen {
				col["typeOfLabour"+lc[0]] = "1"
				col["typeOfLabourConcatenated"] = lc[1]
			} else {
				col["typeOfLabourNotSpecified"] = "1"
			}
		}
		if sexual {
			col["typeOfSexProstitution"], col["typeOfSexConcatenated"] = "1", "Prostitution"
		}
	}
	r.cols = make([]string, len(HTCDSHeader))
	for i, h := range HTCDSHeader {
		r.cols[i] = col[h]
	}
	r.key = strings.Join(r.cols, "\x00")
}

// step is one generalisation: it applies to a record in a small class if
// it would change the record.
type step struct {
	name  string
	apply func(*record) bool
}

var steps = []step{
	{"ageBroad → majorityStatus (age band dropped)", func(r *record) bool {
		ok := !r.ageGen && r.row.Age != nil && *r.row.Age >= 0
		r.ageGen = true
		return ok
	}},
	{"citizenship → region of origin", func(r *record) bool {
		ok := !r.citGen && nrm.ValidCountry(r.row.Nationality)
		r.citGen = true
		return ok
	}},
	{"CountryOfExploitation → EU / non-EU", func(r *record) bool {
		ok := !r.ctyGen && nrm.ValidCountry(r.row.ExploitationCountry)
		r.ctyGen = true
		return ok
	}},
	{"typeOfLabour → NotSpecified (sector dropped)", func(r *record) bool {
		ok := !r.labourGen && slices.Contains(r.row.Exploitation, nrm.ExploitationForcedLabour) && labourColumn[r.row.LabourSector] != [2]string{}
		r.labourGen = true
		return ok
	}},
}

// WriteHTCDS writes the case-level CSV in CTDC/HTCDS format, k-anonymised
// by generalisation: records whose combination of quasi-identifiers
// (year, gender, age band, citizenship, country of exploitation, forms and
// sector of exploitation) occurs fewer than k times are generalised step
// by step (age band to majority status, nationality to region, country of
// exploitation to EU/non-EU, sector to not specified), and records still
// in a combination rarer than k are left out. k ≤ 0 means DefaultK; k = 1
// writes every record at full detail. Records are written sorted, so the
// order reveals nothing about the input.
func WriteHTCDS(w io.Writer, rows []CaseRow, k int) (Report, error) {
	if k <= 0 {
		k = DefaultK
	}
	recs := make([]*record, len(rows))
	for i, c := range rows {
		c.Exploitation = slices.Clone(c.Exploitation)
		recs[i] = &record{row: c}
		recs[i].render()
	}
	var rep Report
	small := func() map[string]bool {
		n := map[string]int{}
		for _, r := range recs {
			n[r.key]++
		}
		out := map[string]bool{}
		for key, c := range n {
			if c < k {
				out[key] = true
			}
		}
		return out
	}
	for _, st := range steps {
		rare := small()
		if len(rare) == 0 {
			break
		}
		changed := 0
		for _, r := range recs {
			if rare[r.key] {
				if st.apply(r) {
					changed++
				}
				r.render()
			}
		}
		if changed > 0 {
			rep.Generalisations = append(rep.Generalisations, fmt.Sprintf("%s: %d records", st.name, changed))
		}
	}
	rare := small()
	var out [][]string
	for _, r := range recs {
		if rare[r.key] {
			rep.Suppressed++
			continue
		}
		out = append(out, r.cols)
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	rep.Rows = len(out)
	return rep, writeRecords(w, HTCDSHeader, out)
}
