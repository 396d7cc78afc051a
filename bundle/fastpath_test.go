package bundle

import (
	"strings"
	"testing"

	"nrm"
)

// The parser's fast paths must never accept a cell the domain rejects.
func TestFastPathsAgreeWithDomain(t *testing.T) {
	cells := []string{"", "A", "a", "0", "DK-2011-0001", "x.y/z_w-v", "-A", ".A", "_A", "A B", "A\\n", "Æ", "A,B", "A'", "NG", "ng", "N",
		"NGA", "N1", "RODE_KORS", "PRO-VEST", "A/B", "A.B", strings.Repeat("a", 32), strings.Repeat("a", 33), strings.Repeat("a", 64),
		strings.Repeat("a", 65), "A\n", "A$", "A\x00"}
	for _, s := range cells {
		if plainRef(s) && !nrm.ValidRef(s) {
			t.Errorf("plainRef accepts %q", s)
		}
		if plainRef(s) != nrm.ValidRef(s) {
			t.Logf("plainRef(%q) = %v defers to nrm.ValidRef", s, plainRef(s))
		}
		if plainCode(s, 32, "_-") && !nrm.ValidOrgCode(s) {
			t.Errorf("plainCode accepts organisation %q", s)
		}
	}
}
