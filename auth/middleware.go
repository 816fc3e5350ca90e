package auth

import (
	"context"
	"net/http"
	"strings"
)

// Authenticate verifies the token of a request to the signaling endpoint: an access token,
// or a room token whose Identity names its room and grants. The token comes from the
// Authorization header "Bearer <token>", or else the access_token query parameter, which is
// how browsers open WebSockets. Every error matches ErrTokenExpired or ErrTokenInvalid; a
// request with no token at all also matches ErrNoToken.
func (s *Service) Authenticate(r *http.Request) (Identity, error) {
	token, err := requestToken(r)
	if err != nil {
		return Identity{}, err
	}
	if isRoomToken(token) {
		return s.VerifyRoom(token)
	}
	return s.VerifyAccess(token)
}

// authenticateUser is Authenticate for the API, which takes access tokens only, and only
// from the Authorization header: a token in a URL ends up in access logs, proxies and browser
// history, so the query parameter is left to the WebSocket, whose browser API cannot set
// headers.
func (s *Service) authenticateUser(r *http.Request) (Identity, error) {
	token := bearerToken(r)
	if token == "" {
		return Identity{}, errorf(ErrTokenInvalid, ErrNoToken)
	}
	return s.VerifyAccess(token)
}

// requestToken returns the request's bearer token, or else its access_token query parameter.
func requestToken(r *http.Request) (string, error) {
	token := bearerToken(r)
	if token == "" {
		token = r.URL.Query().Get("access_token")
	}
	if token == "" {
		return "", errorf(ErrTokenInvalid, ErrNoToken)
	}
	return token, nil
}

// bearerToken returns the token of an Authorization header of the Bearer scheme, whose name
// matches in any case (RFC 9110, section 11.1).
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// RequireUser lets through only requests with a valid access token in the Authorization
// header, and hands next the Identity through the request context. Others, room tokens and
// tokens in the query string among them, get a 401 JSON answer; an expired token also gets
// the header "Token-Expired: true", telling the client to refresh.
func (s *Service) RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.authenticateUser(r)
		if err != nil {
			// RFC 6750, section 3: name the scheme a client should retry with.
			w.Header().Set("WWW-Authenticate", `Bearer realm="confab"`)
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
	})
}

// identityKey is the context key of an Identity.
type identityKey struct{}

// WithIdentity returns a context carrying id, as RequireUser does; tests of other packages use
// it to stand in for a login.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the Identity that RequireUser put in ctx.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}
