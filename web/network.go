package web

import (
	"bytes"
	"net/http"
	"sort"
	"strings"

	"nrm"
	"nrm/planio"
)

// memberView is a group member with its display name.
type memberView struct {
	Name  string
	State bool
}

type groupView struct {
	*nrm.ReferenceGroup
	Parent   string
	State    []memberView
	NonState []memberView
	Meetings []*nrm.Meeting
}

// outreachRow is one service's statistics by period.
type outreachRow struct {
	*nrm.OutreachService
	Cells []*nrm.OutreachStat // one per period, nil when missing
}

type networkPage struct {
	page
	Groups      []groupView
	Services    []*nrm.OutreachService
	Periods     []string
	Outreach    []outreachRow
	Meeting     *form
	Stat        *form
	Import      *form
	CanWrite    bool
	TotalVisits map[string]int
}

// Topics returns a meeting's topics in the page language.
func (p *networkPage) Topics(m *nrm.Meeting) []string {
	if p.Lang == nrm.LangEN && len(m.TopicsEN) == len(m.TopicsDA) {
		return m.TopicsEN
	}
	return m.TopicsDA
}

func (s *Server) networkShow(w http.ResponseWriter, r *http.Request) {
	s.renderNetwork(w, r, http.StatusOK, "", nil)
}

// renderNetwork renders the network page; failed names the form that
// failed ("meeting", "stat" or "import") and f carries its values.
func (s *Server) renderNetwork(w http.ResponseWriter, r *http.Request, status int, failed string, f *form) {
	ctx, lang := r.Context(), langOf(r)
	groups, err := s.cfg.Network.FindGroups(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meetings, err := s.cfg.Network.FindMeetings(ctx, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	services, err := s.cfg.Network.FindOutreachServices(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stats, err := s.cfg.Network.FindOutreachStats(ctx, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, orgs := s.organisations(ctx, lang)
	u := currentUser(r)
	today := nrm.DateOf(s.now()).String()
	p := &networkPage{page: s.newPage(w, r, tr(lang, "network.title")), Services: services,
		CanWrite: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator, TotalVisits: map[string]int{},
		Meeting: newForm(nil), Stat: newForm(nil), Import: newForm(nil)}
	p.Meeting.Values.Set("date", today)
	p.Stat.Values.Set("period", today[:4])
	switch failed {
	case "meeting":
		p.Meeting = f
	case "stat":
		p.Stat = f
	case "import":
		p.Import = f
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.Code] = g.Name(lang)
	}
	byGroup := map[string][]*nrm.Meeting{}
	for _, m := range meetings {
		byGroup[m.GroupCode] = append(byGroup[m.GroupCode], m)
	}
	for _, g := range groups {
		gv := groupView{ReferenceGroup: g, Parent: names[g.ParentCode], Meetings: byGroup[g.Code]}
		for _, m := range g.Members {
			name := m.NameDA
			if m.OrgCode != "" {
				name = nameOr(orgs, m.OrgCode)
			}
			if m.State {
				gv.State = append(gv.State, memberView{Name: name, State: true})
			} else {
				gv.NonState = append(gv.NonState, memberView{Name: name})
			}
		}
		p.Groups = append(p.Groups, gv)
	}
	periods := map[string]bool{}
	cell := map[string]*nrm.OutreachStat{}
	for _, st := range stats {
		periods[st.Period] = true
		cell[st.ServiceCode+"\x00"+st.Period] = st
		p.TotalVisits[st.Period] += st.Visits
	}
	for per := range periods {
		p.Periods = append(p.Periods, per)
	}
	sortPeriods(p.Periods)
	for _, svc := range services {
		row := outreachRow{OutreachService: svc}
		for _, per := range p.Periods {
			row.Cells = append(row.Cells, cell[svc.Code+"\x00"+per])
		}
		p.Outreach = append(p.Outreach, row)
	}
	s.render(w, r, status, "network", p)
}

// networkAddMeeting records a meeting of a reference group.
func (s *Server) networkAddMeeting(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := &parser{v: r.PostForm}
	m := &nrm.Meeting{GroupCode: p.str("group_code"), Date: p.requiredDate("date"), TopicsDA: p.list("topics_da"), TopicsEN: p.list("topics_en")}
	err := p.err()
	if err == nil {
		err = s.cfg.Network.AddMeeting(r.Context(), m)
	}
	s.afterNetworkPost(w, r, "meeting", err)
}

// networkAddOutreach records (or corrects) a service's visits and
// consultations for a period.
func (s *Server) networkAddOutreach(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := &parser{v: r.PostForm}
	st := &nrm.OutreachStat{ServiceCode: p.str("service_code"), Period: p.str("period"), Visits: p.integer("visits"), Consultations: p.integer("consultations")}
	err := p.err()
	if err == nil {
		err = s.cfg.Network.SaveOutreachStat(r.Context(), st)
	}
	s.afterNetworkPost(w, r, "stat", err)
}

func (s *Server) afterNetworkPost(w http.ResponseWriter, r *http.Request, name string, err error) {
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/network?saved=1#"+name, http.StatusSeeOther)
	case nrm.EINVALID, nrm.ECONFLICT:
		f := newForm(r.PostForm)
		f.addErr(err, langOf(r))
		s.renderNetwork(w, r, httpStatus(err), name, f)
	default:
		s.fail(w, r, err)
	}
}

// networkImport loads a network YAML file (planio.ReadNetworkYAML): the
// file is checked as a whole first; then groups (national first),
// services, statistics and the meetings not yet recorded are saved.
func (s *Server) networkImport(w http.ResponseWriter, r *http.Request) {
	if !s.parseUpload(w, r) {
		return
	}
	data, _, err := uploadedFile(r, "file")
	var n *nrm.Network
	if err == nil {
		n, err = planio.ReadNetworkYAML(bytes.NewReader(data))
	}
	if err == nil {
		err = s.saveNetwork(r, n)
	}
	s.afterNetworkPost(w, r, "import", err)
}

func (s *Server) saveNetwork(r *http.Request, n *nrm.Network) error {
	ctx := r.Context()
	groups := append([]nrm.ReferenceGroup(nil), n.Groups...)
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].IsNational() && !groups[j].IsNational() })
	for i := range groups {
		if err := s.cfg.Network.SaveGroup(ctx, &groups[i]); err != nil {
			return err
		}
	}
	for i := range n.Services {
		if err := s.cfg.Network.SaveOutreachService(ctx, &n.Services[i]); err != nil {
			return err
		}
	}
	for i := range n.Stats {
		if err := s.cfg.Network.SaveOutreachStat(ctx, &n.Stats[i]); err != nil {
			return err
		}
	}
	have, err := s.cfg.Network.FindMeetings(ctx, "")
	if err != nil {
		return err
	}
	key := func(m *nrm.Meeting) string {
		return m.GroupCode + "\x00" + m.Date.String() + "\x00" + strings.Join(m.TopicsDA, "\x00")
	}
	seen := map[string]bool{}
	for _, m := range have {
		seen[key(m)] = true
	}
	for i := range n.Meetings {
		m := &n.Meetings[i]
		if seen[key(m)] {
			continue
		}
		if err := s.cfg.Network.AddMeeting(ctx, m); err != nil {
			return err
		}
		seen[key(m)] = true
	}
	return nil
}

// outreachRoutes registers the API of the outreach services' visits:
// everyone signed in reads the services, their statistics and the visits
// per year with the change against the year before; the coordinating
// ministry writes.
func (s *Server) outreachRoutes() {
	s.route("GET /api/v1/outreach", 0, signedIn, s.apiOutreach)
	s.route("PUT /api/v1/outreach/services/{code}", maxFormBytes, planWriters, s.apiPutOutreachService)
	s.route("PUT /api/v1/outreach/stats", maxFormBytes, planWriters, s.apiPutOutreachStat)
}

// outreachJSON is the API's view of the outreach services.
type outreachJSON struct {
	Services []*nrm.OutreachService `json:"services"`
	Stats    []*nrm.OutreachStat    `json:"stats"`
	// Years are the visits per service and calendar year with the change
	// against the year before (nrm.OutreachYears).
	Years []nrm.OutreachYear `json:"years"`
}

func (s *Server) apiOutreach(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	services, err := s.cfg.Network.FindOutreachServices(ctx)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	stats, err := s.cfg.Network.FindOutreachStats(ctx, "")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := outreachJSON{Services: services, Stats: stats, Years: nrm.OutreachYears(stats)}
	if out.Services == nil {
		out.Services = []*nrm.OutreachService{}
	}
	if out.Stats == nil {
		out.Stats = []*nrm.OutreachStat{}
	}
	if out.Years == nil {
		out.Years = []nrm.OutreachYear{}
	}
	writeJSON(w, http.StatusOK, &out)
}

// apiPutOutreachService creates or replaces the service of the URL.
func (s *Server) apiPutOutreachService(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var svc nrm.OutreachService
	if err := decodeJSON(r, &svc); err != nil {
		s.apiError(w, r, err)
		return
	}
	svc.Code = r.PathValue("code")
	if err := s.cfg.Network.SaveOutreachService(r.Context(), &svc); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &svc)
}

// apiPutOutreachStat creates or replaces a service's statistic for a
// period.
func (s *Server) apiPutOutreachStat(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var st nrm.OutreachStat
	if err := decodeJSON(r, &st); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.cfg.Network.SaveOutreachStat(r.Context(), &st); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &st)
}
