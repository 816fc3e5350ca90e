package sfu

import (
	"errors"
	"fmt"

	"github.com/pion/webrtc/v4"
)

// Negotiation: the client offers on the publisher connection and the server answers; the
// server offers on the subscriber connection, one offer at a time, and the client answers.

// Start makes the participant visible: from then on it receives the room's media and its own
// tracks reach the others. Call it once the rest of the room can see the participant, in the
// roster, so that nobody receives or sends media unseen.
func (p *Participant) Start() {
	p.negMu.Lock()
	p.started = true
	p.negMu.Unlock()
	if p.room != nil {
		for _, t := range p.publishedTracks() {
			p.room.publish(t)
		}
	}
	p.negotiate()
}

func (p *Participant) isStarted() bool {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	return p.started
}

// HandleOffer applies the client's offer on the publisher connection and returns the answer,
// which carries all of the server's candidates. An offer is checked before Pion sees it, so a
// refused one leaves the connection ready for the next; one that still fails half way leaves
// it stuck, reported as ErrStuck.
func (p *Participant) HandleOffer(sdp string) (webrtc.SessionDescription, error) {
	offer := webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}
	if err := parseAndCheck(offer); err != nil {
		return webrtc.SessionDescription{}, err
	}
	if err := p.pub.SetRemoteDescription(offer); err != nil {
		return webrtc.SessionDescription{}, p.refused(err)
	}
	answer, err := p.pub.CreateAnswer(nil)
	if err != nil {
		return webrtc.SessionDescription{}, p.refused(err)
	}
	gathered := webrtc.GatheringCompletePromise(p.pub)
	if err := p.pub.SetLocalDescription(answer); err != nil {
		return webrtc.SessionDescription{}, fmt.Errorf("sfu: set answer: %w", err)
	}
	<-gathered
	return *p.pub.LocalDescription(), nil
}

func parseAndCheck(sd webrtc.SessionDescription) error {
	parsed, err := sd.Unmarshal()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSDP, err)
	}
	if err := checkDescription(parsed); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSDP, err)
	}
	return nil
}

// refused classifies a failed offer: Pion cannot roll a remote offer back, so a publisher
// connection left outside the stable state is stuck.
//
// Shortcoming: a client whose offer passes checkDescription and still fails in Pion has to
// join again.
func (p *Participant) refused(err error) error {
	if p.pub.SignalingState() != webrtc.SignalingStateStable {
		return fmt.Errorf("%w: %w", ErrStuck, err)
	}
	return fmt.Errorf("%w: %w", ErrBadSDP, err)
}

// HandleAnswer applies the client's answer to the server's last offer on the subscriber
// connection, then sends the next offer if anything changed meanwhile.
func (p *Participant) HandleAnswer(sdp string) error {
	answer := webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}
	if err := parseAndCheck(answer); err != nil {
		return err
	}

	p.negMu.Lock()
	if !p.offerOutstanding {
		p.negMu.Unlock()
		return ErrNoOffer
	}
	err := p.sub.SetRemoteDescription(answer)
	if err != nil {
		stuck := p.sub.SignalingState() != webrtc.SignalingStateHaveLocalOffer
		p.negMu.Unlock()
		if stuck {
			return fmt.Errorf("%w: %w", ErrStuck, err)
		}
		return fmt.Errorf("%w: %w", ErrBadSDP, err)
	}
	p.offerOutstanding = false
	again := p.renegotiate
	p.renegotiate = false
	p.negMu.Unlock()

	if again {
		p.negotiate()
	}
	return nil
}

// AddCandidate adds a client's trickled ICE candidate to the named connection.
func (p *Participant) AddCandidate(t Target, c webrtc.ICECandidateInit) error {
	pc := p.pub
	if t == Subscriber {
		pc = p.sub
	}
	if err := pc.AddICECandidate(c); err != nil {
		return fmt.Errorf("%w: %w", ErrBadCandidate, err)
	}
	return nil
}

// negotiate offers the subscriber connection's current tracks, unless an offer is already
// waiting for its answer, in which case the change is folded into the next offer.
func (p *Participant) negotiate() {
	p.negMu.Lock()
	if !p.started || p.offerOutstanding || p.isClosed() {
		p.renegotiate = true
		p.negMu.Unlock()
		return
	}
	if len(p.sub.GetTransceivers()) == 0 {
		// Nothing to receive yet: an offer without media would only confuse the client.
		p.negMu.Unlock()
		return
	}
	offer, err := p.offerLocked()
	if err != nil {
		p.negMu.Unlock()
		if errors.Is(err, webrtc.ErrConnectionClosed) || p.isClosed() {
			// The participant is leaving; there is nobody to offer to.
			p.log.Debug("subscriber offer skipped: connection closed")
			return
		}
		p.log.Warn("subscriber offer failed", "err", err)
		return
	}
	p.offerOutstanding = true
	p.renegotiate = false
	p.negMu.Unlock()

	p.events.Offer(offer)
}

func (p *Participant) offerLocked() (webrtc.SessionDescription, error) {
	offer, err := p.sub.CreateOffer(nil)
	if err != nil {
		return offer, fmt.Errorf("create offer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(p.sub)
	if err := p.sub.SetLocalDescription(offer); err != nil {
		return offer, fmt.Errorf("set offer: %w", err)
	}
	<-gathered
	return *p.sub.LocalDescription(), nil
}
