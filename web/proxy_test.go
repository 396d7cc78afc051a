package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"nrm/auth"
	"nrm/sqlstore"
)

// The client address behind trusted proxies, and only behind them.
func TestRemoteAddrBehindTrustedProxies(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}}
	plain := &Server{}
	for _, tc := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"198.51.100.7:5000", nil, "198.51.100.7"},
		{"198.51.100.7:5000", []string{"203.0.113.5"}, "198.51.100.7"}, // not a proxy: the header is the client's own claim
		{"10.0.0.2:5000", nil, "10.0.0.2"},
		{"10.0.0.2:5000", []string{"203.0.113.5"}, "203.0.113.5"},
		{"10.0.0.2:5000", []string{"1.2.3.4, 203.0.113.5"}, "203.0.113.5"},           // the client prepended a fake
		{"10.0.0.2:5000", []string{"1.2.3.4, 203.0.113.5, 10.0.0.9"}, "203.0.113.5"}, // two proxies
		{"10.0.0.2:5000", []string{"1.2.3.4", "203.0.113.5"}, "203.0.113.5"},         // two header lines
		{"10.0.0.2:5000", []string{"10.1.1.1, 10.0.0.9"}, "10.0.0.2"},                // only proxies
		{"10.0.0.2:5000", []string{"not-an-address"}, "10.0.0.2"},
		{"[fd00::1]:5000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"10.0.0.2:5000", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.remoteAddr(r); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
		if host := tc.peer[:len(tc.peer)-len(":5000")]; plain.remoteAddr(r) != trimBrackets(host) {
			t.Errorf("without trusted proxies: %s, want the peer %s", plain.remoteAddr(r), host)
		}
	}
}

func trimBrackets(s string) string {
	if len(s) > 1 && s[0] == '[' {
		return s[1 : len(s)-1]
	}
	return s
}

// Behind a trusted load balancer, sign-in throttling counts each client on
// its own: one client's 20 failures do not lock out another, and the audit
// log records the client's address.
func TestThrottlingPerClientBehindAProxy(t *testing.T) {
	e := newTestEnv(t)
	e.srv.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	attacker, user := e.client(), e.client()
	tok := attacker.csrf("/login")
	login := func(c *client, tok, username, password, addr string) int {
		return c.postWith("/login", map[string][]string{"csrf": {tok}, "username": {username}, "password": {password}}, "X-Forwarded-For", addr).StatusCode
	}
	for i := range auth.RemoteMaxFailures {
		if code := login(attacker, tok, fmt.Sprintf("ghost%d", i), "guess-guess-guess", "203.0.113.66"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i, code)
		}
	}
	if code := login(attacker, tok, "coord", testPassword, "203.0.113.66"); code != http.StatusUnauthorized {
		t.Fatalf("the throttled client signed in: status %d", code)
	}
	if code := login(user, user.csrf("/login"), "worker", testPassword, "198.51.100.20"); code != http.StatusSeeOther {
		t.Fatalf("another client behind the same proxy was locked out: status %d", code)
	}
	entries, err := e.db.FindAudit(system, sqlstore.AuditFilter{Username: "worker"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[len(entries)-1].Remote != "198.51.100.20" {
		t.Fatalf("audit of the sign-in: %+v, want the client's address", entries)
	}
}
