package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// argonParams are the argon2id costs of a hash. They travel inside the encoded hash, so old
// hashes still verify after the costs are raised.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// currentParams follow OWASP's first recommendation for argon2id: 19 MiB, two passes, one
// lane.
var currentParams = argonParams{memory: 19456, time: 2, threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// errBadHash reports a stored hash that is not in the encoding hashPassword writes.
var errBadHash = errors.New("auth: malformed password hash")

// b64 is the PHC string encoding: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// hashPassword hashes pw with a fresh salt at p, encoded as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$salt$key.
func hashPassword(pw string, p argonParams) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails.
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verifyPassword reports whether pw matches the encoded hash, comparing in constant time.
func verifyPassword(pw, encoded string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// needsRehash reports whether a hash was made at a lower cost than currentParams, or cannot be
// read at all.
func needsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	if err != nil {
		return true
	}
	return p.memory < currentParams.memory || p.time < currentParams.time ||
		p.threads < currentParams.threads
}

// Caps on the costs accepted from a stored hash, so that a corrupted or planted row cannot
// make one login allocate gigabytes or spin for minutes.
const (
	maxMemoryKiB = 1 << 20
	maxTime      = 64
)

// decodeHash parses a PHC string written by hashPassword.
func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return argonParams{}, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil ||
		version != argon2.Version {
		return argonParams{}, nil, nil, errBadHash
	}

	var p argonParams
	_, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads)
	if err != nil || p.memory == 0 || p.memory > maxMemoryKiB || p.time == 0 ||
		p.time > maxTime || p.threads == 0 {
		return argonParams{}, nil, nil, errBadHash
	}

	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return argonParams{}, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return argonParams{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// dummyHash is compared against when a login names no account, so that the answer takes as
// long as a wrong password would.
var dummyHash = sync.OnceValue(func() string {
	return hashPassword("confab dummy password", currentParams)
})

// withHashSlot runs f once fewer than cap(hashSlots) hashes are running, or gives up when ctx
// ends first.
func (s *Service) withHashSlot(ctx context.Context, f func()) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("auth: wait for hash slot: %w", ctx.Err())
	}
	defer func() { <-s.hashSlots }()
	f()
	return nil
}
