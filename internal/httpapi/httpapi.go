// Package httpapi holds the few helpers every JSON endpoint shares, so that each answers errors
// the same way: a status code and a body {"error": "..."}.
package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// MaxBodyBytes is the largest request body any endpoint reads.
const MaxBodyBytes = 1 << 20

// ErrBodyTooLarge reports a request body over MaxBodyBytes.
var ErrBodyTooLarge = errors.New("request body too large")

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Error writes {"error": msg} with the given status. msg is shown to clients: it must be a
// stable, human-readable sentence, never internal error text.
func Error(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}

// DecodeJSON reads one JSON object from the request body into v, refusing bodies over
// MaxBodyBytes. On failure it has already written the error response
// (413 or 400) and returns a non-nil error.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			Error(w, http.StatusRequestEntityTooLarge, "request body is over 1 MiB")
			return fmt.Errorf("decode body: %w", ErrBodyTooLarge)
		}
		Error(w, http.StatusBadRequest, "request body must be a JSON object")
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}
