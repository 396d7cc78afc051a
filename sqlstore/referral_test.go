package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// refToday is the clock of the referral tests.
var refToday = nrm.MustDate("2024-06-01")

// refDB prepares db for the referral tests: a fixed clock and the
// organisations the referrals go between.
func refDB(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	db.Now = func() time.Time { return refToday.Time().Add(10 * time.Hour) }
	for _, o := range []nrm.Organisation{
		{Code: "US", NameDA: "Udlændingestyrelsen", NameEN: "Danish Immigration Service", Kind: "authority"},
		{Code: "CMM", NameDA: "Center mod Menneskehandel", NameEN: "Danish Centre against Human Trafficking", Kind: "authority"},
		{Code: "RIGSPOLITIET", NameDA: "Rigspolitiet", NameEN: "National Police", Kind: "police"},
		{Code: "REDEN", NameDA: "Reden International", NameEN: "Reden International", Kind: "ngo"},
		{Code: "LOKK", NameDA: "LOKK", NameEN: "LOKK", Kind: "ngo"},
	} {
		if err := db.UpsertOrganisation(admin, &o); err != nil {
			t.Fatal(err)
		}
	}
}

// police is a caseworker of the police, which owns the cases here.
var police = actorCtx(nrm.RoleCaseworker, "RIGSPOLITIET", "")

// refCase creates a case owned by the police with the given residence
// status and birth date, first met on 2024-01-10.
func refCase(t *testing.T, db *sqlstore.DB, ref string, rs nrm.ResidenceStatus, birth string) *nrm.Case {
	t.Helper()
	c := &nrm.Case{
		Ref: ref, OwnerOrg: "RIGSPOLITIET", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: rs,
		Identifiers: nrm.Identifiers{Name: "Grace Secret-" + ref, BirthDate: nrm.MustDate(birth)},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2024-01-10"), Form: nrm.ContactPolice, Org: "RIGSPOLITIET"}},
	}
	if err := db.CreateCase(police, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// consent records a consent to refer (and the given further scopes).
func consent(t *testing.T, db *sqlstore.DB, caseID int64, scopes ...nrm.ConsentScope) int64 {
	t.Helper()
	k := &nrm.Consent{Scopes: append([]nrm.ConsentScope{nrm.ConsentRefer}, scopes...), GivenOn: nrm.MustDate("2024-01-11"), GivenBy: "the person"}
	if err := db.GiveConsent(police, caseID, k); err != nil {
		t.Fatal(err)
	}
	return k.ID
}

// send refers a case from the police and fails the test on an error.
func send(t *testing.T, db *sqlstore.DB, caseID int64, r nrm.Referral) int64 {
	t.Helper()
	if r.Purpose == "" {
		r.Purpose = nrm.PurposeAssessment
	}
	if r.Reason == "" {
		r.Reason = "Found working 16 hours a day in a restaurant cellar"
	}
	if err := db.Refer(police, caseID, &r); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || r.FromOrg != "RIGSPOLITIET" || r.Status != nrm.ReferralSent {
		t.Fatalf("referral after sending: %+v", r)
	}
	return r.ID
}

func fieldRules(err error) map[string]string {
	m := map[string]string{}
	for _, f := range nrm.FieldErrors(err) {
		m[f.Field] = f.Rule
	}
	return m
}

// refState is what a refused operation must leave alone.
type refState struct {
	versions, referrals, consents, shares, history int
	detail                                         string // every referral's status and access
}

func stateOf(t *testing.T, db *sqlstore.DB) refState {
	t.Helper()
	var s refState
	for _, q := range []struct {
		sql string
		n   *int
	}{
		{"SELECT COALESCE(SUM(version), 0) FROM cases", &s.versions},
		{"SELECT COUNT(*) FROM referrals", &s.referrals},
		{"SELECT COUNT(*) FROM consents", &s.consents},
		{"SELECT COUNT(*) FROM case_shares", &s.shares},
		{"SELECT COUNT(*) FROM case_versions", &s.history},
	} {
		if err := db.SQL().QueryRow(q.sql).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.SQL().Query("SELECT id, status, COALESCE(CAST(status_on AS TEXT), ''), COALESCE(CAST(access_revoked_on AS TEXT), '') FROM referrals ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var st, on, rev string
		if err := rows.Scan(&id, &st, &on, &rev); err != nil {
			t.Fatal(err)
		}
		s.detail += fmt.Sprintf("%d %s %s %s;", id, st, on, rev)
	}
	return s
}

// refused checks that err has the code wanted and that nothing changed.
func refused(t *testing.T, db *sqlstore.DB, before refState, err error, code string) {
	t.Helper()
	if nrm.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if after := stateOf(t, db); after != before {
		t.Fatalf("a refused operation changed the database: %+v → %+v", before, after)
	}
}

func TestReferralRouting(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		legal := refCase(t, db, "R-LEGAL", nrm.ResidenceLegal, "1990-03-01")
		asylum := refCase(t, db, "R-ASYLUM", nrm.ResidenceAsylumSeeker, "1990-03-01")
		kl, ka := consent(t, db, legal.ID), consent(t, db, asylum.ID)

		// Legal stay: CMM; US only with a reason.
		before := stateOf(t, db)
		err := db.Refer(police, legal.ID, &nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "US", Date: nrm.MustDate("2024-02-01"), Reason: "x", ConsentID: kl})
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["referral_to"] != nrm.RuleAuthorityMismatch {
			t.Fatalf("legal stay to US: %v", err)
		}
		send(t, db, legal.ID, nrm.Referral{ToOrg: "CMM", Date: nrm.MustDate("2024-02-01"), ConsentID: kl})

		// Asylum seeker: US; CMM refused without a reason, accepted with.
		send(t, db, asylum.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-02-01"), ConsentID: ka})
		before = stateOf(t, db)
		err = db.Refer(police, asylum.ID, &nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "CMM", Date: nrm.MustDate("2024-02-02"), Reason: "x", ConsentID: ka})
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["referral_to"] != nrm.RuleAuthorityMismatch {
			t.Fatalf("asylum seeker to CMM: %v", err)
		}
		send(t, db, asylum.ID, nrm.Referral{ToOrg: "CMM", Date: nrm.MustDate("2024-02-02"), ConsentID: ka, RouteReason: "Asylum case closed; permit pending"})

		// A second waiting referral to the same authority is refused.
		before = stateOf(t, db)
		err = db.Refer(police, asylum.ID, &nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "US", Date: nrm.MustDate("2024-02-03"), Reason: "again", ConsentID: ka})
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["referral_to"] != nrm.RuleDuplicate {
			t.Fatalf("second referral: %v", err)
		}

		// An assessment goes to a competent authority only; support to a
		// provider; every fault of the form in one answer, none of it
		// naming the reason.
		before = stateOf(t, db)
		err = db.Refer(police, legal.ID, &nrm.Referral{Purpose: "", ToOrg: "NOWHERE", Date: nrm.MustDate("2030-01-01"),
			Indicators: []nrm.Indicator{"debt_bondage", "moonlight"}})
		refused(t, db, before, err, nrm.EINVALID)
		got := fieldRules(err)
		for f, rule := range map[string]string{"referral_purpose": nrm.RuleOneOf, "referral_to": nrm.RuleUnknownReference,
			"referral_date": nrm.RuleRange, "referral_reason": nrm.RuleRequired, "indicators": nrm.RuleOneOf, "consent": nrm.RuleRequired} {
			if got[f] != rule {
				t.Errorf("field %s: rule %q, want %q (all: %v)", f, got[f], rule, got)
			}
		}
		for _, fe := range nrm.FieldErrors(err) {
			if fe.Message(nrm.LangDA) == fe.Message(nrm.LangEN) || strings.HasPrefix(fe.Message(nrm.LangDA), fe.Field) {
				t.Errorf("field error without a Danish label: %q", fe.Message(nrm.LangDA))
			}
		}
		err = db.Refer(police, legal.ID, &nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "REDEN", Date: nrm.MustDate("2024-02-01"), Reason: "x", ConsentID: kl})
		if fieldRules(err)["referral_to"] != nrm.RuleNotAllowed {
			t.Fatalf("assessment by an NGO: %v", err)
		}
		sid := send(t, db, legal.ID, nrm.Referral{Purpose: nrm.PurposeSupport, ToOrg: "REDEN", Date: nrm.MustDate("2024-02-01"), ConsentID: kl,
			Indicators: []nrm.Indicator{"debt_bondage", "documents_withheld"}})
		r, err := db.FindReferral(police, sid)
		if err != nil || r.Purpose != nrm.PurposeSupport || len(r.Indicators) != 2 || r.Reason == "" || r.CaseRef != "R-LEGAL" {
			t.Fatalf("support referral: %v %+v", err, r)
		}
		// The reason is sealed at rest.
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM referrals WHERE reason IS NOT NULL AND reason_key IS NOT NULL").Scan(&n); err != nil || n != 4 {
			t.Fatalf("sealed reasons: %d %v", n, err)
		}
		if audit := auditDump(t, db); strings.Contains(audit, "restaurant") || strings.Contains(audit, "Grace") {
			t.Fatal("the audit log holds free text about the person")
		}
	})
}

// auditDump returns the audit log's actions, entities and details.
func auditDump(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	rows, err := db.SQL().Query("SELECT action, entity, entity_id, detail FROM audit_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var a, e, id, d string
		if err := rows.Scan(&a, &e, &id, &d); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", a, e, id, d)
	}
	return b.String()
}

func TestReferralConsent(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		c := refCase(t, db, "R-1", nrm.ResidenceIrregular, "1990-03-01")
		r := nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "US", Date: nrm.MustDate("2024-02-01"), Reason: "x"}

		// No consent.
		before := stateOf(t, db)
		err := db.Refer(police, c.ID, &r)
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["consent"] != nrm.RuleRequired {
			t.Fatalf("no consent: %v", err)
		}
		// A consent for statistics only.
		stats := &nrm.Consent{Scopes: []nrm.ConsentScope{nrm.ConsentStatistics}, GivenOn: nrm.MustDate("2024-01-11")}
		if err := db.GiveConsent(police, c.ID, stats); err != nil {
			t.Fatal(err)
		}
		r.ConsentID = stats.ID
		before = stateOf(t, db)
		err = db.Refer(police, c.ID, &r)
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["consent"] != nrm.RuleNotAllowed {
			t.Fatalf("wrong scope: %v", err)
		}
		// Another case's consent.
		other := refCase(t, db, "R-2", nrm.ResidenceIrregular, "1990-03-01")
		r.ConsentID = consent(t, db, other.ID)
		if err := db.Refer(police, c.ID, &r); fieldRules(err)["consent"] != nrm.RuleUnknownReference {
			t.Fatalf("another case's consent: %v", err)
		}
		// A withdrawn consent.
		k := consent(t, db, c.ID)
		if err := db.WithdrawConsent(police, c.ID, k, nrm.MustDate("2024-01-20")); err != nil {
			t.Fatal(err)
		}
		r.ConsentID = k
		before = stateOf(t, db)
		err = db.Refer(police, c.ID, &r)
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["consent"] != nrm.RuleNotAllowed {
			t.Fatalf("withdrawn consent: %v", err)
		}
		// Withdrawing twice, or before it was given, is refused.
		refused(t, db, before, db.WithdrawConsent(police, c.ID, k, nrm.MustDate("2024-01-21")), nrm.ECONFLICT)
		k2 := consent(t, db, c.ID)
		before = stateOf(t, db)
		err = db.WithdrawConsent(police, c.ID, k2, nrm.MustDate("2024-01-01"))
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["consent_withdrawn_on"] != nrm.RuleDateOrder {
			t.Fatalf("withdrawn before given: %v", err)
		}
		refused(t, db, before, db.WithdrawConsent(police, c.ID, 999999, nrm.Date{}), nrm.ENOTFOUND)
		// A bad consent: every fault at once.
		err = db.GiveConsent(police, c.ID, &nrm.Consent{Scopes: []nrm.ConsentScope{"refer", "sell"}, ShareWith: []string{"NOBODY"}})
		refused(t, db, before, err, nrm.EINVALID)
		if got := fieldRules(err); got["consent_scope"] != nrm.RuleOneOf || got["consent_share_with"] == "" || got["consent_given_on"] != nrm.RuleRequired {
			t.Fatalf("bad consent: %v", got)
		}
		err = db.GiveConsent(police, c.ID, &nrm.Consent{Scopes: []nrm.ConsentScope{"share"}, ShareWith: []string{"NOBODY"}, GivenOn: nrm.MustDate("2024-01-11")})
		if fieldRules(err)["consent_share_with"] != nrm.RuleUnknownReference {
			t.Fatalf("sharing with an unknown organisation: %v", err)
		}
		// Another organisation cannot record a consent on the case.
		refused(t, db, before, db.GiveConsent(actorCtx(nrm.RoleCaseworker, "REDEN", ""), c.ID,
			&nrm.Consent{Scopes: []nrm.ConsentScope{"refer"}, GivenOn: nrm.MustDate("2024-01-11")}), nrm.ENOTFOUND)

		// A minor needs no consent, but the municipality must be informed.
		minor := refCase(t, db, "R-MINOR", nrm.ResidenceIrregular, "2010-05-01")
		mr := nrm.Referral{Purpose: nrm.PurposeAssessment, ToOrg: "US", Date: nrm.MustDate("2024-02-01"), Reason: "x"}
		before = stateOf(t, db)
		err = db.Refer(police, minor.ID, &mr)
		refused(t, db, before, err, nrm.EINVALID)
		if got := fieldRules(err); got["municipality_informed_on"] != nrm.RuleRequired || got["consent"] != "" {
			t.Fatalf("minor without municipality: %v", got)
		}
		send(t, db, minor.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-02-01"), Municipality: "Aarhus", MunicipalityInformedOn: nrm.MustDate("2024-02-01")})
		// The consent is on the case and in its history.
		got, err := db.FindCaseByID(police, c.ID)
		if err != nil || len(got.Consents) != 3 {
			t.Fatalf("consents on the case: %v %d", err, len(got.Consents))
		}
		h, err := db.CaseHistory(police, c.ID)
		if err != nil || h[len(h)-1].Action != "consent.give" {
			t.Fatalf("history: %v", err)
		}
	})
}

func TestReferralLifecycleAndAccess(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		c := refCase(t, db, "R-1", nrm.ResidenceIrregular, "1990-03-01")
		k := consent(t, db, c.ID)
		id := send(t, db, c.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-02-01"), ConsentID: k})
		usAssessor := actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS)
		usWorker := actorCtx(nrm.RoleCaseworker, "US", "")
		reden := actorCtx(nrm.RoleCaseworker, "REDEN", "")

		// Before acceptance the receiver sees the referral, not the case.
		if _, err := db.FindCaseByID(usWorker, c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("case seen before acceptance: %v", err)
		}
		if _, n := must2(db.FindCases(usWorker, nrm.CaseFilter{}))(t); n != 0 {
			t.Fatalf("case listed before acceptance: %d", n)
		}
		in, n, err := db.FindReferrals(usWorker, nrm.ReferralFilter{Direction: "in"})
		if err != nil || n != 1 || in[0].ID != id || in[0].Reason != "" || in[0].DaysWaiting != 121 || in[0].CaseRef != "R-1" {
			t.Fatalf("incoming: %v %d %+v", err, n, in)
		}
		if out, n := must2(db.FindReferrals(police, nrm.ReferralFilter{Direction: "out", Status: nrm.ReferralSent}))(t); n != 1 || out[0].ID != id {
			t.Fatalf("outgoing: %d", n)
		}
		if _, n := must2(db.FindReferrals(police, nrm.ReferralFilter{Direction: "in"}))(t); n != 0 {
			t.Fatalf("police received %d", n)
		}
		if _, n := must2(db.FindReferrals(reden, nrm.ReferralFilter{}))(t); n != 0 {
			t.Fatalf("a third organisation sees %d referrals", n)
		}

		// A third organisation, the sender (for accept/return), the
		// receiver (for withdraw) all get what a missing referral gets.
		before := stateOf(t, db)
		missing := db.AcceptReferral(usAssessor, 999999, nrm.Date{})
		refused(t, db, before, missing, nrm.ENOTFOUND)
		for _, e := range []error{
			db.AcceptReferral(reden, id, nrm.Date{}),
			db.AcceptReferral(police, id, nrm.Date{}),
			db.ReturnReferral(police, id, nrm.Date{}, "no"),
			db.WithdrawReferral(usAssessor, id, nrm.Date{}),
			db.RevokeReferralAccess(usAssessor, id, nrm.Date{}, "no"),
		} {
			refused(t, db, before, e, nrm.ENOTFOUND)
			if e.Error() != missing.Error() {
				t.Fatalf("refusal %q differs from a missing referral's %q", e, missing)
			}
		}
		if _, err := db.FindReferral(reden, id); err == nil || err.Error() != referralMissing(db) {
			t.Fatalf("third organisation reads the referral: %v", err)
		}
		refused(t, db, before, db.AcceptReferral(actorCtx(nrm.RoleCoordinator, "US", ""), id, nrm.Date{}), nrm.EFORBIDDEN)
		// The date cannot precede the referral nor lie ahead.
		err = db.AcceptReferral(usAssessor, id, nrm.MustDate("2024-01-01"))
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["date"] != nrm.RuleDateOrder {
			t.Fatalf("early acceptance: %v", err)
		}

		// The receiver accepts and gains access.
		if err := db.AcceptReferral(usAssessor, id, nrm.MustDate("2024-02-05")); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByID(usWorker, c.ID)
		if err != nil || got.Identifiers.Name == "" {
			t.Fatalf("receiver after acceptance: %v", err)
		}
		if list, n, err := db.FindCases(usWorker, nrm.CaseFilter{}); err != nil || n != 1 || list[0].ID != c.ID {
			t.Fatalf("receiver's list after acceptance: %v %d", err, n)
		}
		if ra := got.ReferralAccess(); len(ra) != 1 || ra[0] != "US" {
			t.Fatalf("referral access on the case page: %v", ra)
		}
		// …but may not change the shares.
		if err := db.CheckShareChange(usWorker, c.ID, []string{"LOKK"}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("receiver changing shares: %v", err)
		}
		if err := db.CheckShareChange(usWorker, c.ID, nil); err != nil {
			t.Fatalf("receiver keeping shares: %v", err)
		}
		one, err := db.FindReferral(usWorker, id)
		if err != nil || one.Status != nrm.ReferralAccepted || one.StatusOn != nrm.MustDate("2024-02-05") ||
			one.DaysWaiting != 4 || !strings.Contains(one.Reason, "restaurant") {
			t.Fatalf("accepted referral: %v %+v", err, one)
		}
		h, err := db.CaseHistory(police, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if last.Action != "referral.accept" || last.Version != got.Version || strings.Join(last.Fields, ",") != "referral.status" || last.Username != "assessor@US" {
			t.Fatalf("history after acceptance: %+v", last)
		}

		// Accepted is final for accept, return and withdraw.
		before = stateOf(t, db)
		refused(t, db, before, db.AcceptReferral(usAssessor, id, nrm.Date{}), nrm.ECONFLICT)
		refused(t, db, before, db.WithdrawReferral(police, id, nrm.Date{}), nrm.ECONFLICT)

		// The owner revokes the access, with a reason.
		err = db.RevokeReferralAccess(police, id, nrm.Date{}, "  ")
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["revoke_reason"] != nrm.RuleRequired {
			t.Fatalf("revoke without reason: %v", err)
		}
		if err := db.RevokeReferralAccess(police, id, nrm.Date{}, "Assessment handed to CMM"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCaseByID(usWorker, c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("receiver after revocation: %v", err)
		}
		if _, n := must2(db.FindCases(usWorker, nrm.CaseFilter{}))(t); n != 0 {
			t.Fatalf("receiver lists %d cases after revocation", n)
		}
		before = stateOf(t, db)
		refused(t, db, before, db.RevokeReferralAccess(police, id, nrm.Date{}, "again"), nrm.ECONFLICT)

		// Return, with a reason; withdraw by the sender.
		sup := send(t, db, c.ID, nrm.Referral{Purpose: nrm.PurposeSupport, ToOrg: "REDEN", Date: nrm.MustDate("2024-03-01"), ConsentID: k})
		before = stateOf(t, db)
		err = db.ReturnReferral(reden, sup, nrm.Date{}, "")
		refused(t, db, before, err, nrm.EINVALID)
		if fieldRules(err)["return_reason"] != nrm.RuleRequired {
			t.Fatalf("return without reason: %v", err)
		}
		if err := db.ReturnReferral(reden, sup, nrm.Date{}, "No place in the shelter"); err != nil {
			t.Fatal(err)
		}
		if r, err := db.FindReferral(police, sup); err != nil || r.Status != nrm.ReferralReturned || r.ReturnReason != "No place in the shelter" ||
			r.StatusOn != refToday || r.DaysWaiting != 92 {
			t.Fatalf("returned: %v %+v", err, r)
		}
		if _, err := db.FindCaseByID(reden, c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatal("a returned referral gave access")
		}
		sup2 := send(t, db, c.ID, nrm.Referral{Purpose: nrm.PurposeSupport, ToOrg: "LOKK", Date: nrm.MustDate("2024-03-02"), ConsentID: k})
		if err := db.WithdrawReferral(police, sup2, nrm.Date{}); err != nil {
			t.Fatal(err)
		}
		before = stateOf(t, db)
		refused(t, db, before, db.AcceptReferral(actorCtx(nrm.RoleCaseworker, "LOKK", ""), sup2, nrm.Date{}), nrm.ECONFLICT)

		// The audit names actions and ids, never the free text.
		audit := auditDump(t, db)
		for _, a := range []string{"referral.send referral", "referral.accept referral", "referral.revoke referral", "referral.return referral",
			"referral.withdraw referral", "consent.give case", "referral.list referral", "referral.read referral"} {
			if !strings.Contains(audit, a) {
				t.Errorf("audit lacks %q", a)
			}
		}
		for _, secret := range []string{"restaurant", "shelter", "handed", "Grace"} {
			if strings.Contains(audit, secret) {
				t.Errorf("audit holds %q", secret)
			}
		}
	})
}

// referralMissing is the error text of a referral that does not exist.
func referralMissing(db *sqlstore.DB) string {
	_, err := db.FindReferral(admin, 987654)
	return err.Error()
}

func TestConsentWithdrawalRevokesAccess(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		c := refCase(t, db, "R-1", nrm.ResidenceIrregular, "1990-03-01")
		k := &nrm.Consent{Scopes: []nrm.ConsentScope{"refer", "share", "statistics"}, ShareWith: []string{"reden"}, GivenOn: nrm.MustDate("2024-01-11")}
		if err := db.GiveConsent(police, c.ID, k); err != nil {
			t.Fatal(err)
		}
		if len(k.ShareWith) != 1 || k.ShareWith[0] != "REDEN" {
			t.Fatalf("share_with not normalised: %v", k.ShareWith)
		}
		// The owner shares the case with REDEN, as the consent allows,
		// and with LOKK on other grounds.
		cur, err := db.FindCaseByID(police, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.SharedWith = []string{"REDEN", "LOKK"}
		if err := db.UpdateCase(police, cur); err != nil {
			t.Fatal(err)
		}
		id := send(t, db, c.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-02-01"), ConsentID: k.ID})
		usAssessor := actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS)
		if err := db.AcceptReferral(usAssessor, id, nrm.Date{}); err != nil {
			t.Fatal(err)
		}
		open := send(t, db, c.ID, nrm.Referral{Purpose: nrm.PurposeSupport, ToOrg: "CMM", Date: nrm.MustDate("2024-02-02"), ConsentID: k.ID})
		// US decides; the decision stays after the consent is withdrawn.
		cur, err = db.FindCaseByID(usAssessor, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.Assessments = append(cur.Assessments, nrm.Assessment{Date: nrm.MustDate("2024-03-01"), Authority: nrm.AuthorityUS,
			Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal})
		if err := db.UpdateCase(usAssessor, cur); err != nil {
			t.Fatal(err)
		}

		if err := db.WithdrawConsent(police, c.ID, k.ID, nrm.MustDate("2024-04-01")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCaseByID(usAssessor, c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("US after consent withdrawal: %v", err)
		}
		if _, err := db.FindCaseByID(actorCtx(nrm.RoleCaseworker, "REDEN", ""), c.ID); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("REDEN after consent withdrawal: %v", err)
		}
		if _, err := db.FindCaseByID(actorCtx(nrm.RoleCaseworker, "LOKK", ""), c.ID); err != nil {
			t.Fatalf("LOKK's share was not the consent's: %v", err)
		}
		got, err := db.FindCaseByID(police, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.SharedWith) != 1 || got.SharedWith[0] != "LOKK" || len(got.Assessments) != 1 {
			t.Fatalf("after withdrawal: shares %v, assessments %d", got.SharedWith, len(got.Assessments))
		}
		for _, r := range got.Referrals {
			switch r.ID {
			case id:
				if r.Status != nrm.ReferralAccepted || r.AccessRevokedOn != nrm.MustDate("2024-04-01") || r.RevokeReason != "consent withdrawn" {
					t.Fatalf("accepted referral after withdrawal: %+v", r)
				}
			case open:
				if r.Status != nrm.ReferralWithdrawn || r.StatusOn != nrm.MustDate("2024-04-01") {
					t.Fatalf("open referral after withdrawal: %+v", r)
				}
			}
		}
		h, err := db.CaseHistory(police, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if last.Action != "consent.withdraw" || strings.Join(last.Fields, ",") != "consents,referrals,shared_with" {
			t.Fatalf("history of the withdrawal: %+v", last)
		}
		if !strings.Contains(auditDump(t, db), fmt.Sprintf("consent.withdraw case %d consent %d", c.ID, k.ID)) {
			t.Fatal("withdrawal not audited")
		}
	})
}

func TestQueues(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		usAssessor := actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS)
		// Four asylum seekers referred to US on different days, one
		// person with legal stay to CMM.
		var ids []int64
		var cases []*nrm.Case
		for i, d := range []string{"2024-03-01", "2024-02-01", "2024-04-01", "2024-05-01"} {
			c := refCase(t, db, fmt.Sprintf("Q-%d", i), nrm.ResidenceAsylumSeeker, "1990-03-01")
			cases = append(cases, c)
			ids = append(ids, send(t, db, c.ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate(d), ConsentID: consent(t, db, c.ID)}))
		}
		cmm := refCase(t, db, "Q-CMM", nrm.ResidenceLegal, "1990-03-01")
		send(t, db, cmm.ID, nrm.Referral{ToOrg: "CMM", Date: nrm.MustDate("2024-05-20"), ConsentID: consent(t, db, cmm.ID)})
		// A support referral is not in an authority's queue.
		send(t, db, cmm.ID, nrm.Referral{Purpose: nrm.PurposeSupport, ToOrg: "US", Date: nrm.MustDate("2024-01-20"), ConsentID: consent(t, db, cmm.ID)})

		// Q-1 (oldest) accepted, with a preliminary decision: waits.
		// Q-0 accepted and decided: leaves the queue. Q-3 returned.
		for _, i := range []int{0, 1} {
			if err := db.AcceptReferral(usAssessor, ids[i], nrm.Date{}); err != nil {
				t.Fatal(err)
			}
		}
		decide := func(c *nrm.Case, a nrm.Assessment) {
			t.Helper()
			cur, err := db.FindCaseByID(usAssessor, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur.Assessments = append(cur.Assessments, a)
			if err := db.UpdateCase(usAssessor, cur); err != nil {
				t.Fatal(err)
			}
		}
		decide(cases[1], nrm.Assessment{Date: nrm.MustDate("2024-05-10"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
			Stage: nrm.StagePreliminary, Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}})
		decide(cases[0], nrm.Assessment{Date: nrm.MustDate("2024-05-11"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal})
		if err := db.ReturnReferral(usAssessor, ids[3], nrm.Date{}, "Not ours"); err != nil {
			t.Fatal(err)
		}

		q, err := db.Queue(usAssessor, nrm.AuthorityUS)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range q {
			got = append(got, fmt.Sprintf("%s %s %s %d %s", it.CaseRef, it.ReferredOn, it.Status, it.DaysWaiting, it.Preliminary))
		}
		want := []string{"Q-1 2024-02-01 accepted 121 identified", "Q-2 2024-04-01 sent 61 "}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("US queue:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		sizes, err := db.QueueSizes(actorCtx(nrm.RoleCoordinator, "CMM", ""))
		if err != nil {
			t.Fatal(err)
		}
		wantSizes := []nrm.QueueSize{
			{Authority: nrm.AuthorityUS, Waiting: 1, Undecided: 1, OldestDays: 121, OldestSince: nrm.MustDate("2024-02-01")},
			{Authority: nrm.AuthorityCMM, Waiting: 1, OldestDays: 12, OldestSince: nrm.MustDate("2024-05-20")},
		}
		if fmt.Sprint(sizes) != fmt.Sprint(wantSizes) {
			t.Fatalf("sizes %+v, want %+v", sizes, wantSizes)
		}

		// Only the authority's assessors and administrators see a queue;
		// coordinators, assessors and administrators the sizes.
		if _, err := db.Queue(actorCtx(nrm.RoleAssessor, "CMM", nrm.AuthorityCMM), nrm.AuthorityUS); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("CMM assessor reads US queue: %v", err)
		}
		for _, ctx := range []context.Context{actorCtx(nrm.RoleCaseworker, "US", ""), actorCtx(nrm.RoleCoordinator, "US", "")} {
			if _, err := db.Queue(ctx, nrm.AuthorityUS); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("queue read by %v: %v", nrm.ActorFromContext(ctx).Role, err)
			}
		}
		if _, err := db.QueueSizes(actorCtx(nrm.RoleCaseworker, "US", "")); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("sizes read by a caseworker: %v", err)
		}
		if _, err := db.Queue(admin, "XX"); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("unknown authority: %v", err)
		}
		if q, err := db.Queue(admin, nrm.AuthorityCMM); err != nil || len(q) != 1 || q[0].CaseRef != "Q-CMM" {
			t.Fatalf("CMM queue for an administrator: %v %+v", err, q)
		}
		if empty, err := db.QueueSizes(admin); err != nil || len(empty) != 2 {
			t.Fatalf("sizes: %v", err)
		}
		if !strings.Contains(auditDump(t, db), "queue.read queue US") {
			t.Fatal("queue read not audited")
		}
		// After a re-referral the decided case may be referred again.
		send(t, db, cases[0].ID, nrm.Referral{ToOrg: "US", Date: nrm.MustDate("2024-05-30"), ConsentID: cases0Consent(t, db, cases[0].ID)})
	})
}

// cases0Consent returns the first consent of a case.
func cases0Consent(t *testing.T, db *sqlstore.DB, caseID int64) int64 {
	t.Helper()
	c, err := db.FindCaseByID(admin, caseID)
	if err != nil || len(c.Consents) == 0 {
		t.Fatalf("consents: %v", err)
	}
	return c.Consents[0].ID
}

func TestEmptyQueueSizes(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		refDB(t, db)
		sizes, err := db.QueueSizes(actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS))
		want := []nrm.QueueSize{{Authority: nrm.AuthorityUS}, {Authority: nrm.AuthorityCMM}}
		if err != nil || fmt.Sprint(sizes) != fmt.Sprint(want) {
			t.Fatalf("empty sizes: %v %+v", err, sizes)
		}
		q, err := db.Queue(actorCtx(nrm.RoleAssessor, "US", nrm.AuthorityUS), nrm.AuthorityUS)
		if err != nil || q == nil || len(q) != 0 {
			t.Fatalf("empty queue: %v %v", err, q)
		}
	})
}
