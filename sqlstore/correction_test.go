package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// closedCase is newCase with a stay ended by an exit on 2011-06-01.
func closedCase(ref string) *nrm.Case {
	c := newCase(ref)
	c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: "Shelter Qwzprov",
		Start: nrm.MustDate("2011-02-10"), End: nrm.MustDate("2011-06-01")}}
	c.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-06-01"), Kind: nrm.ExitPreparedReturn}}
	return c
}

// rules returns the rule of each field of err's field errors.
func rules(err error) map[string]string {
	m := map[string]string{}
	for _, f := range nrm.FieldErrors(err) {
		m[f.Field] = f.Rule
	}
	return m
}

// auditText returns every column of every audit entry as one string.
func auditText(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	rows, err := db.SQL().Query("SELECT * FROM audit_log")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := must(rows.Columns())(t)
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprint(&b, v, "|")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// lastAudit returns the latest audit entry of a change (not a read).
func lastAudit(t *testing.T, db *sqlstore.DB) (action, detail string) {
	t.Helper()
	if err := db.SQL().QueryRow("SELECT action, detail FROM audit_log WHERE action NOT LIKE '%read%' ORDER BY seq DESC LIMIT 1").Scan(&action, &detail); err != nil {
		t.Fatal(err)
	}
	return action, detail
}

func TestChildIDsStableAcrossUpdates(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := closedCase("ID-1")
		c.Assessments = append(c.Assessments, nrm.Assessment{ID: 77, Date: nrm.MustDate("2011-02-05"), Authority: nrm.AuthorityUS,
			Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal, Reasons: "first decision"})
		// A reconsideration links to its assessment by the id that
		// assessment carries in the new case; storage follows the link.
		c.Reconsiderations = []nrm.Reconsideration{{AssessmentID: 77, RequestedOn: nrm.MustDate("2011-02-06"),
			Deadline: nrm.MustDate("2011-03-08"), Grounds: "new information"}}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByID(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		negative := got.Assessments[0]
		if negative.Outcome != nrm.OutcomeNotIdentified {
			t.Fatalf("assessments: %+v", got.Assessments)
		}
		if len(got.Reconsiderations) != 1 || got.Reconsiderations[0].AssessmentID != negative.ID || got.Reconsiderations[0].Grounds != "new information" {
			t.Fatalf("reconsideration not linked to its assessment %d: %+v", negative.ID, got.Reconsiderations)
		}
		ids := func(c *nrm.Case) []int64 {
			var out []int64
			for _, x := range c.Contacts {
				out = append(out, x.ID)
			}
			for _, x := range c.Assessments {
				out = append(out, x.ID)
			}
			for _, x := range c.Accommodations {
				out = append(out, x.ID)
			}
			for _, x := range c.Exits {
				out = append(out, x.ID)
			}
			for _, x := range c.Reconsiderations {
				out = append(out, x.ID)
			}
			return out
		}
		before := ids(got)
		// An ordinary update (a new contact) keeps every id.
		got.Contacts = append(got.Contacts, nrm.Contact{Date: nrm.MustDate("2011-03-01"), Form: nrm.ContactOutreach})
		if err := db.UpdateCase(admin, got); err != nil {
			t.Fatal(err)
		}
		after := must(db.FindCaseByID(admin, c.ID))(t)
		if len(after.Contacts) != 2 || after.Contacts[0].ID != before[0] || after.Contacts[1].ID == 0 || after.Contacts[1].ID == before[0] {
			t.Fatalf("contacts after update: %+v (before %v)", after.Contacts, before)
		}
		if got := ids(after); !slices.Equal(append(got[:1:1], got[2:]...), before) {
			t.Fatalf("ids changed by an update: before %v, after %v", before, got)
		}
		if after.Reconsiderations[0].AssessmentID != negative.ID {
			t.Fatal("reconsideration lost its assessment")
		}
		// A correction voiding the added contact keeps the others' ids.
		after.Contacts = after.Contacts[:1]
		if err := db.CorrectCase(admin, after, "contact recorded twice"); err != nil {
			t.Fatal(err)
		}
		again := must(db.FindCaseByID(admin, c.ID))(t)
		if !slices.Equal(ids(again), before) {
			t.Fatalf("ids changed by a correction: before %v, after %v", before, ids(again))
		}

		// An id of another case's fact is no way to reach it: the child
		// gets a fresh id, and the other case is untouched.
		other := newCase("ID-2")
		if err := db.CreateCase(admin, other); err != nil {
			t.Fatal(err)
		}
		foreign := other.Contacts[0].ID
		again.Contacts = append(again.Contacts, nrm.Contact{ID: foreign, Date: nrm.MustDate("2011-04-01"), Form: nrm.ContactNGO})
		if err := db.UpdateCase(admin, again); err != nil {
			t.Fatal(err)
		}
		mine := must(db.FindCaseByID(admin, c.ID))(t)
		if len(mine.Contacts) != 2 || mine.Contacts[1].ID == foreign {
			t.Fatalf("a foreign id was taken over: %+v", mine.Contacts)
		}
		theirs := must(db.FindCaseByID(admin, other.ID))(t)
		if len(theirs.Contacts) != 1 || theirs.Contacts[0].ID != foreign || theirs.Contacts[0].Form != nrm.ContactPolice {
			t.Fatalf("the other case changed: %+v", theirs.Contacts)
		}
	})
}

func TestCorrectionNeedsReason(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := closedCase("COR-1")
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		got := must(db.FindCaseByID(admin, c.ID))(t)
		got.Accommodations[0].Provider = "Other Vbnprov"
		got.Nationality = "ng" // a second fault in the same form
		err := db.UpdateCase(admin, got)
		if nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("correction without a reason: %v", err)
		}
		if r := rules(err); r["reason"] != nrm.RuleRequired || r["nationality"] != nrm.RuleOneOf {
			t.Fatalf("want both faults in one answer: %+v", nrm.FieldErrors(err))
		}
		for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
			for _, f := range nrm.FieldErrors(err) {
				if f.Field == "reason" && strings.HasPrefix(f.Message(lang), "reason ") {
					t.Fatalf("the reason field has no label in %v: %s", lang, f.Message(lang))
				}
			}
		}
		got.Nationality = "NG"
		if err := db.CorrectCase(admin, got, "   "); nrm.ErrorCode(err) != nrm.EINVALID || rules(err)["reason"] != nrm.RuleRequired {
			t.Fatalf("blank reason: %v", err)
		}
		stored := must(db.FindCaseByID(admin, c.ID))(t)
		if stored.Version != 1 || stored.Accommodations[0].Provider != "Shelter Qwzprov" {
			t.Fatalf("a refused correction changed the case: v%d %q", stored.Version, stored.Accommodations[0].Provider)
		}

		const reason = "Provider mistyped Kjlreason"
		if err := db.CorrectCase(admin, got, reason); err != nil {
			t.Fatal(err)
		}
		stored = must(db.FindCaseByID(admin, c.ID))(t)
		if stored.Version != 2 || stored.Accommodations[0].Provider != "Other Vbnprov" {
			t.Fatalf("correction not stored: v%d %q", stored.Version, stored.Accommodations[0].Provider)
		}
		action, detail := lastAudit(t, db)
		if action != "case.correct" || !strings.Contains(detail, "accommodation.provider") || !strings.Contains(detail, "version 2") {
			t.Fatalf("audit: %q %q", action, detail)
		}
		all := auditText(t, db)
		for _, s := range []string{"Qwzprov", "Vbnprov", "Kjlreason"} {
			if strings.Contains(all, s) {
				t.Fatalf("the audit log holds a value or the reason (%s)", s)
			}
		}
		// Filling in an empty field and adding a fact need no reason.
		stored.Contacts[0].Place = "Aarhus"
		stored.Offers = append(stored.Offers, nrm.Offer{Kind: "health_care", Offered: nrm.MustDate("2011-03-01")})
		if err := db.UpdateCase(admin, stored); err != nil {
			t.Fatalf("ordinary update: %v", err)
		}
		if a, d := lastAudit(t, db); a != "case.update" || !strings.Contains(d, "offer") || strings.Contains(d, "Aarhus") {
			t.Fatalf("audit of an update: %q %q", a, d)
		}
	})
}

func TestVoidExitWithReason(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := closedCase("VOID-1")
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		open := false
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{Ref: "VOID-1", Open: &open}))(t); n != 1 {
			t.Fatal("fixture: the case should be closed")
		}
		got := must(db.FindCaseByID(admin, c.ID))(t)
		got.Exits = nil
		if err := db.UpdateCase(admin, got); nrm.ErrorCode(err) != nrm.EINVALID || rules(err)["reason"] != nrm.RuleRequired {
			t.Fatalf("void without reason: %v", err)
		}
		if err := db.CorrectCase(admin, got, "exit recorded on the wrong case"); err != nil {
			t.Fatal(err)
		}
		stored := must(db.FindCaseByID(admin, c.ID))(t)
		if len(stored.Exits) != 0 || stored.IsClosed() {
			t.Fatalf("exit not voided: %+v", stored.Exits)
		}
		open = true
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{Ref: "VOID-1", Open: &open}))(t); n != 1 {
			t.Fatal("closed_on not cleared by voiding the exit")
		}
		if a, d := lastAudit(t, db); a != "case.correct" || !strings.Contains(d, "exit (voided)") {
			t.Fatalf("audit: %q %q", a, d)
		}
	})
}

func TestClosedCaseRules(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := closedCase("CLOSED-1")
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		got := must(db.FindCaseByID(admin, c.ID))(t)
		stay := nrm.Accommodation{Kind: nrm.AccommodationPrivate, Start: nrm.MustDate("2011-07-01")}
		// A fact dated after the exit is refused.
		edit := *got
		edit.Accommodations = append(slices.Clone(got.Accommodations), stay)
		if err := db.UpdateCase(admin, &edit); nrm.ErrorCode(err) != nrm.EINVALID || rules(err)["start_date"] != nrm.RuleClosed {
			t.Fatalf("stay after the exit: %v", err)
		}
		// So is a second exit without a reopening.
		edit = *got
		edit.Exits = append(slices.Clone(got.Exits), nrm.Exit{Date: nrm.MustDate("2011-07-15"), Kind: nrm.ExitSelfReturn})
		if err := db.UpdateCase(admin, &edit); nrm.ErrorCode(err) != nrm.EINVALID || rules(err)["exit_date"] != nrm.RuleClosed {
			t.Fatalf("second exit: %v", err)
		}
		// A reopening without a reason is refused; with one, the stay
		// can be recorded and the case is open again.
		edit = *got
		edit.Reopenings = []nrm.Reopening{{Date: nrm.MustDate("2011-07-01")}}
		edit.Accommodations = append(slices.Clone(got.Accommodations), stay)
		if err := db.UpdateCase(admin, &edit); nrm.ErrorCode(err) != nrm.EINVALID || rules(err)["reopen_reason"] != nrm.RuleRequired {
			t.Fatalf("reopening without reason: %v", err)
		}
		edit.Reopenings[0].Reason = "the person came back"
		if err := db.UpdateCase(admin, &edit); err != nil {
			t.Fatalf("reopen and add a stay: %v", err)
		}
		open := true
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{Ref: "CLOSED-1", Open: &open}))(t); n != 1 {
			t.Fatal("a reopened case is not open")
		}
		reopened := must(db.FindCaseByID(admin, c.ID))(t)
		if len(reopened.Reopenings) != 1 || reopened.Reopenings[0].ID == 0 || reopened.Reopenings[0].Reason != "the person came back" {
			t.Fatalf("reopening not stored: %+v", reopened.Reopenings)
		}
		// A new exit that leaves the new stay open is refused until the
		// open stays are ended on its date.
		exit := nrm.Exit{Date: nrm.MustDate("2011-08-01"), Kind: nrm.ExitSelfReturn}
		reopened.Exits = append(reopened.Exits, exit)
		if err := db.UpdateCase(admin, reopened); nrm.ErrorCode(err) != nrm.EINVALID || rules(err)["exit_date"] != nrm.RuleOpenAfterExit {
			t.Fatalf("exit with an open stay: %v", err)
		}
		if n := reopened.EndOpenOn(exit.Date); n != 1 {
			t.Fatalf("EndOpenOn ended %d", n)
		}
		if err := db.UpdateCase(admin, reopened); err != nil {
			t.Fatalf("exit after ending the stay: %v", err)
		}
		open = false
		if list, n := must2(db.FindCases(admin, nrm.CaseFilter{Ref: "CLOSED-1", Open: &open}))(t); n != 1 || list[0].ClosedOn != exit.Date {
			t.Fatalf("closed again on %s: %d %+v", exit.Date, n, list)
		}
	})
}

func TestReconsiderationDecidedByItsAuthority(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("RECON-1")
		c.Assessments[0].Outcome, c.Assessments[0].Exploitation = nrm.OutcomeNotIdentified, nil
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		worker := actorCtx(nrm.RoleCaseworker, "CMM", "")
		got := must(db.FindCaseByID(worker, c.ID))(t)
		got.Reconsiderations = []nrm.Reconsideration{{AssessmentID: got.Assessments[0].ID, RequestedOn: nrm.MustDate("2011-03-01"),
			Deadline: nrm.MustDate("2011-03-31"), Grounds: "Plantedgrounds Wvy"}}
		if err := db.UpdateCase(worker, got); err != nil {
			t.Fatalf("caseworker records a request: %v", err)
		}
		got = must(db.FindCaseByID(worker, c.ID))(t)
		if len(got.Reconsiderations) != 1 || got.Reconsiderations[0].Grounds != "Plantedgrounds Wvy" {
			t.Fatalf("request: %+v", got.Reconsiderations)
		}
		got.Reconsiderations[0].Outcome = nrm.ReconsiderationUpheld
		got.Reconsiderations[0].DecidedOn = nrm.MustDate("2011-03-20")
		for _, ctx := range []context.Context{worker, actorCtx(nrm.RoleAssessor, "CMM", nrm.AuthorityCMM)} {
			if err := db.UpdateCase(ctx, got); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("a reconsideration decided by another than a US assessor: %v", err)
			}
		}
		us := actorCtx(nrm.RoleAssessor, "CMM", nrm.AuthorityUS)
		if err := db.UpdateCase(us, got); err != nil {
			t.Fatalf("US assessor decides: %v", err)
		}
		decided := must(db.FindCaseByID(admin, c.ID))(t)
		if decided.Reconsiderations[0].Outcome != nrm.ReconsiderationUpheld || decided.Reconsiderations[0].ID != got.Reconsiderations[0].ID {
			t.Fatalf("decision: %+v", decided.Reconsiderations)
		}
		// Voiding a decided reconsideration is a decision too.
		decided.Reconsiderations = nil
		if err := db.CorrectCase(worker, decided, "entered on the wrong case"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker voided a decision: %v", err)
		}
	})
}

func TestCreateCaseRefusesReferrals(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("REF-NEW")
		c.Consents = []nrm.Consent{{Scopes: []nrm.ConsentScope{nrm.ConsentRefer}, GivenOn: nrm.MustDate("2011-02-01")}}
		if err := db.CreateCase(admin, c); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("a new case with a consent: %v", err)
		}
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{}))(t); n != 0 {
			t.Fatal("the case was stored")
		}
	})
}

func TestPreliminaryDoesNotIdentify(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("PRE-1")
		c.Assessments[0].Stage = nrm.StagePreliminary
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{IdentifiedYear: 2011}))(t); n != 0 {
			t.Fatal("a preliminary assessment counted as an identification")
		}
		list, _ := must2(db.FindCases(admin, nrm.CaseFilter{Ref: "PRE-1"}))(t)
		if list[0].LatestOutcome != nrm.OutcomeIdentified {
			t.Fatalf("latest outcome without a final decision: %q", list[0].LatestOutcome)
		}
		// A final decision gives the latest outcome, even when dated
		// before the preliminary one.
		got := must(db.FindCaseByID(admin, c.ID))(t)
		got.Assessments = append(got.Assessments, nrm.Assessment{Date: nrm.MustDate("2011-02-05"), Authority: nrm.AuthorityUS,
			Outcome: nrm.OutcomeNotIdentified, Stage: nrm.StageFinal})
		if err := db.UpdateCase(admin, got); err != nil {
			t.Fatal(err)
		}
		list, _ = must2(db.FindCases(admin, nrm.CaseFilter{Ref: "PRE-1"}))(t)
		if list[0].LatestOutcome != nrm.OutcomeNotIdentified || !list[0].IdentifiedOn.IsZero() {
			t.Fatalf("after the final decision: %+v", list[0])
		}
		got = must(db.FindCaseByID(admin, c.ID))(t)
		got.Assessments = append(got.Assessments, nrm.Assessment{Date: nrm.MustDate("2011-04-01"), Authority: nrm.AuthorityUS,
			Outcome: nrm.OutcomeIdentified, Stage: nrm.StageFinal, Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}})
		if err := db.UpdateCase(admin, got); err != nil {
			t.Fatal(err)
		}
		if list, n := must2(db.FindCases(admin, nrm.CaseFilter{IdentifiedYear: 2011}))(t); n != 1 || list[0].IdentifiedOn != nrm.MustDate("2011-04-01") {
			t.Fatalf("the final identification: %d %+v", n, list)
		}
	})
}
