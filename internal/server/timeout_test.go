package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/confab/confab/internal/server"
	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/signaling"
)

// TestWebSocketOutlivesReadTimeout shows that the HTTP server's ReadTimeout cuts off a slow
// request body but not a WebSocket: the upgrade clears the connection's deadlines (net/http
// when it hands the connection over, gorilla/websocket once more) and the signaling session
// sets its own. The slow request starts after the WebSocket's last message, so when the
// server has cut it, the WebSocket has been idle for longer than ReadTimeout.
func TestWebSocketOutlivesReadTimeout(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	srv := servertest.StartWith(t, server.Config{DataDir: t.TempDir(),
		Logger: servertest.Logger(t), ReadTimeout: readTimeout})
	acct := srv.Register(t, "patient")
	ws := dialWS(t, srv, acct.AccessToken)
	send := func(msg string) signaling.Message {
		t.Helper()
		if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatalf("write %s: %v", msg, err)
		}
		return readMessage(t, ws)
	}
	if m := send(`{"type":"dance"}`); m.Code != signaling.CodeUnknownType {
		t.Fatalf("got %+v, want an unknown_type error", m)
	}

	start := time.Now()
	slowBody(t, strings.TrimPrefix(srv.URL, "http://"))
	if d := time.Since(start); d < readTimeout {
		t.Fatalf("the slow request ended after %s, before the read timeout of %s", d,
			readTimeout)
	}

	if m := send(`{"type":"dance"}`); m.Code != signaling.CodeUnknownType {
		t.Errorf("after the read timeout: got %+v, want an unknown_type error", m)
	}
	if m := send(`{"type":"join","room":"demo"}`); m.Type != signaling.TypeJoined {
		t.Errorf("after the read timeout: got %+v, want joined", m)
	}
}

// slowBody sends a request whose body never arrives and returns once the server has closed
// the connection.
func slowBody(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /api/auth/login HTTP/1.1\r\nHost: "+addr+"\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, bufio.NewReader(conn))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the server kept a request without its body open for 10 s")
	}
}

// TestCloseStopsEveryGoroutine checks that closing a server stops what its parts started,
// the sign-in throttle's sweep among them, which a failed sign-in starts.
func TestCloseStopsEveryGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv, err := server.New(context.Background(), server.Config{DataDir: t.TempDir(),
		Logger: servertest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Post(ts.URL+"/api/auth/login", "application/json",
		strings.NewReader(`{"username":"nobody","password":"wrong password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("failed sign-in: got %d, want 401", resp.StatusCode)
	}
	ts.Close()
	srv.Close()
}
