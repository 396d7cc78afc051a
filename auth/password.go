// Package auth holds the primitives of signing in: argon2id password
// hashes in the PHC string format, the password policy, TOTP second-factor
// codes, random tokens and their hashes, and the limits (session lifetime,
// lock-out) that the storage layer enforces. It keeps no state of its own.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
}

// DefaultParams suit a 2-core server: 64 MiB and 2 passes take about
// 150 ms, slow for an attacker with a stolen database, tolerable
// for a person signing in.
var DefaultParams = Params{Memory: 64 * 1024, Time: 2, Threads: 2}

// TestParams are cheap parameters for tests; never use them in production.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1}

// HashParams are the parameters of new hashes. Tests set TestParams;
// existing hashes keep the parameters they were made with.
var HashParams = DefaultParams

const (
	saltLen = 16
	keyLen  = 32
	// MaxPasswordLen bounds the input to the hash so that a huge password
	// cannot be used to burn CPU.
	MaxPasswordLen = 1024
	// maxMemory bounds the parameters read from a stored hash, so that a
	// tampered row cannot make the server allocate without limit.
	maxMemory = 1024 * 1024
)

// hashSlots bounds concurrent hashes: each takes Params.Memory, and a
// burst of sign-ins must not exhaust the server's memory.
var hashSlots = make(chan struct{}, 4)

func derive(password, salt []byte, p Params, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, n)
}

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password in the PHC string
// format $argon2id$v=19$m=…,t=…,p=…$salt$hash, with a fresh random salt.
func HashPassword(password string) (string, error) {
	if len(password) > MaxPasswordLen {
		return "", errors.New("auth: password too long")
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := HashParams
	key := derive([]byte(password), salt, p, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// decode parses a PHC argon2id string.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("auth: not an argon2id hash")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errors.New("auth: unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errors.New("auth: malformed argon2 parameters")
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return p, nil, nil, errors.New("auth: argon2 parameters out of range")
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errors.New("auth: malformed salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, errors.New("auth: malformed hash")
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the PHC hash encoded,
// comparing in constant time. A malformed hash is an error, never a match.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordLen {
		// Still spend the time, so the length of a guess is not observable.
		derive([]byte(password[:MaxPasswordLen]), salt, p, uint32(len(key)))
		return false, nil
	}
	got := derive([]byte(password), salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// HashParams (or is unreadable), so that it should be replaced at the next
// successful sign-in.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p != HashParams
}

var (
	dummyMu     sync.Mutex
	dummyHashes = map[Params]string{}
)

// VerifyDummy spends the same time as VerifyPassword against a hash made
// with HashParams and always fails. Login calls it for unknown usernames so
// that response time does not reveal whether an account exists.
func VerifyDummy(password string) {
	dummyMu.Lock()
	h, ok := dummyHashes[HashParams]
	if !ok {
		var err error
		if h, err = HashPassword("nrm dummy password for timing"); err != nil {
			dummyMu.Unlock()
			return
		}
		dummyHashes[HashParams] = h
	}
	dummyMu.Unlock()
	VerifyPassword(h, password)
}
