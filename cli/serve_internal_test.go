package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
)

// The server's downloads go through the same renderers as `nrm report`.
func TestServeReportRenderer(t *testing.T) {
	env := &Env{DB: filepath.Join(t.TempDir(), "nrm.db"), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, create: true}
	ctx := context.Background()
	db, err := env.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := LoadDemo(ctx, db, env); err != nil {
		t.Fatal(err)
	}
	render := reportRenderer(env, nil, db)
	sctx := systemCtx(ctx)
	q := nrm.StatsQuery{Year: 2011}
	for _, tc := range []struct {
		format string
		k      int
		want   string
	}{
		{"pdf", 0, "%PDF"},
		{"html", 0, "I 2011 er 60 personer officielt vurderet som ofre for menneskehandel"},
		{"md", 3, "<3"},
		{"json", 0, `"total": 60`},
		{"json", 3, `"<3"`},
		{"xlsx", 0, "PK"},
	} {
		body, ct, err := render(sctx, tc.format, q, nrm.LangDA, tc.k, "")
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if ct == "" || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s k=%d: content type %q, body lacks %q", tc.format, tc.k, ct, tc.want)
		}
	}
	if _, _, err := render(sctx, "docx", q, nrm.LangDA, 0, ""); nrm.ErrorCode(err) != nrm.ENOTFOUND {
		t.Errorf("unknown format: %v", err)
	}
	// The status period the web asks for: the activity tables show it;
	// without one, the latest begun by the cut-off (spring 2012).
	plans, err := db.FindPlans(sctx)
	if err != nil || len(plans) == 0 {
		t.Fatalf("demo plan: %v", err)
	}
	act := plans[0].Areas[0].Goals[0].Activities[0]
	if err := db.AddStatus(sctx, plans[0].Code, act.Code, nrm.StatusEntry{Period: "2011-autumn", State: "planned", TextDA: "Status for efteråret 2011 fra testen."}); err != nil {
		t.Fatal(err)
	}
	for period, want := range map[string]string{"2011-autumn": "Tabellerne viser status pr. efteråret 2011.", "": "Tabellerne viser status pr. foråret 2012."} {
		body, _, err := render(sctx, "md", q, nrm.LangDA, 0, period)
		if err != nil || !strings.Contains(string(body), want) {
			t.Errorf("period %q: %v; report lacks %q", period, err, want)
		}
		if got := strings.Contains(string(body), "Status for efteråret 2011 fra testen."); got != (period == "2011-autumn") {
			t.Errorf("period %q: the autumn 2011 status shown: %v", period, got)
		}
	}
}
