package chat

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/confab/confab/store"
)

// HistoryLen is how many of a room's newest messages a newcomer receives on joining.
const HistoryLen = 50

// chat stamps, stores and sends a room message: to everyone, or only to its sender and the
// participants it names in "to".
func (h *Hub) chat(m *Member, r *room, in inbound) {
	if !checkMessage(m, in) {
		return
	}
	var to []string
	if len(in.To) > 0 && string(in.To) != "null" {
		if json.Unmarshal(in.To, &to) != nil || len(to) == 0 || len(to) > MaxRecipients {
			m.sendError(CodeBadRecipient, "to must list 1 to 50 participant ids")
			return
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members[m.id] != m {
		return
	}
	recipients, ok := r.recipientsLocked(to)
	if !ok {
		m.sendError(CodeBadRecipient, "every recipient must be a participant of the room")
		return
	}
	if err := h.loadLocked(r); err != nil {
		h.log.Error("chat: read room", "room", r.name, "err", err)
		m.sendError(CodeUnavailable, "chat is unavailable: try again")
		return
	}

	saved, err := h.storeRoomMessage(store.Message{
		Room: r.name, Seq: r.lastID + 1, SenderID: m.user, SenderName: m.name,
		ParticipantID: m.id, Private: to != nil, Recipients: recipients,
		ClientID: in.ClientID, Text: in.Text, CreatedAt: h.stamp(),
	})
	switch {
	case errors.Is(err, store.ErrDuplicate):
		// A resend: the sender gets the original back as its acknowledgement, nobody else.
		m.queue(encodeStored(saved))
		return
	case err != nil:
		h.log.Error("chat: store message", "room", r.name, "user", m.user, "err", err)
		m.sendError(CodeUnavailable, "chat is unavailable: try again")
		return
	}
	r.lastID = saved.Seq
	b := encode(roomWire(saved))
	if saved.Private {
		r.sendPrivateLocked(b, m.user, recipients)
	} else {
		r.broadcastLocked(b, nil)
	}
	h.messages.Inc()
}

func (h *Hub) storeRoomMessage(sm store.Message) (store.Message, error) {
	ctx, cancel := h.storeContext()
	defer cancel()
	return h.store.AddRoomMessage(ctx, sm)
}

// stamp is the time of a message as it is stored: to the millisecond, in UTC, so that a
// message sent live and the same message read back from history carry the same time.
func (h *Hub) stamp() time.Time {
	return h.now().UTC().Truncate(time.Millisecond)
}

// recipientsLocked turns participant ids into the distinct users behind them. It reports
// false if any id is not a member of the room.
func (r *room) recipientsLocked(ids []string) ([]store.Recipient, bool) {
	var out []store.Recipient
	seen := make(map[string]bool)
	for _, id := range ids {
		p := r.members[id]
		if p == nil {
			return nil, false
		}
		if !seen[p.user] {
			seen[p.user] = true
			out = append(out, store.Recipient{UserID: p.user, Name: p.name})
		}
	}
	return out, true
}

// sendPrivateLocked queues b to the members of the sender's user and of the recipients.
func (r *room) sendPrivateLocked(b []byte, sender string, recipients []store.Recipient) {
	users := map[string]bool{sender: true}
	for _, rc := range recipients {
		users[rc.UserID] = true
	}
	for _, p := range r.members {
		if users[p.user] {
			p.queue(b)
		}
	}
}

// loadLocked reads the room's newest message id from the store, once per room.
func (h *Hub) loadLocked(r *room) error {
	if r.loaded {
		return nil
	}
	ctx, cancel := h.storeContext()
	defer cancel()
	last, err := h.store.LastRoomSeq(ctx, r.name)
	if err != nil {
		return err
	}
	r.lastID, r.loaded = last, true
	return nil
}

// replayLocked queues to m the room's newest messages that m's user may see, oldest first.
func (h *Hub) replayLocked(r *room, m *Member) {
	if err := h.loadLocked(r); err != nil {
		h.log.Error("chat: read room", "room", r.name, "err", err)
		return
	}
	ctx, cancel := h.storeContext()
	defer cancel()
	msgs, err := h.store.RoomMessages(ctx, r.name, m.user, 0, HistoryLen)
	if err != nil {
		h.log.Error("chat: read history", "room", r.name, "err", err)
		return
	}
	for _, sm := range msgs {
		w := roomWire(sm)
		w.History = true
		m.queue(encode(w))
	}
}

// recordVisit notes that user has been in the room, which lets it read the room's history.
func (h *Hub) recordVisit(roomName, user string) {
	ctx, cancel := h.storeContext()
	defer cancel()
	if err := h.store.RecordRoomVisit(ctx, roomName, user, h.now()); err != nil {
		h.log.Warn("chat: record room visit", "room", roomName, "user", user, "err", err)
	}
}

// roomWire is a stored room message as members receive it.
func roomWire(sm store.Message) Message {
	w := Message{
		Type:     "chat",
		ID:       sm.Seq,
		From:     Sender{ID: sm.ParticipantID, UserID: sm.SenderID, Name: sm.SenderName},
		Text:     sm.Text,
		Time:     sm.CreatedAt,
		ClientID: sm.ClientID,
		Private:  sm.Private,
	}
	for _, rc := range sm.Recipients {
		w.To = append(w.To, Party{UserID: rc.UserID, Name: rc.Name})
	}
	return w
}

// encodeStored encodes a stored message of either kind as members receive it.
func encodeStored(sm store.Message) []byte {
	if sm.Room != "" {
		return encode(roomWire(sm))
	}
	return encode(directWire(sm))
}
