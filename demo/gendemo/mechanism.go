package main

// The mechanism between organisations in the demo (design.md §3): every
// case is owned by the organisation that met the person, which referred
// the person — with consent, or for a minor with the municipality
// informed — to the competent authority by the residence-status rule. The
// authority accepted the referral (and so can see the case), assessed the
// person as a presumed victim (preliminary) and then decided (final). Cases
// with a crisis-shelter stay were referred to the shelter's organisation,
// cases with a prepared return to IOM. A few referrals were returned or
// withdrawn, and a few negative decisions were reconsidered.
//
// None of this moves a date or an authority that the statistics count: the
// first contact, the first final identification (date and authority),
// stays and exits stay exactly as the tables in main.go give them. The
// details come from their own fixed-seed generator, so the classic files
// are the same bytes as before apart from the owner.

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/planio"
)

// contactRow is one contact of a person (contacts.csv).
type contactRow struct {
	date      nrm.Date
	form, org string
}

// assessment is one assessment (assessments.csv); no is its 1-based
// number within the case, in date order.
type assessment struct {
	no                 int
	stage              string
	date               nrm.Date
	authority, outcome string
	expl               []string
	sector, country    string
	setting            string
	reasons            string
	notified           nrm.Date
	decidedBy          string
}

// consent is one consent (consents.csv).
type consent struct {
	scopes              []string
	givenOn             nrm.Date
	givenBy, recordedBy string
}

// referral is one referral (referrals.csv).
type referral struct {
	purpose, from, fromUser, to string
	date                        nrm.Date
	reason, routeReason         string
	indicators                  []string
	consentNo                   int // 0: a minor, the municipality informed instead
	muniOn                      nrm.Date
	muni                        string
	status                      string
	statusOn                    nrm.Date
	statusBy, returnReason      string
}

// reconsideration is one reconsideration of a negative final decision
// (reconsiderations.csv).
type reconsideration struct {
	assessmentNo int
	requested    nrm.Date
	grounds      string
	deadline     nrm.Date
	outcome      string
	decided      nrm.Date
	newNo        int
}

// users: one plausible username per organisation for the people who
// record, refer, accept and decide.
var users = map[string]string{
	"RIGSPOLITIET": "rigspolitiet.officer",
	"REDEN":        "reden.caseworker",
	"PRO_VEST":     "provest.caseworker",
	"RODE_KORS":    "rodekors.caseworker",
	"LOKK":         "lokk.intake",
	"IOM":          "iom.caseworker",
	"US":           "us.assessor",
	"CMM":          "cmm.assessor",
}

// shelterOrg is the organisation running each crisis shelter.
var shelterOrg = map[string]string{RI: "REDEN", RK: "RODE_KORS", LK: "LOKK"}

// municipalities of the two minors of 2011 (the municipality where the
// child was met or is housed); any other minor gets København.
var municipalities = map[string]string{"L7": "København", "N4": "Gribskov"}

// reconsiderationDays is the default deadline of a reconsideration.
const reconsiderationDays = 30

const (
	reasonAssessment   = "Indikatorer på menneskehandel; anmodning om vurdering."
	reasonShelter      = "Behov for beskyttet ophold på krisecenter."
	reasonReturn       = "Personen ønsker forberedt hjemsendelse."
	reasonsPreliminary = "Formodet offer: oplysningerne giver rimelig grund til at antage menneskehandel."
	reasonsIdentified  = "Identificeret: forklaringen er sammenhængende og understøttes af de observerede indikatorer."
	reasonsNegative    = "Ikke identificeret: oplysningerne giver ikke grundlag for at antage menneskehandel."
	reasonsOverturned  = "Identificeret efter genvurdering: de nye oplysninger understøtter forklaringen."
)

// mechanism generates the details with its own fixed-seed generator, so
// that the classic files do not change.
type mechanism struct {
	rng *rand.Rand
}

// buildMechanism adds contacts, assessments, consents, referrals and
// reconsiderations to every person, in reference order.
func buildMechanism(all []*person) error {
	m := &mechanism{rng: rand.New(rand.NewPCG(262, 2012))}
	returned := map[*person]bool{}
	overturned := map[*person]bool{}
	var returned2012, overturned2010 *person
	for _, p := range all {
		gap := p.contact.DaysUntil(p.assessed)
		y := p.assessed.Year()
		if p.key == "N10" {
			returned[p] = true
		}
		if returned2012 == nil && y == 2012 && p.outcome == "identified" && p.form == POL && p.res == IRR && gap >= 7 && strings.HasPrefix(p.key, "G") {
			returned2012 = p
			returned[p] = true
		}
		if overturned2010 == nil && (y == 2009 || y == 2010) && p.outcome == "identified" && gap >= 30 && gap <= 44 {
			overturned2010 = p
			overturned[p] = true
		}
	}
	if returned2012 == nil || overturned2010 == nil {
		return fmt.Errorf("mechanism: no case to return or overturn")
	}
	for _, p := range all {
		m.build(p, returned[p], overturned[p])
	}
	return nil
}

func (m *mechanism) build(p *person, returned, overturned bool) {
	rng := m.rng
	p.contacts = []contactRow{{p.contact, p.form, p.contactOrg}}
	authority := p.authority
	rule := string(nrm.AuthorityFor(nrm.ResidenceStatus(p.res)))

	// The assessment referral and its acceptance, then the decisions.
	start := p.contact
	var refs []referral
	if returned {
		// First sent to the other authority, with a reason for leaving the
		// rule, and returned by it; then sent to the right one.
		other := map[string]string{"US": "CMM", "CMM": "US"}[authority]
		r := referral{purpose: "assessment", from: p.owner, fromUser: users[p.owner], to: other,
			date: start, reason: reasonAssessment, indicators: m.indicators(), status: "returned",
			statusOn: start.AddDays(1 + rng.IntN(2)), statusBy: users[other]}
		if other == "US" {
			r.routeReason = "Opholdsgrundlaget var uafklaret ved henvisningen; personen havde ingen identitetspapirer."
			r.returnReason = "Personen er EU-borger med lovligt ophold; rette myndighed er Center mod Menneskehandel."
		} else {
			r.routeReason = "Personen oplyste at have opholdstilladelse i et andet EU-land."
			r.returnReason = "Personen har ikke lovligt ophold i Danmark; rette myndighed er Udlændingestyrelsen."
		}
		refs = append(refs, r)
		start = r.statusOn
	}
	room := start.DaysUntil(p.assessed)
	refDate := start.AddDays(min(room/4, rng.IntN(3)))
	room = refDate.DaysUntil(p.assessed)
	accepted := refDate.AddDays(min(room/3, 1+rng.IntN(3)))
	ar := referral{purpose: "assessment", from: p.owner, fromUser: users[p.owner], to: authority,
		date: refDate, reason: reasonAssessment, indicators: m.indicators(), status: "accepted",
		statusOn: accepted, statusBy: users[authority]}
	if authority != rule {
		ar.routeReason = "Henvist efter aftale mellem myndighederne."
	}
	refs = append(refs, ar)

	final := assessment{stage: "final", date: p.assessed, authority: authority, outcome: p.outcome,
		expl: p.expl, sector: p.sector, setting: p.setting, country: p.country}
	switch p.outcome {
	case "identified":
		final.reasons = reasonsIdentified
	case "not_identified":
		final.reasons = reasonsNegative
	}
	if p.outcome != "pending" {
		final.notified, final.decidedBy = m.notify(p, p.assessed), users[authority]
	}
	var as []assessment
	switch {
	case overturned:
		// A negative final decision, reconsidered at the person's request
		// and overturned: the identification of the tables is the new
		// assessment, so its date and authority are unchanged.
		neg := assessment{stage: "final", date: accepted.AddDays(accepted.DaysUntil(p.assessed) / 4),
			authority: authority, outcome: "not_identified", reasons: reasonsNegative, decidedBy: users[authority]}
		neg.notified = neg.date.AddDays(2)
		final.reasons = reasonsOverturned
		as = append(as, neg, final)
		req := neg.notified.AddDays(5)
		p.recons = append(p.recons, reconsideration{assessmentNo: 1, requested: req,
			grounds:  "Nye oplysninger om rekrutteringen og gælden til rekrutteringspersonen.",
			deadline: req.AddDays(reconsiderationDays), outcome: "overturned", decided: p.assessed, newNo: 2})
	case p.outcome == "identified" && accepted.Before(p.assessed) && rng.IntN(8) != 0:
		// Most identified persons were first presumed victims.
		pre := assessment{stage: "preliminary", date: accepted.AddDays(min(accepted.DaysUntil(p.assessed)-1, rng.IntN(3))),
			authority: authority, outcome: "identified", expl: p.expl, sector: p.sector, setting: p.setting, country: p.country,
			reasons: reasonsPreliminary, decidedBy: users[authority]}
		pre.notified = pre.date.AddDays(min(pre.date.DaysUntil(p.assessed), rng.IntN(2)))
		as = append(as, pre, final)
	default:
		as = append(as, final)
	}
	if p.key == "X3" || p.key == "X4" {
		// Negative decisions reconsidered and upheld.
		req := final.notified.AddDays(10 + rng.IntN(5))
		p.recons = append(p.recons, reconsideration{assessmentNo: 1, requested: req,
			grounds:  "Personen har uddybet sin forklaring om arbejdsforholdene.",
			deadline: req.AddDays(reconsiderationDays), outcome: "upheld", decided: req.AddDays(14 + rng.IntN(10))})
	}
	for i := range as {
		as[i].no = i + 1
	}
	p.assessments = as

	// Support: the shelter's organisation for each crisis shelter it runs
	// (once per organisation), IOM for a prepared return.
	seen := map[string]bool{p.owner: true}
	for _, s := range p.stays {
		o := shelterOrg[s.provider]
		if s.kind != "crisis_shelter" || seen[o] {
			continue
		}
		seen[o] = true
		d := s.start.AddDays(-rng.IntN(2))
		if d.Before(p.contact) {
			d = p.contact
		}
		refs = append(refs, referral{purpose: "support", from: p.owner, fromUser: users[p.owner], to: o,
			date: d, reason: reasonShelter, status: "accepted", statusOn: s.start, statusBy: users[o]})
		if s.start.After(p.contact) {
			p.contacts = append(p.contacts, contactRow{s.start, "ngo", o})
		}
	}
	for _, e := range p.exits {
		withdrawn := e.kind == SELF && (p.key == "L9" || p.key == "H3")
		if e.kind != PREP && !withdrawn {
			continue
		}
		d := e.date.AddDays(-(7 + rng.IntN(14)))
		if d.Before(p.assessed) {
			d = p.assessed
		}
		r := referral{purpose: "support", from: p.owner, fromUser: users[p.owner], to: "IOM",
			date: d, reason: reasonReturn, status: "accepted", statusOn: d.AddDays(min(d.DaysUntil(e.date), 1+rng.IntN(3))),
			statusBy: users["IOM"]}
		if withdrawn {
			// The person chose to travel home alone before the return was
			// prepared: the owner withdrew the referral.
			r.status, r.statusOn, r.statusBy = "withdrawn", e.date.AddDays(-2), users[p.owner]
		}
		refs = append(refs, r)
	}

	// Consent before the first referral, or for a minor the municipality
	// informed on the day of each referral.
	first := refs[0].date
	for _, r := range refs {
		if r.date.Before(first) {
			first = r.date
		}
	}
	minor := p.domainCase().MinorAt(first)
	if !minor {
		given := p.contact
		if first.After(p.contact) && rng.IntN(2) == 0 {
			given = p.contact.AddDays(1)
		}
		p.consents = []consent{{scopes: []string{"refer", "statistics"}, givenOn: given, givenBy: "the person",
			recordedBy: users[p.owner]}}
	}
	for i := range refs {
		if minor {
			refs[i].muniOn, refs[i].muni = refs[i].date, municipalities[p.key]
			if refs[i].muni == "" {
				refs[i].muni = "København"
			}
		} else {
			refs[i].consentNo = 1
		}
	}
	p.referrals = refs
}

// indicators returns 1–3 distinct indicators in code-list order.
func (m *mechanism) indicators() []string {
	codes := nrm.Codes("indicator")
	codes = codes[:len(codes)-1] // never "other": it would need an explanation
	n := 1 + m.rng.IntN(3)
	pick := map[int]bool{}
	for len(pick) < n {
		pick[m.rng.IntN(len(codes))] = true
	}
	var out []string
	for i, c := range codes {
		if pick[i] {
			out = append(out, c)
		}
	}
	return out
}

// notify returns the date the person was told a decision of date d: a few
// days later, but not after the person left (a fact after the exit would
// need a reopening).
func (m *mechanism) notify(p *person, d nrm.Date) nrm.Date {
	n := d.AddDays(1 + m.rng.IntN(5))
	for _, e := range p.exits {
		if !e.date.Before(d) && e.date.Before(n) {
			n = e.date
		}
	}
	return n
}

// knownOrgs are the demo's organisations (demo/plan/organisations.csv).
func knownOrgs() (map[string]bool, error) {
	b, err := fs.ReadFile(demoplan.FS, "organisations.csv")
	if err != nil {
		return nil, err
	}
	orgs, err := planio.ReadOrganisationsCSV(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, o := range orgs {
		known[o.Code] = true
	}
	return known, nil
}

// checkMechanism checks the person's record beyond the classic files: the
// referrals by the domain's rules, dates in order and none while the case
// is closed, and — what the statistics rest on — that the first contact and
// the first final identification are exactly those of the tables.
func checkMechanism(p *person, c *nrm.Case, orgs map[string]bool) []string {
	var errs []string
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s (%s): ", p.ref, p.key)+fmt.Sprintf(format, args...))
	}
	if ct, ok := c.FirstContact(); !ok || ct.Date != p.contact || string(ct.Form) != p.form || ct.Org != p.contactOrg {
		bad("first contact %v, want %s %s %s", ct, p.contact, p.form, p.contactOrg)
	}
	if a, ok := c.PrimaryAssessment(); !ok || a.Date != p.assessed || string(a.Authority) != p.authority || string(a.Outcome) != p.outcome {
		bad("primary assessment %s %s %s, want %s %s %s", a.Date, a.Authority, a.Outcome, p.assessed, p.authority, p.outcome)
	}
	if p.owner != p.contactOrg {
		bad("owner %s is not the contact organisation %s", p.owner, p.contactOrg)
	}
	for _, o := range []string{p.owner, p.contactOrg} {
		if !orgs[o] {
			bad("unknown organisation %s", o)
		}
	}
	dates := map[string]nrm.Date{}
	for i, ct := range c.Contacts {
		dates[fmt.Sprintf("contact %d", i+1)] = ct.Date
	}
	for i, a := range c.Assessments {
		if i > 0 && !c.Assessments[i-1].Date.Before(a.Date) {
			bad("assessments %d and %d not in strict date order", i, i+1)
		}
		dates[fmt.Sprintf("assessment %d", i+1)] = a.Date
		dates[fmt.Sprintf("assessment %d notified", i+1)] = a.NotifiedOn
	}
	for i, k := range c.Consents {
		dates[fmt.Sprintf("consent %d", i+1)] = k.GivenOn
	}
	assessed := false
	for i, r := range c.Referrals {
		if err := c.ValidateReferral(r, nrm.Date{}, func(o string) bool { return orgs[o] }); err != nil {
			bad("referral %d: %v", i+1, err)
		}
		if !r.StatusOn.IsZero() && r.StatusOn.Before(r.Date) {
			bad("referral %d: status before the referral", i+1)
		}
		if r.Purpose == nrm.PurposeAssessment && r.Status == nrm.ReferralAccepted {
			assessed = true
			if string(r.ToOrg) != p.authority {
				bad("referral %d accepted by %s, the assessment is by %s", i+1, r.ToOrg, p.authority)
			}
			for _, a := range c.Assessments {
				if a.Date.Before(r.StatusOn) {
					bad("assessment %s before the referral was accepted %s", a.Date, r.StatusOn)
				}
			}
		}
		dates[fmt.Sprintf("referral %d", i+1)] = r.Date
		dates[fmt.Sprintf("referral %d status", i+1)] = r.StatusOn
	}
	if !assessed {
		bad("no accepted assessment referral")
	}
	for i, r := range c.Reconsiderations {
		dates[fmt.Sprintf("reconsideration %d", i+1)] = r.RequestedOn
		dates[fmt.Sprintf("reconsideration %d decided", i+1)] = r.DecidedOn
		if r.Outcome == nrm.ReconsiderationOverturned && (r.NewAssessmentID == 0 || r.DecidedOn != p.assessed) {
			bad("overturned reconsideration %d does not lead to the identification", i+1)
		}
	}
	for what, d := range dates {
		if c.ClosedAt(d) {
			bad("%s on %s falls after the exit", what, d)
		}
	}
	return errs
}

// mechanismFiles returns the rows of contacts.csv, assessments.csv,
// consents.csv, referrals.csv and reconsiderations.csv, each sorted as an
// export writes them: by case, then the file's date (stable, so that rows
// of one day keep the order in which they are numbered and stored).
func mechanismFiles(all []*person) map[string][][]string {
	contacts := [][]string{{"case_ref", "date", "contact_form", "org", "place"}}
	assessments := [][]string{{"case_ref", "assessment_no", "stage", "date", "authority", "outcome", "exploitation",
		"labour_sector", "exploitation_country", "override_reason", "reasons", "notified_on", "decided_by", "labour_setting"}}
	consents := [][]string{{"case_ref", "consent_no", "scopes", "share_with", "given_on", "given_by", "withdrawn_on",
		"recorded_by"}}
	referrals := [][]string{{"case_ref", "purpose", "from_org", "from_user", "to_org", "date", "reason", "route_reason",
		"indicators", "consent_no", "municipality_informed_on", "municipality", "status", "status_on", "status_by",
		"return_reason", "access_revoked_on", "revoke_reason"}}
	recons := [][]string{{"case_ref", "assessment_no", "requested_on", "grounds", "deadline", "outcome", "decided_on",
		"new_assessment_no"}}
	no := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, p := range all {
		cs := append([]contactRow(nil), p.contacts...)
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].date.Before(cs[j].date) })
		for _, c := range cs {
			contacts = append(contacts, []string{p.ref, c.date.String(), c.form, c.org, ""})
		}
		for _, a := range p.assessments { // numbered in date order already
			assessments = append(assessments, []string{p.ref, no(a.no), a.stage, a.date.String(), a.authority,
				a.outcome, strings.Join(a.expl, ";"), a.sector, a.country, "", a.reasons, a.notified.String(), a.decidedBy, a.setting})
		}
		for i, k := range p.consents {
			consents = append(consents, []string{p.ref, no(i + 1), strings.Join(k.scopes, ";"), "", k.givenOn.String(),
				k.givenBy, "", k.recordedBy})
		}
		rs := append([]referral(nil), p.referrals...)
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].date.Before(rs[j].date) })
		for _, r := range rs {
			referrals = append(referrals, []string{p.ref, r.purpose, r.from, r.fromUser, r.to, r.date.String(), r.reason,
				r.routeReason, strings.Join(r.indicators, ";"), no(r.consentNo), r.muniOn.String(), r.muni, r.status,
				r.statusOn.String(), r.statusBy, r.returnReason, "", ""})
		}
		for _, r := range p.recons {
			recons = append(recons, []string{p.ref, no(r.assessmentNo), r.requested.String(), r.grounds,
				r.deadline.String(), r.outcome, r.decided.String(), no(r.newNo)})
		}
	}
	return map[string][][]string{"contacts.csv": contacts, "assessments.csv": assessments, "consents.csv": consents,
		"referrals.csv": referrals, "reconsiderations.csv": recons}
}
