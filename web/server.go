// Package web is nrm's web application and JSON API: server-rendered
// pages (html/template, embedded assets, no JavaScript needed) for the
// case workflow, the action plan, the reference network, the statistics
// dashboard, user administration and the audit log, and a small JSON API
// under /api/v1. It depends on the domain (package nrm) and the storage
// (package sqlstore); the report formats are reached through
// Config.Render so that their heavy libraries stay out of this package.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"nrm"
	"nrm/sqlstore"
)

// ReportRenderer renders the annual report for q in a format (json, html,
// pdf, xlsx or md), in lang, with disclosure threshold k (0: none),
// showing the action plan's status of period ("" the default: the latest
// begun by the cut-off).
type ReportRenderer func(ctx context.Context, format string, q nrm.StatsQuery, lang nrm.Lang, k int, period string) (body []byte, contentType string, err error)

// Config wires the server to its services.
type Config struct {
	// DB holds cases, statistics, organisations, settings and the audit
	// log.
	DB *sqlstore.DB
	// Auth signs users in and resolves sessions and API tokens.
	Auth nrm.AuthService
	// Users manages user accounts (the admin page).
	Users nrm.UserService
	// Plans stores the action plans; defaults to DB.
	Plans nrm.PlanService
	// Network stores the reference network; defaults to DB.
	Network nrm.NetworkService
	// Referrals moves people through the mechanism (consent, referrals,
	// queues); defaults to DB.
	Referrals nrm.ReferralService
	// Render renders report downloads; nil offers JSON only.
	Render ReportRenderer
	// Publish publishes statistics editions; nil offers no publish button.
	Publish EditionPublisher
	// SecureCookies marks cookies Secure (behind TLS).
	SecureCookies bool
	// DefaultLang is the language of pages and messages for a visitor who
	// has not chosen one (no ?lang=, cookie or profile language); empty:
	// Danish.
	DefaultLang nrm.Lang
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// TrustedProxies are the networks of reverse proxies and load
	// balancers in front of nrm. A request from one of them is attributed
	// to the client named in its X-Forwarded-For header (the nearest
	// address not itself a trusted proxy), for sign-in throttling and the
	// audit log. Without it every user behind a load balancer would share
	// the balancer's address, and 20 failed sign-ins anywhere would lock
	// everyone out. The header is ignored from any other address, so a
	// client cannot choose its own address.
	TrustedProxies []netip.Prefix
}

// Server is the web application.
type Server struct {
	cfg   Config
	db    *sqlstore.DB
	tmpl  *templates
	log   *slog.Logger
	mux   *http.ServeMux
	cop   *http.CrossOriginProtection
	h     http.Handler
	now   func() time.Time
	chart chartFunc

	countryMu    sync.Mutex // guards countryCache and orgCache
	countryCache map[nrm.Lang]*countryList
	orgCache     map[nrm.Lang]*orgList
}

// Request body limits: forms are small; plan and network files may be
// large but are bounded.
const (
	maxFormBytes   = 1 << 20
	maxUploadBytes = 50 << 20
)

// New checks the configuration, parses every template (failing when one
// does not parse or uses an untranslated label) and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("web: Config.DB is required")
	}
	if cfg.Auth == nil {
		return nil, errors.New("web: Config.Auth is required")
	}
	if cfg.Plans == nil {
		cfg.Plans = cfg.DB
	}
	if cfg.Network == nil {
		cfg.Network = cfg.DB
	}
	if cfg.Referrals == nil {
		cfg.Referrals = cfg.DB
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: cfg.DB, tmpl: t, log: cfg.Logger, mux: http.NewServeMux(), now: time.Now, chart: defaultChart}
	s.cfg.Render = s.withEditions(cfg.Render)
	s.cop = http.NewCrossOriginProtection()
	s.cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	s.routes()
	s.h = s.logRequests(s.securityHeaders(s.cop.Handler(s.identify(s.mux))))
	return s, nil
}

// Handler returns the application's root handler.
func (s *Server) Handler() http.Handler { return s.h }

// route registers a handler with a body limit and a set of roles allowed
// (none: anyone, signed in or not).
func (s *Server) route(pattern string, limit int64, roles []nrm.Role, h http.HandlerFunc) {
	var next http.Handler = h
	if roles != nil {
		next = s.require(roles, next)
	}
	s.mux.Handle(pattern, limitBody(limit, next))
}

// Role sets used by the routes.
var (
	anyone      []nrm.Role // nil: no sign-in needed
	signedIn    = []nrm.Role{nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAssessor, nrm.RoleCaseworker, nrm.RoleAnalyst, nrm.RoleAuditor}
	caseRoles   = []nrm.Role{nrm.RoleAdmin, nrm.RoleCaseworker, nrm.RoleAssessor}
	statsRoles  = []nrm.Role{nrm.RoleAdmin, nrm.RoleCoordinator, nrm.RoleAssessor, nrm.RoleCaseworker, nrm.RoleAnalyst}
	planWriters = []nrm.Role{nrm.RoleAdmin, nrm.RoleCoordinator}
	adminRoles  = []nrm.Role{nrm.RoleAdmin}
	auditRoles  = []nrm.Role{nrm.RoleAdmin, nrm.RoleAuditor}
)

func (s *Server) routes() {
	s.mux.Handle("GET /static/", staticHandler())
	s.route("GET /{$}", 0, anyone, s.home)
	s.route("GET /healthz", 0, anyone, s.healthz)

	s.route("GET /login", 0, anyone, s.loginForm)
	s.route("POST /login", maxFormBytes, anyone, s.login)
	s.route("GET /login/totp", 0, anyone, s.totpForm)
	s.route("POST /login/totp", maxFormBytes, anyone, s.totp)
	s.route("POST /logout", maxFormBytes, anyone, s.logout)

	s.route("GET /cases", 0, caseRoles, s.caseList)
	s.route("GET /cases/new", 0, caseRoles, s.caseNew)
	s.route("POST /cases", maxFormBytes, caseRoles, s.caseCreate)
	s.route("GET /cases/{id}", 0, caseRoles, s.caseShow)
	s.route("POST /cases/{id}/contacts", maxFormBytes, caseRoles, s.caseAddContact)
	s.route("POST /cases/{id}/assessments", maxFormBytes, caseRoles, s.caseAddAssessment)
	s.route("POST /cases/{id}/reflection", maxFormBytes, caseRoles, s.caseAddReflection)
	s.route("POST /cases/{id}/accommodations", maxFormBytes, caseRoles, s.caseAddAccommodation)
	s.route("POST /cases/{id}/accommodations/{aid}/end", maxFormBytes, caseRoles, s.caseEndAccommodation)
	s.route("POST /cases/{id}/offers", maxFormBytes, caseRoles, s.caseAddOffer)
	s.route("POST /cases/{id}/exits", maxFormBytes, caseRoles, s.caseAddExit)
	s.correctionRoutes()
	s.caseListRoutes()

	s.route("GET /plans", 0, signedIn, s.planList)
	s.route("POST /plans/import", maxUploadBytes, planWriters, s.planImport)
	s.route("GET /plans/{code}", 0, signedIn, s.planShow)
	s.route("GET /plans/{code}/dashboard", 0, signedIn, s.planDashboard)
	s.route("GET /plans/{code}/export.yaml", 0, signedIn, s.planExportYAML)
	s.route("GET /plans/{code}/export.csv", 0, signedIn, s.planExportCSV)
	s.route("POST /plans/{code}/activities/{activity}/status", maxFormBytes, planWriters, s.planAddStatus)
	s.outputRoutes()

	s.route("GET /network", 0, signedIn, s.networkShow)
	s.route("POST /network/meetings", maxFormBytes, planWriters, s.networkAddMeeting)
	s.route("POST /network/outreach", maxFormBytes, planWriters, s.networkAddOutreach)
	s.route("POST /network/import", maxUploadBytes, planWriters, s.networkImport)

	s.route("GET /stats", 0, statsRoles, s.statsShow)
	s.route("GET /stats/figures/{id}", 0, statsRoles, s.statsFigure)
	s.route("GET /stats/report/{format}", 0, statsRoles, s.statsDownload)
	s.editionRoutes()
	s.sourceRoutes()

	s.route("GET /admin/users", 0, adminRoles, s.userList)
	s.route("POST /admin/users", maxFormBytes, adminRoles, s.userCreate)
	s.route("POST /admin/users/{username}/disabled", maxFormBytes, adminRoles, s.userSetDisabled)
	s.route("POST /admin/users/{username}/password", maxFormBytes, adminRoles, s.userResetPassword)
	s.route("POST /admin/users/{username}/twofactor", maxFormBytes, adminRoles, s.userResetTOTP)
	s.route("GET /admin/settings", 0, adminRoles, s.settingsShow)
	s.route("POST /admin/settings/{key}", maxFormBytes, adminRoles, s.settingSave)

	s.route("GET /audit", 0, auditRoles, s.auditShow)

	s.route("GET /account", 0, signedIn, s.account)
	s.route("POST /account/password", maxFormBytes, signedIn, s.accountPassword)
	s.route("POST /account/totp", maxFormBytes, signedIn, s.accountTOTPEnroll)
	s.route("POST /account/totp/confirm", maxFormBytes, signedIn, s.accountTOTPConfirm)
	s.route("POST /account/recovery", maxFormBytes, signedIn, s.accountRecovery)

	s.referralRoutes()
	s.taskRoutes()
	s.searchRoutes()
	s.journalRoutes()
	s.intlexportRoutes()
	s.apiRoutes()
	s.mux.HandleFunc("/", s.notFound)
}

// limitBody caps the request body so that no upload can exhaust memory;
// 0 refuses any body.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, max(n, 1))
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries: a strict
// content security policy (no inline scripts or styles, no framing),
// no MIME sniffing, no referrer, and no caching of dynamic pages.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only the application's own scripts, styles
// and images and forbids framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// statusWriter records the status code for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status written.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one line per request: method, route pattern, status
// and duration. Never the path, the query or a form value: they can
// carry identifiers (a case reference, a name searched for).
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "(none)"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", pattern),
			slog.Int("status", sw.status), slog.Duration("duration", s.now().Sub(start)))
	})
}

// remoteAddr is the client address recorded in the audit log and used for
// sign-in throttling: the connection's address, or behind a trusted proxy
// the client's (Config.TrustedProxies).
func (s *Server) remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.cfg.TrustedProxies) == 0 {
		return host
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	// X-Forwarded-For lists the client and then each proxy passed; the
	// last entries were added by our own proxies. Walk back to the first
	// address no trusted proxy stands for. Every header line counts, in
	// order.
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host // malformed: trust nothing beyond our proxy
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// home is where signing in lands: it sends the browser on to the role's
// first page (through localRedirect, like every redirect a request could
// shape).
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u == nil {
		localRedirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if (u.Role == nrm.RoleCaseworker || u.Role == nrm.RoleAssessor) && !u.SetupPending() {
		s.homePage(w, r) // my cases and the worklist (web/tasks.go)
		return
	}
	localRedirect(w, r, homeFor(u.Role), http.StatusSeeOther)
}

// homeFor is the first page a role sees after signing in.
func homeFor(role nrm.Role) string {
	switch role {
	case nrm.RoleCaseworker, nrm.RoleAssessor:
		return "/" // the home page: my cases and the worklist
	case nrm.RoleAuditor:
		return "/audit"
	case nrm.RoleCoordinator:
		return "/plans"
	}
	return "/stats"
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.SQL().PingContext(r.Context()); err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
