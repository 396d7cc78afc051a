package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nrm"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to log
// into while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Planted identifiers: none of them may ever reach a user who may not see
// the case, a log line or an error page.
const (
	secretName = "Zorana Plantedname"
	secretRef  = "CMM-SECRET-7"
	secretAddr = "Hemmeligvej 13, 9999 Skjulby"
	redenRef   = "RED-OWN-1"
	missingID  = 999999
)

// attackEnv is a testEnv whose server logs into a buffer, renders report
// downloads, and whose storage clock can be moved forward. It holds a
// case of CMM (not shared with anybody, with a child of every kind) and
// a case of REDEN, and one more user: a CMM assessor.
type attackEnv struct {
	*testEnv
	log   *syncBuffer
	skew  *atomic.Int64 // added to the storage clock, in nanoseconds
	cmm   *nrm.Case
	reden *nrm.Case
}

func newAttackEnv(t *testing.T) *attackEnv {
	t.Helper()
	base := newTestEnv(t)
	e := &attackEnv{testEnv: base, log: &syncBuffer{}, skew: &atomic.Int64{}}
	skew := e.skew
	e.db.Now = func() time.Time {
		return time.Now().UTC().Truncate(time.Microsecond).Add(time.Duration(skew.Load()))
	}
	srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, Render: testRenderer(e.db),
		Logger: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	// A server of its own (rather than swapping the handler of the running
	// one) so that no request races with the swap.
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.srv, e.ts = srv, ts
	if err := e.db.CreateUser(system, &nrm.User{Username: "assessor-cmm", DisplayName: "CMM assessor", Role: nrm.RoleAssessor,
		Org: "CMM", Authority: nrm.AuthorityCMM}, testPassword); err != nil {
		t.Fatal(err)
	}
	e.cmm = &nrm.Case{Ref: secretRef, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceLegal,
		Identifiers: nrm.Identifiers{Name: secretName, Aliases: []string{"Zora"}, BirthDate: nrm.MustDate("1991-03-04"),
			Phone: "+4512345678", Address: secretAddr, Notes: "Planted note"},
		Contacts:          []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice, Org: "CMM", Place: "Aalborg"}},
		Assessments:       []nrm.Assessment{{Date: nrm.MustDate("2011-02-10"), Authority: nrm.AuthorityCMM, Outcome: nrm.OutcomeIdentified, Exploitation: []nrm.ExploitationForm{"sexual"}}},
		ReflectionPeriods: []nrm.ReflectionPeriod{{Start: nrm.MustDate("2011-02-10"), End: nrm.MustDate("2011-06-10")}},
		Accommodations:    []nrm.Accommodation{{Kind: nrm.AccommodationCrisisShelter, Provider: "Secret Shelter", Start: nrm.MustDate("2011-02-11")}},
		Offers:            []nrm.Offer{{Kind: "health_care", Offered: nrm.MustDate("2011-02-12")}},
	}
	if err := e.db.CreateCase(system, e.cmm); err != nil {
		t.Fatal(err)
	}
	e.reden = &nrm.Case{Ref: redenRef, OwnerOrg: "REDEN", Gender: nrm.GenderFemale, Nationality: "TH", ResidenceStatus: nrm.ResidenceIrregular,
		Identifiers: nrm.Identifiers{Name: "Reden Own Person"},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-03-01"), Form: nrm.ContactOutreach, Org: "REDEN"}},
	}
	if err := e.db.CreateCase(system, e.reden); err != nil {
		t.Fatal(err)
	}
	return e
}

// as signs username in through the form, on a client that reports to the
// env's (sub)test.
func (e *attackEnv) as(username string) *client {
	e.t.Helper()
	return e.login(username)
}

// anon is a browser without a session.
func (e *attackEnv) anon() *client {
	jar := must(cookiejar.New(nil))(e.t)
	return &client{t: e.t, env: e.testEnv, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// snapshot is the stored case as the administrator sees it, as JSON: any
// write changes it (version, children, identifiers).
func (e *attackEnv) snapshot(id int64) string {
	e.t.Helper()
	c, err := e.db.FindCaseByID(system, id)
	if err != nil {
		e.t.Fatalf("snapshot of case %d: %v", id, err)
	}
	b := must(json.Marshal(c))(e.t)
	return string(b)
}

// unchanged fails when case id differs from its snapshot before.
func (e *attackEnv) unchanged(id int64, before string) {
	e.t.Helper()
	if after := e.snapshot(id); after != before {
		e.t.Errorf("case %d was changed by a refused request:\nbefore %s\nafter  %s", id, before, after)
	}
}

// token issues an API token for username.
func (e *attackEnv) token(username string) string {
	e.t.Helper()
	tok, err := e.db.CreateAPIToken(system, username, "attack-"+username)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// bearer calls the API with a bearer token.
func (e *attackEnv) bearer(token, method, path, body string) *response {
	e.t.Helper()
	req := must(http.NewRequest(method, e.ts.URL+path, strings.NewReader(body)))(e.t)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.anon().do(req)
}

// api calls the API with the client's session cookie and the given
// headers (name, value pairs).
func (c *client) api(method, path, body string, hdr ...string) *response {
	c.t.Helper()
	req := must(http.NewRequest(method, c.env.ts.URL+path, strings.NewReader(body)))(c.t)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// postWith posts a form with extra request headers (name, value pairs).
func (c *client) postWith(path string, form url.Values, hdr ...string) *response {
	c.t.Helper()
	req := must(http.NewRequest(http.MethodPost, c.env.ts.URL+path, strings.NewReader(form.Encode())))(c.t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// cookie returns the value of the named cookie the client holds.
func (c *client) cookie(name string) string {
	u := must(url.Parse(c.env.ts.URL))(c.t)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// setCookie plants a cookie in the client's jar.
func (c *client) setCookie(name, value string) {
	u := must(url.Parse(c.env.ts.URL))(c.t)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// setCookieOf returns the Set-Cookie of the named cookie in res.
func setCookieOf(res *response, name string) *http.Cookie {
	for _, ck := range res.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// mustStatus fails unless res has the status.
func mustStatus(t *testing.T, res *response, want int, what string) {
	t.Helper()
	if res.StatusCode != want {
		t.Errorf("%s: status %d, want %d; body: %.300s", what, res.StatusCode, want, res.Body)
	}
}

// noLeak fails when the body names any of the secrets.
func noLeak(t *testing.T, what, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("%s leaks %q", what, s)
		}
	}
}

// caseSecrets are the texts of the CMM case no other organisation may
// learn.
func (e *attackEnv) caseSecrets() []string {
	return []string{secretName, secretRef, secretAddr, "Secret Shelter", "Planted note", "Zorana"}
}

// samePage fails unless a and b have the same status and the same body
// once the address each was asked at is swapped (the language switch
// links back to it).
func samePage(t *testing.T, what string, a, b *response, pathA, pathB string) {
	t.Helper()
	if a.StatusCode != b.StatusCode {
		t.Errorf("%s: status %d vs %d", what, a.StatusCode, b.StatusCode)
		return
	}
	if strings.ReplaceAll(a.Body, pathA, "{PATH}") != strings.ReplaceAll(b.Body, pathB, "{PATH}") {
		t.Errorf("%s: bodies differ:\n%s\n----\n%s", what, a.Body, b.Body)
	}
}

var (
	eventHandlerAttr = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	scriptURLAttr    = regexp.MustCompile(`(?i)\b(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:`)
	scriptTag        = regexp.MustCompile(`(?i)<script\b`)
	quotedValue      = regexp.MustCompile(`="[^"]*"`)
)

// xssPayloads are stored and reflected in every free-text field.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
}

// htmlTextEscape escapes as html/template does in text and attribute
// values.
func htmlTextEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

// inert fails unless the page is served under the strict policy and
// carries no markup, event handler or script URL of an attacker; when
// shown is set, each payload must appear, escaped (so the test knows the
// field is rendered at all).
func inert(t *testing.T, what string, res *response, shown bool, payloads ...string) {
	t.Helper()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: no strict CSP: %q", what, csp)
	}
	body := res.Body
	if strings.Contains(body, "<script>alert(1)</script>") || strings.Contains(body, "<img src=x") {
		t.Errorf("%s: payload rendered as markup", what)
	}
	if n := len(scriptTag.FindAllString(body, -1)); n > 1 {
		t.Errorf("%s: %d script elements (the layout has one)", what, n)
	}
	// html/template double-quotes every attribute value and escapes the
	// quotes inside; what is left outside the quotes is the markup.
	markup := quotedValue.ReplaceAllString(body, `=""`)
	if m := eventHandlerAttr.FindString(markup); m != "" {
		t.Errorf("%s: event handler attribute in markup: %q", what, m)
	}
	if m := scriptURLAttr.FindString(body); m != "" {
		t.Errorf("%s: javascript: URL in an attribute: %q", what, m)
	}
	if shown {
		for _, p := range payloads {
			if !strings.Contains(body, htmlTextEscape(p)) {
				t.Errorf("%s: payload %q not shown escaped", what, p)
			}
		}
	}
}

// caseForms are the sub-forms of the case page with valid values.
func caseForms(version int, aid int64) map[string]url.Values {
	v := fmt.Sprint(version)
	return map[string]url.Values{
		"contacts":       {"version": {v}, "contact_date": {"2011-03-01"}, "contact_form": {"outreach"}, "contact_org": {"REDEN"}, "place": {"x"}},
		"assessments":    {"version": {v}, "assessment_stage": {"final"}, "assessment_date": {"2011-03-01"}, "assessment_authority": {"CMM"}, "assessment_outcome": {"not_identified"}},
		"reflection":     {"version": {v}, "reflection_start": {"2011-03-01"}, "reflection_end": {"2011-04-01"}},
		"accommodations": {"version": {v}, "kind": {"crisis_shelter"}, "provider": {"Attacker"}, "start_date": {"2011-03-01"}},
		fmt.Sprintf("accommodations/%d/end", aid): {"version": {v}, "end_date": {"2011-03-05"}},
		"offers": {"version": {v}, "offer_kind": {"health_care"}, "offered": {"2011-03-01"}, "accepted": {"yes"}},
		"exits":  {"version": {v}, "exit_date": {"2011-03-20"}, "exit_kind": {"self_return"}, "confirm": {"1"}},
	}
}
