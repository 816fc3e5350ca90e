package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestParseOrigins(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"https://app.example.com", []string{"https://app.example.com"}, false},
		{" HTTPS://App.Example.com:443/ , http://localhost:5173,",
			[]string{"https://app.example.com", "http://localhost:5173"}, false},
		{"http://[::1]:80", []string{"http://[::1]"}, false},
		{"https://example.com:8443", []string{"https://example.com:8443"}, false},
		{"*", nil, true},
		{"https://a.example, *", nil, true},
		{"null", nil, true},
		{"app.example.com", nil, true},
		{"ftp://app.example.com", nil, true},
		{"https://app.example.com/path", nil, true},
		{"https://user@app.example.com", nil, true},
		{"https://app.example.com?q=1", nil, true},
		{"https://", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseOrigins(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrBadOrigin) {
				t.Errorf("ParseOrigins(%q): got %v, %v; want ErrBadOrigin", tt.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseOrigins(%q): got %q, %v; want %q, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestCORS(t *testing.T) {
	allowed := "https://app.example.com"
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	h := CORS([]string{allowed, "*"}, next)

	tests := []struct {
		name, method, path, origin, reqMethod string
		wantStatus                            int
		wantAllowOrigin                       string
		wantMethods                           bool
	}{
		{"preflight, listed", "OPTIONS", "/api/auth/login", allowed, "POST",
			http.StatusNoContent, allowed, true},
		{"preflight, unlisted", "OPTIONS", "/api/auth/login", "https://evil.example",
			"POST", http.StatusForbidden, "", false},
		{"preflight, wildcard is not honoured", "OPTIONS", "/api/users/me", "*", "GET",
			http.StatusForbidden, "", false},
		{"preflight, other case", "OPTIONS", "/api/auth/login", "HTTPS://APP.EXAMPLE.COM",
			"POST", http.StatusForbidden, "", false},
		{"request, listed", "POST", "/api/auth/login", allowed, "",
			http.StatusTeapot, allowed, false},
		{"request, unlisted", "POST", "/api/auth/login", "https://evil.example", "",
			http.StatusTeapot, "", false},
		{"no origin", "OPTIONS", "/api/auth/login", "", "POST",
			http.StatusTeapot, "", false},
		{"not the API", "OPTIONS", "/index.html", allowed, "GET",
			http.StatusTeapot, "", false},
		{"plain OPTIONS", "OPTIONS", "/api/users/me", allowed, "",
			http.StatusTeapot, allowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if tt.reqMethod != "" {
				r.Header.Set("Access-Control-Request-Method", tt.reqMethod)
				r.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			hd := w.Header()
			if got := hd.Get("Access-Control-Allow-Origin"); got != tt.wantAllowOrigin {
				t.Errorf("Allow-Origin: got %q, want %q", got, tt.wantAllowOrigin)
			}
			if got := hd.Get("Access-Control-Allow-Methods") != ""; got != tt.wantMethods {
				t.Errorf("Allow-Methods present: got %v, want %v", got, tt.wantMethods)
			}
			if tt.wantMethods && hd.Get("Access-Control-Allow-Headers") !=
				"Authorization, Content-Type" {
				t.Errorf("Allow-Headers: got %q", hd.Get("Access-Control-Allow-Headers"))
			}
			if hd.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("got Allow-Credentials, want none: the API takes bearer tokens")
			}
			if tt.origin != "" && tt.path != "/index.html" &&
				!slices.Contains(hd.Values("Vary"), "Origin") {
				t.Errorf("Vary: got %q, want Origin among them", hd.Values("Vary"))
			}
		})
	}
}

func TestOriginChecker(t *testing.T) {
	check := OriginChecker([]string{"https://app.example.com", "*"})
	tests := []struct {
		name, host, origin string
		want               bool
	}{
		{"no origin", "confab.example:8080", "", true},
		{"same origin", "confab.example:8080", "http://confab.example:8080", true},
		{"same origin, https", "confab.example", "https://CONFAB.example", true},
		{"listed", "confab.example", "https://app.example.com", true},
		{"unlisted", "confab.example", "https://evil.example", false},
		{"same host, other port", "confab.example:8080", "http://confab.example:9090", false},
		{"null", "confab.example", "null", false},
		{"wildcard is not a match-all", "confab.example", "https://other.example", false},
		{"garbage", "confab.example", "::", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/ws", nil)
		r.Host = tt.host
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		if got := check(r); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
