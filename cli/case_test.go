package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/cli"
)

// caseEnv is a temporary SQLite database with one case in the mechanism.
type caseEnv struct {
	*secEnv
	ctx context.Context
}

func newCaseEnv(t *testing.T) *caseEnv {
	e := &caseEnv{secEnv: newSecEnv(t), ctx: nrm.NewContextWithActor(context.Background(), nrm.SystemActor)}
	e.ok("init") // creates the database and its key file
	db := e.open()
	for _, o := range []nrm.Organisation{
		{Code: "US", NameDA: "Udlændingestyrelsen", NameEN: "Danish Immigration Service", Kind: "authority"},
		{Code: "CMM", NameDA: "Center mod Menneskehandel", NameEN: "Centre against Human Trafficking", Kind: "authority"},
		{Code: "RIGSPOLITIET", NameDA: "Rigspolitiet", NameEN: "National Police", Kind: "police"},
	} {
		if err := db.UpsertOrganisation(e.ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	c := &nrm.Case{Ref: "CLI-C1", OwnerOrg: "RIGSPOLITIET", Gender: nrm.GenderMale, Nationality: "VN", ResidenceStatus: nrm.ResidenceIrregular,
		Identifiers: nrm.Identifiers{Name: "Hidden Person", BirthDate: nrm.MustDate("1995-04-02")},
		Contacts: []nrm.Contact{{Date: nrm.MustDate("2024-01-10"), Form: nrm.ContactPolice, Org: "RIGSPOLITIET"},
			{Date: nrm.MustDate("2024-01-15"), Form: nrm.ContactOutreach}},
		ReflectionPeriods: []nrm.ReflectionPeriod{{Start: nrm.MustDate("2024-01-12"), End: nrm.MustDate("2024-04-20")}},
		Accommodations:    []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: "Reden", Start: nrm.MustDate("2024-01-12")}},
	}
	if err := db.CreateCase(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return e
}

// stored reads the case directly from the database.
func (e *caseEnv) stored() *nrm.Case {
	e.t.Helper()
	db := e.open()
	defer db.Close()
	c, err := db.FindCaseByRef(e.ctx, "CLI-C1")
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// refused runs a command that must fail without changing the case, and
// returns its error text.
func (e *caseEnv) refused(args ...string) string {
	e.t.Helper()
	before := e.stored()
	out, errOut, code := e.nrm(args...)
	if code == 0 {
		e.t.Fatalf("nrm %s succeeded: %s", strings.Join(args, " "), out)
	}
	if after := e.stored(); after.Version != before.Version || fmt.Sprint(after) != fmt.Sprint(before) {
		e.t.Fatalf("nrm %s was refused but changed the case:\n%+v\n%+v", strings.Join(args, " "), before, after)
	}
	return errOut
}

// danish runs the command line in Danish and returns stderr and the exit code.
func (e *caseEnv) danish(args ...string) (string, int) {
	var out, errOut bytes.Buffer
	code := cli.Execute(append([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "da"}, args...), &out, &errOut)
	return errOut.String(), code
}

func wantLines(t *testing.T, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(text, l) {
			t.Errorf("missing %q in:\n%s", l, text)
		}
	}
}

var factID = regexp.MustCompile(`(contacts|assessments|reflection_periods|accommodations|offers|exits|reopenings|reconsiderations):(\d+)`)

// ids returns the fact ids "kind:id" that show lists, in order.
func ids(show string) []string { return factID.FindAllString(show, -1) }

// TestCaseCommands carries a case through decisions, corrections, an
// exit and a reopening from the command line.
func TestCaseCommands(t *testing.T) {
	e := newCaseEnv(t)

	show := e.ok("case", "show", "CLI-C1")
	wantLines(t, show, "Case CLI-C1 (version 1)", "Residence status:", "Open", "Crisis shelter", "(ongoing)")
	if strings.Contains(show, "Hidden") || strings.Contains(show, "1995-04-02") || len(ids(show)) != 4 {
		t.Fatalf("show without identifiers:\n%s", show)
	}
	if s := e.ok("case", "show", "CLI-C1", "--identifiers"); !strings.Contains(s, "Hidden Person") || !strings.Contains(s, "1995-04-02") {
		t.Fatalf("show --identifiers:\n%s", s)
	}
	var asJSON nrm.Case
	if err := json.Unmarshal([]byte(e.ok("case", "show", "CLI-C1", "--json")), &asJSON); err != nil || !asJSON.Identifiers.IsZero() || len(asJSON.Contacts) != 2 {
		t.Fatalf("show --json: %v %+v", err, asJSON)
	}
	c := e.stored()
	secondContact := fmt.Sprintf("contacts:%d", c.Contacts[1].ID)

	// Every fault of the decision in one answer.
	errOut := e.refused("case", "assess", "CLI-C1", "--date", "2024-13-01", "--authority", "CMM", "--outcome", "identified")
	wantLines(t, errOut, "The change was refused; nothing was saved.", "Assessment date has an invalid format", "Assessment stage is required",
		"Assessing authority does not match the residence status", "Form of exploitation is required")
	if strings.Contains(errOut, "Assessment date is required") {
		t.Errorf("a bad date is also reported missing:\n%s", errOut)
	}
	if da, code := e.danish("case", "assess", "CLI-C1", "--stage", "final", "--date", "2024-02-01", "--authority", "US", "--outcome", "maybe"); code != 1 ||
		!strings.Contains(da, "Ændringen er afvist; intet er gemt.") || !strings.Contains(da, "Vurdering har en ukendt værdi") {
		t.Fatalf("Danish decision error: %d\n%s", code, da)
	}

	out := e.ok("case", "assess", "CLI-C1", "--stage", "preliminary", "--date", "2024-01-20", "--authority", "us", "--outcome", "identified")
	if !regexp.MustCompile(`^Assessment assessments:\d+ \(Preliminary \(presumed victim\)\) recorded in case CLI-C1 \(version 2\)\.\n$`).MatchString(out) {
		t.Fatalf("preliminary: %q", out)
	}
	e.ok("case", "assess", "CLI-C1", "--stage", "final", "--date", "2024-02-15", "--authority", "US", "--outcome", "identified",
		"--form", "forced_labour", "--sector", "agriculture", "--reasons", "Credible and consistent account", "--notified", "2024-02-20")
	c = e.stored()
	if len(c.Assessments) != 2 || c.Assessments[0].Stage != nrm.StagePreliminary || c.Assessments[1].Stage != nrm.StageFinal ||
		c.Assessments[1].Reasons != "Credible and consistent account" || c.Assessments[1].NotifiedOn != nrm.MustDate("2024-02-20") {
		t.Fatalf("assessments: %+v", c.Assessments)
	}
	final := fmt.Sprintf("assessments:%d", c.Assessments[1].ID)
	if s := e.ok("case", "show", "CLI-C1"); !strings.Contains(s, final) || strings.Contains(s, "Credible") || !strings.Contains(s, "told 2024-02-20") {
		t.Fatalf("show after decisions:\n%s", s)
	}

	// A correction of a recorded value needs a reason; without one
	// nothing changes, in either language.
	errOut = e.refused("case", "correct", "CLI-C1", "--fact", final, "--set", "labour_sector=construction")
	wantLines(t, errOut, "Reason is required")
	if da, code := e.danish("case", "correct", "CLI-C1", "--fact", final, "--set", "labour_sector=construction"); code != 1 ||
		!strings.Contains(da, "Begrundelse skal udfyldes") {
		t.Fatalf("Danish reason error: %d\n%s", code, da)
	}
	// Unreadable assignments are all named at once, never echoing values.
	errOut = e.refused("case", "correct", "CLI-C1", "--reason", "x", "--set", "owner_org=US", "--set", "birth_year=ninety",
		"--set", "identifiers.birth_date=02/04/1995")
	wantLines(t, errOut, "Owning organisation is not allowed here", "Birth year has an invalid format", "Birth date has an invalid format")
	if strings.Contains(errOut, "ninety") || strings.Contains(errOut, "02/04/1995") {
		t.Errorf("values echoed:\n%s", errOut)
	}
	wantLines(t, e.refused("case", "correct", "CLI-C1", "--reason", "x", "--fact", "contacts:999999", "--set", "form=police"), "The case or fact was not found.")
	wantLines(t, e.refused("case", "correct", "CLI-C1", "--reason", "x", "--fact", "people:1", "--set", "form=police"), "Fact (kind:number) has an invalid format")
	wantLines(t, e.refused("case", "correct", "CLI-C1", "--reason", "x"), "Field change (field=value) is required")
	wantLines(t, e.refused("case", "correct", "CLI-C1", "--reason", "x", "--json", `{"gender":`), "JSON change has an invalid format")

	out = e.ok("case", "correct", "CLI-C1", "--fact", final, "--set", "labour_sector=construction", "--reason", "Sector misread in the decision letter")
	if out != "Case CLI-C1 corrected (version 4).\n" {
		t.Fatalf("correct: %q", out)
	}
	e.ok("case", "correct", "CLI-C1", "--json", `{"gender":"female","identifiers":{"phone":"+4511223344"}}`, "--reason", "Gender misrecorded at intake")
	c = e.stored()
	if c.Assessments[1].LabourSector != "construction" || c.Gender != nrm.GenderFemale || c.Identifiers.Phone != "+4511223344" || c.Identifiers.Name != "Hidden Person" {
		t.Fatalf("after corrections: %+v", c)
	}

	wantLines(t, e.refused("case", "void", "CLI-C1", "--fact", secondContact), "Reason is required")
	wantLines(t, e.refused("case", "void", "CLI-C1"), "Fact (kind:number) is required", "Reason is required")
	if out := e.ok("case", "void", "CLI-C1", "--fact", secondContact, "--reason", "Recorded on the wrong case"); out != secondContact+" voided in case CLI-C1 (version 6).\n" {
		t.Fatalf("void: %q", out)
	}
	if c = e.stored(); len(c.Contacts) != 1 {
		t.Fatalf("contacts after void: %+v", c.Contacts)
	}

	// An exit with a stay still open is refused until --end-open
	// confirms that it ends on the exit date.
	errOut = e.refused("case", "exit", "CLI-C1", "--date", "2024-03-01", "--kind", "self_return")
	wantLines(t, errOut, "Exit date leaves stays or reflection periods open after the exit", "Use --end-open to end them on the exit date.")
	wantLines(t, e.refused("case", "exit", "CLI-C1", "--date", "2024-03-01"), "Exit kind is required")
	e.ok("case", "exit", "CLI-C1", "--date", "2024-03-01", "--kind", "self_return", "--end-open")
	c = e.stored()
	if !c.IsClosed() || c.Accommodations[0].End != nrm.MustDate("2024-03-01") || c.ReflectionPeriods[0].End != nrm.MustDate("2024-03-01") {
		t.Fatalf("after exit: %+v", c)
	}
	// Closed: no facts after the exit, no second exit, until reopened.
	wantLines(t, e.refused("case", "add", "CLI-C1", "contacts", "--set", "date=2024-03-10", "--set", "form=police"),
		"Contact date falls after the case was closed (exit)")
	wantLines(t, e.refused("case", "exit", "CLI-C1", "--date", "2024-03-05", "--kind", "disappeared", "--end-open"),
		"Exit date falls after the case was closed (exit)")
	if da, code := e.danish("case", "add", "CLI-C1", "contacts", "--set", "date=2024-03-10", "--set", "form=police"); code != 1 ||
		!strings.Contains(da, "Kontaktdato ligger efter sagens afslutning (udtræden)") {
		t.Fatalf("Danish closed error: %d\n%s", code, da)
	}
	wantLines(t, e.refused("case", "reopen", "CLI-C1", "--date", "2024-02-01"), "Reopened on has an impossible date order", "Reason for reopening is required")
	e.ok("case", "reopen", "CLI-C1", "--date", "2024-03-08", "--reason", "Came back to the shelter")
	wantLines(t, e.refused("case", "reopen", "CLI-C1", "--date", "2024-03-09", "--reason", "again"), "Reopened on is not allowed here")
	out = e.ok("case", "add", "CLI-C1", "contacts", "--set", "date=2024-03-10", "--set", "form=police")
	if !regexp.MustCompile(`^contacts:\d+ added to case CLI-C1 \(version 9\)\.\n$`).MatchString(out) {
		t.Fatalf("add contact: %q", out)
	}
	if c = e.stored(); c.IsClosed() || len(c.Contacts) != 2 || len(c.Reopenings) != 1 {
		t.Fatalf("after reopening: %+v", c)
	}

	hist := e.ok("case", "history", "CLI-C1")
	lines := strings.Split(strings.TrimSpace(hist), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[0], "VERSION") {
		t.Fatalf("history:\n%s", hist)
	}
	for i, want := range []string{
		`^1 .* Created `,
		`^2 .* Added +Assessment \(added\) +-$`,
		`^4 .* Corrected +Assessment: Forced-labour sector +Sector misread in the decision letter$`,
		`^5 .* Corrected +Gender, Identifiers: Phone +Gender misrecorded at intake$`,
		`^6 .* Corrected +Contact \(voided\) +Recorded on the wrong case$`,
		`^7 .* Corrected +.*Exit \(added\) +Exit recorded: open stays and reflection periods ended on the exit date\.$`,
		`^8 .* Added +Reopening \(added\) +Came back to the shelter$`,
		`^9 .* Added +Contact \(added\) +-$`,
	} {
		if !regexp.MustCompile(`(?m)` + want).MatchString(hist) {
			t.Errorf("history line %d: no match for %s in\n%s", i, want, hist)
		}
	}
	var versions []nrm.CaseVersion
	if err := json.Unmarshal([]byte(e.ok("case", "history", "CLI-C1", "--json")), &versions); err != nil || len(versions) != 9 ||
		versions[3].Reason != "Sector misread in the decision letter" || versions[3].Case != nil {
		t.Fatalf("history --json: %v %+v", err, versions)
	}

	// The audit log names fields, never values or reasons.
	audit := e.ok("audit", "list")
	for _, secret := range []string{"Hidden", "+4511223344", "misread", "Credible", "Came back", "construction"} {
		if strings.Contains(audit, secret) {
			t.Errorf("audit holds %q:\n%s", secret, audit)
		}
	}
	wantLines(t, audit, "case.correct")
	e.ok("audit", "verify")
}

// TestCaseAddReconsiderationDefaultDeadline checks that a request for
// reconsideration added from the command line gets the default deadline.
func TestCaseAddReconsiderationDefaultDeadline(t *testing.T) {
	e := newCaseEnv(t)
	e.ok("case", "assess", "CLI-C1", "--stage", "final", "--date", "2024-02-15", "--authority", "US", "--outcome", "not_identified")
	c := e.stored()
	aid := c.Assessments[0].ID
	wantLines(t, e.refused("case", "add", "CLI-C1", "exits", "--set", "date=2024-03-01"), "Fact (kind:number) has an unknown value")
	wantLines(t, e.refused("case", "add", "CLI-C1", "reconsiderations", "--set", "requested_on=2024-03-01", "--set", "id=4"), "Number is not allowed here")
	e.ok("case", "add", "CLI-C1", "reconsiderations", "--json", fmt.Sprintf(`{"assessment_id":%d,"requested_on":"2024-03-01","grounds":"New evidence"}`, aid))
	c = e.stored()
	if len(c.Reconsiderations) != 1 || c.Reconsiderations[0].Deadline != nrm.MustDate("2024-03-31") || c.Reconsiderations[0].Grounds != "New evidence" {
		t.Fatalf("reconsideration: %+v", c.Reconsiderations)
	}
	if s := e.ok("case", "show", "CLI-C1"); !strings.Contains(s, "deadline 2024-03-31") || strings.Contains(s, "New evidence") {
		t.Fatalf("show:\n%s", s)
	}

	// The decision on it: a preliminary assessment cannot decide it, an
	// unknown reconsideration is refused (nothing stored); an
	// identification overturns the refusal and is linked as the new
	// assessment.
	rid := c.Reconsiderations[0].ID
	wantLines(t, e.refused("case", "assess", "CLI-C1", "--stage", "preliminary", "--date", "2024-03-20", "--authority", "US",
		"--outcome", "identified", "--reconsideration", fmt.Sprint(rid)), "Assessment stage is not allowed here")
	wantLines(t, e.refused("case", "assess", "CLI-C1", "--stage", "final", "--date", "2024-03-20", "--authority", "US",
		"--outcome", "identified", "--form", "forced_labour", "--reconsideration", "999999"), "Reconsideration refers to something that does not exist")
	if got := e.stored(); got.Version != c.Version || len(got.Assessments) != 1 {
		t.Fatalf("refused decisions changed the case: version %d → %d", c.Version, got.Version)
	}
	e.ok("case", "assess", "CLI-C1", "--stage", "final", "--date", "2024-03-20", "--authority", "US", "--outcome", "identified",
		"--form", "forced_labour", "--reconsideration", fmt.Sprint(rid))
	c = e.stored()
	x := c.Reconsiderations[0]
	if x.Outcome != nrm.ReconsiderationOverturned || x.DecidedOn != nrm.MustDate("2024-03-20") || x.NewAssessmentID == 0 ||
		x.NewAssessmentID != c.Assessments[1].ID || c.Assessments[1].Outcome != nrm.OutcomeIdentified {
		t.Fatalf("overturned: %+v, assessments %+v", x, c.Assessments)
	}
}
