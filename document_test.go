package nrm_test

import (
	"bytes"
	"strings"
	"testing"

	"nrm"
	"nrm/internal/doctest"
)

// A document is judged by its content: the three kinds are taken, an
// empty file, an oversized one, a program renamed to .pdf and a cut-off
// file are refused, each with one message naming what is wrong.
func TestCheckDocument(t *testing.T) {
	const limit = 1_000_000
	pdf := doctest.PDF("Passport copy")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdf, nrm.DocumentPDF},
		{"png", doctest.PNG(), nrm.DocumentPNG},
		{"jpeg", doctest.JPEG(), nrm.DocumentJPEG},
	} {
		ct, err := nrm.CheckDocument(tc.data, limit)
		if err != nil || ct != tc.want {
			t.Errorf("%s: %q, %v", tc.name, ct, err)
		}
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		rule   string
		da, en string
	}{
		{"empty", nil, nrm.RuleRequired, "Dokument skal udfyldes: filen er tom", "Document is required: the file is empty"},
		{"too large", append(bytes.Clone(pdf), make([]byte, limit)...), nrm.RuleRange,
			"forventet: en fil på højst 1 MB", "expected: a file of at most 1 MB"},
		{"exe renamed", doctest.EXE(), nrm.RuleNotAllowed,
			"indholdet er ikke en PDF-, JPEG- eller PNG-fil", "the content is not a PDF, JPEG or PNG file"},
		{"pdf header only", []byte("%PDF-1.7\n1 0 obj\n<< >>\nendobj\n"), nrm.RuleUnreadable,
			"PDF-filen er ufuldstændig eller beskadiget", "the PDF file is incomplete or damaged"},
		{"pdf without version", append([]byte("%PDF-x"), pdf[8:]...), nrm.RuleUnreadable, "PDF-filen", "PDF file"},
		{"png cut off", doctest.PNG()[:40], nrm.RuleUnreadable, "PNG-filen er ufuldstændig", "the PNG file is incomplete"},
		{"jpeg cut off", doctest.JPEG()[:60], nrm.RuleUnreadable, "JPEG-filen er ufuldstændig", "the JPEG file is incomplete"},
		{"text", []byte("Name: Grace, passport 123"), nrm.RuleNotAllowed, "forventet: en PDF-, JPEG- eller PNG-fil", "expected: a PDF, JPEG or PNG file"},
	} {
		_, err := nrm.CheckDocument(tc.data, limit)
		fes := nrm.FieldErrors(err)
		if nrm.ErrorCode(err) != nrm.EINVALID || len(fes) != 1 || fes[0].Rule != tc.rule || fes[0].Field != "document" {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if da := fes[0].Message(nrm.LangDA); !strings.Contains(da, tc.da) {
			t.Errorf("%s: Danish %q lacks %q", tc.name, da, tc.da)
		}
		if en := fes[0].Message(nrm.LangEN); !strings.Contains(en, tc.en) {
			t.Errorf("%s: English %q lacks %q", tc.name, en, tc.en)
		}
	}
}

func TestDocumentSettingAndNames(t *testing.T) {
	if got := nrm.DocumentMaxBytes("", false); got != 10_000_000 {
		t.Fatalf("default limit %d", got)
	}
	if got := nrm.DocumentMaxBytes(" 3 ", true); got != 3_000_000 {
		t.Fatalf("limit of 3 MB: %d", got)
	}
	if got := nrm.DocumentMaxBytes("1000", true); got != 10_000_000 {
		t.Fatalf("a broken value must give the default: %d", got)
	}
	def, err := nrm.LookupSetting(nrm.SettingDocumentsMaxMB)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := def.Check(" 25 "); err != nil || v != "25" {
		t.Fatalf("check 25: %q %v", v, err)
	}
	for _, bad := range []string{"0", "101", "ten"} {
		if _, err := def.Check(bad); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := nrm.CleanDocumentName("C:\\Users\\x\\Grace\\pas\x00port.pdf"); got != "pasport.pdf" {
		t.Errorf("windows path: %q", got)
	}
	if got := nrm.CleanDocumentName("../../etc/passwd"); got != "passwd" {
		t.Errorf("relative path: %q", got)
	}
	if got := nrm.CleanDocumentName(strings.Repeat("å", 300)); len([]rune(got)) != nrm.MaxDocumentName {
		t.Errorf("long name kept %d characters", len([]rune(got)))
	}
	d := &nrm.Document{ID: 12, ContentType: nrm.DocumentJPEG}
	if d.FileName() != "document-12.jpg" {
		t.Errorf("file name %q", d.FileName())
	}
}

func TestJournalEntryValidate(t *testing.T) {
	today := nrm.MustDate("2024-06-01")
	ok := nrm.JournalEntry{Date: today, Text: "Met at the shelter."}
	if err := ok.Validate(today, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		e     nrm.JournalEntry
		known bool
		field string
		rule  string
	}{
		{"no text", nrm.JournalEntry{Date: today, Text: "  "}, true, "journal_text", nrm.RuleRequired},
		{"too long", nrm.JournalEntry{Date: today, Text: strings.Repeat("x", nrm.MaxJournalText+1)}, true, "journal_text", nrm.RuleTooLong},
		{"future", nrm.JournalEntry{Date: nrm.MustDate("2024-06-02"), Text: "x"}, true, "journal_date", nrm.RuleRange},
		{"no date", nrm.JournalEntry{Text: "x"}, true, "journal_date", nrm.RuleRequired},
		{"unknown correction", nrm.JournalEntry{Date: today, Text: "x", Corrects: 7}, false, "journal_corrects", nrm.RuleUnknownReference},
	} {
		err := tc.e.Validate(today, func(int64) bool { return tc.known })
		fes := nrm.FieldErrors(err)
		if len(fes) != 1 || fes[0].Field != tc.field || fes[0].Rule != tc.rule {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if da := fes[0].Message(nrm.LangDA); strings.Contains(da, "journal_") || strings.Contains(da, "expected") {
			t.Errorf("%s: Danish message %q names an internal name or English", tc.name, da)
		}
	}
}
