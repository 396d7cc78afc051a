package web

import (
	"bufio"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/cases", "/cases"},
		{"/cases/12", "/cases/12"},
		{"/static/", "/static/"},
		{"/plans/a b", "/plans/a%20b"},
		{"/plans/æøå", "/plans/%C3%A6%C3%B8%C3%A5"},
		{"/cases/../audit", "/audit"},
		{"/..", "/"},
		{"/", "/"},
		{"", "/"},
		{"cases", "/"},
		{"evil.example/login", "/"},
		{"//evil.example/login", "/"},
		{"///evil.example/login", "/"},
		{"/\\evil.example/login", "/"},
		{"\\\\evil.example", "/"},
		{"/a\\b", "/"},
		{"/cases//12", "/"},
		// Decoded once by the server, still encoded underneath.
		{"/%2F%2Fevil.example/login", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%5cevil.example", "/"},
		{"/%252F%252Fevil.example", "/"},
		{"/%25252F%25252Fevil.example", "/"},
		{"/%zz", "/"},
		// Control characters: browsers drop tabs and newlines, so
		// "/\t/evil" would become "//evil".
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/\x00evil", "/"},
		{"/\x7fevil", "/"},
		{"/\u0085evil", "/"},
		{"/\u2028evil", "/"},
		{"/%09/evil.example", "/"},
		{"/\xff", "/"},
	} {
		if got := localPath(c.in); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLocalURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/cases/12?saved=1#timeline", "/cases/12?saved=1#timeline"},
		{"/stats/editions?year=2011&published=2", "/stats/editions?published=2&year=2011"},
		{"/plans/P%201?saved=1#a-X", "/plans/P%201?saved=1#a-X"},
		{"//evil.example/login", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"http:/evil.example", "/"},
		{"/ok?next=//evil.example", "/ok?next=%2F%2Fevil.example"},
	} {
		if got := localURL(c.in); got != c.want {
			t.Errorf("localURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// hostilePaths are request targets, sent byte for byte, that name another
// host once decoded, cleaned or read by a browser.
var hostilePaths = []string{
	"//evil.example/login",
	"/%2F%2Fevil.example/login",
	"/%2f%2fevil.example/login",
	"/%2F/evil.example/login",
	"/\\evil.example/login",
	"/%5Cevil.example/login",
	"/%5C%5Cevil.example",
	"/%2F%5Cevil.example",
	"/a\\b",
	"/%252F%252Fevil.example/login",
	"/%09/evil.example",
	"/%0D%0A//evil.example",
}

// raw sends target as the request line, byte for byte (a Go client would
// re-encode it), with the client's cookies, and reads the answer.
func (c *client) raw(method, target string) *response {
	c.t.Helper()
	base := must(url.Parse(c.env.ts.URL))(c.t)
	conn, err := net.Dial("tcp", base.Host)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for _, k := range c.http.Jar.Cookies(base) {
		cookies = append(cookies, k.Name+"="+k.Value)
	}
	req := method + " " + target + " HTTP/1.1\r\nHost: " + base.Host + "\r\nConnection: close\r\nContent-Length: 0\r\n"
	if len(cookies) > 0 {
		req += "Cookie: " + strings.Join(cookies, "; ") + "\r\n"
	}
	if _, err := conn.Write([]byte(req + "\r\n")); err != nil {
		c.t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return &response{Response: res, Body: b.String()}
}

var (
	linkAttr   = regexp.MustCompile(`(?i)\s(?:href|action|src|formaction)\s*=\s*"([^"]*)"`)
	langSwitch = regexp.MustCompile(`id="lang-switch" href="([^"]*)"`)
)

// staysHome checks that every address a response sends the browser to —
// its Location and every link, form action and source in the page — is on
// the test server, read the way a browser reads it (backslashes as
// slashes, tabs and newlines dropped, any number of slashes before a
// host), and that the language switch is a
// plain local path. shown is the path the switch must point to.
func staysHome(t *testing.T, e *testEnv, what string, res *response, shown string) {
	t.Helper()
	base := must(url.Parse(e.ts.URL + "/some/page"))(t)
	check := func(kind, v string) {
		t.Helper()
		v = html.UnescapeString(v)
		browser := strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\r':
				return -1
			case '\\':
				return '/'
			}
			return r
		}, strings.TrimSpace(v))
		// A browser skips any number of slashes before a host
		// ("///evil.example" is evil.example), where Go sees an empty one.
		for _, scheme := range []string{"", "http:", "https:"} {
			if rest, ok := strings.CutPrefix(strings.ToLower(browser), scheme+"//"); ok {
				browser = scheme + "//" + strings.TrimLeft(rest, "/")
				break
			}
		}
		u, err := url.Parse(browser)
		if err != nil {
			t.Errorf("%s: %s %q does not parse: %v", what, kind, v, err)
			return
		}
		abs := base.ResolveReference(u)
		if abs.Scheme != base.Scheme || abs.Host != base.Host {
			t.Errorf("%s: %s %q leads to %s://%s", what, kind, v, abs.Scheme, abs.Host)
		}
	}
	if loc := res.Header.Get("Location"); loc != "" {
		check("Location", loc)
	}
	for _, m := range linkAttr.FindAllStringSubmatch(res.Body, -1) {
		check("link", m[1])
	}
	if res.StatusCode/100 == 3 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		return
	}
	m := langSwitch.FindStringSubmatch(res.Body)
	if m == nil {
		t.Errorf("%s: status %d, no language switch", what, res.StatusCode)
		return
	}
	href := html.UnescapeString(m[1])
	p, _, _ := strings.Cut(href, "?")
	bad := !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "//") ||
		strings.ContainsAny(href, "\\\t\r\n") || strings.Contains(strings.ToLower(p), "%5c") || strings.Contains(strings.ToLower(p), "%2f")
	if bad || (shown != "" && p != shown) {
		t.Errorf("%s: language switch %q, want the path %q", what, href, shown)
	}
}

// Every kind of page reached through a hostile path links and redirects
// only within the server: a 404 (anonymous and signed in, GET and POST),
// an error page (403), the sign-in page and a normal page.
func TestHostilePathsStayLocal(t *testing.T) {
	e := newTestEnv(t)
	anon := e.client()
	worker := e.login("worker")
	analyst := e.login("analyst")
	for _, p := range hostilePaths {
		staysHome(t, e, "anonymous GET "+p, anon.raw("GET", p), "/")
		staysHome(t, e, "signed-in GET "+p, worker.raw("GET", p), "/")
		staysHome(t, e, "anonymous POST "+p, anon.raw("POST", p), "/")
		staysHome(t, e, "signed-in POST "+p, worker.raw("POST", p), "/")
		staysHome(t, e, "GET "+p+"?lang=en", worker.raw("GET", p+"?lang=en&x=1"), "/")
		// A case address as an anonymous browser: sent to sign in.
		staysHome(t, e, "anonymous GET /cases"+p, anon.raw("GET", "/cases"+p), "/")
		// A post to a case form at a hostile address: the error page.
		staysHome(t, e, "signed-in POST /cases"+p+"/contacts", worker.raw("POST", "/cases"+p+"/contacts"), "")
		staysHome(t, e, "GET /login"+p, anon.raw("GET", "/login"+p), "/")
	}
	// A case address the analyst may not open: the 403 error page.
	for _, p := range []string{"/cases/%2F%2Fevil.example", "/cases/%5Cevil.example", "/cases/\\evil.example", "/cases/%5C%5Cevil.example", "/cases/%252F%252Fevil.example"} {
		res := analyst.raw("GET", p)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("analyst GET %s: status %d, want 403", p, res.StatusCode)
		}
		staysHome(t, e, "analyst GET "+p, res, "/")
	}
	// The hostile address of the report: a 404 whose switch once read
	// href="///evil.example/login?lang=en".
	res := anon.raw("GET", "/%2F%2Fevil.example/login")
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404", res.StatusCode)
	}
	if m := langSwitch.FindStringSubmatch(res.Body); m == nil || html.UnescapeString(m[1]) != "/?lang=en" {
		t.Errorf("language switch on the 404 = %v, want /?lang=en", m)
	}
}

// The sign-in page and a normal page keep their own path and query in the
// language switch, the query re-encoded so that no value becomes an
// address.
func TestLanguageSwitchKeepsLocalPage(t *testing.T) {
	e := newTestEnv(t)
	anon := e.client()
	worker := e.login("worker")
	for _, v := range []string{"//evil.example", "/\\evil.example", "%2F%2Fevil.example", "https://evil.example/"} {
		q := url.Values{"next": {v}}.Encode()
		res := anon.get("/login?" + q)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /login?%s: status %d", q, res.StatusCode)
		}
		staysHome(t, e, "login ?"+q, res, "/login")
		if m := langSwitch.FindStringSubmatch(res.Body); m == nil || html.UnescapeString(m[1]) != "/login?lang=en&"+q {
			t.Errorf("language switch of /login?%s = %v", q, m)
		}
		res = worker.get("/cases?search=" + url.QueryEscape(v))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /cases: status %d", res.StatusCode)
		}
		staysHome(t, e, "cases ?search="+v, res, "/cases")
		// A refused sign-in renders the sign-in page again.
		tok := anon.csrf("/login")
		res = anon.post("/login?"+q, url.Values{"csrf": {tok}, "username": {"worker"}, "password": {"wrong password"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("refused sign-in: status %d", res.StatusCode)
		}
		staysHome(t, e, "refused sign-in ?"+q, res, "/login")
	}
}

// Signing in from an address carrying a hostile return-to lands on the
// role's home page, never elsewhere: the sign-in redirect, the redirect
// of "/" and of the sign-in page once signed in.
func TestSignInRedirectStaysLocal(t *testing.T) {
	e := newTestEnv(t)
	for i, v := range []string{"//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "https://evil.example/"} {
		c := e.client()
		tok := c.csrf("/login")
		q := url.Values{"next": {v}, "return_to": {v}, "redirect": {v}}.Encode()
		res := c.post("/login?"+q, url.Values{"csrf": {tok}, "username": {"worker"}, "password": {testPassword}, "next": {v}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in %d: status %d", i, res.StatusCode)
		}
		staysHome(t, e, fmt.Sprintf("sign-in with next=%s", v), res, "")
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("sign-in with next=%s: Location %q, want /", v, loc)
		}
		// A caseworker's home page is their own (my cases and the
		// worklist): it is shown, not redirected anywhere.
		res = c.get("/?" + q)
		staysHome(t, e, "home after sign-in", res, "")
		if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" {
			t.Errorf("home after sign-in: status %d, Location %q, want the home page", res.StatusCode, res.Header.Get("Location"))
		}
		res = c.get("/login?" + q)
		staysHome(t, e, "sign-in page when signed in", res, "")
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("sign-in page when signed in: Location %q, want /", loc)
		}
	}
}
