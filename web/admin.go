package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"nrm"
)

type userListPage struct {
	page
	Users     []*nrm.User
	Form      *form
	Orgs      []*nrm.Organisation
	Available bool
	// Issued is a one-time password an administrator just issued, shown
	// this once.
	Issued *issuedPassword
	// Now tells one-time passwords in force from expired ones.
	Now time.Time
}

// issuedPassword is a new one-time password for the administrator to
// hand over.
type issuedPassword struct {
	Username  string
	Password  string
	ExpiresAt time.Time
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Values.Set("role", string(nrm.RoleCaseworker))
	s.renderUsers(w, r, http.StatusOK, f)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, f *form) {
	s.renderUserPage(w, r, status, f, nil)
}

func (s *Server) renderUserPage(w http.ResponseWriter, r *http.Request, status int, f *form, issued *issuedPassword) {
	ctx, lang := r.Context(), langOf(r)
	p := &userListPage{page: s.newPage(w, r, tr(lang, "users.title")), Form: f, Available: s.cfg.Users != nil, Issued: issued, Now: s.db.Now()}
	if s.cfg.Users != nil {
		users, err := s.cfg.Users.FindUsers(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Users = users
	}
	p.Orgs, _ = s.organisations(ctx, lang)
	if r.URL.Query().Get("totp_reset") == "1" {
		p.Notice = tr(lang, "users.totp_reset")
	}
	s.render(w, r, status, "users", p)
}

// userCreate creates an account; the password is set by the
// administrator, handed over out of band, and is a one-time password
// (the user changes it at the first sign-in).
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

// userResetPassword gives a user a new one-time password and shows it to
// the administrator this once. The reset is audited without the password.
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.usersAvailable(w, r) {
		return
	}
	ctx := r.Context()
	username := r.PathValue("username")
	pw, err := s.cfg.Users.ResetPassword(ctx, username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	issued := &issuedPassword{Username: username, Password: pw}
	if u, err := s.cfg.Users.FindUserByUsername(ctx, username); err == nil && u.PasswordExpiresAt != nil {
		issued.Username, issued.ExpiresAt = u.Username, *u.PasswordExpiresAt
	}
	s.renderUserPage(w, r, http.StatusOK, newForm(url.Values{"role": {string(nrm.RoleCaseworker)}}), issued)
}

// userResetTOTP removes a user's two-factor sign-in and recovery codes
// (a lost phone); the user enrols again. Not one's own: another
// administrator must, so that a hijacked session cannot swap the factor.
func (s *Server) userResetTOTP(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !s.usersAvailable(w, r) {
		return
	}
	if err := s.cfg.Users.ResetTOTP(r.Context(), r.PathValue("username")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?totp_reset=1", http.StatusSeeOther)
}

// settingsPage lists the known settings, each with its own form.
type settingsPage struct {
	page
	Settings []*settingRow
}

// settingRow is one setting on the settings page.
type settingRow struct {
	Key, Label, Expected, Default string
	Value                         string
	Set, Text                     bool
	Form                          *form
}

func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, "", nil)
}

// renderSettings renders the settings page; failed names the setting
// whose form f failed.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, failed string, f *form) {
	ctx, lang := r.Context(), langOf(r)
	vals, err := s.db.FindSettings(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &settingsPage{page: s.newPage(w, r, tr(lang, "settings.title"))}
	for _, v := range vals {
		row := &settingRow{Key: v.Def.Key, Label: v.Def.Label(lang), Expected: v.Def.Expected(lang), Default: v.Def.Default,
			Value: v.Effective(), Set: v.Set, Text: v.Def.Text, Form: newForm(url.Values{"value": {v.Effective()}})}
		if v.Def.Key == failed && f != nil {
			row.Form = f
		}
		p.Settings = append(p.Settings, row)
	}
	s.render(w, r, status, "settings", p)
}

// settingSave stores one setting, or with reset=1 returns it to its
// default. A refused value is shown again with its message next to it.
func (s *Server) settingSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	key := r.PathValue("key")
	var err error
	if r.PostFormValue("reset") == "1" {
		err = s.db.ResetSetting(r.Context(), key)
	} else {
		err = s.db.SetSetting(r.Context(), key, r.PostFormValue("value"))
	}
	switch nrm.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/admin/settings?saved=1#setting-"+url.PathEscape(key), http.StatusSeeOther)
	case nrm.EINVALID:
		if _, unknown := nrm.LookupSetting(key); unknown != nil {
			s.fail(w, r, unknown)
			return
		}
		f := newForm(url.Values{"value": {r.PostFormValue("value")}})
		for _, fe := range nrm.FieldErrors(err) {
			f.add("value", fe.Message(langOf(r)))
		}
		s.renderSettings(w, r, httpStatus(err), key, f)
	default:
		s.fail(w, r, err)
	}
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
