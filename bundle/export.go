package bundle

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"nrm"
	"nrm/csvsafe"
)

// Sink receives the tables of an exported bundle.
type Sink interface {
	// Row appends a row to a table; the first row of each table is its
	// header.
	Row(table string, cells []string) error
	Close() error
}

// Export writes every case (its bundle projection) and the prosecution
// rows to sink in the bundle format, so that importing the export into an
// empty database gives the same statistics. Cells are protected against
// spreadsheet formula injection.
func Export(ctx context.Context, ex nrm.Exporter, pros []*nrm.Prosecution, sink Sink) (int, error) {
	for _, t := range []string{FileCases, FileAccommodations, FileExits, FileProsecutions} {
		if err := sink.Row(t, Columns[t]); err != nil {
			return 0, err
		}
	}
	n := 0
	err := ex.ExportCases(ctx, func(full *nrm.Case) error {
		c := full.BundleProjection()
		row := make([]string, len(Columns[FileCases]))
		row[0], row[1], row[2] = c.Ref, c.OwnerOrg, string(c.Gender)
		row[3] = c.Identifiers.BirthDate.String()
		if c.BirthYear != 0 && c.Identifiers.BirthDate.IsZero() {
			row[4] = strconv.Itoa(c.BirthYear)
		}
		row[5], row[6] = c.Nationality, string(c.ResidenceStatus)
		if len(c.Contacts) > 0 {
			ct := c.Contacts[0]
			row[7], row[8], row[9] = ct.Date.String(), string(ct.Form), ct.Org
		}
		if len(c.Assessments) > 0 {
			a := c.Assessments[0]
			forms := make([]string, len(a.Exploitation))
			for i, f := range a.Exploitation {
				forms[i] = string(f)
			}
			row[10], row[11], row[12] = a.Date.String(), string(a.Authority), string(a.Outcome)
			row[13], row[14], row[15] = strings.Join(forms, ";"), string(a.LabourSector), a.ExploitationCountry
		}
		if err := sink.Row(FileCases, protectAll(row)); err != nil {
			return err
		}
		for _, a := range c.Accommodations {
			if err := sink.Row(FileAccommodations, protectAll([]string{c.Ref, string(a.Kind), a.Provider, a.Start.String(), a.End.String()})); err != nil {
				return err
			}
		}
		for _, e := range c.Exits {
			if err := sink.Row(FileExits, []string{c.Ref, e.Date.String(), string(e.Kind)}); err != nil {
				return err
			}
		}
		n++
		return nil
	})
	if err != nil {
		return n, err
	}
	for _, p := range pros {
		if err := sink.Row(FileProsecutions, []string{strconv.Itoa(p.Year), p.Cutoff.String(), strconv.Itoa(p.Charges),
			strconv.Itoa(p.Decisions), strconv.Itoa(p.ConvictionsUnconditional), strconv.Itoa(p.ConvictionsPartlySuspended)}); err != nil {
			return n, err
		}
	}
	return n, nil
}

func protectAll(row []string) []string {
	for i, s := range row {
		row[i] = csvsafe.Protect(s)
	}
	return row
}

// csvSink writes one CSV per table through open.
type csvSink struct {
	open    func(name string) (io.Writer, error)
	writers map[string]*csv.Writer
	order   []string
	closers []io.Closer
	final   func() error
}

func (s *csvSink) Row(table string, cells []string) error {
	w, ok := s.writers[table]
	if !ok {
		f, err := s.open(table + ".csv")
		if err != nil {
			return err
		}
		w = csv.NewWriter(f)
		s.writers[table] = w
		s.order = append(s.order, table)
	}
	return w.Write(cells)
}

func (s *csvSink) Close() error {
	for _, t := range s.order {
		s.writers[t].Flush()
		if err := s.writers[t].Error(); err != nil {
			return err
		}
	}
	for _, c := range s.closers {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if s.final != nil {
		return s.final()
	}
	return nil
}

// DirSink writes the bundle as CSV files into dir (created, mode 0700:
// an export holds identifiers' birth dates).
func DirSink(dir string) (Sink, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &csvSink{writers: map[string]*csv.Writer{}}
	s.open = func(name string) (io.Writer, error) {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, f)
		return f, nil
	}
	return s, nil
}

// ZipSink writes the bundle as a zip of CSV files to w.
func ZipSink(w io.Writer) Sink {
	zw := zip.NewWriter(w)
	s := &csvSink{writers: map[string]*csv.Writer{}}
	// A zip member must be complete before the next starts, so tables are
	// buffered in temporary files and added at Close.
	tmp := map[string]*os.File{}
	var names []string
	s.open = func(name string) (io.Writer, error) {
		f, err := os.CreateTemp("", "nrm-export-*.csv")
		if err != nil {
			return nil, err
		}
		os.Remove(f.Name())
		tmp[name] = f
		names = append(names, name)
		return f, nil
	}
	s.final = func() error {
		for _, name := range names {
			f := tmp[name]
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			m, err := zw.Create(name)
			if err != nil {
				return err
			}
			if _, err := io.Copy(m, f); err != nil {
				return err
			}
			f.Close()
		}
		return zw.Close()
	}
	return s
}

// ExportPath writes the bundle to path: a folder, or a .zip file.
// (XLSX is written by package xlsxbundle.)
func ExportPath(ctx context.Context, ex nrm.Exporter, pros []*nrm.Prosecution, path string) (int, error) {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		sink := ZipSink(f)
		n, err := Export(ctx, ex, pros, sink)
		if err != nil {
			return n, err
		}
		if err := sink.Close(); err != nil {
			return n, err
		}
		return n, f.Close()
	}
	sink, err := DirSink(path)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n, err := Export(ctx, ex, pros, sink)
	if err != nil {
		return n, err
	}
	return n, sink.Close()
}
