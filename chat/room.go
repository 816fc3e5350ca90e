package chat

import (
	"encoding/json"
	"log/slog"
	"sort"
	"sync"
	"time"
	"unicode/utf8"
)

// Hub holds the chat rooms, one per media room, created on first join and dropped when the
// last member leaves.
type Hub struct {
	log *slog.Logger
	now func() time.Time

	mu    sync.Mutex
	rooms map[string]*room
}

// NewHub returns a hub with no rooms. A nil logger means slog.Default().
func NewHub(log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	return &Hub{log: log, now: time.Now, rooms: make(map[string]*room)}
}

// room orders every message of one room: each is stamped and queued to every member under
// one lock, so all members receive the room's messages in the same order.
type room struct {
	name string

	mu      sync.Mutex
	members map[string]*Member
	lastID  int64
}

// Join adds m to the room: m receives the roster, everyone else a join event. A member that
// has already left stays out.
func (h *Hub) Join(roomName string, m *Member) {
	h.mu.Lock()
	if m.left || m.room != nil {
		h.mu.Unlock()
		return
	}
	r := h.rooms[roomName]
	if r == nil {
		r = &room{name: roomName, members: make(map[string]*Member)}
		h.rooms[roomName] = r
	}
	m.room = r
	m.start()
	// Adding under h.mu keeps Leave from dropping a room that is gaining a member.
	r.mu.Lock()
	h.mu.Unlock()
	defer r.mu.Unlock()

	r.members[m.entry.ID] = m
	m.queue(encode(rosterMsg{Type: "roster", Participants: r.entriesLocked()}))
	r.broadcastLocked(encode(entryMsg{Type: "join", Participant: m.entry}), m)
}

// Leave removes m, tells the others and stops m's sender. It is safe to call for a member
// that never joined or already left.
func (h *Hub) Leave(m *Member) {
	h.mu.Lock()
	m.left = true
	r := m.room
	h.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.Lock()
	if r.members[m.entry.ID] != m {
		r.mu.Unlock()
		return
	}
	delete(r.members, m.entry.ID)
	r.broadcastLocked(encode(entryMsg{Type: "leave", Participant: m.entry}), nil)
	empty := len(r.members) == 0
	r.mu.Unlock()
	m.stop()

	if empty {
		h.mu.Lock()
		r.mu.Lock()
		if len(r.members) == 0 && h.rooms[r.name] == r {
			delete(h.rooms, r.name)
		}
		r.mu.Unlock()
		h.mu.Unlock()
	}
}

// Handle acts on one message from m. A message that is refused gets an error back on the
// same channel; m stays connected.
func (h *Hub) Handle(m *Member, data []byte) {
	if len(data) > MaxMessageBytes {
		m.sendError(CodeTooLarge, "messages are at most 16 KiB")
		return
	}
	var in inbound
	if err := json.Unmarshal(data, &in); err != nil {
		m.sendError(CodeBadJSON, "a message must be a JSON object")
		return
	}
	switch in.Type {
	case "chat":
		h.chat(m, in)
	case "state":
		h.state(m, in)
	default:
		m.sendError(CodeUnknownType, "unknown message type")
	}
}

func (h *Hub) chat(m *Member, in inbound) {
	n := utf8.RuneCountInString(in.Text)
	if n == 0 || n > MaxTextChars || !utf8.ValidString(in.Text) {
		m.sendError(CodeBadText, "text must be 1 to 4000 characters of valid UTF-8")
		return
	}
	r := h.roomOf(m)
	if r == nil {
		return
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members[m.entry.ID] != m {
		return
	}
	r.lastID++
	msg := Message{
		Type:     "chat",
		ID:       r.lastID,
		From:     Sender{ID: m.entry.ID, UserID: m.entry.UserID, Name: m.entry.Name},
		Text:     in.Text,
		Time:     h.now().UTC(),
		ClientID: in.ClientID,
	}
	r.broadcastLocked(encode(msg), nil)
}

func (h *Hub) state(m *Member, in inbound) {
	r := h.roomOf(m)
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members[m.entry.ID] != m {
		return
	}
	if in.Audio != nil {
		m.entry.Audio = *in.Audio
	}
	if in.Video != nil {
		m.entry.Video = *in.Video
	}
	r.broadcastLocked(encode(entryMsg{Type: "state", Participant: m.entry}), nil)
}

// roomOf returns the room m is in, or nil before it joins.
func (h *Hub) roomOf(m *Member) *room {
	h.mu.Lock()
	defer h.mu.Unlock()
	return m.room
}

func (r *room) entriesLocked() []Entry {
	out := make([]Entry, 0, len(r.members))
	for _, m := range r.members {
		out = append(out, m.entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// broadcastLocked queues b to every member but skip.
func (r *room) broadcastLocked(b []byte, skip *Member) {
	for _, m := range r.members {
		if m != skip {
			m.queue(b)
		}
	}
}
