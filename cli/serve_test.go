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
