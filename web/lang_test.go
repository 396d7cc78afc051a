package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"nrm"
)

// TestDefaultLanguage: `nrm serve --lang en` (Config.DefaultLang) serves
// English to a visitor who has chosen nothing, while ?lang= and the
// language cookie still choose.
func TestDefaultLanguage(t *testing.T) {
	e := newTestEnv(t)
	srv, err := New(Config{DB: e.db, Auth: e.db, Users: e.db, DefaultLang: nrm.LangEN})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	e.ts = ts
	c := e.client()
	if res := c.get("/login"); !strings.Contains(res.Body, `lang="en"`) || !strings.Contains(res.Body, "Sign in") {
		t.Errorf("default English: %.300s", res.Body)
	}
	if res := c.get("/login?lang=da"); !strings.Contains(res.Body, `lang="da"`) || !strings.Contains(res.Body, "Log ind") {
		t.Errorf("?lang=da: %.300s", res.Body)
	}
	if res := c.get("/login"); !strings.Contains(res.Body, `lang="da"`) {
		t.Error("the chosen language (cookie) does not outlast the default")
	}
	// Without a default the pages are Danish.
	plain := httptest.NewServer(e.srv.Handler())
	defer plain.Close()
	e.ts = plain
	if body := e.client().get("/login").Body; !strings.Contains(body, `lang="da"`) {
		t.Errorf("no default: %.300s", body)
	}
}
