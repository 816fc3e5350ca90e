package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/sfu"
	"github.com/confab/confab/signaling"
	"github.com/gorilla/websocket"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// validOffer makes a real offer with a data channel, as a client's publisher connection.
func validOffer(t *testing.T) (*webrtc.PeerConnection, string) {
	t.Helper()
	api, err := client.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.CreateDataChannel("chat", nil); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	return pc, pc.LocalDescription().SDP
}

// TestRefusedOfferLeavesTheConnectionUsable sends offers that parse but cannot be applied,
// then a real one: the real one is answered.
func TestRefusedOfferLeavesTheConnectionUsable(t *testing.T) {
	srv := servertest.Start(t)
	conn := dialWS(t, srv, srv.Register(t, "retrier").AccessToken)
	send := func(m signaling.Message) signaling.Message {
		t.Helper()
		if err := conn.WriteJSON(m); err != nil {
			t.Fatal(err)
		}
		return readMessage(t, conn)
	}
	if m := send(signaling.Message{Type: "join", Room: "demo"}); m.Type != "joined" {
		t.Fatalf("join: got %+v", m)
	}
	first, real := validOffer(t)
	first.Close()
	noUfrag := strings.ReplaceAll(real, "a=ice-ufrag:", "a=x-removed:")
	for name, sdp := range map[string]string{
		"empty": "", "header only": "v=0\r\n", "no ice-ufrag": noUfrag,
	} {
		if m := send(signaling.Message{Type: "offer", SDP: sdp}); m.Code != signaling.CodeBadSDP {
			t.Errorf("%s offer: got %+v, want bad_sdp", name, m)
		}
	}
	pc, sdp := validOffer(t)
	defer pc.Close()
	if m := send(signaling.Message{Type: "offer", SDP: sdp}); m.Type != "answer" || m.SDP == "" {
		t.Fatalf("a valid offer after refused ones: got %+v, want an answer", m)
	}
}

// TestClosedConnectionsRemoveTheParticipant closes a client's peer connections while its
// WebSocket stays open: the server removes it and closes the WebSocket.
func TestClosedConnectionsRemoveTheParticipant(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	watcher := newInbox()
	w, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "watcher").AccessToken, Room: "demo", OnMessage: watcher.add})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	waitOpen(ctx, t, w)

	c, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "dropper").AccessToken, Room: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitOpen(ctx, t, c)
	watcher.next(ctx, t, func(m chatMsg) bool {
		return m.Type == "join" && m.Participant.ID == c.Self.ID
	})
	c.CloseMedia()

	m := watcher.next(ctx, t, func(m chatMsg) bool {
		return m.Type == "leave" && m.Participant.ID == c.Self.ID
	})
	if m.Participant.ID != c.Self.ID {
		t.Fatalf("got %+v", m)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("the WebSocket of a participant without connections stayed open")
	}
	if ce, ok := client.CloseError(c.Err()); !ok || ce.Code != websocket.CloseGoingAway {
		t.Errorf("closed with %v, want 1001", c.Err())
	}
}

// TestPublishedTracksAreBounded publishes more tracks than allowed: once the server has seen
// them all, the other participant has received MaxPublishedTracks of them.
func TestPublishedTracksAreBounded(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var received atomic.Int32
	viewer, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "viewer").AccessToken, Room: "demo",
		OnTrack: func(*webrtc.TrackRemote, *webrtc.RTPReceiver) { received.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer viewer.Close()

	var tracks []webrtc.TrackLocal
	var locals []*webrtc.TrackLocalStaticRTP
	for i := range sfu.MaxPublishedTracks + 2 {
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
			fmt.Sprintf("audio%d", i), "greedy")
		if err != nil {
			t.Fatal(err)
		}
		tracks = append(tracks, tr)
		locals = append(locals, tr)
	}
	greedy, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "greedy").AccessToken, Room: "demo", Tracks: tracks})
	if err != nil {
		t.Fatal(err)
	}
	defer greedy.Close()

	// Send on every track until the server has accepted or refused each of them.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for seq := uint16(1); ; seq++ {
		m := scrape(t, srv.URL)
		seen := m[`confab_tracks_published{kind="audio"}`] +
			m[`confab_tracks_refused_total{reason="too_many"}`]
		if int(seen) == len(tracks) && int(received.Load()) >= sfu.MaxPublishedTracks {
			break
		}
		for _, l := range locals {
			_ = l.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq},
				Payload: []byte{1, 2, 3}})
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("the server never saw all %d tracks: %v", len(tracks), m)
		}
	}
	if n := int(received.Load()); n != sfu.MaxPublishedTracks {
		t.Errorf("viewer receives %d tracks from one participant, want %d",
			n, sfu.MaxPublishedTracks)
	}
}

// TestMediaOnlyForParticipantsInTheRoster joins over a raw WebSocket that never opens the
// chat channel: the server never offers it the room's media, since nobody sees it in the
// roster. A participant who does open the channel, joining later, gets its offer.
func TestMediaOnlyForParticipantsInTheRoster(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	pub := newPublisher(t, "visible")
	var pubs sync.WaitGroup
	pubCtx, stop := context.WithCancel(ctx)
	defer func() { stop(); pubs.Wait() }()
	c, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "visible").AccessToken, Room: "demo", Tracks: pub.locals()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pubs.Add(1)
	go pub.run(pubCtx, &pubs)

	ghost := dialWS(t, srv, srv.Register(t, "ghost").AccessToken)
	if err := ghost.WriteJSON(signaling.Message{Type: "join", Room: "demo"}); err != nil {
		t.Fatal(err)
	}
	if m := readMessage(t, ghost); m.Type != "joined" {
		t.Fatalf("ghost join: got %+v", m)
	}

	// A real participant joining after the ghost receives the publisher's tracks.
	recv := newReceiver()
	late, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "late").AccessToken, Room: "demo", OnTrack: recv.onTrack})
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	if err := recv.waitFor(ctx, func(got map[string]*received) bool {
		return len(got) == 2 && got[firstKey(got)].packets > 0
	}); err != nil {
		t.Fatalf("the participant in the roster got no media: %v", err)
	}

	// By then the ghost, which joined first, has been offered nothing.
	_ = ghost.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var m signaling.Message
	if err := ghost.ReadJSON(&m); err == nil {
		t.Errorf("a participant outside the roster got %q", m.Type)
	}
}

// TestSubscribeGrantIsEnforced joins with a room token that may not subscribe: it receives
// no track, while it stays in the room.
func TestSubscribeGrantIsEnforced(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartIn(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	pub := newPublisher(t, "speaker")
	var pubs sync.WaitGroup
	pubCtx, stop := context.WithCancel(ctx)
	defer func() { stop(); pubs.Wait() }()
	c, err := client.Join(ctx, client.Config{URL: srv.URL,
		Token: srv.Register(t, "speaker").AccessToken, Room: "a", Tracks: pub.locals()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pubs.Add(1)
	go pub.run(pubCtx, &pubs)

	var got atomic.Int32
	deaf, err := client.Join(ctx, client.Config{URL: srv.URL, Room: "a",
		Token:   roomToken(t, dir, auth.RoomGrant{Room: "a", Identity: "deaf", CanPublish: true}),
		OnTrack: func(*webrtc.TrackRemote, *webrtc.RTPReceiver) { got.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer deaf.Close()
	waitOpen(ctx, t, deaf)

	// A participant with the grant, joining after, receives the tracks: by then the one
	// without it would have too.
	recv := newReceiver()
	ok, err := client.Join(ctx, client.Config{URL: srv.URL, Room: "a",
		Token: srv.Register(t, "listener").AccessToken, OnTrack: recv.onTrack})
	if err != nil {
		t.Fatal(err)
	}
	defer ok.Close()
	if err := recv.waitFor(ctx, func(m map[string]*received) bool {
		return len(m) == 2 && m[firstKey(m)].packets > 0
	}); err != nil {
		t.Fatal(err)
	}
	if n := got.Load(); n != 0 {
		t.Errorf("a participant without the subscribe grant received %d tracks", n)
	}
}
