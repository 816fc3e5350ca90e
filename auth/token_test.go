package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/confab/confab/store"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// newTokenService returns a Service with a fixed key and clock and no store: enough to issue
// and verify access tokens.
func newTokenService(c *clock) *Service {
	return &Service{key: testKey, accessTTL: DefaultAccessTTL, now: c.Now,
		log: slog.New(slog.DiscardHandler)}
}

// claimsFor returns valid claims for user u_1 at now.
func claimsFor(now time.Time) accessClaims {
	return accessClaims{
		Name:     "Ada",
		Username: "ada",
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   "u_1",
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{Issuer},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		},
	}
}

func sign(t *testing.T, m jwt.SigningMethod, key any, c jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatalf("sign %s: %v", m.Alg(), err)
	}
	return s
}

func TestVerifyAccessRoundTrip(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	u := store.User{ID: "u_1", Username: "ada", DisplayName: "Ada L"}

	tok, err := s.issueAccess(u)
	if err != nil {
		t.Fatalf("issueAccess: %v", err)
	}
	id, err := s.VerifyAccess(tok)
	if err != nil {
		t.Fatalf("VerifyAccess: %v", err)
	}
	want := Identity{UserID: "u_1", Username: "ada", DisplayName: "Ada L",
		CanPublish: true, CanSubscribe: true}
	if id != want {
		t.Errorf("got %+v, want %+v", id, want)
	}

	var claims accessClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &claims); err != nil {
		t.Fatalf("ParseUnverified: %v", err)
	}
	if claims.ID == "" || claims.IssuedAt == nil {
		t.Errorf("jti %q, iat %v: want both set", claims.ID, claims.IssuedAt)
	}
	if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got != DefaultAccessTTL {
		t.Errorf("lifetime: got %v, want %v", got, DefaultAccessTTL)
	}
}

func TestVerifyAccessRejects(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	now := c.Now()
	good := sign(t, jwt.SigningMethodHS256, testKey, claimsFor(now))

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("rsa key: %v", err)
	}
	mutate := func(f func(*accessClaims)) jwt.Claims {
		cl := claimsFor(now)
		f(&cl)
		return cl
	}
	expiredClaims := mutate(func(c *accessClaims) {
		c.IssuedAt = jwt.NewNumericDate(now.Add(-time.Hour))
		c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
	})
	expired := sign(t, jwt.SigningMethodHS256, testKey, expiredClaims)

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"expired", expired, ErrTokenExpired},
		{"expired and forged", sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("k", 32)),
			expiredClaims), ErrTokenInvalid},
		{"tampered signature", tamperSignature(good), ErrTokenInvalid},
		{"tampered payload", tamperPayload(t, good), ErrTokenInvalid},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			claimsFor(now)), ErrTokenInvalid},
		{"other key", sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)),
			claimsFor(now)), ErrTokenInvalid},
		{"HS512 with our key", sign(t, jwt.SigningMethodHS512, testKey, claimsFor(now)),
			ErrTokenInvalid},
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, claimsFor(now)), ErrTokenInvalid},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *accessClaims) {
			c.Audience = jwt.ClaimStrings{"elsewhere"}
		})), ErrTokenInvalid},
		{"no audience", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *accessClaims) {
			c.Audience = nil
		})), ErrTokenInvalid},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *accessClaims) {
			c.Issuer = "elsewhere"
		})), ErrTokenInvalid},
		{"no expiry", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *accessClaims) {
			c.ExpiresAt = nil
		})), ErrTokenInvalid},
		{"issued in the future", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *accessClaims) {
				c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
				c.ExpiresAt = jwt.NewNumericDate(now.Add(2 * time.Hour))
			})), ErrTokenInvalid},
		{"no subject", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *accessClaims) {
			c.Subject = ""
		})), ErrTokenInvalid},
		{"garbage", "not.a.token", ErrTokenInvalid},
		{"empty", "", ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := s.VerifyAccess(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if id != (Identity{}) {
				t.Errorf("identity: got %+v, want none", id)
			}
		})
	}
}

func TestVerifyAccessExpiresWithClock(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	tok, err := s.issueAccess(store.User{ID: "u_1", Username: "ada", DisplayName: "Ada"})
	if err != nil {
		t.Fatalf("issueAccess: %v", err)
	}

	c.Advance(DefaultAccessTTL - time.Second)
	if _, err := s.VerifyAccess(tok); err != nil {
		t.Fatalf("just before expiry: got %v, want nil", err)
	}
	c.Advance(2 * time.Second)
	if _, err := s.VerifyAccess(tok); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("just after expiry: got %v, want ErrTokenExpired", err)
	}
}

// tamperSignature flips one bit of the signature's first byte.
func tamperSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	sig, _ := base64.RawURLEncoding.DecodeString(tok[i:])
	sig[0] ^= 1
	return tok[:i] + base64.RawURLEncoding.EncodeToString(sig)
}

// tamperPayload swaps the subject for another user's, keeping the signature.
func tamperPayload(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	changed := strings.Replace(string(payload), `"sub":"u_1"`, `"sub":"u_2"`, 1)
	if changed == string(payload) {
		t.Fatalf("payload %s has no sub to change", payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(changed))
	return strings.Join(parts, ".")
}
