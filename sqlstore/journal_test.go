package sqlstore_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// fileCase creates a CMM case shared with REDEN for the journal and
// document tests.
func fileCase(t *testing.T, db *sqlstore.DB, ref string) *nrm.Case {
	t.Helper()
	c := newCase(ref)
	c.SharedWith = []string{"REDEN"}
	if err := db.CreateCase(admin, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// auditActions returns "action detail" of the audit entries of case id.
func auditActions(t *testing.T, db *sqlstore.DB, id int64) []string {
	t.Helper()
	es, err := db.FindAudit(admin, sqlstore.AuditFilter{Entity: "case", EntityID: strconv.FormatInt(id, 10)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action+" "+e.Detail+" by "+e.Username)
	}
	return out
}

func hasEntry(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// caseworker of CMM, the owner of the file cases.
var cmmWorker = actorCtx(nrm.RoleCaseworker, "CMM", "")

func TestJournalRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		clock := useClock(db)
		c := fileCase(t, db, "JRN-1")
		first := &nrm.JournalEntry{Text: "  Met Qzjournal at the shelter; she asked about her passport.\r\n"}
		if err := db.AddJournalEntry(cmmWorker, c.ID, first); err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || first.Author != "caseworker@CMM" || first.AuthorOrg != "CMM" || first.Date != nrm.DateOf(clock.now()) ||
			first.Text != "Met Qzjournal at the shelter; she asked about her passport." {
			t.Fatalf("after adding: %+v", first)
		}
		reden := actorCtx(nrm.RoleCaseworker, "REDEN", "")
		second := &nrm.JournalEntry{Date: nrm.MustDate("2026-02-27"), Text: "Phoned about the appointment."}
		if err := db.AddJournalEntry(reden, c.ID, second); err != nil {
			t.Fatal(err)
		}
		fix := &nrm.JournalEntry{Text: "Correction: it was her residence permit, not her passport.", Corrects: first.ID}
		if err := db.AddJournalEntry(cmmWorker, c.ID, fix); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindJournal(reden, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].ID != fix.ID || got[1].ID != second.ID || got[2].ID != first.ID {
			t.Fatalf("journal not newest first: %+v", got)
		}
		if got[2].Text != first.Text || got[1].AuthorOrg != "REDEN" || got[0].Corrects != first.ID ||
			len(got[2].CorrectedBy) != 1 || got[2].CorrectedBy[0] != fix.ID || got[1].Date != nrm.MustDate("2026-02-27") {
			t.Fatalf("journal read back: %+v %+v %+v", got[0], got[1], got[2])
		}
		// Append-only: a correction must name an entry of the same
		// journal, and bad entries are refused one fault each.
		other := fileCase(t, db, "JRN-2")
		if err := db.AddJournalEntry(cmmWorker, other.ID, &nrm.JournalEntry{Text: "x", Corrects: first.ID}); rules(err)["journal_corrects"] != nrm.RuleUnknownReference {
			t.Fatalf("correcting another case's entry: %v", err)
		}
		if err := db.AddJournalEntry(cmmWorker, c.ID, &nrm.JournalEntry{Text: " "}); rules(err)["journal_text"] != nrm.RuleRequired {
			t.Fatalf("empty note: %v", err)
		}
		if err := db.AddJournalEntry(cmmWorker, c.ID, &nrm.JournalEntry{Text: "x", Date: nrm.MustDate("2026-03-03")}); rules(err)["journal_date"] != nrm.RuleRange {
			t.Fatalf("note dated tomorrow: %v", err)
		}
		acts := auditActions(t, db, c.ID)
		for _, want := range []string{
			fmt.Sprintf("journal.add entry %d by caseworker@CMM", first.ID),
			fmt.Sprintf("journal.add entry %d correcting entry %d", fix.ID, first.ID),
			"journal.read 3 entries by caseworker@REDEN",
		} {
			if !hasEntry(acts, want) {
				t.Errorf("audit lacks %q: %q", want, acts)
			}
		}
		if strings.Contains(strings.Join(acts, "\n"), "Qzjournal") {
			t.Fatal("the audit log holds the note's text")
		}
	})
}

// The text is sealed: the database holds no plaintext, and a sealed text
// moved to another entry (of the same case) does not open.
func TestJournalSealedAtRest(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := fileCase(t, db, "JRN-SEAL")
		a := &nrm.JournalEntry{Text: "Qzsecret: the trafficker's name is Quxbert."}
		b := &nrm.JournalEntry{Text: "Another note."}
		for _, e := range []*nrm.JournalEntry{a, b} {
			if err := db.AddJournalEntry(cmmWorker, c.ID, e); err != nil {
				t.Fatal(err)
			}
		}
		var sealed []byte
		var key string
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT text, text_key FROM journal_entries WHERE id = %d", a.ID)).Scan(&sealed, &key); err != nil {
			t.Fatal(err)
		}
		if len(sealed) == 0 || key != "test1" || strings.Contains(string(sealed), "Qzsecret") || strings.Contains(string(sealed), "Quxbert") {
			t.Fatalf("stored text %q (key %q)", sealed, key)
		}
		if db.Engine() == "sqlite" {
			assertFileLacks(t, db, "Qzsecret")
		}
		if _, err := db.SQL().Exec(fmt.Sprintf("UPDATE journal_entries SET text = %s WHERE id = %d", param1(db), b.ID), sealed); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindJournal(cmmWorker, c.ID); err == nil || nrm.ErrorCode(err) != nrm.EINTERNAL {
			t.Fatalf("a text moved to another entry opened: %v", err)
		}
	})
}

// assertFileLacks fails if the SQLite database file (or its WAL) holds s.
func assertFileLacks(t *testing.T, db *sqlstore.DB, s string) {
	t.Helper()
	var path string
	if err := db.SQL().QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			t.Fatalf("%s holds %q in clear", filepath.Base(p), s)
		}
	}
}

// Another organisation's caseworker gets ENOTFOUND (as for a case that
// does not exist), audited as a refused read; roles without case access
// are refused outright.
func TestJournalAccess(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := fileCase(t, db, "JRN-ACC")
		if err := db.AddJournalEntry(cmmWorker, c.ID, &nrm.JournalEntry{Text: "Qzhidden note"}); err != nil {
			t.Fatal(err)
		}
		lokk := actorCtx(nrm.RoleCaseworker, "LOKK", "")
		if _, err := db.FindJournal(lokk, c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("another organisation read the journal: %v", err)
		}
		if err := db.AddJournalEntry(lokk, c.ID, &nrm.JournalEntry{Text: "planted"}); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("another organisation wrote to the journal: %v", err)
		}
		if _, err := db.FindJournal(lokk, 999999); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("missing case: %v", err)
		}
		for _, role := range []nrm.Role{nrm.RoleAnalyst, nrm.RoleCoordinator, nrm.RoleAuditor} {
			if _, err := db.FindJournal(actorCtx(role, "CMM", ""), c.ID); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s read the journal: %v", role, err)
			}
		}
		if !hasEntry(auditActions(t, db, c.ID), "case.read_refused journal by caseworker@LOKK") {
			t.Fatalf("refused read not audited: %q", auditActions(t, db, c.ID))
		}
		got, err := db.FindJournal(cmmWorker, c.ID)
		if err != nil || len(got) != 1 {
			t.Fatalf("journal after refused writes: %v %v", got, err)
		}
	})
}

// Key rotation re-seals the journal and the documents; retention deletes
// them with the identifiers.
func TestCaseFileRotationAndRetention(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			k1 := must(seal.NewKey("k1"))(t)
			k2 := must(seal.NewKey("k2"))(t)
			db := openWithRing(t, dsn, ring(t, k1))
			c := closedCase("JRN-RET")
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
			keep := fileCase(t, db, "JRN-KEEP")
			for _, id := range []int64{c.ID, keep.ID} {
				if err := db.AddJournalEntry(admin, id, &nrm.JournalEntry{Text: "Qzrotate note"}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.AddDocument(admin, id, "letter.pdf", samplePDF); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.RotateKeys(secAdmin, ring(t, k2)); err != nil {
				t.Fatal(err)
			}
			newOnly := openWithRing(t, dsn, ring(t, k2))
			f, err := newOnly.FindCaseFile(admin, c.ID)
			if err != nil || len(f.Journal) != 1 || f.Journal[0].Text != "Qzrotate note" || len(f.Documents) != 1 || f.Documents[0].Name != "letter.pdf" {
				t.Fatalf("case file after rotation: %+v %v", f, err)
			}
			if _, data, err := newOnly.OpenDocument(admin, c.ID, f.Documents[0].ID); err != nil || string(data) != string(samplePDF) {
				t.Fatalf("document after rotation: %v", err)
			}
			if n, err := newOnly.ApplyRetention(secAdmin, 5, nrm.MustDate("2021-03-02")); err != nil || n != 1 {
				t.Fatalf("purged %d: %v", n, err)
			}
			for _, q := range []string{"SELECT COUNT(*) FROM journal_entries WHERE case_id = %d", "SELECT COUNT(*) FROM documents WHERE case_id = %d"} {
				var n int
				if err := newOnly.SQL().QueryRow(fmt.Sprintf(q, c.ID)).Scan(&n); err != nil || n != 0 {
					t.Fatalf("%s after retention: %d %v", q, n, err)
				}
				if err := newOnly.SQL().QueryRow(fmt.Sprintf(q, keep.ID)).Scan(&n); err != nil || n != 1 {
					t.Fatalf("%s of the kept case: %d %v", q, n, err)
				}
			}
			if !hasEntry(auditActions(t, newOnly, c.ID), "case.purge identifiers purged") ||
				!strings.Contains(strings.Join(auditActions(t, newOnly, c.ID), "\n"), "1 journal entries and 1 documents deleted") {
				t.Fatalf("purge audit: %q", auditActions(t, newOnly, c.ID))
			}
			if err := newOnly.AddJournalEntry(admin, c.ID, &nrm.JournalEntry{Text: "after the purge"}); rules(err)["journal_text"] != nrm.RuleNotAllowed {
				t.Fatalf("note on a purged case: %v", err)
			}
			if _, err := newOnly.AddDocument(admin, c.ID, "x.pdf", samplePDF); rules(err)["document"] != nrm.RuleNotAllowed {
				t.Fatalf("document on a purged case: %v", err)
			}
		})
	}
}

// param1 is the first query parameter in the engine's notation.
func param1(db *sqlstore.DB) string {
	if db.Engine() == "postgres" {
		return "$1"
	}
	return "?"
}
