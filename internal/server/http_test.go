package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/confab/confab/internal/server"
	"github.com/confab/confab/internal/servertest"
)

// TestHTTPAnswers checks what the server answers over HTTP that no handler of its own
// writes: routing errors under /api/, CORS, and the static files and their headers.
func TestHTTPAnswers(t *testing.T) {
	allowed := "https://app.example.com"
	srv := servertest.StartWith(t, server.Config{DataDir: t.TempDir(),
		Logger: servertest.Logger(t), AllowedOrigins: []string{allowed}})

	tests := []struct {
		name, method, path, origin string
		body                       string
		wantStatus                 int
		wantHeader                 map[string]string
		wantJSONError              bool
	}{
		{"wrong method", "GET", "/api/auth/login", "", "", 405,
			map[string]string{"Allow": "POST"}, true},
		{"wrong method, GET route", "POST", "/api/users/me", "", "", 405,
			map[string]string{"Allow": "GET, HEAD"}, true},
		{"unknown endpoint", "POST", "/api/nope", "", "", 404, nil, true},
		{"unknown endpoint, GET", "GET", "/api/nope", "", "", 404, nil, true},
		{"a route's own error", "GET", "/api/users", "", "", 401, nil, true},
		{"preflight from an allowed origin", "OPTIONS", "/api/auth/login", allowed, "", 204,
			map[string]string{"Access-Control-Allow-Origin": allowed}, false},
		{"preflight from another origin", "OPTIONS", "/api/auth/login",
			"https://evil.example", "", 403, nil, true},
		{"request from an allowed origin", "POST", "/api/auth/login", allowed,
			`{"username":"nobody","password":"wrong password"}`, 401,
			map[string]string{"Access-Control-Allow-Origin": allowed}, true},
		{"display name of invalid UTF-8", "POST", "/api/auth/register", "",
			"{\"username\":\"ada\",\"password\":\"correct horse\",\"displayName\":\"a\xff\xfeb\"}",
			400, nil, true},
		{"trailing data", "POST", "/api/auth/register", "",
			`{"username":"ada","password":"correct horse"} GARBAGE`, 400, nil, true},
		{"display name with a bidi override", "POST", "/api/auth/register", "",
			`{"username":"ada","password":"correct horse","displayName":"\u202eAdmin\u200b"}`,
			400, nil, true},
		{"the page", "GET", "/", "", "", 200, map[string]string{
			"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "no-referrer"}, false},
		{"a directory", "GET", "/js/", "", "", 404, nil, false},
		{"healthz", "GET", "/healthz", "", "", 200, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
				req.Header.Set("Access-Control-Request-Method", "POST")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("got status %d %s, want %d", resp.StatusCode, body, tt.wantStatus)
			}
			for name, want := range tt.wantHeader {
				if got := resp.Header.Get(name); got != want {
					t.Errorf("got %s %q, want %q", name, got, want)
				}
			}
			if !tt.wantJSONError {
				return
			}
			var e struct{ Error string }
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("got Content-Type %q, want application/json", ct)
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
				t.Errorf("got body %q, want {\"error\": ...}", body)
			}
		})
	}
}
