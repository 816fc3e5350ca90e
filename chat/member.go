package chat

import (
	"log/slog"
	"sync"
)

// queueLen bounds the messages waiting for one member. A member this far behind is too slow
// to follow the room and loses messages rather than holding everyone else back.
const queueLen = 256

// Member is one connection's chat channel: a participant's end of a chat room, or a signed-in
// user's lobby device.
type Member struct {
	send func([]byte) error
	log  *slog.Logger

	// Who the member is; set at construction and never changed.
	id, user, username, name string
	guest                    bool

	room  *room // guarded by Hub.mu
	lobby bool  // guarded by Hub.mu: connected to the lobby rather than a room
	left  bool  // guarded by Hub.mu
	entry Entry // guarded by room.mu once joined

	limits     *userLimits // guarded by Hub.mu
	lobbyState int         // guarded by lobby.mu

	out      chan []byte
	done     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// NewMember describes a connection and the function that sends it one message. send is
// called from one goroutine at a time, in order. The member then joins a room with Hub.Join
// or the lobby with Hub.Connect.
func NewMember(e Entry, send func([]byte) error, log *slog.Logger) *Member {
	if log == nil {
		log = slog.Default()
	}
	return &Member{
		send:     send,
		log:      log,
		id:       e.ID,
		user:     e.UserID,
		username: e.Username,
		name:     e.Name,
		guest:    e.Guest,
		entry:    e,
		out:      make(chan []byte, queueLen),
		done:     make(chan struct{}),
	}
}

func (m *Member) start() {
	m.wg.Add(1)
	go m.run()
}

// run sends queued messages in order until the member stops.
func (m *Member) run() {
	defer m.wg.Done()
	for {
		select {
		case b := <-m.out:
			if err := m.send(b); err != nil {
				m.log.Debug("chat send failed", "err", err)
			}
		case <-m.done:
			return
		}
	}
}

// queue adds b to the member's outgoing messages without blocking.
func (m *Member) queue(b []byte) {
	select {
	case m.out <- b:
	default:
		m.log.Warn("chat queue full, message dropped")
	}
}

func (m *Member) sendError(code, text string) {
	m.queue(encode(errorMsg{Type: "error", Code: code, Message: text}))
}

// stop ends the sender goroutine and waits for it.
func (m *Member) stop() {
	m.stopOnce.Do(func() { close(m.done) })
	m.wg.Wait()
}
