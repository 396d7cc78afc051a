package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
)

// BlindKeyPrefix starts the id of every blind-index key ("blind-1",
// "blind-2", …): the HMAC-SHA-256 keys of the person search index, which
// stores keyed hashes of normalised identifiers instead of the identifiers.
// The last one is current; a rotation adds a new one and rebuilds the
// index under it, so older ones are needed only for older backups.
const BlindKeyPrefix = "blind-"

// BlindLegacyKeyID names the blind-index key of a key file written before
// blind-index keys existed: derived from the content-hash key, which
// rotations carry over, until a rotation writes a real one.
const BlindLegacyKeyID = BlindKeyPrefix + "0"

// IsBlindKeyID reports whether id names a blind-index key.
func IsBlindKeyID(id string) bool { return strings.HasPrefix(id, BlindKeyPrefix) }

// addBlind records a blind-index key read from a key file.
func (k *Keyring) addBlind(key Key) error {
	if len(key.Bytes) != KeySize {
		return fmt.Errorf("seal: blind-index key %q has %d bytes, want %d", key.ID, len(key.Bytes), KeySize)
	}
	if strings.ContainsAny(key.ID, ": \t\n") {
		return fmt.Errorf("seal: invalid key id %q", key.ID)
	}
	if _, dup := k.blind[key.ID]; dup {
		return fmt.Errorf("seal: duplicate key id %q", key.ID)
	}
	k.blind[key.ID] = key.Bytes
	k.blindOrder = append(k.blindOrder, key.ID)
	return nil
}

// deriveBlind derives the legacy blind-index key from the content-hash key
// when the key file holds none (older files, NRM_KEYS without one).
func (k *Keyring) deriveBlind() {
	if len(k.blindOrder) > 0 {
		return
	}
	h := hmac.New(sha256.New, k.ContentKey())
	h.Write([]byte("nrm blind index key v1"))
	k.blind[BlindLegacyKeyID] = h.Sum(nil)
	k.blindOrder = []string{BlindLegacyKeyID}
}

// BlindKey returns the current blind-index key and its id.
func (k *Keyring) BlindKey() (string, []byte) {
	id := k.blindOrder[len(k.blindOrder)-1]
	return id, k.blind[id]
}

// BlindKeys returns every blind-index key as key-file entries, oldest
// first (a derived legacy key too).
func (k *Keyring) BlindKeys() []Key {
	out := make([]Key, len(k.blindOrder))
	for i, id := range k.blindOrder {
		out[i] = Key{ID: id, Bytes: k.blind[id]}
	}
	return out
}

// NextBlindKeyID returns "blind-<n>" with n one more than the highest
// number among keys' blind-index keys.
func NextBlindKeyID(keys []Key) string {
	n := 0
	for _, key := range keys {
		if v, err := strconv.Atoi(strings.TrimPrefix(key.ID, BlindKeyPrefix)); err == nil && IsBlindKeyID(key.ID) && v > n {
			n = v
		}
	}
	return BlindKeyPrefix + strconv.Itoa(n+1)
}
