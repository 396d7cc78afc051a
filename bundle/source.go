// Package bundle reads and writes nrm data bundles (design.md §5): a folder
// or zip of UTF-8 CSV files with a header row — cases.csv,
// accommodations.csv, exits.csv, prosecutions.csv and the optional files
// carrying the rest of each case's record (record.go) — or an XLSX workbook
// with the same sheets (see package bundle/xlsxbundle). Import is
// all-or-nothing: a first pass checks every row and reports every error
// with file, line, column, value and expectation; only a clean bundle is
// written, in one transaction, in a second streaming pass.
package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File names of a bundle, without extension.
const (
	FileCases          = "cases"
	FileAccommodations = "accommodations"
	FileExits          = "exits"
	FileProsecutions   = "prosecutions"

	// The optional files carrying the rest of a case's record.
	FileContacts         = "contacts"
	FileAssessments      = "assessments"
	FileReflection       = "reflection_periods"
	FileOffers           = "offers"
	FileReopenings       = "reopenings"
	FileReconsiderations = "reconsiderations"
	FileConsents         = "consents"
	FileReferrals        = "referrals"
	FileShares           = "shares"
	FileIdentifiers      = "identifiers"
)

// Columns of each file, in the order export writes them.
var Columns = map[string][]string{
	FileCases: {"case_ref", "owner_org", "gender", "birth_date", "birth_year", "nationality", "residence_status",
		"first_contact_date", "contact_form", "contact_org", "assessment_date", "assessment_authority",
		"assessment_outcome", "exploitation", "labour_sector", "exploitation_country"},
	FileAccommodations: {"case_ref", "kind", "provider", "start_date", "end_date"},
	FileExits:          {"case_ref", "date", "kind"},
	FileProsecutions:   {"year", "cutoff_date", "charges", "decisions", "convictions_unconditional", "convictions_partly_suspended"},

	FileContacts: {"case_ref", "date", "contact_form", "org", "place"},
	FileAssessments: {"case_ref", "assessment_no", "stage", "date", "authority", "outcome", "exploitation", "labour_sector",
		"exploitation_country", "override_reason", "reasons", "notified_on", "decided_by"},
	FileReflection:       {"case_ref", "start_date", "end_date"},
	FileOffers:           {"case_ref", "kind", "offered_date", "accepted"},
	FileReopenings:       {"case_ref", "date", "reason"},
	FileReconsiderations: {"case_ref", "assessment_no", "requested_on", "grounds", "deadline", "outcome", "decided_on", "new_assessment_no"},
	FileConsents:         {"case_ref", "consent_no", "scopes", "share_with", "given_on", "given_by", "withdrawn_on", "recorded_by"},
	FileReferrals: {"case_ref", "purpose", "from_org", "from_user", "to_org", "date", "reason", "route_reason", "indicators", "consent_no",
		"municipality_informed_on", "municipality", "status", "status_on", "status_by", "return_reason", "access_revoked_on", "revoke_reason"},
	FileShares:      {"case_ref", "org"},
	FileIdentifiers: {"case_ref", "name", "aliases", "document_numbers", "phone", "address", "notes"},
}

// Table yields the rows of one file or sheet, header first. Line numbers
// are 1-based and count the header.
type Table interface {
	// Next returns the next row and its line number, or io.EOF.
	Next() (row []string, line int, err error)
	Close() error
}

// Source opens the tables of a bundle; ok is false when a table is absent.
// A table can be opened more than once (import reads cases twice).
type Source interface {
	Open(name string) (t Table, ok bool, err error)
	// Label names the table in messages, e.g. "cases.csv".
	Label(name string) string
}

// MaxFileSize bounds each CSV file of a bundle (and each zip member), so
// that an oversized upload is refused before it is read.
var MaxFileSize int64 = 2 << 30

// OpenPath opens a folder or a .zip file of CSVs. XLSX workbooks are
// opened by package xlsxbundle.
func OpenPath(path string) (Source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if fi.IsDir() {
		return &fsSource{fsys: os.DirFS(path)}, nil
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("bundle: %s is not a readable zip file: %w", filepath.Base(path), err)
		}
		return &fsSource{fsys: zipFS{&zr.Reader}}, nil
	}
	return nil, fmt.Errorf("bundle: %s: expected a folder, a .zip or an .xlsx file", filepath.Base(path))
}

// FS returns a source reading CSV files from fsys (e.g. an embedded demo).
func FS(fsys fs.FS) Source { return &fsSource{fsys: fsys} }

// ZipBytes returns a source over an in-memory zip, e.g. an upload.
func ZipBytes(b []byte) (Source, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("bundle: not a readable zip file: %w", err)
	}
	return &fsSource{fsys: zipFS{zr}}, nil
}

type zipFS struct{ r *zip.Reader }

// Open finds name at the root of the zip or inside one top folder.
func (z zipFS) Open(name string) (fs.File, error) {
	for _, f := range z.r.File {
		if f.Name == name || strings.HasSuffix(f.Name, "/"+name) && strings.Count(f.Name, "/") == 1 {
			if int64(f.UncompressedSize64) > MaxFileSize {
				return nil, fmt.Errorf("%s is larger than %d bytes", name, MaxFileSize)
			}
			return z.r.Open(f.Name)
		}
	}
	return nil, fs.ErrNotExist
}

type fsSource struct{ fsys fs.FS }

func (s *fsSource) Label(name string) string { return name + ".csv" }

// concurrent reports that tables may be read at the same time (files of
// a folder or members of a zip file).
func (s *fsSource) concurrent() bool { return true }

func (s *fsSource) Open(name string) (Table, bool, error) {
	f, err := s.fsys.Open(name + ".csv")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > MaxFileSize {
		f.Close()
		return nil, false, fmt.Errorf("%s.csv is larger than %d bytes", name, MaxFileSize)
	}
	return NewCSVTable(f), true, nil
}

// NewCSVTable reads CSV rows from r (a UTF-8 byte-order mark is skipped).
func NewCSVTable(r io.Reader) Table {
	br := &bomSkipper{r: io.LimitReader(r, MaxFileSize+1)}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var closer io.Closer
	if c, ok := r.(io.Closer); ok {
		closer = c
	}
	return &csvTable{cr: cr, closer: closer}
}

type csvTable struct {
	cr     *csv.Reader
	closer io.Closer
}

func (t *csvTable) Next() ([]string, int, error) {
	row, err := t.cr.Read()
	line, _ := t.cr.FieldPos(0)
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, fmt.Errorf("malformed CSV: %v", pe.Err)
		}
		return nil, line, err
	}
	return row, line, nil
}

func (t *csvTable) Close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}

type bomSkipper struct {
	r    io.Reader
	done bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.done {
		return b.r.Read(p)
	}
	b.done = true
	var head [3]byte
	n, err := io.ReadFull(b.r, head[:])
	rest := head[:n]
	if n == 3 && head == [3]byte{0xEF, 0xBB, 0xBF} {
		rest = nil
	}
	if len(rest) > 0 {
		c := copy(p, rest)
		if c < len(rest) {
			b.r = io.MultiReader(bytes.NewReader(rest[c:]), b.r)
		}
		return c, nil
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return 0, io.EOF
	}
	return b.r.Read(p)
}
