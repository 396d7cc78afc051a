// Package bundle reads and writes nrm data bundles (design.md §5): a folder
// or zip of UTF-8 CSV files with a header row — cases.csv,
// accommodations.csv, exits.csv, prosecutions.csv and the optional files
// carrying the rest of each case's record (record.go) — or an XLSX workbook
// with the same sheets (see package bundle/xlsxbundle). Import is
// all-or-nothing: a first pass checks every row and reports every error
// with file, line, column, value and expectation; only a clean bundle is
// written, in one transaction, in a second streaming pass. Reading is
// bounded (Limits, package csvin): a file that is not UTF-8
// comma-separated text, or is built to exhaust memory, is one message.
package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"nrm/bundle/csvin"
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
		"assessment_outcome", "exploitation", "labour_sector", "exploitation_country", "labour_setting"},
	FileAccommodations: {"case_ref", "kind", "provider", "start_date", "end_date"},
	FileExits:          {"case_ref", "date", "kind"},
	FileProsecutions:   {"year", "cutoff_date", "charges", "decisions", "convictions_unconditional", "convictions_partly_suspended"},

	FileContacts: {"case_ref", "date", "contact_form", "org", "place"},
	FileAssessments: {"case_ref", "assessment_no", "stage", "date", "authority", "outcome", "exploitation", "labour_sector",
		"exploitation_country", "override_reason", "reasons", "notified_on", "decided_by", "labour_setting"},
	FileReflection:       {"case_ref", "start_date", "end_date", "kind", "reason", "decided_by"},
	FileOffers:           {"case_ref", "kind", "offered_date", "accepted"},
	FileReopenings:       {"case_ref", "date", "reason"},
	FileReconsiderations: {"case_ref", "assessment_no", "requested_on", "grounds", "deadline", "outcome", "decided_on", "new_assessment_no"},
	FileConsents:         {"case_ref", "consent_no", "scopes", "share_with", "given_on", "given_by", "withdrawn_on", "recorded_by"},
	FileReferrals: {"case_ref", "purpose", "from_org", "from_user", "to_org", "date", "reason", "route_reason", "indicators", "consent_no",
		"municipality_informed_on", "municipality", "status", "status_on", "status_by", "return_reason", "access_revoked_on", "revoke_reason"},
	FileShares:      {"case_ref", "org"},
	FileIdentifiers: {"case_ref", "name", "aliases", "document_numbers", "phone", "address", "notes"},
}

// OptionalColumns are the columns a file may leave out: those added after
// bundles were first written, so that older bundles still import (a
// column left out reads as empty).
var OptionalColumns = map[string][]string{
	FileReflection:  {"kind", "reason", "decided_by"},
	FileCases:       {"labour_setting"},
	FileAssessments: {"labour_setting"},
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

// Default limits of an import (README "Data bundles"; nrm import has a
// flag for each).
const (
	// DefaultMaxField bounds one cell, in bytes.
	DefaultMaxField = csvin.DefaultMaxField
	// DefaultMaxLine bounds one row, in bytes.
	DefaultMaxLine = csvin.DefaultMaxLine
	// DefaultMaxRows bounds the data rows of one file or sheet.
	DefaultMaxRows = csvin.DefaultMaxRows
	// DefaultMaxSize bounds the uncompressed size of a whole bundle.
	DefaultMaxSize int64 = 4 << 30
	// DefaultMaxRatio bounds how much a member of a zip file (or of an
	// XLSX workbook) unpacks: its uncompressed size over its compressed
	// size. Real CSV and XLSX data stay far below it; a zip bomb does not.
	DefaultMaxRatio = 100
	// MaxZipEntries bounds the members of a zip file or workbook, checked
	// before its directory is read.
	MaxZipEntries = 10_000
	// ratioFloor is the size below which a member is not held to the
	// ratio: a small member cannot do harm, however well it compresses.
	ratioFloor = 1 << 20
)

// Limits bound what an import reads, so that a bundle built to exhaust
// memory is refused in bounded memory with one message. A zero field
// takes its default.
type Limits struct {
	MaxField int   // bytes of one cell
	MaxLine  int   // bytes of one row
	MaxRows  int   // data rows of one file or sheet
	MaxSize  int64 // uncompressed bytes of the whole bundle
	MaxRatio int   // uncompressed over compressed size of a zip member
}

// WithDefaults returns l with every zero field set to its default; a row
// is never held to less than a cell.
func (l Limits) WithDefaults() Limits {
	if l.MaxField <= 0 {
		l.MaxField = DefaultMaxField
	}
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	l.MaxLine = max(l.MaxLine, l.MaxField)
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxSize <= 0 {
		l.MaxSize = DefaultMaxSize
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l
}

func (l Limits) csv() csvin.Limits {
	return csvin.Limits{MaxField: l.MaxField, MaxLine: l.MaxLine, MaxRows: l.MaxRows}
}

// problem is an error with a Danish and an English text.
type problem struct{ da, en string }

func (p *problem) Error() string { return p.en }

func tooLarge(size int64) *problem {
	return &problem{fmt.Sprintf("filen er større end %d byte (grænsen)", MaxFileSize),
		fmt.Sprintf("the file is larger than %d bytes (the limit; it has %d)", MaxFileSize, size)}
}

// MemberProblem returns what is wrong with a zip member under l, as a
// Danish and an English text, or "" when nothing is: a member that
// unpacks to more than l.MaxRatio times its compressed size (above 1 MiB)
// is refused as a possible zip bomb before it is read.
func (l Limits) MemberProblem(f *zip.File) (da, en string) {
	l = l.WithDefaults()
	u, c := f.UncompressedSize64, f.CompressedSize64
	if u > ratioFloor && u/max(c, 1) >= uint64(l.MaxRatio) {
		return fmt.Sprintf("er pakket mere end %d:1 (grænsen; %d byte pakket, %d udpakket) og afvises som en mulig zip-bombe", l.MaxRatio, c, u),
			fmt.Sprintf("is compressed more than %d:1 (the limit; %d bytes packed, %d unpacked) and is refused as a possible zip bomb", l.MaxRatio, c, u)
	}
	return "", ""
}

// NewZipReader opens the zip file r of size bytes (a bundle or an XLSX
// workbook) after checking, from its end record alone, that it has at
// most MaxZipEntries members: reading a directory of millions of members
// would take the memory a limit is there to keep. A problem is returned
// as *Errors naming label.
func NewZipReader(r io.ReaderAt, size int64, label string) (*zip.Reader, error) {
	if n, ok := zipEntries(r, size); ok && n > MaxZipEntries {
		return nil, wholeError(label, fmt.Sprintf("zip-filen har %d dele, flere end %d (grænsen)", n, MaxZipEntries),
			fmt.Sprintf("the zip file has %d members, more than %d (the limit)", n, MaxZipEntries))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, wholeError(label, "er ikke en zip-fil, der kan læses ("+err.Error()+")", "is not a readable zip file ("+err.Error()+")")
	}
	return zr, nil
}

// wholeError is the one problem of a bundle that cannot be read at all.
func wholeError(label, da, en string) *Errors {
	return &Errors{List: []RowError{{File: label, Detail: en, DetailDA: da}}}
}

// zipEntries reads the number of members from the end of central
// directory record (or its zip64 form); ok is false when there is none
// (zip.NewReader then says what is wrong).
func zipEntries(r io.ReaderAt, size int64) (n uint64, ok bool) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	n = uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if n != 0xFFFF {
		return n, true
	}
	// zip64: the locator stands just before the end record.
	loc := size - tail + int64(i) - 20
	var l [20]byte
	if loc < 0 || func() bool { _, err := r.ReadAt(l[:], loc); return err != nil }() || string(l[:4]) != "PK\x06\x07" {
		return n, true
	}
	var rec [56]byte
	off := int64(binary.LittleEndian.Uint64(l[8:]))
	if off < 0 || off > size-56 {
		return n, true
	}
	if _, err := r.ReadAt(rec[:], off); err != nil || string(rec[:4]) != "PK\x06\x06" {
		return n, true
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}

// OpenPath opens a folder or a .zip file of CSVs within the default
// limits. XLSX workbooks are opened by package xlsxbundle.
func OpenPath(path string) (Source, error) { return OpenPathWith(path, Limits{}) }

// OpenPathWith opens a folder or a .zip file of CSVs within lim.
func OpenPathWith(path string, lim Limits) (Source, error) {
	lim = lim.WithDefaults()
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	name := filepath.Base(path)
	if fi.IsDir() {
		return &fsSource{fsys: os.DirFS(path), name: name, lim: lim}, nil
	}
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		zr, err := NewZipReader(f, fi.Size(), name)
		if err != nil {
			f.Close()
			return nil, err
		}
		return &fsSource{fsys: zipFS{zr}, name: name, lim: lim, zip: zr}, nil
	}
	return nil, fmt.Errorf("bundle: %s: expected a folder, a .zip or an .xlsx file", name)
}

// FS returns a source reading CSV files from fsys (e.g. an embedded demo).
func FS(fsys fs.FS) Source {
	return &fsSource{fsys: fsys, name: "bundle", lim: Limits{}.WithDefaults()}
}

// ZipBytes returns a source over an in-memory zip, e.g. an upload.
func ZipBytes(b []byte) (Source, error) {
	zr, err := NewZipReader(bytes.NewReader(b), int64(len(b)), "zip")
	if err != nil {
		return nil, err
	}
	return &fsSource{fsys: zipFS{zr}, name: "zip", lim: Limits{}.WithDefaults(), zip: zr}, nil
}

type zipFS struct{ r *zip.Reader }

// find returns the member name stands for: at the root of the zip or
// inside one top folder.
func (z zipFS) find(name string) *zip.File {
	for _, f := range z.r.File {
		if f.Name == name || strings.HasSuffix(f.Name, "/"+name) && strings.Count(f.Name, "/") == 1 {
			return f
		}
	}
	return nil
}

// Open opens the member name stands for.
func (z zipFS) Open(name string) (fs.File, error) {
	f := z.find(name)
	if f == nil {
		return nil, fs.ErrNotExist
	}
	if int64(f.UncompressedSize64) > MaxFileSize {
		return nil, tooLarge(int64(f.UncompressedSize64))
	}
	return z.r.Open(f.Name)
}

type fsSource struct {
	fsys fs.FS
	name string // the folder or zip file, in messages about the whole
	lim  Limits
	zip  *zip.Reader // nil for a folder
}

func (s *fsSource) Label(name string) string { return name + ".csv" }

// concurrent reports that tables may be read at the same time (files of
// a folder or members of a zip file).
func (s *fsSource) concurrent() bool { return true }

// precheck looks at the sizes of the bundle's files before any is read:
// each within MaxFileSize and, in a zip, the ratio; all together within
// the size limit. Problems of one file are keyed by its name; a problem
// of the whole bundle (whole) means nothing is to be read.
func (s *fsSource) precheck() (files map[string]RowError, whole *RowError) {
	files = map[string]RowError{}
	var total int64
	for name := range Columns {
		var size int64
		if s.zip != nil {
			f := zipFS{s.zip}.find(name + ".csv")
			if f == nil {
				continue
			}
			size = int64(min(f.UncompressedSize64, 1<<62))
			if size <= MaxFileSize {
				if da, en := s.lim.MemberProblem(f); en != "" {
					files[name] = RowError{File: s.Label(name), Detail: "the file " + en, DetailDA: "filen " + da}
					continue
				}
			}
		} else {
			fi, err := fs.Stat(s.fsys, name+".csv")
			if err != nil {
				continue
			}
			size = fi.Size()
		}
		if size > MaxFileSize {
			p := tooLarge(size)
			files[name] = RowError{File: s.Label(name), Detail: p.en, DetailDA: p.da}
			continue
		}
		total += size
	}
	if total > s.lim.MaxSize {
		return nil, &RowError{File: s.name,
			Detail:   fmt.Sprintf("the bundle's files hold %d bytes, more than %d (the limit)", total, s.lim.MaxSize),
			DetailDA: fmt.Sprintf("bundtets filer fylder %d byte, mere end %d (grænsen)", total, s.lim.MaxSize)}
	}
	return files, nil
}

func (s *fsSource) Open(name string) (Table, bool, error) {
	f, err := s.fsys.Open(name + ".csv")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > MaxFileSize {
		f.Close()
		return nil, false, tooLarge(fi.Size())
	}
	return newCSVTable(f, s.lim), true, nil
}

// NewCSVTable reads CSV rows from r within the default limits (a UTF-8
// byte-order mark is skipped).
func NewCSVTable(r io.Reader) Table { return newCSVTable(r, Limits{}.WithDefaults()) }

func newCSVTable(r io.Reader, lim Limits) Table {
	var closer io.Closer
	if c, ok := r.(io.Closer); ok {
		closer = c
	}
	return &csvTable{r: csvin.NewReader(io.LimitReader(r, MaxFileSize), lim.csv()), closer: closer}
}

// csvTable is a Table over a CSV file. Next's errors are those of
// csvin.Reader: *csvin.Fault ends the file, *csvin.LongCells comes with
// its row.
type csvTable struct {
	r      *csvin.Reader
	closer io.Closer
}

func (t *csvTable) Next() ([]string, int, error) { return t.r.Read() }

func (t *csvTable) Close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}
