package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"nrm"
)

func countryName(m map[string]string, code string) string {
	if n, ok := m[code]; ok {
		return n
	}
	if code == "" {
		return "–"
	}
	return code
}

// countryCacheTTL is how long the sorted country list is reused. The web
// never changes the list; a change made with `nrm countries` shows in the
// forms after at most this long.
const countryCacheTTL = 30 * time.Second

// countryList is the country list sorted by name in one language, with a
// code → name map; shared between requests and never modified.
type countryList struct {
	at    time.Time
	list  []*nrm.Country
	names map[string]string
}

// countries returns the country list sorted by name and a code → name
// map in lang. Both are shared: callers must not modify them.
func (s *Server) countries(ctx context.Context, lang nrm.Lang) ([]*nrm.Country, map[string]string) {
	now := s.now()
	s.countryMu.Lock()
	cl := s.countryCache[lang]
	s.countryMu.Unlock()
	if cl != nil && now.Sub(cl.at) >= 0 && now.Sub(cl.at) < countryCacheTTL {
		return cl.list, cl.names
	}
	cs, err := s.db.FindCountries(ctx)
	if err != nil {
		return nil, map[string]string{}
	}
	m := make(map[string]string, len(cs))
	for _, c := range cs {
		m[c.Code] = c.Name(lang)
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Name(lang) < cs[j].Name(lang) })
	s.countryMu.Lock()
	if s.countryCache == nil {
		s.countryCache = map[nrm.Lang]*countryList{}
	}
	s.countryCache[lang] = &countryList{at: now, list: cs, names: m}
	s.countryMu.Unlock()
	return cs, m
}

// organisations returns the organisation list and a code → name map in
// lang, reused like the country list for countryCacheTTL (the web never
// changes organisations; `nrm demo` and imports do). Both are shared:
// callers must not modify them.
func (s *Server) organisations(ctx context.Context, lang nrm.Lang) ([]*nrm.Organisation, map[string]string) {
	now := s.now()
	s.countryMu.Lock()
	ol := s.orgCache[lang]
	s.countryMu.Unlock()
	if ol != nil && now.Sub(ol.at) >= 0 && now.Sub(ol.at) < countryCacheTTL {
		return ol.list, ol.names
	}
	os, err := s.db.FindOrganisations(ctx)
	if err != nil {
		return nil, map[string]string{}
	}
	m := make(map[string]string, len(os))
	for _, o := range os {
		m[o.Code] = o.Name(lang)
	}
	s.countryMu.Lock()
	if s.orgCache == nil {
		s.orgCache = map[nrm.Lang]*orgList{}
	}
	s.orgCache[lang] = &orgList{at: now, list: os, names: m}
	s.countryMu.Unlock()
	return os, m
}

// orgList is the organisation list with a code → name map, cached.
type orgList struct {
	at    time.Time
	list  []*nrm.Organisation
	names map[string]string
}

type caseNewPage struct {
	page
	Form          *form
	Orgs          []*nrm.Organisation
	Countries     []*nrm.Country
	ChooseOwner   bool
	OwnerOrg      string
	MaxBirthDate  string
	ReferenceHint string
}

func (s *Server) newCasePage(w http.ResponseWriter, r *http.Request, f *form) *caseNewPage {
	ctx, lang := r.Context(), langOf(r)
	u := currentUser(r)
	p := &caseNewPage{page: s.newPage(w, r, tr(lang, "case_new.title")), Form: f, ChooseOwner: u.Role == nrm.RoleAdmin, OwnerOrg: u.Org}
	p.Orgs, _ = s.organisations(ctx, lang)
	p.Countries, _ = s.countries(ctx, lang)
	p.MaxBirthDate = nrm.DateOf(s.now()).String()
	return p
}

func (s *Server) caseNew(w http.ResponseWriter, r *http.Request) {
	// No gender is preselected: a default would be recorded unnoticed.
	f := newForm(nil)
	f.Values.Set("residence_status", string(nrm.ResidenceUnknown))
	f.Values.Set("owner_org", currentUser(r).Org)
	s.render(w, r, http.StatusOK, "case_new", s.newCasePage(w, r, f))
}

// newRef returns a fresh pseudonymous case reference: it says nothing
// about the person.
func newRef(year int) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return fmt.Sprintf("NRM-%d-%s", year, b)
}

// caseCreate registers a presumed victim: statistical attributes in
// clear, direct identifiers sealed by storage.
func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx, lang := r.Context(), langOf(r)
	u := currentUser(r)
	p := &parser{v: r.PostForm}
	c := &nrm.Case{
		Ref: p.str("case_ref"), OwnerOrg: u.Org,
		Gender:          nrm.Gender(p.code("gender", "gender", true)),
		Nationality:     strings.ToUpper(p.str("nationality")),
		ResidenceStatus: nrm.ResidenceStatus(p.code("residence_status", "residence_status", true)),
		BirthYear:       p.integer("birth_year"),
		Identifiers: nrm.Identifiers{
			Name: p.str("name"), Aliases: p.list("aliases"), BirthDate: p.date("birth_date"),
			DocumentNumbers: p.list("document_numbers"), Phone: p.str("phone"), Address: p.str("address"), Notes: p.str("notes"),
		},
	}
	if u.Role == nrm.RoleAdmin && p.str("owner_org") != "" {
		c.OwnerOrg = p.str("owner_org")
	}
	if c.Ref == "" {
		c.Ref = newRef(s.now().Year())
	}
	if c.BirthYear == 0 && !c.Identifiers.BirthDate.IsZero() {
		c.BirthYear = c.Identifiers.BirthDate.Year()
	}
	err := p.err()
	if err != nil {
		// Every fault of the form in one pass: the domain's errors for the
		// fields the parser did not already name.
		err = mergeErrors(err, c.Validate(nrm.DateOf(s.now())))
	} else {
		err = s.db.CreateCase(ctx, c)
	}
	if err != nil {
		if code := nrm.ErrorCode(err); code != nrm.EINVALID && code != nrm.ECONFLICT && code != nrm.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		f := newForm(r.PostForm)
		f.addErr(err, lang)
		if nrm.ErrorCode(err) == nrm.ECONFLICT && len(nrm.FieldErrors(err)) == 0 {
			f.Message = tr(lang, "case_new.duplicate")
		}
		s.render(w, r, httpStatus(err), "case_new", s.newCasePage(w, r, f))
		return
	}
	// A possible duplicate elsewhere is a notice, not a refusal (search.go).
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=1%s", c.ID, s.duplicatesQuery(r, c.ID)), http.StatusSeeOther)
}

// event is one entry of a case's timeline.
type event struct {
	Date   nrm.Date
	Kind   string // contact, assessment, reflection, accommodation, offer, exit, reconsideration, reopening
	Title  string
	Detail []string
	// Correct is the address of the fact's correction page ("" when the
	// fact cannot be corrected there).
	Correct string
	order   int
}

// stay is an accommodation with its day count, for the "end a stay" form.
type stay struct {
	nrm.Accommodation
	Days    int
	Ongoing bool
}

// reconsiderable is a negative final decision that can be reconsidered,
// with its reconsiderations.
type reconsiderable struct {
	nrm.Assessment
	// Pending is an undecided reconsideration of it, if any.
	Pending *nrm.Reconsideration
	// CanDecide reports whether the user may decide the reconsideration
	// (an assessor of the deciding authority, or an administrator).
	CanDecide bool
}

type casePage struct {
	page
	Case              *nrm.Case
	Timeline          []event
	Stays             []stay
	Contact           *form
	Assessment        *form
	Reflection        *form
	Accommodation     *form
	EndStay           *form
	EndStayID         int64
	Offer             *form
	Exit              *form
	Reopen            *form
	Reconsider        *form
	ReconsiderID      int64 // the assessment whose request form failed
	Decide            *form
	DecideID          int64 // the reconsideration whose decision form failed
	Negative          []reconsiderable
	OpenFacts         bool // stays or reflection periods still open
	Conflict          string
	ExpectedAuthority nrm.Authority
	CanAssess         bool
	Orgs              []*nrm.Organisation
	Countries         []*nrm.Country
	Today             string
	ReconsiderDays    int
	Journal           *journalSection // the journal and documents (journal.go)
	// DuplicateOrgs are the organisations of the duplicate notice after a
	// registration (search.go).
	DuplicateOrgs []string
	orgs, country map[string]string

	// ReflectionDays and ReflectionMax are the statutory default length
	// and maximum in total of a reflection period (settings).
	ReflectionDays, ReflectionMax int
}

// OrgName returns an organisation's name, or its code.
func (p *casePage) OrgName(code string) string {
	if n, ok := p.orgs[code]; ok {
		return n
	}
	return code
}

// CountryName returns a country's name in the page language.
func (p *casePage) CountryName(code string) string { return countryName(p.country, code) }

// caseShow shows one case: identifiers, timeline and the forms that add
// to it.
func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCase(w, r, http.StatusOK, c, "", nil)
}

func (s *Server) loadCase(r *http.Request) (*nrm.Case, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nrm.Errorf(nrm.ENOTFOUND, "not found")
	}
	return s.db.FindCaseByID(r.Context(), id)
}

// canDecide reports whether u may decide for authority a: its assessors
// and administrators.
func canDecide(u *nrm.User, a nrm.Authority) bool {
	return u != nil && (u.Role == nrm.RoleAdmin || (u.Role == nrm.RoleAssessor && u.Authority == a))
}

// reconsiderationDays is the deadline setting for reconsiderations, in
// days from the request (setting "reconsideration.days").
func (s *Server) reconsiderationDays(ctx context.Context) int {
	if v, err := s.db.Setting(ctx, "reconsideration.days"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n <= 3650 {
			return n
		}
	}
	return nrm.DefaultReconsiderationDays
}

// renderCase renders the case page; failed names the form that failed
// and f carries its values and errors.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, c *nrm.Case, failed string, f *form) {
	ctx, lang := r.Context(), langOf(r)
	u := currentUser(r)
	today := nrm.DateOf(s.now())
	p := &casePage{page: s.newPage(w, r, tr(lang, "case.title")+" "+c.Ref), Case: c, Today: today.String(),
		ExpectedAuthority: nrm.AuthorityFor(c.ResidenceStatus),
		CanAssess:         u.Role == nrm.RoleAdmin || (u.Role == nrm.RoleAssessor && u.Authority != "")}
	p.Orgs, p.orgs = s.organisations(ctx, lang)
	p.Countries, p.country = s.countries(ctx, lang)
	if dup := r.URL.Query().Get("dup"); dup != "" {
		p.DuplicateOrgs = strings.Split(dup, ",")
	}
	blank := func(defaults ...string) *form {
		f := newForm(nil)
		for i := 0; i+1 < len(defaults); i += 2 {
			f.Values.Set(defaults[i], defaults[i+1])
		}
		return f
	}
	auth := string(p.ExpectedAuthority)
	if auth == "" && u.Role == nrm.RoleAssessor {
		auth = string(u.Authority)
	}
	// Safe forms: no contact form, stage, outcome, kind or exit kind is
	// preselected; dates default to today, the authority to the rule.
	p.Contact = blank("contact_date", today.String(), "contact_org", u.Org)
	p.Assessment = blank("assessment_date", today.String(), "assessment_authority", auth)
	p.Reflection, p.ReflectionDays, p.ReflectionMax = s.reflectionForm(ctx, c, today)
	p.Accommodation = blank("start_date", today.String())
	p.EndStay = blank("end_date", today.String())
	p.Offer = blank("offered", today.String())
	p.Exit = blank("exit_date", today.String())
	p.Reopen = blank("reopen_date", today.String())
	p.Reconsider = blank("requested_on", today.String())
	p.Decide = blank("reconsideration_decided_on", today.String(), "assessment_date", today.String())
	switch failed {
	case "contact":
		p.Contact = f
	case "assessment":
		p.Assessment = f
	case "reflection":
		p.Reflection = f
	case "accommodation":
		p.Accommodation = f
	case "end_stay":
		p.EndStay = f
		p.EndStayID, _ = strconv.ParseInt(r.PathValue("aid"), 10, 64)
	case "offer":
		p.Offer = f
	case "exit":
		p.Exit = f
	case "reopen":
		p.Reopen = f
	case "reconsider":
		p.Reconsider = f
		p.ReconsiderID, _ = strconv.ParseInt(r.PathValue("aid"), 10, 64)
	case "decide":
		p.Decide = f
		p.DecideID, _ = strconv.ParseInt(r.PathValue("fid"), 10, 64)
	}
	if f != nil && f.Message != "" && status == http.StatusConflict {
		p.Conflict = f.Message
	}
	p.OpenFacts = c.HasOpenOn(today)
	p.Timeline = s.timeline(c, today, lang, p.orgs, p.country)
	for _, a := range c.Accommodations {
		st := stay{Accommodation: a, Ongoing: a.End.IsZero() || a.End.After(today)}
		end := a.End
		if end.IsZero() || end.After(today) {
			end = today
		}
		st.Days = max(0, a.Start.DaysUntil(end)+1)
		p.Stays = append(p.Stays, st)
	}
	for _, a := range c.Assessments {
		if !a.IsFinal() || a.Outcome != nrm.OutcomeNotIdentified || a.ID == 0 {
			continue
		}
		rc := reconsiderable{Assessment: a, CanDecide: canDecide(u, a.Authority)}
		for i := range c.Reconsiderations {
			if x := &c.Reconsiderations[i]; x.AssessmentID == a.ID && x.Outcome == "" {
				rc.Pending = x
			}
		}
		p.Negative = append(p.Negative, rc)
	}
	if len(p.Negative) > 0 { // the setting is read only where a reconsideration form shows
		p.ReconsiderDays = s.reconsiderationDays(ctx)
	}
	p.Journal = s.journalSection(p.page, r, c, failed, f)
	s.render(w, r, status, "case", p)
}

// outcomeLabel labels an assessment's outcome by its stage: a
// preliminary decision finds a presumed victim, or not.
func outcomeLabel(a nrm.Assessment, lang nrm.Lang) string {
	if !a.IsFinal() {
		switch a.Outcome {
		case nrm.OutcomeIdentified:
			return tr(lang, "assessment.presumed")
		case nrm.OutcomeNotIdentified:
			return tr(lang, "assessment.not_presumed")
		}
	}
	return nrm.Label("assessment_outcome", string(a.Outcome), lang)
}

// timeline merges a case's facts into one dated list, oldest first.
// Decision reasons and reconsideration grounds are shown: the timeline
// is only ever on a single case's pages, never in a list.
func (s *Server) timeline(c *nrm.Case, today nrm.Date, lang nrm.Lang, orgs, countries map[string]string) []event {
	var ev []event
	label := func(set, code string) string { return nrm.Label(set, code, lang) }
	href := func(kind string, id int64) string {
		if id == 0 {
			return ""
		}
		return fmt.Sprintf("/cases/%d/%s/%d/correct", c.ID, kind, id)
	}
	first, _ := c.FirstContact()
	for _, ct := range c.Contacts {
		e := event{Date: ct.Date, Kind: "contact", order: 0, Title: tr(lang, "timeline.contact") + ": " + label("contact_form", string(ct.Form)),
			Correct: href("contacts", ct.ID)}
		if ct.ID == first.ID && ct.Date == first.Date {
			e.Detail = append(e.Detail, tr(lang, "timeline.first_contact"))
		}
		if ct.Org != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("contact_org", lang)+": "+nameOr(orgs, ct.Org))
		}
		if ct.Place != "" {
			e.Detail = append(e.Detail, tr(lang, "case.place")+": "+ct.Place)
		}
		ev = append(ev, e)
	}
	for _, a := range c.Assessments {
		stage := a.Stage
		if stage == "" {
			stage = nrm.StageFinal
		}
		e := event{Date: a.Date, Kind: "assessment", order: 1, Correct: href("assessments", a.ID),
			Title: tr(lang, "timeline.assessment") + ": " + outcomeLabel(a, lang) + " — " + label("authority", string(a.Authority))}
		e.Detail = append(e.Detail, nrm.FieldLabel("assessment_stage", lang)+": "+label("assessment_stage", string(stage)))
		if len(a.Exploitation) > 0 {
			var forms []string
			for _, f := range a.Exploitation {
				forms = append(forms, label("exploitation", string(f)))
			}
			e.Detail = append(e.Detail, nrm.FieldLabel("exploitation", lang)+": "+strings.Join(forms, ", "))
		}
		if a.LabourSector != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("labour_sector", lang)+": "+label("labour_sector", string(a.LabourSector)))
		}
		if a.LabourSetting != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("labour_setting", lang)+": "+label("labour_setting", string(a.LabourSetting)))
		}
		if a.ExploitationCountry != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("exploitation_country", lang)+": "+countryName(countries, a.ExploitationCountry))
		}
		if a.OverrideReason != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("override_reason", lang)+": "+a.OverrideReason)
		}
		if a.Reasons != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("decision_reasons", lang)+": "+a.Reasons)
		}
		if a.NotifiedOn.IsZero() {
			e.Detail = append(e.Detail, tr(lang, "assessment.not_notified"))
		} else {
			e.Detail = append(e.Detail, nrm.FieldLabel("notified_on", lang)+": "+a.NotifiedOn.String())
		}
		ev = append(ev, e)
	}
	for _, rc := range c.Reconsiderations {
		e := event{Date: rc.RequestedOn, Kind: "reconsideration", order: 2, Correct: href("reconsiderations", rc.ID),
			Title: tr(lang, "timeline.reconsideration")}
		if rc.Grounds != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("grounds", lang)+": "+rc.Grounds)
		}
		e.Detail = append(e.Detail, nrm.FieldLabel("reconsideration_deadline", lang)+": "+rc.Deadline.String())
		if rc.Outcome == "" {
			e.Detail = append(e.Detail, tr(lang, "reconsideration.pending"))
		} else {
			e.Detail = append(e.Detail, label("reconsideration_outcome", string(rc.Outcome))+" ("+rc.DecidedOn.String()+")")
		}
		ev = append(ev, e)
	}
	for _, rp := range c.ReflectionPeriods {
		e := event{Date: rp.Start, Kind: "reflection", order: 3, Title: tr(lang, "timeline.reflection"), Correct: href("reflection_periods", rp.ID)}
		if rp.Kind == nrm.ReflectionExtension {
			e.Title += ": " + rp.Kind.Label(lang)
		}
		if rp.Reason != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("reflection_reason", lang)+": "+rp.Reason)
		}
		if rp.DecidedBy != "" {
			e.Detail = append(e.Detail, nrm.FieldLabel("reflection_decided_by", lang)+": "+nameOr(orgs, rp.DecidedBy))
		}
		switch {
		case rp.End.IsZero():
			e.Detail = append(e.Detail, tr(lang, "timeline.no_deadline"))
		case rp.End.Before(today):
			e.Detail = append(e.Detail, fmt.Sprintf(tr(lang, "timeline.deadline_passed"), rp.End.String(), rp.End.DaysUntil(today)))
		default:
			e.Detail = append(e.Detail, fmt.Sprintf(tr(lang, "timeline.deadline_left"), rp.End.String(), today.DaysUntil(rp.End)))
		}
		ev = append(ev, e)
	}
	for _, a := range c.Accommodations {
		e := event{Date: a.Start, Kind: "accommodation", order: 4, Correct: href("accommodations", a.ID),
			Title: tr(lang, "timeline.accommodation") + ": " + label("accommodation_kind", string(a.Kind))}
		if a.Provider != "" {
			e.Title += " (" + a.Provider + ")"
		}
		if a.End.IsZero() || a.End.After(today) {
			days := max(0, a.Start.DaysUntil(today)+1)
			e.Detail = append(e.Detail, fmt.Sprintf(tr(lang, "timeline.stay_ongoing"), days))
		} else {
			e.Detail = append(e.Detail, fmt.Sprintf(tr(lang, "timeline.stay_ended"), a.End.String(), a.Start.DaysUntil(a.End)+1))
		}
		ev = append(ev, e)
	}
	for _, o := range c.Offers {
		e := event{Date: o.Offered, Kind: "offer", order: 5, Title: tr(lang, "timeline.offer") + ": " + label("offer_kind", string(o.Kind)),
			Correct: href("offers", o.ID)}
		switch {
		case o.Accepted == nil:
			e.Detail = append(e.Detail, tr(lang, "offer.unanswered"))
		case *o.Accepted:
			e.Detail = append(e.Detail, tr(lang, "offer.accepted"))
		default:
			e.Detail = append(e.Detail, tr(lang, "offer.declined"))
		}
		ev = append(ev, e)
	}
	for _, x := range c.Exits {
		ev = append(ev, event{Date: x.Date, Kind: "exit", order: 6, Title: tr(lang, "timeline.exit") + ": " + label("exit_kind", string(x.Kind)),
			Correct: href("exits", x.ID)})
	}
	for _, x := range c.Reopenings {
		ev = append(ev, event{Date: x.Date, Kind: "reopening", order: 7, Title: tr(lang, "timeline.reopening"),
			Detail: []string{nrm.FieldLabel("reopen_reason", lang) + ": " + x.Reason}})
	}
	sort.SliceStable(ev, func(i, j int) bool {
		if ev[i].Date != ev[j].Date {
			return ev[i].Date.Before(ev[j].Date)
		}
		return ev[i].order < ev[j].order
	})
	return ev
}

func nameOr(m map[string]string, code string) string {
	if n, ok := m[code]; ok {
		return n
	}
	return code
}

// mergeErrors joins the field errors of a parse error with those of
// further (domain) checks, skipping fields already named: every fault of
// a form is shown in one pass, each once. The first error's code wins.
func mergeErrors(first error, more ...error) error {
	var out *nrm.Error
	if first != nil {
		fes := nrm.FieldErrors(first)
		if len(fes) == 0 {
			return first
		}
		out = &nrm.Error{Code: nrm.ErrorCode(first), Message: nrm.ErrorMessage(first), Fields: append([]nrm.FieldError(nil), fes...)}
	}
	for _, err := range more {
		if err == nil {
			continue
		}
		fes := nrm.FieldErrors(err)
		if len(fes) == 0 {
			continue
		}
		if out == nil {
			out = &nrm.Error{Code: nrm.ErrorCode(err), Message: nrm.ErrorMessage(err)}
		}
		named := map[string]bool{}
		for _, f := range out.Fields {
			named[f.Field] = true
		}
		for _, f := range fes {
			if !named[f.Field] {
				out.Fields = append(out.Fields, f)
			}
		}
	}
	if out == nil {
		return nil
	}
	return out
}

// caseEdit is one edit of a case from a form.
type caseEdit struct {
	// check, when set, refuses the edit before the form is read (a
	// role that may never make it).
	check func(c *nrm.Case) error
	// apply changes the copy of the case from the form.
	apply func(c *nrm.Case, p *parser)
	// reason, when set, stores the change as a correction with the reason
	// the form gives (CorrectCase); otherwise it is an addition
	// (UpdateCase).
	reason func(p *parser) (string, bool)
	// after runs once the change is stored (a second, linking step).
	after func(ctx context.Context, stored *nrm.Case) error
	// rerender shows the form again with its values and errors.
	rerender func(status int, c *nrm.Case, f *form)
	// done is the address to go to after saving.
	done string
}

// editCase runs one case form: it checks the posted version, applies the
// change to a copy, stores it with optimistic versioning and redirects
// back to the case; a refused change re-renders the case page with the
// messages next to the form's fields.
func (s *Server) editCase(w http.ResponseWriter, r *http.Request, name string, apply func(c *nrm.Case, p *parser)) {
	s.runEdit(w, r, caseEdit{apply: apply, rerender: func(status int, c *nrm.Case, f *form) {
		s.renderCase(w, r, status, c, name, f)
	}})
}

// runEdit is editCase with a choice of store, re-rendering and target.
// The parser's errors and the domain's (Validate, ValidateChange, a
// missing reason) are reported together: a form shows every fault at
// once.
func (s *Server) runEdit(w http.ResponseWriter, r *http.Request, e caseEdit) {
	if !s.parseForm(w, r) {
		return
	}
	ctx, lang := r.Context(), langOf(r)
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.check != nil {
		if err := e.check(c); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	f := newForm(r.PostForm)
	version, verr := strconv.Atoi(r.PostFormValue("version"))
	if verr != nil || version != c.Version {
		f.Message = tr(lang, "case.conflict")
		e.rerender(http.StatusConflict, c, f)
		return
	}
	edited := c.Clone()
	p := &parser{v: r.PostForm}
	e.apply(edited, p)
	reason, correcting := "", false
	if e.reason != nil {
		reason, correcting = e.reason(p)
	}
	err = p.err()
	if err != nil {
		// Storage reports the missing reason, the case's rules and the
		// closed-case rules in one answer; with parse errors, the same
		// checks run here so that the form still shows every fault.
		var noReason error
		if correcting && reason == "" && nrm.Diff(c, edited).Correction {
			noReason = &nrm.Error{Code: nrm.EINVALID, Fields: []nrm.FieldError{fieldErr("reason", nrm.RuleRequired, "", "")}}
		}
		err = mergeErrors(err, noReason, edited.ValidateChange(c), edited.Validate(nrm.DateOf(s.now())))
	} else if correcting {
		err = s.correct(ctx, edited, reason)
	} else {
		err = s.db.UpdateCase(ctx, edited)
	}
	if err == nil && e.after != nil {
		err = e.after(ctx, edited)
	}
	switch nrm.ErrorCode(err) {
	case "":
		done := e.done
		if done == "" {
			done = fmt.Sprintf("/cases/%d?saved=1#timeline", c.ID)
		}
		http.Redirect(w, r, done, http.StatusSeeOther)
	case nrm.ECONFLICT:
		// Someone saved in between: show the current case.
		if fresh, ferr := s.db.FindCaseByID(ctx, c.ID); ferr == nil {
			c = fresh
		}
		f.Message = tr(lang, "case.conflict")
		e.rerender(http.StatusConflict, c, f)
	case nrm.EINVALID, nrm.EFORBIDDEN:
		f.addErr(err, lang)
		e.rerender(httpStatus(err), c, f)
	default:
		s.fail(w, r, err)
	}
}

// parseContact reads the contact form onto x.
func parseContact(p *parser, x nrm.Contact) nrm.Contact {
	x.Date = p.requiredDate("contact_date")
	x.Form = nrm.ContactForm(p.code("contact_form", "contact_form", true))
	x.Org, x.Place = p.str("contact_org"), p.str("place")
	return x
}

// parseAssessment reads the assessment form onto x.
func parseAssessment(p *parser, x nrm.Assessment) nrm.Assessment {
	x.Stage = nrm.AssessmentStage(p.code("assessment_stage", "assessment_stage", true))
	x.Date = p.requiredDate("assessment_date")
	x.Authority = nrm.Authority(p.code("assessment_authority", "authority", true))
	x.Outcome = nrm.Outcome(p.code("assessment_outcome", "assessment_outcome", true))
	x.LabourSector = nrm.LabourSector(p.code("labour_sector", "labour_sector", false))
	x.LabourSetting = nrm.LabourSetting(p.code("labour_setting", "labour_setting", false))
	x.ExploitationCountry = strings.ToUpper(p.str("exploitation_country"))
	x.OverrideReason = p.str("override_reason")
	x.Reasons = strings.TrimSpace(p.v.Get("decision_reasons"))
	x.NotifiedOn = p.date("notified_on")
	x.Exploitation = nil
	for _, f := range p.v["exploitation"] {
		if nrm.ValidCode("exploitation", f) {
			x.Exploitation = append(x.Exploitation, nrm.ExploitationForm(f))
		} else {
			p.errors = append(p.errors, fieldErr("exploitation", nrm.RuleOneOf, f, nrm.ExpectedCodes("exploitation")))
		}
	}
	return x
}

// parseReflection reads the reflection period form onto x.
func parseReflection(p *parser, x nrm.ReflectionPeriod) nrm.ReflectionPeriod {
	x.Start, x.End = p.requiredDate("reflection_start"), p.date("reflection_end")
	// A form without the kind, reason or decider (a correction of the
	// dates) keeps them as recorded.
	if p.v.Has("reflection_kind") {
		x.Kind = nrm.ReflectionKind(p.code("reflection_kind", "reflection_kind", true))
	}
	if p.v.Has("reflection_reason") {
		x.Reason = p.str("reflection_reason")
	}
	if p.v.Has("reflection_decided_by") {
		x.DecidedBy = p.str("reflection_decided_by")
	}
	return x
}

// parseAccommodation reads the accommodation form onto x.
func parseAccommodation(p *parser, x nrm.Accommodation) nrm.Accommodation {
	x.Kind = nrm.AccommodationKind(p.code("kind", "accommodation_kind", true))
	x.Provider = p.str("provider")
	x.Start, x.End = p.requiredDate("start_date"), p.date("end_date")
	return x
}

// parseOffer reads the offer form onto x.
func parseOffer(p *parser, x nrm.Offer) nrm.Offer {
	x.Kind = nrm.OfferKind(p.code("offer_kind", "offer_kind", true))
	x.Offered = p.requiredDate("offered")
	x.Accepted = nil
	switch v := p.str("accepted"); v {
	case "":
	case "yes":
		t := true
		x.Accepted = &t
	case "no":
		f := false
		x.Accepted = &f
	default:
		p.errors = append(p.errors, fieldErr("accepted", nrm.RuleOneOf, v, "yes, no"))
	}
	return x
}

// parseExit reads the exit form onto x.
func parseExit(p *parser, x nrm.Exit) nrm.Exit {
	x.Date = p.requiredDate("exit_date")
	x.Kind = nrm.ExitKind(p.code("exit_kind", "exit_kind", true))
	return x
}

// parseReconsideration reads the reconsideration form onto x.
func parseReconsideration(p *parser, x nrm.Reconsideration) nrm.Reconsideration {
	x.RequestedOn = p.requiredDate("requested_on")
	x.Grounds = strings.TrimSpace(p.v.Get("grounds"))
	x.Deadline = p.requiredDate("reconsideration_deadline")
	x.Outcome = nrm.ReconsiderationOutcome(p.code("reconsideration_outcome", "reconsideration_outcome", false))
	x.DecidedOn = p.date("reconsideration_decided_on")
	return x
}

// confirmed checks the required confirmation box of an irreversible
// action.
func confirmed(p *parser) bool {
	if p.str("confirm") == "" {
		p.errors = append(p.errors, fieldErr("confirm", nrm.RuleRequired, "", ""))
		return false
	}
	return true
}

func (s *Server) caseAddContact(w http.ResponseWriter, r *http.Request) {
	s.editCase(w, r, "contact", func(c *nrm.Case, p *parser) {
		c.Contacts = append(c.Contacts, parseContact(p, nrm.Contact{}))
	})
}

func (s *Server) caseAddAssessment(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	s.runEdit(w, r, caseEdit{
		// Who may decide at all is checked before the form: a caseworker
		// is refused whatever the form holds.
		check: func(*nrm.Case) error {
			if u.Role != nrm.RoleAdmin && (u.Role != nrm.RoleAssessor || u.Authority == "") {
				return nrm.Errorf(nrm.EFORBIDDEN, "Only assessors of the competent authority record decisions.")
			}
			return nil
		},
		apply: func(c *nrm.Case, p *parser) {
			c.Assessments = append(c.Assessments, parseAssessment(p, nrm.Assessment{}))
		},
		rerender: func(status int, c *nrm.Case, f *form) { s.renderCase(w, r, status, c, "assessment", f) },
	})
}

func (s *Server) caseAddReflection(w http.ResponseWriter, r *http.Request) {
	_, maxDays, err := s.db.ReflectionSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editCase(w, r, "reflection", func(c *nrm.Case, p *parser) {
		c.ReflectionPeriods = append(c.ReflectionPeriods, parseReflection(p, nrm.ReflectionPeriod{}))
		// The statutory maximum, in the same answer as the other faults
		// (storage holds every write to it too).
		p.errors = append(p.errors, nrm.FieldErrors(c.ValidateReflectionMax(maxDays))...)
	})
}

func (s *Server) caseAddAccommodation(w http.ResponseWriter, r *http.Request) {
	s.editCase(w, r, "accommodation", func(c *nrm.Case, p *parser) {
		c.Accommodations = append(c.Accommodations, parseAccommodation(p, nrm.Accommodation{}))
	})
}

// caseEndAccommodation ends an ongoing stay.
func (s *Server) caseEndAccommodation(w http.ResponseWriter, r *http.Request) {
	aid, _ := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	s.editCase(w, r, "end_stay", func(c *nrm.Case, p *parser) {
		end := p.requiredDate("end_date")
		for i := range c.Accommodations {
			if c.Accommodations[i].ID == aid {
				c.Accommodations[i].End = end
				return
			}
		}
		p.errors = append(p.errors, fieldErr("end_date", nrm.RuleUnknownReference, strconv.FormatInt(aid, 10), "an accommodation of this case"))
	})
}

func (s *Server) caseAddOffer(w http.ResponseWriter, r *http.Request) {
	s.editCase(w, r, "offer", func(c *nrm.Case, p *parser) {
		c.Offers = append(c.Offers, parseOffer(p, nrm.Offer{}))
	})
}

// caseAddExit records an exit, which closes the case. The user confirms
// it; with end_open checked, the stays and reflection periods still open
// on the exit date end on it (without, they refuse the exit).
func (s *Server) caseAddExit(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	ended := false
	s.runEdit(w, r, caseEdit{
		apply: func(c *nrm.Case, p *parser) {
			x := parseExit(p, nrm.Exit{})
			confirmed(p)
			c.Exits = append(c.Exits, x)
			if p.str("end_open") != "" && !x.Date.IsZero() {
				ended = c.EndOpenOn(x.Date) > 0
			}
		},
		// Ending a period whose planned deadline lies after the exit
		// changes a recorded value: stored as a correction, with the
		// exit as its reason.
		reason:   func(*parser) (string, bool) { return tr(lang, "exit.end_reason"), ended },
		rerender: func(status int, c *nrm.Case, f *form) { s.renderCase(w, r, status, c, "exit", f) },
	})
}

// postedCase parses a posted form and loads the case of the path, or
// answers the request itself (bad form, no such case) and reports false.
func (s *Server) postedCase(w http.ResponseWriter, r *http.Request) (*nrm.Case, bool) {
	if !s.parseForm(w, r) {
		return nil, false
	}
	c, err := s.loadCase(r)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return c, true
}
