package nrm

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

func rulesOf(err error) map[string]string {
	m := map[string]string{}
	for _, f := range FieldErrors(err) {
		m[f.Field] = f.Rule
	}
	return m
}

func referralCase(res ResidenceStatus, birthYear int) *Case {
	return &Case{Ref: "R-1", OwnerOrg: "REDEN", Gender: GenderFemale, ResidenceStatus: res, BirthYear: birthYear,
		Contacts: []Contact{{Date: MustDate("2011-03-01"), Form: ContactOutreach}},
		Consents: []Consent{{ID: 7, Scopes: []ConsentScope{ConsentRefer, ConsentStatistics}, GivenOn: MustDate("2011-03-01")}}}
}

func TestValidateReferralRouting(t *testing.T) {
	known := func(o string) bool { return o == "US" || o == "CMM" || o == "LOKK" || o == "REDEN" }
	today := MustDate("2011-12-31")
	base := Referral{Purpose: PurposeAssessment, FromOrg: "REDEN", ToOrg: "US", Date: MustDate("2011-03-05"), Reason: "met at a drop-in", ConsentID: 7}
	for _, tc := range []struct {
		name  string
		res   ResidenceStatus
		edit  func(r *Referral)
		field string // "" when valid
		rule  string
	}{
		{"irregular to US", ResidenceIrregular, nil, "", ""},
		{"asylum seeker to US", ResidenceAsylumSeeker, nil, "", ""},
		{"legal stay to US without reason", ResidenceLegal, nil, "referral_to", RuleAuthorityMismatch},
		{"legal stay to US with reason", ResidenceLegal, func(r *Referral) { r.RouteReason = "residence permit expires next week" }, "", ""},
		{"legal stay to US, blank reason", ResidenceLegal, func(r *Referral) { r.RouteReason = "   " }, "referral_to", RuleAuthorityMismatch},
		{"legal stay to CMM", ResidenceLegal, func(r *Referral) { r.ToOrg = "CMM" }, "", ""},
		{"unknown status to either", ResidenceUnknown, func(r *Referral) { r.ToOrg = "CMM" }, "", ""},
		{"assessment by a shelter", ResidenceIrregular, func(r *Referral) { r.ToOrg = "LOKK" }, "referral_to", RuleNotAllowed},
		{"support to a shelter", ResidenceIrregular, func(r *Referral) { r.ToOrg, r.Purpose = "LOKK", PurposeSupport }, "", ""},
		{"unknown organisation", ResidenceIrregular, func(r *Referral) { r.ToOrg, r.Purpose = "NOPE", PurposeSupport }, "referral_to", RuleUnknownReference},
		{"to itself", ResidenceIrregular, func(r *Referral) { r.ToOrg, r.Purpose = "REDEN", PurposeSupport }, "referral_to", RuleNotAllowed},
		{"no purpose", ResidenceIrregular, func(r *Referral) { r.Purpose = "" }, "referral_purpose", RuleOneOf},
		{"no reason", ResidenceIrregular, func(r *Referral) { r.Reason = " " }, "referral_reason", RuleRequired},
		{"future date", ResidenceIrregular, func(r *Referral) { r.Date = MustDate("2030-01-01") }, "referral_date", RuleRange},
		{"before first contact", ResidenceIrregular, func(r *Referral) { r.Date = MustDate("2011-02-01") }, "referral_date", RuleDateOrder},
		{"bad indicator", ResidenceIrregular, func(r *Referral) { r.Indicators = []Indicator{"debt_bondage", "nope"} }, "indicators", RuleOneOf},
		{"duplicate indicator", ResidenceIrregular, func(r *Referral) { r.Indicators = []Indicator{"debt_bondage", "debt_bondage"} }, "indicators", RuleDuplicate},
		{"no consent", ResidenceIrregular, func(r *Referral) { r.ConsentID = 0 }, "consent", RuleRequired},
		{"unknown consent", ResidenceIrregular, func(r *Referral) { r.ConsentID = 8 }, "consent", RuleUnknownReference},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := referralCase(tc.res, 1985)
			r := base
			if tc.edit != nil {
				tc.edit(&r)
			}
			err := c.ValidateReferral(r, today, known)
			got := rulesOf(err)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if got[tc.field] != tc.rule {
				t.Fatalf("want %s %s, got %v", tc.field, tc.rule, got)
			}
		})
	}
}

func TestValidateReferralConsent(t *testing.T) {
	today := MustDate("2011-12-31")
	r := Referral{Purpose: PurposeAssessment, FromOrg: "REDEN", ToOrg: "US", Date: MustDate("2011-03-05"), Reason: "x", ConsentID: 7}

	// Consent without the refer scope, given after the referral, or
	// withdrawn before it does not carry the referral.
	for name, k := range map[string]Consent{
		"statistics only": {ID: 7, Scopes: []ConsentScope{ConsentStatistics}, GivenOn: MustDate("2011-03-01")},
		"given later":     {ID: 7, Scopes: []ConsentScope{ConsentRefer}, GivenOn: MustDate("2011-03-06")},
		"withdrawn":       {ID: 7, Scopes: []ConsentScope{ConsentRefer}, GivenOn: MustDate("2011-03-01"), WithdrawnOn: MustDate("2011-03-05")},
	} {
		c := referralCase(ResidenceIrregular, 1985)
		c.Consents = []Consent{k}
		if got := rulesOf(c.ValidateReferral(r, today, nil)); got["consent"] != RuleNotAllowed {
			t.Errorf("%s: want consent not_allowed, got %v", name, got)
		}
	}
	// Withdrawn after the referral date: it was in force then.
	c := referralCase(ResidenceIrregular, 1985)
	c.Consents[0].WithdrawnOn = MustDate("2011-04-01")
	if err := c.ValidateReferral(r, today, nil); err != nil {
		t.Errorf("consent withdrawn later: %v", err)
	}

	// A minor needs no consent, but the municipality must be informed.
	minor := referralCase(ResidenceIrregular, 1995)
	minor.Consents = nil
	mr := r
	mr.ConsentID = 0
	if got := rulesOf(minor.ValidateReferral(mr, today, nil)); got["municipality_informed_on"] != RuleRequired || got["consent"] != "" {
		t.Errorf("minor without municipality: %v", got)
	}
	mr.MunicipalityInformedOn, mr.Municipality = MustDate("2011-03-05"), "Aarhus"
	if err := minor.ValidateReferral(mr, today, nil); err != nil {
		t.Errorf("minor with municipality informed: %v", err)
	}
	// An adult (18 on the referral date) needs consent.
	adult := referralCase(ResidenceIrregular, 1992) // 1 July 1992 → 18 on 2011-03-05
	adult.Consents = nil
	if got := rulesOf(adult.ValidateReferral(mr, today, nil)); got["consent"] != RuleRequired {
		t.Errorf("adult without consent: %v", got)
	}
}

func TestConsentValidate(t *testing.T) {
	k := Consent{Scopes: []ConsentScope{ConsentRefer, "nope", ConsentRefer}, ShareWith: []string{"LOKK"},
		GivenOn: MustDate("2011-03-01"), WithdrawnOn: MustDate("2011-02-01")}
	got := FieldErrors(k.Validate(MustDate("2011-12-31")))
	want := map[string]string{}
	for _, f := range got {
		want[f.Field+"/"+f.Rule] = f.Value
	}
	for _, w := range []string{"consent_scope/one_of", "consent_scope/duplicate", "consent_share_with/not_allowed", "consent_withdrawn_on/date_order"} {
		if _, ok := want[w]; !ok {
			t.Errorf("missing %s in %v", w, got)
		}
	}
	if err := (Consent{GivenOn: MustDate("2011-03-01")}).Validate(Date{}); rulesOf(err)["consent_scope"] != RuleRequired {
		t.Errorf("no scope: %v", err)
	}
}

func TestReferralAccess(t *testing.T) {
	c := &Case{SharedWith: []string{"LOKK"}, Referrals: []Referral{
		{ToOrg: "US", Status: ReferralAccepted},
		{ToOrg: "CMM", Status: ReferralSent},
		{ToOrg: "IOM", Status: ReferralAccepted, AccessRevokedOn: MustDate("2011-05-01")},
		{ToOrg: "US", Status: ReferralAccepted},
		{ToOrg: "PRO_VEST", Status: ReferralReturned},
	}}
	if got := strings.Join(c.ReferralAccess(), ","); got != "US" {
		t.Errorf("referral access %q", got)
	}
	if got := strings.Join(c.AccessOrgs(), ","); got != "LOKK,US" {
		t.Errorf("access orgs %q", got)
	}
}

// The README documents the closed list of indicators with the labels the
// code uses.
func TestIndicatorsDocumented(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([^|]+) \\| ([^|]+) \\|$")
	doc := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		doc[m[1]] = [2]string{strings.TrimSpace(m[2]), strings.TrimSpace(m[3])}
	}
	codes := Codes("indicator")
	if len(codes) < 5 {
		t.Fatalf("indicator list %v", codes)
	}
	for _, c := range codes {
		d, ok := doc[c]
		if !ok {
			t.Errorf("indicator %s not in the README", c)
			continue
		}
		if d[0] != Label("indicator", c, LangDA) || d[1] != Label("indicator", c, LangEN) {
			t.Errorf("indicator %s documented as %v, labels %q / %q", c, d, Label("indicator", c, LangDA), Label("indicator", c, LangEN))
		}
	}
}

// Every message the mechanism's rules give is Danish in Danish: the
// labels, the rule and what was expected (codes and dates aside).
func TestMechanismMessagesInDanish(t *testing.T) {
	today := MustDate("2011-12-31")
	var errs []error
	c := referralCase(ResidenceLegal, 1985)
	errs = append(errs,
		c.ValidateReferral(Referral{Purpose: "x", FromOrg: "REDEN", ToOrg: "REDEN", Date: MustDate("2011-02-01"), Reason: " ",
			Indicators: []Indicator{"x", "x"}, ConsentID: 99}, today, nil),
		c.ValidateReferral(Referral{Purpose: PurposeAssessment, FromOrg: "REDEN", ToOrg: "US", Date: MustDate("2030-01-01"), Reason: "r"}, today, nil),
		c.ValidateReferral(Referral{Purpose: PurposeAssessment, FromOrg: "REDEN", ToOrg: "LOKK", Date: MustDate("2011-03-05"), Reason: "r", ConsentID: 7}, today, nil),
		Consent{Scopes: []ConsentScope{"x", ConsentRefer, ConsentRefer}, ShareWith: []string{"a b"}, GivenOn: MustDate("2011-03-01"), WithdrawnOn: MustDate("2011-02-01")}.Validate(today),
	)
	minor := referralCase(ResidenceIrregular, 1995)
	errs = append(errs, minor.ValidateReferral(Referral{Purpose: PurposeAssessment, FromOrg: "REDEN", ToOrg: "US", Date: MustDate("2011-03-05"), Reason: "r"}, today, nil))
	closed := lifecycleCase()
	closed.Exits = []Exit{{ID: 9, Date: MustDate("2011-04-01"), Kind: ExitOther}}
	closed.EndOpenOn(MustDate("2011-04-01"))
	n := closed.Clone()
	n.Contacts = append(n.Contacts, Contact{Date: MustDate("2011-05-01"), Form: ContactNGO})
	n.Exits = append(n.Exits, Exit{Date: MustDate("2011-05-02"), Kind: ExitOther})
	errs = append(errs, n.ValidateChange(closed))
	open := lifecycleCase()
	o := open.Clone()
	o.Exits = []Exit{{Date: MustDate("2011-04-01"), Kind: ExitOther}}
	errs = append(errs, o.ValidateChange(open))
	r := lifecycleCase()
	r.Assessments = append(r.Assessments, Assessment{ID: 20, Date: MustDate("2011-03-01"), Authority: AuthorityUS, Outcome: OutcomeNotIdentified, Stage: "x", NotifiedOn: MustDate("2011-02-01")})
	r.Reconsiderations = []Reconsideration{{AssessmentID: 2, RequestedOn: MustDate("2011-01-01"), Deadline: MustDate("2010-12-01"), Outcome: "x", DecidedOn: MustDate("2010-01-01"), NewAssessmentID: 99}}
	r.Reopenings = []Reopening{{Reason: " "}}
	errs = append(errs, r.Validate(Date{}))

	english := regexp.MustCompile(`\b(the|an?|of|on|or|after|before|first|reopen|empty|until|unless|each|once|consent|referral|decision|date|case|in force|own|is|are|not)\b`)
	seen := 0
	for _, err := range errs {
		for _, f := range FieldErrors(err) {
			seen++
			da := f.Message(LangDA)
			// Values are what the user typed; codes are identifiers.
			da = strings.Replace(da, quoted(f.Value), "", 1)
			if m := english.FindString(da); m != "" {
				t.Errorf("English %q in the Danish message %q", m, da)
			}
		}
	}
	if seen < 25 {
		t.Fatalf("only %d field errors exercised", seen)
	}
}

func quoted(s string) string {
	if s == "" {
		return "\x00"
	}
	return fmt.Sprintf("%q", s)
}
