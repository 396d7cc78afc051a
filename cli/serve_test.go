package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A bad --trusted-proxy is refused, in the user's language, before the
// database is touched.
func TestServeRefusesBadTrustedProxy(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nrm.db")
	for _, tc := range []struct{ lang, want string }{
		{"da", `--trusted-proxy "10.0.0.0/33": ikke en IP-adresse eller et netværk; forventet fx 10.0.0.5 eller 10.0.0.0/24`},
		{"en", `--trusted-proxy "10.0.0.0/33": not an IP address or network; expected e.g. 10.0.0.5 or 10.0.0.0/24`},
	} {
		msg := runFail(t, "--db", db, "--lang", tc.lang, "serve", "--addr", "127.0.0.1:0", "--trusted-proxy", "10.0.0.5", "--trusted-proxy", "10.0.0.0/33")
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %q, want %q", tc.lang, msg, tc.want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the database was created (%v)", err)
	}
}

// A bad --digest-at, or one without a mail server, is refused in the
// user's language before the database is touched.
func TestServeRefusesBadDigest(t *testing.T) {
	t.Setenv("NRM_SMTP_ADDR", "")
	t.Setenv("NRM_SMTP_FROM", "")
	t.Setenv("NRM_DIGEST_AT", "")
	db := filepath.Join(t.TempDir(), "nrm.db")
	for _, tc := range []struct {
		lang string
		args []string
		want []string
	}{
		{"da", []string{"--digest-at", "7.00"}, []string{"Tidspunktet for opgaveoversigten er ikke gyldigt", "et klokkeslæt som TT:MM, fx 07:00"}},
		{"en", []string{"--digest-at", "7.00"}, []string{"The time of the digest is not valid", "a time of day as HH:MM, e.g. 07:00"}},
		{"da", []string{"--digest-at", "07:00", "--digest-from", "nrm@example.org"}, []string{"Der er ikke angivet en SMTP-server", "vært:port"}},
		{"en", []string{"--digest-at", "07:00", "--digest-smtp", "127.0.0.1:25"}, []string{"The sender's e-mail address is not valid"}},
	} {
		msg := runFail(t, append([]string{"--db", db, "--lang", tc.lang, "serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %v: %q, want %q", tc.lang, tc.args, msg, w)
			}
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the database was created (%v)", err)
	}
}
