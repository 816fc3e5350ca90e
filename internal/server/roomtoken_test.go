package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/server"
	"github.com/confab/confab/internal/servertest"
	"github.com/gorilla/websocket"
)

// roomToken signs a room token as `confab token` does, with the key in dir.
func roomToken(t *testing.T, dir string, g auth.RoomGrant) string {
	t.Helper()
	tok, err := auth.IssueRoomToken(auth.Config{DataDir: dir}, g)
	if err != nil {
		t.Fatalf("IssueRoomToken: %v", err)
	}
	return tok
}

func TestRoomTokenJoinsOnlyItsRoom(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartIn(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok := roomToken(t, dir, auth.RoomGrant{Room: "a", Identity: "Guest One",
		CanPublish: true, CanSubscribe: true})

	tests := []struct {
		name, room string
		wantJoin   bool
	}{
		{"its room", "a", true},
		{"another room", "b", false},
		{"the same name in other case", "A", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: tok, Room: tt.room})
			if tt.wantJoin {
				if err != nil {
					t.Fatalf("join: %v", err)
				}
				defer c.Close()
				if !strings.HasPrefix(c.Self.UserID, "guest:Guest One:") ||
					c.Self.Name != "Guest One" {
					t.Errorf("got %+v, want user guest:Guest One:<tag> named Guest One",
						c.Self)
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("join: got in, want refused")
			}
			ce, ok := client.CloseError(err)
			if !ok || ce.Code != websocket.ClosePolicyViolation ||
				ce.Text != "token not valid for this room" {
				t.Errorf("got %v, want close 1008 %q", err, "token not valid for this room")
			}
		})
	}
}

func TestRoomTokenRefusedByTheAPI(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartIn(t, dir)
	tok := roomToken(t, dir, auth.RoomGrant{Room: "a", Identity: "bot",
		CanPublish: true, CanSubscribe: true})

	req, err := http.NewRequest("GET", srv.URL+"/api/users/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("room token on /api/users/me: got %d, want 401", resp.StatusCode)
	}
}

func TestRoomTokenWithoutPublishSendsNoMedia(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartIn(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pubCtx, stopPublishing := context.WithCancel(ctx)
	var pubs sync.WaitGroup
	defer func() {
		stopPublishing()
		pubs.Wait()
	}()

	host := srv.Register(t, "host")
	hostRecv := newReceiver()
	hc, err := client.Join(ctx, client.Config{URL: srv.URL, Token: host.AccessToken,
		Room: "a", OnTrack: hostRecv.onTrack})
	if err != nil {
		t.Fatalf("host joins: %v", err)
	}
	defer hc.Close()

	// The guest without publish grant joins first and sends all along...
	mute := newPublisher(t, "mute")
	muteRecv := newReceiver()
	mc, err := client.Join(ctx, client.Config{URL: srv.URL, Room: "a",
		Token: roomToken(t, dir, auth.RoomGrant{Room: "a", Identity: "mute",
			CanPublish: false, CanSubscribe: true}),
		Tracks: mute.locals(), OnTrack: muteRecv.onTrack})
	if err != nil {
		t.Fatalf("guest without publish joins: %v", err)
	}
	defer mc.Close()
	pubs.Add(1)
	go mute.run(pubCtx, &pubs)

	// ...and a guest with the grant joins after, as the control.
	loud := newPublisher(t, "loud")
	lc, err := client.Join(ctx, client.Config{URL: srv.URL, Room: "a",
		Token: roomToken(t, dir, auth.RoomGrant{Room: "a", Identity: "loud",
			CanPublish: true, CanSubscribe: true}),
		Tracks: loud.locals()})
	if err != nil {
		t.Fatalf("guest with publish joins: %v", err)
	}
	defer lc.Close()
	pubs.Add(1)
	go loud.run(pubCtx, &pubs)

	flowing := func(id string) func(map[string]*received) bool {
		return func(got map[string]*received) bool {
			a, v := got[id+"/audio"], got[id+"/video"]
			return a != nil && v != nil && a.packets >= 20 && v.packets >= 20
		}
	}
	if err := hostRecv.waitFor(ctx, flowing(lc.Self.ID)); err != nil {
		t.Fatalf("host: the publishing guest's media: %v; got %s", err, describe(hostRecv))
	}
	if err := muteRecv.waitFor(ctx, flowing(lc.Self.ID)); err != nil {
		t.Fatalf("guest without publish still receives: %v; got %s", err, describe(muteRecv))
	}

	hostRecv.mu.Lock()
	defer hostRecv.mu.Unlock()
	for key, rec := range hostRecv.tracks {
		if rec.streamID == mc.Self.ID {
			t.Errorf("host got track %s with %d packets from the guest without publish",
				key, rec.packets)
		}
	}
	if len(hostRecv.tracks) != 2 {
		t.Errorf("host got tracks %v, want only the publishing guest's two",
			describeLocked(hostRecv))
	}
}

func describeLocked(r *receiver) []string {
	var keys []string
	for k := range r.tracks {
		keys = append(keys, k)
	}
	return keys
}

func TestWebSocketChecksOrigin(t *testing.T) {
	srv := servertest.StartWith(t, server.Config{DataDir: t.TempDir(),
		Logger: servertest.Logger(t), AllowedOrigins: []string{"https://app.example.com"}})
	acct := srv.Register(t, "ada")
	self := srv.URL

	tests := []struct {
		name, origin, token string
		want                int
	}{
		{"no origin", "", acct.AccessToken, http.StatusSwitchingProtocols},
		{"same origin", self, acct.AccessToken, http.StatusSwitchingProtocols},
		{"listed", "https://app.example.com", acct.AccessToken,
			http.StatusSwitchingProtocols},
		{"unlisted", "https://evil.example", acct.AccessToken, http.StatusForbidden},
		{"unlisted, without token", "https://evil.example", "", http.StatusForbidden},
		{"listed, without token", "https://app.example.com", "", http.StatusUnauthorized},
		{"opaque origin", "null", acct.AccessToken, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws?access_token=" + tt.token
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			conn, resp, err := websocket.DefaultDialer.Dial(u, h)
			if conn != nil {
				conn.Close()
			}
			if resp == nil {
				t.Fatalf("dial: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("got %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestTokensStayOutOfLogs(t *testing.T) {
	var logs syncBuffer
	dir := t.TempDir()
	srv := servertest.StartWith(t, server.Config{DataDir: dir,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
			Level: slog.LevelDebug}))})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	acct := srv.Register(t, "ada")
	guest := roomToken(t, dir, auth.RoomGrant{Room: "a", Identity: "bot", CanSubscribe: true})
	for _, tc := range []struct{ token, room string }{
		{acct.AccessToken, "a"}, {guest, "a"}, {guest, "b"},
	} {
		c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: tc.token, Room: tc.room})
		if err == nil {
			c.Close()
		}
	}
	resp, err := http.Get(srv.URL + "/ws?access_token=" + acct.AccessToken + "x")
	if err == nil {
		resp.Body.Close()
	}

	for name, secret := range map[string]string{"access token": acct.AccessToken,
		"refresh token": acct.RefreshToken, "room token": guest,
		"password": "correct horse battery"} {
		if logs.contains(secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
	// A part of a token would do as much harm: its signature.
	if sig := guest[strings.LastIndexByte(guest, '.')+1:]; logs.contains(sig) {
		t.Error("the log holds a room token's signature")
	}
}

// syncBuffer is a log destination that tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) contains(sub string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Contains(s.b.Bytes(), []byte(sub))
}
