package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/confab/confab/internal/servertest"
)

func TestDirectMessageReachesEveryDeviceOnce(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ada, bob := srv.Register(t, "ada"), srv.Register(t, "bob")
	ada1, ada2 := lobbyPeer(ctx, t, srv, ada), lobbyPeer(ctx, t, srv, ada)
	bob1, bob2 := lobbyPeer(ctx, t, srv, bob), lobbyPeer(ctx, t, srv, bob)
	devices := []*peer{ada1, ada2, bob1, bob2}

	// From the lobby, then from a room's channel: each reaches all four lobby devices.
	adaInRoom := roomPeer(ctx, t, srv, ada, "demo")
	sends := []struct {
		from *peer
		to   string
		text string
	}{
		{ada1, bob.User.ID, "hello bob"},
		{bob2, ada.User.ID, "hello ada"},
		{adaInRoom, bob.User.ID, "from the meeting"},
	}
	for i, s := range sends {
		s.from.send(t, dm(s.to, s.text, ""))
		var id int64
		for _, d := range devices {
			m := d.next(ctx, t, "dm")
			if m.Text != s.text || m.Read || m.Time.IsZero() {
				t.Errorf("send %d: %s got %+v, want %q unread", i, d.name, m, s.text)
			}
			if id == 0 {
				id = m.ID
			} else if m.ID != id {
				t.Errorf("send %d: %s got id %d, want %d", i, d.name, m.ID, id)
			}
		}
	}
}

func TestDirectMessageWaitsForOfflineRecipient(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ada, bob := srv.Register(t, "ada"), srv.Register(t, "bob")
	adaLobby := lobbyPeer(ctx, t, srv, ada)

	adaLobby.send(t, dm(bob.User.ID, "are you there?", "q-1"))
	sent := adaLobby.next(ctx, t, "dm")
	if sent.Text != "are you there?" || sent.ClientID != "q-1" || sent.Read {
		t.Fatalf("ada's acknowledgement: got %+v", sent)
	}

	// Bob signs in: the message waits for him, unread.
	bob1 := lobbyPeer(ctx, t, srv, bob)
	got := bob1.next(ctx, t, "dm")
	if got.ID != sent.ID || got.Text != sent.Text || got.Read || got.From.UserID != ada.User.ID {
		t.Fatalf("bob at sign-in: got %+v, want ada's unread message %d", got, sent.ID)
	}
	bob1.send(t, map[string]any{"type": "read", "with": ada.User.ID, "upTo": got.ID})
	if r := bob1.next(ctx, t, "read"); r.With != ada.User.ID || r.UpTo != got.ID {
		t.Errorf("read confirmation: got %+v", r)
	}

	// Read now: a second device of bob's does not receive it again; the next one it gets is
	// the next message.
	bob2 := lobbyPeer(ctx, t, srv, bob)
	adaLobby.send(t, dm(bob.User.ID, "second", ""))
	if m := bob2.next(ctx, t, "dm"); m.Text != "second" {
		t.Errorf("bob's second device: got %q, want %q", m.Text, "second")
	}

	msgs := apiMessages(t, srv, bob.AccessToken, "/api/messages/"+ada.User.ID)
	if len(msgs) != 2 || !msgs[0].Read || msgs[1].Read || msgs[1].Text != "second" {
		t.Errorf("history with ada: got %+v, want the first read, the second unread", msgs)
	}
}
