package signaling

import (
	"strings"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/sfu"
	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
)

// The lobby connection's messages: "connect" asks for a connection in no room, for chat and
// presence only, and "connected" grants it.
const (
	TypeConnect   = "connect"
	TypeConnected = "connected"
)

// onConnect makes the session a signed-in user's lobby connection: a participant in no room
// whose publisher connection carries the "chat" data channel and nothing else. Room tokens
// are good for their room only, so a guest has no lobby.
func (s *session) onConnect(*Message) error {
	if s.joined() != nil {
		return reply(CodeAlreadyJoined, "this connection is already in use")
	}
	if s.h.isDraining() {
		return &closeError{code: websocket.CloseTryAgainLater, reason: "server shutting down"}
	}
	if s.id.Room != "" || isGuest(s.id) {
		return &closeError{code: websocket.ClosePolicyViolation,
			reason: "token not valid outside its room"}
	}

	info := sfu.Info{UserID: s.id.UserID, Name: s.id.DisplayName}
	p, err := s.h.cfg.SFU.Connect(info, sfu.Events{
		Offer:       func(o webrtc.SessionDescription) { s.send(Message{Type: TypeOffer, SDP: o.SDP}) },
		DataChannel: s.onDataChannel,
		Closed: func(reason string) {
			s.closeWith(websocket.CloseGoingAway, reason)
		},
	})
	if err != nil {
		s.log.Warn("lobby connect failed", "err", err)
		return classify(err)
	}
	s.mu.Lock()
	s.participant = p
	s.mu.Unlock()
	s.log.Info("lobby connected", "participant", p.ID)

	s.send(Message{Type: TypeConnected, Participant: &Participant{
		ID: p.ID, UserID: s.id.UserID, Name: s.id.DisplayName,
	}})
	return nil
}

// isGuest reports whether id holds a room token rather than an account.
func isGuest(id auth.Identity) bool {
	return strings.HasPrefix(id.UserID, auth.GuestPrefix)
}
