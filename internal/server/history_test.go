package server_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/store"
)

func TestHistorySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	first := servertest.StartIn(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ada, bob := first.Register(t, "ada"), first.Register(t, "bob")

	adaRoom := roomPeer(ctx, t, first, ada, "demo")
	for _, text := range []string{"one", "two"} {
		adaRoom.send(t, say(text, ""))
		adaRoom.next(ctx, t, "chat")
	}
	adaLobby := lobbyPeer(ctx, t, first, ada)
	adaLobby.send(t, dm(bob.User.ID, "see you later", "d-1"))
	adaLobby.next(ctx, t, "dm")
	adaRoom.Close()
	adaLobby.Close()
	if err := first.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	second := servertest.StartIn(t, dir)
	bobLobby := lobbyPeer(ctx, t, second, bob)
	if m := bobLobby.next(ctx, t, "dm"); m.Text != "see you later" || m.Read {
		t.Errorf("bob's unread message after the restart: got %+v", m)
	}
	bobRoom := roomPeer(ctx, t, second, bob, "demo")
	for i, want := range []string{"one", "two"} {
		if m := bobRoom.next(ctx, t, "chat"); m.Text != want || m.ID != int64(i+1) {
			t.Errorf("history %d: got %d %q, want %d %q", i, m.ID, m.Text, i+1, want)
		}
	}
	// Ids go on from where they were.
	bobRoom.send(t, say("three", ""))
	if m := bobRoom.next(ctx, t, "chat"); m.ID != 3 {
		t.Errorf("the first message after the restart: got id %d, want 3", m.ID)
	}
	if msgs := apiMessages(t, second, ada.AccessToken, "/api/rooms/demo/messages"); len(msgs) != 3 {
		t.Errorf("GET room messages after the restart: got %d, want 3", len(msgs))
	}
}

func TestNewcomerGetsTheLastFiftyMessages(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for seq := int64(1); seq <= 60; seq++ {
		if _, err := st.AddRoomMessage(context.Background(), store.Message{Room: "busy",
			Seq: seq, SenderID: "u_someone", SenderName: "Someone",
			Text: fmt.Sprint(seq)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	srv := servertest.StartIn(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := roomPeer(ctx, t, srv, srv.Register(t, "newcomer"), "busy")
	for want := int64(11); want <= 60; want++ {
		if m := p.next(ctx, t, "chat"); m.ID != want || !m.History {
			t.Fatalf("history: got id %d (history %v), want %d", m.ID, m.History, want)
		}
	}
	p.send(t, say("hello", ""))
	if m := p.next(ctx, t, "chat"); m.ID != 61 || m.Text != "hello" {
		t.Errorf("after the history: got %d %q, want 61 hello", m.ID, m.Text)
	}
}

func TestRoomHistoryAPI(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ada, stranger := srv.Register(t, "ada"), srv.Register(t, "stranger")
	p := roomPeer(ctx, t, srv, ada, "demo")
	for i := range 3 {
		p.send(t, say(fmt.Sprint(i), ""))
		p.next(ctx, t, "chat")
	}
	p.Leave() // having been in the room is enough

	page := apiMessages(t, srv, ada.AccessToken, "/api/rooms/demo/messages?before=3&limit=1")
	if len(page) != 1 || page[0].ID != 2 || page[0].Text != "1" {
		t.Errorf("page before 3: got %+v, want message 2", page)
	}
	cases := []struct {
		name, token, path string
		want              int
	}{
		{"member", ada.AccessToken, "/api/rooms/demo/messages", http.StatusOK},
		{"never in the room", stranger.AccessToken, "/api/rooms/demo/messages",
			http.StatusForbidden},
		{"no token", "", "/api/rooms/demo/messages", http.StatusUnauthorized},
		{"limit too large", ada.AccessToken, "/api/rooms/demo/messages?limit=101",
			http.StatusBadRequest},
		{"before not a number", ada.AccessToken, "/api/rooms/demo/messages?before=x",
			http.StatusBadRequest},
		{"direct with nobody", ada.AccessToken, "/api/messages/u_0", http.StatusNotFound},
		{"direct with a user", ada.AccessToken, "/api/messages/" + stranger.User.ID,
			http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := apiGet(t, srv, tc.token, tc.path); code != tc.want {
				t.Errorf("GET %s: got %d %s, want %d", tc.path, code, body, tc.want)
			}
		})
	}
}
