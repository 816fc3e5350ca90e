package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxBodyBytes is the largest request body any endpoint reads.
const MaxBodyBytes = 1 << 20

// Errors DecodeJSON returns, after it has answered the request.
var (
	// ErrBodyTooLarge reports a request body over MaxBodyBytes.
	ErrBodyTooLarge = errors.New("request body too large")
	// ErrNotUTF8 reports a body that is not valid UTF-8, or whose strings escape half of a
	// UTF-16 surrogate pair. encoding/json would turn either into U+FFFD, so that different
	// names or passwords would arrive as one and the same string.
	ErrNotUTF8 = errors.New("request body is not valid UTF-8")
	// ErrNotJSON reports a request whose Content-Type is not application/json. Refusing the
	// others keeps every JSON endpoint out of reach of a cross-origin "simple" request: a
	// page elsewhere can post text/plain or a form without a CORS preflight, never JSON.
	ErrNotJSON = errors.New("request body is not application/json")
	// ErrNotObject reports a body that is not exactly one JSON object: malformed, another
	// kind of value, or followed by more than white space.
	ErrNotObject = errors.New("request body is not one JSON object")
)

// DecodeJSON reads the request body, which must be sent as application/json and be one JSON
// object of valid UTF-8 and at most MaxBodyBytes, into v. On failure it has already written
// the error response (415, 413 or 400) and returns a non-nil error.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if !isJSON(r.Header.Get("Content-Type")) {
		Error(w, http.StatusUnsupportedMediaType, "request body must be application/json")
		return fmt.Errorf("decode body: %w", ErrNotJSON)
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		Error(w, http.StatusRequestEntityTooLarge, "request body is over 1 MiB")
		return fmt.Errorf("decode body: %w", ErrBodyTooLarge)
	case err != nil:
		Error(w, http.StatusBadRequest, "request body could not be read")
		return fmt.Errorf("decode body: %w", err)
	case !utf8.Valid(body):
		Error(w, http.StatusBadRequest, "request body must be valid UTF-8")
		return fmt.Errorf("decode body: %w", ErrNotUTF8)
	}

	// json.Unmarshal refuses anything after the value but white space, unlike a Decoder.
	if !isObject(body) || json.Unmarshal(body, v) != nil {
		Error(w, http.StatusBadRequest, "request body must be one JSON object")
		return fmt.Errorf("decode body: %w", ErrNotObject)
	}
	if !pairedSurrogates(body) {
		Error(w, http.StatusBadRequest, "request body must be valid UTF-8")
		return fmt.Errorf("decode body: %w", ErrNotUTF8)
	}
	return nil
}

// isJSON reports whether the Content-Type header value ct is application/json, with or
// without parameters such as charset.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// isObject reports whether the JSON text b starts an object; json.Unmarshal accepts null
// for a struct and leaves it untouched.
func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// pairedSurrogates reports whether every \u escape of a UTF-16 surrogate in the JSON text b
// is a high one directly followed by a low one, the only way a string may escape a
// character beyond U+FFFF (RFC 8259, section 7). A backslash outside a string is a syntax
// error that json.Unmarshal has already refused, so b is scanned without tracking strings.
func pairedSurrogates(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		i++ // the escaped character; an escaped backslash is skipped with it
		if i >= len(b) || b[i] != 'u' {
			continue
		}
		r, ok := hex4(b[i+1:])
		if !ok || !utf16.IsSurrogate(r) {
			continue
		}
		i += 4
		if r >= 0xDC00 {
			return false // a low surrogate with no high one before it
		}
		if len(b) < i+7 || b[i+1] != '\\' || b[i+2] != 'u' {
			return false
		}
		if lo, ok := hex4(b[i+3:]); !ok || lo < 0xDC00 || lo > 0xDFFF {
			return false
		}
		i += 6
	}
	return true
}

// hex4 reads the four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
