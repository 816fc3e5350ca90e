package chat

import (
	"encoding/json"
	"errors"

	"github.com/confab/confab/store"
)

// UnreadLen caps the unread direct messages a lobby device receives when it connects: the
// newest ones. Older ones stay unread and come from GET /api/messages/{user}.
const UnreadLen = 100

// direct stores a direct message and sends it to every lobby device of its recipient and of
// its sender. It may come from a lobby device or a room's channel.
func (h *Hub) direct(m *Member, _ *room, in inbound) {
	if m.guest {
		m.sendError(CodeNotAllowed, "guests cannot send direct messages")
		return
	}
	if !checkMessage(m, in) {
		return
	}
	var to string
	if json.Unmarshal(in.To, &to) != nil || to == "" || to == m.user {
		m.sendError(CodeBadRecipient, "to must be the id of another user")
		return
	}

	ctx, cancel := h.storeContext()
	defer cancel()
	u, err := h.store.UserByID(ctx, to)
	if errors.Is(err, store.ErrNotFound) {
		m.sendError(CodeBadRecipient, "no such user")
		return
	}
	if err != nil {
		h.log.Error("chat: find recipient", "user", m.user, "err", err)
		m.sendError(CodeUnavailable, "direct messages are unavailable: try again")
		return
	}

	h.lobby.sendDirect(m, store.Message{
		SenderID: m.user, SenderName: m.name,
		RecipientID: u.ID, RecipientName: displayName(u.Username, u.DisplayName),
		ClientID: in.ClientID, Text: in.Text, CreatedAt: h.stamp(),
	})
}

// sendDirect stores sm and delivers it under the lobby's lock, so that a device connecting
// meanwhile receives it exactly once: live, or among its unread messages. The price is that
// direct messages and presence changes wait for each other's database calls; a server much
// busier than one SQLite file would give each user a lock of its own.
func (l *lobby) sendDirect(m *Member, sm store.Message) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := l.h.storeContext()
	defer cancel()
	saved, err := l.h.store.AddDirectMessage(ctx, sm)
	switch {
	case errors.Is(err, store.ErrDuplicate):
		m.queue(encodeStored(saved))
		return
	case err != nil:
		l.h.log.Error("chat: store direct message", "user", m.user, "err", err)
		m.sendError(CodeUnavailable, "direct messages are unavailable: try again")
		return
	}
	b := encode(directWire(saved))
	l.toUserLocked(saved.RecipientID, b, nil)
	l.toUserLocked(saved.SenderID, b, m)
	l.h.messages.Inc()
}

// read marks direct messages from another user as read, up to an id, and tells every lobby
// device of the reader, so each can clear its unread marks.
func (h *Hub) read(m *Member, _ *room, in inbound) {
	if m.guest {
		m.sendError(CodeNotAllowed, "guests have no direct messages")
		return
	}
	if in.With == "" || in.UpTo <= 0 {
		m.sendError(CodeBadRequest, `"read" needs "with", a user id, and "upTo", an id`)
		return
	}
	ctx, cancel := h.storeContext()
	defer cancel()
	if _, err := h.store.MarkDirectRead(ctx, m.user, in.With, in.UpTo, h.now()); err != nil {
		h.log.Error("chat: mark read", "user", m.user, "err", err)
		m.sendError(CodeUnavailable, "direct messages are unavailable: try again")
		return
	}

	b := encode(readMsg{Type: "read", With: in.With, UpTo: in.UpTo})
	h.lobby.mu.Lock()
	defer h.lobby.mu.Unlock()
	h.lobby.toUserLocked(m.user, b, m)
}

// toUserLocked queues b to every lobby device of user. If user has none and origin, the
// channel a request came from, is given, origin receives b instead: a sender without a lobby
// device still gets its acknowledgement.
func (l *lobby) toUserLocked(user string, b []byte, origin *Member) {
	n := 0
	if p := l.users[user]; p != nil {
		for d := range p.devices {
			d.queue(b)
			n++
		}
	}
	if n == 0 && origin != nil {
		origin.queue(b)
	}
}

// sendUnreadLocked queues to m the direct messages its user has not read.
func (l *lobby) sendUnreadLocked(m *Member) {
	ctx, cancel := l.h.storeContext()
	defer cancel()
	msgs, err := l.h.store.UnreadDirectMessages(ctx, m.user, UnreadLen)
	if err != nil {
		l.h.log.Error("chat: read unread messages", "user", m.user, "err", err)
		return
	}
	for _, sm := range msgs {
		m.queue(encode(directWire(sm)))
	}
}

// directWire is a stored direct message as devices receive it.
func directWire(sm store.Message) Direct {
	return Direct{
		Type:     "dm",
		ID:       sm.ID,
		From:     Party{UserID: sm.SenderID, Name: sm.SenderName},
		To:       Party{UserID: sm.RecipientID, Name: sm.RecipientName},
		Text:     sm.Text,
		Time:     sm.CreatedAt,
		ClientID: sm.ClientID,
		Read:     !sm.ReadAt.IsZero(),
	}
}
