package chat

import (
	"sort"
	"sync"
)

// room orders every message of one room: each is stamped, stored and queued to every member
// under one lock, so all members receive the room's messages in the same order, and the
// stored ids are that order.
type room struct {
	name string

	mu      sync.Mutex
	members map[string]*Member
	lastID  int64 // the newest message's id, valid once loaded
	loaded  bool  // lastID has been read from the store
}

// Join adds m to the room: m receives the roster, then the newest messages it may see, then
// everything new; everyone else receives a join event. A member that has already left, or
// joined anything, stays out.
func (h *Hub) Join(roomName string, m *Member) {
	h.recordVisit(roomName, m.user)

	h.mu.Lock()
	if m.left || m.room != nil || m.lobby {
		h.mu.Unlock()
		return
	}
	r := h.rooms[roomName]
	if r == nil {
		r = &room{name: roomName, members: make(map[string]*Member)}
		h.rooms[roomName] = r
	}
	m.room = r
	m.limits = h.limits.acquire(m.user)
	m.start()
	// Adding under h.mu keeps Leave from dropping a room that is gaining a member.
	r.mu.Lock()
	h.mu.Unlock()
	defer r.mu.Unlock()

	r.members[m.id] = m
	m.queue(encode(rosterMsg{Type: "roster", Participants: r.entriesLocked()}))
	h.replayLocked(r, m)
	r.broadcastLocked(encode(entryMsg{Type: "join", Participant: m.entry}), m)
	h.lobby.enterRoom(r.name, m)
}

// Leave removes m from its room or the lobby, tells the others and stops m's sender. It is
// safe to call for a member that never joined or already left.
func (h *Hub) Leave(m *Member) {
	h.mu.Lock()
	if m.left {
		h.mu.Unlock()
		return
	}
	m.left = true
	r, inLobby, attached := m.room, m.lobby, m.limits != nil
	h.mu.Unlock()

	if attached {
		defer h.limits.release(m.user)
	}
	if inLobby {
		h.lobby.disconnect(m)
		m.stop()
		return
	}
	if r == nil {
		return
	}
	h.leaveRoom(r, m)
	m.stop()
}

func (h *Hub) leaveRoom(r *room, m *Member) {
	r.mu.Lock()
	if r.members[m.id] != m {
		r.mu.Unlock()
		return
	}
	delete(r.members, m.id)
	r.broadcastLocked(encode(entryMsg{Type: "leave", Participant: m.entry}), nil)
	h.lobby.leaveRoom(r.name, m)
	empty := len(r.members) == 0
	r.mu.Unlock()

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

// state records that m's microphone or camera changed and tells the room.
func (h *Hub) state(m *Member, r *room, in inbound) {
	h.updateEntry(r, m, "state", func(e *Entry) bool {
		if in.Audio != nil {
			e.Audio = *in.Audio
		}
		if in.Video != nil {
			e.Video = *in.Video
		}
		return true
	})
}

// speaking tells the room when m starts or stops speaking; repeats are not passed on.
func (h *Hub) speaking(m *Member, r *room, in inbound) {
	if in.Speaking == nil {
		m.sendError(CodeBadRequest, `"speaking" must be true or false`)
		return
	}
	h.updateEntry(r, m, "speaking", func(e *Entry) bool {
		changed := e.Speaking != *in.Speaking
		e.Speaking = *in.Speaking
		return changed
	})
}

// hand tells the room when m raises or lowers its hand; repeats are not passed on.
func (h *Hub) hand(m *Member, r *room, in inbound) {
	if in.Raised == nil {
		m.sendError(CodeBadRequest, `"raised" must be true or false`)
		return
	}
	h.updateEntry(r, m, "hand", func(e *Entry) bool {
		changed := e.Hand != *in.Raised
		e.Hand = *in.Raised
		return changed
	})
}

// updateEntry changes m's entry and, if change reports a change, sends the whole entry to
// everyone in the room, m included, as a message of the given type.
func (h *Hub) updateEntry(r *room, m *Member, kind string, change func(*Entry) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members[m.id] != m || !change(&m.entry) {
		return
	}
	r.broadcastLocked(encode(entryMsg{Type: kind, Participant: m.entry}), nil)
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
