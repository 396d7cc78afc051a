package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"html"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"nrm"
	"nrm/cli"
	demoplan "nrm/demo/plan"
	"nrm/disclosure"
	"nrm/intlexport"
	"nrm/planio"

	"github.com/xuri/excelize/v2"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// reportEpoch is 16 April 2012 10:30 UTC, the generation time of the
// golden reports (SOURCE_DATE_EPOCH).
const reportEpoch = "1334572200"

// keySentence is the seed's key sentence, as the report writes it for
// the demo data.
const (
	keySentenceDA = "I 2011 er 60 personer officielt vurderet som ofre for menneskehandel; 51 af Udlændingestyrelsen (US) og ni af Center mod Menneskehandel (CMM)."
	keySentenceEN = "In 2011, 60 persons were officially identified as victims of trafficking in human beings; 51 by the Danish Immigration Service (US) and nine by the Danish Centre against Human Trafficking (CMM)."
)

// runFail executes the command line, expects exit code 1 and returns the
// error output.
func runFail(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Execute(args, &out, &errOut); code != 1 {
		t.Fatalf("nrm %s: exit %d, want 1\n%s", strings.Join(args, " "), code, out.String())
	}
	return errOut.String()
}

// readOut runs a command writing -o FILE and returns the file.
func readOut(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	path := filepath.Join(dir, name)
	run(t, append(args, "-o", path)...)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// spaces collapses every run of white space to one space.
func spaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// demoActivity is the demo plan's first activity and the first sentence
// of its latest status.
func demoActivity(t *testing.T) (text, status string) {
	t.Helper()
	b, err := fs.ReadFile(demoplan.FS, "actionplan_2011_2014.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := planio.ReadPlanYAML(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	a := p.Areas[0].Goals[0].Activities[0]
	st, ok := a.LatestStatus("")
	if !ok {
		t.Fatal("the demo plan's first activity has no status")
	}
	status = st.TextDA
	if i := strings.Index(status, ". "); i > 0 {
		status = status[:i+1]
	}
	return a.TextDA, status
}

// TestReportCommand generates the demo's 2011 report in every format
// through the command line and checks each.
func TestReportCommand(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", reportEpoch)
	t.Setenv("NRM_LANG", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "nrm.db")
	run(t, "--db", db, "demo")
	base := []string{"--db", db, "report", "--year", "2011"}
	activity, status := demoActivity(t)

	var stats nrm.Stats
	if err := json.Unmarshal([]byte(run(t, append(base, "--format", "json")...)), &stats); err != nil {
		t.Fatal(err)
	}

	t.Run("html", func(t *testing.T) {
		out := string(readOut(t, dir, "r.html", append(base, "--format", "html")...))
		for _, want := range []string{keySentenceDA, html.EscapeString(activity), html.EscapeString(status), "Content-Security-Policy"} {
			if !strings.Contains(spaces(out), want) {
				t.Errorf("HTML lacks %q", want)
			}
		}
		svgs := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(out, -1)
		if len(svgs) < 8 {
			t.Fatalf("%d inline SVG charts, want 8", len(svgs))
		}
		found := false
		for _, s := range svgs {
			found = found || strings.Contains(s, "Mellemøsten")
		}
		if !found {
			t.Error("no chart labels Mellemøsten")
		}
		if strings.Contains(out, "<script") {
			t.Error("HTML has a script")
		}
	})

	t.Run("md", func(t *testing.T) {
		out := string(readOut(t, dir, "r.md", append(base, "--format", "md")...))
		if !strings.Contains(out, keySentenceDA) {
			t.Errorf("Markdown lacks the key sentence")
		}
		var row string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "| 1.1.1 | "+activity+" |") {
				row = l
			}
		}
		if row == "" || !strings.Contains(row, status) {
			t.Errorf("no action-plan row %q with status %q:\n%s", activity, status, row)
		}
		if !strings.Contains(out, "| Mellemøsten | 1 |") {
			t.Error("Markdown lacks the Middle East row")
		}
		if !strings.Contains(row, "| Center Mod Menneskehandel (CMM) | Igangsat | ") {
			t.Errorf("action-plan row without its responsible body and state: %s", row)
		}
		// --period picks the status period: the demo plan's statuses are
		// of spring 2012, so a period without status is refused in the
		// user's language, naming the periods there are.
		if got := runFail(t, append(base, "--format", "md", "--period", "2011")...); !strings.Contains(got, "Handlingsplanen har ingen status for perioden 2011 (--period); den har status for 2012-spring.") {
			t.Errorf("--period 2011: %q", got)
		}
		if got := runFail(t, append([]string{"--lang", "en"}, append(base, "--format", "html", "--period", "2013-autumn")...)...); !strings.Contains(got, "The action plan has no status for the period 2013-autumn (--period); it has status for 2012-spring.") {
			t.Errorf("--period 2013-autumn in English: %q", got)
		}
		if spring := run(t, append(base, "--format", "md", "--period", "2012-Spring")...); !strings.Contains(spring, status) ||
			!strings.Contains(spring, "Status for aktiviteter:** foråret 2012") {
			t.Error("--period 2012-Spring")
		}
	})

	t.Run("pdf", func(t *testing.T) {
		out := readOut(t, dir, "r.pdf", append(base, "--format", "pdf")...)
		if !bytes.HasPrefix(out, []byte("%PDF")) {
			t.Fatalf("not a PDF: %q", out[:min(len(out), 8)])
		}
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not installed (poppler-utils)")
		}
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, "r.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{keySentenceDA, "Side 2", "Mellemøsten", "Udlændingestyrelsen", "Rigspolitiets opgørelse"} {
			if !strings.Contains(spaces(string(text)), want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	})

	t.Run("xlsx", func(t *testing.T) {
		out := readOut(t, dir, "r.xlsx", append(base, "--format", "xlsx")...)
		f, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		for _, want := range []string{"Forside", "Handlingsplan", "Status", "Figur 1", "Figur 2", "Figur 3", "Figur 4", "Figur 5", "Figur 6",
			"Figur 7", "Figur 8", "Udnyttelse og køn", "Tvangsarbejde", "Alder og område", "Indkvartering", "Hjemrejser i året",
			"Årets identificerede", "Retsforfølgelse"} {
			if !slices.Contains(sheets, want) {
				t.Errorf("no sheet %q in %q", want, sheets)
			}
		}
		rows, err := f.GetRows("Figur 1")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(rows, func(r []string) bool { return len(r) >= 3 && r[0] == "2011" && r[1] == "51" && r[2] == "9" }) {
			t.Errorf("sheet Figur 1: %q", rows)
		}
	})

	t.Run("en", func(t *testing.T) {
		out := run(t, "--db", db, "--lang", "en", "report", "--year", "2011", "--format", "md")
		if !strings.Contains(out, keySentenceEN) {
			t.Errorf("English Markdown lacks %q", keySentenceEN)
		}
	})

	t.Run("golden", func(t *testing.T) {
		for _, lang := range []string{"da", "en"} {
			out := run(t, "--db", db, "--lang", lang, "report", "--year", "2011", "--format", "md")
			golden := filepath.Join("testdata", "report_2011_"+lang+".md.golden")
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cli -run TestReportCommand/golden -update)", err)
			}
			if out != string(want) {
				t.Errorf("%s report differs from %s; run go test ./cli -run TestReportCommand/golden -update and review the diff", lang, golden)
			}
		}
		// HTML too, with each inline chart replaced by a placeholder: chart
		// geometry may differ in the last digit between CPUs.
		svg := regexp.MustCompile(`(?s)<svg .*?</svg>`)
		for _, lang := range []string{"da", "en"} {
			out := run(t, "--db", db, "--lang", lang, "report", "--year", "2011", "--format", "html")
			if n := len(svg.FindAllString(out, -1)); n < 7 {
				t.Errorf("%s HTML has %d inline charts", lang, n)
			}
			out = svg.ReplaceAllString(out, "<svg><!-- chart --></svg>")
			golden := filepath.Join("testdata", "report_2011_"+lang+".html.golden")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cli -run TestReportCommand/golden -update)", err)
			}
			if out != string(want) {
				t.Errorf("%s HTML report differs from %s; run go test ./cli -run TestReportCommand/golden -update and review the diff", lang, golden)
			}
		}
		// The same data and SOURCE_DATE_EPOCH give the same PDF.
		a := readOut(t, dir, "a.pdf", append(base, "--format", "pdf")...)
		b := readOut(t, dir, "b.pdf", append(base, "--format", "pdf")...)
		if !bytes.Equal(a, b) {
			t.Error("PDF output differs between runs with the same SOURCE_DATE_EPOCH")
		}
	})

	t.Run("published", func(t *testing.T) {
		p := disclosure.SuppressStats(&stats, 3)
		md := string(readOut(t, dir, "p.md", append(base, "--format", "md", "--published")...))
		if !strings.Contains(md, `\<3`) || !strings.Contains(md, "Diskretionsgrænse:** 3") {
			t.Fatalf("published Markdown has no <3")
		}
		// Every suppressed number of the one-way tables shows as <3 or x.
		label := func(set string) func(string) string {
			return func(c string) string { return nrm.Label(set, c, nrm.LangDA) }
		}
		checked := 0
		for _, tab := range []struct {
			m     disclosure.Masked
			label func(string) string
		}{{p.ByContactForm, label("contact_form")}, {p.ByRegion, label("region")}, {p.ByGender, label("gender")},
			{p.ForcedLabourSectors, label("labour_sector")}, {p.AgeBands, func(b string) string { return b }}} {
			for i, code := range tab.m.RowLabels {
				if !tab.m.IsSuppressed(i, 0) || code == disclosure.LabelUnknown && tab.m.Name == "age_bands" {
					continue
				}
				checked++
				re := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(tab.label(code)) + ` \| (\\<3|x) \|$`)
				if !re.MatchString(md) {
					t.Errorf("%s %s is suppressed but not printed as <3 or x", tab.m.Name, code)
				}
			}
		}
		if checked == 0 {
			t.Error("nothing suppressed in the demo's 2011 tables")
		}
		if p.Identified.Suppressed == strings.Contains(md, "er 60 personer officielt vurderet") {
			t.Errorf("identified total suppressed %v, but the text says %v", p.Identified.Suppressed, !p.Identified.Suppressed)
		}
		for _, bad := range []string{"én person fra Mellemøsten", "to transkønnede", "| Mellemøsten | 1 |", "To mindreårige", "| Transkønnet | 2 |"} {
			if strings.Contains(md, bad) {
				t.Errorf("published Markdown states a suppressed number: %q", bad)
			}
		}
		h := string(readOut(t, dir, "p.html", append(base, "--format", "html", "--k", "3")...))
		if !strings.Contains(h, "&lt;3") || strings.Contains(h, "én person fra Mellemøsten") {
			t.Error("published HTML")
		}
		// Every file nrm writes is for its owner only, published or not.
		for name, want := range map[string]os.FileMode{"r.md": 0o600, "p.md": 0o600} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), want)
			}
		}
		// --k 5 protects more.
		md5 := run(t, append(base, "--format", "md", "--k", "5")...)
		if !strings.Contains(md5, `\<5`) || strings.Contains(md5, `\<3`) {
			t.Error("--k 5 report")
		}
	})

	t.Run("published-json", func(t *testing.T) {
		raw := run(t, append(base, "--format", "json", "--published")...)
		if !strings.Contains(raw, `"<3"`) {
			t.Fatal("published JSON has no \"<3\"")
		}
		var pub, internal map[string]any
		if err := json.Unmarshal([]byte(raw), &pub); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(run(t, append(base, "--format", "json")...)), &internal); err != nil {
			t.Fatal(err)
		}
		for key, v := range internal {
			if key == "forms_by_gender" {
				continue // internal: what the disclosure control ties the genders with
			}
			if key == "presumed_not_identified" {
				continue // internal: printed only inside the Eurostat files' registered victims, protected there
			}
			pv, ok := pub[key]
			if !ok {
				t.Errorf("published JSON lacks %q", key)
				continue
			}
			if m, ok := v.(map[string]any); ok {
				pm, _ := pv.(map[string]any)
				for sub := range m {
					// Left out on purpose: the minors' list, and the persons
					// with a known age (printed nowhere, so not protected).
					if _, ok := pm[sub]; !ok && !(key == "minors" && sub == "cases") && !(key == "age" && sub == "known") {
						t.Errorf("published JSON lacks %s.%s", key, sub)
					}
				}
			}
		}
		if _, ok := pub["minors"].(map[string]any)["cases"]; ok {
			t.Error("published JSON lists the minors")
		}
		if _, ok := pub["age"].(map[string]any)["known"]; ok {
			t.Error("published JSON states the persons with a known age, which disclosure control does not protect")
		}
		if got := pub["by_region"].(map[string]any)["Middle East"]; got != "<3" {
			t.Errorf("by_region.Middle East = %v, want \"<3\"", got)
		}
		if got := pub["by_region"].(map[string]any)["Africa"]; got != float64(stats.ByRegion["Africa"]) {
			t.Errorf("by_region.Africa = %v", got)
		}
		for _, n := range pub["nationality_ranking"].([]any) {
			if c := n.(map[string]any)["count"]; c == float64(1) || c == float64(2) {
				t.Errorf("ranking shows a small count: %v", n)
			}
		}
	})

	t.Run("eurostat", func(t *testing.T) {
		out := filepath.Join(dir, "eurostat")
		msg := run(t, append(base, "--format", "eurostat", "-o", out)...)
		if !strings.Contains(msg, "diskretionsgrænse 3") {
			t.Errorf("message: %s", msg)
		}
		tables := intlexport.SDMXTables(&stats, 3)
		all := ""
		for _, tab := range tables {
			b, err := os.ReadFile(filepath.Join(out, tab.Code+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			if first != strings.Join(tab.Headers, ",") {
				t.Errorf("%s header %q", tab.Code, first)
			}
			all += string(b)
		}
		if !strings.Contains(all, ",DK,2011,,"+intlexport.FlagConfidential+"\n") || strings.Contains(all, "<3") || !strings.Contains(all, ",TOTAL,T,DK,2011,") ||
			!strings.Contains(all, "PER_SUSP,T,DK,2011,") {
			t.Errorf("Eurostat tables:\n%s", all)
		}
		// The folder says what the flag means and that zeros are never
		// withheld.
		note, err := os.ReadFile(filepath.Join(out, "README.txt"))
		if err != nil || !strings.Contains(string(note), "Nuller vises altid") || !strings.Contains(string(note), "mellem 1 og 2") ||
			!strings.Contains(string(note), "ikke personer") {
			t.Errorf("README.txt: %v\n%s", err, note)
		}
		exact := filepath.Join(dir, "eurostat-exact")
		run(t, append(base, "--format", "eurostat", "--k", "1", "-o", exact)...)
		b, err := os.ReadFile(filepath.Join(exact, "crim_thb_vage.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "ESTAT:CRIM_THB_VAGE(1.0),A,NR,TOTAL,T,DK,2011,60,\n") || strings.Contains(string(b), ",c\n") {
			t.Errorf("exact sex table:\n%s", b)
		}
	})

	t.Run("htcds", func(t *testing.T) {
		for _, k := range []int{11, 5} {
			args := []string{"--db", db, "export", "htcds", "--year", "2011"}
			if k != 11 {
				args = append(args, "--k", "5")
			}
			path := filepath.Join(dir, "htcds.csv")
			msg := run(t, append(args, "-o", path)...)
			if !strings.Contains(msg, "HTCDS 2011:") {
				t.Errorf("message: %s", msg)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(recs[0], intlexport.HTCDSHeader) {
				t.Fatalf("header %q", recs[0])
			}
			if len(recs) < 2 {
				t.Fatalf("k=%d: no rows", k)
			}
			// Every column is a function of the quasi-identifiers, so each
			// whole row must occur at least k times.
			n := map[string]int{}
			for _, r := range recs[1:] {
				n[strings.Join(r, ",")]++
			}
			for row, c := range n {
				if c < k {
					t.Errorf("k=%d: combination occurs %d times: %s", k, c, row)
				}
			}
		}
		// Standard output without -o; the summary goes to standard error.
		var out, errOut bytes.Buffer
		if code := cli.Execute([]string{"--db", db, "--lang", "en", "export", "htcds", "--year", "2011", "--k", "3", "--variant", "ctdc"}, &out, &errOut); code != 0 {
			t.Fatal(errOut.String())
		}
		if !strings.HasPrefix(out.String(), "yearOfRegistration,") || !strings.Contains(errOut.String(), "CTDC 2011: ") ||
			!strings.Contains(errOut.String(), "rows written") || strings.Contains(out.String(), ",,") {
			t.Errorf("stdout %q…, stderr %q", out.String()[:min(40, out.Len())], errOut.String())
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"report", "--format", "md"}, "Angiv rapportåret med --year"},
			{[]string{"--lang", "en", "report", "--format", "md"}, "Give the reporting year with --year"},
			{[]string{"report", "--year", "2011", "--format", "docx"}, `Ukendt format "docx"; forventet json, html, pdf, xlsx, md, eurostat.`},
			{[]string{"--lang", "en", "report", "--year", "2011", "--format", "docx"}, `Unknown format "docx"`},
			{[]string{"report", "--year", "2011", "--k", "-1"}, "--k må ikke være negativ"},
			{[]string{"--lang", "en", "report", "--year", "2011", "--published", "--k", "1"}, "--published needs a disclosure threshold of at least 3"},
			{[]string{"report", "--year", "2011", "--format", "eurostat"}, "angiv en mappe med -o"},
			{[]string{"report", "--year", "2011", "--period", "forår"}, "--period skal være et år"},
			{[]string{"report", "--year", "2011", "--cutoff", "2010-12-31"}, "må ikke ligge før rapportåret 2011"},
			{[]string{"report", "--year", "20111"}, "--year skal være et år mellem 1900 og 2200"},
			{[]string{"--lang", "fr", "report", "--year", "2011"}, "--lang must be da or en"},
			{[]string{"export", "htcds"}, "Angiv året med --year"},
			{[]string{"--lang", "en", "export", "htcds", "--year", "2011", "--k", "0"}, "--k must be at least 1"},
			{[]string{"export", "htcds", "--year", "2011", "--variant", "unodc"}, `--variant skal være htcds eller ctdc (fik "unodc")`},
			{[]string{"report", "--year", "2011", "--format", "md", "-o", filepath.Join(dir, "missing", "x.md")}, "Kan ikke skrive"},
		} {
			if got := runFail(t, append([]string{"--db", db}, c.args...)...); !strings.Contains(got, c.want) {
				t.Errorf("nrm %s: %q, want %q", strings.Join(c.args, " "), got, c.want)
			}
		}
		t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
		if got := runFail(t, append(base, "--format", "md")...); !strings.Contains(got, "SOURCE_DATE_EPOCH skal være") {
			t.Errorf("bad SOURCE_DATE_EPOCH: %q", got)
		}
	})

	// Last, as it changes the report: the edited introduction.
	t.Run("intro", func(t *testing.T) {
		env := &cli.Env{DB: db, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
		store, err := env.Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ctx := nrm.NewContextWithActor(context.Background(), nrm.SystemActor)
		if err := store.SetSetting(ctx, "report.intro", "Dette er årets indledning.\n\nAndet afsnit."); err != nil {
			t.Fatal(err)
		}
		store.Close()
		md := run(t, append(base, "--format", "md")...)
		if !strings.Contains(md, "## Indledning\n\nDette er årets indledning.\n\nAndet afsnit.\n\n## Nye aktiviteter") {
			t.Errorf("edited introduction not used:\n%s", md[:min(len(md), 800)])
		}
		if store, err = env.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := store.SetSetting(ctx, "report.intro.en", "This year's introduction."); err != nil {
			t.Fatal(err)
		}
		store.Close()
		en := run(t, "--db", db, "--lang", "en", "report", "--year", "2011", "--format", "md")
		if !strings.Contains(en, "## Introduction\n\nThis year's introduction.\n\n## New activities") {
			t.Errorf("English introduction not used:\n%s", en[:min(len(en), 800)])
		}
	})
}
