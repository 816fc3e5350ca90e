package signaling

import (
	"github.com/confab/confab/sfu"
	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
)

// handlers maps each message type a client may send to its handler.
var handlers = map[string]func(*session, *Message) error{
	TypeJoin:      (*session).onJoin,
	TypeConnect:   (*session).onConnect,
	TypeOffer:     (*session).onOffer,
	TypeAnswer:    (*session).onAnswer,
	TypeCandidate: (*session).onCandidate,
	TypeLeave:     (*session).onLeave,
}

func (s *session) onJoin(m *Message) error {
	if !sfu.ValidRoomName(m.Room) {
		return classify(sfu.ErrBadRoomName)
	}
	if s.joined() != nil {
		return reply(CodeAlreadyJoined, "this connection has already joined a room")
	}
	if s.h.isDraining() {
		return &closeError{code: websocket.CloseTryAgainLater, reason: "server shutting down"}
	}

	if s.id.Room != "" && m.Room != s.id.Room {
		return &closeError{code: websocket.ClosePolicyViolation,
			reason: "token not valid for this room"}
	}

	info := sfu.Info{UserID: s.id.UserID, Name: s.id.DisplayName,
		CanPublish: s.id.CanPublish, CanSubscribe: s.id.CanSubscribe}
	p, err := s.h.cfg.SFU.Join(m.Room, info, sfu.Events{
		Offer:       func(o webrtc.SessionDescription) { s.send(Message{Type: TypeOffer, SDP: o.SDP}) },
		DataChannel: s.onDataChannel,
		Closed: func(reason string) {
			s.closeWith(websocket.CloseGoingAway, reason)
		},
	})
	if err != nil {
		s.log.Warn("join failed", "room", m.Room, "err", err)
		return classify(err)
	}
	s.mu.Lock()
	s.room, s.participant = m.Room, p
	s.mu.Unlock()
	s.log.Info("participant joined", "room", m.Room, "participant", p.ID)

	s.send(Message{Type: TypeJoined, Room: m.Room, Participant: &Participant{
		ID: p.ID, UserID: s.id.UserID, Name: s.id.DisplayName,
	}})
	// Media starts once the chat channel has put the participant in the roster: see
	// onDataChannel.
	return nil
}

func (s *session) onOffer(m *Message) error {
	p := s.joined()
	if p == nil {
		return reply(CodeNotJoined, "join a room first")
	}
	answer, err := p.HandleOffer(m.SDP)
	if err != nil {
		s.log.Debug("offer refused", "err", err)
		return classify(err)
	}
	s.send(Message{Type: TypeAnswer, SDP: answer.SDP})
	return nil
}

func (s *session) onAnswer(m *Message) error {
	p := s.joined()
	if p == nil {
		return reply(CodeNotJoined, "join a room first")
	}
	if err := p.HandleAnswer(m.SDP); err != nil {
		s.log.Debug("answer refused", "err", err)
		return classify(err)
	}
	return nil
}

func (s *session) onCandidate(m *Message) error {
	p := s.joined()
	if p == nil {
		return reply(CodeNotJoined, "join a room first")
	}
	target := sfu.Target(m.Target)
	if target != sfu.Publisher && target != sfu.Subscriber {
		return reply(CodeBadRequest, `target must be "publisher" or "subscriber"`)
	}
	if m.Candidate == nil {
		return nil
	}
	if err := p.AddCandidate(target, *m.Candidate); err != nil {
		s.log.Debug("candidate refused", "err", err)
		return classify(err)
	}
	return nil
}

func (s *session) onLeave(*Message) error {
	return &closeError{code: websocket.CloseNormalClosure, reason: "left"}
}

func (s *session) joined() *sfu.Participant {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.participant
}
