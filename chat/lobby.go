package chat

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// A member's place in the lobby, kept in Member.lobbyState.
const (
	lobbyNew = iota
	lobbyConnected
	lobbyGone
)

// usersPerMessage bounds the users listed in one "users" message, which keeps each message
// far below 64 KiB, the smallest limit a data channel peer may set.
const usersPerMessage = 100

// UserEntry is a user as the lobby and GET /api/users show it: nothing secret, only who it is
// and where. Devices counts its lobby connections; it is online while it has one or is in a
// room.
type UserEntry struct {
	ID          string   `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"displayName"`
	Online      bool     `json:"online"`
	Devices     int      `json:"devices"`
	Rooms       []string `json:"rooms"`
}

// RoomEntry is an active room and how many participants it has; zero means it has closed.
type RoomEntry struct {
	Name string `json:"name"`
	Size int    `json:"size"`
}

type usersMsg struct {
	Type  string      `json:"type"`
	Users []UserEntry `json:"users"`
	More  bool        `json:"more"`
}

type roomsMsg struct {
	Type  string      `json:"type"`
	Rooms []RoomEntry `json:"rooms"`
}

type userMsg struct {
	Type string    `json:"type"`
	User UserEntry `json:"user"`
}

type roomMsg struct {
	Type string    `json:"type"`
	Room RoomEntry `json:"room"`
}

// lobby is presence across the server: each user's lobby devices and rooms, and each room's
// size. Every change is queued to every lobby device under its lock, so all devices see the
// changes in one order, and a device that connects sees a snapshot and then each change.
type lobby struct {
	h *Hub

	mu    sync.Mutex
	users map[string]*presence // users with a lobby device or a room
	rooms map[string]int       // active rooms and their sizes
}

// presence is where one user is connected.
type presence struct {
	username, name string
	devices        map[*Member]struct{}
	rooms          map[string]int // participants of this user per room
}

func newLobby(h *Hub) *lobby {
	return &lobby{h: h, users: make(map[string]*presence), rooms: make(map[string]int)}
}

func (p *presence) entry(id string) UserEntry {
	e := UserEntry{ID: id, Username: p.username, DisplayName: p.name,
		Devices: len(p.devices), Rooms: make([]string, 0, len(p.rooms))}
	for r := range p.rooms {
		e.Rooms = append(e.Rooms, r)
	}
	sort.Strings(e.Rooms)
	e.Online = len(p.devices) > 0 || len(p.rooms) > 0
	return e
}

// Connect adds m to the lobby as one of its user's devices. m receives every user with its
// presence, the active rooms and the direct messages its user has not read, then every
// change; the other devices hear of the user's new device count. Guests have no lobby.
func (h *Hub) Connect(m *Member) {
	if m.guest {
		return
	}
	accounts, err := h.accounts(context.Background())
	if err != nil {
		// The lobby then lists only the users present; the others come with the next connect.
		h.log.Error("chat: list users", "err", err)
	}

	h.mu.Lock()
	if m.left || m.room != nil || m.lobby {
		h.mu.Unlock()
		return
	}
	m.lobby = true
	m.limits = h.limits.acquire(m.user)
	m.start()
	h.mu.Unlock()

	h.lobby.connect(m, accounts)
}

func (l *lobby) connect(m *Member, accounts []UserEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m.lobbyState == lobbyGone {
		return
	}
	m.lobbyState = lobbyConnected
	p := l.userLocked(m)
	p.devices[m] = struct{}{}

	users := l.mergeLocked(accounts)
	for i := 0; i == 0 || i < len(users); i += usersPerMessage {
		page := users[i:min(i+usersPerMessage, len(users))]
		more := i+usersPerMessage < len(users)
		m.queue(encode(usersMsg{Type: "users", Users: page, More: more}))
	}
	m.queue(encode(roomsMsg{Type: "rooms", Rooms: l.roomsLocked()}))
	l.sendUnreadLocked(m)
	l.broadcastLocked(encode(userMsg{Type: "user", User: p.entry(m.user)}), m)
	l.h.log.Debug("lobby device connected", "user", m.user, "devices", len(p.devices))
}

// disconnect removes a lobby device. A member that had not connected yet never will.
func (l *lobby) disconnect(m *Member) {
	l.mu.Lock()
	defer l.mu.Unlock()
	was := m.lobbyState
	m.lobbyState = lobbyGone
	if was != lobbyConnected {
		return
	}
	p := l.users[m.user]
	delete(p.devices, m)
	l.broadcastLocked(encode(userMsg{Type: "user", User: p.entry(m.user)}), nil)
	l.dropIdleLocked(m.user)
}

// enterRoom counts m into a room; the caller holds the room's lock, which keeps one room's
// changes in order.
func (l *lobby) enterRoom(name string, m *Member) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rooms[name]++
	l.broadcastRoomLocked(name, l.rooms[name])
	if m.guest {
		return
	}
	p := l.userLocked(m)
	p.rooms[name]++
	if p.rooms[name] == 1 {
		l.broadcastLocked(encode(userMsg{Type: "user", User: p.entry(m.user)}), nil)
	}
}

// leaveRoom counts m out of a room; the caller holds the room's lock.
func (l *lobby) leaveRoom(name string, m *Member) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rooms[name]--
	size := l.rooms[name]
	if size <= 0 {
		delete(l.rooms, name)
	}
	l.broadcastRoomLocked(name, max(size, 0))
	p := l.users[m.user]
	if m.guest || p == nil {
		return
	}
	p.rooms[name]--
	if p.rooms[name] <= 0 {
		delete(p.rooms, name)
		l.broadcastLocked(encode(userMsg{Type: "user", User: p.entry(m.user)}), nil)
	}
	l.dropIdleLocked(m.user)
}

func (l *lobby) userLocked(m *Member) *presence {
	p := l.users[m.user]
	if p == nil {
		p = &presence{username: m.username, name: m.name,
			devices: make(map[*Member]struct{}), rooms: make(map[string]int)}
		l.users[m.user] = p
	}
	return p
}

func (l *lobby) dropIdleLocked(user string) {
	if p := l.users[user]; p != nil && len(p.devices) == 0 && len(p.rooms) == 0 {
		delete(l.users, user)
	}
}

// mergeLocked lists accounts with their presence, then any present user missing from
// accounts (one registered since they were read).
func (l *lobby) mergeLocked(accounts []UserEntry) []UserEntry {
	out := make([]UserEntry, 0, len(accounts))
	seen := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		seen[a.ID] = true
		if p := l.users[a.ID]; p != nil {
			e := p.entry(a.ID)
			e.Username, e.DisplayName = a.Username, a.DisplayName
			a = e
		}
		out = append(out, a)
	}
	var extra []UserEntry
	for id, p := range l.users {
		if !seen[id] {
			extra = append(extra, p.entry(id))
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].Username < extra[j].Username })
	return append(out, extra...)
}

func (l *lobby) roomsLocked() []RoomEntry {
	out := make([]RoomEntry, 0, len(l.rooms))
	for name, size := range l.rooms {
		out = append(out, RoomEntry{Name: name, Size: size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (l *lobby) broadcastRoomLocked(name string, size int) {
	l.broadcastLocked(encode(roomMsg{Type: "room", Room: RoomEntry{Name: name, Size: size}}), nil)
}

// broadcastLocked queues b to every lobby device but skip.
func (l *lobby) broadcastLocked(b []byte, skip *Member) {
	for _, p := range l.users {
		for d := range p.devices {
			if d != skip {
				d.queue(b)
			}
		}
	}
}

// Users lists every account with its presence.
func (h *Hub) Users(ctx context.Context) ([]UserEntry, error) {
	accounts, err := h.accounts(ctx)
	if err != nil {
		return nil, err
	}
	h.lobby.mu.Lock()
	defer h.lobby.mu.Unlock()
	return h.lobby.mergeLocked(accounts), nil
}

// accounts reads every account from the store, as offline users.
func (h *Hub) accounts(ctx context.Context) ([]UserEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	users, err := h.store.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("chat: list users: %w", err)
	}
	out := make([]UserEntry, len(users))
	for i, u := range users {
		out[i] = UserEntry{ID: u.ID, Username: u.Username, DisplayName: displayName(u.Username,
			u.DisplayName), Rooms: []string{}}
	}
	return out, nil
}

func displayName(username, name string) string {
	if name == "" {
		return username
	}
	return name
}
