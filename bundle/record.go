package bundle

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"nrm"
)

// The files below carry the rest of a case's record (README "Data
// bundles"). They are optional and read before cases.csv into memory, by
// reference; a case that any of them lists is assembled whole when its
// cases.csv row comes, every row checked with the case as context, and
// handed to the writer with the parts the files carried
// (nrm.ImportWriter.PutRecord). Cases no file lists take the classic path
// unchanged.

// recordFiles lists the optional files in the order they are read and
// exported.
var recordFiles = []string{FileContacts, FileAssessments, FileReflection, FileOffers, FileReopenings, FileReconsiderations,
	FileConsents, FileReferrals, FileShares, FileIdentifiers}

type contactIn struct {
	line int
	ct   nrm.Contact
}

type assessmentIn struct {
	line, no int
	a        nrm.Assessment
}

type reflectionIn struct {
	line int
	p    nrm.ReflectionPeriod
}

type offerIn struct {
	line int
	o    nrm.Offer
}

type reopeningIn struct {
	line int
	r    nrm.Reopening
}

type reconsiderationIn struct {
	line, no, newNo int
	r               nrm.Reconsideration
}

type consentIn struct {
	line, no int
	k        nrm.Consent
}

type referralIn struct {
	line, consentNo int
	r               nrm.Referral
}

type shareIn struct {
	line int
	org  string
}

type identifiersIn struct {
	line int
	ids  nrm.Identifiers
}

// extra is what the optional files hold for one case.
type extra struct {
	parts            nrm.BundleParts
	contacts         []contactIn
	assessments      []assessmentIn
	reflection       []reflectionIn
	offers           []offerIn
	reopenings       []reopeningIn
	reconsiderations []reconsiderationIn
	consents         []consentIn
	referrals        []referralIn
	shares           []shareIn
	identifiers      []identifiersIn
}

// extras are the optional files' rows by case reference.
type extras struct {
	byRef  map[string]*extra
	labels map[string]string // file → label
	// broken lists the files that could not be read whole; while any is,
	// the case records are not assembled nor checked across files.
	broken map[string]bool
}

func (xs *extras) of(ref string, part nrm.BundleParts) *extra {
	x := xs.byRef[ref]
	if x == nil {
		x = &extra{}
		xs.byRef[strings.Clone(ref)] = x
	}
	x.parts |= part
	return x
}

// list parses a ';'-separated list of codes of set into out.
func (p *parser) list(col, set string) []string {
	var out []string
	for _, v := range strings.Split(p.r.get(col), ";") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if set != "" && !nrm.ValidCode(set, v) {
			p.fail(col, nrm.RuleOneOf, v, "codes separated by ';' from: "+nrm.ExpectedCodes(set))
			continue
		}
		out = append(out, v)
	}
	return out
}

// orgList parses a ';'-separated list of organisation codes.
func (p *parser) orgList(col string, known map[string]bool) []string {
	var out []string
	for _, v := range strings.Split(p.r.get(col), ";") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !nrm.ValidOrgCode(v) {
			p.fail(col, nrm.RuleFormat, v, "organisation codes separated by ';'")
			continue
		}
		if known != nil && !known[v] {
			p.fail(col, nrm.RuleUnknownReference, v, "a registered organisation code")
			continue
		}
		out = append(out, v)
	}
	return out
}

// texts parses a ';'-separated list of free texts.
func (p *parser) texts(col string, max int) []string {
	var out []string
	for _, v := range strings.Split(p.text(col, max), ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// no parses a positive sequence number (assessment_no, consent_no).
func (p *parser) no(col string, required bool) int {
	return p.int(col, required, 1, 1e6)
}

// readExtras reads the optional files; nil when the bundle has none.
func readExtras(ts *tables, opt Options, errs *Errors) *extras {
	xs := &extras{byRef: map[string]*extra{}, labels: map[string]string{}}
	any := false
	for _, f := range recordFiles {
		xs.labels[f] = ts.src.Label(f)
		t, ok, err := ts.src.Open(f)
		if err == nil && ok {
			t.Close()
		}
		any = any || ok || err != nil || ts.skip[f]
	}
	if !any {
		return nil
	}
	future := func(p *parser, col string, d nrm.Date) {
		if d.After(opt.Today) {
			p.fail(col, nrm.RuleRange, d.String(), "a date not in the future")
		}
	}
	read := func(file string, fn func(p *parser, ref string)) {
		if !ts.read(file, errs, false, func(r *record) {
			if r.broken {
				return
			}
			p := &parser{errs: errs, r: r}
			ref := p.ref("case_ref")
			fn(p, ref)
		}) {
			if xs.broken == nil {
				xs.broken = map[string]bool{}
			}
			xs.broken[file] = true
		}
	}
	read(FileContacts, func(p *parser, ref string) {
		ct := nrm.Contact{Date: p.date("date", true), Form: nrm.ContactForm(p.code("contact_form", "contact_form", true)),
			Org: p.org("org", false, opt.KnownOrgs), Place: p.text("place", 200)}
		future(p, "date", ct.Date)
		if !p.bad {
			x := xs.of(ref, nrm.PartContacts)
			x.contacts = append(x.contacts, contactIn{p.r.line, ct})
		}
	})
	read(FileAssessments, func(p *parser, ref string) {
		no := p.no("assessment_no", true)
		a := nrm.Assessment{Stage: nrm.AssessmentStage(p.code("stage", "assessment_stage", false)), Date: p.date("date", true),
			Authority: nrm.Authority(p.code("authority", "authority", true)), Outcome: nrm.Outcome(p.code("outcome", "assessment_outcome", true)),
			LabourSector:        nrm.LabourSector(p.code("labour_sector", "labour_sector", false)),
			LabourSetting:       nrm.LabourSetting(p.code("labour_setting", "labour_setting", false)),
			ExploitationCountry: p.country("exploitation_country", nil), OverrideReason: p.text("override_reason", nrm.MaxTextLen),
			Reasons: p.text("reasons", nrm.MaxTextLen), NotifiedOn: p.date("notified_on", false), DecidedBy: p.text("decided_by", 200)}
		for _, f := range p.list("exploitation", "exploitation") {
			a.Exploitation = append(a.Exploitation, nrm.ExploitationForm(f))
		}
		future(p, "date", a.Date)
		future(p, "notified_on", a.NotifiedOn)
		if !p.bad {
			x := xs.of(ref, nrm.PartAssessments)
			x.assessments = append(x.assessments, assessmentIn{p.r.line, no, a})
		}
	})
	read(FileReflection, func(p *parser, ref string) {
		rp := nrm.ReflectionPeriod{Start: p.date("start_date", true), End: p.date("end_date", false),
			Kind: nrm.ReflectionKind(p.code("kind", "reflection_kind", false)), Reason: p.text("reason", nrm.MaxTextLen),
			DecidedBy: p.text("decided_by", nrm.MaxDecidedByLen)}
		future(p, "start_date", rp.Start)
		if !p.bad {
			x := xs.of(ref, nrm.PartReflection)
			x.reflection = append(x.reflection, reflectionIn{p.r.line, rp})
		}
	})
	read(FileOffers, func(p *parser, ref string) {
		o := nrm.Offer{Kind: nrm.OfferKind(p.code("kind", "offer_kind", true)), Offered: p.date("offered_date", true)}
		switch v := p.r.get("accepted"); v {
		case "":
		case "yes", "no":
			b := v == "yes"
			o.Accepted = &b
		default:
			p.fail("accepted", nrm.RuleOneOf, v, "yes, no or empty (not answered)")
		}
		future(p, "offered_date", o.Offered)
		if !p.bad {
			x := xs.of(ref, nrm.PartOffers)
			x.offers = append(x.offers, offerIn{p.r.line, o})
		}
	})
	read(FileReopenings, func(p *parser, ref string) {
		r := nrm.Reopening{Date: p.date("date", true), Reason: p.text("reason", nrm.MaxTextLen)}
		if r.Reason == "" && !p.bad {
			p.fail("reason", nrm.RuleRequired, "", "the reason for reopening the case")
		}
		future(p, "date", r.Date)
		if !p.bad {
			x := xs.of(ref, nrm.PartReopenings)
			x.reopenings = append(x.reopenings, reopeningIn{p.r.line, r})
		}
	})
	read(FileReconsiderations, func(p *parser, ref string) {
		no, newNo := p.no("assessment_no", true), p.no("new_assessment_no", false)
		r := nrm.Reconsideration{RequestedOn: p.date("requested_on", true), Grounds: p.text("grounds", nrm.MaxTextLen),
			Deadline: p.date("deadline", true), Outcome: nrm.ReconsiderationOutcome(p.code("outcome", "reconsideration_outcome", false)),
			DecidedOn: p.date("decided_on", false)}
		future(p, "requested_on", r.RequestedOn)
		future(p, "decided_on", r.DecidedOn)
		if !p.bad {
			x := xs.of(ref, nrm.PartAssessments)
			x.reconsiderations = append(x.reconsiderations, reconsiderationIn{p.r.line, no, newNo, r})
		}
	})
	read(FileConsents, func(p *parser, ref string) {
		no := p.no("consent_no", true)
		k := nrm.Consent{ShareWith: p.orgList("share_with", opt.KnownOrgs), GivenOn: p.date("given_on", true),
			GivenBy: p.text("given_by", 200), WithdrawnOn: p.date("withdrawn_on", false), RecordedBy: p.text("recorded_by", 200)}
		scopes := p.list("scopes", "consent_scope")
		if len(scopes) == 0 && !p.bad {
			p.fail("scopes", nrm.RuleRequired, "", nrm.ExpectedCodes("consent_scope"))
		}
		for _, s := range scopes {
			k.Scopes = append(k.Scopes, nrm.ConsentScope(s))
		}
		future(p, "withdrawn_on", k.WithdrawnOn)
		if !p.bad {
			x := xs.of(ref, nrm.PartReferrals)
			x.consents = append(x.consents, consentIn{p.r.line, no, k})
		}
	})
	read(FileReferrals, func(p *parser, ref string) {
		r := nrm.Referral{Purpose: nrm.ReferralPurpose(p.code("purpose", "referral_purpose", true)),
			FromOrg: p.org("from_org", true, opt.KnownOrgs), FromUser: p.text("from_user", 200), ToOrg: p.org("to_org", true, opt.KnownOrgs),
			Date: p.date("date", true), Reason: p.text("reason", nrm.MaxTextLen), RouteReason: p.text("route_reason", nrm.MaxTextLen),
			MunicipalityInformedOn: p.date("municipality_informed_on", false), Municipality: p.text("municipality", 200),
			Status: nrm.ReferralStatus(p.code("status", "referral_status", true)), StatusOn: p.date("status_on", false),
			StatusBy: p.text("status_by", 200), ReturnReason: p.text("return_reason", nrm.MaxTextLen),
			AccessRevokedOn: p.date("access_revoked_on", false), RevokeReason: p.text("revoke_reason", nrm.MaxTextLen)}
		for _, i := range p.list("indicators", "indicator") {
			r.Indicators = append(r.Indicators, nrm.Indicator(i))
		}
		consentNo := p.no("consent_no", false)
		for _, d := range []struct {
			col string
			d   nrm.Date
		}{{"status_on", r.StatusOn}, {"access_revoked_on", r.AccessRevokedOn}, {"municipality_informed_on", r.MunicipalityInformedOn}} {
			future(p, d.col, d.d)
		}
		// The status rules are checked apart: a row they fail is still
		// checked against the case, so that every problem shows at once.
		cellsOK := !p.bad
		checkStatus(p, r)
		if cellsOK {
			x := xs.of(ref, nrm.PartReferrals)
			x.referrals = append(x.referrals, referralIn{p.r.line, consentNo, r})
		}
	})
	read(FileShares, func(p *parser, ref string) {
		org := p.org("org", true, opt.KnownOrgs)
		if !p.bad {
			x := xs.of(ref, nrm.PartShares)
			x.shares = append(x.shares, shareIn{p.r.line, org})
		}
	})
	read(FileIdentifiers, func(p *parser, ref string) {
		ids := nrm.Identifiers{Name: p.text("name", nrm.MaxTextLen), Aliases: p.texts("aliases", nrm.MaxTextLen),
			DocumentNumbers: p.texts("document_numbers", nrm.MaxTextLen), Phone: p.text("phone", nrm.MaxTextLen),
			Address: p.text("address", nrm.MaxTextLen), Notes: p.text("notes", nrm.MaxTextLen)}
		if !p.bad {
			x := xs.of(ref, nrm.PartIdentifiers)
			x.identifiers = append(x.identifiers, identifiersIn{p.r.line, ids})
		}
	})
	return xs
}

// checkStatus checks the status columns of a referrals.csv row: sent →
// accepted | returned (with a reason) | withdrawn, each dated on or after
// the referral; access revoked only after an acceptance.
func checkStatus(p *parser, r nrm.Referral) {
	if r.Status == "" {
		return
	}
	if r.Status == nrm.ReferralSent {
		if !r.StatusOn.IsZero() {
			p.fail("status_on", nrm.RuleNotAllowed, r.StatusOn.String(), "empty while the referral is sent")
		}
	} else if r.StatusOn.IsZero() {
		p.fail("status_on", nrm.RuleRequired, "", "the date the referral was "+string(r.Status))
	} else if !r.Date.IsZero() && r.StatusOn.Before(r.Date) {
		p.fail("status_on", nrm.RuleDateOrder, r.StatusOn.String(), "on or after the referral date "+r.Date.String())
	}
	if r.Status == nrm.ReferralReturned && r.ReturnReason == "" {
		p.fail("return_reason", nrm.RuleRequired, "", "the reason a returned referral was sent back")
	} else if r.Status != nrm.ReferralReturned && r.ReturnReason != "" {
		p.fail("return_reason", nrm.RuleNotAllowed, "", "empty unless the status is returned")
	}
	if !r.AccessRevokedOn.IsZero() {
		if r.Status != nrm.ReferralAccepted {
			p.fail("access_revoked_on", nrm.RuleNotAllowed, r.AccessRevokedOn.String(), "empty unless the status is accepted")
		} else if !r.StatusOn.IsZero() && r.AccessRevokedOn.Before(r.StatusOn) {
			p.fail("access_revoked_on", nrm.RuleDateOrder, r.AccessRevokedOn.String(), "on or after the acceptance "+r.StatusOn.String())
		}
	} else if r.RevokeReason != "" {
		p.fail("revoke_reason", nrm.RuleNotAllowed, "", "empty unless access was revoked")
	}
}

// Domain field names → the column of each file that holds them.
var (
	contactCols = map[string]string{"contact_date": "date", "contact_form": "contact_form", "contact_org": "org"}
	assessCols  = map[string]string{"assessment_date": "date", "assessment_authority": "authority", "assessment_outcome": "outcome",
		"assessment_stage": "stage", "decision_reasons": "reasons", "notified_on": "notified_on", "exploitation": "exploitation",
		"labour_sector": "labour_sector", "labour_setting": "labour_setting", "exploitation_country": "exploitation_country", "override_reason": "override_reason",
		"birth_date": "date"}
	reflectionCols = map[string]string{"reflection_start": "start_date", "reflection_end": "end_date", "reflection_kind": "kind",
		"reflection_reason": "reason", "reflection_decided_by": "decided_by"}
	offerCols  = map[string]string{"offer_kind": "kind", "offered": "offered_date"}
	reopenCols = map[string]string{"reopen_date": "date", "reopen_reason": "reason"}
	reconsCols = map[string]string{"reconsidered_assessment": "assessment_no", "requested_on": "requested_on",
		"reconsideration_deadline": "deadline", "grounds": "grounds", "reconsideration_outcome": "outcome",
		"reconsideration_decided_on": "decided_on", "new_assessment": "new_assessment_no"}
	consentCols = map[string]string{"consent_scope": "scopes", "consent_share_with": "share_with", "consent_given_on": "given_on",
		"consent_given_by": "given_by", "consent_withdrawn_on": "withdrawn_on"}
	referralCols = map[string]string{"referral_purpose": "purpose", "referral_to": "to_org", "referral_date": "date",
		"referral_reason": "reason", "route_reason": "route_reason", "municipality": "municipality", "indicators": "indicators",
		"municipality_informed_on": "municipality_informed_on", "consent": "consent_no"}
)

// assembler builds one case from its cases.csv row and its extra rows.
type assembler struct {
	errs *Errors
	xs   *extras
	opt  Options
}

// rowErr records an error on a row of file, with the column cols maps
// field to; fields cols does not know are left to other rows.
func (as *assembler) rowErrs(file string, line int, cols map[string]string, err error) {
	for _, f := range nrm.FieldErrors(err) {
		col, ok := cols[f.Field]
		if !ok {
			continue
		}
		as.errs.add(RowError{File: as.xs.labels[file], Line: line, FieldError: nrm.FieldError{Field: col, Rule: f.Rule, Value: f.Value, Expected: f.Expected}})
	}
}

func (as *assembler) fail(file string, line int, col, rule, value, expected string) {
	as.errs.add(RowError{File: as.xs.labels[file], Line: line, FieldError: nrm.FieldError{Field: col, Rule: rule, Value: value, Expected: expected}})
}

// assemble completes c (parsed from its cases.csv row r, accommodations
// and exits attached) with x, checking every row with the case as
// context. Problems are recorded; the case is not usable when any is.
func (as *assembler) assemble(r *record, c *nrm.Case, x *extra) {
	base := func() *nrm.Case {
		return &nrm.Case{Ref: c.Ref, OwnerOrg: c.OwnerOrg, Gender: c.Gender, BirthYear: c.BirthYear, Nationality: c.Nationality,
			ResidenceStatus: c.ResidenceStatus, Identifiers: nrm.Identifiers{BirthDate: c.Identifiers.BirthDate}}
	}
	today := as.opt.Today
	caseLabel := r.file

	// Contacts, and the projection columns of cases.csv against them.
	if x.parts&nrm.PartContacts != 0 {
		sort.SliceStable(x.contacts, func(i, j int) bool { return x.contacts[i].ct.Date.Before(x.contacts[j].ct.Date) })
		proj := c.Contacts
		c.Contacts = nil
		for _, in := range x.contacts {
			m := base()
			m.Contacts = []nrm.Contact{in.ct}
			as.rowErrs(FileContacts, in.line, contactCols, m.Validate(today))
			c.Contacts = append(c.Contacts, in.ct)
		}
		first, _ := c.FirstContact()
		if len(proj) > 0 && (proj[0].Date != first.Date || proj[0].Form != first.Form || proj[0].Org != first.Org) {
			as.errs.add(RowError{File: caseLabel, Line: r.line, FieldError: nrm.FieldError{Field: "first_contact_date", Rule: nrm.RuleNotAllowed,
				Value: proj[0].Date.String() + " " + string(proj[0].Form) + " " + proj[0].Org,
				Expected: fmt.Sprintf("the first contact of %s (line %d): %s %s %s", as.xs.labels[FileContacts], x.contacts[0].line,
					first.Date, first.Form, first.Org)}})
		}
	}

	// Assessments carry negative ids -n (n their number) until stored, so
	// that reconsiderations can refer to them.
	numbers := map[int]int{} // assessment_no → line
	if len(x.assessments) > 0 {
		sort.SliceStable(x.assessments, func(i, j int) bool { return x.assessments[i].a.Date.Before(x.assessments[j].a.Date) })
		proj := c.Assessments
		c.Assessments = nil
		for _, in := range x.assessments {
			if prev, dup := numbers[in.no]; dup {
				as.fail(FileAssessments, in.line, "assessment_no", nrm.RuleDuplicate, strconv.Itoa(in.no),
					fmt.Sprintf("a number unique within the case (also on line %d)", prev))
				continue
			}
			numbers[in.no] = in.line
			in.a.ID = -int64(in.no)
			m := base()
			m.Contacts = c.Contacts
			m.Assessments = []nrm.Assessment{in.a}
			as.rowErrs(FileAssessments, in.line, assessCols, m.Validate(today))
			c.Assessments = append(c.Assessments, in.a)
		}
		prim, _ := c.PrimaryAssessment()
		if len(proj) > 0 && !sameProjection(proj[0], prim) {
			as.errs.add(RowError{File: caseLabel, Line: r.line, FieldError: nrm.FieldError{Field: "assessment_date", Rule: nrm.RuleNotAllowed,
				Value: proj[0].Date.String() + " " + string(proj[0].Authority) + " " + string(proj[0].Outcome),
				Expected: fmt.Sprintf("the primary assessment of %s (assessment_no %d): %s %s %s, same exploitation, sector and country",
					as.xs.labels[FileAssessments], -prim.ID, prim.Date, prim.Authority, prim.Outcome)}})
		}
	} else if len(x.reconsiderations) > 0 && len(c.Assessments) == 1 {
		c.Assessments[0].ID = -1 // the assessment of cases.csv is number 1
		numbers[1] = r.line
	}
	sort.SliceStable(x.reconsiderations, func(i, j int) bool {
		return x.reconsiderations[i].r.RequestedOn.Before(x.reconsiderations[j].r.RequestedOn)
	})
	for _, in := range x.reconsiderations {
		bad := false
		for _, n := range []struct {
			col string
			no  int
		}{{"assessment_no", in.no}, {"new_assessment_no", in.newNo}} {
			if _, ok := numbers[n.no]; n.no != 0 && !ok {
				as.fail(FileReconsiderations, in.line, n.col, nrm.RuleUnknownReference, strconv.Itoa(n.no),
					"the assessment_no of one of the case's assessments in "+as.xs.labels[FileAssessments])
				bad = true
			}
		}
		if bad {
			continue
		}
		in.r.AssessmentID = -int64(in.no)
		if in.newNo != 0 {
			in.r.NewAssessmentID = -int64(in.newNo)
		}
		m := base()
		m.Assessments = c.Assessments
		m.Reconsiderations = []nrm.Reconsideration{in.r}
		as.rowErrs(FileReconsiderations, in.line, reconsCols, m.Validate(today))
		c.Reconsiderations = append(c.Reconsiderations, in.r)
	}

	sort.SliceStable(x.reflection, func(i, j int) bool { return x.reflection[i].p.Start.Before(x.reflection[j].p.Start) })
	for _, in := range x.reflection {
		m := base()
		m.ReflectionPeriods = []nrm.ReflectionPeriod{in.p}
		if in.p.Kind == nrm.ReflectionExtension {
			// An extension needs an initial period before it: the
			// earliest of the rows read so far stands in for it.
			for _, e := range c.ReflectionPeriods {
				if e.Kind != nrm.ReflectionExtension {
					m.ReflectionPeriods = append(m.ReflectionPeriods, nrm.ReflectionPeriod{Start: e.Start, End: e.Start})
					break
				}
			}
		}
		as.rowErrs(FileReflection, in.line, reflectionCols, m.Validate(today))
		c.ReflectionPeriods = append(c.ReflectionPeriods, in.p)
	}
	sort.SliceStable(x.offers, func(i, j int) bool { return x.offers[i].o.Offered.Before(x.offers[j].o.Offered) })
	for _, in := range x.offers {
		m := base()
		m.Offers = []nrm.Offer{in.o}
		as.rowErrs(FileOffers, in.line, offerCols, m.Validate(today))
		c.Offers = append(c.Offers, in.o)
	}
	sort.SliceStable(x.reopenings, func(i, j int) bool { return x.reopenings[i].r.Date.Before(x.reopenings[j].r.Date) })
	for _, in := range x.reopenings {
		m := base()
		m.Reopenings = []nrm.Reopening{in.r}
		as.rowErrs(FileReopenings, in.line, reopenCols, m.Validate(today))
		c.Reopenings = append(c.Reopenings, in.r)
	}

	// Consents, numbered like assessments, then the referrals resting on
	// them, checked by the domain's rules for a new referral (but those
	// about today: history is imported as it was).
	consents := map[int]int{}
	sort.SliceStable(x.consents, func(i, j int) bool {
		a, b := x.consents[i], x.consents[j]
		return a.k.GivenOn.Before(b.k.GivenOn) || a.k.GivenOn == b.k.GivenOn && a.no < b.no
	})
	for _, in := range x.consents {
		if prev, dup := consents[in.no]; dup {
			as.fail(FileConsents, in.line, "consent_no", nrm.RuleDuplicate, strconv.Itoa(in.no),
				fmt.Sprintf("a number unique within the case (also on line %d)", prev))
			continue
		}
		consents[in.no] = in.line
		in.k.ID = -int64(in.no)
		as.rowErrs(FileConsents, in.line, consentCols, in.k.Validate(today))
		c.Consents = append(c.Consents, in.k)
	}
	sort.SliceStable(x.referrals, func(i, j int) bool { return x.referrals[i].r.Date.Before(x.referrals[j].r.Date) })
	var known func(string) bool
	if as.opt.KnownOrgs != nil {
		known = func(o string) bool { return as.opt.KnownOrgs[o] }
	}
	for _, in := range x.referrals {
		if in.consentNo != 0 {
			if _, ok := consents[in.consentNo]; !ok {
				as.fail(FileReferrals, in.line, "consent_no", nrm.RuleUnknownReference, strconv.Itoa(in.consentNo),
					"the consent_no of one of the case's consents in "+as.xs.labels[FileConsents])
				continue
			}
			in.r.ConsentID = -int64(in.consentNo)
		}
		as.rowErrs(FileReferrals, in.line, referralCols, c.ValidateReferral(in.r, nrm.Date{}, known))
		c.Referrals = append(c.Referrals, in.r)
	}

	for _, in := range x.shares {
		if in.org == c.OwnerOrg {
			as.fail(FileShares, in.line, "org", nrm.RuleNotAllowed, in.org, "another organisation than the owner "+c.OwnerOrg)
			continue
		}
		c.SharedWith = append(c.SharedWith, in.org)
	}
	for i, in := range x.identifiers {
		if i > 0 {
			as.fail(FileIdentifiers, in.line, "case_ref", nrm.RuleDuplicate, c.Ref,
				fmt.Sprintf("one row per case (also on line %d)", x.identifiers[0].line))
			continue
		}
		bd := c.Identifiers.BirthDate
		c.Identifiers = in.ids
		c.Identifiers.BirthDate = bd
	}
}

// sameProjection reports whether the assessment columns of cases.csv (p)
// agree with the primary assessment a of assessments.csv.
func sameProjection(p, a nrm.Assessment) bool {
	if p.Date != a.Date || p.Authority != a.Authority || p.Outcome != a.Outcome || p.LabourSector != a.LabourSector || p.LabourSetting != a.LabourSetting ||
		p.ExploitationCountry != a.ExploitationCountry || len(p.Exploitation) != len(a.Exploitation) {
		return false
	}
	set := map[nrm.ExploitationForm]bool{}
	for _, f := range a.Exploitation {
		set[f] = true
	}
	for _, f := range p.Exploitation {
		if !set[f] {
			return false
		}
	}
	return true
}

// unknownRefs records the rows of the optional files whose case_ref
// cases.csv does not have.
func (xs *extras) unknownRefs(ck *checked, errs *Errors) {
	for ref, x := range xs.byRef {
		if i, ok := ck.refs[ref]; ok && ck.info[i].caseLine != 0 {
			continue
		}
		var lines [][2]any
		add := func(file string, line int) { lines = append(lines, [2]any{file, line}) }
		for _, r := range x.contacts {
			add(FileContacts, r.line)
		}
		for _, r := range x.assessments {
			add(FileAssessments, r.line)
		}
		for _, r := range x.reflection {
			add(FileReflection, r.line)
		}
		for _, r := range x.offers {
			add(FileOffers, r.line)
		}
		for _, r := range x.reopenings {
			add(FileReopenings, r.line)
		}
		for _, r := range x.reconsiderations {
			add(FileReconsiderations, r.line)
		}
		for _, r := range x.consents {
			add(FileConsents, r.line)
		}
		for _, r := range x.referrals {
			add(FileReferrals, r.line)
		}
		for _, r := range x.shares {
			add(FileShares, r.line)
		}
		for _, r := range x.identifiers {
			add(FileIdentifiers, r.line)
		}
		for _, l := range lines {
			errs.add(RowError{File: xs.labels[l[0].(string)], Line: l[1].(int), FieldError: nrm.FieldError{Field: "case_ref",
				Rule: nrm.RuleUnknownReference, Value: ref, Expected: "a case_ref of cases.csv"}})
		}
	}
}
