package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// personCase returns a valid case of org about the person with these
// identifiers.
func personCase(ref, org string, ids nrm.Identifiers) *nrm.Case {
	c := newCase(ref)
	c.OwnerOrg = org
	c.Identifiers = ids
	return c
}

func refsOf(hits []*nrm.SearchHit) string {
	var r []string
	for _, h := range hits {
		r = append(r, h.Ref)
	}
	return strings.Join(r, ",")
}

func searchRefs(t *testing.T, db *sqlstore.DB, ctx context.Context, q nrm.SearchQuery) string {
	t.Helper()
	hits, err := db.SearchCases(ctx, q)
	if err != nil {
		t.Fatalf("search %v: %v", q.Kinds(), err)
	}
	return refsOf(hits)
}

func TestPersonSearch(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		maria := personCase("S-1", "CMM", nrm.Identifiers{Name: "Maria Popescu", Aliases: []string{"Mária Pópescu-Ionescu"},
			BirthDate: nrm.MustDate("1995-03-04"), DocumentNumbers: []string{"ro 123-456"}, Phone: "+45 12 34 56 78"})
		other := personCase("S-2", "CMM", nrm.Identifiers{Name: "Maria Ionescu", BirthDate: nrm.MustDate("1990-01-01"), Phone: "0040 721 000 111"})
		for _, c := range []*nrm.Case{maria, other} {
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			q    nrm.SearchQuery
			want string
		}{
			{nrm.SearchQuery{Name: "popescu"}, "S-1"},
			{nrm.SearchQuery{Name: "  POPESCU   maria "}, "S-1"},
			{nrm.SearchQuery{Name: "maria"}, "S-1,S-2"},
			{nrm.SearchQuery{Name: "ionescu"}, "S-1,S-2"}, // S-1 by its alias
			{nrm.SearchQuery{Name: "ionescu", BirthDate: nrm.MustDate("1990-01-01")}, "S-2"},
			{nrm.SearchQuery{BirthDate: nrm.MustDate("1995-03-04")}, "S-1"},
			{nrm.SearchQuery{Document: "RO123456"}, "S-1"},
			{nrm.SearchQuery{Document: "RO 123 457"}, ""},
			{nrm.SearchQuery{Phone: "12345678"}, "S-1"},
			{nrm.SearchQuery{Phone: "+40 721 000 111"}, "S-2"},
			{nrm.SearchQuery{Name: "popescu", Phone: "+40721000111"}, ""},
			{nrm.SearchQuery{Name: "mar"}, ""}, // whole words only
		} {
			if got := searchRefs(t, db, admin, tc.q); got != tc.want {
				t.Errorf("search %+v: %q, want %q", tc.q, got, tc.want)
			}
		}
		if _, err := db.SearchCases(admin, nrm.SearchQuery{}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("empty search: %v", err)
		}
		// An update rewrites the index: the old name is no longer found.
		c, err := db.FindCaseByRef(admin, "S-2")
		if err != nil {
			t.Fatal(err)
		}
		c.Identifiers.Name = "Elena Ionescu"
		if err := db.CorrectCase(admin, c, "name misspelt"); err != nil {
			t.Fatal(err)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Name: "maria ionescu"}); got != "S-1" {
			t.Fatalf("after update: %q", got)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Name: "elena"}); got != "S-2" {
			t.Fatalf("after update: %q", got)
		}
		// Audited with the kinds and the number of hits, never the values.
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		searches := 0
		for _, e := range entries {
			line := strings.Join([]string{e.Action, e.Entity, e.EntityID, e.Detail}, " ") // not the hashes: hex may hold any digits
			if e.Action == "case.search" {
				searches++
			}
			for _, s := range []string{"opescu", "OPESCU", "123456", "12345678", "721", "1995-03-04", "elena"} {
				if e.Action == "case.search" && strings.Contains(line, s) {
					t.Errorf("audit entry holds a searched value %q: %s", s, line)
				}
			}
		}
		if searches < 12 {
			t.Fatalf("%d searches audited", searches)
		}
		last := entries[len(entries)-1]
		if last.Action != "case.search" || !strings.Contains(last.Detail, "name") || !strings.Contains(last.Detail, "1 hits") {
			t.Fatalf("last audit entry: %+v", last)
		}
		// The index holds no identifier in clear.
		var n int
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM person_index WHERE case_id = %d", maria.ID)).Scan(&n); err != nil || n < 6 {
			t.Fatalf("index rows of S-1: %d %v", n, err)
		}
	})
}

// A caseworker finds only the cases his organisation may see; another
// organisation's case about the same person shows only as a possible
// duplicate naming that organisation.
func TestSearchScopedAndDuplicateNotice(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ids := nrm.Identifiers{Name: "Joy Adebayo", BirthDate: nrm.MustDate("2001-07-08"), DocumentNumbers: []string{"A1234567"}}
		b := personCase("B-1", "REDEN", ids)
		b.Assessments = nil // caseworkers do not assess
		if err := db.CreateCase(actorCtx(nrm.RoleCaseworker, "REDEN", ""), b); err != nil {
			t.Fatal(err)
		}
		cmm := actorCtx(nrm.RoleCaseworker, "CMM", "")
		if got := searchRefs(t, db, cmm, nrm.SearchQuery{Document: "a1234567"}); got != "" {
			t.Fatalf("CMM found REDEN's case: %q", got)
		}
		if got := searchRefs(t, db, cmm, nrm.SearchQuery{Name: "joy adebayo"}); got != "" {
			t.Fatalf("CMM found REDEN's case: %q", got)
		}
		if got := searchRefs(t, db, actorCtx(nrm.RoleCaseworker, "REDEN", ""), nrm.SearchQuery{Name: "adebayo"}); got != "B-1" {
			t.Fatalf("REDEN's own search: %q", got)
		}
		if _, err := db.SearchCases(actorCtx(nrm.RoleAnalyst, "CMM", ""), nrm.SearchQuery{Name: "adebayo"}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("analyst search: %v", err)
		}
		// CMM registers the same person (name and birth date, another
		// spelling): the notice names REDEN only.
		a := personCase("A-1", "CMM", nrm.Identifiers{Name: "JOY  adébayo", BirthDate: nrm.MustDate("2001-07-08")})
		a.Assessments = nil
		if err := db.CreateCase(cmm, a); err != nil {
			t.Fatal(err)
		}
		dups, err := db.PossibleDuplicates(cmm, a.ID, "registration")
		if err != nil || len(dups) != 1 || dups[0].Org != "REDEN" {
			t.Fatalf("duplicates: %+v %v", dups, err)
		}
		msg := dups[0].Message(nrm.LangEN)
		if !strings.Contains(msg, "REDEN") || strings.Contains(msg, "B-1") || !strings.Contains(dups[0].Message(nrm.LangDA), "henvisning") {
			t.Fatalf("notice: %q", msg)
		}
		// The same name with another birth date is not a duplicate; the
		// same document number is, whatever the name.
		c := personCase("A-2", "CMM", nrm.Identifiers{Name: "Joy Adebayo", BirthDate: nrm.MustDate("1999-01-01")})
		d := personCase("A-3", "CMM", nrm.Identifiers{Name: "Someone Else", DocumentNumbers: []string{"a-123 4567"}})
		for _, x := range []*nrm.Case{c, d} {
			x.Assessments = nil
			if err := db.CreateCase(cmm, x); err != nil {
				t.Fatal(err)
			}
		}
		if dups, err := db.PossibleDuplicates(cmm, c.ID, "registration"); err != nil || len(dups) != 0 {
			t.Fatalf("name only: %+v %v", dups, err)
		}
		if dups, err := db.PossibleDuplicates(cmm, d.ID, "registration"); err != nil || len(dups) != 1 || dups[0].Org != "REDEN" {
			t.Fatalf("document: %+v %v", dups, err)
		}
		// The check needs the case to be visible to the actor.
		if _, err := db.PossibleDuplicates(cmm, b.ID, "registration"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("check on another organisation's case: %v", err)
		}
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{EntityID: fmt.Sprint(a.ID), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			if e.Action == "case.possible_duplicate" {
				found = strings.Contains(e.Detail, "REDEN") && !strings.Contains(e.Detail, "B-1") && !strings.Contains(strings.ToLower(e.Detail), "adebayo")
			}
		}
		if !found {
			t.Fatalf("duplicate notice not audited as expected: %+v", entries)
		}
	})
}

// After a key rotation the index is rebuilt under the new blind-index
// key: search still finds, and no row is left under the old key.
func TestSearchAfterKeyRotation(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			mac := must(seal.NewKey(seal.MACKeyID))(t)
			k1 := must(seal.NewKey("k1"))(t)
			b1 := must(seal.NewKey("blind-1"))(t)
			db := openWithRing(t, dsn, ring(t, mac, b1, k1))
			if err := db.CreateCase(admin, personCase("R-1", "CMM", nrm.Identifiers{Name: "Ana Lima", DocumentNumbers: []string{"P998877"}})); err != nil {
				t.Fatal(err)
			}
			var before []byte
			if err := db.SQL().QueryRow("SELECT hmac FROM person_index WHERE kind = 'document'").Scan(&before); err != nil {
				t.Fatal(err)
			}
			k2 := must(seal.NewKey("k2"))(t)
			b2 := must(seal.NewKey("blind-2"))(t)
			if _, err := db.RotateKeys(admin, ring(t, mac, b2, k2)); err != nil {
				t.Fatal(err)
			}
			if got := searchRefs(t, db, admin, nrm.SearchQuery{Document: "p998877"}); got != "R-1" {
				t.Fatalf("after rotation: %q", got)
			}
			var old int
			var after []byte
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM person_index WHERE key_id <> 'blind-2'").Scan(&old); err != nil || old != 0 {
				t.Fatalf("rows under an old key: %d %v", old, err)
			}
			if err := db.SQL().QueryRow("SELECT hmac FROM person_index WHERE kind = 'document'").Scan(&after); err != nil || bytes.Equal(before, after) {
				t.Fatalf("document hash unchanged by the rotation (%v)", err)
			}
			// A database opened with the new key file finds too.
			db.Close()
			db2 := openWithRing(t, dsn, ring(t, mac, b2, k2))
			if got := searchRefs(t, db2, admin, nrm.SearchQuery{Name: "lima"}); got != "R-1" {
				t.Fatalf("reopened after rotation: %q", got)
			}
		})
	}
}

// Retention purges the index with the identifiers.
func TestSearchAfterRetention(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := personCase("P-1", "CMM", nrm.Identifiers{Name: "Olga Petrova", BirthDate: nrm.MustDate("1980-02-02")})
		c.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-06-01"), Kind: nrm.ExitPreparedReturn}}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Name: "petrova"}); got != "P-1" {
			t.Fatalf("before purge: %q", got)
		}
		if n, err := db.ApplyRetention(admin, 5, nrm.MustDate("2020-01-01")); err != nil || n != 1 {
			t.Fatalf("retention: %d %v", n, err)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Name: "petrova"}); got != "" {
			t.Fatalf("after purge: %q", got)
		}
		var rows int
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM person_index WHERE case_id = %d", c.ID)).Scan(&rows); err != nil || rows != 0 {
			t.Fatalf("index rows left after purge: %d %v", rows, err)
		}
	})
}

// Both import paths index: the bulk writer and the row-by-row update.
func TestSearchAfterImport(t *testing.T) {
	defer sqlstore.SetBulkBatch(16)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := range 40 {
				c := personCase(fmt.Sprintf("I-%02d", i), "CMM", nrm.Identifiers{Name: fmt.Sprintf("Person Number%d", i),
					DocumentNumbers: []string{fmt.Sprintf("DOC%d", i)}})
				if err := w.PutCase(admin, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Name: "number17"}); got != "I-17" {
			t.Fatalf("bulk-imported case: %q", got)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Document: "doc 33"}); got != "I-33" {
			t.Fatalf("bulk-imported case: %q", got)
		}
		_, err = db.Import(admin, func(w nrm.ImportWriter) error {
			return w.PutRecord(admin, personCase("I-17", "CMM", nrm.Identifiers{Name: "Renamed Person"}), nrm.PartIdentifiers)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Name: "renamed"}) + "|" + searchRefs(t, db, admin, nrm.SearchQuery{Name: "number17"}); got != "I-17|" {
			t.Fatalf("after re-import: %q", got)
		}
	})
}

// Merging counts the person once: the statistics drop by one person; the
// facts and identifiers of both are on the kept case, the other is gone,
// and the merge is audited with both references.
func TestMergeCases(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		keep := personCase("MK-1", "CMM", nrm.Identifiers{Name: "Grace Obi", BirthDate: nrm.MustDate("1992-02-02")})
		other := personCase("MO-1", "REDEN", nrm.Identifiers{Name: "Grace Obiora", DocumentNumbers: []string{"NG777"}})
		other.Contacts[0].Date = nrm.MustDate("2011-03-01")
		other.Assessments[0].Date = nrm.MustDate("2011-03-05")
		for _, c := range []*nrm.Case{keep, other} {
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		q := nrm.StatsQuery{Year: 2011, Cutoff: nrm.DefaultCutoff(2011)}
		before, err := db.ComputeStatistics(admin, q)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.MergeCases(actorCtx(nrm.RoleCaseworker, "CMM", ""), keep.ID, other.ID); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("merge by a caseworker: %v", err)
		}
		m, err := db.MergeCases(admin, keep.ID, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.ComputeStatistics(admin, q)
		if err != nil {
			t.Fatal(err)
		}
		if before.Identified.Total != 2 || after.Identified.Total != before.Identified.Total-1 {
			t.Fatalf("identified before %d, after %d", before.Identified.Total, after.Identified.Total)
		}
		got, err := db.FindCaseByID(admin, keep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Contacts) != 2 || len(got.Assessments) != 2 || got.Version != m.Version ||
			strings.Join(got.Identifiers.Aliases, ";") != "Grace Obiora" || strings.Join(got.Identifiers.DocumentNumbers, ";") != "NG777" ||
			strings.Join(got.SharedWith, ";") != "REDEN" {
			t.Fatalf("merged case: %+v", got)
		}
		if _, err := db.FindCaseByID(admin, other.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("other case still there: %v", err)
		}
		if got := searchRefs(t, db, admin, nrm.SearchQuery{Document: "ng777"}); got != "MK-1" {
			t.Fatalf("search after merge: %q", got)
		}
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{EntityID: fmt.Sprint(keep.ID), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		audited := false
		for _, e := range entries {
			audited = audited || (e.Action == "case.merge" && strings.Contains(e.Detail, "MK-1") && strings.Contains(e.Detail, "MO-1"))
		}
		if !audited {
			t.Fatal("merge not audited with both references")
		}
	})
}

// Cases whose facts cannot both be true are not merged, and nothing
// changes.
func TestMergeConflictRefused(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		a := personCase("MC-1", "CMM", nrm.Identifiers{Name: "Kim Lee"})
		b := personCase("MC-2", "CMM", nrm.Identifiers{Name: "Kim Lee"})
		b.Gender = nrm.GenderMale
		for _, c := range []*nrm.Case{a, b} {
			if err := db.CreateCase(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.MergeCases(admin, a.ID, b.ID)
		if nrm.ErrorCode(err) != nrm.ECONFLICT || nrm.ErrorMessage(err) != nrm.MergeConflictMessage {
			t.Fatalf("merge of different genders: %v", err)
		}
		if fe := nrm.FieldErrors(err); len(fe) != 1 || fe[0].Field != "gender" {
			t.Fatalf("fields: %+v", fe)
		}
		if _, err := db.FindCaseByID(admin, b.ID); err != nil {
			t.Fatalf("refused merge removed the other case: %v", err)
		}
		if _, err := db.MergeCases(admin, a.ID, a.ID); nrm.ErrorCode(err) != nrm.ECONFLICT {
			t.Fatalf("merge of a case with itself: %v", err)
		}
	})
}

// The database file holds no searched or indexed value in clear.
func TestPersonIndexNotInClear(t *testing.T) {
	dsn := sqltest.DSN(t, "sqlite")
	db := sqltest.MustOpenDSN(t, dsn)
	if err := db.CreateCase(admin, personCase("C-1", "CMM", nrm.Identifiers{Name: "Zbigniewqx Wozniakowa", DocumentNumbers: []string{"QQZX99812"}})); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := os.ReadFile(dsn)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(dsn + "-wal")
	for _, s := range []string{"zbigniewqx", "wozniakowa", "QQZX99812", "Zbigniewqx"} {
		if bytes.Contains(append(raw, wal...), []byte(s)) {
			t.Errorf("%q in clear in the database file", s)
		}
	}
}

// An import reports, per imported case, the organisations that may hold
// another case about the same person, and nothing else.
func TestImportDuplicates(t *testing.T) {
	defer sqlstore.SetBulkBatch(8)()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		held := personCase("H-1", "REDEN", nrm.Identifiers{Name: "Held Person", BirthDate: nrm.MustDate("1988-08-08"), DocumentNumbers: []string{"PP1"}})
		if err := db.CreateCase(admin, held); err != nil {
			t.Fatal(err)
		}
		since := time.Now()
		_, err := db.Import(admin, func(w nrm.ImportWriter) error {
			for i := range 20 {
				ids := nrm.Identifiers{Name: fmt.Sprintf("New Person%d", i)}
				switch i {
				case 3:
					ids.DocumentNumbers = []string{"pp-1"}
				case 7:
					ids = nrm.Identifiers{Name: "HELD person", BirthDate: nrm.MustDate("1988-08-08")}
				case 9:
					ids = nrm.Identifiers{Name: "Held Person", BirthDate: nrm.MustDate("1977-01-01")} // another birth date
				}
				if err := w.PutCase(admin, personCase(fmt.Sprintf("N-%02d", i), "CMM", ids)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Both ways of checking: each changed case's rows looked up, and
		// the person index read whole.
		for _, factor := range []int64{0, 1 << 20} {
			restore := sqlstore.SetDuplicateScanFactor(factor)
			lines, err := db.ImportDuplicates(admin, since)
			restore()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.CaseRef+":"+strings.Join(l.Orgs, ","))
			}
			if strings.Join(got, " ") != "N-03:REDEN N-07:REDEN" {
				t.Fatalf("report (factor %d): %v", factor, got)
			}
		}
		if _, err := db.ImportDuplicates(actorCtx(nrm.RoleAnalyst, "CMM", ""), since); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("analyst: %v", err)
		}
	})
}

// A merge moves the other case's referrals, consents, reconsiderations
// and sealed reasons: they open under the kept case's reference.
func TestMergeMovesMechanism(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		other := mechanismCase(t, db, "MM-OTHER")
		keep := newCase("MM-KEEP")
		keep.Contacts[0].Date = nrm.MustDate("2011-01-20")
		keep.Assessments = nil
		if err := db.CreateCase(admin, keep); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MergeCases(admin, keep.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByID(admin, keep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Referrals) != 1 || got.Referrals[0].Reason != plantedReferral || len(got.Consents) != 1 ||
			len(got.Reconsiderations) != 1 || got.Reconsiderations[0].Grounds != plantedGrounds || len(got.Exits) != 1 {
			t.Fatalf("merged mechanism: %+v", got)
		}
		var linked bool
		for _, a := range got.Assessments {
			linked = linked || a.ID == got.Reconsiderations[0].AssessmentID
		}
		if !linked {
			t.Fatal("the reconsideration lost its assessment")
		}
		if _, err := db.CaseHistory(admin, keep.ID); err != nil {
			t.Fatalf("history of the kept case: %v", err)
		}
	})
}
