package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/confab/confab/internal/httpapi"
)

// Allowed origins are matched exactly, in the serialization browsers send in the Origin
// header (RFC 6454, section 6.1): lowercase scheme and host, the port only when it is not the
// scheme's default. There is no wildcard. The same list decides who may open the signaling
// WebSocket, where "*" would let every site start calls; and the API authenticates with
// bearer tokens, not cookies, so it never sends Access-Control-Allow-Credentials.

// CORS answers for the /api/ routes what the Fetch standard's CORS protocol asks: a preflight
// (OPTIONS with Access-Control-Request-Method) from an allowed origin gets 204 and the
// methods and headers the API takes, and from any other origin 403; other requests from an
// allowed origin get Access-Control-Allow-Origin. Requests without Origin and routes outside
// /api/ pass through untouched.
func CORS(origins []string, next http.Handler) http.Handler {
	allowed := originSet(origins)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		ok := allowed[origin]

		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !ok {
				httpapi.Error(w, http.StatusForbidden, "Origin not allowed.")
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if ok {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "Retry-After, Token-Expired, WWW-Authenticate")
		}
		next.ServeHTTP(w, r)
	})
}

// OriginChecker returns the test of a WebSocket upgrade's Origin: a request without Origin
// (not a browser) passes, as does one whose Origin has the request's own host, or is listed
// in origins. Any other browser page is refused, so a foreign site cannot open a call with a
// user's token. Behind a proxy that rewrites Host, list the public origin.
func OriginChecker(origins []string) func(*http.Request) bool {
	allowed := originSet(origins)
	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" || allowed[origin] {
			return true
		}
		u, err := url.Parse(origin)
		return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
	}
}

// ParseOrigins reads a comma-separated list of allowed origins, such as
// "https://app.example.com, http://localhost:5173". Each must be scheme://host[:port] with
// scheme http or https; it comes back as browsers write it. "*" and anything else malformed
// yield an error matching ErrBadOrigin.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		o, err := normalizeOrigin(s)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// normalizeOrigin returns s as a browser would send it in Origin.
func normalizeOrigin(s string) (string, error) {
	if s == "*" {
		return "", fmt.Errorf("%w: %q: list each origin; there is no wildcard", ErrBadOrigin, s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrBadOrigin, s, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" || u.User != nil ||
		u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" ||
		u.Fragment != "" {
		return "", fmt.Errorf("%w: %q: want scheme://host[:port]", ErrBadOrigin, s)
	}
	host := strings.ToLower(u.Host)
	if scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	} else {
		host = strings.TrimSuffix(host, ":443")
	}
	return scheme + "://" + host, nil
}

// originSet returns the origins normalized for lookup. An entry that does not parse, "*"
// among them, is left out and so matches nothing.
func originSet(origins []string) map[string]bool {
	set := make(map[string]bool, len(origins))
	for _, o := range origins {
		if n, err := normalizeOrigin(o); err == nil {
			set[n] = true
		}
	}
	return set
}
