package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"nrm"
)

func TestCLITasks(t *testing.T) {
	e := newCaseEnv(t)
	// The case's reflection period ended on 2024-04-20 and its shelter
	// stay is long: both overdue, by reference only.
	out := e.ok("--lang", "en", "tasks", "list", "--within", "2w")
	for _, want := range []string{"CLI-C1", "Reflection period ends", "2024-04-20", "Long crisis-shelter stay", "2 tasks within 14 days, 2 of them overdue."} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Hidden Person") {
		t.Fatal("a name in the worklist")
	}
	var body struct {
		Counts nrm.TaskCounts `json:"counts"`
		Tasks  []nrm.Task     `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(e.ok("tasks", "list", "--json", "--kind", "reflection_end")), &body); err != nil || len(body.Tasks) != 1 || body.Counts.Total != 1 {
		t.Fatalf("JSON %+v %v", body, err)
	}
	// Another organisation's user sees none of it.
	db := e.open()
	if err := db.CreateUser(e.ctx, &nrm.User{Username: "cmmworker", Role: nrm.RoleCaseworker, Org: "CMM"}, "correct-horse-battery-staple-1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out := e.ok("--lang", "en", "tasks", "list", "--user", "cmmworker"); strings.Contains(out, "CLI-C1") || !strings.Contains(out, "0 tasks") {
		t.Fatalf("CMM's list:\n%s", out)
	}
	// A bad window, in Danish.
	if _, stderr := e.fail("--lang", "da", "tasks", "list", "--within", "forever"); !strings.Contains(stderr, "Opgavelistens periode er ikke gyldig") {
		t.Fatalf("bad window: %s", stderr)
	}
	// The digest address: set, shown, refused when malformed, removed.
	e.ok("tasks", "email", "cmmworker", "worker@cmm.example")
	if out := e.ok("tasks", "email", "cmmworker"); strings.TrimSpace(out) != "worker@cmm.example" {
		t.Fatalf("address %q", out)
	}
	if _, stderr := e.fail("--lang", "da", "tasks", "email", "cmmworker", "not an address"); !strings.Contains(stderr, "E-mailadressen er ikke gyldig") {
		t.Fatalf("bad address: %s", stderr)
	}
	e.ok("tasks", "email", "cmmworker", "--remove")
	if out := e.ok("--lang", "en", "tasks", "email", "cmmworker"); !strings.Contains(out, "(no address)") {
		t.Fatalf("removed address %q", out)
	}
	// Reflection periods with a kind are added where cases are edited,
	// held to the maximum of 100 days in total.
	if _, stderr := e.fail("--lang", "da", "case", "add", "CLI-C1", "reflection_periods", "--set", "start=2024-04-20", "--set", "end=2024-04-30",
		"--set", "kind=extension", "--set", "reason=Behandling"); !strings.Contains(stderr, "højst 100 dages refleksionsperiode i alt") {
		t.Fatalf("beyond the maximum: %s", stderr)
	}
	if _, stderr := e.fail("--lang", "da", "case", "add", "CLI-C1", "reflection_periods", "--set", "start=2024-04-20", "--set", "end=2024-04-21",
		"--set", "kind=extension"); !strings.Contains(stderr, "Begrundelse for forlængelse") {
		t.Fatalf("extension without a reason: %s", stderr)
	}
	e.ok("case", "add", "CLI-C1", "reflection_periods", "--set", "start=2024-04-20", "--set", "end=2024-04-21", "--set", "kind=extension",
		"--set", "reason=Behandling", "--set", "decided_by=US")
	if out := e.ok("--lang", "en", "case", "show", "CLI-C1"); !strings.Contains(out, "Extension\tBehandling\tUS") && !strings.Contains(out, "Extension") {
		t.Fatalf("show:\n%s", out)
	}
	// A digest without a server is refused before anything is sent.
	if _, stderr := e.fail("--lang", "da", "tasks", "digest", "--from", "nrm@example.org"); !strings.Contains(stderr, "SMTP-server") {
		t.Fatalf("digest without server: %s", stderr)
	}
}
