package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
	"nrm/cli"
)

// publishEnv is a demo database driven through the command line in
// English with a fixed generation time.
func publishEnv(t *testing.T) *secEnv {
	t.Helper()
	t.Setenv("SOURCE_DATE_EPOCH", reportEpoch)
	t.Setenv("NRM_LANG", "")
	e := newSecEnv(t)
	e.ok("demo")
	return e
}

// addIdentified adds n identical persons identified by US on 2011-06-01.
func addIdentified(t *testing.T, e *secEnv, prefix string, n int) {
	t.Helper()
	db := e.open()
	defer db.Close()
	ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
	for i := range n {
		c := &nrm.Case{Ref: fmt.Sprintf("%s-%d", prefix, i), OwnerOrg: "CMM", Gender: nrm.GenderFemale, Nationality: "NG", ResidenceStatus: nrm.ResidenceIrregular,
			Identifiers: nrm.Identifiers{Name: "Added Person", BirthDate: nrm.MustDate("1988-05-17")},
			Contacts:    []nrm.Contact{{Date: nrm.MustDate("2011-05-20"), Form: nrm.ContactPolice}},
			Assessments: []nrm.Assessment{{Date: nrm.MustDate("2011-06-01"), Authority: nrm.AuthorityUS, Outcome: nrm.OutcomeIdentified,
				Exploitation: []nrm.ExploitationForm{nrm.ExploitationSexual}}}}
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
}

// editionCells reads an edition's cells from the store.
func editionCells(t *testing.T, e *secEnv, year, number int) *nrm.Edition {
	t.Helper()
	db := e.open()
	defer db.Close()
	ed, err := db.FindEdition(context.Background(), year, number)
	if err != nil {
		t.Fatal(err)
	}
	return ed
}

// TestPublishRoundTrip publishes the demo's 2011 edition, lists it and
// reads every file back: the files are those `nrm report --published`
// writes, and the listed hash is the hash of the files.
func TestPublishRoundTrip(t *testing.T) {
	e := publishEnv(t)
	out := e.ok("publish", "--year", "2011")
	if !strings.Contains(out, "Published edition 1 of 2011 (as of 2012-03-01, k = 3): 9 files") {
		t.Fatalf("publish: %s", out)
	}
	list := e.ok("publish", "list")
	ed := editionCells(t, e, 2011, 1)
	if !strings.Contains(list, "2011  1") || !strings.Contains(list, "2012-03-01") || !strings.Contains(list, ed.Hash) || !strings.Contains(list, "cli") {
		t.Fatalf("list:\n%s", list)
	}
	dir := t.TempDir()
	var files []nrm.EditionFile
	for _, lang := range []string{"da", "en"} {
		for _, format := range nrm.EditionFormats {
			if format == "json" && lang == "en" {
				continue
			}
			name := filepath.Join(dir, lang+"."+format)
			var o, errOut bytes.Buffer
			if code := cli.Execute([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", lang, "publish", "show", "--year", "2011", "--format", format, "-o", name}, &o, &errOut); code != 0 {
				t.Fatalf("show %s %s: %s", lang, format, errOut.String())
			}
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			l := nrm.Lang(lang)
			if format == "json" {
				l = ""
			}
			files = append(files, nrm.NewEditionFile(format, l, "", got))
			if format == "pdf" || format == "xlsx" {
				continue // zip and PDF containers; compared through the hash
			}
			var want, errOut2 bytes.Buffer
			if code := cli.Execute([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", lang, "report", "--year", "2011", "--published", "--format", format}, &want, &errOut2); code != 0 {
				t.Fatalf("report %s %s: %s", lang, format, errOut2.String())
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("edition %s/%s differs from nrm report --published", lang, format)
			}
		}
	}
	if h := nrm.EditionHash(files); h != ed.Hash {
		t.Errorf("hash of the shown files %s, listed %s", h, ed.Hash)
	}
	var contract map[string]any
	if err := json.Unmarshal(files[0].Body, &contract); err != nil || contract["minors"].(map[string]any)["cases"] != nil {
		t.Errorf("edition JSON is not the published contract: %v", err)
	}
	// The audit log records the publication.
	if a := e.ok("audit", "list"); !strings.Contains(a, "edition.publish") {
		t.Errorf("no audit entry:\n%s", a)
	}
	// The hook of nrm report --published serves the stored file.
	db := e.open()
	var buf bytes.Buffer
	served, err := cli.WriteEditionReport(context.Background(), &cli.Env{Lang: "en"}, db, nrm.StatsQuery{Year: 2011}, 3, "md", &buf)
	if err != nil || !served || !bytes.Equal(buf.Bytes(), files[8].Body) {
		t.Errorf("WriteEditionReport: served %v, %v", served, err)
	}
	if served, _ := cli.WriteEditionReport(context.Background(), &cli.Env{}, db, nrm.StatsQuery{Year: 2011, Cutoff: nrm.MustDate("2011-07-04")}, 3, "md", &buf); served {
		t.Error("an edition served another cut-off")
	}
	db.Close()
}

// TestPublishCorrections: a second edition is refused when a published
// number differs by 1 or 2 from the first, and accepted when numbers are
// unchanged or differ by at least k, keeping hidden what the first hid.
func TestPublishCorrections(t *testing.T) {
	e := publishEnv(t)
	e.ok("publish", "--year", "2011")
	first := editionCells(t, e, 2011, 1)

	for i, n := range []int{1, 1} { // one more person, then two
		addIdentified(t, e, fmt.Sprintf("ADD%d", i), n)
		_, errOut, code := e.nrm("publish", "--year", "2011")
		if code == 0 || !strings.Contains(errOut, "counts / identified / count") || !strings.Contains(errOut, "differs from edition 1 by fewer than 3") {
			t.Fatalf("edition with %d more persons: exit %d\n%s", i+1, code, errOut)
		}
		if strings.Contains(errOut, "61") || strings.Contains(errOut, "62") {
			t.Errorf("the refusal shows a value:\n%s", errOut)
		}
		if list := e.ok("publish", "list"); strings.Count(list, "\n2011") != 1 {
			t.Fatalf("a refused edition was stored:\n%s", list)
		}
	}
	// A third person: every changed number differs by 3.
	addIdentified(t, e, "ADD2", 1)
	if out := e.ok("publish", "--year", "2011"); !strings.Contains(out, "Published edition 2 of 2011") {
		t.Fatalf("correction: %s", out)
	}
	second := editionCells(t, e, 2011, 2)
	hiddenNow := map[string]bool{}
	values := map[string]int{}
	for _, c := range second.Cells {
		key := c.Table + "/" + c.Row + "/" + c.Col
		hiddenNow[key], values[key] = c.Hidden, c.Value
	}
	for _, c := range first.Cells {
		key := c.Table + "/" + c.Row + "/" + c.Col
		if c.Hidden && !hiddenNow[key] && values[key] != 0 {
			t.Errorf("%s hidden in edition 1 is shown in edition 2", key)
		}
	}
	if values["counts/identified/count"] != 63 {
		t.Errorf("edition 2 identified %d, want 63", values["counts/identified/count"])
	}
	// Unchanged data: a third edition is accepted.
	if out := e.ok("publish", "--year", "2011"); !strings.Contains(out, "Published edition 3 of 2011") {
		t.Fatalf("unchanged: %s", out)
	}
}

// TestPublishDifferencingAttack is the analyst's attack: the demo's
// published statistics at cut-offs 2011-07-04 and 2011-07-05 differ by
// one person. Once one is an edition, the other cannot be published.
func TestPublishDifferencingAttack(t *testing.T) {
	e := publishEnv(t)
	e.ok("publish", "--year", "2011", "--cutoff", "2011-07-04")
	_, errOut, code := e.nrm("publish", "--year", "2011", "--cutoff", "2011-07-05")
	if code == 0 || !strings.Contains(errOut, "differs from edition 1 by fewer than 3") {
		t.Fatalf("second cut-off published: exit %d\n%s", code, errOut)
	}
	// In Danish too.
	var out, da bytes.Buffer
	cli.Execute([]string{"--db", e.db, "--key-file", e.keyFile, "--lang", "da", "publish", "--year", "2011", "--cutoff", "2011-07-05"}, &out, &da)
	if !strings.Contains(da.String(), "afviger fra udgave 1 med færre end 3") {
		t.Errorf("Danish refusal:\n%s", da.String())
	}
}

func TestPublishFlags(t *testing.T) {
	e := newSecEnv(t)
	for _, args := range [][]string{
		{"publish"},
		{"publish", "--year", "2011", "--k", "1"},
		{"publish", "--year", "2011", "--k", "2"},
		{"publish", "--year", "2011", "--cutoff", "2010-12-31"},
		{"publish", "show", "--year", "2011", "--format", "docx"},
	} {
		if _, _, code := e.nrm(args...); code != 1 {
			t.Errorf("nrm %s: exit %d", strings.Join(args, " "), code)
		}
	}
}

// TestReportOrganisation: `nrm report --org` writes the exact statistics
// of the cases one organisation can see, named in the output, and is
// refused for publication and for unknown organisations.
func TestReportOrganisation(t *testing.T) {
	e := publishEnv(t)
	var national, us nrm.Stats
	if err := json.Unmarshal([]byte(e.ok("report", "--year", "2011")), &national); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(e.ok("report", "--year", "2011", "--org", "US")), &us); err != nil {
		t.Fatal(err)
	}
	if us.Organisation != "US" || us.Identified.Total != us.Identified.ByAuthority["US"]+us.Identified.ByAuthority["CMM"] ||
		us.Identified.Total == 0 || us.Identified.Total >= national.Identified.Total || us.Prosecution.Reported {
		t.Errorf("US: %q, %d of %d, police %v", us.Organisation, us.Identified.Total, national.Identified.Total, us.Prosecution.Reported)
	}
	if md := e.ok("report", "--year", "2011", "--org", "US", "--format", "md"); !strings.Contains(md, "can see") {
		t.Errorf("the report does not say whose cases it counts:\n%.400s", md)
	}
	for _, args := range [][]string{
		{"report", "--year", "2011", "--org", "NOPE"},
		{"report", "--year", "2011", "--org", "US", "--published"},
		{"report", "--year", "2011", "--org", "US", "--k", "3"},
	} {
		if _, msg, code := e.nrm(args...); code != 1 || !strings.Contains(msg, "--org") {
			t.Errorf("nrm %s: exit %d %s", strings.Join(args, " "), code, msg)
		}
	}
}
