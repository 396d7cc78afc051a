package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/boombuler/barcode/qr"

	"nrm"
)

type accountPage struct {
	page
	Password *form
	TOTP     *form
	Recovery *form
	// Enrolling is set while a new TOTP secret waits for its first code.
	Enrolling bool
	QR        template.HTML
	Secret    string
	// Codes are recovery codes just issued, shown this once.
	Codes []string
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, &accountPage{})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p *accountPage) {
	p.page = s.newPage(w, r, tr(langOf(r), "account.title"))
	for _, f := range []**form{&p.Password, &p.TOTP, &p.Recovery} {
		if *f == nil {
			*f = newForm(nil)
		}
	}
	s.render(w, r, status, "account", p)
}

// setupOrder sends a user who still has to change a one-time password
// back to that step: two-factor enrolment and recovery codes come after
// it. It reports whether the request may go on.
func setupOrder(w http.ResponseWriter, r *http.Request) bool {
	if u := currentUser(r); u != nil && u.MustChangePassword() {
		http.Redirect(w, r, "/account#password", http.StatusSeeOther)
		return false
	}
	return true
}

// accountPassword changes the signed-in user's own password, also the
// forced change of a one-time password. The current password is checked
// by signing in with it (so wrong guesses count towards the lock-out);
// the new one must differ from it. The change ends every session, this
// one too: the user signs in again with the new password.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx, lang := r.Context(), langOf(r)
	u := currentUser(r)
	f := newForm(nil)
	current, next := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	if next != r.PostFormValue("repeat_password") {
		f.add("repeat_password", tr(lang, "account.mismatch"))
		s.renderAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Password: f})
		return
	}
	if _, _, err := s.cfg.Auth.Login(ctx, u.Username, current, s.remoteAddr(r)); err != nil {
		msg := tr(lang, "account.wrong_password")
		if errors.Is(err, nrm.ErrOneTimePasswordExpired) {
			msg = tr(lang, "login.onetime_expired")
		}
		f.add("current_password", msg)
		s.renderAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Password: f})
		return
	}
	if !s.usersAvailable(w, r) {
		return
	}
	if err := s.cfg.Users.SetPassword(ctx, u.Username, next); err != nil {
		if nrm.ErrorCode(err) != nrm.EINVALID {
			s.fail(w, r, err)
			return
		}
		for _, fe := range nrm.FieldErrors(err) {
			if fe.Field == "password" {
				fe.Field = "new_password"
			}
			msg := fe.Message(lang)
			if fe.Rule == nrm.RuleNotAllowed && fe.Expected == "a password other than the current one" {
				msg = tr(lang, "account.same_password")
			}
			f.add(fe.Field, msg)
		}
		s.renderAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Password: f})
		return
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login?changed=1", http.StatusSeeOther)
}

// accountTOTPEnroll creates a TOTP secret and shows it as a QR code (an
// inline SVG drawn here, so no image leaves the server) and as text.
func (s *Server) accountTOTPEnroll(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !setupOrder(w, r) || !s.usersAvailable(w, r) {
		return
	}
	u := currentUser(r)
	otpURL, err := s.cfg.Users.EnrollTOTP(r.Context(), u.Username)
	if err != nil {
		f := newForm(nil)
		f.addErr(err, langOf(r))
		s.renderAccount(w, r, httpStatus(err), &accountPage{TOTP: f})
		return
	}
	p := &accountPage{Enrolling: true}
	if parsed, err := url.Parse(otpURL); err == nil {
		p.Secret = parsed.Query().Get("secret")
	}
	p.QR, err = qrSVG(otpURL)
	if err != nil {
		s.logInternal(r, err)
	}
	s.renderAccount(w, r, http.StatusOK, p)
}

// accountTOTPConfirm activates the secret with the first code; the
// account page then offers the recovery codes (and during the set-up
// insists on them).
func (s *Server) accountTOTPConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !setupOrder(w, r) || !s.usersAvailable(w, r) {
		return
	}
	lang := langOf(r)
	err := s.cfg.Users.ConfirmTOTP(r.Context(), currentUser(r).Username, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		if code := nrm.ErrorCode(err); code != nrm.EINVALID && code != nrm.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		f := newForm(nil)
		if nrm.ErrorCode(err) == nrm.EINVALID {
			f.add("code", tr(lang, "login.totp_failed"))
		} else {
			f.Message = userMessage(err, lang)
		}
		s.renderAccount(w, r, httpStatus(err), &accountPage{TOTP: f, Enrolling: true})
		return
	}
	http.Redirect(w, r, "/account?saved=1#recovery", http.StatusSeeOther)
}

// accountRecovery issues new recovery codes and shows them this once.
func (s *Server) accountRecovery(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) || !setupOrder(w, r) || !s.usersAvailable(w, r) {
		return
	}
	u := currentUser(r)
	codes, err := s.cfg.Users.NewRecoveryCodes(r.Context(), u.Username)
	if err != nil {
		if nrm.ErrorCode(err) != nrm.EINVALID {
			s.fail(w, r, err)
			return
		}
		f := newForm(nil)
		f.addErr(err, langOf(r))
		s.renderAccount(w, r, httpStatus(err), &accountPage{Recovery: f})
		return
	}
	// The page shows the account as it is now: codes taken, the set-up
	// (if that was its last step) done.
	u.RecoveryCodes, u.RecoveryCodesLeft = len(codes), len(codes)
	s.renderAccount(w, r, http.StatusOK, &accountPage{Codes: codes})
}

// qrSVG draws text as a QR code in SVG: one path of dark modules, with
// presentation attributes only, so that it passes the strict policy.
func qrSVG(text string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	b := code.Bounds()
	const quiet = 4
	w, h := b.Dx()+2*quiet, b.Dy()+2*quiet
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img" aria-hidden="true">`, w, h, w*5, h*5)
	fmt.Fprintf(&sb, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, w, h)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				fmt.Fprintf(&sb, "M%d %dh1v1h-1z", x-b.Min.X+quiet, y-b.Min.Y+quiet)
			}
		}
	}
	sb.WriteString(`"/></svg>`)
	return template.HTML(sb.String()), nil
}
