package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
)

// peer is one test connection, to the lobby or a room, with everything its data channel
// received.
type peer struct {
	*client.Client
	in   *inbox
	name string
}

// lobbyPeer opens a lobby connection for a and waits for its channel to open.
func lobbyPeer(ctx context.Context, t *testing.T, srv *servertest.Server,
	a servertest.Account,
) *peer {
	t.Helper()
	in := newInbox()
	c, err := client.Connect(ctx, client.Config{URL: srv.URL, Token: a.AccessToken,
		OnMessage: in.add})
	if err != nil {
		t.Fatalf("%s connects to the lobby: %v", a.User.Username, err)
	}
	t.Cleanup(c.Close)
	waitOpen(ctx, t, c)
	return &peer{Client: c, in: in, name: a.User.Username}
}

// roomPeer joins a room for a, without media, and waits for its channel to open.
func roomPeer(ctx context.Context, t *testing.T, srv *servertest.Server, a servertest.Account,
	room string,
) *peer {
	t.Helper()
	in := newInbox()
	c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: a.AccessToken, Room: room,
		OnMessage: in.add})
	if err != nil {
		t.Fatalf("%s joins %s: %v", a.User.Username, room, err)
	}
	t.Cleanup(c.Close)
	waitOpen(ctx, t, c)
	return &peer{Client: c, in: in, name: a.User.Username}
}

// send sends v, encoded as JSON, on the data channel.
func (p *peer) send(t *testing.T, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SendChat(b); err != nil {
		t.Fatalf("%s sends: %v", p.name, err)
	}
}

// next returns the next message of the given type, skipping others.
func (p *peer) next(ctx context.Context, t *testing.T, typ string) chatMsg {
	t.Helper()
	return p.in.next(ctx, t, func(m chatMsg) bool { return m.Type == typ })
}

// nextUser returns the next lobby update about the user with the given id.
func (p *peer) nextUser(ctx context.Context, t *testing.T, id string) userMsg {
	t.Helper()
	return p.in.next(ctx, t, func(m chatMsg) bool {
		return m.Type == "user" && m.User.ID == id
	}).User
}

func dm(to, text, clientID string) map[string]any {
	return map[string]any{"type": "dm", "to": to, "text": text, "clientId": clientID}
}

func say(text, clientID string) map[string]any {
	return map[string]any{"type": "chat", "text": text, "clientId": clientID}
}

// apiGet requests path with a's access token and returns the status and body.
func apiGet(t *testing.T, srv *servertest.Server, token, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, b
}

// apiMessages requests a history endpoint and decodes its messages.
func apiMessages(t *testing.T, srv *servertest.Server, token, path string) []chatMsg {
	t.Helper()
	code, b := apiGet(t, srv, token, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: got %d %s, want 200", path, code, b)
	}
	var body struct{ Messages []chatMsg }
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return body.Messages
}
