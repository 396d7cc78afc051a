package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"

	"nrm"
)

// Cookie names. The session cookie holds the raw session token (only its
// hash is stored); the pre-session cookie carries the CSRF token of the
// sign-in forms, before there is a session to bind one to.
const (
	sessionCookie    = "nrm_session"
	preSessionCookie = "nrm_csrf"
	langCookie       = "nrm_lang"
)

// reqState is what the identify middleware learned about a request.
type reqState struct {
	user    *nrm.User
	session *nrm.Session
	token   string
	// bearer is true when an API token (not a session cookie)
	// authenticated the request; such requests need no CSRF token.
	bearer bool
	lang   nrm.Lang
	// langExplicit is true when ?lang= or the cookie chose the language.
	langExplicit bool
}

type stateKey struct{}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: nrm.LangDA}
}

// currentUser returns the signed-in user, or nil.
func currentUser(r *http.Request) *nrm.User { return state(r).user }

// langOf returns the request's language.
func langOf(r *http.Request) nrm.Lang { return state(r).lang }

// identify resolves the session cookie or API bearer token, the language,
// and puts the actor into the context for storage and the audit log.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{lang: nrm.LangDA}
		ctx := r.Context()
		if strings.HasPrefix(r.URL.Path, "/static/") {
			// Assets are public: no session lookup per stylesheet.
			next.ServeHTTP(w, r)
			return
		}
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") && strings.HasPrefix(r.URL.Path, "/api/") {
			if u, err := s.cfg.Auth.AuthenticateAPIToken(ctx, strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))); err == nil && !u.Disabled {
				st.user, st.bearer = u, true
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if u, sess, err := s.cfg.Auth.Authenticate(ctx, c.Value); err == nil && !u.Disabled {
				st.user, st.session, st.token = u, sess, c.Value
			}
		}
		st.lang, st.langExplicit = s.pickLang(w, r, st.user)
		if st.user != nil && st.session != nil && st.user.SetupPending() && !setupRoute(r) {
			// A one-time password, a missing second factor or missing
			// recovery codes: the account page until the set-up is done.
			// API tokens are not sessions and are not held up.
			if isAPI(r) {
				writeJSON(w, http.StatusForbidden, apiErrorBody{Code: nrm.EFORBIDDEN, Message: tr(st.lang, "setup.api")})
				return
			}
			http.Redirect(w, r, "/account", http.StatusSeeOther)
			return
		}
		if st.user != nil {
			ctx = nrm.NewContextWithActor(ctx, st.user.Actor(s.remoteAddr(r)))
		}
		r2 := r.WithContext(context.WithValue(ctx, stateKey{}, st))
		next.ServeHTTP(w, r2)
		// The mux records the matched pattern on the request it was given;
		// hand it back to the request log, which holds the outer request.
		r.Pattern = r2.Pattern
	})
}

// setupRoute reports whether r belongs to the account set-up that a
// user with SetupPending must finish first: the account page and its
// forms, and signing out.
func setupRoute(r *http.Request) bool {
	switch r.Method + " " + r.URL.Path {
	case "GET /account", "HEAD /account", "POST /account/password", "POST /account/totp", "POST /account/totp/confirm",
		"POST /account/recovery", "POST /logout", "GET /healthz":
		return true
	}
	return false
}

// pickLang chooses the language: ?lang= (remembered in a cookie for the
// pages that follow), then the cookie, then the user's preference, then
// the API client's Accept-Language; Danish by default.
func (s *Server) pickLang(w http.ResponseWriter, r *http.Request, u *nrm.User) (nrm.Lang, bool) {
	if q := r.URL.Query().Get("lang"); q != "" {
		l := nrm.ParseLang(q)
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
		}
		return l, true
	}
	if c, err := r.Cookie(langCookie); err == nil && !strings.HasPrefix(r.URL.Path, "/api/") {
		return nrm.ParseLang(c.Value), true
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if al := r.Header.Get("Accept-Language"); al != "" {
			return acceptLang(al), true
		}
	}
	if u != nil && u.Lang != "" {
		return nrm.ParseLang(string(u.Lang)), false
	}
	if s.cfg.DefaultLang != "" {
		return s.cfg.DefaultLang, false
	}
	return nrm.LangDA, false
}

// acceptLang returns the first of da and en named in an Accept-Language
// header, Danish when neither is.
func acceptLang(h string) nrm.Lang {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "da"):
			return nrm.LangDA
		case strings.HasPrefix(tag, "en"):
			return nrm.LangEN
		}
	}
	return nrm.LangDA
}

// require lets a request through when its user has one of roles; an
// anonymous browser is sent to the sign-in page (an API client gets 401),
// and a user without the role gets a 403 that names nothing.
func (s *Server) require(roles []nrm.Role, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u == nil {
			if isAPI(r) {
				s.apiError(w, r, nrm.Errorf(nrm.EUNAUTHORIZED, "Sign in first."))
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if !slices.Contains(roles, u.Role) {
			s.fail(w, r, nrm.Errorf(nrm.EFORBIDDEN, "forbidden"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// sessionCSRF returns the session's CSRF token; when the auth service
// keeps none, one is derived from the (secret) session token so that it
// is stable for the session's life and unguessable without it.
func sessionCSRF(st *reqState) string {
	if st.session.CSRFToken != "" {
		return st.session.CSRFToken
	}
	h := sha256.Sum256([]byte("nrm-csrf\x00" + st.token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// randomToken returns 32 random bytes, base64url encoded.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfToken returns the token forms must carry: the session's, or for the
// sign-in forms the pre-session cookie's (set here when missing).
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if st := state(r); st.session != nil {
		return sessionCSRF(st)
	}
	if c, err := r.Cookie(preSessionCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: preSessionCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	return tok
}

// checkCSRF compares the form's token with the session's (or the
// pre-session cookie's) in constant time. Cross-origin requests were
// already refused by http.CrossOriginProtection; the token also defeats
// same-site attackers and old browsers without Sec-Fetch-Site.
func (s *Server) checkCSRF(r *http.Request, got string) bool {
	var want string
	if st := state(r); st.session != nil {
		want = sessionCSRF(st)
	} else if c, err := r.Cookie(preSessionCookie); err == nil {
		want = c.Value
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// parseForm parses a form post within its body limit and checks its CSRF
// token; it writes the error response and returns false on failure.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if asMaxBytes(err, &tooLarge) {
			s.fail(w, r, tooLargeError())
			return false
		}
		s.fail(w, r, malformed("The form could not be read."))
		return false
	}
	if !s.checkCSRF(r, r.PostFormValue("csrf")) {
		s.csrfFailed(w, r)
		return false
	}
	return true
}

// setSessionCookie sets the session cookie without an expiry: it ends
// with the browser, and the server ends it earlier on idle or expiry.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}
