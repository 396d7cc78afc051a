package intlexport

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
)

// htcdsFieldsCSV is IOM's HTCDS 2.0 field list ("HTCDS Field Standards
// 2.0.ods" converted to CSV without changes; CC BY 4.0, © IOM — see
// README.md, "Attribution").
//
//go:embed htcds-2.0-fields.csv
var htcdsFieldsCSV []byte

// Field is one field of the HTCDS 2.0 field list.
type Field struct {
	// Section is the section heading the field is listed under.
	Section string
	// Status is DRAFT, DEPRECATED or N/A.
	Status string
	// Name is the field name including its prefix (prs_Gender).
	Name string
	// Label is the field's English label.
	Label string
	// Type is the field type (Picklist, Multiselect Picklist, Text, …).
	Type string
	// Values are the picklist value names, in the list's order; empty for
	// fields that are not picklists or whose values are a referenced
	// standard (ISO 3166, ISO 639).
	Values []string
}

// Picklist reports whether the field's values must be one of Values.
func (f Field) Picklist() bool { return len(f.Values) > 0 }

// Multiselect reports whether a cell may hold several values (separated
// by ";", as Salesforce writes a multiselect picklist).
func (f Field) Multiselect() bool { return strings.HasPrefix(f.Type, "Multiselect") }

// HTCDSFieldsCSV returns the project's copy of the HTCDS 2.0 field list.
func HTCDSFieldsCSV() []byte { return bytes.Clone(htcdsFieldsCSV) }

var (
	fieldsOnce   sync.Once
	fieldsByName map[string]Field
	fieldsErr    error
)

// HTCDSFields returns the fields of the HTCDS 2.0 field list by name with
// prefix.
func HTCDSFields() (map[string]Field, error) {
	fieldsOnce.Do(func() { fieldsByName, fieldsErr = parseFields(htcdsFieldsCSV) })
	return fieldsByName, fieldsErr
}

// parseFields reads the field list: a row with only its first cell set
// is a section heading, every other row a field (columns: section,
// status, core, prefix, name, label, name with prefix, type, Salesforce
// kind, value names, value labels, description, notes).
func parseFields(b []byte) (map[string]Field, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("htcds field list: %w", err)
	}
	out := map[string]Field{}
	section := ""
	for _, rec := range recs[1:] {
		if rec[0] != "" {
			section = strings.ReplaceAll(rec[0], "\n", " ")
			continue
		}
		if len(rec) < 8 || rec[6] == "" || rec[6] == "N/A" {
			continue
		}
		f := Field{Section: section, Status: rec[1], Name: rec[6], Label: rec[5], Type: rec[7]}
		if len(rec) > 9 && strings.Contains(f.Type, "Picklist") && !strings.Contains(rec[9], "ISO") {
			for v := range strings.SplitSeq(rec[9], "\n") {
				if v = strings.TrimSpace(v); v != "" {
					f.Values = append(f.Values, v)
				}
			}
		}
		out[f.Name] = f
	}
	return out, nil
}
