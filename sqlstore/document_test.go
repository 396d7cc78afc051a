package sqlstore_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"nrm"
	"nrm/internal/doctest"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

var samplePDF = doctest.PDF("Qzpdftext residence permit")

func TestDocumentRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := fileCase(t, db, "DOC-1")
		pdf, err := db.AddDocument(cmmWorker, c.ID, `C:\scans\Qzname passport.pdf`, samplePDF)
		if err != nil {
			t.Fatal(err)
		}
		// A PNG uploaded under a PDF name is stored as what it is.
		png := doctest.PNG()
		img, err := db.AddDocument(cmmWorker, c.ID, "photo.pdf", png)
		if err != nil {
			t.Fatal(err)
		}
		if pdf.ContentType != nrm.DocumentPDF || pdf.Name != "Qzname passport.pdf" || pdf.Size != int64(len(samplePDF)) ||
			pdf.UploadedBy != "caseworker@CMM" || img.ContentType != nrm.DocumentPNG || img.FileName() != fmt.Sprintf("document-%d.png", img.ID) {
			t.Fatalf("stored: %+v %+v", pdf, img)
		}
		reden := actorCtx(nrm.RoleCaseworker, "REDEN", "")
		list, err := db.FindDocuments(reden, c.ID)
		if err != nil || len(list) != 2 || list[0].ID != img.ID || list[1].Name != pdf.Name {
			t.Fatalf("list: %+v %v", list, err)
		}
		got, data, err := db.OpenDocument(reden, c.ID, pdf.ID)
		if err != nil || !bytes.Equal(data, samplePDF) || got.ContentType != nrm.DocumentPDF {
			t.Fatalf("download: %+v %v", got, err)
		}
		if _, _, err := db.OpenDocument(reden, fileCase(t, db, "DOC-OTHER").ID, pdf.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("a document read through another case: %v", err)
		}
		acts := auditActions(t, db, c.ID)
		for _, want := range []string{
			fmt.Sprintf("document.add document %d: application/pdf, %d bytes by caseworker@CMM", pdf.ID, len(samplePDF)),
			"document.list 2 documents by caseworker@REDEN",
			fmt.Sprintf("document.download document %d by caseworker@REDEN", pdf.ID),
		} {
			if !hasEntry(acts, want) {
				t.Errorf("audit lacks %q: %q", want, acts)
			}
		}
		if strings.Contains(strings.Join(acts, "\n"), "Qzname") {
			t.Fatal("the audit log holds the file name")
		}
	})
}

// Content and name are sealed: the database holds neither in clear, and
// a content or key moved to another document does not open.
func TestDocumentSealedAtRest(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := fileCase(t, db, "DOC-SEAL")
		a, err := db.AddDocument(cmmWorker, c.ID, "Qzname.pdf", samplePDF)
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.AddDocument(cmmWorker, c.ID, "other.pdf", doctest.PDF("other"))
		if err != nil {
			t.Fatal(err)
		}
		var name, key, content []byte
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT name, data_key, content FROM documents WHERE id = %d", a.ID)).Scan(&name, &key, &content); err != nil {
			t.Fatal(err)
		}
		for _, v := range [][]byte{name, key, content} {
			if len(v) == 0 || bytes.Contains(v, []byte("Qzname")) || bytes.Contains(v, []byte("Qzpdftext")) || bytes.Contains(v, []byte("%PDF")) {
				t.Fatalf("stored in clear: %q", v)
			}
		}
		if db.Engine() == "sqlite" {
			assertFileLacks(t, db, "Qzpdftext")
			assertFileLacks(t, db, "Qzname")
		}
		for _, col := range []string{"content", "data_key", "name"} {
			var v []byte
			if err := db.SQL().QueryRow(fmt.Sprintf("SELECT %s FROM documents WHERE id = %d", col, a.ID)).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL().Exec(fmt.Sprintf("UPDATE documents SET %s = %s WHERE id = %d", col, param1(db), b.ID), v); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.OpenDocument(cmmWorker, c.ID, b.ID); nrm.ErrorCode(err) != nrm.EINTERNAL {
				t.Fatalf("document %d opened with the %s of document %d: %v", b.ID, col, a.ID, err)
			}
		}
	})
}

// Faults are judged by content, each with its message; the size limit is
// the setting's.
func TestDocumentFaults(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := fileCase(t, db, "DOC-BAD")
		for _, tc := range []struct {
			name string
			data []byte
			rule string
		}{
			{"virus.pdf", doctest.EXE(), nrm.RuleNotAllowed},
			{"empty.pdf", nil, nrm.RuleRequired},
			{"cut.png", doctest.PNG()[:50], nrm.RuleUnreadable},
		} {
			if _, err := db.AddDocument(cmmWorker, c.ID, tc.name, tc.data); rules(err)["document"] != tc.rule {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if err := db.SetSetting(admin, nrm.SettingDocumentsMaxMB, "1"); err != nil {
			t.Fatal(err)
		}
		big := append(bytes.Clone(samplePDF), make([]byte, 1_000_000)...)
		_, err := db.AddDocument(cmmWorker, c.ID, "big.pdf", big)
		if fes := nrm.FieldErrors(err); len(fes) != 1 || fes[0].Rule != nrm.RuleRange || !strings.Contains(fes[0].Message(nrm.LangDA), "højst 1 MB") {
			t.Fatalf("over-size: %v", err)
		}
		if db.DocumentMaxBytes(admin) != 1_000_000 {
			t.Fatal("the limit does not follow the setting")
		}
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM documents").Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused files stored: %d %v", n, err)
		}
	})
}

// Another organisation gets ENOTFOUND for the documents of a case it
// cannot see; only the owner and administrators delete.
func TestDocumentAccess(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := fileCase(t, db, "DOC-ACC")
		doc, err := db.AddDocument(cmmWorker, c.ID, "a.pdf", samplePDF)
		if err != nil {
			t.Fatal(err)
		}
		lokk := actorCtx(nrm.RoleCaseworker, "LOKK", "")
		if _, err := db.FindDocuments(lokk, c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("list by another organisation: %v", err)
		}
		if _, _, err := db.OpenDocument(lokk, c.ID, doc.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("download by another organisation: %v", err)
		}
		if _, err := db.AddDocument(lokk, c.ID, "b.pdf", samplePDF); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("upload by another organisation: %v", err)
		}
		if err := db.DeleteDocument(lokk, c.ID, doc.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("delete by another organisation: %v", err)
		}
		if _, err := db.FindDocuments(actorCtx(nrm.RoleAnalyst, "CMM", ""), c.ID); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("analyst: %v", err)
		}
		// REDEN sees the case through a share, but does not own it.
		reden := actorCtx(nrm.RoleCaseworker, "REDEN", "")
		if err := db.DeleteDocument(reden, c.ID, doc.ID); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("delete by a sharing organisation: %v", err)
		}
		if err := db.DeleteDocument(cmmWorker, c.ID, doc.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteDocument(cmmWorker, c.ID, doc.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("deleted twice: %v", err)
		}
		acts := auditActions(t, db, c.ID)
		if !hasEntry(acts, fmt.Sprintf("document.delete document %d by caseworker@CMM", doc.ID)) || !hasEntry(acts, "case.read_refused documents by caseworker@LOKK") {
			t.Fatalf("audit: %q", acts)
		}
	})
}

// A merge moves the case file and re-seals everything with the kept
// case's reference: it opens there, and nothing is left behind.
func TestMergeMovesCaseFile(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		from := fileCase(t, db, "MOVE-FROM")
		to := fileCase(t, db, "MOVE-TO")
		if err := db.AddJournalEntry(cmmWorker, from.ID, &nrm.JournalEntry{Text: "moved note"}); err != nil {
			t.Fatal(err)
		}
		doc, err := db.AddDocument(cmmWorker, from.ID, "moved.pdf", samplePDF)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddJournalEntry(cmmWorker, to.ID, &nrm.JournalEntry{Text: "kept note"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MergeCases(admin, to.ID, from.ID); err != nil {
			t.Fatal(err)
		}
		f, err := db.FindCaseFile(cmmWorker, to.ID)
		if err != nil || len(f.Journal) != 2 || !hasNote(f.Journal, "moved note") || !hasNote(f.Journal, "kept note") || len(f.Documents) != 1 || f.Documents[0].Name != "moved.pdf" {
			t.Fatalf("after the move: %+v %v", f, err)
		}
		if _, data, err := db.OpenDocument(cmmWorker, to.ID, doc.ID); err != nil || !bytes.Equal(data, samplePDF) {
			t.Fatalf("moved document: %v", err)
		}
		if _, err := db.FindCaseFile(cmmWorker, from.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("merged-away case file still there: %v", err)
		}
	})
}

func hasNote(es []*nrm.JournalEntry, text string) bool {
	for _, e := range es {
		if e.Text == text {
			return true
		}
	}
	return false
}
