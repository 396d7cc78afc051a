package sqlstore_test

import (
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// testPlan returns a small plan with two areas, three activities and one
// status entry.
func testPlan() *nrm.Plan {
	return &nrm.Plan{
		Code: "DK-2011-2014", NameDA: "Handlingsplan 2011-2014", NameEN: "Action plan 2011-2014",
		StartYear: 2011, EndYear: 2014, BudgetDKK: 85.6e6,
		Funding: []nrm.FundingLine{{Source: "satspuljemidler", TextDA: "85,6 mio. kr.", AmountDKK: 85.6e6}},
		Areas: []nrm.Area{
			{Number: 1, NameDA: "Ofre identificeres", NameEN: "Victims are identified", Goals: []nrm.Goal{
				{Code: "1.1", NameDA: "Opsøgende arbejde", Activities: []nrm.Activity{
					{Code: "1.1.1", TextDA: "Mødestederne videreudvikles.", Responsible: []string{"CMM"}, ResponsibleText: "Center Mod Menneskehandel (CMM)",
						Statuses: []nrm.StatusEntry{{Period: "2012-spring", State: "in_progress", TextDA: "Besøgstallet er stigende."}}},
					{Code: "1.1.2", TextDA: "Mobile sundhedstilbud fastholdes.", Responsible: []string{"CMM", "PRO_VEST"}},
				}},
			}},
			{Number: 5, NameDA: "Retsforfølgelse", Goals: []nrm.Goal{
				{Code: "5.1", NameDA: "Retsforfølgelse", Activities: []nrm.Activity{
					{Code: "5.1.1", TextDA: "Straffelovens § 262a ændres.", Responsible: []string{"JM"}},
				}},
			}},
		},
	}
}

func TestPlanRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		p := testPlan()
		if err := db.SavePlan(coord, p); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPlan(actorCtx(nrm.RoleAnalyst, "DST", ""), p.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameEN != p.NameEN || got.BudgetDKK != p.BudgetDKK || len(got.Funding) != 1 || len(got.Areas) != 2 ||
			got.Areas[1].Number != 5 || len(got.Areas[0].Goals[0].Activities) != 2 {
			t.Fatalf("plan not round-tripped: %+v", got)
		}
		a := got.Areas[0].Goals[0].Activities[1]
		if a.Code != "1.1.2" || len(a.Responsible) != 2 || a.Responsible[1] != "PRO_VEST" || len(a.Statuses) != 0 || a.ID == 0 {
			t.Fatalf("activity: %+v", a)
		}
		if s := got.Areas[0].Goals[0].Activities[0].Statuses; len(s) != 1 || s[0].State != "in_progress" || s[0].TextDA == "" {
			t.Fatalf("statuses: %+v", s)
		}

		// A status for a new period is added; the same period is replaced.
		if err := db.AddStatus(coord, p.Code, "1.1.1", nrm.StatusEntry{Period: "2013", State: "done", TextDA: "Gennemført.", Date: nrm.MustDate("2013-03-01")}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddStatus(coord, p.Code, "1.1.1", nrm.StatusEntry{Period: "2012-spring", State: "delayed", TextDA: "Forsinket."}); err != nil {
			t.Fatal(err)
		}
		got = must(db.FindPlan(coord, p.Code))(t)
		act := got.Areas[0].Goals[0].Activities[0]
		if len(act.Statuses) != 2 || act.Statuses[0].State != "delayed" || act.Statuses[0].Date.IsZero() {
			t.Fatalf("statuses after AddStatus: %+v", act.Statuses)
		}
		if s, _ := act.LatestStatus(""); s.Period != "2013" || s.State != "done" || s.Date != nrm.MustDate("2013-03-01") {
			t.Fatalf("latest: %+v", s)
		}

		// Replacing the plan replaces its children and keeps its id.
		p2 := testPlan()
		p2.Areas = p2.Areas[:1]
		p2.Funding = nil
		if err := db.SavePlan(nrm.NewContextWithActor(admin, nrm.SystemActor), p2); err != nil {
			t.Fatal(err)
		}
		plans, err := db.FindPlans(coord)
		if err != nil || len(plans) != 1 {
			t.Fatalf("plans: %v %d", err, len(plans))
		}
		if plans[0].ID != got.ID || len(plans[0].Areas) != 1 || len(plans[0].Funding) != 0 {
			t.Fatalf("replaced plan: %+v", plans[0])
		}

		// Both writes are in the audit log.
		entries, err := db.FindAudit(admin, sqlstore.AuditFilter{Entity: "activity"})
		if err != nil || len(entries) != 2 || entries[0].Username != "coordinator@LIGESTILLING" {
			t.Fatalf("audit: %v %+v", err, entries)
		}
		if entries := must(db.FindAudit(admin, sqlstore.AuditFilter{Entity: "plan"}))(t); len(entries) != 2 || entries[0].Action != "plan.create" || entries[1].Action != "plan.update" {
			t.Fatalf("plan audit: %+v", entries)
		}
	})
}

func TestPlanRulesAndRights(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		for _, role := range []nrm.Role{nrm.RoleAnalyst, nrm.RoleCaseworker, nrm.RoleAssessor, nrm.RoleAuditor} {
			ctx := actorCtx(role, "CMM", "")
			if err := db.SavePlan(ctx, testPlan()); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
				t.Fatalf("%s SavePlan: %v", role, err)
			}
		}
		if err := db.SavePlan(coord, testPlan()); err != nil {
			t.Fatal(err)
		}
		if err := db.AddStatus(actorCtx(nrm.RoleCaseworker, "CMM", ""), "DK-2011-2014", "1.1.1", nrm.StatusEntry{Period: "2013", State: "done", TextDA: "x"}); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("caseworker AddStatus: %v", err)
		}
		err := db.AddStatus(coord, "DK-2011-2014", "1.1.1", nrm.StatusEntry{Period: "spring", State: "finished"})
		if nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("bad status: %v", err)
		}
		rules := map[string]string{}
		for _, f := range nrm.FieldErrors(err) {
			rules[f.Field] = f.Rule
		}
		if rules["period"] != nrm.RuleFormat || rules["state"] != nrm.RuleOneOf || rules["text_da"] != nrm.RuleRequired {
			t.Fatalf("field errors: %+v", nrm.FieldErrors(err))
		}
		if err := db.AddStatus(coord, "DK-2011-2014", "9.9.9", nrm.StatusEntry{Period: "2013", State: "done", TextDA: "x"}); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("unknown activity: %v", err)
		}
		if _, err := db.FindPlan(coord, "NOPE"); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			t.Fatalf("unknown plan: %v", err)
		}
		bad := testPlan()
		bad.Areas[0].Goals[0].Activities[1].Code = "1.1.1"
		if err := db.SavePlan(coord, bad); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("duplicate activity code: %v", err)
		}
		// The refused writes changed nothing.
		p := must(db.FindPlan(coord, "DK-2011-2014"))(t)
		if len(p.Areas[0].Goals[0].Activities[0].Statuses) != 1 {
			t.Fatalf("refused writes changed the plan: %+v", p.Areas[0].Goals[0].Activities[0].Statuses)
		}
	})
}

func TestNetworkRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		national := &nrm.ReferenceGroup{Code: "NATIONAL", NameDA: "National referencegruppe", NameEN: "National reference group",
			Members: []nrm.GroupMember{{OrgCode: "CMM", State: true}, {OrgCode: "REDEN", State: false}}}
		north := &nrm.ReferenceGroup{Code: "NORD", NameDA: "Referencegruppe Nordjylland", Region: "Nordjylland", ParentCode: "NATIONAL",
			Members: []nrm.GroupMember{{NameDA: "Nordjyllands Politi", State: true}}}
		// A regional group needs its parent first.
		if err := db.SaveGroup(coord, north); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("group with unknown parent: %v", err)
		}
		for _, g := range []*nrm.ReferenceGroup{national, north} {
			if err := db.SaveGroup(coord, g); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SaveGroup(coord, &nrm.ReferenceGroup{Code: "OTHER", NameDA: "Anden national"}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("second national group: %v", err)
		}
		if err := db.SaveGroup(coord, &nrm.ReferenceGroup{Code: "SUB", NameDA: "Under nord", ParentCode: "NORD"}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("group under a regional group: %v", err)
		}
		if err := db.SaveGroup(actorCtx(nrm.RoleAnalyst, "DST", ""), national); nrm.ErrorCode(err) != nrm.EFORBIDDEN {
			t.Fatalf("analyst SaveGroup: %v", err)
		}
		// Replacing a group replaces its members.
		north.Members = append(north.Members, nrm.GroupMember{OrgCode: "PRO_VEST"})
		if err := db.SaveGroup(coord, north); err != nil {
			t.Fatal(err)
		}
		groups, err := db.FindGroups(actorCtx(nrm.RoleCaseworker, "CMM", ""))
		if err != nil || len(groups) != 2 || groups[0].Code != "NATIONAL" || len(groups[0].Members) != 2 || groups[0].Members[1].State ||
			len(groups[1].Members) != 2 || groups[1].Members[0].NameDA != "Nordjyllands Politi" || !groups[1].Members[0].State {
			t.Fatalf("groups: %v %+v", err, groups)
		}

		m := &nrm.Meeting{GroupCode: "NORD", Date: nrm.MustDate("2011-11-15"), TopicsDA: []string{"Menneskehandel med børn", "Tvangsarbejde"}}
		if err := db.AddMeeting(coord, m); err != nil || m.ID == 0 {
			t.Fatalf("AddMeeting: %v %d", err, m.ID)
		}
		if err := db.AddMeeting(coord, &nrm.Meeting{GroupCode: "NATIONAL", Date: nrm.MustDate("2011-06-01"), TopicsDA: []string{"Status"}, TopicsEN: []string{"Status"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMeeting(coord, &nrm.Meeting{GroupCode: "SYD", Date: nrm.MustDate("2011-06-01"), TopicsDA: []string{"x"}}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("meeting of unknown group: %v", err)
		}
		all, err := db.FindMeetings(coord, "")
		if err != nil || len(all) != 2 || all[0].GroupCode != "NATIONAL" || all[0].TopicsEN[0] != "Status" || all[1].TopicsEN != nil {
			t.Fatalf("meetings: %v %+v", err, all)
		}
		if ms := must(db.FindMeetings(coord, "NORD"))(t); len(ms) != 1 || len(ms[0].TopicsDA) != 2 || ms[0].Date != m.Date {
			t.Fatalf("meetings of NORD: %+v", ms)
		}

		svc := &nrm.OutreachService{Code: "MOEDESTEDET", NameDA: "Mødestedet", Kind: nrm.OutreachMeetingPlace, OrgCode: "CMM", Area: "København"}
		if err := db.SaveOutreachService(coord, svc); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveOutreachStat(coord, &nrm.OutreachStat{ServiceCode: "NOPE", Period: "2011", Visits: 1}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("stat of unknown service: %v", err)
		}
		if err := db.SaveOutreachStat(coord, &nrm.OutreachStat{ServiceCode: "MOEDESTEDET", Period: "2011-13", Visits: -1}); nrm.ErrorCode(err) != nrm.EINVALID {
			t.Fatalf("invalid stat: %v", err)
		}
		for _, s := range []nrm.OutreachStat{
			{ServiceCode: "MOEDESTEDET", Period: "2011", Visits: 100, Consultations: 10},
			{ServiceCode: "MOEDESTEDET", Period: "2010", Visits: 80, Consultations: 8},
			{ServiceCode: "MOEDESTEDET", Period: "2011", Visits: 120, Consultations: 12},
		} {
			if err := db.SaveOutreachStat(coord, &s); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := db.FindOutreachStats(coord, "MOEDESTEDET")
		if err != nil || len(stats) != 2 || stats[0].Period != "2010" || stats[1].Visits != 120 || stats[1].Consultations != 12 {
			t.Fatalf("stats: %v %+v", err, stats)
		}
		if svcs := must(db.FindOutreachServices(coord))(t); len(svcs) != 1 || svcs[0].Area != "København" {
			t.Fatalf("services: %+v", svcs)
		}
		if n, problems, err := db.VerifyAudit(admin); err != nil || len(problems) != 0 || n == 0 {
			t.Fatalf("audit chain: %d %v %v", n, problems, err)
		}
	})
}
