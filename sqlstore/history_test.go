package sqlstore_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"nrm"
	"nrm/seal"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// Planted free text: none of it may be found in clear in the database.
const (
	plantedReasons   = "Plantedreasons Qxjv"
	plantedGrounds   = "Plantedgrounds Wzkq"
	plantedCorrected = "Plantedcorrection Jkvx"
	plantedReferral  = "Plantedreferral Ypqz"
)

// mechanismCase creates a case with a sealed decision reason, a
// reconsideration with sealed grounds, a consent and a referral with a
// sealed reason, and a correction with a reason: four versions.
func mechanismCase(t *testing.T, db *sqlstore.DB, ref string) *nrm.Case {
	t.Helper()
	for _, o := range []string{"CMM", "US"} {
		if err := db.UpsertOrganisation(admin, &nrm.Organisation{Code: o, NameDA: o, NameEN: o, Kind: "authority"}); err != nil {
			t.Fatal(err)
		}
	}
	c := closedCase(ref)
	c.Assessments[0].Reasons = plantedReasons
	c.Assessments = append(c.Assessments, nrm.Assessment{ID: 9, Date: nrm.MustDate("2011-02-05"), Authority: nrm.AuthorityUS,
		Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal, Reasons: "earlier decision"})
	c.Reconsiderations = []nrm.Reconsideration{{AssessmentID: 9, RequestedOn: nrm.MustDate("2011-02-06"), Deadline: nrm.MustDate("2011-03-08"),
		Grounds: plantedGrounds}}
	if err := db.CreateCase(admin, c); err != nil {
		t.Fatal(err)
	}
	k := &nrm.Consent{Scopes: []nrm.ConsentScope{nrm.ConsentRefer}, GivenOn: nrm.MustDate("2011-02-01"), GivenBy: "the person"}
	if err := db.GiveConsent(admin, c.ID, k); err != nil {
		t.Fatal(err)
	}
	r := &nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "US", Date: nrm.MustDate("2011-02-02"), Reason: plantedReferral, ConsentID: k.ID}
	if err := db.Refer(admin, c.ID, r); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindCaseByID(admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Accommodations[0].Provider = "Corrected provider"
	if err := db.CorrectCase(admin, got, plantedCorrected); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCaseHistory(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("HIST-1")
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		v1 := must(db.FindCaseByID(admin, c.ID))(t)
		v1.Contacts = append(v1.Contacts, nrm.Contact{Date: nrm.MustDate("2011-03-01"), Form: nrm.ContactOutreach})
		if err := db.UpdateCase(admin, v1); err != nil {
			t.Fatal(err)
		}
		v2 := must(db.FindCaseByID(admin, c.ID))(t)
		v2.Contacts[1].Form = nrm.ContactNGO
		v2.Identifiers.Name = "Corrected Name"
		if err := db.CorrectCase(admin, v2, "form and name mistyped"); err != nil {
			t.Fatal(err)
		}
		hist, err := db.CaseHistory(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 3 {
			t.Fatalf("versions: %d", len(hist))
		}
		want := []struct {
			action, reason string
			contacts       int
			name           string
		}{
			{"case.create", "", 1, c.Identifiers.Name},
			{"case.update", "", 2, c.Identifiers.Name},
			{"case.correct", "form and name mistyped", 2, "Corrected Name"},
		}
		for i, w := range want {
			h := hist[i]
			if h.Version != i+1 || h.Action != w.action || h.Reason != w.reason || h.Username != "admin" || h.Case == nil ||
				len(h.Case.Contacts) != w.contacts || h.Case.Identifiers.Name != w.name || h.Case.Version != i+1 {
				t.Fatalf("version %d: %+v (case %+v)", i+1, h, h.Case)
			}
		}
		if !slices.Contains(hist[1].Fields, "contact (added)") {
			t.Fatalf("fields of version 2: %v", hist[1].Fields)
		}
		if f := hist[2].Fields; !slices.Contains(f, "contact.form") || !slices.Contains(f, "identifiers.name") {
			t.Fatalf("fields of version 3: %v", f)
		}
		// The case as it was: version 2's second contact still outreach.
		if hist[1].Case.Contacts[1].Form != nrm.ContactOutreach || hist[2].Case.Contacts[1].Form != nrm.ContactNGO {
			t.Fatal("the versions do not keep the case as it was")
		}
		// Seen only by those who see the case; reading it is audited.
		if _, err := db.CaseHistory(actorCtx(nrm.RoleCaseworker, "REDEN", ""), c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("another organisation read the history: %v", err)
		}
		if _, err := db.CaseHistory(actorCtx(nrm.RoleAnalyst, "CMM", ""), c.ID); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("an analyst read the history: %v", err)
		}
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'case.history'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("history reads audited: %d", n)
		}
		if all := auditText(t, db); strings.Contains(all, "Corrected Name") || strings.Contains(all, "mistyped") {
			t.Fatal("the audit log holds a corrected value or the reason")
		}
	})
}

func TestUpdateKeepsReferralsAndConsents(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := mechanismCase(t, db, "MECH-1")
		if len(c.Referrals) != 1 || len(c.Consents) != 1 || c.Referrals[0].Reason != plantedReferral || c.Consents[0].Scopes[0] != nrm.ConsentRefer {
			t.Fatalf("loaded: %+v %+v", c.Referrals, c.Consents)
		}
		got := must(db.FindCaseByID(admin, c.ID))(t)
		// An update that carries no referrals or consents, or altered ones,
		// leaves them as stored.
		got.Referrals = nil
		got.Consents = []nrm.Consent{{Scopes: []nrm.ConsentScope{nrm.ConsentStatistics}, GivenOn: nrm.MustDate("2011-02-01")}}
		got.Offers = append(got.Offers, nrm.Offer{Kind: "health_care", Offered: nrm.MustDate("2011-03-01")})
		if err := db.UpdateCase(admin, got); err != nil {
			t.Fatal(err)
		}
		if len(got.Referrals) != 1 || len(got.Consents) != 1 || got.Consents[0].Scopes[0] != nrm.ConsentRefer {
			t.Fatalf("after the update the case holds: %+v %+v", got.Referrals, got.Consents)
		}
		stored := must(db.FindCaseByID(admin, c.ID))(t)
		if len(stored.Referrals) != 1 || stored.Referrals[0].ID != c.Referrals[0].ID || len(stored.Consents) != 1 || stored.Consents[0].ID != c.Consents[0].ID {
			t.Fatalf("stored: %+v %+v", stored.Referrals, stored.Consents)
		}
		if stored.Assessments[0].Reasons != "earlier decision" || stored.Assessments[1].Reasons != plantedReasons ||
			stored.Reconsiderations[0].Grounds != plantedGrounds || stored.Reconsiderations[0].AssessmentID != stored.Assessments[0].ID {
			t.Fatalf("sealed text or links lost: %+v %+v", stored.Assessments, stored.Reconsiderations)
		}
	})
}

func TestSealedTextNotInDatabaseFile(t *testing.T) {
	dsn := sqltest.DSN(t, "sqlite")
	db := sqltest.MustOpenDSN(t, dsn)
	mechanismCase(t, db, "SEAL-1")
	if _, err := db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var dump []byte
	for _, suffix := range []string{"", "-wal", "-journal"} {
		if b, err := os.ReadFile(dsn + suffix); err == nil {
			dump = append(dump, b...)
		}
	}
	if !bytes.Contains(dump, []byte("SEAL-1")) || !bytes.Contains(dump, []byte("case.correct")) {
		t.Fatal("the file does not hold the case and its history: the test would prove nothing")
	}
	for _, s := range []string{"Plantedreasons", "Qxjv", "Plantedgrounds", "Wzkq", "Plantedcorrection", "Jkvx", "Plantedreferral", "Ypqz",
		"Blessing Okafor"} {
		if bytes.Contains(dump, []byte(s)) {
			t.Errorf("%q found in clear in the database file", s)
		}
	}
}

func TestRotateKeysResealsTextAndHistory(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			k1 := must(seal.NewKey("k1"))(t)
			k2 := must(seal.NewKey("k2"))(t)
			db := openWithRing(t, dsn, ring(t, k1))
			c := mechanismCase(t, db, "ROTX-1")
			if _, err := db.RotateKeys(secAdmin, ring(t, k2)); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				"SELECT COUNT(*) FROM assessments WHERE reasons IS NOT NULL AND reasons_key <> 'k2'",
				"SELECT COUNT(*) FROM reconsiderations WHERE grounds IS NOT NULL AND grounds_key <> 'k2'",
				"SELECT COUNT(*) FROM referrals WHERE reason IS NOT NULL AND reason_key <> 'k2'",
				"SELECT COUNT(*) FROM case_versions WHERE snapshot IS NOT NULL AND key_id <> 'k2'",
			} {
				var n int
				if err := db.SQL().QueryRow(q).Scan(&n); err != nil || n != 0 {
					t.Fatalf("%s: %d %v", q, n, err)
				}
			}
			var versions int
			if err := db.SQL().QueryRow("SELECT COUNT(*) FROM case_versions WHERE key_id = 'k2'").Scan(&versions); err != nil {
				t.Fatal(err)
			}
			if versions < 4 {
				t.Fatalf("versions re-sealed: %d", versions)
			}
			newOnly := openWithRing(t, dsn, ring(t, k2))
			got, err := newOnly.FindCaseByID(secAdmin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Assessments[1].Reasons != plantedReasons || got.Reconsiderations[0].Grounds != plantedGrounds || got.Referrals[0].Reason != plantedReferral {
				t.Fatalf("sealed text after rotation: %+v %+v %+v", got.Assessments, got.Reconsiderations, got.Referrals)
			}
			hist, err := newOnly.CaseHistory(secAdmin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := hist[len(hist)-1]
			if last.Reason != plantedCorrected || last.Case == nil || last.Case.Accommodations[0].Provider != "Corrected provider" {
				t.Fatalf("history after rotation: %+v", last)
			}
			oldOnly := openWithRing(t, dsn, ring(t, k1))
			if _, err := oldOnly.CaseHistory(secAdmin, c.ID); err == nil {
				t.Fatal("history opened with the old key after rotation")
			}
		})
	}
}

func TestRetentionPurgesSealedTextAndSnapshots(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		useClock(db)
		c := mechanismCase(t, db, "RETX-1")
		keep := newCase("RETX-KEEP")
		keep.Assessments[0].Reasons = "kept reasons"
		if err := db.CreateCase(secAdmin, keep); err != nil {
			t.Fatal(err)
		}
		stats := func() string {
			var b strings.Builder
			for _, y := range []int{2011, 2012} {
				s, err := db.Statistics(secAdmin, nrm.StatsQuery{Year: y})
				if err != nil {
					t.Fatal(err)
				}
				j := must(json.Marshal(s))(t)
				b.Write(j)
			}
			return b.String()
		}
		before := stats()
		var versions int
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM case_versions WHERE case_id = %d", c.ID)).Scan(&versions); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ApplyRetention(secAdmin, 5, nrm.MustDate("2021-03-02")); err != nil || n != 1 {
			t.Fatalf("purged %d: %v", n, err)
		}
		if stats() != before {
			t.Fatal("retention changed the statistics")
		}
		for _, q := range []string{
			"SELECT COUNT(*) FROM assessments WHERE case_id = %d AND (reasons IS NOT NULL OR reasons_key IS NOT NULL)",
			"SELECT COUNT(*) FROM reconsiderations WHERE case_id = %d AND (grounds IS NOT NULL OR grounds_key IS NOT NULL)",
			"SELECT COUNT(*) FROM referrals WHERE case_id = %d AND (reason IS NOT NULL OR reason_key IS NOT NULL)",
			"SELECT COUNT(*) FROM case_versions WHERE case_id = %d AND (snapshot IS NOT NULL OR key_id IS NOT NULL)",
		} {
			var n int
			if err := db.SQL().QueryRow(fmt.Sprintf(q, c.ID)).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%s: %d %v", q, n, err)
			}
		}
		hist, err := db.CaseHistory(secAdmin, c.ID)
		if err != nil || len(hist) != versions || versions < 4 {
			t.Fatalf("history after the purge: %d of %d versions, %v", len(hist), versions, err)
		}
		for _, h := range hist {
			if h.Case != nil || h.Reason != "" || h.Action == "" {
				t.Fatalf("a purged version still holds the case or the reason: %+v", h)
			}
		}
		// The case that was not purged keeps its sealed text.
		kept := must(db.FindCaseByID(secAdmin, keep.ID))(t)
		if kept.Assessments[0].Reasons != "kept reasons" {
			t.Fatal("retention purged another case's reasons")
		}
		if h := must(db.CaseHistory(secAdmin, keep.ID))(t); len(h) != 1 || h[0].Case == nil {
			t.Fatal("retention purged another case's history")
		}
	})
}
