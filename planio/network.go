package planio

import (
	"io"
	"strconv"
	"strings"

	"nrm"
)

// ReadNetworkYAML reads the reference network, its meetings and the
// outreach services and statistics from YAML whose keys are the yaml tags
// of nrm.Network. Unknown fields are errors naming their line and field;
// the network must then pass (*nrm.Network).Validate.
func ReadNetworkYAML(r io.Reader) (*nrm.Network, error) {
	data, err := readYAML(r, "network")
	if err != nil {
		return nil, err
	}
	var n nrm.Network
	if err := decodeStrict(data, &n, "network"); err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return &n, nil
}

// OrganisationCSVColumns are the columns of organisations.csv.
var OrganisationCSVColumns = []string{"code", "name_da", "name_en", "kind"}

// orgFieldColumn maps nrm.Organisation's validation fields to columns.
var orgFieldColumn = map[string]string{"code": "code", "name_da": "name_da", "name_en": "name_en", "org_kind": "kind"}

// ReadOrganisationsCSV reads organisations from CSV with the header
// code,name_da,name_en,kind (any column order). Every row must pass
// (*nrm.Organisation).Validate and codes must be unique; all problems are
// reported, each naming line, column, value and expectation.
func ReadOrganisationsCSV(r io.Reader) ([]nrm.Organisation, error) {
	data, err := readAll(r, "organisations CSV")
	if err != nil {
		return nil, err
	}
	p := &problems{}
	header, rows := readCSV(data, p)
	if header == nil {
		if len(p.fields) == 0 {
			p.add(atCell(1, "*"), nrm.RuleRequired, "", "a header row with the columns "+strings.Join(OrganisationCSVColumns, ","))
		}
		return nil, p.err("The organisations CSV file is invalid.")
	}
	hp := &problems{}
	cols := csvHeader(header, OrganisationCSVColumns, nil, hp)
	if len(hp.fields) > 0 {
		return nil, hp.err("The organisations CSV file is invalid.")
	}
	var orgs []nrm.Organisation
	seen := map[string]int{}
	for _, row := range rows {
		get := func(col string) string { return strings.TrimSpace(row.cells[cols[col]]) }
		at := func(col string) string { return atCell(row.lines[cols[col]], col) }
		o := nrm.Organisation{Code: get("code"), NameDA: get("name_da"), NameEN: get("name_en"), Kind: nrm.OrgKind(get("kind"))}
		for _, f := range nrm.FieldErrors(o.Validate()) {
			col := orgFieldColumn[f.Field]
			if col == "" {
				col = f.Field
			}
			p.add(at(col), f.Rule, f.Value, f.Expected)
		}
		if prev, dup := seen[o.Code]; dup && o.Code != "" {
			p.add(at("code"), nrm.RuleDuplicate, o.Code, "unique codes (also on line "+strconv.Itoa(prev)+")")
		}
		seen[o.Code] = row.lines[0]
		orgs = append(orgs, o)
	}
	if err := p.err("The organisations CSV file is invalid."); err != nil {
		return nil, err
	}
	return orgs, nil
}
