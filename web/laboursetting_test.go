package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nrm"
)

// The assessment form records the labour setting with forced labour and
// the case page shows it in both languages; a setting without forced
// labour is refused with the field's message and changes nothing.
func TestAssessmentLabourSetting(t *testing.T) {
	e := newTestEnv(t)
	c := e.newCase("DK-LS-1", nrm.ResidenceLegal)
	a := e.login("admin")
	base := fmt.Sprintf("/cases/%d", c.ID)
	tok := a.csrf(base)
	form := func(forms []string, setting string) url.Values {
		return url.Values{"csrf": {tok}, "version": {"1"}, "assessment_stage": {"final"}, "assessment_date": {"2011-03-01"},
			"assessment_authority": {"CMM"}, "assessment_outcome": {"identified"}, "exploitation": forms, "labour_sector": {"cleaning"},
			"labour_setting": {setting}}
	}
	bad := form([]string{"sexual"}, "offices_schools")
	bad.Set("labour_sector", "")
	res := a.post(base+"/assessments", bad)
	if res.StatusCode == http.StatusSeeOther || !strings.Contains(res.Body, htmlEscape("tom, medmindre udnyttelsesformen omfatter tvangsarbejde")) {
		t.Fatalf("setting without forced labour: %d", res.StatusCode)
	}
	if got := must(e.db.FindCaseByID(system, c.ID))(t); len(got.Assessments) != 0 || got.Version != 1 {
		t.Fatalf("the refused form changed the case: %+v", got.Assessments)
	}
	if res := a.post(base+"/assessments", form([]string{"forced_labour"}, "offices_schools")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assessment: %d\n%s", res.StatusCode, res.Body)
	}
	got := must(e.db.FindCaseByID(system, c.ID))(t)
	if len(got.Assessments) != 1 || got.Assessments[0].LabourSetting != "offices_schools" {
		t.Fatalf("assessment after the form: %+v", got.Assessments)
	}
	for lang, want := range map[string]string{"da": "Arbejdssted (tvangsarbejde): Kontorer og skoler", "en": "Forced-labour setting: Offices and schools"} {
		if page := a.get(base + "?lang=" + lang); !strings.Contains(page.Body, htmlEscape(want)) {
			t.Errorf("%s case page lacks %q", lang, want)
		}
	}
}
