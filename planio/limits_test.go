package planio_test

import (
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"nrm"
	"nrm/planio"
)

func utf16LE(s string) string {
	var b strings.Builder
	b.WriteString("\xFF\xFE")
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

// oneProblem checks that err is one field error whose field and
// expectation hold the given texts, and that its message quotes at most
// 100 characters of a value.
func oneProblem(t *testing.T, err error, field, expected string) {
	t.Helper()
	fs := fieldErrors(t, err)
	if len(fs) != 1 {
		t.Fatalf("want one problem, got %d: %v", len(fs), err)
	}
	if en := fs[0].Message(nrm.LangEN); !strings.Contains(fs[0].Field, field) || !strings.Contains(en, expected) {
		t.Errorf("problem %q, want field %q saying %q", en, field, expected)
	}
	f := fs[0]
	if da := fs[0].Message(nrm.LangDA); da == f.Message(nrm.LangEN) || (f.Detail != "" && strings.Contains(da, f.Detail)) ||
		(f.Expected != "" && strings.Contains(da, "forventet: "+f.Expected)) {
		t.Errorf("the Danish message speaks English: %q", da)
	}
	for _, lang := range []nrm.Lang{nrm.LangDA, nrm.LangEN} {
		if m := fs[0].Message(lang); len(m) > 600 {
			t.Errorf("message of %d bytes: %.200s…", len(m), m)
		}
	}
}

func TestReadYAMLLimits(t *testing.T) {
	for _, tc := range []struct {
		name, in        string
		field, expected string
	}{
		{"Latin-1", strings.Replace(smallPlan, "Område", "Omr\xE5de", 1), "line 7: file", "Latin-1/Windows-1252"},
		{"UTF-16", utf16LE(smallPlan), "line 1: file", "UTF-16 (with a byte-order mark)"},
		{"binary", "\x00\x01\x02\x03\x04\x05code: T\n", "line 1: file", "binary data"},
		{"a line over 64 KiB", "code: T\nname_da: " + strings.Repeat("x", 70<<10) + "\n", "line 2: file", "longer than 65536 bytes"},
		{"too many lines", strings.Repeat("# note\n", planio.MaxRows+1), "line 100001: file", "more than 100000 lines"},
		{"too many items", "code: T\nareas: [\n" + strings.Repeat("  "+strings.Repeat("1, ", 1000)+"\n", 120) + "]\n", "file", "at most 100000 YAML items"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := planio.ReadPlanYAML(strings.NewReader(tc.in))
			oneProblem(t, err, tc.field, tc.expected)
			_, err = planio.ReadNetworkYAML(strings.NewReader(tc.in))
			oneProblem(t, err, tc.field, tc.expected)
		})
	}
	// Many wrong items give at most 1000 problems, quickly (each problem
	// is looked up in the document).
	start := time.Now()
	_, err := planio.ReadPlanYAML(strings.NewReader("code: T\nareas: [\n" + strings.Repeat("  "+strings.Repeat("1, ", 1000)+"\n", 90) + "]\n"))
	if fs := fieldErrors(t, err); len(fs) != 1001 || time.Since(start) > 10*time.Second {
		t.Errorf("%d problems after %v", len(fs), time.Since(start))
	}
	// Aliases that would expand a small file into billions of nodes are
	// refused, fast and in little memory.
	laughs := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		laughs += n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
		prev = n
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start = time.Now()
	_, err = planio.ReadNetworkYAML(strings.NewReader(laughs))
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err == nil || time.Since(start) > 5*time.Second || after.TotalAlloc-before.TotalAlloc > 200<<20 {
		t.Errorf("billion laughs: %v after %v, %d MB allocated", err, time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20)
	}
}

func TestReadCSVLimits(t *testing.T) {
	orgs := "code,name_da,name_en,kind\nCMM,Center mod menneskehandel,Centre against human trafficking,authority\n"
	for _, tc := range []struct {
		name, in        string
		field, expected string
	}{
		{"Latin-1", orgs + "REDEN,Reden K\xF8benhavn,Reden Copenhagen,ngo\n", "line 3", "Latin-1/Windows-1252"},
		{"UTF-16", utf16LE(orgs), "line 1", "UTF-16"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 1", "binary data, not text (it looks like a PNG image)"},
		{"separated by |", strings.ReplaceAll(orgs, ",", "|"), "line 1", "separated by | ; use commas"},
		{"unterminated quote", orgs + "REDEN,\"Reden,Reden,ngo\n", "line 3", "never closed"},
		{"a cell over 64 KiB", orgs + "REDEN," + strings.Repeat("R", 70<<10) + ",Reden,ngo\n", "line 3, column name_da", "at most 65536 bytes"},
		{"a row over 1 MiB", orgs + "REDEN,\"" + strings.Repeat("R\n", 600<<10) + "\",Reden,ngo\n", "line 3", "longer than 1048576 bytes"},
		{"too many rows", orgs + strings.Repeat("X,X,X,ngo\n", planio.MaxRows), "line 100002", "more than 100000 rows"},
		{"empty", "", "line 1, column *", "a header row with the columns code,name_da,name_en,kind"},
		{"blank", "\n\n", "line 1, column *", "a header row"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := planio.ReadOrganisationsCSV(strings.NewReader(tc.in))
			oneProblem(t, err, tc.field, tc.expected)
		})
	}
	// The long cell is quoted, cut to 100 characters.
	_, err := planio.ReadOrganisationsCSV(strings.NewReader(orgs + "REDEN," + strings.Repeat("R", 70<<10) + ",Reden,ngo\n"))
	if fs := nrm.FieldErrors(err); len(fs) != 1 || fs[0].Value != strings.Repeat("R", 100)+"…" {
		t.Errorf("long cell value: %+v", fs)
	}
	// ';' as separator, as Danish spreadsheets save, and a byte-order mark.
	got, err := planio.ReadOrganisationsCSV(strings.NewReader("\xEF\xBB\xBF" + strings.ReplaceAll(orgs, ",", ";")))
	if err != nil || len(got) != 1 || got[0].NameEN != "Centre against human trafficking" {
		t.Errorf("semicolons: %+v %v", got, err)
	}
	head := &nrm.Plan{Code: "T", NameDA: "Test", StartYear: 2011, EndYear: 2014}
	_, err = planio.ReadPlanCSV(strings.NewReader(strings.Join(planio.PlanCSVColumns, ",")+"\n1,Omr\xE5de,Area,1.1,M,G,1.1.1,A,A,CMM,CMM,2012-spring,done,S,S\n"), head)
	oneProblem(t, err, "line 2", "Latin-1/Windows-1252")
}
