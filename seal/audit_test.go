package seal

import (
	"bytes"
	"path/filepath"
	"testing"
)

// A new key file holds an audit key; an older one (or NRM_KEYS without
// one) gets the legacy audit key, derived from the content-hash key so
// that it survives rotations of the encryption key.
func TestAuditKeys(t *testing.T) {
	t.Setenv("NRM_KEYS", "")
	p := filepath.Join(t.TempDir(), "nrm.key")
	r, err := Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	if id, key := r.AuditKey(); id != "audit-1" || len(key) != KeySize {
		t.Fatalf("new key file: audit key %q", id)
	}
	if _, legacy := r.AuditKeyByID(AuditLegacyKeyID); legacy {
		t.Fatal("a new key file has the legacy audit key")
	}
	if ids := r.IDs(); len(ids) != 1 || ids[0] != "k1" {
		t.Fatalf("encryption keys %v", ids)
	}
	again, err := Load(p, false)
	if err != nil {
		t.Fatal(err)
	}
	_, k1 := r.AuditKey()
	if _, k2 := again.AuditKey(); !bytes.Equal(k1, k2) {
		t.Fatal("audit key changed on reload")
	}

	mac := must(NewKey(MACKeyID))(t)
	e1 := must(NewKey("k1"))(t)
	e2 := must(NewKey("k2"))(t)
	old := must(New(mac, e1))(t)
	rotated := must(New(mac, e2))(t)
	id, legacy := old.AuditKey()
	if id != AuditLegacyKeyID || len(legacy) != KeySize {
		t.Fatalf("old key file: audit key %q", id)
	}
	if _, k := rotated.AuditKey(); !bytes.Equal(k, legacy) {
		t.Fatal("the legacy audit key changed with the encryption key")
	}
	if bytes.Equal(legacy, mac.Bytes) || bytes.Equal(legacy, e1.Bytes) {
		t.Fatal("the legacy audit key is another key")
	}
	if got := NextAuditKeyID(old.AuditKeys()); got != "audit-1" {
		t.Fatalf("next after the legacy key: %q", got)
	}
	a1 := must(NewKey(NextAuditKeyID(old.AuditKeys())))(t)
	a2 := must(NewKey(NextAuditKeyID([]Key{a1})))(t)
	both, err := New(append(append([]Key{mac}, old.AuditKeys()...), a1, a2, e2)...)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := both.AuditKey(); id != "audit-2" || len(both.AuditKeys()) != 3 || both.CurrentID() != "k2" {
		t.Fatalf("after two rotations: current %q, %d audit keys, sealing with %q", id, len(both.AuditKeys()), both.CurrentID())
	}
	if k, ok := both.AuditKeyByID(AuditLegacyKeyID); !ok || !bytes.Equal(k, legacy) {
		t.Fatal("the legacy audit key was not kept")
	}
	if _, err := New(mac, Key{ID: "audit-1", Bytes: []byte("short")}, e1); err == nil {
		t.Fatal("accepted a short audit key")
	}
	if _, err := New(mac, a1, a1, e1); err == nil {
		t.Fatal("accepted a duplicate audit key")
	}
	parsed, err := Parse(Format(both.AuditKeys()))
	if err != nil || len(parsed) != 3 {
		t.Fatalf("audit keys through the file format: %v %v", parsed, err)
	}
}
