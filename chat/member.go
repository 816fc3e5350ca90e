package chat

import (
	"log/slog"
	"sync"
)

// queueLen bounds the messages waiting for one member. A member this far behind is too slow
// to follow the room and loses messages rather than holding everyone else back.
const queueLen = 256

// Member is one participant's end of a chat room.
type Member struct {
	send func([]byte) error
	log  *slog.Logger

	room  *room // guarded by Hub.mu
	left  bool  // guarded by Hub.mu
	entry Entry // guarded by room.mu once joined

	out      chan []byte
	done     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// NewMember describes a participant and the function that sends it one message. send is
// called from one goroutine at a time, in order.
func NewMember(e Entry, send func([]byte) error, log *slog.Logger) *Member {
	if log == nil {
		log = slog.Default()
	}
	return &Member{
		send:  send,
		log:   log,
		entry: e,
		out:   make(chan []byte, queueLen),
		done:  make(chan struct{}),
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
