package server_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/internal/servertest"
)

func TestConcurrentSendersSeeOneOrder(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var peers []*peer
	for _, name := range []string{"ada", "bob", "carol"} {
		peers = append(peers, roomPeer(ctx, t, srv, srv.Register(t, name), "demo"))
	}
	for _, p := range peers {
		p.next(ctx, t, "roster")
	}

	const each = 10 // within the burst, so no message is refused
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Go(func() {
			for i := range each {
				if err := p.SendChat(fmt.Appendf(nil,
					`{"type":"chat","text":"%s %d"}`, p.name, i)); err != nil {
					t.Errorf("%s sends: %v", p.name, err)
				}
			}
		})
	}
	wg.Wait()

	var orders [][]string
	for _, p := range peers {
		var order []string
		for i := range len(peers) * each {
			m := p.next(ctx, t, "chat")
			if m.ID != int64(i+1) {
				t.Errorf("%s: message %d has id %d, want %d", p.name, i, m.ID, i+1)
			}
			order = append(order, m.Text)
		}
		orders = append(orders, order)
	}
	for i := 1; i < len(orders); i++ {
		if !slices.Equal(orders[i], orders[0]) {
			t.Errorf("%s saw\n%q\n%s saw\n%q", peers[i].name, orders[i], peers[0].name, orders[0])
		}
	}
}

func TestNewcomerGetsHistoryBeforeNewMessages(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ada := roomPeer(ctx, t, srv, srv.Register(t, "ada"), "demo")
	for i := range 3 {
		ada.send(t, say(fmt.Sprintf("before %d", i), ""))
		ada.next(ctx, t, "chat")
	}

	bob := roomPeer(ctx, t, srv, srv.Register(t, "bob"), "demo")
	if m := bob.in.next(ctx, t, func(chatMsg) bool { return true }); m.Type != "roster" {
		t.Errorf("bob's first message: got %q, want the roster", m.Type)
	}
	for i := range 3 {
		m := bob.next(ctx, t, "chat")
		if m.Text != fmt.Sprintf("before %d", i) || !m.History || m.ID != int64(i+1) {
			t.Errorf("history %d: got %+v", i, m)
		}
	}
	ada.send(t, say("after", ""))
	if m := bob.next(ctx, t, "chat"); m.Text != "after" || m.History || m.ID != 4 {
		t.Errorf("after the history: got %+v, want the new message, id 4", m)
	}
}

func TestPrivateMessageSeenOnlyByItsRecipients(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bobAcct := srv.Register(t, "bob")
	ada := roomPeer(ctx, t, srv, srv.Register(t, "ada"), "demo")
	bob := roomPeer(ctx, t, srv, bobAcct, "demo")
	carol := roomPeer(ctx, t, srv, srv.Register(t, "carol"), "demo")

	ada.send(t, map[string]any{"type": "chat", "text": "psst", "to": []string{bob.Self.ID}})
	for _, p := range []*peer{ada, bob} {
		if m := p.next(ctx, t, "chat"); m.Text != "psst" || !m.Private {
			t.Errorf("%s: got %+v, want the private message", p.name, m)
		}
	}
	// One order: had carol received the private message, it would come before this one.
	ada.send(t, say("hello all", ""))
	if m := carol.next(ctx, t, "chat"); m.Text != "hello all" {
		t.Errorf("carol: got %q, want %q", m.Text, "hello all")
	}

	// History keeps the secret too, and gives bob, back on another device, his own.
	for _, tc := range []struct {
		p    *peer
		want []string
	}{
		{roomPeer(ctx, t, srv, srv.Register(t, "dan"), "demo"), []string{"hello all"}},
		{roomPeer(ctx, t, srv, bobAcct, "demo"), []string{"psst", "hello all"}},
	} {
		var got []string
		for range tc.want {
			got = append(got, tc.p.next(ctx, t, "chat").Text)
		}
		tc.p.send(t, say("end of history", ""))
		if m := tc.p.next(ctx, t, "chat"); m.Text != "end of history" {
			got = append(got, m.Text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s's history: got %q, want %q", tc.p.name, got, tc.want)
		}
	}
}

func TestResendWithSameClientIDIsStoredOnce(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adaAcct, bobAcct := srv.Register(t, "ada"), srv.Register(t, "bob")
	ada := roomPeer(ctx, t, srv, adaAcct, "demo")
	bob := roomPeer(ctx, t, srv, bobAcct, "demo")

	ada.send(t, say("only once", "c-1"))
	first := ada.next(ctx, t, "chat")
	bob.next(ctx, t, "chat")

	// Ada reconnects and sends the message again, not knowing it arrived.
	ada.Close()
	again := roomPeer(ctx, t, srv, adaAcct, "demo")
	again.next(ctx, t, "chat") // the history
	again.send(t, say("only once", "c-1"))
	ack := again.next(ctx, t, "chat")
	if ack.ID != first.ID || !ack.Time.Equal(first.Time) || ack.ClientID != "c-1" {
		t.Errorf("resend answered with %+v, want the original %+v", ack, first)
	}
	again.send(t, say("next", "c-2"))
	if m := bob.next(ctx, t, "chat"); m.Text != "next" || m.ID != first.ID+1 {
		t.Errorf("bob after the resend: got %+v, want the next message", m)
	}
	msgs := apiMessages(t, srv, bobAcct.AccessToken, "/api/rooms/demo/messages")
	if len(msgs) != 2 {
		t.Errorf("stored: got %d messages, want 2", len(msgs))
	}

	// The same holds for direct messages.
	adaLobby := lobbyPeer(ctx, t, srv, adaAcct)
	bobLobby := lobbyPeer(ctx, t, srv, bobAcct)
	adaLobby.send(t, dm(bobAcct.User.ID, "hi", "d-1"))
	sent := adaLobby.next(ctx, t, "dm")
	adaLobby.send(t, dm(bobAcct.User.ID, "hi", "d-1"))
	if m := adaLobby.next(ctx, t, "dm"); m.ID != sent.ID {
		t.Errorf("direct resend answered with id %d, want %d", m.ID, sent.ID)
	}
	adaLobby.send(t, dm(bobAcct.User.ID, "bye", "d-2"))
	for _, want := range []string{"hi", "bye"} {
		if m := bobLobby.next(ctx, t, "dm"); m.Text != want {
			t.Errorf("bob: got %q, want %q", m.Text, want)
		}
	}
}
