package server_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/server"
	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/store"
)

// scrape reads /metrics into a map from series (name with labels) to value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

func TestMetricsFollowACall(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var pubs sync.WaitGroup
	pubCtx, stop := context.WithCancel(ctx)
	defer func() { stop(); pubs.Wait() }()
	var ids []string
	recvs := []*receiver{newReceiver(), newReceiver()}
	for i, name := range []string{"ada", "brian"} {
		acct := srv.Register(t, name)
		pub := newPublisher(t, acct.User.ID)
		c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken,
			Room: "metered", Tracks: pub.locals(), OnTrack: recvs[i].onTrack})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ids = append(ids, c.Self.ID, acct.User.ID)
		pubs.Add(1)
		go pub.run(pubCtx, &pubs)
	}
	for _, r := range recvs {
		err := r.waitFor(ctx, func(got map[string]*received) bool {
			return len(got) == 2 && got[firstKey(got)].packets > 20
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	m := scrape(t, srv.URL)
	checks := []struct {
		series string
		min    float64
		max    float64
	}{
		{"confab_rooms", 1, 1},
		{"confab_participants", 2, 2},
		{`confab_tracks_published{kind="video"}`, 2, 2},
		{`confab_tracks_published{kind="audio"}`, 2, 2},
		{`confab_tracks_subscribed{kind="video"}`, 2, 2},
		{`confab_rtp_packets_received_total{kind="video"}`, 40, 1e9},
		{`confab_rtp_packets_sent_total{kind="audio"}`, 40, 1e9},
		{`confab_rtp_bytes_sent_total{kind="video"}`, 1000, 1e12},
		{`confab_keyframe_requests_total{direction="to_publisher"}`, 1, 1e9},
		{"confab_join_seconds_count", 2, 2},
		{"confab_websocket_connections", 2, 2},
		{"process_resident_memory_bytes", 1, 1e12},
		{"go_goroutines", 1, 1e9},
	}
	for _, c := range checks {
		v, ok := m[c.series]
		if !ok || v < c.min || v > c.max {
			t.Errorf("%s = %v (present %v), want between %v and %v", c.series, v, ok, c.min, c.max)
		}
	}

	// No series carries a participant, user or room: labels stay bounded.
	for series := range m {
		for _, id := range append(ids, "metered") {
			if strings.Contains(series, id) {
				t.Errorf("series %s names %q: labels must not grow with users or rooms",
					series, id)
			}
		}
	}
}

func firstKey(m map[string]*received) string {
	for k := range m {
		return k
	}
	return ""
}

var statusLine = regexp.MustCompile(`^(ready|draining)`)

func readyz(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatalf("readyz: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, statusLine.FindString(string(b))
}

func TestDrainTellsClientsAndWaitsForRooms(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartWith(t, server.Config{DataDir: dir, DrainTimeout: 20 * time.Second,
		Logger: servertest.Logger(t)})
	if code, _ := readyz(t, srv.URL); code != http.StatusOK {
		t.Fatalf("readyz before drain: got %d, want 200", code)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	acct := srv.Register(t, "stayer")
	c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken, Room: "r"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	stopped := make(chan error, 1)
	go func() { stopped <- srv.Shutdown(ctx) }()

	select {
	case <-c.GoingAway():
	case <-ctx.Done():
		t.Fatal("no going-away message")
	}
	if code, body := readyz(t, srv.URL); code != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: got %d %q, want 503", code, body)
	}
	select {
	case err := <-stopped:
		t.Fatalf("shutdown returned (%v) while a participant was still in a room", err)
	default:
	}

	// The last participant leaves: the drain ends well before its timeout.
	left := time.Now()
	c.Leave()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("shutdown did not finish after the room emptied")
	}
	if d := time.Since(left); d > 5*time.Second {
		t.Errorf("shutdown took %s after the room emptied", d)
	}
	assertStoreConsistent(t, dir, acct.User.ID)
}

func TestDrainTimeoutClosesRemainingCalls(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartWith(t, server.Config{DataDir: dir, DrainTimeout: time.Second,
		Logger: servertest.Logger(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	acct := srv.Register(t, "lingerer")
	c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken, Room: "r"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %s with a 1 s drain timeout", d)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("the remaining client was not disconnected")
	}
	ce, ok := client.CloseError(c.Err())
	if !ok || ce.Code != 1001 {
		t.Errorf("client closed with %v, want close code 1001", c.Err())
	}
	assertStoreConsistent(t, dir, acct.User.ID)
}

// assertStoreConsistent opens the data directory after a shutdown: the database passes
// SQLite's integrity check and still holds the user.
func assertStoreConsistent(t *testing.T, dir, userID string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen store: %v", err)
	}
	defer st.Close()
	var result string
	if err := st.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil ||
		result != "ok" {
		t.Errorf("integrity check: %q %v", result, err)
	}
	if _, err := st.UserByID(ctx, userID); err != nil {
		t.Errorf("user after shutdown: %v", err)
	}
}
