package report

import (
	"strings"
	"testing"

	"nrm"
)

func seedOutputs() []*nrm.Output {
	return []*nrm.Output{
		{Activity: "2.1.3", Kind: nrm.OutputTraining, TitleDA: "Kurser", Period: "2011", Audience: "sundhedspersonale", Events: 3, Participants: 60, Org: "CMM"},
		{Activity: "2.1.3", Kind: nrm.OutputTraining, TitleDA: "Kursus", Period: "2011-10", Audience: "sundhedspersonale", Events: 1, Participants: 25, Org: "CMM"},
		{Activity: "2.1.4", Kind: nrm.OutputTraining, TitleDA: "Kursus", Period: "2012", Audience: "politifolk", Events: 2, Org: "RIGSPOLITIET"},
		{Activity: "3.2.1", Kind: nrm.OutputCampaign, TitleDA: "Ud med bagmændene", TitleEN: "Out with the traffickers", Period: "2011-11", Until: "2012", Audience: "mænd 18–25 år", Org: "JM"},
		{Activity: "4.1.1", Kind: nrm.OutputStudy, TitleDA: "Tvangsarbejde i Danmark", Period: "2011", Org: "CMM"},
		{Activity: "4.1.1", Kind: nrm.OutputStudy, TitleDA: "Tvangsarbejde i landbruget", Period: "2011", Org: "CMM"},
		{Activity: "1.3.1", Kind: nrm.OutputPublication, TitleDA: "Pjece om børn", Period: "2012-02", Org: "CMM"},
		{Activity: "6.1.1", Kind: nrm.OutputInternational, TitleDA: "UNFPA Nigeria", Period: "2012", Until: "2014", AmountDKK: 5e6, Org: "UM"},
	}
}

func TestOutputSentences(t *testing.T) {
	names := map[string]string{"CMM": "Center mod Menneskehandel", "JM": "Justitsministeriet", "UM": "Udenrigsministeriet"}
	da := strings.Join(OutputSentences(seedOutputs(), 2011, nrm.LangDA, names), " ")
	for _, want := range []string{
		"I 2011 holdt Center mod Menneskehandel fire kurser for sundhedspersonale med i alt 85 deltagere.",
		"I 2011 kørte kampagnen ”Ud med bagmændene” (Justitsministeriet, november 2011, målgruppe: mænd 18–25 år).",
		"I 2011 blev der offentliggjort to undersøgelser: ”Tvangsarbejde i Danmark” (Center mod Menneskehandel) og ”Tvangsarbejde i landbruget” (Center mod Menneskehandel).",
	} {
		if !strings.Contains(da, want) {
			t.Errorf("missing %q in:\n%s", want, da)
		}
	}
	if strings.Contains(da, "politifolk") || strings.Contains(da, "UNFPA") || strings.Contains(da, "Pjece") {
		t.Errorf("2012 outputs in the 2011 text: %s", da)
	}
	en := strings.Join(OutputSentences(seedOutputs(), 2012, nrm.LangEN, nil), " ")
	for _, want := range []string{
		"In 2012, RIGSPOLITIET held two courses for politifolk.",
		"In 2012, the campaign “Out with the traffickers” (JM, November 2011, audience: mænd 18–25 år) ran.",
		"In 2012, “Pjece om børn” (CMM, February 2012) was published.",
		"The international project “UNFPA Nigeria” (UM, DKK 5 million, 2012–2014) ran in 2012.",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("missing %q in:\n%s", want, en)
		}
	}
	// An English body's name takes "the" in running text, a name of its
	// own does not.
	enNames := map[string]string{"CMM": "Danish Centre against Human Trafficking", "RIGSPOLITIET": "Danish National Police", "JM": "Reden International"}
	en11 := strings.Join(OutputSentences(seedOutputs(), 2011, nrm.LangEN, enNames), " ")
	en12 := strings.Join(OutputSentences(seedOutputs(), 2012, nrm.LangEN, enNames), " ")
	for _, want := range []string{
		"In 2011, the Danish Centre against Human Trafficking held four courses for sundhedspersonale with 85 participants in all.",
		"In 2012, the Danish National Police held two courses for politifolk.",
	} {
		if !strings.Contains(en11+" "+en12, want) {
			t.Errorf("missing %q in:\n%s\n%s", want, en11, en12)
		}
	}
	if strings.Contains(en11, "the Reden") {
		t.Errorf("\"the\" before a name of its own: %s", en11)
	}
	if got := OutputSentences(seedOutputs(), 2009, nrm.LangDA, nil); len(got) != 0 {
		t.Errorf("sentences for a year without outputs: %v", got)
	}
}
