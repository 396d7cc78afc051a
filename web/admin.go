package web

import (
	"net/http"
	"strings"

	"nrm"
)

type userListPage struct {
	page
	Users     []*nrm.User
	Form      *form
	Orgs      []*nrm.Organisation
	Available bool
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Values.Set("role", string(nrm.RoleCaseworker))
	s.renderUsers(w, r, http.StatusOK, f)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx, lang := r.Context(), langOf(r)
	p := &userListPage{page: s.newPage(w, r, tr(lang, "users.title")), Form: f, Available: s.cfg.Users != nil}
	if s.cfg.Users != nil {
		users, err := s.cfg.Users.FindUsers(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Users = users
	}
	p.Orgs, _ = s.organisations(ctx, lang)
	s.render(w, r, status, "users", p)
}

// userCreate creates an account; the password is set by the
// administrator and handed over out of band.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.usersAvailable(w, r) {
		return
	}
	lang := langOf(r)
	p := &parser{v: r.PostForm}
	u := &nrm.User{
		Username: p.str("username"), DisplayName: p.str("display_name"),
		Role: nrm.Role(p.code("role", "role", true)), Org: strings.ToUpper(p.str("org")),
		Authority: nrm.Authority(p.code("authority", "authority", false)), Lang: nrm.ParseLang(p.str("lang")),
	}
	password := r.PostFormValue("password")
	if u.Username == "" {
		p.errors = append(p.errors, fieldErr("username", nrm.RuleRequired, "", ""))
	}
	if password == "" {
		p.errors = append(p.errors, fieldErr("password", nrm.RuleRequired, "", ""))
	}
	err := p.err()
	if err == nil {
		err = s.cfg.Users.CreateUser(r.Context(), u, password)
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
	case nrm.EINVALID, nrm.ECONFLICT:
		v := r.PostForm
		v.Del("password")
		f := newForm(v)
		f.addErr(err, lang)
		s.renderUsers(w, r, httpStatus(err), f)
	default:
		s.fail(w, r, err)
	}
}

// userSetDisabled disables or re-enables an account.
func (s *Server) userSetDisabled(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.usersAvailable(w, r) {
		return
	}
	username := r.PathValue("username")
	if u := currentUser(r); u != nil && u.Username == username {
		s.fail(w, r, &nrm.Error{Code: nrm.EINVALID, Message: "You cannot disable your own account."})
		return
	}
	if err := s.cfg.Users.SetDisabled(r.Context(), username, r.PostFormValue("disabled") == "1"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
}

// usersAvailable reports whether user administration is configured and
// otherwise answers the request with "not found".
func (s *Server) usersAvailable(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Users == nil {
		s.fail(w, r, nrm.Errorf(nrm.ENOTFOUND, "user administration is not available"))
		return false
	}
	return true
}
