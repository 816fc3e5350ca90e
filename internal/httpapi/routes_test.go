package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRoutesAnswerJSON(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
	})
	mux.HandleFunc("GET /api/rooms/{room}/messages", func(w http.ResponseWriter,
		r *http.Request) {
		Error(w, http.StatusForbidden, "not in "+r.PathValue("room"))
	})
	h := Routes(mux)

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
		wantError          string // "" for a body without "error"
	}{
		{"a route", "POST", "/api/auth/login", 200, "", ""},
		{"a route's own error", "GET", "/api/rooms/demo/messages", 403, "", "not in demo"},
		{"wrong method", "GET", "/api/auth/login", 405, "POST", "this endpoint takes POST"},
		{"wrong method, GET route", "DELETE", "/api/rooms/demo/messages", 405, "GET, HEAD",
			"this endpoint takes GET or HEAD"},
		{"unknown path", "POST", "/api/nope", 404, "", "no such endpoint"},
		{"unknown path, GET", "GET", "/api/", 404, "", "no such endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))

			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("got Allow %q, want %q", got, tt.wantAllow)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("got Content-Type %q, want application/json", ct)
			}
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("got body %q, want JSON: %v", w.Body.String(), err)
			}
			if body["error"] != tt.wantError {
				t.Errorf("got error %q, want %q", body["error"], tt.wantError)
			}
		})
	}
}

func TestRoutesKeepRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/users", func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, []string{})
	})
	w := httptest.NewRecorder()
	Routes(mux).ServeHTTP(w, httptest.NewRequest("GET", "/api/x/../users", nil))
	if w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "/api/users" {
		t.Errorf("got %d to %q, want 307 to /api/users", w.Code, w.Header().Get("Location"))
	}
}
