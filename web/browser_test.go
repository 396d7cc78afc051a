package web

import (
	"bytes"
	"context"
	"io/fs"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nrm"
	demoplan "nrm/demo/plan"
	"nrm/planio"
	"nrm/refdata"
	"nrm/sqlstore"
	"nrm/sqlstore/sqltest"
)

// needChromium skips a browser test in -short mode or without Chromium.
func needChromium(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("no Chromium at " + chromiumPath)
	}
}

// screenshotDir is $NRM_SCREENSHOTS (created), else a temporary folder.
func screenshotDir(t *testing.T) string {
	t.Helper()
	shots := os.Getenv("NRM_SCREENSHOTS")
	if shots == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return shots
}

// browserServer starts the real server on a loopback port over a
// temporary SQLite database with the reference countries and the demo
// organisations, and returns it, its database and its base URL.
func browserServer(t *testing.T) (*Server, *sqlstore.DB, string) {
	t.Helper()
	db := sqltest.MustOpenDB(t, "sqlite")
	countries, err := refdata.Countries()
	if err != nil {
		t.Fatal(err)
	}
	cs := make([]*nrm.Country, len(countries))
	for i := range countries {
		cs[i] = &countries[i]
	}
	if err := db.UpsertCountries(system, cs); err != nil {
		t.Fatal(err)
	}
	orgCSV, err := fs.ReadFile(demoplan.FS, "organisations.csv")
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := planio.ReadOrganisationsCSV(bytes.NewReader(orgCSV))
	if err != nil {
		t.Fatal(err)
	}
	for i := range orgs {
		if err := db.UpsertOrganisation(system, &orgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Config{DB: db, Auth: db, Users: db, Render: testRenderer(db)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return srv, db, "http://" + ln.Addr().String()
}

// newBrowser starts headless Chromium with a fresh profile (the flags
// this machine's closed network needs) and returns a context that ends
// after timeout or with the test.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}
