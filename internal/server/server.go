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
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/chat"
	"github.com/confab/confab/sfu"
	"github.com/confab/confab/signaling"
	"github.com/confab/confab/static"
	"github.com/confab/confab/store"
)

// Config holds every setting of a server.
type Config struct {
	// Addr is the HTTP listen address, such as ":8080".
	Addr string
	// DataDir keeps the database and the token signing key.
	DataDir string
	// UDPPort carries all ICE traffic; zero picks free ports, for tests.
	UDPPort int
	// PublicIP is announced in ICE candidates instead of local addresses.
	PublicIP string
	// JWTSecret signs tokens; empty means a key kept in DataDir.
	JWTSecret string
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Server is a running Confab.
type Server struct {
	cfg       Config
	log       *slog.Logger
	store     *store.Store
	auth      *auth.Service
	sfu       *sfu.SFU
	chat      *chat.Hub
	signaling *signaling.Handler
	handler   http.Handler
}

// New opens the store and the media port and builds the HTTP handler. It serves nothing
// until Serve is called or Handler is mounted.
func New(ctx context.Context, cfg Config) (*Server, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: cfg, log: log}

	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.store = st

	s.auth, err = auth.New(st, auth.Config{DataDir: cfg.DataDir, Secret: cfg.JWTSecret,
		Logger: log})
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("set up accounts: %w", err)
	}

	s.sfu, err = sfu.New(sfu.Config{UDPPort: cfg.UDPPort, PublicIP: cfg.PublicIP, Logger: log})
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("set up media: %w", err)
	}

	s.chat = chat.NewHub(log)
	s.signaling = signaling.New(signaling.Config{SFU: s.sfu, Chat: s.chat, Auth: s.auth,
		Logger: log})
	s.handler = s.routes()
	return s, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.auth.Register(mux)
	mux.Handle("GET /ws", s.signaling)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /", http.FileServerFS(static.FS()))
	return mux
}

// Handler serves the API, the WebSocket and the browser client.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers HTTP on ln until ctx ends, then shuts down: it closes every session, waits
// up to ten seconds for requests in flight, and closes the media port and the store.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "data_dir", s.cfg.DataDir,
		"udp", s.sfu.UDPAddrs())

	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.log.Info("shutting down")
	s.signaling.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	<-errc
	s.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Close ends every session and releases the media port and the store.
func (s *Server) Close() {
	s.signaling.Close()
	if err := s.sfu.Close(); err != nil {
		s.log.Warn("close media", "err", err)
	}
	if err := s.store.Close(); err != nil {
		s.log.Warn("close store", "err", err)
	}
}
