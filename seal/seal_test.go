package seal

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpenRotate(t *testing.T) {
	k1 := must(NewKey("k1"))(t)
	k2 := must(NewKey("k2"))(t)
	r1, err := New(k1)
	if err != nil {
		t.Fatal(err)
	}
	ct, id, err := r1.Seal([]byte("Jane Doe"), []byte("DK-1"))
	if err != nil || id != "k1" {
		t.Fatalf("seal: %v %q", err, id)
	}
	if bytes.Contains(ct, []byte("Jane")) {
		t.Fatal("ciphertext contains plaintext")
	}
	r2 := must(New(k1, k2))(t)
	if r2.CurrentID() != "k2" {
		t.Fatalf("current = %q", r2.CurrentID())
	}
	pt, err := r2.Open(ct, []byte("DK-1"), id)
	if err != nil || string(pt) != "Jane Doe" {
		t.Fatalf("open after rotation: %q %v", pt, err)
	}
	if _, err := r2.Open(ct, []byte("DK-2"), id); err == nil {
		t.Fatal("opened with wrong additional data")
	}
	ct[len(ct)-1] ^= 1
	if _, err := r2.Open(ct, []byte("DK-1"), id); err == nil {
		t.Fatal("opened tampered ciphertext")
	}
}

func TestLoadCreatesPrivateFile(t *testing.T) {
	t.Setenv("NRM_KEYS", "")
	p := filepath.Join(t.TempDir(), "nrm.key")
	r, err := Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
	r2, err := Load(p, false)
	if err != nil || r2.CurrentID() != r.CurrentID() {
		t.Fatalf("reload: %v", err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, false); err == nil {
		t.Fatal("accepted world-readable key file")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing"), false); err == nil {
		t.Fatal("missing key file accepted without create")
	}
}

func TestContentKeySurvivesRotation(t *testing.T) {
	k1 := must(NewKey("k1"))(t)
	derived := must(New(k1))(t)
	if len(derived.ContentKey()) != 32 {
		t.Fatal("no derived content key")
	}
	k2 := must(NewKey("k2"))(t)
	rotated := must(New(derived.MACKey(), k2))(t)
	if !bytes.Equal(rotated.ContentKey(), derived.ContentKey()) || rotated.CurrentID() != "k2" {
		t.Fatal("content key changed with the encryption key")
	}
	other := must(New(k2))(t)
	if bytes.Equal(other.ContentKey(), derived.ContentKey()) {
		t.Fatal("content key does not depend on the key material")
	}
	if _, err := New(derived.MACKey()); err == nil {
		t.Fatal("a keyring without an encryption key was accepted")
	}
}
