// Package servertest starts a real Confab server for tests: real SQLite in a temporary
// directory, real ICE on loopback, real HTTP on a free port.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/confab/confab/internal/server"
)

// Server is a running test server.
type Server struct {
	// URL is the base URL, such as http://127.0.0.1:41234.
	URL string
	*server.Server
}

// Start runs a server until the test ends. Logs go to the test log at warn level, or debug
// with CONFAB_TEST_DEBUG=1.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartIn(t, t.TempDir())
}

// StartIn runs a server on the given data directory until the test ends.
func StartIn(t testing.TB, dataDir string) *Server {
	t.Helper()
	return StartWith(t, server.Config{DataDir: dataDir, Logger: Logger(t)})
}

// StartWith runs a server with the given settings until the test ends. Ports left at zero
// are picked free.
func StartWith(t testing.TB, cfg server.Config) *Server {
	t.Helper()
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("server stopped with: %v", err)
		}
	})
	return &Server{URL: "http://" + ln.Addr().String(), Server: srv}
}

// Logger returns a logger that writes to the test log.
func Logger(t testing.TB) *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("CONFAB_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(newTestWriter(t), &slog.HandlerOptions{Level: level}))
}

// testWriter sends log lines to the test log, which shows them only when a test fails.
// Pion's goroutines may still log after a test ends, which the testing package forbids, so
// the writer goes quiet when the test's clean-up runs.
type testWriter struct {
	t      testing.TB
	mu     sync.Mutex
	closed bool
}

func newTestWriter(t testing.TB) *testWriter {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
	})
	return w
}

func (w *testWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.t.Log(string(bytes.TrimRight(b, "\n")))
	}
	return len(b), nil
}

// Account is a registered user and its tokens.
type Account struct {
	User struct {
		ID          string `json:"id"`
		Username    string `json:"username"`
		DisplayName string `json:"displayName"`
	} `json:"user"`
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
}

// Register creates a user with a fixed test password and returns its tokens.
func (s *Server) Register(t testing.TB, username string) Account {
	t.Helper()
	body, _ := json.Marshal(map[string]string{
		"username": username, "password": "correct horse battery", "displayName": username,
	})
	resp, err := http.Post(s.URL+"/api/auth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("register %s: %v", username, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register %s: got %d %s, want 201", username, resp.StatusCode, b)
	}
	var a Account
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("register %s: %v", username, fmt.Errorf("decode: %w", err))
	}
	return a
}
