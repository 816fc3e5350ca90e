package sfu

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// Errors returned for a client's session descriptions and candidates.
var (
	// ErrBadSDP reports a session description that cannot be parsed or applied.
	ErrBadSDP = errors.New("sfu: bad session description")
	// ErrBadCandidate reports an ICE candidate that cannot be added.
	ErrBadCandidate = errors.New("sfu: bad ICE candidate")
	// ErrNoOffer reports an answer when the server has no offer outstanding.
	ErrNoOffer = errors.New("sfu: no offer outstanding")
	// ErrStuck reports a connection left unusable by a description it could not apply; the
	// client must join again.
	ErrStuck = errors.New("sfu: connection cannot negotiate any more")
)

// MaxPublishedTracks bounds what one participant may publish: a camera and a microphone,
// and a screen share with its sound.
const MaxPublishedTracks = 4

// Target names one of a participant's two connections.
type Target string

// The two connections of a participant.
const (
	Publisher  Target = "publisher"
	Subscriber Target = "subscriber"
)

// Info is who a participant is, as the rest of the room sees it.
type Info struct {
	UserID string
	Name   string
	// CanPublish allows the participant to send media. A participant without it can still
	// receive and use its data channel.
	CanPublish bool
	// CanSubscribe allows the participant to receive media. A participant without it can
	// still publish and use its data channel.
	CanSubscribe bool
}

// Events are how a participant reaches its caller. They are called from Pion's goroutines
// and must not block.
type Events struct {
	// Offer carries a new offer on the subscriber connection, to send to the client.
	Offer func(webrtc.SessionDescription)
	// DataChannel hands over a data channel the client opened.
	DataChannel func(*webrtc.DataChannel)
	// Closed reports that a connection failed and the participant left the room.
	Closed func(reason string)
}

// Participant is one client in a room: its two connections, the tracks it publishes and the
// down tracks it receives.
type Participant struct {
	// ID identifies the participant within the server; it is also the stream id of every
	// track it publishes, as others receive them.
	ID   string
	Info Info

	sfu    *SFU
	room   *Room
	log    *slog.Logger
	events Events
	pub    *webrtc.PeerConnection
	sub    *webrtc.PeerConnection

	negMu            sync.Mutex // guards the subscriber connection's negotiation
	started          bool
	offerOutstanding bool
	renegotiate      bool

	mu            sync.Mutex // guards the fields below
	closed        bool
	published     []*publishedTrack
	subscriptions map[*publishedTrack]*downTrack

	joinedAt  time.Time
	connected sync.Once // reports the join time once
	closeOnce sync.Once
	wg        sync.WaitGroup // forwarders and RTCP readers
}

func newParticipant(s *SFU, info Info, ev Events) (*Participant, error) {
	p := &Participant{
		ID:            newID("p"),
		Info:          info,
		sfu:           s,
		events:        ev,
		subscriptions: make(map[*publishedTrack]*downTrack),
		joinedAt:      time.Now(),
	}
	p.log = s.log.With("participant", p.ID, "user", info.UserID)

	var err error
	if p.pub, err = s.api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return nil, fmt.Errorf("sfu: publisher connection: %w", err)
	}
	if p.sub, err = s.api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		_ = p.pub.Close()
		return nil, fmt.Errorf("sfu: subscriber connection: %w", err)
	}

	p.pub.OnTrack(p.onTrack)
	p.pub.OnDataChannel(func(dc *webrtc.DataChannel) {
		if p.events.DataChannel != nil {
			p.events.DataChannel(dc)
		}
	})
	p.pub.OnConnectionStateChange(p.watch(Publisher))
	p.sub.OnConnectionStateChange(p.watch(Subscriber))
	return p, nil
}

func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// watch removes the participant when one of its connections fails.
func (p *Participant) watch(t Target) func(webrtc.PeerConnectionState) {
	return func(s webrtc.PeerConnectionState) {
		p.log.Debug("connection state", "target", t, "state", s)
		if s == webrtc.PeerConnectionStateClosed && !p.isClosed() {
			// The client closed the connection while its WebSocket stays: it is gone too.
			s = webrtc.PeerConnectionStateFailed
		}
		if s == webrtc.PeerConnectionStateConnected && t == Publisher {
			p.connected.Do(func() {
				p.sfu.metrics.JoinSeconds.Observe(time.Since(p.joinedAt).Seconds())
			})
		}
		if s != webrtc.PeerConnectionStateFailed {
			return
		}
		p.log.Info("connection failed or closed by the client", "target", t)
		// Close from another goroutine: Pion is still inside its own callback here.
		go func() {
			p.Close()
			if p.events.Closed != nil {
				p.events.Closed(string(t) + " connection failed")
			}
		}()
	}
}

func (p *Participant) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// onTrack starts forwarding a track the client publishes.
func (p *Participant) onTrack(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	log := p.log.With("track", remote.ID(), "kind", remote.Kind().String(),
		"codec", remote.Codec().MimeType)
	if !p.Info.CanPublish || p.room == nil {
		log.Info("track refused: no publish grant or no room")
		p.sfu.metrics.TracksRefused.WithLabelValues("no_grant").Inc()
		_ = recv.Stop()
		return
	}

	t := newPublishedTrack(p, remote)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	if len(p.published) >= MaxPublishedTracks {
		p.mu.Unlock()
		log.Warn("track refused: too many tracks", "max", MaxPublishedTracks)
		p.sfu.metrics.TracksRefused.WithLabelValues("too_many").Inc()
		_ = recv.Stop()
		return
	}
	p.published = append(p.published, t)
	p.wg.Add(2)
	p.mu.Unlock()

	log.Info("track published")
	go func() {
		defer p.wg.Done()
		t.forward()
	}()
	go func() {
		defer p.wg.Done()
		readReceiverRTCP(recv)
	}()
	// Before Start, Start publishes the track.
	if p.isStarted() {
		p.room.publish(t)
	}
}

// readReceiverRTCP drains the RTCP a publisher sends, so the interceptors see its sender
// reports. It returns when the receiver stops.
func readReceiverRTCP(recv *webrtc.RTPReceiver) {
	for {
		if _, _, err := recv.ReadRTCP(); err != nil {
			return
		}
	}
}

func (p *Participant) publishedTracks() []*publishedTrack {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*publishedTrack, len(p.published))
	copy(out, p.published)
	return out
}

// subscribe adds a down track of t to the subscriber connection. It reports whether
// anything changed, that is whether the connection needs a new offer.
func (p *Participant) subscribe(t *publishedTrack) bool {
	if !p.Info.CanSubscribe {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.subscriptions[t] != nil {
		return false
	}

	d := newDownTrack(t, p)
	sender, err := p.sub.AddTrack(d)
	if err != nil {
		p.log.Warn("subscribe failed", "track", t.id, "err", err)
		return false
	}
	d.sender = sender
	if !t.addDown(d) {
		_ = p.sub.RemoveTrack(sender)
		return false
	}
	p.subscriptions[t] = d
	t.stats.subscribed.Inc()

	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t.readSubscriberRTCP(d, sender)
	}()
	return true
}

// unsubscribe removes a down track from the subscriber connection. It reports whether the
// connection needs a new offer.
func (p *Participant) unsubscribe(d *downTrack) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.subscriptions[d.source] != d {
		return false
	}
	delete(p.subscriptions, d.source)
	d.source.stats.subscribed.Dec()
	d.source.removeDown(d)
	if err := p.sub.RemoveTrack(d.sender); err != nil {
		p.log.Debug("remove track", "track", d.source.id, "err", err)
	}
	return true
}

// Close removes the participant from its room and closes both connections. It waits for the
// participant's goroutines to end and is safe to call more than once.
func (p *Participant) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		subs := p.subscriptions
		p.subscriptions = map[*publishedTrack]*downTrack{}
		p.mu.Unlock()

		for t, d := range subs {
			t.removeDown(d)
			t.stats.subscribed.Dec()
		}
		if p.room != nil {
			p.room.leave(p)
		} else {
			p.sfu.disconnected(p)
		}
		p.closeConnections()
		p.wg.Wait()
		if p.room != nil {
			p.sfu.metrics.Participants.Dec()
		}
		p.log.Info("participant left")
	})
}

func (p *Participant) closeConnections() {
	if err := p.pub.Close(); err != nil {
		p.log.Debug("close publisher connection", "err", err)
	}
	if err := p.sub.Close(); err != nil {
		p.log.Debug("close subscriber connection", "err", err)
	}
}
