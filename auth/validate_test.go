package auth

import (
	"strings"
	"testing"
)

func TestNormalizeUsername(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"ada", "ada", true},
		{"Ada.Lovelace-1_x", "ada.lovelace-1_x", true},
		{strings.Repeat("a", 32), strings.Repeat("a", 32), true},
		{"ab", "", false},
		{strings.Repeat("a", 33), "", false},
		{"", "", false},
		{"ada lovelace", "", false},
		{"ada@home", "", false},
		{"adé", "", false},
		{"ada\x00", "", false},
		{"KELVIN", "kelvin", true},
		{"kelvin\u212a", "", false}, // the Kelvin sign lowercases to a plain k
	}
	for _, tt := range tests {
		got, err := normalizeUsername(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%q: got %q, %v, want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !isInput(err) {
			t.Errorf("%q: error %v is not an input error", tt.in, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"12345678", true},
		{strings.Repeat("x", 256), true},
		{strings.Repeat("é", 256), true}, // characters, not bytes
		{"1234567", false},
		{"", false},
		{strings.Repeat("x", 257), false},
	}
	for _, tt := range tests {
		if err := checkPassword(tt.in); (err == nil) != tt.ok {
			t.Errorf("%d characters: got %v, want ok=%v", len([]rune(tt.in)), err, tt.ok)
		}
	}
}

func TestNormalizeDisplayName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "ada", true},
		{"   ", "ada", true},
		{"  Ada Lovelace ", "Ada Lovelace", true},
		{"Ада 🚀", "Ада 🚀", true},
		{strings.Repeat("é", 64), strings.Repeat("é", 64), true},
		{strings.Repeat("é", 65), "", false},
		{"Ada\nLovelace", "", false},
		{"Ada\u0007", "", false},
		{"Ada\u009b", "", false},
		{"Ada\xff", "", false},
		{"\u202eAdmin\u200b", "", false},
		{"Admin\u202d", "", false},
		{"\u2066Ada\u2069", "", false},
		{"Ada\u200e", "", false},
		{"Ada\u200f", "", false},
		{"\u061cAda", "", false},
		{"Ad\u200ba", "", false},
		{"Ad\u200ca", "", false},
		{"Ad\u200da", "", false},
		{"Ad\u2060a", "", false},
		{"\ufeffAda", "", false},
		{"عائشة", "عائشة", true},
	}
	for _, tt := range tests {
		got, err := normalizeDisplayName(tt.in, "ada")
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%q: got %q, %v, want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
