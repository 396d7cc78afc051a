package report

import (
	"strings"
	"testing"

	"nrm"
)

func seedOutreach() ([]*nrm.OutreachService, []*nrm.OutreachStat) {
	services := []*nrm.OutreachService{
		{Code: "MOEDESTEDET", NameDA: "Mødestedet i Colbjørnsensgade", NameEN: "The meeting place (Mødestedet)", Kind: nrm.OutreachMeetingPlace},
		{Code: "PROVEST_DROPIN", NameDA: "Pro Vests drop-in center", NameEN: "Pro Vest drop-in centre", Kind: nrm.OutreachDropIn},
		{Code: "PROVEST_KLINIK", NameDA: "Pro Vests sundhedsklinik", Kind: nrm.OutreachHealthClinic},
		{Code: "MOBIL_AARHUS", NameDA: "det mobile sundhedstilbud i Aarhus", NameEN: "the mobile health service, Aarhus", Kind: nrm.OutreachMobileHealth},
	}
	stats := []*nrm.OutreachStat{
		{ServiceCode: "MOEDESTEDET", Period: "2009", Visits: 2800},
		{ServiceCode: "MOEDESTEDET", Period: "2010", Visits: 3120},
		{ServiceCode: "MOEDESTEDET", Period: "2011", Visits: 3540},
		{ServiceCode: "PROVEST_DROPIN", Period: "2010", Visits: 412},
		{ServiceCode: "PROVEST_DROPIN", Period: "2011", Visits: 438},
		{ServiceCode: "PROVEST_KLINIK", Period: "2010", Visits: 236},
		{ServiceCode: "PROVEST_KLINIK", Period: "2011", Visits: 240},
		// Aarhus: three quarters of 2011 only, none of 2010.
		{ServiceCode: "MOBIL_AARHUS", Period: "2011-Q1", Visits: 90},
		{ServiceCode: "MOBIL_AARHUS", Period: "2011-Q2", Visits: 95},
		{ServiceCode: "MOBIL_AARHUS", Period: "2011-Q3", Visits: 100},
	}
	return services, stats
}

func TestOutreachSentences(t *testing.T) {
	services, stats := seedOutreach()
	da := strings.Join(OutreachSentences(services, stats, 2011, nrm.LangDA), " ")
	for _, want := range []string{
		"Besøgstallet for Mødestedet i Colbjørnsensgade er fortsat stigende i forhold til 2010: 3.540 besøg i 2011 mod 3.120 i 2010 (+13 pct.).",
		"Besøgstallet for Pro Vests drop-in center er svagt stigende i forhold til 2010: 438 besøg i 2011 mod 412 i 2010 (+6 pct.).",
		"Besøgstallet for Pro Vests sundhedsklinik er stabilt i forhold til 2010: 240 besøg i 2011 mod 236 i 2010 (+2 pct.).",
		"Det mobile sundhedstilbud i Aarhus havde 285 besøg i 2011 (opgjort for en del af året).",
	} {
		if !strings.Contains(da, want) {
			t.Errorf("missing %q in:\n%s", want, da)
		}
	}
	// Fault: a total over services whose change is not all known would
	// compare unlike years.
	if strings.Contains(da, "I alt") {
		t.Errorf("a total with a partial year: %s", da)
	}
	en := strings.Join(OutreachSentences(services[:3], stats, 2011, nrm.LangEN), " ")
	for _, want := range []string{
		"Visits to the meeting place (Mødestedet) are still rising compared with 2010: 3,540 visits in 2011 against 3,120 in 2010 (+13%).",
		"Visits to Pro Vest drop-in centre are slightly rising compared with 2010: 438 visits in 2011 against 412 in 2010 (+6%).",
		"Visits to Pro Vests sundhedsklinik are stable compared with 2010",
		"In all, the three outreach services had 4,218 visits in 2011 against 3,768 in 2010.",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("missing %q in:\n%s", want, en)
		}
	}
	// 2010: Mødestedet rose against 2009 (no "still": 2009 has no trend);
	// the others have no year before.
	da10 := strings.Join(OutreachSentences(services, stats, 2010, nrm.LangDA), " ")
	if !strings.Contains(da10, "Besøgstallet for Mødestedet i Colbjørnsensgade er stigende i forhold til 2009") ||
		!strings.Contains(da10, "Pro Vests drop-in center havde 412 besøg i 2010.") || strings.Contains(da10, "fortsat") {
		t.Errorf("2010: %s", da10)
	}
	if got := OutreachSentences(services, stats, 2008, nrm.LangDA); len(got) != 0 {
		t.Errorf("sentences for a year without figures: %v", got)
	}
	// A falling service.
	fall := []*nrm.OutreachStat{{ServiceCode: "PROVEST_KLINIK", Period: "2010", Visits: 200}, {ServiceCode: "PROVEST_KLINIK", Period: "2011", Visits: 150}}
	if got := strings.Join(OutreachSentences(services, fall, 2011, nrm.LangDA), " "); !strings.Contains(got, "er faldende i forhold til 2010: 150 besøg i 2011 mod 200 i 2010 (-25 pct.)") {
		t.Errorf("falling: %s", got)
	}
}

// TestTrainingWithoutCounts: an output that does not count its courses
// gives no number (the seed: "CMM har i 2011 ... undervist
// sundhedspersonale"), and a mix of counted and uncounted ones "at least".
func TestTrainingWithoutCounts(t *testing.T) {
	outs := []*nrm.Output{
		{Activity: "1.1.4", Kind: nrm.OutputTraining, TitleDA: "Undervisning", Period: "2011", Until: "2012-Q1", Audience: "sundhedspersonale", Org: "CMM"},
		{Activity: "2.1.1", Kind: nrm.OutputTraining, TitleDA: "Kursus", Period: "2011", Audience: "politifolk", Org: "RIGSPOLITIET", Events: 2},
		{Activity: "2.1.1", Kind: nrm.OutputTraining, TitleDA: "Kursus", Period: "2011", Audience: "politifolk", Org: "RIGSPOLITIET"},
		{Activity: "2.1.2", Kind: nrm.OutputTraining, TitleDA: "Kursus", Period: "2011", Audience: "dommere"},
	}
	names := map[string]string{"CMM": "Center mod Menneskehandel"}
	da := strings.Join(OutputSentences(outs, 2011, nrm.LangDA, names), " ")
	for _, want := range []string{"I 2011 underviste Center mod Menneskehandel sundhedspersonale.", "I 2011 holdt RIGSPOLITIET mindst to kurser for politifolk.",
		"I 2011 blev der undervist dommere."} {
		if !strings.Contains(da, want) {
			t.Errorf("missing %q in:\n%s", want, da)
		}
	}
	if strings.Contains(da, "ét kursus") {
		t.Errorf("an uncounted course counted as one: %s", da)
	}
	en := strings.Join(OutputSentences(outs, 2011, nrm.LangEN, nil), " ")
	for _, want := range []string{"In 2011, CMM taught sundhedspersonale.", "In 2011, RIGSPOLITIET held at least two courses for politifolk.", "In 2011, dommere were taught."} {
		if !strings.Contains(en, want) {
			t.Errorf("missing %q in:\n%s", want, en)
		}
	}
}
