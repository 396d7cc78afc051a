package intlexport

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// DefaultK is CTDC's threshold: every combination of quasi-identifiers
// must occur at least 11 times.
const DefaultK = 11

// CaseRow is one victim's statistical attributes, as the store supplies
// them for the case-level export. It has no identifier of any kind, so
// none can reach the file.
type CaseRow struct {
	// Year is the year of identification (yearOfRegistration).
	Year int
	// Stage is the stage of the assessment that makes the person a
	// victim: final (identified) or preliminary (presumed); empty means
	// final.
	Stage nrm.AssessmentStage
	// Gender is the recorded gender.
	Gender nrm.Gender
	// Age is the age in completed years at identification; nil if unknown.
	Age *int
	// Nationality is an ISO 3166-1 alpha-2 code; "" if unknown.
	Nationality string
	// Region is the nationality's region of origin (the editable mapping;
	// not exported: no standard column takes a region).
	Region nrm.Region
	// Exploitation lists the forms of exploitation; empty if unknown.
	Exploitation []nrm.ExploitationForm
	// LabourSector is the forced-labour sector, if any.
	LabourSector nrm.LabourSector
	// ContactForm is how the person was met (not exported: no field).
	ContactForm nrm.ContactForm
	// ReferringOrg is the name of the organisation that first met the
	// person (the first contact's), "" if unknown.
	ReferringOrg string
	// ExploitationCountry is an ISO 3166-1 alpha-2 code; "" if unknown.
	ExploitationCountry string
	// Authority is the assessing authority.
	Authority nrm.Authority
}

// Variant is the column set of the case-level export.
type Variant string

// Variants of the case-level export.
const (
	// VariantHTCDS is IOM's Human Trafficking Case Data Standard 2.0:
	// field names with prefix and picklist value names as in the field
	// list (htcds-2.0-fields.csv).
	VariantHTCDS Variant = "htcds"
	// VariantCTDC is the column set of the CTDC global dataset, with -99
	// for unknown.
	VariantCTDC Variant = "ctdc"
)

// Variants lists the variants, the default first.
var Variants = []Variant{VariantHTCDS, VariantCTDC}

// Header returns the variant's header row.
func (v Variant) Header() []string {
	if v == VariantCTDC {
		return slices.Clone(CTDCHeader)
	}
	return slices.Clone(HTCDSHeader)
}

// Valid reports whether v is a known variant.
func (v Variant) Valid() bool { return slices.Contains(Variants, v) }

// Generalisation is one generalisation step and the number of records it
// changed.
type Generalisation struct {
	// Step is the step's code (StepAge, StepReferringOrg, …).
	Step string
	// Records is the number of records it changed.
	Records int
}

// Report tells what WriteCases did to reach k-anonymity.
type Report struct {
	// Rows is the number of records written.
	Rows int
	// Suppressed is the number of records left out because their
	// combination still occurred fewer than k times.
	Suppressed int
	// Generalisations lists each step that changed records, in order.
	Generalisations []Generalisation
}

// HTCDSHeader is the header of the HTCDS 2.0 export: the fields nrm
// records, named with their prefix as in the field list.
var HTCDSHeader = []string{
	"vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg", "prs_Gender", "prs_Citizenship",
	"vic_TypeOfExploitation", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
	"hte_Type", "hte_Country", "cas_ReferringOrganisation",
}

// CTDCHeader is the header of the CTDC variant: the CTDC global dataset's
// column names for the fields nrm records, in CTDC's order.
var CTDCHeader = []string{
	"yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
	"isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage", "isOrganRemoval",
	"typeOfExploitConcatenated",
	"typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
	"typeOfLabourManufacturing", "typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified",
	"typeOfLabourConcatenated",
	"typeOfSexProstitution", "typeOfSexConcatenated",
	"CountryOfExploitation",
}

// Values of the CTDC variant.
const (
	// CTDCUnknown is CTDC's value for unknown or not applicable.
	CTDCUnknown = "-99"
	// DatasourceCaseManagement is the Datasource of every record.
	DatasourceCaseManagement = "Case Management"
	// MajorityAdult is majorityStatus for 18 and over.
	MajorityAdult = "Adult"
	// MajorityMinor is majorityStatus for under 18.
	MajorityMinor = "Minor"
)

// AgeBroad lists CTDC's broad age bands (CTDC writes them with "--").
var AgeBroad = []string{"0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}

// ctdcGender maps nrm's genders to the CTDC dataset's values (unknown is
// CTDCUnknown).
var ctdcGender = map[nrm.Gender]string{
	nrm.GenderFemale:      "Female",
	nrm.GenderMale:        "Male",
	nrm.GenderTransgender: "Transgender/NonConforming",
}

// htcdsGender maps nrm's genders to prs_Gender. nrm records that a person
// is transgender but not which way, so that is NonSpecifiedUnknown rather
// than a guessed TransgenderFeminine or TransgenderMasculine.
var htcdsGender = map[nrm.Gender]string{
	nrm.GenderFemale:      "Feminine",
	nrm.GenderMale:        "Masculine",
	nrm.GenderTransgender: "NonSpecifiedUnknown",
	nrm.GenderUnknown:     "NonSpecifiedUnknown",
}

// htcdsExploitation maps nrm's forms to vic_TypeOfExploitation, in the
// picklist's order. The picklist has no value for forced criminality
// (criminal activities), so it is Other, as nrm's other forms are.
var htcdsExploitation = []struct {
	value string
	forms []nrm.ExploitationForm
}{
	{"ForcedLabour", []nrm.ExploitationForm{nrm.ExploitationForcedLabour}},
	{"SexualExploitation", []nrm.ExploitationForm{nrm.ExploitationSexual}},
	{"ForcedMarriage", []nrm.ExploitationForm{nrm.ExploitationForcedMarriage}},
	{"OrganRemoval", []nrm.ExploitationForm{nrm.ExploitationOrganRemoval}},
	{"ForcedBegging", []nrm.ExploitationForm{nrm.ExploitationBegging}},
	{"Other", []nrm.ExploitationForm{nrm.ExploitationForcedCriminality, nrm.ExploitationOther}},
}

// isicSection maps a forced-labour sector to vic_ForcedLabourIndustry, an
// ISIC Rev. 4 section. Fishing is in section A, cleaning of buildings
// (ISIC 812) in N, work in private households in T; "other" names no
// section and is left empty.
var isicSection = map[nrm.LabourSector]string{
	"agriculture":   "A_AgricultureForestryAndFishing",
	"fishing":       "A_AgricultureForestryAndFishing",
	"manufacturing": "C_Manufacturing",
	"construction":  "F_Construction",
	"transport":     "H_TransportationAndStorage",
	"hospitality":   "I_AccommodationAndFoodServiceActivities",
	"cleaning":      "N_AdministrativeAndSupportServiceActivities",
	"domestic_work": "T_ActivitiesOfHouseholdsAsEmployers",
}

// HTCDS values nrm writes as constants.
const (
	// StatusActual is vic_TraffickingStatus of an identified victim.
	StatusActual = "ActualVictimOfTrafficking"
	// StatusPossible is vic_TraffickingStatus of a presumed victim.
	StatusPossible = "PossibleVictimOfTrafficking"
	// DecisionNonPoliceGovernmental is vic_TraffickingStatusDecisionMakingOrg
	// for both competent authorities (the immigration service and the
	// national centre against trafficking).
	DecisionNonPoliceGovernmental = "NonPoliceGovernmentalOrganization"
	// EventExploitation is hte_Type of the country of exploitation.
	EventExploitation = "Exploitation"
	// SexProstitution is vic_TypeOfSexExploitation: nrm's sexual
	// exploitation is exploitation in prostitution.
	SexProstitution = "Prostitution"
)

// labourColumn maps a sector to its CTDC typeOfLabour column suffix and the
// value used in typeOfLabourConcatenated; CTDC has no cleaning or fishing
// value (Aquafarming is fish farming), so those are Other.
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

// Generalisation steps, in the order they are applied.
const (
	// StepAge drops the age band (the majority status stays).
	StepAge = "age"
	// StepReferringOrg drops the referring organisation.
	StepReferringOrg = "referring_org"
	// StepSector drops the forced-labour sector.
	StepSector = "sector"
	// StepCountry drops the country of exploitation.
	StepCountry = "country"
	// StepCitizenship drops the citizenship.
	StepCitizenship = "citizenship"
)

// Steps lists the generalisation steps in order: the citizenship, the
// most used attribute, is dropped last.
var Steps = []string{StepAge, StepReferringOrg, StepSector, StepCountry, StepCitizenship}

// StepLabel describes a generalisation step in lang.
func StepLabel(step string, lang nrm.Lang) string {
	labels := map[string][2]string{
		StepAge:          {"aldersgruppe udeladt (kun mindreårig/voksen)", "age band dropped (minor/adult kept)"},
		StepReferringOrg: {"henvisende organisation udeladt", "referring organisation dropped"},
		StepSector:       {"branche for tvangsarbejde udeladt", "forced-labour industry dropped"},
		StepCountry:      {"udnyttelsesland udeladt", "country of exploitation dropped"},
		StepCitizenship:  {"statsborgerskab udeladt", "citizenship dropped"},
	}
	l, ok := labels[step]
	if !ok {
		return step
	}
	if lang == nrm.LangEN {
		return l[1]
	}
	return l[0]
}

// record is one victim in the export, with its generalisation state.
type record struct {
	row  CaseRow
	gen  map[string]bool
	cols []string
	key  string
}

func flag(on bool) string {
	if on {
		return "1"
	}
	return "0"
}

// has reports whether the record has any of the forms fs.
func (r *record) has(fs ...nrm.ExploitationForm) bool {
	for _, f := range fs {
		if slices.Contains(r.row.Exploitation, f) {
			return true
		}
	}
	return false
}

// render computes the output columns at the record's current level of
// detail. Every column is a function of the quasi-identifiers (or a
// constant), so a combination of quasi-identifiers that occurs k times is
// a row that occurs k times: k-anonymity holds for the whole file.
func (r *record) render(v Variant) {
	var col map[string]string
	header := HTCDSHeader
	if v == VariantCTDC {
		col, header = r.ctdc(), CTDCHeader
	} else {
		col = r.htcds()
	}
	r.cols = make([]string, len(header))
	for i, h := range header {
		r.cols[i] = col[h]
		if v == VariantCTDC && r.cols[i] == "" {
			r.cols[i] = CTDCUnknown
		}
	}
	r.key = strings.Join(r.cols, "\x00")
}

// htcds is the record's HTCDS 2.0 fields; "" is unknown.
func (r *record) htcds() map[string]string {
	c := r.row
	col := map[string]string{"vic_TraffickingStatus": StatusActual, "prs_Gender": htcdsGender[nrm.GenderUnknown]}
	if c.Stage == nrm.StagePreliminary {
		col["vic_TraffickingStatus"] = StatusPossible
	}
	if c.Authority == nrm.AuthorityUS || c.Authority == nrm.AuthorityCMM {
		col["vic_TraffickingStatusDecisionMakingOrg"] = DecisionNonPoliceGovernmental
	}
	if g, ok := htcdsGender[c.Gender]; ok {
		col["prs_Gender"] = g
	}
	if nrm.ValidCountry(c.Nationality) && !r.gen[StepCitizenship] {
		col["prs_Citizenship"] = c.Nationality
	}
	var types []string
	for _, e := range htcdsExploitation {
		if r.has(e.forms...) {
			types = append(types, e.value)
		}
	}
	col["vic_TypeOfExploitation"] = strings.Join(types, ";")
	if r.has(nrm.ExploitationForcedLabour) && !r.gen[StepSector] {
		col["vic_ForcedLabourIndustry"] = isicSection[c.LabourSector]
	}
	if r.has(nrm.ExploitationSexual) {
		col["vic_TypeOfSexExploitation"] = SexProstitution
	}
	if nrm.ValidCountry(c.ExploitationCountry) && !r.gen[StepCountry] {
		col["hte_Type"], col["hte_Country"] = EventExploitation, c.ExploitationCountry
	}
	if !r.gen[StepReferringOrg] {
		col["cas_ReferringOrganisation"] = strings.TrimSpace(c.ReferringOrg)
	}
	return col
}

// ctdc is the record's CTDC columns; "" is unknown (written -99).
func (r *record) ctdc() map[string]string {
	c := r.row
	col := map[string]string{
		"yearOfRegistration": strconv.Itoa(c.Year),
		"Datasource":         DatasourceCaseManagement,
		"gender":             ctdcGender[c.Gender],
	}
	if c.Age != nil && *c.Age >= 0 {
		col["majorityStatus"] = MajorityAdult
		if *c.Age < 18 {
			col["majorityStatus"] = MajorityMinor
		}
		if !r.gen[StepAge] {
			col["ageBroad"] = ageBroad(*c.Age)
		}
	}
	// An ISO column holds a valid code or nothing: generalisation never
	// writes a region or a group of countries into it.
	if nrm.ValidCountry(c.Nationality) && !r.gen[StepCitizenship] {
		col["citizenship"] = c.Nationality
	}
	if nrm.ValidCountry(c.ExploitationCountry) && !r.gen[StepCountry] {
		col["CountryOfExploitation"] = c.ExploitationCountry
	}
	if len(c.Exploitation) == 0 { // no form recorded: the flags are unknown
		return col
	}
	labour, sexual := r.has(nrm.ExploitationForcedLabour), r.has(nrm.ExploitationSexual)
	other := r.has(nrm.ExploitationForcedCriminality, nrm.ExploitationBegging, nrm.ExploitationOther)
	marriage, organ := r.has(nrm.ExploitationForcedMarriage), r.has(nrm.ExploitationOrganRemoval)
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
		for _, h := range CTDCHeader {
			if strings.HasPrefix(h, "typeOfLabour") && h != "typeOfLabourConcatenated" {
				col[h] = "0"
			}
		}
		if lc, ok := labourColumn[c.LabourSector]; ok && !r.gen[StepSector] {
			col["typeOfLabour"+lc[0]] = "1"
			col["typeOfLabourConcatenated"] = lc[1]
		} else {
			col["typeOfLabourNotSpecified"] = "1"
		}
	}
	if sexual {
		col["typeOfSexProstitution"], col["typeOfSexConcatenated"] = "1", "Prostitution"
	}
	return col
}

// WriteHTCDS writes the HTCDS 2.0 case CSV (WriteCases with VariantHTCDS).
func WriteHTCDS(w io.Writer, rows []CaseRow, k int) (Report, error) {
	return WriteCases(w, rows, VariantHTCDS, k)
}

// WriteCases writes the case-level CSV in variant v, k-anonymised by
// generalisation: records whose combination of quasi-identifiers (every
// column the variant writes) occurs fewer than k times are generalised
// step by step (Steps: age band, referring organisation, forced-labour
// industry, country of exploitation, citizenship — each dropped, never
// replaced by a region), and records still in a combination rarer than k
// are left out. k ≤ 0 means DefaultK; k = 1 writes every record at full
// detail. Records are written sorted, so the order reveals nothing about
// the input.
func WriteCases(w io.Writer, rows []CaseRow, v Variant, k int) (Report, error) {
	if !v.Valid() {
		v = VariantHTCDS
	}
	if k <= 0 {
		k = DefaultK
	}
	recs := make([]*record, len(rows))
	for i, c := range rows {
		c.Exploitation = slices.Clone(c.Exploitation)
		recs[i] = &record{row: c, gen: map[string]bool{}}
		recs[i].render(v)
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
	for _, st := range Steps {
		rare := small()
		if len(rare) == 0 {
			break
		}
		changed := 0
		for _, r := range recs {
			if rare[r.key] && !r.gen[st] {
				before := r.key
				r.gen[st] = true
				r.render(v)
				if r.key != before {
					changed++
				}
			}
		}
		if changed > 0 {
			rep.Generalisations = append(rep.Generalisations, Generalisation{Step: st, Records: changed})
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
	return rep, writeRecords(w, v.Header(), out)
}
