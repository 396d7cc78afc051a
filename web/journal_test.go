package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"nrm"
	"nrm/internal/doctest"
	"nrm/sqlstore"
)

// sendFile posts a multipart upload with the file in part "document",
// declared with the given name and content type (what a client claims).
func (c *client) sendFile(path, tok, name, declared string, data []byte, hdr ...string) *response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if tok != "" {
		mw.WriteField("csrf", tok)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="document"; filename=%q`, name))
	h.Set("Content-Type", declared)
	w := must(mw.CreatePart(h))(c.t)
	w.Write(data)
	mw.Close()
	req := must(http.NewRequest(http.MethodPost, c.env.ts.URL+path, &buf))(c.t)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// caseAudit returns "action detail by user" for the audit entries of a case.
func (e *testEnv) caseAudit(id int64) string {
	e.t.Helper()
	es, err := e.db.FindAudit(system, sqlstore.AuditFilter{Entity: "case", EntityID: strconv.FormatInt(id, 10)})
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, x := range es {
		fmt.Fprintf(&b, "%s %s by %s\n", x.Action, x.Detail, x.Username)
	}
	return b.String()
}

func TestJournalOnCasePage(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("JRN-WEB-1", nrm.ResidenceIrregular)
	w := e.login("worker")
	page := fmt.Sprintf("/cases/%d", c.ID)
	tok := w.csrf(page + "?lang=da")
	if res := w.get(page + "?lang=da"); !strings.Contains(res.Body, "Der er ingen notater i journalen.") || !strings.Contains(res.Body, `id="journal"`) {
		t.Fatalf("empty journal section missing (status %d)", res.StatusCode)
	}
	res := w.post(fmt.Sprintf("/cases/%d/journal", c.ID), url.Values{"csrf": {tok}, "journal_text": {"Mødt på krisecentret.\nHun spurgte til sit <pas>."}, "journal_date": {""}})
	mustStatus(t, res, http.StatusSeeOther, "add note")
	if loc := res.Header.Get("Location"); loc != page+"#journal" {
		t.Fatalf("redirect to %q", loc)
	}
	res = w.get(page + "?lang=da")
	if !strings.Contains(res.Body, "Mødt på krisecentret.<br>Hun spurgte til sit &lt;pas&gt;.") || !strings.Contains(res.Body, "worker (CMM)") {
		t.Fatalf("note not shown, or not escaped:\n%s", res.Body)
	}
	entries, err := e.db.FindJournal(system, c.ID)
	if err != nil || len(entries) != 1 {
		t.Fatalf("stored: %v %v", entries, err)
	}
	first := entries[0].ID
	res = w.post(fmt.Sprintf("/cases/%d/journal", c.ID), url.Values{"csrf": {tok}, "journal_text": {"Rettelse: det var opholdstilladelsen."},
		"journal_corrects": {strconv.FormatInt(first, 10)}})
	mustStatus(t, res, http.StatusSeeOther, "add correction")
	res = w.get(page + "?lang=en")
	if i, j := strings.Index(res.Body, "Rettelse: det var"), strings.Index(res.Body, "Mødt på krisecentret."); i < 0 || j < 0 || i > j {
		t.Fatal("journal not newest first")
	}
	if !strings.Contains(res.Body, "Corrected in note") || !strings.Contains(res.Body, "Corrects note") {
		t.Fatal("correction not linked in English")
	}
	// A refused note: the message stands next to the field, in Danish.
	res = w.post(fmt.Sprintf("/cases/%d/journal?lang=da", c.ID), url.Values{"csrf": {tok}, "journal_text": {"  "}, "journal_date": {"2999-01-01"}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "empty note")
	for _, want := range []string{"Notat skal udfyldes", "Dato for notatet er uden for det tilladte interval"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("refused note lacks %q", want)
		}
	}
	if strings.Contains(res.Body, "journal_text") && !strings.Contains(res.Body, `name="journal_text"`) {
		t.Error("an internal field name is shown")
	}
	// Another organisation cannot write to the journal: 404, as for a
	// case that does not exist.
	r := e.login("reden")
	rtok := r.csrf("/cases")
	res = r.post(fmt.Sprintf("/cases/%d/journal", c.ID), url.Values{"csrf": {rtok}, "journal_text": {"planted"}})
	mustStatus(t, res, http.StatusNotFound, "note by another organisation")
	audit := e.caseAudit(c.ID)
	for _, want := range []string{"journal.add entry", "journal.read 1 entries, 0 documents listed by worker", "case.read_refused journal by reden"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q:\n%s", want, audit)
		}
	}
}

func TestJournalAPI(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("JRN-API-1", nrm.ResidenceIrregular)
	w := e.login("worker")
	tok := w.csrf(fmt.Sprintf("/cases/%d", c.ID))
	path := fmt.Sprintf("/api/v1/cases/%d/journal", c.ID)
	res := w.api("POST", path, `{"text":"Telefonsamtale med advokaten."}`)
	mustStatus(t, res, http.StatusForbidden, "post without the CSRF header")
	res = w.api("POST", path, `{"text":"Telefonsamtale med advokaten.","date":"2024-05-01"}`, "X-CSRF-Token", tok)
	mustStatus(t, res, http.StatusCreated, "post note")
	var added nrm.JournalEntry
	if err := json.Unmarshal([]byte(res.Body), &added); err != nil || added.ID == 0 || added.Author != "worker" || added.Date != nrm.MustDate("2024-05-01") {
		t.Fatalf("created: %s %v", res.Body, err)
	}
	res = w.api("POST", path, `{"text":"x","corrects":999}`, "X-CSRF-Token", tok)
	mustStatus(t, res, http.StatusUnprocessableEntity, "correction of an unknown entry")
	if !strings.Contains(res.Body, `"field": "journal_corrects"`) {
		t.Fatalf("error names no field: %s", res.Body)
	}
	res = w.api("POST", path, `{"text":"x","author":"someone else"}`, "X-CSRF-Token", tok)
	mustStatus(t, res, http.StatusBadRequest, "a body setting the author")
	res = w.get(path)
	mustStatus(t, res, http.StatusOK, "get journal")
	var got journalResponse
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil || len(got.Entries) != 1 || got.Entries[0].Text != "Telefonsamtale med advokaten." {
		t.Fatalf("journal: %s %v", res.Body, err)
	}
	mustStatus(t, e.login("reden").get(path), http.StatusNotFound, "journal of another organisation's case")
	mustStatus(t, e.login("analyst").get(path), http.StatusForbidden, "journal for an analyst")
}

func TestDocumentsWeb(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DOC-WEB-1", nrm.ResidenceIrregular)
	w := e.login("worker")
	page := fmt.Sprintf("/cases/%d", c.ID)
	upload := page + "/documents"
	tok := w.csrf(page)
	pdf := doctest.PDF("Residence permit")
	res := w.sendFile(upload, tok, "Grace Qzname passport.pdf", "application/pdf", pdf)
	mustStatus(t, res, http.StatusSeeOther, "upload a PDF")
	// A PNG named and declared as a PDF is stored as the PNG it is.
	png := doctest.PNG()
	mustStatus(t, w.sendFile(upload, tok, "scan.pdf", "application/pdf", png), http.StatusSeeOther, "upload a PNG named .pdf")
	docs, err := e.db.FindDocuments(system, c.ID)
	if err != nil || len(docs) != 2 || docs[0].ContentType != nrm.DocumentPNG || docs[1].ContentType != nrm.DocumentPDF {
		t.Fatalf("stored: %+v %v", docs, err)
	}
	res = w.get(page + "?lang=da")
	if !strings.Contains(res.Body, "Grace Qzname passport.pdf") || !strings.Contains(res.Body, fmt.Sprintf(`href="/cases/%d/documents/%d"`, c.ID, docs[1].ID)) {
		t.Fatal("document not listed on the case page")
	}
	for _, d := range []struct {
		doc  *nrm.Document
		data []byte
		name string
	}{{docs[1], pdf, fmt.Sprintf("document-%d.pdf", docs[1].ID)}, {docs[0], png, fmt.Sprintf("document-%d.png", docs[0].ID)}} {
		res = w.get(fmt.Sprintf("%s/%d", upload, d.doc.ID))
		mustStatus(t, res, http.StatusOK, "download")
		if res.Body != string(d.data) || res.Header.Get("Content-Type") != d.doc.ContentType ||
			res.Header.Get("Content-Disposition") != `attachment; filename=`+d.name ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || strings.Contains(res.Header.Get("Content-Disposition"), "Qzname") {
			t.Fatalf("download headers %v", res.Header)
		}
	}
	if audit := e.caseAudit(c.ID); !strings.Contains(audit, fmt.Sprintf("document.download document %d by worker", docs[1].ID)) ||
		strings.Contains(audit, "Qzname") {
		t.Fatalf("download not audited, or the name is in the log:\n%s", audit)
	}

	// Faults, each shown on the case page with its message.
	for _, tc := range []struct {
		name string
		data []byte
		da   string
	}{
		{"setup.pdf", doctest.EXE(), "indholdet er ikke en PDF-, JPEG- eller PNG-fil"},
		{"empty.pdf", nil, "filen er tom"},
		{"cut.png", png[:40], "PNG-filen er ufuldstændig eller beskadiget"},
	} {
		res = w.sendFile(upload+"?lang=da", tok, tc.name, "application/pdf", tc.data)
		mustStatus(t, res, http.StatusUnprocessableEntity, tc.name)
		if !strings.Contains(res.Body, tc.da) || strings.Contains(res.Body, tc.name) {
			t.Errorf("%s: message missing, or the file name echoed", tc.name)
		}
	}
	if err := e.db.SetSetting(system, nrm.SettingDocumentsMaxMB, "1"); err != nil {
		t.Fatal(err)
	}
	big := append(bytes.Clone(pdf), make([]byte, 1_500_000)...)
	res = w.sendFile(upload+"?lang=en", tok, "big.pdf", "application/pdf", big)
	mustStatus(t, res, http.StatusUnprocessableEntity, "over-size")
	if !strings.Contains(res.Body, "a file of at most 1 MB") {
		t.Fatal("over-size refusal does not name the limit")
	}
	if !strings.Contains(w.get(page+"?lang=en").Body, "at most 1 MB") {
		t.Fatal("the upload hint does not follow the setting")
	}
	// No CSRF token: refused, nothing stored.
	mustStatus(t, w.sendFile(upload, "", "a.pdf", "application/pdf", pdf), http.StatusForbidden, "upload without a token")
	if docs, _ := e.db.FindDocuments(system, c.ID); len(docs) != 2 {
		t.Fatalf("%d documents after refused uploads", len(docs))
	}

	// Another organisation: 404 for everything, never 403.
	r := e.login("reden")
	rtok := r.csrf("/cases")
	mustStatus(t, r.get(fmt.Sprintf("%s/%d", upload, docs[1].ID)), http.StatusNotFound, "download by another organisation")
	mustStatus(t, r.get(fmt.Sprintf("/api/v1/cases/%d/documents", c.ID)), http.StatusNotFound, "list by another organisation")
	mustStatus(t, r.get(fmt.Sprintf("/api/v1/cases/%d/documents/%d", c.ID, docs[1].ID)), http.StatusNotFound, "API download by another organisation")
	mustStatus(t, r.sendFile(upload, rtok, "x.pdf", "application/pdf", pdf), http.StatusNotFound, "upload by another organisation")
	mustStatus(t, r.post(fmt.Sprintf("%s/%d/delete", upload, docs[1].ID), url.Values{"csrf": {rtok}, "confirm": {"yes"}}), http.StatusNotFound, "delete by another organisation")
	mustStatus(t, e.login("analyst").get(fmt.Sprintf("%s/%d", upload, docs[1].ID)), http.StatusForbidden, "download by an analyst")

	// Deletion needs the confirmation, then works for the owner.
	del := fmt.Sprintf("%s/%d/delete", upload, docs[0].ID)
	mustStatus(t, w.post(del, url.Values{"csrf": {tok}}), http.StatusUnprocessableEntity, "delete without confirming")
	mustStatus(t, w.post(del, url.Values{"csrf": {tok}, "confirm": {"yes"}}), http.StatusSeeOther, "delete")
	mustStatus(t, w.get(fmt.Sprintf("%s/%d", upload, docs[0].ID)), http.StatusNotFound, "download of a deleted document")
	if audit := e.caseAudit(c.ID); !strings.Contains(audit, fmt.Sprintf("document.delete document %d by worker", docs[0].ID)) {
		t.Fatalf("deletion not audited:\n%s", audit)
	}
}

func TestDocumentsAPI(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DOC-API-1", nrm.ResidenceIrregular)
	tok, err := e.db.CreateAPIToken(system, "worker", "doc-test")
	if err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	auth := []string{"Authorization", "Bearer " + tok}
	path := fmt.Sprintf("/api/v1/cases/%d/documents", c.ID)
	res := anon.sendFile(path, "", "photo.jpg", "image/jpeg", doctest.JPEG(), auth...)
	mustStatus(t, res, http.StatusCreated, "API upload")
	var doc nrm.Document
	if err := json.Unmarshal([]byte(res.Body), &doc); err != nil || doc.ContentType != nrm.DocumentJPEG || doc.Name != "photo.jpg" {
		t.Fatalf("created: %s", res.Body)
	}
	res = anon.sendFile(path, "", "virus.pdf", "application/pdf", doctest.EXE(), auth...)
	mustStatus(t, res, http.StatusUnprocessableEntity, "API upload of a program")
	if !strings.Contains(res.Body, `"field": "document"`) || !strings.Contains(res.Body, `"rule": "not_allowed"`) {
		t.Fatalf("API refusal: %s", res.Body)
	}
	req := must(http.NewRequest("GET", e.ts.URL+path, nil))(t)
	req.Header.Set(auth[0], auth[1])
	res = anon.do(req)
	var list documentsResponse
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || len(list.Documents) != 1 || list.MaxBytes != 10_000_000 {
		t.Fatalf("list: %s", res.Body)
	}
	req = must(http.NewRequest("GET", fmt.Sprintf("%s%s/%d", e.ts.URL, path, doc.ID), nil))(t)
	req.Header.Set(auth[0], auth[1])
	if res = anon.do(req); res.StatusCode != http.StatusOK || res.Body != string(doctest.JPEG()) ||
		res.Header.Get("Content-Disposition") != fmt.Sprintf("attachment; filename=document-%d.jpg", doc.ID) {
		t.Fatalf("API download: %d %v", res.StatusCode, res.Header)
	}
	req = must(http.NewRequest("DELETE", fmt.Sprintf("%s%s/%d", e.ts.URL, path, doc.ID), nil))(t)
	req.Header.Set(auth[0], auth[1])
	mustStatus(t, anon.do(req), http.StatusNoContent, "API delete")
}
