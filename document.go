package nrm

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Documents are files attached to a case: scanned papers, photographs,
// letters. Only PDF, JPEG and PNG are taken, judged by the content (its
// first bytes and its structure), never by the file name or the type the
// client declared. The content and the original file name are sealed at
// rest; a download is named by the document's number only
// (document-12.pdf), since the original name may name the person.

// SettingDocumentsMaxMB is the largest document accepted, in megabytes
// (MB of 1,000,000 bytes).
const SettingDocumentsMaxMB = "documents.max_mb"

// Bounds of the document size setting.
const (
	DefaultDocumentsMaxMB = 10
	MaxDocumentsMaxMB     = 100
)

// MaxDocumentName bounds the original file name kept, in characters.
const MaxDocumentName = 200

// DocumentMaxBytes returns the largest document accepted under the
// setting's stored value (set false: not stored); a missing or broken
// value gives the default.
func DocumentMaxBytes(value string, set bool) int64 {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if !set || err != nil || n < 1 || n > MaxDocumentsMaxMB {
		n = DefaultDocumentsMaxMB
	}
	return int64(n) * 1_000_000
}

// Content types of the documents accepted, with the file extension of
// their downloads.
const (
	DocumentPDF  = "application/pdf"
	DocumentJPEG = "image/jpeg"
	DocumentPNG  = "image/png"
)

// DocumentExt returns the file extension of a document content type.
func DocumentExt(contentType string) string {
	switch contentType {
	case DocumentPDF:
		return "pdf"
	case DocumentJPEG:
		return "jpg"
	case DocumentPNG:
		return "png"
	}
	return "bin"
}

// Document is a file attached to a case, without its content.
type Document struct {
	ID     int64 `json:"id"`
	CaseID int64 `json:"case_id"`
	// Name is the file name it was uploaded with, sealed at rest; shown
	// on the case only, never put in a URL or a download's name.
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedOrg string    `json:"uploaded_org,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// FileName is the generic name a download is given: document-ID.ext.
func (d *Document) FileName() string {
	return fmt.Sprintf("document-%d.%s", d.ID, DocumentExt(d.ContentType))
}

// CleanDocumentName keeps the last element of an uploaded file name,
// without control characters, cut to MaxDocumentName characters.
func CleanDocumentName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxDocumentName {
		name = string([]rune(name)[:MaxDocumentName])
	}
	return name
}

// CheckDocument judges a file by its content and returns its content
// type. It refuses, with one field error each: an empty file, a file
// larger than maxBytes (naming the limit), content that is not PDF, JPEG
// or PNG whatever its name says, and a PDF, JPEG or PNG whose structure
// is broken (cut off, or only the first bytes of one).
func CheckDocument(data []byte, maxBytes int64) (string, error) {
	fault := func(rule, expected, en, da string) error {
		return &Error{Code: EINVALID, Message: "The document is not valid.",
			Fields: []FieldError{{Field: "document", Rule: rule, Expected: expected, Detail: en, DetailDA: da}}}
	}
	switch {
	case len(data) == 0:
		return "", fault(RuleRequired, "", "the file is empty", "filen er tom")
	case int64(len(data)) > maxBytes:
		return "", fault(RuleRange, fmt.Sprintf("a file of at most %d MB", maxBytes/1_000_000),
			"the file is larger than the limit", "filen er større end grænsen")
	}
	ct := http.DetectContentType(data)
	var ok bool
	switch ct {
	case DocumentPDF:
		ok = pdfWhole(data)
	case DocumentPNG:
		_, err := png.DecodeConfig(bytes.NewReader(data))
		ok = err == nil && bytes.Contains(tail(data, 64), pngEnd)
	case DocumentJPEG:
		_, err := jpeg.DecodeConfig(bytes.NewReader(data))
		ok = err == nil && bytes.Contains(tail(data, 64), []byte{0xFF, 0xD9})
	default:
		return "", fault(RuleNotAllowed, "a PDF, JPEG or PNG file",
			"the content is not a PDF, JPEG or PNG file, whatever its name says",
			"indholdet er ikke en PDF-, JPEG- eller PNG-fil, uanset hvad navnet siger")
	}
	if !ok {
		kind := strings.ToUpper(DocumentExt(ct))
		if ct == DocumentJPEG {
			kind = "JPEG"
		}
		return "", fault(RuleUnreadable, "",
			"the "+kind+" file is incomplete or damaged", kind+"-filen er ufuldstændig eller beskadiget")
	}
	return ct, nil
}

// pngEnd is the IEND chunk that ends every PNG file.
var pngEnd = []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}

// pdfWhole reports whether data has the frame of a whole PDF file: a
// header with a version (%PDF-1.x or %PDF-2.x) and, near the end, the
// cross-reference pointer and the end-of-file marker.
func pdfWhole(data []byte) bool {
	if len(data) < 8 || !bytes.HasPrefix(data, []byte("%PDF-")) || (data[5] != '1' && data[5] != '2') || data[6] != '.' {
		return false
	}
	t := tail(data, 2048)
	return bytes.Contains(t, []byte("startxref")) && bytes.Contains(t, []byte("%%EOF"))
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// DocumentService keeps the documents of cases. Who may list, add and
// download a case's documents is who may see the case; administrators
// and the owning organisation may delete one. Every list, upload,
// download and deletion is audited.
type DocumentService interface {
	// FindDocuments lists a visible case's documents, newest first.
	FindDocuments(ctx context.Context, caseID int64) ([]*Document, error)
	// AddDocument checks data (CheckDocument, against the size setting)
	// and stores it sealed, with its original file name.
	AddDocument(ctx context.Context, caseID int64, name string, data []byte) (*Document, error)
	// OpenDocument returns a document and its content (a download).
	OpenDocument(ctx context.Context, caseID, id int64) (*Document, []byte, error)
	// DeleteDocument removes a document (administrators and the owning
	// organisation).
	DeleteDocument(ctx context.Context, caseID, id int64) error
}

func init() {
	fieldLabels["document"] = label{"Dokument", "Document"}
	fieldLabels["document_name"] = label{"Filnavn", "File name"}
	settingDefs = append(settingDefs, &SettingDef{
		Key: SettingDocumentsMaxMB, Default: strconv.Itoa(DefaultDocumentsMaxMB),
		label:    label{"Største dokument på en sag (MB)", "Largest document on a case (MB)"},
		expected: "a whole number of megabytes from 1 to 100",
		check: func(v string) (string, *FieldError) {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			switch {
			case err != nil:
				return "", &FieldError{Rule: RuleFormat, Value: clip(v)}
			case n < 1 || n > MaxDocumentsMaxMB:
				return "", &FieldError{Rule: RuleRange, Value: strconv.Itoa(n)}
			}
			return strconv.Itoa(n), nil
		},
	})
	fieldLabels[SettingDocumentsMaxMB] = label{"Største dokument på en sag (MB)", "Largest document on a case (MB)"}
	expectedDA = append(expectedDA, []struct{ en, da string }{
		{"a file of at most {} MB", "en fil på højst {} MB"},
		{"a PDF, JPEG or PNG file", "en PDF-, JPEG- eller PNG-fil"},
		{"a whole number of megabytes from 1 to 100", "et helt antal megabyte fra 1 til 100"},
	}...)
}
