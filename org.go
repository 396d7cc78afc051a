package nrm

import "fmt"

// Organisation is an authority, ministry, NGO, police unit or international
// body that meets, assesses, supports or reports.
type Organisation struct {
	Code   string  `json:"code" yaml:"code"`
	NameDA string  `json:"name_da" yaml:"name_da"`
	NameEN string  `json:"name_en" yaml:"name_en"`
	Kind   OrgKind `json:"kind" yaml:"kind"`
}

// Name returns the organisation's name in lang.
func (o *Organisation) Name(lang Lang) string {
	if lang == LangEN && o.NameEN != "" {
		return o.NameEN
	}
	return o.NameDA
}

// Validate checks the organisation.
func (o *Organisation) Validate() error {
	v := &invalid{}
	if !ValidOrgCode(o.Code) {
		v.add("code", RuleFormat, o.Code, "letters, digits, _ and - (at most 32)")
	}
	if o.NameDA == "" {
		v.add("name_da", RuleRequired, "", "")
	}
	if !o.Kind.Valid() {
		v.add("org_kind", RuleOneOf, string(o.Kind), orgKinds.expected())
	}
	return v.err("The organisation has invalid fields.")
}

// Country maps an ISO 3166-1 alpha-2 code to names and a region of origin.
// The mapping is data, editable by coordinators.
type Country struct {
	Code   string `json:"code"`
	NameDA string `json:"name_da"`
	NameEN string `json:"name_en"`
	Region Region `json:"region"`
}

// Name returns the country's name in lang.
func (c *Country) Name(lang Lang) string {
	if lang == LangEN && c.NameEN != "" {
		return c.NameEN
	}
	return c.NameDA
}

// Validate checks the country row.
func (c *Country) Validate() error {
	v := &invalid{}
	if !ValidCountry(c.Code) {
		v.add("code", RuleFormat, c.Code, "ISO 3166-1 alpha-2 code")
	}
	if !c.Region.Valid() || c.Region == RegionUnknown {
		v.add("region", RuleOneOf, string(c.Region), "Africa, Asia, Europe, Latin America, Middle East, North America, Oceania")
	}
	return v.err("The country has invalid fields.")
}

// Prosecution is the police's aggregate count of charges and decisions
// under the trafficking article of the criminal code for one year.
type Prosecution struct {
	Year                       int    `json:"year"`
	Cutoff                     Date   `json:"cutoff_date"`
	Charges                    int    `json:"charges"`
	Decisions                  int    `json:"decisions"`
	ConvictionsUnconditional   int    `json:"convictions_unconditional"`
	ConvictionsPartlySuspended int    `json:"convictions_partly_suspended"`
	Note                       string `json:"note,omitempty"`
}

// ConvictionsTotal is the number of convicting decisions.
func (p *Prosecution) ConvictionsTotal() int {
	return p.ConvictionsUnconditional + p.ConvictionsPartlySuspended
}

// Validate checks the row: counts are non-negative and convictions are
// part of the decisions.
func (p *Prosecution) Validate() error {
	v := &invalid{}
	if p.Year < 1990 || p.Year > 2200 {
		v.add("year", RuleRange, fmt.Sprint(p.Year), "a year between 1990 and 2200")
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"charges", p.Charges}, {"decisions", p.Decisions}, {"convictions_unconditional", p.ConvictionsUnconditional},
		{"convictions_partly_suspended", p.ConvictionsPartlySuspended}} {
		if f.n < 0 {
			v.add(f.name, RuleRange, fmt.Sprint(f.n), "a whole number ≥ 0")
		}
	}
	if p.ConvictionsTotal() > p.Decisions {
		v.add("decisions", RuleRange, fmt.Sprint(p.Decisions), fmt.Sprintf("at least the number of convictions (%d)", p.ConvictionsTotal()))
	}
	if !p.Cutoff.IsZero() && p.Cutoff.Year() < p.Year {
		v.add("cutoff_date", RuleDateOrder, p.Cutoff.String(), fmt.Sprintf("a date in or after %d", p.Year))
	}
	return v.err("The prosecution row has invalid fields.")
}

// DefaultProsecutionNote is the police's methodology note from the seed.
const DefaultProsecutionNote = "Opgørelsen af sigtelser og afgørelser er baseret på samtlige tilfælde, hvor der henholdsvis er rejst en sigtelse eller truffet en afgørelse i den pågældende periode. Det betyder, at i de tilfælde, hvor der rejses flere sigtelser på samme anmeldelse, indgår samtlige sigtelser i opgørelsen. Herudover medtages samtlige sigtelser, der er rejst i den periode, som opgørelsen vedrører, og ikke kun de sigtelser, der vedrører anmeldelser, der er optaget i samme periode. Tilsvarende er gældende for opgørelsen af afgørelser. Der tages forbehold for eventuelle indtastningsfejl. I øvrigt skal det bemærkes, at opgørelserne løbende opdateres, således, at der kan tages højde for korrektioner og nye registreringer mv."
