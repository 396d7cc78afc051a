package planio_test

import (
	"bytes"
	"strings"
	"testing"

	"nrm"
	"nrm/planio"
)

func sampleOutputs() []*nrm.Output {
	return []*nrm.Output{
		{Activity: "2.1.3", Kind: nrm.OutputTraining, TitleDA: "Kurser for sundhedspersonale", Period: "2011", Audience: "sundhedspersonale",
			Events: 4, Participants: 80, Org: "CMM", TextEN: "Four courses."},
		{Activity: "3.1.1", Kind: nrm.OutputInternational, TitleDA: "=UNFPA Nigeria", Period: "2012", Until: "2014", Org: "UM",
			AmountDKK: 5e6, Link: "https://example.org/unfpa", Date: nrm.MustDate("2012-03-01")},
	}
}

func TestOutputsRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := planio.WriteOutputsCSV(&buf, sampleOutputs()); err != nil {
		t.Fatal(err)
	}
	got, err := planio.ReadOutputsCSV(&buf)
	if err != nil || len(got) != 2 {
		t.Fatalf("csv: %v %d", err, len(got))
	}
	if g := got[1]; g.TitleDA != "=UNFPA Nigeria" || g.AmountDKK != 5e6 || g.Until != "2014" || g.Date != nrm.MustDate("2012-03-01") || got[0].Participants != 80 {
		t.Fatalf("csv round trip: %+v", g)
	}
	buf.Reset()
	if err := planio.WriteOutputsYAML(&buf, &planio.OutputsFile{Plan: "P", Outputs: sampleOutputs(),
		Funding: []nrm.ActivityFunding{{Activity: "1.1.1", Year: 2012, Line: "satspulje", AllocatedDKK: 1e6, SpentDKK: 8e5}}}); err != nil {
		t.Fatal(err)
	}
	f, err := planio.ReadOutputsYAML(&buf)
	if err != nil || f.Plan != "P" || len(f.Outputs) != 2 || f.Outputs[0].Events != 4 || len(f.Funding) != 1 || f.Funding[0].SpentDKK != 8e5 {
		t.Fatalf("yaml: %v %+v", err, f)
	}
}

func TestOutputsCSVErrors(t *testing.T) {
	in := "activity,kind,title_da,period,participants,link,colour\n"
	if _, err := planio.ReadOutputsCSV(strings.NewReader(in)); !hasField(nrm.FieldErrors(err), "line 1, column 7", "colour") {
		t.Fatalf("unknown column: %v", err)
	}
	in = "activity,kind,title_da,period,participants,link\n" +
		"2.1.3,training,Kursus,2011,mange,\n" +
		"2.1.3,webinar,,2011-13,5,javascript:alert(1)\n"
	_, err := planio.ReadOutputsCSV(strings.NewReader(in))
	fe := nrm.FieldErrors(err)
	for _, want := range []string{"line 2, column participants", "line 3: output_kind", "line 3: title_da", "line 3: period", "line 3: link"} {
		found := false
		for _, f := range fe {
			found = found || f.Field == want
		}
		if !found {
			t.Errorf("no error for %s in %v", want, err)
		}
	}
	if len(fe) != 5 {
		t.Fatalf("want one error per fault, got %d: %v", len(fe), err)
	}
	y := "outputs:\n  - activity: 1.1.1\n    kind: training\n    title_da: x\n    period: \"2011\"\n    colour: red\n"
	if _, err := planio.ReadOutputsYAML(strings.NewReader(y)); nrm.ErrorCode(err) != nrm.EINVALID || !strings.Contains(nrm.FieldErrors(err)[0].Field, "line 6") {
		t.Fatalf("yaml unknown field: %v", err)
	}
	y = "outputs:\n  - activity: 1.1.1\n    kind: training\n    title_da: x\n    period: \"2011\"\n  - activity: 1.1.2\n    kind: study\n    period: \"2011\"\n"
	if _, err := planio.ReadOutputsYAML(strings.NewReader(y)); !hasField(nrm.FieldErrors(err), "line 6: title_da", "") {
		t.Fatalf("yaml invalid item: %v", err)
	}
}

func TestWorkGroupsYAML(t *testing.T) {
	gs := []*nrm.WorkGroup{{Code: "IMG", Kind: nrm.GroupInterMinisterial, NameDA: "Den tværministerielle arbejdsgruppe", Chair: "LIGESTILLING",
		Members: []string{"LIGESTILLING", "JM"}, Meetings: []nrm.GroupMeeting{{Date: nrm.MustDate("2012-02-01"), MinutesDA: "Status."}},
		Actions: []nrm.GroupAction{{TextDA: "Statusrapport.", Done: true}}}}
	var buf bytes.Buffer
	if err := planio.WriteWorkGroupsYAML(&buf, gs); err != nil {
		t.Fatal(err)
	}
	got, err := planio.ReadWorkGroupsYAML(&buf)
	if err != nil || len(got) != 1 || got[0].Meetings[0].Date != nrm.MustDate("2012-02-01") || !got[0].Actions[0].Done || len(got[0].Members) != 2 {
		t.Fatalf("round trip: %v %+v", err, got)
	}
	y := "groups:\n  - code: A\n    kind: thematic\n    name_da: A\n  - code: A\n    kind: reference\n    name_da: B\n"
	_, err = planio.ReadWorkGroupsYAML(strings.NewReader(y))
	if fe := nrm.FieldErrors(err); len(fe) != 2 || fe[0].Field != "line 5: group_kind" || fe[1].Field != "line 5: code" {
		t.Fatalf("errors: %v", err)
	}
}
