package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/confab/confab/metrics"
	"github.com/confab/confab/store"
)

// storeTimeout bounds each database call made for one message.
const storeTimeout = 5 * time.Second

// Hub holds the chat rooms, one per media room, created on first join and dropped when the
// last member leaves, and the lobby, where signed-in users see each other and exchange direct
// messages.
//
// Lock order: Hub.mu, then room.mu, then lobby.mu; limiters.mu is taken alone.
type Hub struct {
	log      *slog.Logger
	now      func() time.Time
	messages prometheus.Counter
	store    *store.Store
	limits   *limiters
	lobby    *lobby

	mu    sync.Mutex
	rooms map[string]*room
}

// NewHub returns a hub with no rooms that keeps messages in st. A nil logger means
// slog.Default(); nil metrics, a private set.
func NewHub(st *store.Store, log *slog.Logger, m *metrics.Metrics) *Hub {
	if log == nil {
		log = slog.Default()
	}
	if m == nil {
		m = metrics.New()
	}
	h := &Hub{
		log:      log,
		now:      time.Now,
		messages: m.ChatMessages,
		store:    st,
		limits:   newLimiters(),
		rooms:    make(map[string]*room),
	}
	h.lobby = newLobby(h)
	return h
}

// handler is how the hub acts on one type of message.
type handler struct {
	fn func(h *Hub, m *Member, r *room, in inbound)
	// text messages count against the text rate, the others against the control rate.
	text bool
	// roomOnly messages make sense on a room's channel only.
	roomOnly bool
}

// handlers maps each message type a member may send to its handler.
var handlers = map[string]handler{
	"chat":     {fn: (*Hub).chat, text: true, roomOnly: true},
	"dm":       {fn: (*Hub).direct, text: true},
	"read":     {fn: (*Hub).read},
	"state":    {fn: (*Hub).state, roomOnly: true},
	"speaking": {fn: (*Hub).speaking, roomOnly: true},
	"hand":     {fn: (*Hub).hand, roomOnly: true},
}

// Handle acts on one message from m. A message that is refused gets an error back on the
// same channel; m stays connected. Messages from a member that has not joined a room or the
// lobby, or has left, are ignored.
func (h *Hub) Handle(m *Member, data []byte) {
	r, limits, ok := h.attachment(m)
	if !ok {
		return
	}
	if len(data) > MaxMessageBytes {
		m.sendError(CodeTooLarge, "messages are at most 16 KiB")
		return
	}
	var in inbound
	refused := ""
	switch {
	case !utf8.Valid(data):
		refused = CodeBadText
	case !isObject(data) || json.Unmarshal(data, &in) != nil:
		refused = CodeBadJSON
	}
	hd, known := handlers[in.Type]
	if refused == "" && !known {
		refused = CodeUnknownType
	}
	if refused != "" {
		hd = handler{} // a refused message costs what a control message does
	}
	if !limits.allow(hd.text, h.now()) {
		m.sendError(CodeRateLimited, "too many messages: wait a moment")
		return
	}

	if refused != "" {
		m.sendError(refused, refusals[refused])
		return
	}
	if hd.roomOnly && r == nil {
		m.sendError(CodeNotInRoom, "this message is for a room's channel")
		return
	}
	hd.fn(h, m, r, in)
}

// refusals are the sentences that go with the codes of messages Handle cannot decode.
var refusals = map[string]string{
	CodeBadText:     "messages must be valid UTF-8",
	CodeBadJSON:     "a message must be a JSON object",
	CodeUnknownType: "unknown message type",
}

// attachment returns the room m is in (nil for a lobby device) and its user's limits, and
// whether m is in a room or the lobby at all.
func (h *Hub) attachment(m *Member) (*room, *userLimits, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return m.room, m.limits, !m.left && (m.room != nil || m.lobby)
}

// isObject reports whether the JSON text b starts an object; json.Unmarshal accepts null
// for a struct and leaves it untouched.
func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// textProblem says why text may not be sent, or returns "" if it may: it must be 1 to
// MaxTextChars characters, not all white space, without control characters but newline and
// tab, and without the bidirectional embeddings, overrides and isolates of Unicode's UAX #9
// (section 2), with which a message could show its words in another order than it holds
// them. Handle has already checked that the message is valid UTF-8.
func textProblem(text string) string {
	n := utf8.RuneCountInString(text)
	switch {
	case n == 0 || n > MaxTextChars:
		return "text must be 1 to 4000 characters of valid UTF-8"
	case strings.TrimSpace(text) == "":
		return "text must not be only white space"
	case strings.IndexFunc(text, isHiddenControl) >= 0:
		return "text must not contain control characters or direction overrides"
	}
	return ""
}

// isHiddenControl reports whether r controls how text shows rather than showing itself,
// other than a newline or a tab.
func isHiddenControl(r rune) bool {
	switch {
	case r == '\n', r == '\t':
		return false
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return unicode.IsControl(r)
}

// checkMessage validates what chat and direct messages share, and answers m if it fails.
func checkMessage(m *Member, in inbound) bool {
	if problem := textProblem(in.Text); problem != "" {
		m.sendError(CodeBadText, problem)
		return false
	}
	if len(in.ClientID) > MaxClientIDBytes {
		m.sendError(CodeBadRequest, "clientId is at most 128 bytes")
		return false
	}
	return true
}

func (h *Hub) storeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}
