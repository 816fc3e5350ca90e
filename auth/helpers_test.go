package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/store"
)

// clock is a settable time source, so tests move past expiry without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testLogger writes to the test's output under -v and discards otherwise.
func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	return slog.New(slog.DiscardHandler)
}

// env is a Service on a real store, served over loopback.
type env struct {
	dir   string
	st    *store.Store
	svc   *Service
	clock *clock
	srv   *httptest.Server
}

// newEnv starts a service on a fresh data directory.
func newEnv(t *testing.T) *env {
	t.Helper()
	return startEnv(t, filepath.Join(t.TempDir(), "data"))
}

// startEnv starts a service on dir, which may hold a previous run's state.
func startEnv(t *testing.T, dir string) *env {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	svc, err := New(st, Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		_ = st.Close()
		t.Fatalf("New: %v", err)
	}
	c := newClock()
	svc.now = c.Now

	mux := http.NewServeMux()
	svc.Register(mux)
	e := &env{dir: dir, st: st, svc: svc, clock: c, srv: httptest.NewServer(mux)}
	t.Cleanup(e.stop)
	return e
}

// stop shuts the server, the service and the store; calling it twice is harmless.
func (e *env) stop() {
	e.srv.Close()
	e.svc.Close()
	_ = e.st.Close()
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
}

func (r response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// call sends a request with an optional JSON body and bearer token.
func (e *env) call(t *testing.T, method, path string, body any, token string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(t, req)
}

// get sends a GET with the given Authorization header, if any.
func (e *env) get(t *testing.T, path, authorization string) response {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return e.do(t, req)
}

func (e *env) do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()

	out := response{status: resp.StatusCode, header: resp.Header}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			t.Fatalf("%s %s: body %q is not a JSON object: %v",
				req.Method, req.URL.Path, raw, err)
		}
	}
	return out
}

// tokens are the credentials of a session answer.
type tokens struct {
	access, refresh string
	user            map[string]any
}

func sessionOf(t *testing.T, r response) tokens {
	t.Helper()
	user, _ := r.body["user"].(map[string]any)
	tk := tokens{access: r.str("accessToken"), refresh: r.str("refreshToken"), user: user}
	if tk.access == "" || tk.refresh == "" || user == nil {
		t.Fatalf("session answer incomplete: %v", r.body)
	}
	return tk
}

// register creates an account over HTTP and returns its session.
func (e *env) register(t *testing.T, username, password string) tokens {
	t.Helper()
	r := e.call(t, "POST", "/api/auth/register",
		map[string]string{"username": username, "password": password}, "")
	if r.status != http.StatusCreated {
		t.Fatalf("register %s: got %d %v, want 201", username, r.status, r.body)
	}
	return sessionOf(t, r)
}

func wantStatus(t *testing.T, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Errorf("%s: got status %d (%v), want %d", what, r.status, r.body, want)
	}
	if want >= 400 && r.str("error") == "" {
		t.Errorf("%s: got body %v, want an error message", what, r.body)
	}
}
