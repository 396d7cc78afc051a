package sqlstore_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

var admin = nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: "admin", Role: nrm.RoleAdmin, Org: "CMM"})

func actorCtx(role nrm.Role, org string, auth nrm.Authority) context.Context {
	return nrm.NewContextWithActor(context.Background(), &nrm.Actor{Username: string(role) + "@" + org, Role: role, Org: org, Authority: auth})
}

// newCase returns a valid identified case.
func newCase(ref string) *nrm.Case {
	return &nrm.Case{
		Ref: ref, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
		Identifiers: nrm.Identifiers{Name: "Blessing Okafor-" + ref, BirthDate: nrm.MustDate("1990-05-17"), Phone: "+4512345678"},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice, Org: "RIGSPOLITIET"}},
		Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
			Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}}},
	}
}

func TestCaseRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("DK-1")
		yes := true
		c.SharedWith = []string{"REDEN"}
		c.Offers = []nrm.Offer{{Kind: "crisis_shelter", Offered: nrm.MustDate("2011-02-10"), Accepted: &yes}}
		c.ReflectionPeriods = []nrm.ReflectionPeriod{{Start: nrm.MustDate("2011-02-10"), End: nrm.MustDate("2011-05-10")}}
		c.Accommodations = []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: "Reden", Start: nrm.MustDate("2011-02-10")}}
		c.Exits = []nrm.Exit{{Date: nrm.MustDate("2011-06-01"), Kind: nrm.ExitPreparedReturn}}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByRef(admin, "DK-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Identifiers.Name != c.Identifiers.Name || got.Identifiers.BirthDate != c.Identifiers.BirthDate {
			t.Fatalf("identifiers not round-tripped: %+v", got.Identifiers)
		}
		if len(got.Contacts) != 1 || len(got.Assessments) != 1 || got.Assessments[0].Exploitation[0] != nrm.ExploitationSexual ||
			len(got.Accommodations) != 1 || !got.Accommodations[0].End.IsZero() || len(got.Exits) != 1 || len(got.Offers) != 1 ||
			!*got.Offers[0].Accepted || len(got.ReflectionPeriods) != 1 || len(got.SharedWith) != 1 {
			t.Fatalf("children not round-tripped: %+v", got)
		}
		if got.Version != 1 {
			t.Fatalf("version = %d", got.Version)
		}
		// Optimistic versioning: a stale edit is refused.
		got.Exits = nil // voiding a fact is a correction: it needs a reason
		if err := db.CorrectCase(admin, got, "exit recorded by mistake"); err != nil {
			t.Fatal(err)
		}
		stale := *got
		stale.Version = 1
		if err := db.UpdateCase(admin, &stale); nrm.ErrorCode(err) != nrm.ECONFLICT {
			t.Fatalf("stale update: %v", err)
		}
		if err := db.CreateCase(admin, newCase("DK-1")); nrm.ErrorCode(err) != nrm.ECONFLICT {
			t.Fatalf("duplicate ref: %v", err)
		}
		list, total, err := db.FindCases(admin, nrm.CaseFilter{Search: "DK"})
		if err != nil || total != 1 || list[0].Ref != "DK-1" || list[0].ContactForm != nrm.ContactPolice {
			t.Fatalf("list: %v %d %+v", err, total, list)
		}
	})
}

func TestValidationRefusesAndStoresNothing(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("DK-2")
		c.Assessments[0].Authority = nrm.AuthorityCMM // irregular stay → US
		c.Exits = []nrm.Exit{{Date: nrm.MustDate("2010-01-01"), Kind: nrm.ExitSelfReturn}}
		err := db.CreateCase(admin, c)
		if nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("want invalid, got %v", err)
		}
		rules := map[string]string{}
		for _, f := range nrm.FieldErrors(err) {
			rules[f.Field] = f.Rule
		}
		if rules["assessment_authority"] != nrm.RuleAuthorityMismatch || rules["exit_date"] != nrm.RuleDateOrder {
			t.Fatalf("field errors: %+v", nrm.FieldErrors(err))
		}
		if _, n := must2(db.FindCases(admin, nrm.CaseFilter{}))(t); n != 0 {
			t.Fatalf("invalid case stored")
		}
		// The same mismatch with a recorded reason is accepted.
		c = newCase("DK-2")
		c.Assessments[0].Authority = nrm.AuthorityCMM
		c.Assessments[0].OverrideReason = "Referred by CMM during transfer of responsibility"
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOrganisationScope(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c := newCase("DK-3")
		c.SharedWith = []string{"REDEN"}
		if err := db.CreateCase(admin, c); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCaseByRef(actorCtx(nrm.RoleCaseworker, "REDEN", ""), "DK-3"); err != nil {
			t.Fatalf("shared org cannot read: %v", err)
		}
		_, errOther := db.FindCaseByRef(actorCtx(nrm.RoleCaseworker, "PRO_VEST", ""), "DK-3")
		_, errMissing := db.FindCaseByRef(actorCtx(nrm.RoleCaseworker, "PRO_VEST", ""), "DK-404")
		if nrm.ErrorCode(errOther) != nrm.ENOTFOUND || errOther.Error() != errMissing.Error() {
			t.Fatalf("other org: %v / missing: %v", errOther, errMissing)
		}
		if _, err := db.FindCaseByRef(actorCtx(nrm.RoleAnalyst, "CMM", ""), "DK-3"); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("analyst read a case: %v", err)
		}
		if _, _, err := db.FindCases(actorCtx(nrm.RoleCoordinator, "CMM", ""), nrm.CaseFilter{}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("coordinator listed cases: %v", err)
		}
		if list, _ := must2(db.FindCases(actorCtx(nrm.RoleCaseworker, "PRO_VEST", ""), nrm.CaseFilter{}))(t); len(list) != 0 {
			t.Fatalf("other org listed %d cases", len(list))
		}
		// An assessor decides only for their own authority.
		got := must(db.FindCaseByRef(admin, "DK-3"))(t)
		got.Assessments = append(got.Assessments, nrm.Assessment{Date: nrm.MustDate("2011-03-01"), Authority: nrm.AuthorityUS,
			Outcome: nrm.OutcomeIdentified, Exploitation: []nrm.ExploitationForm{nrm.ExploitationForcedLabour}})
		if err := db.UpdateCase(actorCtx(nrm.RoleAssessor, "CMM", nrm.AuthorityCMM), got); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("CMM assessor decided for US: %v", err)
		}
		if err := db.UpdateCase(actorCtx(nrm.RoleAssessor, "CMM", nrm.AuthorityUS), got); err != nil {
			t.Fatalf("US assessor in owning org: %v", err)
		}
		// Only the owner changes whom a case is shared with.
		shared := must(db.FindCaseByRef(actorCtx(nrm.RoleCaseworker, "REDEN", ""), "DK-3"))(t)
		shared.SharedWith = append(shared.SharedWith, "RIGSPOLITIET")
		if err := db.UpdateCase(actorCtx(nrm.RoleCaseworker, "REDEN", ""), shared); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("a shared-with organisation widened the sharing: %v", err)
		}
	})
}

func TestIdentifiersEncryptedAtRest(t *testing.T) {
	dsn := sqltest.DSN(t, "sqlite")
	db := sqltest.MustOpenDSN(t, dsn)
	c := newCase("DK-4")
	c.Identifiers.Name = "Planted Victimname Zxq"
	if err := db.CreateCase(admin, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, f := range []string{dsn, dsn + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte("Victimname")) || bytes.Contains(b, []byte("1990-05-17")) || bytes.Contains(b, []byte("+4512345678")) {
			t.Fatalf("%s contains an identifier in plain text", f)
		}
	}
}

func TestConcurrentWritersLoseNoUpdate(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.CreateCase(admin, newCase("DK-5")); err != nil {
			t.Fatal(err)
		}
		// 100 writers each add one exit-free contact, retrying on conflict.
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for i := 0; i < 100; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for {
					c, err := db.FindCaseByRef(admin, "DK-5")
					if err != nil {
						errs <- err
						return
					}
					c.Contacts = append(c.Contacts, nrm.Contact{Date: nrm.MustDate("2011-03-01"), Form: nrm.ContactOutreach})
					err = db.UpdateCase(admin, c)
					if nrm.ErrorCode(err) == nrm.ECONFLICT {
						continue
					}
					if err != nil {
						errs <- err
					}
					return
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		c := must(db.FindCaseByRef(admin, "DK-5"))(t)
		if len(c.Contacts) != 101 || c.Version != 101 {
			t.Fatalf("contacts = %d, version = %d; want 101, 101", len(c.Contacts), c.Version)
		}
	})
}

func TestAuditChain(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.CreateCase(admin, newCase("DK-6")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCaseByRef(admin, "DK-6"); err != nil {
			t.Fatal(err)
		}
		n, problems, err := db.VerifyAudit(context.Background())
		if err != nil || n != 2 || len(problems) != 0 {
			t.Fatalf("verify: %d %v %v", n, problems, err)
		}
		entries := must(db.FindAudit(context.Background(), sqlstore.AuditFilter{Entity: "case"}))(t)
		if len(entries) != 2 || entries[0].Action != "case.create" || entries[1].Action != "case.read" || entries[1].Username != "admin" {
			t.Fatalf("entries: %+v", entries)
		}
		for _, role := range []nrm.Role{nrm.RoleAnalyst, nrm.RoleCoordinator, nrm.RoleCaseworker, nrm.RoleAssessor} {
			if _, err := db.FindAudit(actorCtx(role, "CMM", ""), sqlstore.AuditFilter{}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s read the audit log: %v", role, err)
			}
		}
		if _, _, err := db.VerifyAudit(actorCtx(nrm.RoleAuditor, "CMM", "")); err != nil {
			t.Fatalf("auditor cannot verify: %v", err)
		}
		if _, err := db.SQL().Exec("UPDATE audit_log SET detail = 'x'"); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("audit log accepted an update: %v", err)
		}
	})
}
