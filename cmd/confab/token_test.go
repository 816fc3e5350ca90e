package main

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/store"
)

// startAuth opens the store and accounts of a server on dir, as serve does, which creates
// the signing key when dir has none.
func startAuth(t *testing.T, dir, secret string) *auth.Service {
	t.Helper()
	st, err := store.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc, err := auth.New(st, auth.Config{DataDir: dir, Secret: secret})
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	t.Cleanup(svc.Close)
	return svc
}

func TestTokenVerifiesWithTheServersKey(t *testing.T) {
	secret := strings.Repeat("k", auth.MinSecretLen)
	tests := []struct {
		name   string
		secret string // the server's --jwt-secret; empty means the key file
		args   []string
		env    map[string]string
		want   auth.Identity // its UserID without the token's tag
		ttl    time.Duration
	}{
		{"key file, defaults", "", []string{"--room", "demo", "--identity", "bot"}, nil,
			auth.Identity{UserID: "guest:bot", DisplayName: "bot", Room: "demo",
				CanPublish: true, CanSubscribe: true}, time.Hour},
		{"no publish", "", []string{"--room", "demo", "--identity", "viewer",
			"--can-publish=false", "--ttl", "10m"}, nil,
			auth.Identity{UserID: "guest:viewer", DisplayName: "viewer", Room: "demo",
				CanSubscribe: true}, 10 * time.Minute},
		{"no subscribe", "", []string{"--room", "r.1", "--identity", "recorder cam",
			"--can-subscribe=false"}, nil,
			auth.Identity{UserID: "guest:recorder cam", DisplayName: "recorder cam",
				Room: "r.1", CanPublish: true}, time.Hour},
		{"secret flag", secret, []string{"--jwt-secret", secret, "--room", "demo",
			"--identity", "bot"}, nil,
			auth.Identity{UserID: "guest:bot", DisplayName: "bot", Room: "demo",
				CanPublish: true, CanSubscribe: true}, time.Hour},
		{"secret from the environment", secret, []string{"--room", "demo",
			"--identity", "bot"}, map[string]string{"CONFAB_JWT_SECRET": secret},
			auth.Identity{UserID: "guest:bot", DisplayName: "bot", Room: "demo",
				CanPublish: true, CanSubscribe: true}, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			svc := startAuth(t, dir, tt.secret)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}

			var out, errOut bytes.Buffer
			args := append([]string{"token", "--data-dir", dir}, tt.args...)
			if err := run(t.Context(), args, &out, &errOut); err != nil {
				t.Fatalf("run: %v (%s)", err, errOut.String())
			}
			tok := strings.TrimSpace(out.String())

			var claims jwt.RegisteredClaims
			if _, _, err := jwt.NewParser().ParseUnverified(tok, &claims); err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(claims.ID) < 8 {
				t.Fatalf("jti: got %q, want at least 8 characters", claims.ID)
			}
			want := tt.want
			want.UserID += ":" + claims.ID[:8] // each token's guest is its own

			r := httptest.NewRequest("GET", "/ws", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			id, err := svc.Authenticate(r)
			if err != nil || id != want {
				t.Errorf("Authenticate: got %+v, %v; want %+v, nil", id, err, want)
			}
			if _, err := svc.VerifyAccess(tok); !errors.Is(err, auth.ErrTokenInvalid) {
				t.Errorf("as an access token: got %v, want ErrTokenInvalid", err)
			}
			if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got != tt.ttl {
				t.Errorf("lifetime: got %v, want %v", got, tt.ttl)
			}
		})
	}
}

func TestTokenRefusesBadRequests(t *testing.T) {
	withKey := t.TempDir()
	startAuth(t, withKey, "")
	tests := []struct {
		name string
		dir  string // "" means an empty directory
		args []string
		want error  // matched with errors.Is when set
		text string // else, a part of the message
	}{
		{"no room", withKey, []string{"--identity", "bot"}, nil, "--room and --identity"},
		{"no identity", withKey, []string{"--room", "demo"}, nil, "--room and --identity"},
		{"bad room", withKey, []string{"--room", "no spaces", "--identity", "bot"}, nil,
			"bad room name"},
		{"long lifetime", withKey, []string{"--room", "demo", "--identity", "bot",
			"--ttl", "200h"}, auth.ErrBadGrant, ""},
		{"no key yet", "", []string{"--room", "demo", "--identity", "bot"},
			auth.ErrNoKey, ""},
		{"short secret", withKey, []string{"--room", "demo", "--identity", "bot",
			"--jwt-secret", "short"}, auth.ErrWeakSecret, ""},
		{"stray argument", withKey, []string{"--room", "demo", "--identity", "bot",
			"extra"}, nil, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir
			if dir == "" {
				dir = t.TempDir()
			}
			var out, errOut bytes.Buffer
			args := append([]string{"token", "--data-dir", dir}, tt.args...)
			err := run(context.Background(), args, &out, &errOut)
			switch {
			case err == nil:
				t.Fatalf("got token %q, want an error", out.String())
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("got %v, want %v", err, tt.want)
			case tt.want == nil && !strings.Contains(err.Error(), tt.text):
				t.Errorf("got %v, want it to mention %q", err, tt.text)
			}
			if out.Len() != 0 {
				t.Errorf("stdout: got %q, want nothing", out.String())
			}
		})
	}
}

func TestTokenIgnoresUnrelatedEnvironment(t *testing.T) {
	dir := t.TempDir()
	svc := startAuth(t, dir, "")
	t.Setenv("CONFAB_DATA_DIR", dir)
	t.Setenv("CONFAB_ROOM", "elsewhere")
	t.Setenv("CONFAB_TTL", "100h")

	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"token", "--room", "demo", "--identity", "bot"},
		&out, &errOut)
	if err != nil {
		t.Fatalf("run: %v (%s)", err, errOut.String())
	}
	id, err := svc.VerifyRoom(strings.TrimSpace(out.String()))
	if err != nil || id.Room != "demo" {
		t.Errorf("got room %q, %v; want demo, nil", id.Room, err)
	}
}

func TestAuthSettingsStopTheStart(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"wildcard origin", []string{"--allowed-origins", "*"}, nil, "no wildcard"},
		{"origin with a path", []string{"--allowed-origins", "https://a.example/x"}, nil,
			"scheme://host"},
		{"origin from the environment", nil,
			map[string]string{"CONFAB_ALLOWED_ORIGINS": "https://a.example, *"},
			"CONFAB_ALLOWED_ORIGINS"},
		{"zero access lifetime", []string{"--access-ttl", "0s"}, nil, "--access-ttl"},
		{"refresh shorter than access", []string{"--access-ttl", "2h", "--refresh-ttl", "1h"},
			nil, "the refresh one longer"},
		{"lifetime from the environment", nil,
			map[string]string{"CONFAB_REFRESH_TTL": "1m"}, "CONFAB_REFRESH_TTL=1m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			args := append([]string{"serve", "--data-dir", t.TempDir()}, tt.args...)
			err := run(context.Background(), args, &out, &out)
			if err == nil {
				t.Fatal("got no error, want the start refused")
			}
			if msg := err.Error() + out.String(); !strings.Contains(msg, tt.want) {
				t.Errorf("got %q, want it to mention %q", msg, tt.want)
			}
		})
	}
}
