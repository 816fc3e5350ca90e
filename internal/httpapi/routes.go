package httpapi

import (
	"net/http"
	"strings"
)

// Routes serves mux, but answers in JSON where mux itself would answer in plain text: 404
// for a path no route matches, and 405, with the Allow header mux sets, for a path that a
// route matches with another method. Everything a route answers passes through untouched.
func Routes(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An empty pattern means mux matched no route: it would write an error, or redirect
		// to the cleaned path.
		if _, pattern := mux.Handler(r); pattern == "" {
			w = &routeErrorWriter{ResponseWriter: w}
		}
		mux.ServeHTTP(w, r)
	})
}

// routeErrorWriter replaces an error status and its plain-text body with a JSON error.
type routeErrorWriter struct {
	http.ResponseWriter
	replaced bool
}

func (e *routeErrorWriter) WriteHeader(status int) {
	if status < http.StatusBadRequest {
		e.ResponseWriter.WriteHeader(status)
		return
	}
	e.replaced = true
	var msg string
	switch status {
	case http.StatusNotFound:
		msg = "no such endpoint"
	case http.StatusMethodNotAllowed:
		allow := e.Header().Get("Allow")
		msg = "this endpoint takes " + strings.ReplaceAll(allow, ", ", " or ")
	default:
		msg = strings.ToLower(http.StatusText(status))
	}
	Error(e.ResponseWriter, status, msg)
}

func (e *routeErrorWriter) Write(b []byte) (int, error) {
	if e.replaced {
		return len(b), nil
	}
	return e.ResponseWriter.Write(b)
}
