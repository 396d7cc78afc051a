package intlexport

import (
	"strconv"

	"nrm"
	"nrm/refdata"
)

// SDMX-CSV codes of the Eurostat trafficking tables (dataset family
// crim_thb).
const (
	// FlagConfidential is OBS_FLAG of a withheld cell (OBS_VALUE empty).
	FlagConfidential = "c"
	// FlagDefinitionDiffers is OBS_FLAG of the police's figures: they
	// count charges and decisions (events), not persons.
	FlagDefinitionDiffers = "d"
	// sdmxFreq is the annual frequency, sdmxUnit a number of persons.
	sdmxFreq, sdmxUnit = "A", "NR"
)

// SDMX dataset identifiers (file names are their lower-case form).
const (
	// DataflowVictimsAge is registered victims by age group and sex.
	DataflowVictimsAge = "CRIM_THB_VAGE"
	// DataflowVictimsCitizenship is registered victims by citizenship.
	DataflowVictimsCitizenship = "CRIM_THB_VCTZ"
	// DataflowVictimsExploitation is registered victims by form of
	// exploitation and sex.
	DataflowVictimsExploitation = "CRIM_THB_VEXP"
	// DataflowTraffickers is suspected, prosecuted and convicted
	// traffickers by legal status.
	DataflowTraffickers = "CRIM_THB_LSTAT"
)

// SDMXHeader returns the SDMX-CSV header of a dataset with the given
// dimensions between unit and geo.
func SDMXHeader(dims ...string) []string {
	return append(append([]string{"DATAFLOW", "freq", "unit"}, dims...), "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG")
}

// citizenCodes are Eurostat's citizenship groups as seen from the
// reporting country, for the EU of the year: the EU-27 of 2007–2012, the
// EU-28 of 2013–2019, the EU-27 from 2020.
func citizenCodes(year int) (otherEU, nonEU string) {
	switch {
	case year < 2013:
		return "EU27_2007_FOR", "NEU27_2007_FOR"
	case year < 2020:
		return "EU28_FOR", "NEU28_FOR"
	}
	return "EU27_2020_FOR", "NEU27_2020_FOR"
}

// sdmxSex maps the Eurostat tables' labels to Eurostat's sex codes.
var sdmxSex = map[string]string{"female": "F", "male": "M", "unknown": "UNK", "total": "T"}

// SDMXTables returns the Eurostat tables as SDMX-CSV datasets: the cells
// of EurostatTablesK(s, k) — protected in the one linked disclosure
// system of the publication — with Eurostat's dimension codes, geo the
// reporting country, a withheld cell as an empty OBS_VALUE with OBS_FLAG
// c, and the police's event counts flagged d. A prosecution year the
// police did not report has no observations.
func SDMXTables(s *nrm.Stats, k int) []Table {
	plain := map[string]Table{}
	for _, t := range EurostatTablesK(s, k) {
		plain[t.Code] = t
	}
	geo, period := refdata.ReportingCountry, strconv.Itoa(s.Year)
	obs := func(df string, dims []string, v string) []string {
		rec := append([]string{"ESTAT:" + df + "(1.0)", sdmxFreq, sdmxUnit}, dims...)
		flag := ""
		if v == Confidential {
			v, flag = "", FlagConfidential
		}
		return append(rec, geo, period, v, flag)
	}

	age := Table{Code: "crim_thb_vage", Title: "Registered victims of trafficking in human beings (identified + presumed) by age group and sex",
		Headers: SDMXHeader("age", "sex")}
	for _, r := range plain[CodeVictimsSex].Rows {
		age.Rows = append(age.Rows, obs(DataflowVictimsAge, []string{"TOTAL", sdmxSex[r[0]]}, r[1]))
	}
	ageCode := map[string]string{"child": "Y_LT18", "adult": "Y_GE18", "unknown": "UNK"}
	for _, r := range plain[CodeVictimsAge].Rows {
		if r[0] != "total" { // the total is the sex table's
			age.Rows = append(age.Rows, obs(DataflowVictimsAge, []string{ageCode[r[0]], "T"}, r[1]))
		}
	}

	otherEU, nonEU := citizenCodes(s.Year)
	ctzCode := map[string]string{"national": "NAT", "other_eu": otherEU, "non_eu": nonEU, "unknown": "UNK", "total": "TOTAL"}
	ctz := Table{Code: "crim_thb_vctz", Title: "Registered victims of trafficking in human beings (identified + presumed) by citizenship",
		Headers: SDMXHeader("citizen", "sex")}
	for _, r := range plain[CodeVictimsCitizenship].Rows {
		ctz.Rows = append(ctz.Rows, obs(DataflowVictimsCitizenship, []string{ctzCode[r[0]], "T"}, r[1]))
	}

	explCode := map[string]string{"sexual": "SEX", "labour": "LAB", "other": "OTH", "unknown": "UNK"}
	exp := Table{Code: "crim_thb_vexp", Title: "Registered victims of trafficking in human beings (identified + presumed) by form of exploitation and sex",
		Headers: SDMXHeader("expl", "sex")}
	ex := plain[CodeVictimsExploitation]
	for _, r := range ex.Rows {
		for j, h := range ex.Headers[1:] {
			exp.Rows = append(exp.Rows, obs(DataflowVictimsExploitation, []string{explCode[r[0]], sdmxSex[h]}, r[j+1]))
		}
	}

	lst := Table{Code: "crim_thb_lstat", Title: "Suspected, prosecuted and convicted traffickers (police aggregate: charges and decisions, not persons)",
		Headers: SDMXHeader("leg_stat", "sex")}
	legCode := map[string]string{"suspected": "PER_SUSP", "prosecuted": "PER_PROS", "convicted": "PER_CNV"}
	for _, r := range plain[CodeProsecution].Rows {
		if code, ok := legCode[r[0]]; ok && r[1] != "" {
			rec := obs(DataflowTraffickers, []string{code, "T"}, r[1])
			rec[len(rec)-1] = FlagDefinitionDiffers
			lst.Rows = append(lst.Rows, rec)
		}
	}
	return []Table{age, ctz, exp, lst}
}
