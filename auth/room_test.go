package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// roomJTI is the jti of the claims roomClaimsFor returns.
const roomJTI = "0123456789abcdef0123456789abcdef"

// roomClaimsFor returns valid claims of a room token for guest "bot" in room "demo".
func roomClaimsFor(now time.Time) roomClaims {
	return roomClaims{
		Name: "bot", Room: "demo", CanPublish: true, CanSubscribe: true,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   GuestPrefix + "bot:01234567",
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{RoomAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
			ID:        roomJTI,
		},
	}
}

// wantGuest checks that id is want apart from its UserID, which must be wantPrefix followed
// by a tag of guestTagLen characters.
func wantGuest(t *testing.T, id Identity, wantPrefix string, want Identity) {
	t.Helper()
	tag, ok := strings.CutPrefix(id.UserID, wantPrefix)
	if !ok || len(tag) != guestTagLen {
		t.Errorf("user id: got %q, want %q and a tag of %d characters", id.UserID,
			wantPrefix, guestTagLen)
	}
	id.UserID = ""
	if id != want {
		t.Errorf("got %+v, want %+v", id, want)
	}
}

func TestRoomTokenAuthenticates(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	tests := []struct {
		name     string
		grant    RoomGrant
		wantUser string // the UserID before its tag
		want     Identity
	}{
		{"full grant", RoomGrant{Room: "demo", Identity: "Bot 1", CanPublish: true,
			CanSubscribe: true}, "guest:Bot 1:",
			Identity{DisplayName: "Bot 1", Room: "demo", CanPublish: true,
				CanSubscribe: true}},
		{"listen only", RoomGrant{Room: "demo", Identity: "ear", CanSubscribe: true},
			"guest:ear:",
			Identity{DisplayName: "ear", Room: "demo", CanSubscribe: true}},
		{"publish only", RoomGrant{Room: "r", Identity: " cam ", CanPublish: true,
			TTL: MaxRoomTokenTTL}, "guest:cam:",
			Identity{DisplayName: "cam", Room: "r", CanPublish: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := s.IssueRoomToken(tt.grant)
			if err != nil {
				t.Fatalf("IssueRoomToken: %v", err)
			}
			r := httptest.NewRequest("GET", "/ws?access_token="+tok, nil)
			id, err := s.Authenticate(r)
			if err != nil {
				t.Fatalf("Authenticate: got %v, want nil", err)
			}
			wantGuest(t, id, tt.wantUser, tt.want)
			if _, err := s.VerifyAccess(tok); !errors.Is(err, ErrTokenInvalid) {
				t.Errorf("as an access token: got %v, want ErrTokenInvalid", err)
			}
		})
	}
}

func TestRoomTokensForOneIdentityHoldTwoGuests(t *testing.T) {
	s := newTokenService(newClock())
	g := RoomGrant{Room: "gp", Identity: "guest", CanPublish: true, CanSubscribe: true}
	var ids [2]Identity
	for i := range ids {
		tok, err := s.IssueRoomToken(g)
		if err != nil {
			t.Fatalf("IssueRoomToken: %v", err)
		}
		if ids[i], err = s.VerifyRoom(tok); err != nil {
			t.Fatalf("VerifyRoom: %v", err)
		}
		if ids[i].DisplayName != "guest" {
			t.Errorf("display name: got %q, want %q", ids[i].DisplayName, "guest")
		}
	}
	if ids[0].UserID == ids[1].UserID {
		t.Errorf("user ids: got %q twice, want two", ids[0].UserID)
	}
}

func TestVerifyRoomAcceptsItsOwnClaims(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	tok := sign(t, jwt.SigningMethodHS256, testKey, roomClaimsFor(c.Now()))
	id, err := s.VerifyRoom(tok)
	if err != nil || id.UserID != "guest:bot:01234567" {
		t.Errorf("got %q, %v; want guest:bot:01234567, nil", id.UserID, err)
	}
}

func TestRoomTokenLifetime(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	tok, err := s.IssueRoomToken(RoomGrant{Room: "demo", Identity: "bot"})
	if err != nil {
		t.Fatalf("IssueRoomToken: %v", err)
	}
	c.Advance(DefaultRoomTokenTTL - time.Second)
	if _, err := s.VerifyRoom(tok); err != nil {
		t.Fatalf("just before expiry: got %v, want nil", err)
	}
	c.Advance(2 * time.Second)
	if _, err := s.VerifyRoom(tok); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("after expiry: got %v, want ErrTokenExpired", err)
	}
}

func TestVerifyRoomRejects(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	now := c.Now()
	mutate := func(f func(*roomClaims)) jwt.Claims {
		cl := roomClaimsFor(now)
		f(&cl)
		return cl
	}
	access := sign(t, jwt.SigningMethodHS256, testKey, claimsFor(now))

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"access token", access, ErrTokenInvalid},
		{"other key", sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)),
			roomClaimsFor(now)), ErrTokenInvalid},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType,
			roomClaimsFor(now)), ErrTokenInvalid},
		{"HS512", sign(t, jwt.SigningMethodHS512, testKey, roomClaimsFor(now)),
			ErrTokenInvalid},
		{"access audience", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.Audience = jwt.ClaimStrings{Issuer} })),
			ErrTokenInvalid},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.Issuer = "elsewhere" })), ErrTokenInvalid},
		{"no expiry", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.ExpiresAt = nil })), ErrTokenInvalid},
		{"expired", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *roomClaims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(-time.Hour))
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
		})), ErrTokenExpired},
		{"no room", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.Room = "" })), ErrTokenInvalid},
		{"subject is an account", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.Subject = "u_1" })), ErrTokenInvalid},
		{"subject without its tag", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.Subject = GuestPrefix + "bot" })), ErrTokenInvalid},
		{"subject with another token's tag", sign(t, jwt.SigningMethodHS256, testKey,
			mutate(func(c *roomClaims) { c.ID = "fedcba9876543210" })), ErrTokenInvalid},
		{"no jti", sign(t, jwt.SigningMethodHS256, testKey, mutate(func(c *roomClaims) {
			c.ID = ""
			c.Subject = GuestPrefix + "bot:"
		})), ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := s.VerifyRoom(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if id != (Identity{}) {
				t.Errorf("identity: got %+v, want none", id)
			}
		})
	}
}

func TestAccessTokenWithRoomClaimRefused(t *testing.T) {
	c := newClock()
	s := newTokenService(c)
	tests := []struct {
		name   string
		mutate func(*accessClaims)
	}{
		{"room claim", func(a *accessClaims) { a.Room = "demo" }},
		{"guest subject", func(a *accessClaims) { a.Subject = GuestPrefix + "bot" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := claimsFor(c.Now())
			tt.mutate(&cl)
			tok := sign(t, jwt.SigningMethodHS256, testKey, cl)
			if _, err := s.VerifyAccess(tok); !errors.Is(err, ErrTokenInvalid) {
				t.Errorf("got %v, want ErrTokenInvalid", err)
			}
		})
	}
}

func TestRoomTokenRefusedByAPI(t *testing.T) {
	e := newEnv(t)
	tok, err := e.svc.IssueRoomToken(RoomGrant{Room: "demo", Identity: "bot",
		CanPublish: true, CanSubscribe: true})
	if err != nil {
		t.Fatalf("IssueRoomToken: %v", err)
	}
	r := e.call(t, "GET", "/api/users/me", nil, tok)
	wantStatus(t, "room token on /api/users/me", r, http.StatusUnauthorized)
	if r.header.Get("Token-Expired") != "" {
		t.Errorf("got Token-Expired %q, want none", r.header.Get("Token-Expired"))
	}
	r = e.get(t, "/api/users/me?access_token="+tok, "")
	wantStatus(t, "room token in the query", r, http.StatusUnauthorized)
}

func TestIssueRoomTokenChecksGrant(t *testing.T) {
	s := newTokenService(newClock())
	tests := []struct {
		name  string
		grant RoomGrant
	}{
		{"no room", RoomGrant{Identity: "bot"}},
		{"no identity", RoomGrant{Room: "demo"}},
		{"blank identity", RoomGrant{Room: "demo", Identity: "  "}},
		{"control character", RoomGrant{Room: "demo", Identity: "bo\x07t"}},
		{"long identity", RoomGrant{Room: "demo", Identity: strings.Repeat("b", 65)}},
		{"negative lifetime", RoomGrant{Room: "demo", Identity: "bot", TTL: -time.Second}},
		{"lifetime over the cap", RoomGrant{Room: "demo", Identity: "bot",
			TTL: MaxRoomTokenTTL + time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := s.IssueRoomToken(tt.grant)
			if !errors.Is(err, ErrBadGrant) || tok != "" {
				t.Errorf("got %q, %v; want no token, ErrBadGrant", tok, err)
			}
		})
	}
}

func TestIssueRoomTokenUsesTheServersKey(t *testing.T) {
	e := newEnv(t)
	g := RoomGrant{Room: "demo", Identity: "bot", CanSubscribe: true}

	tok, err := IssueRoomToken(Config{DataDir: e.dir, Logger: testLogger(t)}, g)
	if err != nil {
		t.Fatalf("IssueRoomToken from the data directory: %v", err)
	}
	if _, err := e.svc.VerifyRoom(tok); err != nil {
		t.Errorf("server verifies it: got %v, want nil", err)
	}

	secret := strings.Repeat("s", MinSecretLen)
	tok, err = IssueRoomToken(Config{Secret: secret}, g)
	if err != nil {
		t.Fatalf("IssueRoomToken from a secret: %v", err)
	}
	if _, err := e.svc.VerifyRoom(tok); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("server with another key: got %v, want ErrTokenInvalid", err)
	}
	if _, err := IssueRoomToken(Config{Secret: "short"}, g); !errors.Is(err, ErrWeakSecret) {
		t.Errorf("short secret: got %v, want ErrWeakSecret", err)
	}
}

func TestIssueRoomTokenNeverCreatesAKey(t *testing.T) {
	dir := t.TempDir()
	_, err := IssueRoomToken(Config{DataDir: dir, Logger: testLogger(t)},
		RoomGrant{Room: "demo", Identity: "bot"})
	if !errors.Is(err, ErrNoKey) {
		t.Errorf("got %v, want ErrNoKey", err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("key file: got %v, want none created", err)
	}
}
