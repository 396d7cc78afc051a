package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"nrm"
)

type loginPage struct {
	page
	Form *form
	// Step is "password" or "totp".
	Step string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u != nil {
		http.Redirect(w, r, homeFor(u.Role), http.StatusSeeOther)
		return
	}
	lang := langOf(r)
	s.render(w, r, http.StatusOK, "login", &loginPage{page: s.newPage(w, r, tr(lang, "login.title")), Form: newForm(nil), Step: "password"})
}

// login checks the password. Every failure gets the same message, so the
// page reveals neither whether the user exists nor which part was wrong;
// only the right one-time password after its expiry is told so (ask an
// administrator). A user whose account set-up is pending (SetupPending)
// lands on the account page.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	username := strings.TrimSpace(r.PostFormValue("username"))
	token, sess, err := s.cfg.Auth.Login(r.Context(), username, r.PostFormValue("password"), s.remoteAddr(r))
	if err != nil {
		s.logInternal(r, err)
		f := newForm(nil)
		f.Values.Set("username", username)
		f.Message = tr(lang, "login.failed")
		if errors.Is(err, nrm.ErrOneTimePasswordExpired) {
			f.Message = tr(lang, "login.onetime_expired")
		}
		s.render(w, r, http.StatusUnauthorized, "login", &loginPage{page: s.newPage(w, r, tr(lang, "login.title")), Form: f, Step: "password"})
		return
	}
	s.setSessionCookie(w, token)
	if sess != nil && sess.Pending {
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	s.clearCookie(w, preSessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(sessionCookie); err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if u := currentUser(r); u != nil {
		http.Redirect(w, r, homeFor(u.Role), http.StatusSeeOther)
		return
	}
	lang := langOf(r)
	s.render(w, r, http.StatusOK, "login", &loginPage{page: s.newPage(w, r, tr(lang, "login.totp_title")), Form: newForm(nil), Step: "totp"})
}

// totpCompleter is an AuthService that renews the session token when
// the one-time code is accepted (sqlstore.DB does).
type totpCompleter interface {
	CompleteTOTP(ctx context.Context, token, code string) (string, error)
}

// totp completes a pending session with a one-time code or a recovery
// code.
func (s *Server) totp(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := langOf(r)
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	var fresh string
	if tc, ok := s.cfg.Auth.(totpCompleter); ok {
		fresh, err = tc.CompleteTOTP(r.Context(), c.Value, code)
	} else {
		err = s.cfg.Auth.VerifyTOTP(r.Context(), c.Value, code)
	}
	if err != nil {
		s.logInternal(r, err)
		f := newForm(nil)
		f.Message = tr(lang, "login.totp_failed")
		s.render(w, r, http.StatusUnauthorized, "login", &loginPage{page: s.newPage(w, r, tr(lang, "login.totp_title")), Form: f, Step: "totp"})
		return
	}
	if fresh != "" {
		// The signed-in session has a token of its own, not the pending
		// one (against session fixation at the second step).
		s.setSessionCookie(w, fresh)
	}
	s.clearCookie(w, preSessionCookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session (also a pending one).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.cfg.Auth.Logout(r.Context(), c.Value); err != nil && nrm.ErrorCode(err) == nrm.EINTERNAL {
			s.logInternal(r, err)
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
