package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"nrm"
)

// The referral mechanism's pages: the consent and referral section of the
// case page (with its forms), the organisation's referrals in and out,
// one referral with the receiver's and sender's actions, and the queues.

// queueRoles may open /queue: assessors see their authority's queue,
// coordinators and administrators every queue's size.
var queueRoles = []nrm.Role{nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAssessor}

func (s *Server) referralRoutes() {
	s.route("GET /referrals", 0, caseRoles, s.referralList)
	s.route("GET /referrals/{id}", 0, caseRoles, s.referralShow)
	// After a refused post, the language switch links to the address the
	// form posted to; these bring it back to the referral.
	s.route("GET /referrals/{id}/{action}", 0, caseRoles, s.referralBack)
	s.route("POST /referrals/{id}/accept", maxFormBytes, caseRoles, s.referralAccept)
	s.route("POST /referrals/{id}/return", maxFormBytes, caseRoles, s.referralReturn)
	s.route("POST /referrals/{id}/withdraw", maxFormBytes, caseRoles, s.referralWithdraw)
	s.route("POST /cases/{id}/referrals", maxFormBytes, caseRoles, s.caseRefer)
	s.route("POST /cases/{id}/referrals/{rid}/revoke", maxFormBytes, caseRoles, s.caseRevokeAccess)
	s.route("POST /cases/{id}/consents", maxFormBytes, caseRoles, s.caseGiveConsent)
	s.route("POST /cases/{id}/consents/{cid}/withdraw", maxFormBytes, caseRoles, s.caseWithdrawConsent)
	s.route("GET /queue", 0, queueRoles, s.queueShow)
	s.apiReferralRoutes()
}

// consentRow is a consent as the case page lists it.
type consentRow struct {
	nrm.Consent
	InForce bool
}

// referralRow is a referral as the case page lists it.
type referralRow struct {
	nrm.Referral
	DaysWaiting int
	CanWithdraw bool
}

// mechanismSection is the consent and referral section of a case: the
// case page shows it (through casePage.Mechanism), and a refused form of
// the section is shown again on a page of its own with its messages.
type mechanismSection struct {
	page
	Case          *nrm.Case
	Consents      []consentRow
	Referrals     []referralRow
	Access        []nrm.Referral // accepted referrals, with access or revoked
	ReferConsents []nrm.Consent  // consents to referral in force today
	Targets       []*nrm.Organisation
	ShareOrgs     []*nrm.Organisation
	Expected      nrm.Authority
	Minor         bool
	Closed        bool
	IsOwner       bool
	Today         string

	failed   string
	failedID int64
	failedF  *form
	today    nrm.Date
	orgs     map[string]string
}

// Mechanism returns the consent and referral section of the case page.
func (p *casePage) Mechanism() *mechanismSection {
	today, err := nrm.ParseDate(p.Today)
	if err != nil || today.IsZero() {
		today = nrm.DateOf(time.Now())
	}
	return buildMechanism(p.page, p.Case, p.Orgs, p.orgs, today)
}

func buildMechanism(pg page, c *nrm.Case, orgs []*nrm.Organisation, names map[string]string, today nrm.Date) *mechanismSection {
	m := &mechanismSection{page: pg, Case: c, Expected: nrm.AuthorityFor(c.ResidenceStatus), Minor: c.MinorAt(today),
		Closed: c.IsClosed(), Today: today.String(), today: today, orgs: names}
	userOrg := ""
	if pg.User != nil {
		userOrg = pg.User.Org
		m.IsOwner = pg.User.Org == c.OwnerOrg || pg.User.Role == nrm.RoleAdmin
	}
	for _, k := range c.Consents {
		row := consentRow{Consent: k, InForce: k.WithdrawnOn.IsZero() || k.WithdrawnOn.After(today)}
		m.Consents = append(m.Consents, row)
		if k.Has(nrm.ConsentRefer, today) {
			m.ReferConsents = append(m.ReferConsents, k)
		}
	}
	for _, r := range c.Referrals {
		row := referralRow{Referral: r, CanWithdraw: r.Open() && r.FromOrg == userOrg}
		if r.Open() {
			row.DaysWaiting = max(0, r.Date.DaysUntil(today))
		}
		m.Referrals = append(m.Referrals, row)
		if r.Status == nrm.ReferralAccepted {
			m.Access = append(m.Access, r)
		}
	}
	for _, o := range orgs {
		if o.Code != userOrg {
			m.Targets = append(m.Targets, o)
		}
		if o.Code != c.OwnerOrg {
			m.ShareOrgs = append(m.ShareOrgs, o)
		}
	}
	return m
}

// F returns the form named (for a row, with its id): the refused one
// with its values and messages, or a fresh one with today's date.
func (m *mechanismSection) F(name string, id int64) *form {
	if m.failedF != nil && m.failed == name && m.failedID == id {
		return m.failedF
	}
	f := newForm(nil)
	switch name {
	case "refer":
		f.Values.Set("referral_date", m.Today)
	case "consent":
		f.Values.Set("consent_given_on", m.Today)
	case "withdraw_consent":
		f.Values.Set("consent_withdrawn_on", m.Today)
	}
	return f
}

// Failed reports whether the form named failed (for the row's id).
func (m *mechanismSection) Failed(name string, id int64) bool {
	return m.failedF != nil && m.failed == name && m.failedID == id
}

// OrgName returns an organisation's name, or its code.
func (m *mechanismSection) OrgName(code string) string { return nameOr(m.orgs, code) }

// OrgNames returns the names of organisations, comma-separated.
func (m *mechanismSection) OrgNames(codes []string) string {
	var out []string
	for _, c := range codes {
		out = append(out, nameOr(m.orgs, c))
	}
	return strings.Join(out, ", ")
}

// ScopeLabels returns a consent's scopes in the page language.
func (m *mechanismSection) ScopeLabels(k nrm.Consent) string {
	var out []string
	for _, s := range k.Scopes {
		out = append(out, s.Label(m.Lang))
	}
	return strings.Join(out, ", ")
}

// ConsentLabel describes a consent in a select: the date given, by whom
// and what it covers.
func (m *mechanismSection) ConsentLabel(k nrm.Consent) string {
	s := fmt.Sprintf(tr(m.Lang, "mech.given"), k.GivenOn.String())
	if k.GivenBy != "" {
		s += " " + fmt.Sprintf(tr(m.Lang, "mech.by"), k.GivenBy)
	}
	return s + " (" + m.ScopeLabels(k) + ")"
}

// IndicatorLabels returns a referral's indicators in the page language.
func (m *mechanismSection) IndicatorLabels(r nrm.Referral) string {
	return indicatorLabels(r.Indicators, m.Lang)
}

func indicatorLabels(is []nrm.Indicator, lang nrm.Lang) string {
	var out []string
	for _, i := range is {
		out = append(out, i.Label(lang))
	}
	if len(out) == 0 {
		return "–"
	}
	return strings.Join(out, ", ")
}

// RouteRule states the competent authority the residence status names,
// as a suggestion next to the organisation select.
func (m *mechanismSection) RouteRule() string {
	if m.Expected == "" {
		return tr(m.Lang, "referral.route_unknown")
	}
	return fmt.Sprintf(tr(m.Lang, "referral.route_rule"), m.L("residence_status", m.Case.ResidenceStatus), m.OrgName(nrm.AuthorityOrg(m.Expected)))
}

// caseMechanismPage shows the section alone after one of its forms was
// refused, so that every message stands next to its field.
type caseMechanismPage struct {
	page
	Case      *nrm.Case
	Mechanism *mechanismSection
}

// renderMechanism shows the section of case c with the refused form f.
func (s *Server) renderMechanism(w http.ResponseWriter, r *http.Request, status int, c *nrm.Case, failed string, id int64, f *form) {
	ctx, lang := r.Context(), langOf(r)
	orgs, names := s.organisations(ctx, lang)
	pg := s.newPage(w, r, tr(lang, "mech.page_title")+" "+c.Ref)
	m := buildMechanism(pg, c, orgs, names, nrm.DateOf(s.now()))
	m.failed, m.failedID, m.failedF = failed, id, f
	s.render(w, r, status, "case_mechanism", &caseMechanismPage{page: pg, Case: c, Mechanism: m})
}

// mechanismFailure answers a refused form of the mechanism: messages of
// invalid input, denials and conflicts next to the form; anything else as
// an error page.
func (s *Server) mechanismFailure(w http.ResponseWriter, r *http.Request, c *nrm.Case, name string, id int64, err error) {
	switch nrm.ErrorCode(err) {
	case nrm.EINVALID, nrm.EFORBIDDEN, nrm.ECONFLICT:
		f := newForm(r.PostForm)
		addMechErr(f, err, langOf(r))
		if fresh, ferr := s.db.FindCaseByID(r.Context(), c.ID); ferr == nil {
			c = fresh
		}
		s.renderMechanism(w, r, httpStatus(err), c, name, id, f)
	default:
		s.fail(w, r, err)
	}
}

// mechConfirmed adds the confirmation error to p unless the box was ticked.
func mechConfirmed(p *parser) {
	if p.v.Get("confirm") != "yes" {
		p.errors = append(p.errors, nrm.FieldError{Field: "confirm", Rule: ruleConfirm})
	}
}

// ruleConfirm marks an irreversible action that was not confirmed; its
// message comes from the labels, not the domain.
const ruleConfirm = "confirm"

// addMechErr records err on f like form.addErr, with the web's own
// message for an unconfirmed action.
func addMechErr(f *form, err error, lang nrm.Lang) {
	fes := nrm.FieldErrors(err)
	if len(fes) == 0 {
		f.Message = userMessage(err, lang)
		return
	}
	for _, fe := range fes {
		if fe.Rule == ruleConfirm {
			f.add(fe.Field, tr(lang, "mech.confirm_first"))
			continue
		}
		f.add(fe.Field, fe.Message(lang))
	}
}

// caseGiveConsent records the person's consent.
func (s *Server) caseGiveConsent(w http.ResponseWriter, r *http.Request) {
	c, ok := s.postedCase(w, r)
	if !ok {
		return
	}
	p := &parser{v: r.PostForm}
	k := nrm.Consent{GivenOn: p.requiredDate("consent_given_on"), GivenBy: p.str("consent_given_by")}
	for _, v := range p.v["consent_scope"] {
		k.Scopes = append(k.Scopes, nrm.ConsentScope(strings.TrimSpace(v)))
	}
	for _, v := range p.v["consent_share_with"] {
		if v = strings.TrimSpace(v); v != "" {
			k.ShareWith = append(k.ShareWith, v)
		}
	}
	err := mergeErrors(p.err(), k.Validate(nrm.DateOf(s.now())))
	if err == nil {
		err = s.cfg.Referrals.GiveConsent(r.Context(), c.ID, &k)
	}
	if err != nil {
		s.mechanismFailure(w, r, c, "consent", 0, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=1#consents", c.ID), http.StatusSeeOther)
}

// caseWithdrawConsent withdraws a consent (confirmed: the access it gave
// ends).
func (s *Server) caseWithdrawConsent(w http.ResponseWriter, r *http.Request) {
	c, ok := s.postedCase(w, r)
	if !ok {
		return
	}
	cid, _ := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	k, ok := c.ConsentByID(cid)
	if !ok {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	p := &parser{v: r.PostForm}
	on := p.requiredDate("consent_withdrawn_on")
	today := nrm.DateOf(s.now())
	switch {
	case on.IsZero():
	case on.After(today):
		p.errors = append(p.errors, fieldErr("consent_withdrawn_on", nrm.RuleRange, on.String(), today.String()))
	case on.Before(k.GivenOn):
		p.errors = append(p.errors, fieldErr("consent_withdrawn_on", nrm.RuleDateOrder, on.String(), k.GivenOn.String()))
	}
	mechConfirmed(p)
	err := p.err()
	if err == nil {
		err = s.cfg.Referrals.WithdrawConsent(r.Context(), c.ID, cid, on)
	}
	if err != nil {
		s.mechanismFailure(w, r, c, "withdraw_consent", cid, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=1#consents", c.ID), http.StatusSeeOther)
}

// referralFromForm reads the refer form.
func referralFromForm(p *parser) nrm.Referral {
	ref := nrm.Referral{
		Purpose:                nrm.ReferralPurpose(p.code("referral_purpose", "referral_purpose", true)),
		ToOrg:                  p.str("referral_to"),
		Date:                   p.requiredDate("referral_date"),
		Reason:                 p.str("referral_reason"),
		RouteReason:            p.str("route_reason"),
		Municipality:           p.str("municipality"),
		MunicipalityInformedOn: p.date("municipality_informed_on"),
	}
	for _, v := range p.v["indicators"] {
		if nrm.ValidCode("indicator", v) {
			ref.Indicators = append(ref.Indicators, nrm.Indicator(v))
		} else {
			p.errors = append(p.errors, fieldErr("indicators", nrm.RuleOneOf, v, nrm.ExpectedCodes("indicator")))
		}
	}
	if v := p.str("consent"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			p.errors = append(p.errors, fieldErr("consent", nrm.RuleUnknownReference, "", ""))
		}
		ref.ConsentID = id
	}
	return ref
}

// caseRefer sends a referral of the case from the user's organisation.
// The form is checked against the domain rules here too, so that every
// fault of the form is reported at once.
func (s *Server) caseRefer(w http.ResponseWriter, r *http.Request) {
	c, ok := s.postedCase(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	p := &parser{v: r.PostForm}
	ref := referralFromForm(p)
	ref.FromOrg = currentUser(r).Org
	_, names := s.organisations(ctx, langOf(r))
	known := func(code string) bool { _, ok := names[code]; return ok }
	err := mergeErrors(p.err(), c.ValidateReferral(ref, nrm.DateOf(s.now()), known))
	if err == nil {
		err = s.cfg.Referrals.Refer(ctx, c.ID, &ref)
	}
	if err != nil {
		s.mechanismFailure(w, r, c, "refer", 0, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=1#referrals", c.ID), http.StatusSeeOther)
}

// caseRevokeAccess ends the access an accepted referral gave, with a
// reason (the owner's decision, confirmed).
func (s *Server) caseRevokeAccess(w http.ResponseWriter, r *http.Request) {
	c, ok := s.postedCase(w, r)
	if !ok {
		return
	}
	rid, _ := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	found := false
	for _, ref := range c.Referrals {
		found = found || (ref.ID == rid && rid > 0)
	}
	if !found {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "not found"))
		return
	}
	p := &parser{v: r.PostForm}
	reason := p.str("revoke_reason")
	if reason == "" {
		p.errors = append(p.errors, fieldErr("revoke_reason", nrm.RuleRequired, "", ""))
	} else if len(reason) > nrm.MaxTextLen {
		p.errors = append(p.errors, fieldErr("revoke_reason", nrm.RuleTooLong, "", strconv.Itoa(nrm.MaxTextLen)))
	}
	mechConfirmed(p)
	err := p.err()
	if err == nil {
		err = s.cfg.Referrals.RevokeReferralAccess(r.Context(), rid, nrm.DateOf(s.now()), reason)
	}
	if err != nil {
		s.mechanismFailure(w, r, c, "revoke", rid, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=1#access", c.ID), http.StatusSeeOther)
}

// referralListSize is the number of referrals listed per direction.
const referralListSize = 200

type referralListPage struct {
	page
	Filter            *form
	In, Out           []*nrm.ReferralSummary
	InTotal, OutTotal int
	Limit             int
	orgs              map[string]string
}

// OrgName returns an organisation's name, or its code.
func (p *referralListPage) OrgName(code string) string { return nameOr(p.orgs, code) }

// referralTable is one direction of the referral list.
type referralTable struct {
	page
	Dir      string
	Incoming bool
	Rows     []*nrm.ReferralSummary
	Total    int
	orgs     map[string]string
}

// OrgName returns an organisation's name, or its code.
func (t *referralTable) OrgName(code string) string { return nameOr(t.orgs, code) }

// Table returns the incoming ("in") or outgoing ("out") referrals.
func (p *referralListPage) Table(dir string) *referralTable {
	t := &referralTable{page: p.page, Dir: dir, Incoming: dir == "in", Rows: p.Out, Total: p.OutTotal, orgs: p.orgs}
	if t.Incoming {
		t.Rows, t.Total = p.In, p.InTotal
	}
	return t
}

// referralList lists the referrals the user's organisation received and
// sent, newest first, optionally of one status.
func (s *Server) referralList(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	q := r.URL.Query()
	st := nrm.ReferralStatus(q.Get("status"))
	if !st.Valid() {
		st = "" // the select offers known statuses only
	}
	p := &referralListPage{page: s.newPage(w, r, tr(lang, "referrals.title")), Filter: newForm(url.Values{"status": {string(st)}}), Limit: referralListSize}
	var err error
	p.In, p.InTotal, err = s.cfg.Referrals.FindReferrals(ctx, nrm.ReferralFilter{Direction: "in", Status: st, Limit: referralListSize})
	if err == nil {
		p.Out, p.OutTotal, err = s.cfg.Referrals.FindReferrals(ctx, nrm.ReferralFilter{Direction: "out", Status: st, Limit: referralListSize})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, p.orgs = s.organisations(ctx, lang)
	s.render(w, r, http.StatusOK, "referrals", p)
}

type referralPage struct {
	page
	R           *nrm.ReferralSummary
	CanAnswer   bool
	CanWithdraw bool
	CaseLink    bool
	failed      string
	failedF     *form
	orgs        map[string]string
	country     map[string]string
}

// F returns the form named: the refused one, or a fresh one.
func (p *referralPage) F(name string) *form {
	if p.failedF != nil && p.failed == name {
		return p.failedF
	}
	return newForm(nil)
}

// OrgName returns an organisation's name, or its code.
func (p *referralPage) OrgName(code string) string { return nameOr(p.orgs, code) }

// CountryName returns a country's name in the page language.
func (p *referralPage) CountryName(code string) string { return countryName(p.country, code) }

// IndicatorLabels returns the referral's indicators in the page language.
func (p *referralPage) IndicatorLabels() string { return indicatorLabels(p.R.Indicators, p.Lang) }

func (s *Server) loadReferral(r *http.Request) (*nrm.ReferralSummary, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	return s.cfg.Referrals.FindReferral(r.Context(), id)
}

// referralShow shows one referral to its sender or receiver.
func (s *Server) referralShow(w http.ResponseWriter, r *http.Request) {
	ref, err := s.loadReferral(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReferral(w, r, http.StatusOK, ref, "", nil)
}

func (s *Server) renderReferral(w http.ResponseWriter, r *http.Request, status int, ref *nrm.ReferralSummary, failed string, f *form) {
	ctx, lang := r.Context(), langOf(r)
	u := currentUser(r)
	admin := u.Role == nrm.RoleAdmin
	p := &referralPage{page: s.newPage(w, r, tr(lang, "referral.title")+" "+ref.CaseRef), R: ref, failed: failed, failedF: f,
		CanAnswer:   ref.Open() && (ref.ToOrg == u.Org || admin),
		CanWithdraw: ref.Open() && (ref.FromOrg == u.Org || admin),
		CaseLink:    admin || ref.OwnerOrg == u.Org || ref.FromOrg == u.Org || (ref.ToOrg == u.Org && ref.GivesAccess()),
	}
	_, p.orgs = s.organisations(ctx, lang)
	_, p.country = s.countries(ctx, lang)
	s.render(w, r, status, "referral", p)
}

// referralBack sends a GET of an action's address to the referral.
func (s *Server) referralBack(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	target := fmt.Sprintf("/referrals/%d", id)
	if l := r.URL.Query().Get("lang"); l == string(nrm.LangDA) || l == string(nrm.LangEN) {
		target += "?lang=" + l
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// referralAction runs a receiver's or sender's action on a referral:
// refused input is shown again next to the form's fields.
func (s *Server) referralAction(w http.ResponseWriter, r *http.Request, name string, read func(p *parser), act func(id int64, on nrm.Date) error, done func(ref *nrm.ReferralSummary) string) {
	if !s.parseForm(w, r) {
		return
	}
	ref, err := s.loadReferral(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &parser{v: r.PostForm}
	if read != nil {
		read(p)
	}
	mechConfirmed(p)
	err = p.err()
	if err == nil {
		err = act(ref.ID, nrm.DateOf(s.now()))
	}
	if err != nil {
		switch nrm.ErrorCode(err) {
		case nrm.EINVALID, nrm.EFORBIDDEN, nrm.ECONFLICT:
		default:
			s.fail(w, r, err)
			return
		}
		f := newForm(r.PostForm)
		addMechErr(f, err, langOf(r))
		if fresh, ferr := s.cfg.Referrals.FindReferral(r.Context(), ref.ID); ferr == nil {
			ref = fresh
		}
		s.renderReferral(w, r, httpStatus(err), ref, name, f)
		return
	}
	http.Redirect(w, r, done(ref), http.StatusSeeOther)
}

// referralAccept accepts a referral; the receiver then sees the case.
func (s *Server) referralAccept(w http.ResponseWriter, r *http.Request) {
	s.referralAction(w, r, "accept", nil,
		func(id int64, on nrm.Date) error { return s.cfg.Referrals.AcceptReferral(r.Context(), id, on) },
		func(ref *nrm.ReferralSummary) string {
			// With the duplicate notice, if any (search.go).
			return fmt.Sprintf("/cases/%d?saved=1%s", ref.CaseID, s.duplicatesQueryAt(r, ref.CaseID, "referral"))
		})
}

// referralReturn sends a referral back with a reason.
func (s *Server) referralReturn(w http.ResponseWriter, r *http.Request) {
	var reason string
	s.referralAction(w, r, "return", func(p *parser) {
		reason = p.str("return_reason")
		if reason == "" {
			p.errors = append(p.errors, fieldErr("return_reason", nrm.RuleRequired, "", ""))
		} else if len(reason) > nrm.MaxTextLen {
			p.errors = append(p.errors, fieldErr("return_reason", nrm.RuleTooLong, "", strconv.Itoa(nrm.MaxTextLen)))
		}
	},
		func(id int64, on nrm.Date) error { return s.cfg.Referrals.ReturnReferral(r.Context(), id, on, reason) },
		func(ref *nrm.ReferralSummary) string { return fmt.Sprintf("/referrals/%d?saved=1", ref.ID) })
}

// referralWithdraw withdraws a referral the user's organisation sent,
// from the referral's page or from the case page (next=case).
func (s *Server) referralWithdraw(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("next") == "case" {
		s.caseWithdrawReferral(w, r)
		return
	}
	s.referralAction(w, r, "withdraw", nil,
		func(id int64, on nrm.Date) error { return s.cfg.Referrals.WithdrawReferral(r.Context(), id, on) },
		func(ref *nrm.ReferralSummary) string { return fmt.Sprintf("/referrals/%d?saved=1", ref.ID) })
}

// caseWithdrawReferral is the case page's withdraw: a refusal is shown
// in the case's consent and referral section.
func (s *Server) caseWithdrawReferral(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ref, err := s.loadReferral(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.FindCaseByID(r.Context(), ref.CaseID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &parser{v: r.PostForm}
	mechConfirmed(p)
	err = p.err()
	if err == nil {
		err = s.cfg.Referrals.WithdrawReferral(r.Context(), ref.ID, nrm.DateOf(s.now()))
	}
	if err != nil {
		s.mechanismFailure(w, r, c, "withdraw_referral", ref.ID, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=1#referrals", c.ID), http.StatusSeeOther)
}
