// Package server assembles Confab from its parts: the store, accounts and tokens, the SFU,
// chat, signaling and the embedded browser client, behind one HTTP handler.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/chat"
	"github.com/confab/confab/internal/httpapi"
	"github.com/confab/confab/metrics"
	"github.com/confab/confab/sfu"
	"github.com/confab/confab/signaling"
	"github.com/confab/confab/static"
	"github.com/confab/confab/store"
)

// Defaults of the HTTP server's timeouts.
const (
	DefaultReadTimeout = 30 * time.Second
	DefaultIdleTimeout = 120 * time.Second
	// readHeaderTimeout bounds reading a request's header, which no client needs long for.
	readHeaderTimeout = 10 * time.Second
)

// Config holds every setting of a server.
type Config struct {
	// Addr is the HTTP listen address, such as ":8080".
	Addr string
	// DataDir keeps the database and the token signing key.
	DataDir string
	// UDPPort carries all ICE traffic over UDP; zero picks free ports, for tests.
	UDPPort int
	// TCPPort carries ICE over TCP, for networks that block UDP; zero picks a free port.
	TCPPort int
	// PublicIP is announced in ICE candidates instead of local addresses.
	PublicIP string
	// JWTSecret signs tokens; empty means a key kept in DataDir.
	JWTSecret string
	// AccessTTL and RefreshTTL are the tokens' lifetimes; zero means auth's defaults.
	AccessTTL, RefreshTTL time.Duration
	// AllowedOrigins are the browser origins besides our own that may open the signaling
	// WebSocket, as auth.ParseOrigins returns them.
	AllowedOrigins []string
	// TLSCert and TLSKey, both set, serve HTTPS instead of HTTP.
	TLSCert, TLSKey string
	// DrainTimeout bounds how long Shutdown waits for rooms to empty.
	DrainTimeout time.Duration
	// ReadTimeout bounds reading one request, body included, so that a client sending
	// slowly cannot hold a connection; zero means DefaultReadTimeout. A WebSocket is past
	// it once upgraded: the upgrade clears the connection's deadlines and the signaling
	// session sets its own.
	ReadTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for its next request; zero
	// means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Server is a running Confab.
type Server struct {
	cfg       Config
	log       *slog.Logger
	metrics   *metrics.Metrics
	store     *store.Store
	auth      *auth.Service
	sfu       *sfu.SFU
	chat      *chat.Hub
	signaling *signaling.Handler
	http      *http.Server
	draining  atomic.Bool
	closeOnce sync.Once
}

// New opens the store and the media ports and builds the HTTP handler. It serves nothing
// until Serve is called or Handler is mounted.
func New(ctx context.Context, cfg Config) (*Server, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: cfg, log: log, metrics: metrics.New()}

	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.store = st

	s.auth, err = auth.New(st, auth.Config{DataDir: cfg.DataDir, Secret: cfg.JWTSecret,
		AccessTTL: cfg.AccessTTL, RefreshTTL: cfg.RefreshTTL, Logger: log})
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("set up accounts: %w", err)
	}

	s.sfu, err = sfu.New(sfu.Config{UDPPort: cfg.UDPPort, TCPPort: cfg.TCPPort,
		PublicIP: cfg.PublicIP, Metrics: s.metrics, Logger: log})
	if err != nil {
		s.auth.Close()
		_ = st.Close()
		return nil, fmt.Errorf("set up media: %w", err)
	}

	s.chat = chat.NewHub(st, log, s.metrics)
	s.signaling = signaling.New(signaling.Config{SFU: s.sfu, Chat: s.chat, Auth: s.auth,
		Metrics: s.metrics, Logger: log, CheckOrigin: auth.OriginChecker(cfg.AllowedOrigins)})
	readTimeout := orDefault(cfg.ReadTimeout, DefaultReadTimeout)
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: min(readHeaderTimeout, readTimeout),
		ReadTimeout:       readTimeout,
		IdleTimeout:       orDefault(cfg.IdleTimeout, DefaultIdleTimeout),
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	return s, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// routes serves /api/ from a mux of its own, behind CORS, so that every answer there is
// JSON, errors of routing included; the rest is the WebSocket, the operators' endpoints and
// the browser client.
func (s *Server) routes() http.Handler {
	api := http.NewServeMux()
	s.auth.Register(api)
	s.chat.Register(api, s.auth.RequireUser)
	apiHandler := auth.CORS(s.cfg.AllowedOrigins, httpapi.Routes(api))

	site := http.NewServeMux()
	site.Handle("GET /ws", s.signaling)
	site.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	site.HandleFunc("GET /readyz", s.ready)
	site.Handle("GET /metrics", s.metrics.Handler())
	site.Handle("GET /", static.Handler())

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			apiHandler.ServeHTTP(w, r)
			return
		}
		site.ServeHTTP(w, r)
	})
}

// ready answers 200 while the store answers and the server is not draining.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeText(w, http.StatusServiceUnavailable, "draining")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness: store unreachable", "err", err)
		writeText(w, http.StatusServiceUnavailable, "store unreachable")
		return
	}
	writeText(w, http.StatusOK, "ready")
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}

// Handler serves the API, the WebSocket, the metrics and the browser client.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// SFU is the server's media plane, for tests and benchmarks that reach into it.
func (s *Server) SFU() *sfu.SFU { return s.sfu }

// Metrics is the server's set of collectors.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// Serve answers HTTP, or HTTPS with a certificate configured, on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("serving", "addr", ln.Addr().String(), "tls", s.cfg.TLSCert != "",
		"data_dir", s.cfg.DataDir, "udp", s.sfu.UDPAddrs(), "tcp", s.sfu.TCPAddr())
	var err error
	if s.cfg.TLSCert != "" {
		err = s.http.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
	} else {
		err = s.http.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve: %w", err)
}

// Shutdown drains the server: it turns /readyz to 503, refuses new calls, tells every client
// that the server is going away, and waits for the rooms to empty, for at most DrainTimeout
// or until ctx ends. Then it closes every session, the media ports and the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	s.signaling.Drain()
	n := s.sfu.ParticipantCount()
	s.log.Info("draining", "participants", n, "timeout", s.cfg.DrainTimeout.String())
	if n > 0 && s.cfg.DrainTimeout > 0 {
		s.waitEmpty(ctx)
	}

	s.signaling.Close()
	httpCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(httpCtx)
	s.closeParts()
	s.log.Info("stopped")
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// waitEmpty returns once no participant is left, DrainTimeout has passed or ctx ends.
func (s *Server) waitEmpty(ctx context.Context) {
	deadline := time.NewTimer(s.cfg.DrainTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for s.sfu.ParticipantCount() > 0 {
		select {
		case <-tick.C:
		case <-deadline.C:
			s.log.Warn("drain timeout: closing the remaining calls",
				"participants", s.sfu.ParticipantCount())
			return
		case <-ctx.Done():
			s.log.Warn("drain cut short", "participants", s.sfu.ParticipantCount())
			return
		}
	}
}

// Close stops at once, without draining. It is for a server that never served, and tests.
func (s *Server) Close() {
	s.draining.Store(true)
	s.signaling.Close()
	_ = s.http.Close()
	s.closeParts()
}

func (s *Server) closeParts() {
	s.closeOnce.Do(func() {
		// The chat hub has no goroutine of its own: each member's sender stops when its
		// session, closed before this, leaves.
		s.auth.Close()
		if err := s.sfu.Close(); err != nil {
			s.log.Warn("close media", "err", err)
		}
		if err := s.store.Close(); err != nil {
			s.log.Warn("close store", "err", err)
		}
	})
}
