// Package xlsxbundle reads and writes nrm bundles as XLSX workbooks with one
// sheet per bundle file (cases, accommodations, exits, prosecutions). It
// keeps the spreadsheet library out of package bundle.
package xlsxbundle

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"nrm/bundle"

	"github.com/xuri/excelize/v2"
)

// Source reads the sheets of a workbook.
type Source struct {
	f      *excelize.File
	sheets map[string]string // bundle name → sheet name
}

// Open opens an XLSX workbook as a bundle source within the default
// limits.
func Open(path string) (*Source, error) { return OpenWith(path, bundle.Limits{}) }

// OpenWith opens an XLSX workbook as a bundle source within lim. The
// workbook is checked as a stream first (see prescan): one that would
// take more memory than the limits allow is refused, with one message per
// fault as *bundle.Errors, before the spreadsheet library reads it.
func OpenWith(path string, lim bundle.Limits) (*Source, error) {
	lim = lim.WithDefaults()
	label := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	} else if fi.Size() > bundle.MaxFileSize {
		return nil, &bundle.Errors{List: []bundle.RowError{{File: label,
			Detail:   fmt.Sprintf("the file is larger than %d bytes (the limit)", bundle.MaxFileSize),
			DetailDA: fmt.Sprintf("filen er større end %d byte (grænsen)", bundle.MaxFileSize)}}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	zr, err := bundle.NewZipReader(f, fi.Size(), label)
	if err != nil {
		return nil, err
	}
	if err := prescan(zr, label, lim); err != nil {
		return nil, err
	}
	x, err := excelize.OpenFile(path, options(lim))
	if err != nil {
		return nil, fmt.Errorf("bundle: %s is not a readable XLSX workbook: %w", label, err)
	}
	return newSource(x), nil
}

// OpenReader opens a workbook from r (e.g. an upload) within the default
// limits.
func OpenReader(r io.Reader) (*Source, error) {
	b, err := io.ReadAll(io.LimitReader(r, bundle.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if int64(len(b)) > bundle.MaxFileSize {
		return nil, &bundle.Errors{List: []bundle.RowError{{File: "xlsx",
			Detail:   fmt.Sprintf("the file is larger than %d bytes (the limit)", bundle.MaxFileSize),
			DetailDA: fmt.Sprintf("filen er større end %d byte (grænsen)", bundle.MaxFileSize)}}}
	}
	lim := bundle.Limits{}.WithDefaults()
	zr, err := bundle.NewZipReader(bytes.NewReader(b), int64(len(b)), "xlsx")
	if err != nil {
		return nil, err
	}
	if err := prescan(zr, "xlsx", lim); err != nil {
		return nil, err
	}
	x, err := excelize.OpenReader(bytes.NewReader(b), options(lim))
	if err != nil {
		return nil, fmt.Errorf("bundle: not a readable XLSX workbook: %w", err)
	}
	return newSource(x), nil
}

// options keeps large sheets and shared strings out of memory.
func options(lim bundle.Limits) excelize.Options {
	return excelize.Options{UnzipSizeLimit: max(lim.MaxSize, xmlInMemory), UnzipXMLSizeLimit: xmlInMemory}
}

func newSource(f *excelize.File) *Source {
	s := &Source{f: f, sheets: map[string]string{}}
	for _, name := range f.GetSheetList() {
		s.sheets[sheetKey(name)] = name
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
	if t.rows.Next() {
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
