package sfu

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/pion/webrtc/v4"

	"github.com/confab/confab/metrics"
)

// Errors a caller of Join branches on.
var (
	// ErrClosed reports a join after the SFU was closed.
	ErrClosed = errors.New("sfu: closed")
	// ErrBadRoomName reports a room name outside 1 to 64 characters of A-Z a-z 0-9 _ . -.
	ErrBadRoomName = errors.New("sfu: bad room name")
)

// SFU holds the rooms and the one ICE port all participants share.
type SFU struct {
	api     *webrtc.API
	ports   *ports
	log     *slog.Logger
	metrics *metrics.Metrics

	mu     sync.Mutex
	rooms  map[string]*Room
	lobby  map[*Participant]struct{} // connected to no room
	closed bool
}

// New opens the ICE port and returns an SFU with no rooms.
func New(cfg Config) (*SFU, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	m := cfg.Metrics
	if m == nil {
		m = metrics.New()
	}
	p, err := openPorts(cfg, log)
	if err != nil {
		return nil, err
	}
	api, err := newAPI(cfg, p, log)
	if err != nil {
		_ = p.close()
		return nil, err
	}
	s := &SFU{api: api, ports: p, log: log, metrics: m, rooms: make(map[string]*Room),
		lobby: make(map[*Participant]struct{})}
	log.Info("media plane ready", "udp", s.UDPAddrs(), "tcp", s.TCPAddr())
	return s, nil
}

// UDPAddrs lists the addresses the ICE UDP port listens on.
func (s *SFU) UDPAddrs() []string {
	var out []string
	for _, a := range s.ports.udp.GetListenAddresses() {
		out = append(out, a.String())
	}
	return out
}

// TCPAddr is the address the ICE TCP port listens on.
func (s *SFU) TCPAddr() string { return s.ports.tcpLis.Addr().String() }

// ValidRoomName reports whether name can name a room.
func ValidRoomName(name string) bool {
	if len(name) < 1 || len(name) > 64 {
		return false
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '.' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// Join adds a participant to a room, creating the room on first join. The participant's
// subscriber connection is offered only after Start, so the caller can first tell the client
// that it joined.
func (s *SFU) Join(roomName string, info Info, ev Events) (*Participant, error) {
	if !ValidRoomName(roomName) {
		return nil, fmt.Errorf("%w: %q", ErrBadRoomName, roomName)
	}
	p, err := newParticipant(s, info, ev)
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		p.closeConnections()
		return nil, ErrClosed
	}
	r := s.rooms[roomName]
	if r == nil {
		r = newRoom(s, roomName)
		s.rooms[roomName] = r
		s.metrics.Rooms.Inc()
		s.log.Info("room created", "room", roomName)
	}
	// Joining under s.mu keeps a room that is emptying from being removed meanwhile.
	r.add(p)
	s.metrics.Participants.Inc()
	s.mu.Unlock()

	r.subscribeToAll(p)
	return p, nil
}

// Connect makes a participant in no room: its publisher connection carries data channels
// only, and it receives no media. It is a signed-in user's connection outside rooms, for
// chat and presence.
func (s *SFU) Connect(info Info, ev Events) (*Participant, error) {
	info.CanPublish = false
	p, err := newParticipant(s, info, ev)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		p.closeConnections()
		return nil, ErrClosed
	}
	s.lobby[p] = struct{}{}
	return p, nil
}

// disconnected forgets a participant that was in no room.
func (s *SFU) disconnected(p *Participant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.lobby, p)
}

// removeIfEmpty drops a room with no participants left.
func (s *SFU) removeIfEmpty(r *Room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.empty() && s.rooms[r.name] == r {
		delete(s.rooms, r.name)
		s.metrics.Rooms.Dec()
		s.log.Info("room removed", "room", r.name)
	}
}

// Rooms lists the names of the rooms that have participants, with how many each has.
func (s *SFU) Rooms() map[string]int {
	s.mu.Lock()
	rooms := make([]*Room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()

	out := make(map[string]int, len(rooms))
	for _, r := range rooms {
		out[r.name] = r.size()
	}
	return out
}

// ParticipantCount is how many participants are in rooms.
func (s *SFU) ParticipantCount() int {
	n := 0
	for _, size := range s.Rooms() {
		n += size
	}
	return n
}

// Close removes every participant and closes the ICE port.
func (s *SFU) Close() error {
	s.mu.Lock()
	s.closed = true
	var all []*Participant
	for _, r := range s.rooms {
		all = append(all, r.members()...)
	}
	for p := range s.lobby {
		all = append(all, p)
	}
	s.mu.Unlock()

	for _, p := range all {
		p.Close()
	}
	return s.ports.close()
}
