package signaling

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/chat"
	"github.com/confab/confab/sfu"
	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
)

const (
	pingInterval = 15 * time.Second
	pongWait     = 30 * time.Second
	writeWait    = 5 * time.Second
	// outQueueLen bounds the messages waiting for a slow client; a client that falls this far
	// behind is disconnected.
	outQueueLen = 64
)

// session is one client's signaling connection. The reader runs in the HTTP handler's
// goroutine; one writer goroutine owns every write to the connection.
type session struct {
	h    *Handler
	conn *websocket.Conn
	id   auth.Identity
	log  *slog.Logger

	out       chan []byte
	stop      chan struct{} // closed to end the session
	closeOnce sync.Once
	closeMsg  []byte // the close frame the writer sends; set before stop is closed
	writerWG  sync.WaitGroup

	// Set by join, in the reader goroutine, and read by Pion's callbacks after it.
	mu          sync.Mutex
	room        string
	participant *sfu.Participant
	member      *chat.Member
}

func newSession(h *Handler, conn *websocket.Conn, id auth.Identity) *session {
	s := &session{
		h:    h,
		conn: conn,
		id:   id,
		log:  h.log.With("user", id.UserID),
		out:  make(chan []byte, outQueueLen),
		stop: make(chan struct{}),
	}
	s.writerWG.Add(1)
	go s.write()
	return s
}

// run reads and handles messages until the client or the server ends the session, then
// removes the participant.
func (s *session) run(ctx context.Context) {
	s.log.Debug("signaling session open")
	defer s.cleanup()

	s.conn.SetReadLimit(MaxMessageBytes)
	_ = s.conn.SetReadDeadline(time.Now().Add(pongWait))
	s.conn.SetPongHandler(func(string) error {
		return s.conn.SetReadDeadline(time.Now().Add(pongWait))
	})

	for ctx.Err() == nil {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			s.readFailed(err)
			return
		}
		if err := s.handle(data); err != nil {
			var ce *closeError
			if errors.As(err, &ce) {
				s.closeWith(ce.code, ce.reason)
				return
			}
			s.sendError(err)
		}
	}
}

func (s *session) readFailed(err error) {
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		s.closeWith(websocket.CloseMessageTooBig, "message over 64 KiB")
	case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway):
		s.closeWith(websocket.CloseNormalClosure, "")
	default:
		s.log.Debug("signaling read ended", "err", err)
		s.closeWith(websocket.CloseNormalClosure, "")
	}
}

// handle decodes one message and runs its handler.
func (s *session) handle(data []byte) error {
	var m Message
	if !isObject(data) || json.Unmarshal(data, &m) != nil {
		return reply(CodeBadJSON, "a message must be a JSON object")
	}
	fn, ok := handlers[m.Type]
	if !ok {
		return reply(CodeUnknownType, "unknown message type")
	}
	return fn(s, &m)
}

// isObject reports whether the JSON text b starts an object; json.Unmarshal accepts null
// for a struct and leaves it untouched.
func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func (s *session) sendError(err error) {
	var re *replyError
	if !errors.As(err, &re) {
		re = &replyError{code: CodeBadRequest, message: "request refused"}
	}
	s.send(Message{Type: TypeError, Code: re.code, Message: re.message})
}

// send queues a message for the writer. A client too slow to take its messages is dropped.
func (s *session) send(m Message) {
	b, err := json.Marshal(m)
	if err != nil {
		s.log.Error("encode signaling message", "type", m.Type, "err", err)
		return
	}
	select {
	case s.out <- b:
	case <-s.stop:
	default:
		s.closeWith(websocket.ClosePolicyViolation, "client too slow")
	}
}

// closeWith ends the session: the writer sends what is queued, then a close frame with code
// and reason, then closes the connection.
func (s *session) closeWith(code int, reason string) {
	s.closeOnce.Do(func() {
		s.closeMsg = websocket.FormatCloseMessage(code, reason)
		close(s.stop)
	})
}

// write owns every write to the connection: queued messages, pings, and the close frame.
func (s *session) write() {
	defer s.writerWG.Done()
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	defer s.conn.Close()

	for {
		select {
		case b := <-s.out:
			if err := s.writeFrame(websocket.TextMessage, b); err != nil {
				s.closeWith(websocket.CloseNormalClosure, "")
				return
			}
		case <-ping.C:
			if err := s.writeFrame(websocket.PingMessage, nil); err != nil {
				s.closeWith(websocket.CloseNormalClosure, "")
				return
			}
		case <-s.stop:
			s.flush()
			_ = s.conn.WriteControl(websocket.CloseMessage, s.closeMsg,
				time.Now().Add(writeWait))
			return
		}
	}
}

// flush writes what is still queued, so an error sent just before a close arrives.
func (s *session) flush() {
	for {
		select {
		case b := <-s.out:
			if s.writeFrame(websocket.TextMessage, b) != nil {
				return
			}
		default:
			return
		}
	}
}

func (s *session) writeFrame(kind int, b []byte) error {
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeWait))
	return s.conn.WriteMessage(kind, b)
}

// wait blocks until the writer has closed the connection.
func (s *session) wait() { s.writerWG.Wait() }

// cleanup removes the participant from its room and chat, then waits for the writer.
func (s *session) cleanup() {
	s.closeWith(websocket.CloseNormalClosure, "")
	s.mu.Lock()
	p, m := s.participant, s.member
	s.mu.Unlock()

	if m != nil {
		s.h.cfg.Chat.Leave(m)
	}
	if p != nil {
		p.Close()
	}
	// Unblock the reader's peer quickly even if the writer is stuck on a slow client.
	_ = s.conn.SetReadDeadline(time.Now())
	s.wait()
	s.log.Debug("signaling session closed")
}

// onDataChannel connects the client's chat channel to the room's chat, or to the lobby.
func (s *session) onDataChannel(dc *webrtc.DataChannel) {
	if dc.Label() != "chat" {
		s.log.Debug("unknown data channel closed", "label", dc.Label())
		_ = dc.Close()
		return
	}
	s.mu.Lock()
	p, room := s.participant, s.room
	if p == nil || s.member != nil {
		s.mu.Unlock()
		_ = dc.Close()
		return
	}
	entry := chat.Entry{ID: p.ID, UserID: s.id.UserID, Name: s.id.DisplayName,
		Username: s.id.Username, Guest: isGuest(s.id), Audio: true, Video: true}
	m := chat.NewMember(entry, func(b []byte) error { return dc.SendText(string(b)) },
		s.log.With("participant", p.ID))
	s.member = m
	s.mu.Unlock()

	// Pion runs OnOpen in its own goroutine, alongside the reader that calls OnMessage: a
	// message waits until its sender has joined the chat room.
	hub := s.h.cfg.Chat
	joined := make(chan struct{})
	dc.OnOpen(func() {
		if room == "" {
			hub.Connect(m) // a lobby connection
		} else {
			hub.Join(room, m)
			// Now in the roster, the participant may receive and send media.
			p.Start()
		}
		close(joined)
	})
	dc.OnMessage(func(msg webrtc.DataChannelMessage) {
		<-joined
		hub.Handle(m, msg.Data)
	})
	dc.OnClose(func() { hub.Leave(m) })
}
