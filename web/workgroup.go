package web

import (
	"bytes"
	"net/http"

	"nrm"
	"nrm/planio"
)

// workGroupRoutes registers the working groups' page and API: everyone
// signed in reads; the coordinating ministry writes.
func (s *Server) workGroupRoutes() {
	s.route("GET /workgroups", 0, signedIn, s.workGroupList)
	s.route("POST /workgroups/import", maxUploadBytes, planWriters, s.workGroupImport)
	s.route("POST /workgroups/{code}/meetings", maxFormBytes, planWriters, s.workGroupAddMeeting)
	s.route("GET /workgroups/export.yaml", 0, signedIn, s.workGroupExport)

	s.route("GET /api/v1/workgroups", 0, signedIn, s.apiWorkGroups)
	s.route("GET /api/v1/workgroups/{code}", 0, signedIn, s.apiWorkGroup)
	s.route("PUT /api/v1/workgroups/{code}", maxFormBytes, planWriters, s.apiPutWorkGroup)
	s.route("DELETE /api/v1/workgroups/{code}", maxFormBytes, planWriters, s.apiDeleteWorkGroup)
	s.route("POST /api/v1/workgroups/{code}/meetings", maxFormBytes, planWriters, s.apiAddGroupMeeting)
}

func (s *Server) workGroups() nrm.WorkGroupService {
	if g, ok := s.cfg.Plans.(nrm.WorkGroupService); ok {
		return g
	}
	return s.db
}

type workGroupPage struct {
	page
	Groups   []*nrm.WorkGroup
	Orgs     map[string]string
	CanWrite bool
	// Failed names the group whose meeting form failed, with Form its
	// values and errors; Import is the import form.
	Failed string
	Form   *form
	Import *form
	// Plan is the plan the page was opened from (?plan=), for the plan
	// pages' navigation; nil otherwise.
	Plan *nrm.Plan
}

// OrgName names an organisation in the page language.
func (p *workGroupPage) OrgName(code string) string { return nameOr(p.Orgs, code) }

// MeetingForm returns the meeting form of a group.
func (p *workGroupPage) MeetingForm(code string) *form {
	if code == p.Failed && p.Form != nil {
		return p.Form
	}
	return newForm(nil)
}

func (s *Server) workGroupList(w http.ResponseWriter, r *http.Request) {
	s.renderWorkGroups(w, r, http.StatusOK, "", nil, newForm(nil))
}

func (s *Server) renderWorkGroups(w http.ResponseWriter, r *http.Request, status int, failed string, f, imp *form) {
	ctx, lang := r.Context(), langOf(r)
	gs, err := s.workGroups().FindWorkGroups(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, orgs := s.organisations(ctx, lang)
	u := currentUser(r)
	p := &workGroupPage{page: s.newPage(w, r, tr(lang, "groups.title")), Groups: gs, Orgs: orgs,
		CanWrite: u.Role == nrm.RoleAdmin || u.Role == nrm.RoleCoordinator, Failed: failed, Form: f, Import: imp}
	if code := r.URL.Query().Get("plan"); code != "" {
		if pl, err := s.cfg.Plans.FindPlan(ctx, code); err == nil {
			p.Plan = pl
		}
	}
	s.render(w, r, status, "workgroups", p)
}

func (s *Server) workGroupAddMeeting(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	p := &parser{v: r.PostForm}
	m := nrm.GroupMeeting{Date: p.requiredDate("date"), MinutesDA: p.str("minutes_da"), MinutesEN: p.str("minutes_en")}
	code := r.PathValue("code")
	var err error
	if len(p.errors) > 0 {
		err = &nrm.Error{Code: nrm.EINVALID, Message: "The meeting has invalid fields.", Fields: p.errors}
	} else {
		err = s.workGroups().AddGroupMeeting(r.Context(), code, m)
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/workgroups?saved=1#g-"+pathEscape(code), http.StatusSeeOther)
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(err, lang)
		s.renderWorkGroups(w, r, http.StatusUnprocessableEntity, code, f, newForm(nil))
	default:
		s.fail(w, r, err)
	}
}

// workGroupImport creates or replaces the groups of an uploaded YAML
// file; the file is checked whole before any group is stored.
func (s *Server) workGroupImport(w http.ResponseWriter, r *http.Request) {
	if !s.parseUpload(w, r) {
		return
	}
	lang := langOf(r)
	data, _, err := uploadedFile(r, "file")
	var gs []*nrm.WorkGroup
	if err == nil {
		gs, err = planio.ReadWorkGroupsYAML(bytes.NewReader(data))
	}
	for i := 0; err == nil && i < len(gs); i++ {
		err = s.workGroups().SaveWorkGroup(r.Context(), gs[i])
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/workgroups?saved=1", http.StatusSeeOther)
	case nrm.EINVALID:
		f := newForm(r.PostForm)
		f.addErr(err, lang)
		if f.Message == "" {
			f.Message = tr(lang, "outputs.import_failed")
		}
		s.renderWorkGroups(w, r, http.StatusUnprocessableEntity, "", nil, f)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) workGroupExport(w http.ResponseWriter, r *http.Request) {
	gs, err := s.workGroups().FindWorkGroups(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := planio.WriteWorkGroupsYAML(&buf, gs); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("workgroups.yaml"))
	w.Write(buf.Bytes())
}

func (s *Server) apiWorkGroups(w http.ResponseWriter, r *http.Request) {
	gs, err := s.workGroups().FindWorkGroups(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if gs == nil {
		gs = []*nrm.WorkGroup{}
	}
	writeJSON(w, http.StatusOK, gs)
}

func (s *Server) apiWorkGroup(w http.ResponseWriter, r *http.Request) {
	g, err := s.workGroups().FindWorkGroup(r.Context(), r.PathValue("code"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// apiPutWorkGroup creates or replaces a group; the code of the URL wins
// over one in the body only when they agree.
func (s *Server) apiPutWorkGroup(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var g nrm.WorkGroup
	if err := decodeJSON(r, &g); err != nil {
		s.apiError(w, r, err)
		return
	}
	code := r.PathValue("code")
	if g.Code != "" && g.Code != code {
		s.apiError(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "The code in the body differs from the URL.",
			Fields: []nrm.FieldError{fieldErr("code", nrm.RuleNotAllowed, g.Code, code)}})
		return
	}
	g.Code = code
	if err := s.workGroups().SaveWorkGroup(r.Context(), &g); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &g)
}

func (s *Server) apiDeleteWorkGroup(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	if err := s.workGroups().DeleteWorkGroup(r.Context(), r.PathValue("code")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiAddGroupMeeting(w http.ResponseWriter, r *http.Request) {
	if !s.apiCheckCSRF(w, r) {
		return
	}
	var m nrm.GroupMeeting
	if err := decodeJSON(r, &m); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.workGroups().AddGroupMeeting(r.Context(), r.PathValue("code"), m); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, &m)
}
