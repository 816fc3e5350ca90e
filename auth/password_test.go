package auth

import (
	"errors"
	"strings"
	"testing"
)

// cheap is a low cost for tests that check parsing, not strength.
var cheap = argonParams{memory: 64, time: 1, threads: 1}

func TestHashPasswordAtCurrentCost(t *testing.T) {
	h := hashPassword("correct horse", currentParams)

	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(h, prefix) {
		t.Fatalf("got %q, want prefix %q", h, prefix)
	}
	_, salt, key, err := decodeHash(h)
	if err != nil {
		t.Fatalf("decodeHash: %v", err)
	}
	if len(salt) != saltLen || len(key) != keyLen {
		t.Errorf("salt and key: got %d and %d bytes, want %d and %d",
			len(salt), len(key), saltLen, keyLen)
	}
	if needsRehash(h) {
		t.Error("needsRehash: got true for a hash at the current cost")
	}
	if ok, err := verifyPassword("correct horse", h); !ok || err != nil {
		t.Errorf("right password: got %v, %v, want true, nil", ok, err)
	}
}

func TestVerifyPassword(t *testing.T) {
	h := hashPassword("battery staple", cheap)
	if h == hashPassword("battery staple", cheap) {
		t.Fatal("two hashes of one password are equal: salt not random")
	}

	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"right", "battery staple", true},
		{"wrong", "battery stapler", false},
		{"other case", "Battery staple", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := verifyPassword(tt.pw, h)
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v, want %v, nil", got, err, tt.want)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	const tail = "$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	tests := []struct {
		params string
		want   bool
	}{
		{"m=19456,t=2,p=1", false},
		{"m=65536,t=3,p=4", false},
		{"m=19455,t=2,p=1", true},
		{"m=19456,t=1,p=1", true},
		{"m=65536,t=1,p=1", true},
	}
	for _, tt := range tests {
		h := "$argon2id$v=19$" + tt.params + tail
		if got := needsRehash(h); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.params, got, tt.want)
		}
	}
	if !needsRehash("$2a$10$notargon") {
		t.Error("foreign hash: got false, want true")
	}
}

func TestDecodeHashRejectsMalformed(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	tests := map[string]string{
		"empty":          "",
		"argon2i":        "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key,
		"old version":    "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key,
		"zero memory":    "$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key,
		"huge memory":    "$argon2id$v=19$m=99999999,t=2,p=1$" + salt + "$" + key,
		"huge time":      "$argon2id$v=19$m=19456,t=100000,p=1$" + salt + "$" + key,
		"zero threads":   "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key,
		"padded salt":    "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "==$" + key,
		"missing key":    "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$",
		"extra field":    "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$x",
		"no params":      "$argon2id$v=19$" + salt + "$" + key,
		"garbage params": "$argon2id$v=19$memory=1$" + salt + "$" + key,
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, _, err := decodeHash(h); !errors.Is(err, errBadHash) {
				t.Errorf("got %v, want errBadHash", err)
			}
			if ok, _ := verifyPassword("whatever", h); ok {
				t.Error("verifyPassword: got true, want false")
			}
		})
	}
}
