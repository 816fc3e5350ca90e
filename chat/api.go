package chat

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/internal/httpapi"
	"github.com/confab/confab/store"
)

// Page sizes of the history endpoints.
const (
	DefaultPageLen = 50
	MaxPageLen     = 100
)

// errBadPage reports a before or limit query parameter that is not a fitting number.
var errBadPage = errors.New("chat: bad page parameters")

// Register mounts the chat endpoints on mux, each behind guard, which must put the caller's
// auth.Identity in the request context (as auth's RequireUser does):
//
//	GET /api/users                         every user with its presence
//	GET /api/rooms/{room}/messages         a room's history, for users who have been in it
//	GET /api/messages/{user}               the direct messages with one user
//
// The history endpoints take ?before=ID (only older messages) and ?limit=N (1 to 100).
func (h *Hub) Register(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("GET /api/users", guard(http.HandlerFunc(h.serveUsers)))
	mux.Handle("GET /api/rooms/{room}/messages", guard(http.HandlerFunc(h.serveRoomHistory)))
	mux.Handle("GET /api/messages/{user}", guard(http.HandlerFunc(h.serveDirectHistory)))
}

func (h *Hub) serveUsers(w http.ResponseWriter, r *http.Request) {
	users, err := h.Users(r.Context())
	if err != nil {
		h.log.Error("chat api: list users", "err", err)
		httpapi.Error(w, http.StatusServiceUnavailable, "the user list is unavailable")
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"users": users})
}

func (h *Hub) serveRoomHistory(w http.ResponseWriter, r *http.Request) {
	id, before, limit, ok := historyRequest(w, r)
	if !ok {
		return
	}
	room := r.PathValue("room")
	visited, err := h.store.HasVisitedRoom(r.Context(), room, id.UserID)
	if err != nil {
		h.log.Error("chat api: room visit", "room", room, "err", err)
		httpapi.Error(w, http.StatusServiceUnavailable, "history is unavailable")
		return
	}
	if !visited {
		httpapi.Error(w, http.StatusForbidden, "only people who have been in a room read it")
		return
	}
	msgs, err := h.store.RoomMessages(r.Context(), room, id.UserID, before, limit)
	if err != nil {
		h.log.Error("chat api: room history", "room", room, "err", err)
		httpapi.Error(w, http.StatusServiceUnavailable, "history is unavailable")
		return
	}
	out := make([]Message, len(msgs))
	for i, sm := range msgs {
		out[i] = roomWire(sm)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"messages": out})
}

func (h *Hub) serveDirectHistory(w http.ResponseWriter, r *http.Request) {
	id, before, limit, ok := historyRequest(w, r)
	if !ok {
		return
	}
	other := r.PathValue("user")
	if _, err := h.store.UserByID(r.Context(), other); errors.Is(err, store.ErrNotFound) {
		httpapi.Error(w, http.StatusNotFound, "no such user")
		return
	} else if err != nil {
		h.log.Error("chat api: find user", "err", err)
		httpapi.Error(w, http.StatusServiceUnavailable, "history is unavailable")
		return
	}
	msgs, err := h.store.DirectMessages(r.Context(), id.UserID, other, before, limit)
	if err != nil {
		h.log.Error("chat api: direct history", "err", err)
		httpapi.Error(w, http.StatusServiceUnavailable, "history is unavailable")
		return
	}
	out := make([]Direct, len(msgs))
	for i, sm := range msgs {
		out[i] = directWire(sm)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// identity returns the caller the guard let through; without one it answers 401.
func identity(w http.ResponseWriter, r *http.Request) (auth.Identity, bool) {
	id, ok := auth.IdentityFrom(r.Context())
	if !ok || id.UserID == "" {
		httpapi.Error(w, http.StatusUnauthorized, "a valid access token is required")
		return auth.Identity{}, false
	}
	return id, true
}

// page reads ?before=ID&limit=N; before 0 means from the newest.
// historyRequest reads who asks for a history page and which page; when either is missing
// or wrong it has already answered (401 or 400) and reports false.
func historyRequest(w http.ResponseWriter, r *http.Request) (auth.Identity, int64, int, bool) {
	id, ok := identity(w, r)
	if !ok {
		return auth.Identity{}, 0, 0, false
	}
	before, limit, err := page(r)
	if err != nil {
		httpapi.Error(w, http.StatusBadRequest, "before must be an id and limit 1 to 100")
		return auth.Identity{}, 0, 0, false
	}
	return id, before, limit, true
}

func page(r *http.Request) (before int64, limit int, err error) {
	q := r.URL.Query()
	limit = DefaultPageLen
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > MaxPageLen {
			return 0, 0, errBadPage
		}
	}
	if s := q.Get("before"); s != "" {
		if before, err = strconv.ParseInt(s, 10, 64); err != nil || before < 1 {
			return 0, 0, errBadPage
		}
	}
	return before, limit, nil
}
