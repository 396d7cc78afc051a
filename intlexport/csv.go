// Package intlexport writes the exports for international bodies:
// Eurostat/UNODC-style aggregate tables from the statistics contract, and
// a k-anonymised case-level CSV in the column names and picklist values of
// IOM's Counter Trafficking Data Collaborative (CTDC), which follow the
// Human Trafficking Case Data Standard (HTCDS). See README.md for the
// mapping and its reasons.
package intlexport

import (
	"encoding/csv"
	"io"
	"nrm/csvsafe"
)

// Table is one aggregate table, already formatted for output.
type Table struct {
	// Code identifies the table (also a file name).
	Code string
	// Title describes it in English.
	Title string
	// Headers is the header row.
	Headers []string
	// Rows are the formatted rows, totals last.
	Rows [][]string
}

// writeRecords writes header and rows as CSV with every cell defused
// (but CTDC's -99, which no spreadsheet reads as a formula).
func writeRecords(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	safe := func(rec []string) []string {
		out := make([]string, len(rec))
		for i, c := range rec {
			if c != CTDCUnknown { // a negative integer is a number, not a formula
				c = csvsafe.Protect(c)
			}
			out[i] = c
		}
		return out
	}
	if err := cw.Write(safe(header)); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(safe(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes the table as CSV (header row first) with formula
// injection protection on every cell.
func WriteCSV(w io.Writer, t Table) error {
	return writeRecords(w, t.Headers, t.Rows)
}
