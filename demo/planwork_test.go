package demo_test

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/planio"
	"nrm/report"
	"nrm/sqlstore/sqltest"
)

// TestDemoPlanWork loads the demo plan, its outputs, funding and working
// groups into a database and checks what the report says of 2011.
func TestDemoPlanWork(t *testing.T) {
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	db := sqltest.MustOpenDB(t, "sqlite")
	read := func(name string) []byte {
		b, err := fs.ReadFile(demoplan.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plan, err := planio.ReadPlanYAML(bytes.NewReader(read("actionplan_2011_2014.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SavePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	f, err := planio.ReadOutputsYAML(bytes.NewReader(read("outputs_2011_2014.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportPlanWork(ctx, f.Plan, f.Outputs, f.Funding, true, true); err != nil {
		t.Fatal(planio.LocateImportError(err, append(f.OutputLines, f.FundingLines...)))
	}
	groups, err := planio.ReadWorkGroupsYAML(bytes.NewReader(read("workgroups.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if err := db.SaveWorkGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	outs, err := db.FindOutputs(ctx, plan.Code)
	if err != nil || len(outs) != len(f.Outputs) {
		t.Fatalf("outputs: %v %d", err, len(outs))
	}
	orgs, err := planio.ReadOrganisationsCSV(bytes.NewReader(read("organisations.csv")))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.Code] = o.NameDA
	}
	text := strings.Join(report.OutputSentences(outs, 2011, nrm.LangDA, names), " ")
	for _, want := range []string{
		"I 2011 kørte kampagnen ”Ud med bagmændene”",
		"I 2011 blev der offentliggjort tre undersøgelser",
		"I 2011 blev der gennemført fire studierejser",
		"fire studierejser: ”Studierejse til Nigeria”",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "ambassadeansatte") {
		t.Errorf("the embassy courses (none in 2011) appear in 2011: %s", text)
	}
	en := strings.Join(report.OutputSentences(outs, 2012, nrm.LangEN, nil), " ")
	if !strings.Contains(en, "In 2012, 2 international projects ran") && !strings.Contains(en, "In 2012, two international projects ran") {
		t.Errorf("2012 international projects missing:\n%s", en)
	}
	gs, err := db.FindWorkGroups(ctx)
	if err != nil || len(gs) != 4 {
		t.Fatalf("groups: %v %d", err, len(gs))
	}
}
