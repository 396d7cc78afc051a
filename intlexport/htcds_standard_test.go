package intlexport

import (
	"bytes"
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"nrm"
)

// standardField is a field as this test reads it from the field list,
// apart from the exporter's own reader (fields.go) and tables.
type standardField struct {
	status, kind string
	values       []string // picklist value names; nil when not a picklist
	iso          bool     // values are ISO 3166 codes
}

// readStandard parses htcds-2.0-fields.csv by its header names.
func readStandard(t *testing.T) map[string]standardField {
	t.Helper()
	b, err := os.ReadFile("htcds-2.0-fields.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		i := slices.Index(recs[0], name)
		if i < 0 {
			t.Fatalf("the field list has no column %q", name)
		}
		return i
	}
	iName, iStatus, iType, iValues := col("Field Name including Prefix"), col("Status"), col("Field Type"), col("Value Names (if picklist)")
	out := map[string]standardField{}
	for _, rec := range recs[1:] {
		if len(rec) <= iType || rec[iName] == "" || rec[iName] == "N/A" {
			continue
		}
		f := standardField{status: rec[iStatus], kind: rec[iType]}
		if len(rec) > iValues && rec[iValues] != "" {
			if strings.Contains(rec[iValues], "ISO 3166") {
				f.iso = true
			} else if !strings.Contains(rec[iValues], "ISO") {
				for _, line := range strings.Split(rec[iValues], "\n") {
					if line = strings.TrimSpace(line); line != "" {
						f.values = append(f.values, line)
					}
				}
			}
		}
		out[rec[iName]] = f
	}
	if len(out) < 50 || len(out["prs_Gender"].values) != 6 {
		t.Fatalf("the field list was not read: %d fields, prs_Gender %v", len(out), out["prs_Gender"])
	}
	return out
}

// everyCombination is one record for each gender × stage × authority,
// each form with each sector, and every country case, so that every
// mapping is written at least once.
func everyCombination() []CaseRow {
	var rows []CaseRow
	for _, g := range nrm.Codes("gender") {
		for _, st := range []nrm.AssessmentStage{"", nrm.StageFinal, nrm.StagePreliminary} {
			for _, a := range []nrm.Authority{nrm.AuthorityUS, nrm.AuthorityCMM, ""} {
				rows = append(rows, CaseRow{Year: 2011, Gender: nrm.Gender(g), Stage: st, Authority: a, Nationality: "NG", ExploitationCountry: "DK"})
			}
		}
	}
	for _, f := range nrm.Codes("exploitation") {
		for _, s := range append(nrm.Codes("labour_sector"), "") {
			rows = append(rows, CaseRow{Year: 2012, Gender: nrm.GenderFemale, Exploitation: []nrm.ExploitationForm{nrm.ExploitationForm(f)},
				LabourSector: nrm.LabourSector(s), Nationality: "DK", ReferringOrg: "Reden International"})
		}
	}
	all := make([]nrm.ExploitationForm, 0)
	for _, f := range nrm.Codes("exploitation") {
		all = append(all, nrm.ExploitationForm(f))
	}
	rows = append(rows, CaseRow{Year: 2011, Gender: nrm.GenderMale, Exploitation: all, LabourSector: "fishing", Nationality: "QQ", ExploitationCountry: "ZZ"})
	return rows
}

// TestHTCDSValuesInStandard checks every value the HTCDS export writes
// against the field list: each column is a field of HTCDS 2.0 (not
// deprecated), each picklist value one of the field's value names as
// written (each of a multiselect's values), each country an ISO 3166
// alpha-2 code and never a region, each referring organisation one given.
func TestHTCDSValuesInStandard(t *testing.T) {
	std := readStandard(t)
	iso := regexp.MustCompile(`^[A-Z]{2}$`)
	regions := nrm.Codes("region")
	inputs := map[string][]CaseRow{"synthetic": syntheticRows(600), "every combination": everyCombination()}
	written := map[string]map[string]bool{}
	for name, in := range inputs {
		orgs := map[string]bool{"": true}
		for _, r := range in {
			orgs[r.ReferringOrg] = true
		}
		for _, k := range []int{1, 5, 11} {
			var buf bytes.Buffer
			if _, err := WriteHTCDS(&buf, in, k); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			header := recs[0]
			for _, h := range header {
				f, ok := std[h]
				if !ok {
					t.Fatalf("column %s is not a field of HTCDS 2.0", h)
				}
				if f.status == "DEPRECATED" {
					t.Errorf("column %s is deprecated in HTCDS 2.0", h)
				}
			}
			for _, rec := range recs[1:] {
				for i, v := range rec {
					h, f := header[i], std[header[i]]
					if written[h] == nil {
						written[h] = map[string]bool{}
					}
					written[h][v] = true
					if v == "" {
						continue // unknown
					}
					switch {
					case f.iso || h == "hte_Country":
						if !iso.MatchString(v) || !nrm.ValidCountry(v) || slices.Contains(regions, v) {
							t.Errorf("%s: %s = %q is not an ISO 3166 alpha-2 code", name, h, v)
						}
					case f.values != nil:
						vals := []string{v}
						if strings.HasPrefix(f.kind, "Multiselect") {
							vals = strings.Split(v, ";")
						}
						for _, x := range vals {
							if !slices.Contains(f.values, x) {
								t.Errorf("%s: %s = %q is not a value name of the field (%s)", name, h, x, strings.Join(f.values, ", "))
							}
						}
					case strings.HasPrefix(f.kind, "Lookup"):
						if !orgs[v] {
							t.Errorf("%s: %s = %q is no organisation of the input", name, h, v)
						}
					default:
						t.Errorf("%s: %s (%s) has no check", name, h, f.kind)
					}
				}
			}
		}
	}
	// The mappings are exercised: the values are among those written.
	for h, vs := range map[string][]string{
		"vic_TraffickingStatus":  {"ActualVictimOfTrafficking", "PossibleVictimOfTrafficking"},
		"vic_TypeOfExploitation": {"ForcedBegging", "ForcedLabour", "SexualExploitation", "ForcedMarriage", "OrganRemoval", "Other"},
		"prs_Gender":             {"Feminine", "Masculine", "NonSpecifiedUnknown"},
		"vic_ForcedLabourIndustry": {"A_AgricultureForestryAndFishing", "C_Manufacturing", "F_Construction", "H_TransportationAndStorage",
			"I_AccommodationAndFoodServiceActivities", "N_AdministrativeAndSupportServiceActivities", "T_ActivitiesOfHouseholdsAsEmployers"},
		"vic_TraffickingStatusDecisionMakingOrg": {"NonPoliceGovernmentalOrganization"},
		"cas_ReferringOrganisation":              {"Reden International"},
	} {
		for _, v := range vs {
			if !written[h][v] {
				t.Errorf("%s = %s is never written", h, v)
			}
		}
	}
	// QQ and ZZ are not ISO 3166-1 codes: written as unknown.
	if written["prs_Citizenship"]["QQ"] || written["hte_Country"]["ZZ"] {
		t.Error("a code outside ISO 3166-1 was written")
	}
}

// TestHTCDSFieldsEmbedded: the package's reader of its embedded copy
// agrees with the file, and the copy carries its attribution.
func TestHTCDSFieldsEmbedded(t *testing.T) {
	b, err := os.ReadFile("htcds-2.0-fields.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, HTCDSFieldsCSV()) {
		t.Fatal("the embedded field list differs from the file")
	}
	fields, err := HTCDSFields()
	if err != nil {
		t.Fatal(err)
	}
	std := readStandard(t)
	for name, f := range std {
		g, ok := fields[name]
		if !ok || !slices.Equal(g.Values, f.values) || g.Type != f.kind {
			t.Errorf("%s: package reads %+v, the test %+v", name, g, f)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"CC BY 4.0", "International Organization for Migration", "htcds-2.0-fields.csv"} {
		if !strings.Contains(string(readme), s) {
			t.Errorf("README.md does not say %q", s)
		}
	}
}
