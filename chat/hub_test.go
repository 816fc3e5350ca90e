package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/confab/confab/store"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newTestHub returns a hub on a fresh store whose clock the test moves.
func newTestHub(t testing.TB) (*Hub, *time.Time) {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	h := NewHub(st, nil, nil)
	now := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return now }
	return h, &now
}

// testMember is a member whose messages land in a channel.
type testMember struct {
	*Member
	out chan []byte
}

func newTestMember(t testing.TB, h *Hub, id, user string) testMember {
	t.Helper()
	out := make(chan []byte, 1024)
	m := NewMember(Entry{ID: id, UserID: user, Name: user},
		func(b []byte) error { out <- b; return nil }, nil)
	t.Cleanup(func() { h.Leave(m) })
	return testMember{Member: m, out: out}
}

// wire is any outgoing message, decoded loosely.
type wire struct {
	Type string `json:"type"`
	Code string `json:"code"`
	Text string `json:"text"`
	ID   int64  `json:"id"`
}

// next returns the next message of the given type, skipping others; "" takes any.
func (tm testMember) next(t *testing.T, typ string) wire {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case b := <-tm.out:
			var w wire
			if err := json.Unmarshal(b, &w); err != nil {
				t.Fatalf("undecodable: %s", b)
			}
			if typ == "" || w.Type == typ {
				return w
			}
		case <-deadline:
			t.Fatalf("no %q message", typ)
		}
	}
}

// outcome waits for the answer to a chat message with text: "ok" for its echo, or the code
// of the error that refused it.
func (tm testMember) outcome(t *testing.T, text string) string {
	t.Helper()
	for {
		w := tm.next(t, "")
		switch {
		case w.Type == "error":
			return w.Code
		case w.Type == "chat" && w.Text == text:
			return "ok"
		}
	}
}

func TestRateLimitIsPerUserAcrossDevices(t *testing.T) {
	h, now := newTestHub(t)
	a := newTestMember(t, h, "p1", "u_ada")
	b := newTestMember(t, h, "p2", "u_ada")
	other := newTestMember(t, h, "p3", "u_bob")
	for _, m := range []testMember{a, b, other} {
		h.Join("demo", m.Member)
	}

	n := 0
	send := func(m testMember) string {
		n++
		text := fmt.Sprintf("m%d", n)
		h.Handle(m.Member, fmt.Appendf(nil, `{"type":"chat","text":%q}`, text))
		return m.outcome(t, text)
	}
	steps := []struct {
		name  string
		from  testMember
		count int
		want  string
		wait  time.Duration
	}{
		{"the burst, from both devices", a, TextBurst / 2, "ok", 0},
		{"the burst, from both devices", b, TextBurst / 2, "ok", 0},
		{"past the burst", a, 1, CodeRateLimited, 0},
		{"past the burst, other device", b, 1, CodeRateLimited, 0},
		{"another user", other, 1, "ok", 0},
		{"a second later", a, TextPerSecond, "ok", time.Second},
		{"past the second's share", b, 1, CodeRateLimited, 0},
	}
	for _, st := range steps {
		*now = now.Add(st.wait)
		for i := range st.count {
			if got := send(st.from); got != st.want {
				t.Fatalf("%s, message %d: got %q, want %q", st.name, i, got, st.want)
			}
		}
	}

	// Presence events have their own budget: a hand still goes up.
	h.Handle(a.Member, []byte(`{"type":"hand","raised":true}`))
	a.next(t, "hand")
}

func TestJoinLeaveAndConnectConcurrently(t *testing.T) {
	h, _ := newTestHub(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			user := fmt.Sprintf("u_%d", i%3)
			for j := range 10 {
				m := newTestMember(t, h, fmt.Sprintf("p%d-%d", i, j), user)
				if j%2 == 0 {
					h.Connect(m.Member)
				} else {
					h.Join(fmt.Sprintf("room%d", j%3), m.Member)
				}
				h.Handle(m.Member, []byte(`{"type":"hand","raised":true}`))
				h.Leave(m.Member)
			}
		})
	}
	wg.Wait()

	h.mu.Lock()
	rooms := len(h.rooms)
	h.mu.Unlock()
	h.lobby.mu.Lock()
	users, lobbyRooms := len(h.lobby.users), len(h.lobby.rooms)
	h.lobby.mu.Unlock()
	h.limits.mu.Lock()
	limits := len(h.limits.users)
	h.limits.mu.Unlock()
	if rooms+users+lobbyRooms+limits != 0 {
		t.Errorf("after everyone left: got %d rooms, %d users, %d lobby rooms, %d limits, "+
			"want none", rooms, users, lobbyRooms, limits)
	}
}

// FuzzHandle feeds arbitrary messages to a room member and a lobby device: each is acted on
// or refused, and nothing panics.
func FuzzHandle(f *testing.F) {
	for _, seed := range []string{
		`{"type":"chat","text":"hi","clientId":"c1"}`,
		`{"type":"chat","text":"hi","to":["p2"]}`,
		`{"type":"dm","to":"u_bob","text":"hi"}`,
		`{"type":"read","with":"u_bob","upTo":1}`,
		`{"type":"state","audio":false}`,
		`{"type":"speaking","speaking":true}`,
		`{"type":"hand","raised":true}`,
		`{"type":"chat","to":{},"text":[]}`,
		"{\"type\":\"chat\",\"text\":\"\xff\"}",
		`[]`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	h, now := newTestHub(f)
	inRoom := newTestMember(f, h, "p1", "u_ada")
	peer := newTestMember(f, h, "p2", "u_bob")
	lobby := newTestMember(f, h, "p3", "u_ada")
	h.Join("demo", inRoom.Member)
	h.Join("demo", peer.Member)
	h.Connect(lobby.Member)
	drain := func(ch chan []byte) {
		for len(ch) > 0 {
			<-ch
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		*now = now.Add(time.Second) // no run is refused for the runs before it
		h.Handle(inRoom.Member, data)
		h.Handle(lobby.Member, data)
		drain(inRoom.out)
		drain(peer.out)
		drain(lobby.out)
	})
}
