package static

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	h := Handler()
	tests := []struct {
		path       string
		wantStatus int
		wantType   string // a prefix of Content-Type; "" when not checked
	}{
		{"/", 200, "text/html"},
		{"/style.css", 200, "text/css"},
		{"/js/app.js", 200, "text/javascript"},
		{"/js/", 404, ""},
		{"/js", 404, ""},
		{"/nope.js", 404, ""},
		{"/index.html", http.StatusMovedPermanently, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))

			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("got Content-Type %q, want %s", ct, tt.wantType)
			}
			if strings.Contains(w.Body.String(), `<a href="app.js">`) {
				t.Error("got a directory listing, want none")
			}
			for name, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "no-referrer",
				"X-Frame-Options":        "DENY",
			} {
				if got := w.Header().Get(name); got != want {
					t.Errorf("got %s %q, want %q", name, got, want)
				}
			}
			if w.Header().Get("Content-Security-Policy") == "" {
				t.Error("got no Content-Security-Policy, want one")
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	tests := []struct {
		host string
		want []string // directives the policy must hold
		not  []string // text it must not
	}{
		{"confab.example:8080", []string{"script-src 'self';", "style-src 'self';",
			"connect-src 'self' ws://confab.example:8080 wss://confab.example:8080;",
			"media-src 'self' blob:;", "frame-ancestors 'none'", "default-src 'none';"},
			[]string{"unsafe-inline", "unsafe-eval"}},
		{"[::1]:8080", []string{"connect-src 'self' ws://[::1]:8080 wss://[::1]:8080;"}, nil},
		{"evil; script-src *", []string{"connect-src 'self';"}, []string{"evil", "*"}},
		{"", []string{"connect-src 'self';"}, nil},
	}
	for _, tt := range tests {
		got := policy(tt.host)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("host %q: got %q, want it to hold %q", tt.host, got, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("host %q: got %q, want no %q", tt.host, got, n)
			}
		}
	}
}
