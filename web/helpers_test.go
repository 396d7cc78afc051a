package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/auth"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

func init() { auth.HashParams = auth.TestParams }

// testPassword satisfies the password policy.
const testPassword = "correct-horse-battery-staple"

var system = nrm.NewContextWithActor(context.Background(), nrm.SystemActor)

// testEnv is a running server over a fresh SQLite database with a few
// organisations and one user per role.
type testEnv struct {
	t   *testing.T
	db  *sqlstore.DB
	srv *Server
	ts  *httptest.Server
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	db := sqltest.MustOpenDB(t, "sqlite")
	for _, o := range []nrm.Organisation{
		{Code: "CMM", NameDA: "Center mod Menneskehandel", NameEN: "Danish Centre against Human Trafficking", Kind: "authority"},
		{Code: "US", NameDA: "Udlændingestyrelsen", NameEN: "Danish Immigration Service", Kind: "authority"},
		{Code: "REDEN", NameDA: "Reden International", NameEN: "Reden International", Kind: "ngo"},
		{Code: "LIGESTILLING", NameDA: "Ligestillingsministeriet", NameEN: "Ministry of Gender Equality", Kind: "ministry"},
		{Code: "RIGSPOLITIET", NameDA: "Rigspolitiet", NameEN: "Danish National Police", Kind: "police"},
	} {
		if err := db.UpsertOrganisation(system, &o); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.UpsertCountries(system, []*nrm.Country{
		{Code: "NG", NameDA: "Nigeria", NameEN: "Nigeria", Region: nrm.RegionAfrica},
		{Code: "TH", NameDA: "Thailand", NameEN: "Thailand", Region: nrm.RegionAsia},
		{Code: "RO", NameDA: "Rumænien", NameEN: "Romania", Region: nrm.RegionEurope},
		{Code: "DK", NameDA: "Danmark", NameEN: "Denmark", Region: nrm.RegionEurope},
	}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []nrm.User{
		{Username: "admin", DisplayName: "Admin", Role: nrm.RoleAdmin, Org: "CMM"},
		{Username: "worker", DisplayName: "Caseworker", Role: nrm.RoleCaseworker, Org: "CMM"},
		{Username: "reden", DisplayName: "Reden caseworker", Role: nrm.RoleCaseworker, Org: "REDEN"},
		{Username: "assessor-us", DisplayName: "US assessor", Role: nrm.RoleAssessor, Org: "US", Authority: nrm.AuthorityUS},
		{Username: "coord", DisplayName: "Coordinator", Role: nrm.RoleCoordinator, Org: "LIGESTILLING"},
		{Username: "analyst", DisplayName: "Analyst", Role: nrm.RoleAnalyst, Org: "CMM"},
		{Username: "auditor", DisplayName: "Auditor", Role: nrm.RoleAuditor, Org: "CMM"},
	} {
		if err := db.CreateUser(system, &u, testPassword); err != nil {
			t.Fatal(err)
		}
		ownPassword(t, db, u.Username)
	}
	relaxTwoFactor(t, db)
	srv, err := New(Config{DB: db, Auth: db, Users: db})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{t: t, db: db, srv: srv, ts: ts}
}

// client is a browser-like HTTP client: a cookie jar, no redirects
// followed automatically unless asked.
type client struct {
	t    *testing.T
	env  *testEnv
	http *http.Client
}

func (e *testEnv) client() *client {
	jar := must(cookiejar.New(nil))(e.t)
	return &client{t: e.t, env: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// ownPassword makes testPassword, the one-time password username was
// created with, the user's own password, as the user does at the first
// sign-in (a change must differ from the current password, hence twice).
// Tests of other matters sign in without the forced change.
func ownPassword(t testing.TB, db *sqlstore.DB, username string) {
	t.Helper()
	u, err := db.FindUserByUsername(system, username)
	if err != nil {
		t.Fatal(err)
	}
	if !u.MustChangePassword() {
		return
	}
	self := nrm.NewContextWithActor(context.Background(), u.Actor("test"))
	for _, pw := range []string{testPassword + " at first sign-in", testPassword} {
		if err := db.SetPassword(self, username, pw); err != nil {
			t.Fatalf("own password of %s: %v", username, err)
		}
	}
}

// relaxTwoFactor lets every role sign in with a password only, so that
// tests of other matters need no authenticator; the tests of two-factor
// sign-in set twofactor.roles themselves.
func relaxTwoFactor(t testing.TB, db *sqlstore.DB) {
	t.Helper()
	if err := db.SetSetting(system, nrm.SettingTwoFactorRoles, ""); err != nil {
		t.Fatal(err)
	}
}

// login signs in through the form with testPassword and returns the
// client. A user created with testPassword as a one-time password (in a
// test, or through the administrator's form) gets it as their own first.
func (e *testEnv) login(username string) *client {
	e.t.Helper()
	ownPassword(e.t, e.db, username)
	return e.loginWith(username, testPassword)
}

// loginWith signs in through the form with password as it is, one-time
// or not, and returns the client.
func (e *testEnv) loginWith(username, password string) *client {
	e.t.Helper()
	c := e.client()
	tok := c.csrf("/login")
	res := c.post("/login", url.Values{"csrf": {tok}, "username": {username}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", username, res.StatusCode)
	}
	return c
}

type response struct {
	*http.Response
	Body string
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b := must(io.ReadAll(res.Body))(c.t)
	return &response{Response: res, Body: string(b)}
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req := must(http.NewRequest(http.MethodGet, c.env.ts.URL+path, nil))(c.t)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	req := must(http.NewRequest(http.MethodPost, c.env.ts.URL+path, strings.NewReader(form.Encode())))(c.t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf loads a page and returns the CSRF token of its forms.
func (c *client) csrf(path string) string {
	c.t.Helper()
	res := c.get(path)
	m := csrfInput.FindStringSubmatch(res.Body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s (status %d)", path, res.StatusCode)
	}
	return m[1]
}

// newCase stores a case through storage as the admin.
func (e *testEnv) newCase(ref string, residence nrm.ResidenceStatus) *nrm.Case {
	e.t.Helper()
	c := &nrm.Case{Ref: ref, OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: residence,
		Identifiers: nrm.Identifiers{Name: "Test Person " + ref, BirthDate: nrm.MustDate("1990-05-17")},
		Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-02-01"), Form: nrm.ContactPolice}}}
	if err := e.db.CreateCase(system, c); err != nil {
		e.t.Fatal(err)
	}
	return c
}
