package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/store"
)

// freePort returns a port nothing listens on, for TCP or UDP.
func freePort(t *testing.T, network string) int {
	t.Helper()
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	default:
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
}

// logBuffer collects a command's log, written from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSIGTERMDrainsACall runs the real command, holds a call, and sends the process SIGTERM:
// the client hears that the server is going away, the server closes the call when the drain
// timeout ends, the store is left consistent, and the JSON log names the signal and the
// timeout as a person reads them.
func TestSIGTERMDrainsACall(t *testing.T) {
	dir := t.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t, "tcp"))
	args := []string{"serve", "--addr", addr, "--data-dir", dir,
		"--udp-port", strconv.Itoa(freePort(t, "udp")),
		"--tcp-port", strconv.Itoa(freePort(t, "tcp")),
		"--drain-timeout", "1s", "--log-format", "json"}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var logs logBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, io.Discard, &logs) }()

	url := "http://" + addr
	waitHealthy(ctx, t, url, done)
	srv := &servertest.Server{URL: url}
	acct := srv.Register(t, "caller")
	c, err := client.Join(ctx, client.Config{URL: url, Token: acct.AccessToken, Room: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.GoingAway():
	case <-ctx.Done():
		t.Fatal("no going-away message after SIGTERM")
	}
	start := time.Now()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the server did not stop after its drain timeout")
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("stopping took %s with a 1 s drain timeout", d)
	}
	for _, want := range []string{`"signal":"terminated"`, `"timeout":"1s"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log: got %s, want it to hold %s", logs.String(), want)
		}
	}
	<-c.Done()
	if ce, ok := client.CloseError(c.Err()); !ok || ce.Code != 1001 {
		t.Errorf("client closed with %v, want close code 1001", c.Err())
	}

	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("reopen store: %v", err)
	}
	defer st.Close()
	var check string
	if err := st.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil ||
		check != "ok" {
		t.Errorf("integrity check: %q %v", check, err)
	}
	if _, err := st.UserByID(context.Background(), acct.User.ID); err != nil {
		t.Errorf("user after SIGTERM: %v", err)
	}
}

// waitHealthy polls /healthz until it answers 200, the command exits or ctx ends.
func waitHealthy(ctx context.Context, t *testing.T, url string, done <-chan error) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v", err)
		case <-ctx.Done():
			t.Fatal(fmt.Errorf("server never became healthy: %w", ctx.Err()))
		case <-tick.C:
		}
	}
}
