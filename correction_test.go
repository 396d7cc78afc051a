package nrm

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func lifecycleCase() *Case {
	yes := true
	return &Case{Ref: "L-1", OwnerOrg: "REDEN", Gender: GenderFemale, ResidenceStatus: ResidenceIrregular, BirthYear: 1985,
		Identifiers:       Identifiers{Name: "Ada"},
		Contacts:          []Contact{{ID: 1, Date: MustDate("2011-01-10"), Form: ContactPolice}},
		Assessments:       []Assessment{{ID: 2, Date: MustDate("2011-02-01"), Authority: AuthorityUS, Outcome: OutcomeIdentified, Exploitation: []ExploitationForm{ExploitationSexual}}},
		ReflectionPeriods: []ReflectionPeriod{{ID: 3, Start: MustDate("2011-02-01"), End: MustDate("2011-05-11")}},
		Accommodations:    []Accommodation{{ID: 4, Kind: AccommodationCrisisShelter, Start: MustDate("2011-02-02")}},
		Offers:            []Offer{{ID: 5, Kind: "health_care", Offered: MustDate("2011-02-03"), Accepted: &yes}},
	}
}

func TestDiff(t *testing.T) {
	old := lifecycleCase()
	for _, tc := range []struct {
		name       string
		edit       func(c *Case)
		fields     string
		correction bool
	}{
		{"nothing", func(c *Case) {}, "", false},
		{"add a contact", func(c *Case) {
			c.Contacts = append(c.Contacts, Contact{Date: MustDate("2011-03-01"), Form: ContactNGO})
		}, "", false},
		{"end the ongoing stay", func(c *Case) { c.Accommodations[0].End = MustDate("2011-03-01") }, "accommodation.end", false},
		{"tell the decision", func(c *Case) { c.Assessments[0].NotifiedOn = MustDate("2011-02-03") }, "assessment.notified_on", false},
		{"change an end date", func(c *Case) { c.ReflectionPeriods[0].End = MustDate("2011-06-01") }, "reflection_period.end", true},
		{"change the outcome", func(c *Case) { c.Assessments[0].Outcome = OutcomeNotIdentified }, "assessment.outcome", true},
		{"change the forms", func(c *Case) { c.Assessments[0].Exploitation = []ExploitationForm{ExploitationForcedLabour} }, "assessment.exploitation", true},
		{"void the offer", func(c *Case) { c.Offers = nil }, "offer (voided)", true},
		{"correct the name", func(c *Case) { c.Identifiers.Name = "Ada B." }, "identifiers.name", true},
		{"add a phone", func(c *Case) { c.Identifiers.Phone = "+45 1" }, "identifiers.phone", false},
		{"remove the name", func(c *Case) { c.Identifiers.Name = "" }, "identifiers.name", true},
		{"correct gender", func(c *Case) { c.Gender = GenderMale }, "gender", true},
		{"nationality filled in", func(c *Case) { c.Nationality = "NG" }, "nationality", false},
		{"residence status corrected", func(c *Case) { c.ResidenceStatus = ResidenceLegal }, "residence_status", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := old.Clone()
			tc.edit(c)
			ch := Diff(old, c)
			if got := strings.Join(ch.Fields, ","); got != tc.fields {
				t.Errorf("fields %q, want %q", got, tc.fields)
			}
			if ch.Correction != tc.correction {
				t.Errorf("correction %v, want %v", ch.Correction, tc.correction)
			}
		})
	}
}

func TestClosedAtAndReopening(t *testing.T) {
	c := lifecycleCase()
	c.Exits = []Exit{{ID: 9, Date: MustDate("2011-06-01"), Kind: ExitPreparedReturn}}
	if !c.IsClosed() || c.ClosedOn() != MustDate("2011-06-01") {
		t.Fatalf("closed on %v", c.ClosedOn())
	}
	if c.ClosedAt(MustDate("2011-06-01")) || !c.ClosedAt(MustDate("2011-06-02")) || c.ClosedAt(MustDate("2011-05-31")) {
		t.Fatal("ClosedAt around the exit date")
	}
	c.Reopenings = []Reopening{{Date: MustDate("2011-07-01"), Reason: "came back"}}
	if c.IsClosed() || !c.ClosedAt(MustDate("2011-06-15")) || c.ClosedAt(MustDate("2011-07-01")) || c.ClosedAt(MustDate("2011-08-01")) {
		t.Fatal("reopening")
	}
}

func TestValidateChangeLifecycle(t *testing.T) {
	old := lifecycleCase()

	// An exit with a stay and a reflection period open after it is
	// refused until they are ended on the exit date.
	c := old.Clone()
	c.Exits = append(c.Exits, Exit{Date: MustDate("2011-04-01"), Kind: ExitPreparedReturn})
	if got := rulesOf(c.ValidateChange(old)); got["exit_date"] != RuleOpenAfterExit {
		t.Fatalf("exit with open stay: %v", got)
	}
	if n := c.EndOpenOn(MustDate("2011-04-01")); n != 2 {
		t.Fatalf("ended %d, want the stay and the reflection period", n)
	}
	if err := c.ValidateChange(old); err != nil {
		t.Fatalf("after ending: %v", err)
	}
	if c.Accommodations[0].End != MustDate("2011-04-01") || c.ReflectionPeriods[0].End != MustDate("2011-04-01") {
		t.Fatalf("ends %v %v", c.Accommodations[0].End, c.ReflectionPeriods[0].End)
	}
	c.Exits[0].ID = 10
	closed := c.Clone()

	// After the exit: a new stay, a second exit, a contact dated after it
	// are refused; a fact on the exit date itself is not.
	for name, edit := range map[string]func(c *Case){
		"stay after exit": func(c *Case) {
			c.Accommodations = append(c.Accommodations, Accommodation{Kind: AccommodationPrivate, Start: MustDate("2011-04-02"), End: MustDate("2011-04-03")})
		},
		"second exit": func(c *Case) { c.Exits = append(c.Exits, Exit{Date: MustDate("2011-05-01"), Kind: ExitDisappeared}) },
		"contact after": func(c *Case) {
			c.Contacts = append(c.Contacts, Contact{Date: MustDate("2011-04-05"), Form: ContactNGO})
		},
		"reflection in 2030": func(c *Case) {
			c.ReflectionPeriods = append(c.ReflectionPeriods, ReflectionPeriod{Start: MustDate("2030-01-01")})
		},
		"redate the assessment after the exit": func(c *Case) { c.Assessments[0].Date = MustDate("2011-04-10") },
	} {
		n := closed.Clone()
		edit(n)
		got := n.ValidateChange(closed)
		if !slices.ContainsFunc(FieldErrors(got), func(f FieldError) bool { return f.Rule == RuleClosed }) {
			t.Errorf("%s: want a closed-case error, got %v", name, got)
		}
	}
	n := closed.Clone()
	n.Offers = append(n.Offers, Offer{Kind: "other", Offered: MustDate("2011-04-01")})
	if err := n.ValidateChange(closed); err != nil {
		t.Errorf("a fact on the exit date: %v", err)
	}

	// Reopened: the stay and a second exit are accepted.
	n = closed.Clone()
	n.Reopenings = append(n.Reopenings, Reopening{Date: MustDate("2011-04-02"), Reason: "returned to Denmark"})
	n.Accommodations = append(n.Accommodations, Accommodation{Kind: AccommodationPrivate, Start: MustDate("2011-04-02"), End: MustDate("2011-04-30")})
	n.Exits = append(n.Exits, Exit{Date: MustDate("2011-05-01"), Kind: ExitSelfReturn})
	if err := n.ValidateChange(closed); err != nil {
		t.Errorf("after reopening: %v", err)
	}
}

func TestValidateReconsiderations(t *testing.T) {
	c := lifecycleCase()
	c.Assessments = append(c.Assessments, Assessment{ID: 20, Date: MustDate("2011-03-01"), Authority: AuthorityUS, Outcome: OutcomeNotIdentified, Stage: StageFinal})
	c.Reconsiderations = []Reconsideration{{ID: 1, AssessmentID: 2, RequestedOn: MustDate("2011-03-02"), Deadline: MustDate("2011-04-01")}}
	if got := rulesOf(c.Validate(Date{})); got["reconsidered_assessment"] != RuleNotAllowed {
		t.Errorf("reconsidering a positive decision: %v", got)
	}
	c.Reconsiderations[0].AssessmentID = 20
	if err := c.Validate(Date{}); err != nil {
		t.Errorf("valid reconsideration: %v", err)
	}
	c.Reconsiderations[0].Outcome = ReconsiderationOverturned
	if got := rulesOf(c.Validate(Date{})); got["reconsideration_decided_on"] != RuleRequired {
		t.Errorf("outcome without date: %v", got)
	}
	c.Reconsiderations[0].DecidedOn = MustDate("2011-03-20")
	c.Reconsiderations[0].NewAssessmentID = 99
	if got := rulesOf(c.Validate(Date{})); got["new_assessment"] != RuleUnknownReference {
		t.Errorf("unknown new assessment: %v", got)
	}
	c.Reconsiderations[0].NewAssessmentID = 2
	c.Reconsiderations[0].Deadline = MustDate("2011-03-01")
	if got := rulesOf(c.Validate(Date{})); got["reconsideration_deadline"] != RuleDateOrder {
		t.Errorf("deadline before request: %v", got)
	}
}

func TestPreliminaryDoesNotIdentify(t *testing.T) {
	c := lifecycleCase()
	c.Assessments = []Assessment{{ID: 1, Date: MustDate("2011-01-20"), Authority: AuthorityUS, Outcome: OutcomeIdentified, Stage: StagePreliminary}}
	if _, ok := c.FirstIdentified(); ok {
		t.Fatal("a preliminary assessment counted as identification")
	}
	if err := c.Validate(Date{}); err != nil {
		t.Fatalf("a presumed victim needs no forms yet: %v", err)
	}
	c.Assessments = append(c.Assessments, Assessment{ID: 2, Date: MustDate("2011-02-20"), Authority: AuthorityUS, Outcome: OutcomeIdentified, Stage: StageFinal, Exploitation: []ExploitationForm{ExploitationSexual}})
	if a, ok := c.FirstIdentified(); !ok || a.ID != 2 {
		t.Fatalf("first identified %v %v", a, ok)
	}
}

// Editing a clone, down to its lists and the answer to an offer, leaves
// the original as it was.
func TestCloneIsDeep(t *testing.T) {
	c := lifecycleCase()
	c.SharedWith = []string{"LOKK"}
	c.Identifiers.Aliases = []string{"A"}
	c.Consents = []Consent{{ID: 1, Scopes: []ConsentScope{ConsentRefer}, ShareWith: []string{"LOKK"}, GivenOn: MustDate("2011-01-10")}}
	c.Referrals = []Referral{{ID: 1, Indicators: []Indicator{"debt_bondage"}}}
	before := fmt.Sprintf("%+v", *c) + fmt.Sprint(*c.Offers[0].Accepted)
	n := c.Clone()
	n.SharedWith[0], n.Identifiers.Aliases[0] = "X", "X"
	n.Assessments[0].Exploitation[0] = ExploitationOther
	*n.Offers[0].Accepted = false
	n.Consents[0].Scopes[0], n.Consents[0].ShareWith[0] = ConsentShare, "X"
	n.Referrals[0].Indicators[0] = "other"
	n.Contacts[0].Place = "X"
	if after := fmt.Sprintf("%+v", *c) + fmt.Sprint(*c.Offers[0].Accepted); after != before {
		t.Fatalf("editing the clone changed the original:\n%s\n%s", before, after)
	}
}
