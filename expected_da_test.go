package nrm_test

import (
	"reflect"
	"strings"
	"testing"

	"nrm"
	"nrm/bundle"
	"nrm/internal/srcscan"
	"nrm/planio"
)

// scanDirs are the packages whose field errors can reach a user.
var scanDirs = []string{".", "planio", "bundle", "sqlstore", "web", "cli", "refdata", "auth", "federate", "report", "seal", "intlexport", "disclosure", "csvsafe", "gen"}

func scannedFieldErrors(t *testing.T) (fields, expected map[string][]string) {
	t.Helper()
	fields, expected, err := srcscan.FieldErrors(scanDirs)
	if err != nil {
		t.Fatal(err)
	}
	return fields, expected
}

// sameInBothLanguages are labels that are the same word in Danish and
// English.
var sameInBothLanguages = map[string]bool{"Status": true, "Version": true, "Start": true, "Organisation": true, "Note": true, "Format": true}

// TestExpectedTextsHaveDanish walks every field error a user can be shown
// (found in the source of every package) and fails for an expected text
// whose Danish rendering is not wholly Danish: one that no pattern of
// expected_da.go matches, unless it is codes only (US, 2012-spring,
// true, false, a list of codes).
func TestExpectedTextsHaveDanish(t *testing.T) {
	_, expected := scannedFieldErrors(t)
	if len(expected) < 100 {
		t.Fatalf("found %d expected texts; the scan of the source is broken", len(expected))
	}
	for _, x := range srcscan.SortedKeys(expected) {
		if x == "" {
			continue
		}
		sample := strings.ReplaceAll(x, srcscan.Dyn, "x1")
		da, ok := nrm.ExpectedDanish(sample)
		if !ok {
			t.Errorf("%s: expected text %q has no Danish rendering (add it to expectedDA)", expected[x][0], sample)
			continue
		}
		if da == sample && !codesOnly(sample) {
			t.Errorf("%s: expected text %q renders the same in Danish", expected[x][0], sample)
		}
	}
}

// TestExpectedDanishRendering checks the rendering itself: placeholders
// kept, reordered or left out, kept parts translated, code lists labelled.
func TestExpectedDanishRendering(t *testing.T) {
	for en, want := range map[string]string{
		"YYYY-MM-DD":                                   "ÅÅÅÅ-MM-DD",
		"at most 4000 characters":                      "højst 4000 tegn",
		"on or after the first contact 2012-03-01":     "samme dag som eller efter første kontakt 2012-03-01",
		"a whole number, not a text":                   "et helt tal, ikke en tekst",
		"one of the fields of Activity: code, text_da": "et af felterne code, text_da",
		"at least 12 characters / mindst 12 tegn":      "mindst 12 tegn",
		"US or CMM":                          "US (Udlændingestyrelsen) eller CMM (Center mod Menneskehandel)",
		"female, male, transgender, unknown": "female (Kvinde), male (Mand), transgender (Transkønnet), unknown (Ukendt)",
		"true, false":                        "true, false",
		"a date in 2012-spring":              "en dato i 2012-spring",
		"\"x\" as on line 4 for goal 1.2":    "\"x\" som på linje 4 for mål 1.2",
	} {
		got, ok := nrm.ExpectedDanish(en)
		if !ok || got != want {
			t.Errorf("ExpectedDanish(%q) = %q, %v; want %q", en, got, ok, want)
		}
	}
	if _, ok := nrm.ExpectedDanish("some English sentence"); ok {
		t.Error("an English sentence that no pattern matches is reported as Danish")
	}
	// The whole message, as the tester saw it.
	fe := nrm.FieldError{Field: "period", Rule: nrm.RuleFormat, Value: "2012-spr",
		Expected: "YYYY, YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2, YYYY-spring or YYYY-autumn"}
	msg := fe.Message(nrm.LangDA)
	for _, bad := range []string{"period ", "YYYY", " or "} {
		if strings.Contains(msg, bad) {
			t.Errorf("Danish message %q contains %q", msg, bad)
		}
	}
	if !strings.HasPrefix(msg, "Periode har et ugyldigt format") || !strings.Contains(msg, "2012-spring (forår)") {
		t.Errorf("Danish message = %q", msg)
	}
}

// TestFieldLabelsHaveDanish fails for a field name a user can be shown
// without a Danish label: the fields of every field error in the source,
// the columns of the bundle files, the code sets' names and the keys of
// the plan and network documents.
func TestFieldLabelsHaveDanish(t *testing.T) {
	fields, _ := scannedFieldErrors(t)
	where := map[string]string{}
	for _, f := range srcscan.SortedKeys(fields) {
		if f != "" && !strings.Contains(f, srcscan.Dyn) {
			where[f] = fields[f][0]
		}
	}
	for file, cols := range bundle.Columns {
		for _, c := range cols {
			where[c] = "bundle " + file + ".csv"
		}
	}
	for _, n := range nrm.CodeSetNames() {
		where[n] = "code set " + n
	}
	for _, v := range []any{nrm.Plan{}, nrm.Network{}} {
		for _, k := range tagKeys(reflect.TypeOf(v), "yaml", map[reflect.Type]bool{}) {
			where["line 3: "+k] = "YAML key of " + reflect.TypeOf(v).Name()
		}
	}
	// nrm case correct --set field=value and the API's patches name a
	// case's fields by their JSON names.
	for _, k := range tagKeys(reflect.TypeOf(nrm.Case{}), "json", map[reflect.Type]bool{}) {
		where[k] = "JSON field of a case"
	}
	for _, n := range nrm.FieldLabelNames() {
		where[n] = "fieldLabels"
	}
	for _, c := range append(append([]string{}, planio.PlanCSVColumns...), planio.OrganisationCSVColumns...) {
		where["line 3, column "+c] = "CSV column"
	}
	if len(where) < 150 {
		t.Fatalf("found %d field names; the scan of the source is broken", len(where))
	}
	for f, w := range where {
		da, ok := nrm.FieldLabelKnown(f, nrm.LangDA)
		if !ok {
			t.Errorf("%s: field %q has no Danish label", w, f)
			continue
		}
		en := nrm.FieldLabel(f, nrm.LangEN)
		if da == en && !sameInBothLanguages[da] {
			t.Errorf("%s: field %q is %q in both languages", w, f, da)
		}
		if da == f && !sameInBothLanguages[da] {
			t.Errorf("%s: field %q is shown by its name", w, f)
		}
	}
}

// tagKeys returns the YAML or JSON keys of t's fields and of the structs
// in them.
func tagKeys(t reflect.Type, tagName string, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get(tagName), ",")[0]
		if tag == "-" || !f.IsExported() || f.Type == reflect.TypeOf(nrm.Date{}) && tag == "" {
			continue
		}
		if tag != "" {
			out = append(out, tag)
		}
		out = append(out, tagKeys(f.Type, tagName, seen)...)
	}
	return out
}

// TestFieldLabelPaths checks the labels of places in files and of paths
// into documents.
func TestFieldLabelPaths(t *testing.T) {
	for _, tc := range []struct{ field, da, en string }{
		{"line 3: gender", "linje 3: Køn", "line 3: Gender"},
		{"line 3, column period", "linje 3, kolonne period", "line 3, column period"},
		{"groups[0].members[1].org_code", "Gruppe 1, medlem 2: Organisationskode", "Group 1, member 2: Organisation code"},
		{"meetings[2].topics_da[0]", "Møde 3, emne (dansk) 1", "Meeting 3, topic (Danish) 1"},
		{"status.period", "Status: Periode", "Status: Period"},
	} {
		if got := nrm.FieldLabel(tc.field, nrm.LangDA); got != tc.da {
			t.Errorf("FieldLabel(%q, da) = %q, want %q", tc.field, got, tc.da)
		}
		if got := nrm.FieldLabel(tc.field, nrm.LangEN); got != tc.en {
			t.Errorf("FieldLabel(%q, en) = %q, want %q", tc.field, got, tc.en)
		}
	}
	if l, ok := nrm.FieldLabelKnown("groups[0].no_such_field", nrm.LangDA); ok {
		t.Errorf("an unknown field is labelled %q", l)
	}
}

// codesOnly reports whether s is one or more codes separated by ", ".
func codesOnly(s string) bool {
	for _, c := range strings.Split(s, ", ") {
		if c == "" || strings.Contains(c, " ") {
			return false
		}
	}
	return true
}
