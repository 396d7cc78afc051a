// Package xlsxbundle reads and writes nrm bundles as XLSX workbooks with one
// sheet per bundle file (cases, accommodations, exits, prosecutions). It
// keeps the spreadsheet library out of package bundle.
package xlsxbundle

import (
	"fmt"
	"io"
	"os"
	"strings"

	"nrm/bundle"

	"github.com/xuri/excelize/v2"
)

// Source reads the sheets of a workbook.
type Source struct {
	f      *excelize.File
	sheets map[string]string // bundle name → sheet name
}

// Open opens an XLSX workbook as a bundle source.
func Open(path string) (*Source, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	} else if fi.Size() > bundle.MaxFileSize {
		return nil, fmt.Errorf("bundle: %s is larger than %d bytes", path, bundle.MaxFileSize)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %s is not a readable XLSX workbook: %w", path, err)
	}
	return newSource(f), nil
}

// OpenReader opens a workbook from r (e.g. an upload).
func OpenReader(r io.Reader) (*Source, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("bundle: not a readable XLSX workbook: %w", err)
	}
	return newSource(f), nil
}

func newSource(f *excelize.File) *Source {
	s := &Source{f: f, sheets: map[string]string{}}
	for _, name := range f.GetSheetList() {
		key := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), ".csv"))
		s.sheets[key] = name
	}
	return s
}

// Close releases the workbook.
func (s *Source) Close() error { return s.f.Close() }

// Label names a sheet in messages.
func (s *Source) Label(name string) string { return "sheet " + name }

// Open implements bundle.Source.
func (s *Source) Open(name string) (bundle.Table, bool, error) {
	sheet, ok := s.sheets[name]
	if !ok {
		return nil, false, nil
	}
	rows, err := s.f.Rows(sheet)
	if err != nil {
		return nil, false, err
	}
	return &table{rows: rows}, true, nil
}

type table struct {
	rows  *excelize.Rows
	line  int
	width int
}

func (t *table) Next() ([]string, int, error) {
	for t.rows.Next() {
		t.line++
		row, err := t.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, t.line, err
		}
		if t.line == 1 {
			t.width = len(row)
		}
		// Spreadsheets drop trailing empty cells; pad to the header.
		for len(row) < t.width {
			row = append(row, "")
		}
		return row, t.line, nil
	}
	if err := t.rows.Error(); err != nil {
		return nil, t.line, err
	}
	return nil, t.line, io.EOF
}

func (t *table) Close() error { return t.rows.Close() }

// Sink writes a bundle into a new workbook with streaming writers.
type Sink struct {
	f       *excelize.File
	w       io.Writer
	writers map[string]*excelize.StreamWriter
	rows    map[string]int
	order   []string
}

// NewSink returns a sink writing the workbook to w on Close.
func NewSink(w io.Writer) *Sink {
	return &Sink{f: excelize.NewFile(), w: w, writers: map[string]*excelize.StreamWriter{}, rows: map[string]int{}}
}

// Row implements bundle.Sink; every cell is written as text so that codes
// and dates keep their exact form.
func (s *Sink) Row(table string, cells []string) error {
	sw, ok := s.writers[table]
	if !ok {
		if len(s.writers) == 0 {
			if err := s.f.SetSheetName("Sheet1", table); err != nil {
				return err
			}
		} else if _, err := s.f.NewSheet(table); err != nil {
			return err
		}
		var err error
		if sw, err = s.f.NewStreamWriter(table); err != nil {
			return err
		}
		s.writers[table] = sw
		s.order = append(s.order, table)
	}
	s.rows[table]++
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	cell, err := excelize.CoordinatesToCellName(1, s.rows[table])
	if err != nil {
		return err
	}
	return sw.SetRow(cell, vals)
}

// Close finishes the sheets and writes the workbook.
func (s *Sink) Close() error {
	for _, t := range s.order {
		if err := s.writers[t].Flush(); err != nil {
			return err
		}
	}
	if _, err := s.f.WriteTo(s.w); err != nil {
		return err
	}
	return s.f.Close()
}
