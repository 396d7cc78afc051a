package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nrm"
	"nrm/internal/srcscan"
)

// TestErrorMessagesHaveDanish finds the message of every *nrm.Error made
// in the packages the command line runs (the web writes its own Danish)
// and fails for one messagesDA cannot put in Danish.
func TestErrorMessagesHaveDanish(t *testing.T) {
	dirs := []string{"..", "../planio", "../bundle", "../sqlstore", "../refdata", "../auth", "../federate", "../report",
		"../seal", "../intlexport", "../disclosure", "../csvsafe", "../gen"}
	msgs, err := srcscan.Messages(dirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 80 {
		t.Fatalf("found %d messages; the scan of the source is broken", len(msgs))
	}
	for _, m := range srcscan.SortedKeys(msgs) {
		if strings.Trim(m, srcscan.Dyn+"\n") == "" {
			continue // wholly made at run time, e.g. by disclosure.ConflictMessage in both languages
		}
		sample := strings.ReplaceAll(m, srcscan.Dyn, "x1")
		if da, ok := messageDanish(sample); !ok || da == sample {
			t.Errorf("%s: message %q has no Danish (add it to messagesDA)", msgs[m][0], sample)
		}
	}
}

// TestFormatErrorDanish checks the rendering of each kind of error.
func TestFormatErrorDanish(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.csv")
	_, openErr := os.Open(missing)
	for _, tc := range []struct {
		err    error
		da, en string
	}{
		{&nrm.Error{Code: nrm.EINVALID, Message: "The status entry has invalid fields.",
			Fields: []nrm.FieldError{{Field: "text_da", Rule: nrm.RuleRequired}}},
			"Statusindførslen har ugyldige felter.\n  Tekst (dansk) skal udfyldes", "The status entry has invalid fields.\n  Text (Danish) is required"},
		{&nrm.Error{Code: nrm.ECONFLICT, Message: "/tmp/x.bak already exists; a backup never overwrites a file."},
			"/tmp/x.bak findes allerede; en sikkerhedskopi overskriver aldrig en fil.", "/tmp/x.bak already exists; a backup never overwrites a file."},
		{fmt.Errorf("accepts %d arg(s), received %d", 1, 0), "tager 1 argument(er), fik 0", "accepts 1 arg(s), received 0"},
		{openErr, "Kan ikke åbne " + missing + ": filen eller mappen findes ikke", openErr.Error()},
		{errors.New("sqlite: disk I/O error"), "Teknisk fejl: sqlite: disk I/O error", "sqlite: disk I/O error"},
		{&nrm.Error{Code: nrm.EINVALID, Message: "Databasen findes allerede."}, "Databasen findes allerede.", "Databasen findes allerede."},
	} {
		if got := FormatError(tc.err, nrm.LangDA); got != tc.da {
			t.Errorf("FormatError(da) = %q, want %q", got, tc.da)
		}
		if got := FormatError(tc.err, nrm.LangEN); got != tc.en {
			t.Errorf("FormatError(en) = %q, want %q", got, tc.en)
		}
	}
}

// TestCommandLineErrorsDanish runs wrong command lines: cobra's and
// pflag's errors come out in Danish with --lang da, English with en.
func TestCommandLineErrorsDanish(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		da, en string
	}{
		{[]string{"backup"}, "nrm: tager 1 argument(er), fik 0", "nrm: accepts 1 arg(s), received 0"},
		{[]string{"nosuchcommand"}, `nrm: ukendt kommando "nosuchcommand" til "nrm"`, `nrm: unknown command "nosuchcommand" for "nrm"`},
		{[]string{"backup", "--nosuchflag", "x"}, "nrm: ukendt flag: --nosuchflag", "nrm: unknown flag: --nosuchflag"},
		{[]string{"gen", "--cases", "many", "x"}, `nrm: ugyldig værdi "many" til flaget "--cases": "many" er ikke et helt tal`, `nrm: invalid argument "many" for "--cases" flag`},
	} {
		for _, lang := range []string{"da", "en"} {
			var out, errOut bytes.Buffer
			code := Execute(append([]string{"--lang", lang}, tc.args...), &out, &errOut)
			want := tc.da
			if lang == "en" {
				want = tc.en
			}
			if code == 0 || !strings.HasPrefix(errOut.String(), want) {
				t.Errorf("nrm --lang %s %v: exit %d, stderr %q; want %q", lang, tc.args, code, errOut.String(), want)
			}
		}
	}
}
