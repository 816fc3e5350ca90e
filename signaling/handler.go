package signaling

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/chat"
	"github.com/confab/confab/internal/httpapi"
	"github.com/confab/confab/metrics"
	"github.com/confab/confab/sfu"
	"github.com/gorilla/websocket"
)

// Authenticator tells who a request speaks for.
type Authenticator interface {
	Authenticate(r *http.Request) (auth.Identity, error)
}

// Config wires the handler to the parts it drives.
type Config struct {
	SFU     *sfu.SFU
	Chat    *chat.Hub
	Auth    Authenticator
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// CheckOrigin decides whether a browser page of another origin may connect; nil allows
	// only the server's own origin.
	CheckOrigin func(r *http.Request) bool
}

// Handler upgrades authenticated requests to signaling sessions.
type Handler struct {
	cfg      Config
	log      *slog.Logger
	upgrader websocket.Upgrader

	mu       sync.Mutex
	sessions map[*session]struct{}
	draining bool
	wg       sync.WaitGroup
}

// New returns a Handler; serve it at /ws.
func New(cfg Config) *Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	return &Handler{
		cfg: cfg,
		log: log,
		upgrader: websocket.Upgrader{
			ReadBufferSize:  4096,
			WriteBufferSize: 4096,
			CheckOrigin:     cfg.CheckOrigin,
		},
		sessions: make(map[*session]struct{}),
	}
}

// ServeHTTP refuses a page of a foreign origin with 403 and a request without a valid access
// or room token with 401 before any upgrade, then runs the session until the connection
// closes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.CheckOrigin != nil && !h.cfg.CheckOrigin(r) {
		httpapi.Error(w, http.StatusForbidden, "this page's origin may not connect")
		return
	}
	id, err := h.cfg.Auth.Authenticate(r)
	if err != nil {
		if errors.Is(err, auth.ErrTokenExpired) {
			w.Header().Set("Token-Expired", "true")
		}
		httpapi.Error(w, http.StatusUnauthorized, "a valid access token is required")
		return
	}
	if h.isDraining() {
		w.Header().Set("Retry-After", "5")
		httpapi.Error(w, http.StatusServiceUnavailable, "the server is shutting down")
		return
	}
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has already answered with an HTTP error.
		h.log.Debug("websocket upgrade failed", "err", err)
		return
	}

	s := newSession(h, conn, id)
	if !h.track(s) {
		s.closeWith(websocket.CloseGoingAway, "server shutting down")
		s.wait()
		return
	}
	defer h.untrack(s)
	s.run(r.Context())
}

func (h *Handler) track(s *session) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions == nil || h.draining {
		return false
	}
	h.sessions[s] = struct{}{}
	h.wg.Add(1)
	h.cfg.Metrics.WebSockets.Inc()
	return true
}

func (h *Handler) untrack(s *session) {
	h.mu.Lock()
	delete(h.sessions, s)
	h.mu.Unlock()
	h.cfg.Metrics.WebSockets.Dec()
	h.wg.Done()
}

func (h *Handler) isDraining() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.draining
}

// Drain refuses new connections and tells every connected client, with a "going-away"
// message, that the server is shutting down, so it can finish or reconnect elsewhere.
// Sessions stay open until their clients leave or Close ends them.
func (h *Handler) Drain() {
	h.mu.Lock()
	h.draining = true
	all := make([]*session, 0, len(h.sessions))
	for s := range h.sessions {
		all = append(all, s)
	}
	h.mu.Unlock()

	for _, s := range all {
		s.send(Message{Type: TypeGoingAway, Message: "the server is shutting down"})
	}
}

// Close tells every connected client that the server is going away, closes their
// connections and waits for their sessions to end. New connections are refused after it.
func (h *Handler) Close() {
	h.mu.Lock()
	all := h.sessions
	h.sessions = nil
	h.mu.Unlock()

	for s := range all {
		s.closeWith(websocket.CloseGoingAway, "server shutting down")
	}
	h.wg.Wait()
}
