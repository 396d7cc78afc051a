package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nrm"
	"nrm/cli"
)

func TestDemoCommandLoadsEverythingOnce(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "nrm.db")
	out := run(t, "--db", db, "--lang", "en", "demo")
	if !strings.Contains(out, "Demo data loaded: 19 organisations, 255 new and 0 unchanged cases, action plan DK-2011-2014, 7 reference groups.") {
		t.Fatalf("demo output:\n%s", out)
	}
	m := regexp.MustCompile(`one-time password: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no one-time admin password printed:\n%s", out)
	}
	again := run(t, "--db", db, "--lang", "en", "demo")
	// No password the second time, but how to get a new one.
	if !strings.Contains(again, "0 new and 255 unchanged cases") || strings.Contains(again, "one-time password:  ") ||
		!strings.Contains(again, "user reset admin") || strings.Contains(again, "created with") {
		t.Fatalf("second demo load:\n%s", again)
	}
	// The printed password signs in.
	env := &cli.Env{DB: db, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	store, err := env.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, _, err := store.Login(context.Background(), "admin", m[1], "127.0.0.1"); err != nil {
		t.Fatalf("demo admin cannot sign in: %v", err)
	}
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	plan, err := store.FindPlan(ctx, "DK-2011-2014")
	if err != nil || len(plan.Areas) != 5 {
		t.Fatalf("plan: %v", err)
	}
	n := 0
	for _, a := range plan.Areas {
		for _, g := range a.Goals {
			n += len(g.Activities)
		}
	}
	if n != 37 {
		t.Fatalf("plan has %d activities, want 37", n)
	}
	// The audit chain covers everything the demo wrote.
	if out := run(t, "--db", db, "--lang", "en", "audit", "verify"); !strings.Contains(out, "The audit log is intact") {
		t.Fatalf("audit verify: %s", out)
	}
}

func TestReimportAfterKeyRotationChangesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nrm.db")
	run(t, "--db", db, "import", "../demo/bundle")
	run(t, "--db", db, "keys", "rotate")
	out := run(t, "--db", db, "--lang", "en", "import", "../demo/bundle")
	if !strings.Contains(out, "0 new, 0 updated, 255 unchanged") {
		t.Fatalf("re-import after rotation: %s", out)
	}
}
