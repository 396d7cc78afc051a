// Package refdata holds the reference data shipped with nrm: the mapping
// from ISO 3166-1 alpha-2 country codes to Danish and English names and to
// the region of origin used by the statistics. The shipped mapping is
// embedded; coordinators can load an edited copy in the same format (see
// README.md).
package refdata

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"nrm"
)

//go:embed countries.csv
var countriesCSV []byte

// columns of a country mapping file, in the order the shipped file uses;
// an edited file may order them differently.
var columns = []string{"code", "name_da", "name_en", "region"}

// embedded parses the shipped table once; tests guarantee it is valid.
var embedded = sync.OnceValues(func() ([]nrm.Country, error) {
	cs, err := CountriesFrom(bytes.NewReader(countriesCSV))
	if err != nil {
		return nil, fmt.Errorf("refdata: embedded countries.csv: %w", err)
	}
	return cs, nil
})

var regionByCode = sync.OnceValue(func() map[string]nrm.Region {
	cs, err := embedded()
	if err != nil {
		// A broken embedded table is a build defect that the package
		// tests catch; failing loudly beats silently counting everyone
		// as "Unknown".
		panic(err)
	}
	m := make(map[string]nrm.Region, len(cs))
	for _, c := range cs {
		m[c.Code] = c.Region
	}
	return m
})

// Countries returns the shipped country mapping, one row per code in file
// order. The slice is a fresh copy the caller may change.
func Countries() ([]nrm.Country, error) {
	cs, err := embedded()
	if err != nil {
		return nil, err
	}
	return slices.Clone(cs), nil
}

// RegionOf returns the region of origin of an ISO 3166-1 alpha-2 code by
// the shipped mapping (case and surrounding spaces ignored), and
// nrm.RegionUnknown for an empty or unknown code.
func RegionOf(code string) nrm.Region {
	code = strings.ToUpper(strings.TrimSpace(code))
	if r, ok := regionByCode()[code]; ok {
		return r
	}
	return nrm.RegionUnknown
}

// CountriesFrom reads a country mapping in the format of the shipped
// countries.csv: UTF-8 CSV (an initial byte-order mark is allowed), a
// header naming the columns code, name_da, name_en and region in any
// order, then one row per country. Codes are upper-cased and regions may
// be given in any case, in English or Danish ("Africa" or "Afrika").
//
// Every problem in the file is reported, not only the first: the error is
// an EINVALID *nrm.Error whose Fields name the line and column
// ("line 12: region"), the offending value and what was expected.
func CountriesFrom(r io.Reader) ([]nrm.Country, error) {
	p := &parser{seen: map[string]int{}}
	br := bufio.NewReader(r)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3) // spreadsheet programs write a byte-order mark
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // row lengths are checked here, so the reading goes on
	cr.TrimLeadingSpace = true

	var out []nrm.Country
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.add(pe.Line, fmt.Sprintf("column %d", pe.Column), nrm.RuleFormat, "", "well-formed CSV ("+pe.Err.Error()+")")
			continue
		} else if err != nil {
			return nil, fmt.Errorf("refdata: read country mapping: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			if !p.header(line, rec) {
				// Without the columns no row can be read meaningfully.
				return nil, p.err()
			}
			continue
		}
		if c, ok := p.row(line, rec); ok {
			out = append(out, c)
		}
	}
	if header {
		p.add(1, "header", nrm.RuleRequired, "", "a header row: "+strings.Join(columns, ","))
	} else if len(out) == 0 && len(p.fields) == 0 {
		p.add(2, "code", nrm.RuleRequired, "", "at least one country row")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

type parser struct {
	col    map[string]int // column name -> index in a record
	seen   map[string]int // code -> line of first occurrence
	fields []nrm.FieldError
}

func (p *parser) add(line int, column, rule, value, expected string) {
	p.fields = append(p.fields, nrm.FieldError{
		Field: fmt.Sprintf("line %d: %s", line, column), Rule: rule, Value: value, Expected: expected,
	})
}

func (p *parser) err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID,
		Message: fmt.Sprintf("The country mapping has %d problem(s).", len(p.fields)), Fields: p.fields}
}

// header maps column names to positions and reports whether every column
// was found.
func (p *parser) header(line int, rec []string) bool {
	p.col = map[string]int{}
	for i, h := range rec {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(columns, name):
			p.add(line, fmt.Sprintf("column %d", i+1), nrm.RuleOneOf, h, strings.Join(columns, ", "))
		case hasKey(p.col, name):
			p.add(line, fmt.Sprintf("column %d", i+1), nrm.RuleDuplicate, h, "each column once")
		default:
			p.col[name] = i
		}
	}
	ok := true
	for _, c := range columns {
		if !hasKey(p.col, c) {
			p.add(line, c, nrm.RuleRequired, "", "a column named "+c+" in the header")
			ok = false
		}
	}
	return ok
}

// row turns one record into a country, recording its problems.
func (p *parser) row(line int, rec []string) (nrm.Country, bool) {
	before := len(p.fields)
	if len(rec) != len(p.col) {
		p.add(line, "row", nrm.RuleFormat, strings.Join(rec, ","),
			fmt.Sprintf("%d columns (%s), found %d", len(p.col), strings.Join(columns, ", "), len(rec)))
	}
	get := func(name string) (string, bool) {
		if i := p.col[name]; i < len(rec) {
			return strings.TrimSpace(rec[i]), true
		}
		return "", false
	}
	var c nrm.Country
	code, hasCode := get("code")
	c.Code = strings.ToUpper(code)
	c.NameDA, _ = get("name_da")
	c.NameEN, _ = get("name_en")
	region, hasRegion := get("region")
	c.Region = parseRegion(region)

	if c.Code == "" {
		p.add(line, "code", nrm.RuleRequired, "", "ISO 3166-1 alpha-2 code")
	}
	if c.NameDA == "" {
		p.add(line, "name_da", nrm.RuleRequired, "", "the Danish name")
	}
	if region == "" {
		p.add(line, "region", nrm.RuleRequired, "", strings.Join(validRegions(), ", "))
	}
	// The domain rules decide what a valid row is; only the fields
	// already reported as missing are skipped.
	for _, f := range nrm.FieldErrors(c.Validate()) {
		if (f.Field == "code" && (c.Code == "" || !hasCode)) || (f.Field == "region" && (region == "" || !hasRegion)) {
			continue
		}
		if f.Field == "region" {
			f.Value = region
		}
		p.add(line, f.Field, f.Rule, f.Value, f.Expected)
	}
	if nrm.ValidCountry(c.Code) {
		if first, dup := p.seen[c.Code]; dup {
			p.add(line, "code", nrm.RuleDuplicate, c.Code, fmt.Sprintf("each code once (first on line %d)", first))
		} else {
			p.seen[c.Code] = line
		}
	}
	return c, len(p.fields) == before
}

// parseRegion accepts a region's code or Danish label in any case;
// anything else is returned as given so that validation reports it.
func parseRegion(s string) nrm.Region {
	for _, code := range validRegions() {
		if strings.EqualFold(s, code) || strings.EqualFold(s, nrm.Region(code).Label(nrm.LangDA)) {
			return nrm.Region(code)
		}
	}
	return nrm.Region(s)
}

// validRegions lists the regions a country may have: all but Unknown.
func validRegions() []string {
	var out []string
	for _, r := range nrm.Codes("region") {
		if nrm.Region(r) != nrm.RegionUnknown {
			out = append(out, r)
		}
	}
	return out
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }
