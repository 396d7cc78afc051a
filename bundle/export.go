package bundle

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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

// Export writes every case and the prosecution rows to sink in the
// bundle format: cases.csv carries each case's projection, and the
// optional files the rest of its record (every contact and assessment,
// reflection periods, offers, reopenings, reconsiderations, consents,
// referrals, shares), so that export → import into an empty database →
// export gives the same files. Rows are in case_ref order, then by date
// and stored id within a case. Cells are protected against spreadsheet
// formula injection. Names, aliases, document numbers, phone numbers,
// addresses and notes stay in the database: ExportWith writes them
// (identifiers.csv) only when asked to.
func Export(ctx context.Context, ex nrm.Exporter, pros []*nrm.Prosecution, sink Sink) (int, error) {
	return ExportWith(ctx, ex, pros, sink, ExportOptions{})
}

// ExportOptions choose what an export carries beyond the case records.
type ExportOptions struct {
	// Identifiers adds identifiers.csv: the direct identifiers other than
	// the birth date, in clear. Such an export is as sensitive as the
	// database itself.
	Identifiers bool
}

// ExportWith is Export with options.
func ExportWith(ctx context.Context, ex nrm.Exporter, pros []*nrm.Prosecution, sink Sink, opt ExportOptions) (int, error) {
	for _, t := range append([]string{FileCases, FileAccommodations, FileExits, FileProsecutions}, recordFiles...) {
		if t == FileIdentifiers {
			continue // written with the first case that has identifiers
		}
		if err := sink.Row(t, Columns[t]); err != nil {
			return 0, err
		}
	}
	n := 0
	identifiers := false
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
			row[10], row[11], row[12] = a.Date.String(), string(a.Authority), string(a.Outcome)
			row[13], row[14], row[15] = joinForms(a.Exploitation), string(a.LabourSector), a.ExploitationCountry
			row[16] = string(a.LabourSetting)
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
		if opt.Identifiers && full.HasIdentifiersBeyondBirthDate() && !identifiers {
			identifiers = true
			if err := sink.Row(FileIdentifiers, Columns[FileIdentifiers]); err != nil {
				return err
			}
		}
		if err := exportRecord(full, sink, opt.Identifiers); err != nil {
			return err
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

// exportRecord writes the rows of the optional files for c. Its child
// lists are sorted in place by date, then stored id: the order that
// numbers assessments and consents.
func exportRecord(c *nrm.Case, sink Sink, identifiers bool) error {
	c.Normalize() // sets in code order, as import stores them
	byDate := func(date func(int) nrm.Date, id func(int) int64) func(i, j int) bool {
		return func(i, j int) bool {
			if di, dj := date(i), date(j); di != dj {
				return di.Before(dj)
			}
			return id(i) < id(j)
		}
	}
	sort.SliceStable(c.Contacts, byDate(func(i int) nrm.Date { return c.Contacts[i].Date }, func(i int) int64 { return c.Contacts[i].ID }))
	sort.SliceStable(c.Assessments, byDate(func(i int) nrm.Date { return c.Assessments[i].Date }, func(i int) int64 { return c.Assessments[i].ID }))
	sort.SliceStable(c.ReflectionPeriods, byDate(func(i int) nrm.Date { return c.ReflectionPeriods[i].Start }, func(i int) int64 { return c.ReflectionPeriods[i].ID }))
	sort.SliceStable(c.Offers, byDate(func(i int) nrm.Date { return c.Offers[i].Offered }, func(i int) int64 { return c.Offers[i].ID }))
	sort.SliceStable(c.Reopenings, byDate(func(i int) nrm.Date { return c.Reopenings[i].Date }, func(i int) int64 { return c.Reopenings[i].ID }))
	sort.SliceStable(c.Reconsiderations, byDate(func(i int) nrm.Date { return c.Reconsiderations[i].RequestedOn }, func(i int) int64 { return c.Reconsiderations[i].ID }))
	sort.SliceStable(c.Consents, byDate(func(i int) nrm.Date { return c.Consents[i].GivenOn }, func(i int) int64 { return c.Consents[i].ID }))
	sort.SliceStable(c.Referrals, byDate(func(i int) nrm.Date { return c.Referrals[i].Date }, func(i int) int64 { return c.Referrals[i].ID }))

	row := func(table string, cells ...string) error { return sink.Row(table, protectAll(cells)) }
	no := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, ct := range c.Contacts {
		if err := row(FileContacts, c.Ref, ct.Date.String(), string(ct.Form), ct.Org, ct.Place); err != nil {
			return err
		}
	}
	for i, a := range c.Assessments {
		if err := row(FileAssessments, c.Ref, strconv.Itoa(i+1), string(a.Stage), a.Date.String(), string(a.Authority), string(a.Outcome),
			joinForms(a.Exploitation), string(a.LabourSector), a.ExploitationCountry, a.OverrideReason, a.Reasons, a.NotifiedOn.String(), a.DecidedBy, string(a.LabourSetting)); err != nil {
			return err
		}
	}
	for _, p := range c.ReflectionPeriods {
		if err := row(FileReflection, c.Ref, p.Start.String(), p.End.String(), string(p.Kind), p.Reason, p.DecidedBy); err != nil {
			return err
		}
	}
	for _, o := range c.Offers {
		acc := ""
		if o.Accepted != nil {
			acc = map[bool]string{true: "yes", false: "no"}[*o.Accepted]
		}
		if err := row(FileOffers, c.Ref, string(o.Kind), o.Offered.String(), acc); err != nil {
			return err
		}
	}
	for _, r := range c.Reopenings {
		if err := row(FileReopenings, c.Ref, r.Date.String(), r.Reason); err != nil {
			return err
		}
	}
	for _, r := range c.Reconsiderations {
		if err := row(FileReconsiderations, c.Ref, no(c.AssessmentNo(r.AssessmentID)), r.RequestedOn.String(), r.Grounds, r.Deadline.String(),
			string(r.Outcome), r.DecidedOn.String(), no(c.AssessmentNo(r.NewAssessmentID))); err != nil {
			return err
		}
	}
	for i, k := range c.Consents {
		scopes := make([]string, len(k.Scopes))
		for j, s := range k.Scopes {
			scopes[j] = string(s)
		}
		if err := row(FileConsents, c.Ref, strconv.Itoa(i+1), strings.Join(scopes, ";"), strings.Join(k.ShareWith, ";"), k.GivenOn.String(),
			k.GivenBy, k.WithdrawnOn.String(), k.RecordedBy); err != nil {
			return err
		}
	}
	for _, r := range c.Referrals {
		ind := make([]string, len(r.Indicators))
		for j, x := range r.Indicators {
			ind[j] = string(x)
		}
		if err := row(FileReferrals, c.Ref, string(r.Purpose), r.FromOrg, r.FromUser, r.ToOrg, r.Date.String(), r.Reason, r.RouteReason,
			strings.Join(ind, ";"), no(c.ConsentNo(r.ConsentID)), r.MunicipalityInformedOn.String(), r.Municipality, string(r.Status),
			r.StatusOn.String(), r.StatusBy, r.ReturnReason, r.AccessRevokedOn.String(), r.RevokeReason); err != nil {
			return err
		}
	}
	shares := append([]string(nil), c.SharedWith...)
	sort.Strings(shares)
	for _, o := range shares {
		if err := row(FileShares, c.Ref, o); err != nil {
			return err
		}
	}
	if identifiers && c.HasIdentifiersBeyondBirthDate() {
		i := c.Identifiers
		if err := row(FileIdentifiers, c.Ref, i.Name, strings.Join(i.Aliases, ";"), strings.Join(i.DocumentNumbers, ";"), i.Phone, i.Address, i.Notes); err != nil {
			return err
		}
	}
	return nil
}

func joinForms(fs []nrm.ExploitationForm) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ";")
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
		if err := f.Chmod(0o600); err != nil { // an older file keeps its mode otherwise
			f.Close()
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
	return ExportPathWith(ctx, ex, pros, path, ExportOptions{})
}

// ExportPathWith is ExportPath with options.
func ExportPathWith(ctx context.Context, ex nrm.Exporter, pros []*nrm.Prosecution, path string, opt ExportOptions) (int, error) {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		sink := ZipSink(f)
		n, err := ExportWith(ctx, ex, pros, sink, opt)
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
	n, err := ExportWith(ctx, ex, pros, sink, opt)
	if err != nil {
		return n, err
	}
	return n, sink.Close()
}
