package demo_test

// The demo loaded through `nrm demo` (cli.LoadDemo) on every engine: the
// whole record lands, and the referral mechanism decides who sees what —
// the authorities see the cases referred to and accepted by them, not the
// ones they returned; the first responders see their own.

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"nrm"
	nrmbundle "nrm/bundle"
	"nrm/cli"
	"nrm/demo"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func TestLoadedDemoAccess(t *testing.T) {
	m := loadMech(t)
	// Expected from the CSV files: the organisations that may see each
	// case (owner and accepted referrals), and each authority's queue.
	sees := map[string]map[string]bool{}
	queue := map[string][]string{}
	for _, c := range m.b.cases {
		set := map[string]bool{c.owner: true}
		for _, r := range m.referrals[c.ref] {
			if r.get("status") != "accepted" || r.get("access_revoked_on") != "" {
				continue
			}
			set[r.get("to_org")] = true
			if r.get("purpose") != "assessment" {
				continue
			}
			decided := false
			for _, a := range m.assessments[c.ref] {
				if a.get("stage") != "preliminary" && a.get("authority") == r.get("to_org") &&
					(a.get("outcome") == "identified" || a.get("outcome") == "not_identified") && a.get("date") >= r.get("date") {
					decided = true
				}
			}
			if !decided {
				queue[r.get("to_org")] = append(queue[r.get("to_org")], c.ref)
			}
		}
		sees[c.ref] = set
	}
	if len(queue["US"]) == 0 || len(queue["CMM"]) == 0 {
		t.Fatalf("queues %v: the demo should leave a case waiting at each authority", queue)
	}

	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if err := cli.LoadDemo(ctx, db, &cli.Env{Lang: "en", Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			t.Fatalf("load demo: %v", err)
		}
		sys := nrm.NewContextWithActor(ctx, nrm.SystemActor)
		as := func(username, org string, role nrm.Role, authority nrm.Authority) context.Context {
			u := &nrm.User{Username: username, DisplayName: username, Role: role, Org: org, Authority: authority}
			if err := db.CreateUser(sys, u, "a long demo passphrase 2011"); err != nil {
				t.Fatalf("create %s: %v", username, err)
			}
			return nrm.NewContextWithActor(ctx, u.Actor("test"))
		}
		us := as("us.test", "US", nrm.RoleAssessor, nrm.AuthorityUS)
		cmm := as("cmm.test", "CMM", nrm.RoleAssessor, nrm.AuthorityCMM)
		actors := map[string]context.Context{"US": us, "CMM": cmm,
			"RIGSPOLITIET": as("police.test", "RIGSPOLITIET", nrm.RoleCaseworker, ""),
			"LOKK":         as("lokk.test", "LOKK", nrm.RoleCaseworker, ""),
			"IOM":          as("iom.test", "IOM", nrm.RoleCaseworker, "")}

		// Each organisation's case list holds exactly the cases it owns or
		// accepted a referral of.
		for org, actx := range actors {
			want := 0
			for _, set := range sees {
				if set[org] {
					want++
				}
			}
			_, total, err := db.FindCases(actx, nrm.CaseFilter{Limit: 1})
			if err != nil || total != want {
				t.Errorf("%s sees %d cases (%v), want %d", org, total, err, want)
			}
		}

		// US sees every case it decided, with the whole record; the cases
		// it never accepted (CMM's, and the one it returned) it does not.
		decidedByUS := 0
		for _, c := range m.b.cases {
			got, err := db.FindCaseByRef(us, c.ref)
			if !sees[c.ref]["US"] {
				if nrm.ErrorCode(err) != nrm.ENOTFOUND {
					t.Errorf("%s: US reads a case it has no access to (%v)", c.ref, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: US cannot read the case it accepted: %v", c.ref, err)
				continue
			}
			if c.authority == "US" && c.outcome != "pending" {
				decidedByUS++
			}
			if got.OwnerOrg != c.owner || !slices.Contains(got.ReferralAccess(), "US") {
				t.Errorf("%s: owner %s, access %v", c.ref, got.OwnerOrg, got.ReferralAccess())
			}
			if len(got.Assessments) != len(m.assessments[c.ref]) || len(got.Contacts) != len(m.contacts[c.ref]) ||
				len(got.Referrals) != len(m.referrals[c.ref]) || len(got.Consents) != len(m.consents[c.ref]) ||
				len(got.Reconsiderations) != len(m.recons[c.ref]) {
				t.Errorf("%s: stored %d assessments, %d contacts, %d referrals, %d consents, %d reconsiderations; the bundle has %d, %d, %d, %d, %d",
					c.ref, len(got.Assessments), len(got.Contacts), len(got.Referrals), len(got.Consents), len(got.Reconsiderations),
					len(m.assessments[c.ref]), len(m.contacts[c.ref]), len(m.referrals[c.ref]), len(m.consents[c.ref]), len(m.recons[c.ref]))
			}
			for _, r := range got.Referrals {
				if r.ConsentID != 0 {
					if _, ok := got.ConsentByID(r.ConsentID); !ok {
						t.Errorf("%s: referral to %s rests on consent %d, not one of the case", c.ref, r.ToOrg, r.ConsentID)
					}
				} else if r.MunicipalityInformedOn.IsZero() || !got.MinorAt(r.Date) {
					t.Errorf("%s: referral to %s without consent, and not of a minor with the municipality informed", c.ref, r.ToOrg)
				}
			}
			if a, ok := got.FirstIdentified(); c.outcome == "identified" && (!ok || !a.Date.Time().Equal(c.assessed) || string(a.Authority) != c.authority) {
				t.Errorf("%s: first identification %v %s, cases.csv says %s", c.ref, a.Date, a.Authority, c.assessed)
			}
		}
		if decidedByUS < 200 {
			t.Errorf("US decided %d readable cases, want the 200 or so of its identifications", decidedByUS)
		}

		// The record is stored losslessly: an export writes the demo's
		// files back byte for byte.
		dir := t.TempDir()
		if _, err := nrmbundle.ExportPath(sys, db, nil, dir); err != nil {
			t.Fatalf("export: %v", err)
		}
		for _, name := range []string{"contacts.csv", "assessments.csv", "consents.csv", "referrals.csv",
			"reconsiderations.csv", "accommodations.csv", "exits.csv"} {
			want := must(fs.ReadFile(demo.Bundle, "bundle/"+name))(t)
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("exported %s differs from the demo's (%v)", name, err)
			}
		}

		// Each authority's queue: the accepted referrals still undecided.
		for au, actx := range map[nrm.Authority]context.Context{nrm.AuthorityUS: us, nrm.AuthorityCMM: cmm} {
			items, err := db.Queue(actx, au)
			if err != nil {
				t.Fatalf("queue %s: %v", au, err)
			}
			var refs []string
			for _, q := range items {
				refs = append(refs, q.CaseRef)
			}
			sort.Strings(refs)
			want := queue[string(au)]
			sort.Strings(want)
			if !slices.Equal(refs, want) {
				t.Errorf("%s queue %v, want %v", au, refs, want)
			}
		}
	})
}
