package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/confab/confab/store"
)

// Issuer is the iss and the only aud of every access token.
const Issuer = "confab"

// accessClaims are the claims of an access token. preferred_username is the OpenID Connect
// name for the login name, carried so that Identity needs no database lookup. Room is never
// set: it is read only to refuse a room token whose audience check was somehow bypassed.
type accessClaims struct {
	Name     string `json:"name"`
	Username string `json:"preferred_username"`
	Room     string `json:"room,omitempty"`
	jwt.RegisteredClaims
}

// issueAccess signs an access token for u, valid for the service's access TTL.
func (s *Service) issueAccess(u store.User) (string, error) {
	now := s.now()
	claims := accessClaims{
		Name:     u.DisplayName,
		Username: u.Username,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   u.ID,
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{Issuer},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.accessTTL)),
			ID:        newJTI(),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("auth: sign access token: %w", err)
	}
	return tok, nil
}

func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails.
	return hex.EncodeToString(b[:])
}

// parse verifies a token's signature and standard claims into claims: HS256 with our key
// only, our issuer, the given audience, and exp and iat present and right. An expired but
// otherwise good token yields ErrTokenExpired; anything else wrong yields ErrTokenInvalid.
func (s *Service) parse(token string, claims jwt.Claims, audience string) error {
	_, err := jwt.ParseWithClaims(token, claims, s.keyFunc,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(s.now),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return errorf(ErrTokenExpired, err)
	case err != nil:
		return errorf(ErrTokenInvalid, err)
	}
	return nil
}

// VerifyAccess checks an access token and returns whom it speaks for. Only HS256 with our key
// is accepted, iss, aud and exp must be present and right, and room tokens are refused. An
// expired but otherwise good token yields ErrTokenExpired; anything else wrong yields
// ErrTokenInvalid.
func (s *Service) VerifyAccess(token string) (Identity, error) {
	var claims accessClaims
	if err := s.parse(token, &claims, Issuer); err != nil {
		return Identity{}, err
	}
	switch {
	case claims.Subject == "":
		return Identity{}, fmt.Errorf("%w: no subject", ErrTokenInvalid)
	case claims.Room != "" || strings.HasPrefix(claims.Subject, GuestPrefix):
		return Identity{}, fmt.Errorf("%w: room token used as access token", ErrTokenInvalid)
	}
	return Identity{
		UserID:       claims.Subject,
		Username:     claims.Username,
		DisplayName:  claims.Name,
		CanPublish:   true,
		CanSubscribe: true,
	}, nil
}

// keyFunc hands the parser our key, after checking the method once more: WithValidMethods
// already refuses every other algorithm, this guards against that option being dropped.
func (s *Service) keyFunc(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
	}
	return s.key, nil
}
