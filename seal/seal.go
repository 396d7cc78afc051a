// Package seal encrypts direct identifiers at rest with AES-256-GCM. A
// keyring holds one current key (used to seal) and older keys (used only to
// open values sealed before a rotation), the content-hash key and the audit
// keys that key the audit log's hash chain. Keys come from a file or from
// the NRM_KEYS environment variable, never from the database.
package seal

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// KeySize is the AES-256 key length in bytes.
const KeySize = 32

// Key is one named AES-256 key.
type Key struct {
	ID    string
	Bytes []byte
}

// MACKeyID names the entry of a key file that holds the content-hash key:
// not an encryption key, and kept across rotations so that stored content
// hashes stay valid.
const MACKeyID = "mac"

// AuditKeyPrefix starts the id of every audit key ("audit-1", "audit-2",
// …): the HMAC-SHA-256 keys of the audit log's hash chain and of its
// anchors. Every audit key is kept across rotations, so that entries made
// with an older one stay verifiable; the last one is current.
const AuditKeyPrefix = "audit-"

// AuditLegacyKeyID names the audit key of a key file written before audit
// keys existed: derived from the content-hash key until a rotation writes
// it out. A keyring holding it belongs to a database that may hold
// unkeyed audit entries from before the key; one without it (every key
// file created since) to a database whose every entry is keyed.
const AuditLegacyKeyID = AuditKeyPrefix + "0"

// IsAuditKeyID reports whether id names an audit key.
func IsAuditKeyID(id string) bool { return strings.HasPrefix(id, AuditKeyPrefix) }

// Keyring implements nrm.Sealer.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
	order   []string
	mac     []byte
	// derivedMAC is used when no explicit mac entry is present.
	derivedMAC []byte
	// audit holds the audit keys by id, auditOrder their ids oldest first
	// (the last is current).
	audit      map[string][]byte
	auditOrder []string
	// blind holds the blind-index keys by id, blindOrder their ids
	// oldest first (the last is current); see blind.go.
	blind      map[string][]byte
	blindOrder []string
}

// New returns a keyring whose last key is the current one.
func New(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no key")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}, audit: map[string][]byte{}, blind: map[string][]byte{}}
	for _, key := range keys {
		if IsBlindKeyID(key.ID) {
			if err := k.addBlind(key); err != nil {
				return nil, err
			}
			continue
		}
		if key.ID == MACKeyID {
			if len(key.Bytes) != KeySize {
				return nil, fmt.Errorf("seal: the %s key has %d bytes, want %d", MACKeyID, len(key.Bytes), KeySize)
			}
			k.mac = key.Bytes
			continue
		}
		if IsAuditKeyID(key.ID) {
			if len(key.Bytes) != KeySize {
				return nil, fmt.Errorf("seal: audit key %q has %d bytes, want %d", key.ID, len(key.Bytes), KeySize)
			}
			if strings.ContainsAny(key.ID, ": \t\n") {
				return nil, fmt.Errorf("seal: invalid key id %q", key.ID)
			}
			if _, dup := k.audit[key.ID]; dup {
				return nil, fmt.Errorf("seal: duplicate key id %q", key.ID)
			}
			k.audit[key.ID] = key.Bytes
			k.auditOrder = append(k.auditOrder, key.ID)
			continue
		}
		if len(key.Bytes) != KeySize {
			return nil, fmt.Errorf("seal: key %q has %d bytes, want %d", key.ID, len(key.Bytes), KeySize)
		}
		if key.ID == "" || strings.ContainsAny(key.ID, ": \t\n") {
			return nil, fmt.Errorf("seal: invalid key id %q", key.ID)
		}
		if _, dup := k.aeads[key.ID]; dup {
			return nil, fmt.Errorf("seal: duplicate key id %q", key.ID)
		}
		block, err := aes.NewCipher(key.Bytes)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[key.ID] = aead
		k.order = append(k.order, key.ID)
		k.current = key.ID
		if k.mac == nil && len(k.order) == 1 {
			// No explicit content-hash key (older key files, NRM_KEYS):
			// derive one from the first encryption key.
			h := hmac.New(sha256.New, key.Bytes)
			h.Write([]byte("nrm content hash key v1"))
			k.derivedMAC = h.Sum(nil)
		}
	}
	if k.current == "" {
		return nil, errors.New("seal: no encryption key")
	}
	if len(k.auditOrder) == 0 {
		// A key file from before audit keys (or NRM_KEYS without one):
		// derive the legacy audit key from the content-hash key, which
		// rotations carry over, so that it never changes.
		h := hmac.New(sha256.New, k.ContentKey())
		h.Write([]byte("nrm audit key v1"))
		k.audit[AuditLegacyKeyID] = h.Sum(nil)
		k.auditOrder = []string{AuditLegacyKeyID}
	}
	k.deriveBlind()
	return k, nil
}

// AuditKey returns the current audit key and its id.
func (k *Keyring) AuditKey() (string, []byte) {
	id := k.auditOrder[len(k.auditOrder)-1]
	return id, k.audit[id]
}

// AuditKeyByID returns the audit key named id.
func (k *Keyring) AuditKeyByID(id string) ([]byte, bool) {
	b, ok := k.audit[id]
	return b, ok
}

// AuditKeys returns every audit key as key-file entries, oldest first (a
// derived legacy key too), so that a rotation can keep them all.
func (k *Keyring) AuditKeys() []Key {
	out := make([]Key, len(k.auditOrder))
	for i, id := range k.auditOrder {
		out[i] = Key{ID: id, Bytes: k.audit[id]}
	}
	return out
}

// NextAuditKeyID returns "audit-<n>" with n one more than the highest
// number among keys' audit keys.
func NextAuditKeyID(keys []Key) string {
	n := 0
	for _, key := range keys {
		if v, err := strconv.Atoi(strings.TrimPrefix(key.ID, AuditKeyPrefix)); err == nil && IsAuditKeyID(key.ID) && v > n {
			n = v
		}
	}
	return AuditKeyPrefix + strconv.Itoa(n+1)
}

// ContentKey returns the key for content hashes (the "mac" entry, else one
// derived from the first encryption key).
func (k *Keyring) ContentKey() []byte {
	if k.mac != nil {
		return k.mac
	}
	return k.derivedMAC
}

// MACKey returns the content-hash key as a key-file entry, so that a
// rotation can carry it over to the new file.
func (k *Keyring) MACKey() Key { return Key{ID: MACKeyID, Bytes: k.ContentKey()} }

// CurrentID returns the id of the key used for sealing.
func (k *Keyring) CurrentID() string { return k.current }

// IDs returns the key ids, oldest first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.order...) }

// Seal encrypts plaintext with the current key; the nonce is prepended.
// additionalData binds the ciphertext to its row (e.g. the case reference)
// so that a sealed value copied to another row does not open.
func (k *Keyring) Seal(plaintext, additionalData []byte) ([]byte, string, error) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, "", err
	}
	return aead.Seal(nonce, nonce, plaintext, additionalData), k.current, nil
}

// Open decrypts a value sealed with the key keyID.
func (k *Keyring) Open(ciphertext, additionalData []byte, keyID string) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("seal: unknown key %q", keyID)
	}
	n := aead.NonceSize()
	if len(ciphertext) < n+aead.Overhead() {
		return nil, errors.New("seal: ciphertext too short")
	}
	pt, err := aead.Open(nil, ciphertext[:n], ciphertext[n:], additionalData)
	if err != nil {
		return nil, fmt.Errorf("seal: cannot open value sealed with key %q: %w", keyID, err)
	}
	return pt, nil
}

// NewKey returns a fresh random key with the given id.
func NewKey(id string) (Key, error) {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return Key{}, err
	}
	return Key{ID: id, Bytes: b}, nil
}

// Parse reads keys, one "id:base64" per line; blank lines and lines
// starting with # are ignored. The last key is the current one.
func Parse(data []byte) ([]Key, error) {
	var keys []Key
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		id, b64, ok := strings.Cut(s, ":")
		if !ok {
			return nil, fmt.Errorf("seal: key line %d: expected id:base64", line)
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(b) != KeySize {
			return nil, fmt.Errorf("seal: key line %d: expected %d bytes in standard base64", line, KeySize)
		}
		keys = append(keys, Key{ID: id, Bytes: b})
	}
	return keys, sc.Err()
}

// Format writes keys in the format Parse reads.
func Format(keys []Key) []byte {
	var b bytes.Buffer
	b.WriteString("# nrm identifier keys: id:base64(AES-256 key); the last line is current. Keep secret; back up separately from the database.\n")
	b.WriteString("# \"mac\" keys content hashes; \"audit-N\" key the audit log (keep every one: older entries are verified with them); \"blind-N\" keys the person search index.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s:%s\n", k.ID, base64.StdEncoding.EncodeToString(k.Bytes))
	}
	return b.Bytes()
}

// Load returns the keyring from the NRM_KEYS environment variable (keys in
// the file format, ';' or newlines between keys) if set, else from path.
// With create set and no key anywhere, a new key file is written (mode
// 0600) so that a fresh installation encrypts from its first case.
func Load(path string, create bool) (*Keyring, error) {
	if env := os.Getenv("NRM_KEYS"); env != "" {
		keys, err := Parse([]byte(strings.ReplaceAll(env, ";", "\n")))
		if err != nil {
			return nil, fmt.Errorf("NRM_KEYS: %w", err)
		}
		return New(keys...)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		key, err := NewKey("k1")
		if err != nil {
			return nil, err
		}
		mac, err := NewKey(MACKeyID)
		if err != nil {
			return nil, err
		}
		audit, err := NewKey(AuditKeyPrefix + "1")
		if err != nil {
			return nil, err
		}
		blind, err := NewKey(BlindKeyPrefix + "1")
		if err != nil {
			return nil, err
		}
		// The audit and blind-index keys before the encryption key: an
		// older nrm reading this file takes its last line as the current
		// encryption key.
		if err := WriteFile(path, []Key{mac, audit, blind, key}); err != nil {
			return nil, err
		}
		return New(mac, audit, blind, key)
	} else if err != nil {
		return nil, fmt.Errorf("seal: read key file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal: key file %s is readable by others (mode %v); run chmod 600", path, fi.Mode().Perm())
	}
	keys, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return New(keys...)
}

// WriteFile atomically writes keys to path with mode 0600.
func WriteFile(path string, keys []Key) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, Format(keys), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
