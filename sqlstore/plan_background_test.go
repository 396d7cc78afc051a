package sqlstore_test

import (
	"reflect"
	"testing"

	"nrm"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// TestPlanBackgroundRoundTrip: what the report's introduction and
// activity tables read from the plan — the background, the areas as the
// introduction words them, footnotes, the responsible bodies in English
// and the funding lines' English text and authority — is stored and read
// back unchanged, and saving without them clears them.
func TestPlanBackgroundRoundTrip(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		coord := actorCtx(nrm.RoleCoordinator, "LIGESTILLING", "")
		p := testPlan()
		p.Background = &nrm.PlanBackground{
			Coordinator: "LIGESTILLING", MinisterDA: "minister for ligestilling", MinisterEN: "the Minister for Gender Equality",
			History: []nrm.PlanHistory{{NameDA: "Handlingsplan mod kvindehandel 2002-2006", StartYear: 2002, EndYear: 2006,
				AnnexYear: 2005, AnnexDA: "et tillæg om børn", AnnexEN: "an annex on children"}},
			FundedByDA: "satspuljemidler", ChannelledTo: "CMM",
			Centre:     &nrm.CentreFounding{Org: "CMM", Year: 2007, TasksDA: "at koordinere samarbejdet"},
			ReportToDA: "satspuljeordførerne", EndEvaluation: true,
		}
		p.Areas[0].IntroDA, p.Areas[0].IntroEN = "Identificere ofre", "Identifying victims"
		p.Areas[0].Goals[0].Footnotes = []nrm.Footnote{{TextDA: "Mål-note", TextEN: "Goal note"}}
		act := &p.Areas[0].Goals[0].Activities[0]
		act.ResponsibleTextEN = "Danish Centre against Human Trafficking (CMM)"
		act.Footnotes = []nrm.Footnote{{TextDA: "Første note"}, {TextDA: "Anden note", TextEN: "Second note"}}
		p.Funding = append(p.Funding, nrm.FundingLine{Source: "politi", Org: "RIGSPOLITIET", TextEN: "police budget"})
		if err := db.SavePlan(coord, p); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPlan(coord, p.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Background, p.Background) {
			t.Errorf("background: got %+v, want %+v", got.Background, p.Background)
		}
		if a := got.Areas[0]; a.IntroDA != "Identificere ofre" || a.IntroEN != "Identifying victims" ||
			!reflect.DeepEqual(a.Goals[0].Footnotes, p.Areas[0].Goals[0].Footnotes) {
			t.Errorf("area: %+v", a)
		}
		ga := got.Areas[0].Goals[0].Activities[0]
		if ga.ResponsibleTextEN != act.ResponsibleTextEN || !reflect.DeepEqual(ga.Footnotes, act.Footnotes) {
			t.Errorf("activity: %+v", ga)
		}
		if !reflect.DeepEqual(got.Funding, p.Funding) {
			t.Errorf("funding: got %+v, want %+v", got.Funding, p.Funding)
		}
		if len(got.Areas[1].Goals[0].Activities[0].Footnotes) != 0 {
			t.Errorf("an activity without footnotes got some")
		}

		q := testPlan()
		if err := db.SavePlan(coord, q); err != nil {
			t.Fatal(err)
		}
		if got, err = db.FindPlan(coord, q.Code); err != nil {
			t.Fatal(err)
		}
		if got.Background != nil || got.Areas[0].IntroDA != "" || got.Areas[0].Goals[0].Activities[0].Footnotes != nil {
			t.Errorf("saving without the background kept it: %+v", got.Background)
		}
	})
}
