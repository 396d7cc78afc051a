package cli_test

import (
	"strings"
	"testing"

	"nrm"
)

// TestCaseAssessSetting records the coded forced-labour setting from the
// command line: an unknown code, or a setting without forced labour, is
// one error naming the field and what is accepted, in the user's
// language, and changes nothing.
func TestCaseAssessSetting(t *testing.T) {
	e := newCaseEnv(t)
	final := func(extra ...string) []string {
		return append([]string{"case", "assess", "CLI-C1", "--stage", "final", "--date", "2024-02-15", "--authority", "US",
			"--outcome", "identified"}, extra...)
	}
	faults := func(text string) int {
		n := 0
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "  ") {
				n++
			}
		}
		return n
	}

	bad := final("--form", "forced_labour", "--sector", "cleaning", "--setting", "basement")
	errOut := e.refused(bad...)
	wantLines(t, errOut, "The change was refused; nothing was saved.",
		`Forced-labour setting has an unknown value (value "basement"); expected: `+nrm.ExpectedCodes("labour_setting"))
	if n := faults(errOut); n != 1 {
		t.Errorf("%d faults for one bad setting:\n%s", n, errOut)
	}
	da, code := e.danish(bad...)
	if code != 1 {
		t.Fatalf("Danish: exit %d\n%s", code, da)
	}
	wantLines(t, da, "Ændringen er afvist; intet er gemt.", `Arbejdssted (tvangsarbejde) har en ukendt værdi (værdi "basement"); forventet: `)
	for _, s := range nrm.Codes("labour_setting") {
		wantLines(t, da, s+" ("+nrm.LabourSetting(s).Label(nrm.LangDA)+")")
	}
	if n := faults(da); n != 1 || strings.Contains(da, "Forced-labour") {
		t.Errorf("Danish: %d faults, or English words:\n%s", n, da)
	}
	if after := e.stored(); len(after.Assessments) != 0 {
		t.Fatalf("a refused decision was stored: %+v", after.Assessments)
	}

	// A setting belongs to forced labour only.
	errOut = e.refused(final("--form", "sexual", "--setting", "private_home")...)
	wantLines(t, errOut, "Forced-labour setting is not allowed here")
	if n := faults(errOut); n != 1 {
		t.Errorf("%d faults for a setting without forced labour:\n%s", n, errOut)
	}

	out := e.ok(final("--form", "forced_labour", "--sector", "cleaning", "--setting", " Offices_Schools ")...)
	if !strings.HasPrefix(out, "Assessment assessments:") {
		t.Fatalf("assess: %q", out)
	}
	c := e.stored()
	if len(c.Assessments) != 1 || c.Assessments[0].LabourSetting != "offices_schools" || c.Assessments[0].LabourSector != "cleaning" {
		t.Fatalf("stored: %+v", c.Assessments)
	}
	wantLines(t, e.ok("case", "show", "CLI-C1"), "; Cleaning; Offices and schools")
}
