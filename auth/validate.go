package auth

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a client may choose.
const (
	MinUsernameLen    = 3
	MaxUsernameLen    = 32
	MinPasswordLen    = 8
	MaxPasswordLen    = 256
	MaxDisplayNameLen = 64
)

// inputError is a validation failure whose text is written for the client.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// isInput reports whether err is a validation failure.
func isInput(err error) bool {
	_, ok := inputMessage(err)
	return ok
}

// inputMessage returns the client-facing text of a validation failure, and false for any
// other error.
func inputMessage(err error) (string, bool) {
	var ie *inputError
	if errors.As(err, &ie) {
		return ie.msg, true
	}
	return "", false
}

// normalizeUsername checks name, 3 to 32 characters of A-Z, a-z, 0-9, '_', '.' and '-', and
// lowercases it, which is what makes usernames match in any case. The check comes first and
// is ASCII only: Unicode lowercasing would turn the Kelvin sign into a plain k.
func normalizeUsername(name string) (string, error) {
	if len(name) < MinUsernameLen || len(name) > MaxUsernameLen {
		return "", &inputError{"Username must be 3 to 32 characters long."}
	}
	b := []byte(name)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
			b[i] = c
		}
		if !isUsernameByte(c) {
			return "", &inputError{
				"Username may only contain letters a-z, digits, '_', '.' and '-'."}
		}
	}
	return string(b), nil
}

func isUsernameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// checkPassword checks that pw has 8 to 256 characters. Nothing else is demanded of it.
func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen || n > MaxPasswordLen {
		return &inputError{"Password must be 8 to 256 characters long."}
	}
	return nil
}

// normalizeDisplayName trims name and checks it: 1 to 64 characters of valid UTF-8 without
// control characters or the invisible ones that let a name pass for another (see
// isSpoofing). An empty or blank name becomes the username.
func normalizeDisplayName(name, username string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return username, nil
	}
	if !utf8.ValidString(name) {
		return "", &inputError{"Display name must be valid UTF-8."}
	}
	if utf8.RuneCountInString(name) > MaxDisplayNameLen {
		return "", &inputError{"Display name must be at most 64 characters long."}
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", &inputError{"Display name must not contain control characters."}
	}
	if strings.IndexFunc(name, isSpoofing) >= 0 {
		return "", &inputError{
			"Display name must not contain direction marks or zero-width characters."}
	}
	return name, nil
}

// isSpoofing reports whether r is a character that shows nothing itself but changes how a
// name reads: the bidirectional formatting characters of Unicode's UAX #9 (section 2), which
// can turn "\u202eAdmin" around or make text read in another order than it is stored, and
// the zero-width ones, which make "Admin\u200b" a name distinct from "Admin" that looks the
// same.
func isSpoofing(r rune) bool {
	switch {
	case r >= '\u202a' && r <= '\u202e': // embeddings and overrides
		return true
	case r >= '\u2066' && r <= '\u2069': // isolates
		return true
	case r == '\u200e', r == '\u200f', r == '\u061c': // marks
		return true
	case r >= '\u200b' && r <= '\u200d', r == '\u2060', r == '\ufeff': // zero width
		return true
	}
	return false
}
