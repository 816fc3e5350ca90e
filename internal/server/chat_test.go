package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
)

// chatMsg is any data channel message, decoded loosely for tests.
type chatMsg struct {
	Type         string    `json:"type"`
	ID           int64     `json:"id"`
	Text         string    `json:"text"`
	Code         string    `json:"code"`
	ClientID     string    `json:"clientId"`
	Time         time.Time `json:"time"`
	From         struct{ ID, UserID, Name string }
	To           json.RawMessage `json:"to"`
	Private      bool            `json:"private"`
	History      bool            `json:"history"`
	Read         bool            `json:"read"`
	Participant  entryMsg
	Participants []entryMsg
	Users        []userMsg
	More         bool `json:"more"`
	User         userMsg
	Rooms        []struct {
		Name string
		Size int
	}
	Room struct {
		Name string
		Size int
	}
	With string `json:"with"`
	UpTo int64  `json:"upTo"`
}

// entryMsg is a participant entry of a room.
type entryMsg struct {
	ID, UserID, Name             string
	Audio, Video, Speaking, Hand bool
}

// userMsg is a user entry of the lobby.
type userMsg struct {
	ID, Username, DisplayName string
	Online                    bool
	Devices                   int
	Rooms                     []string
}

// inbox collects a client's data channel messages in order.
type inbox struct {
	mu     sync.Mutex
	msgs   []chatMsg
	read   int
	change chan struct{}
}

func newInbox() *inbox { return &inbox{change: make(chan struct{}, 1)} }

func (in *inbox) add(b []byte) {
	var m chatMsg
	if err := json.Unmarshal(b, &m); err != nil {
		m = chatMsg{Type: "undecodable: " + string(b)}
	}
	in.mu.Lock()
	in.msgs = append(in.msgs, m)
	in.mu.Unlock()
	select {
	case in.change <- struct{}{}:
	default:
	}
}

// next returns the first unread message that matches, skipping the others.
func (in *inbox) next(ctx context.Context, t *testing.T, match func(chatMsg) bool) chatMsg {
	t.Helper()
	for {
		in.mu.Lock()
		for in.read < len(in.msgs) {
			m := in.msgs[in.read]
			in.read++
			if match(m) {
				in.mu.Unlock()
				return m
			}
		}
		in.mu.Unlock()
		select {
		case <-in.change:
		case <-ctx.Done():
			t.Fatalf("no matching data channel message: %v", ctx.Err())
		}
	}
}

func waitOpen(ctx context.Context, t *testing.T, c *client.Client) {
	t.Helper()
	select {
	case <-c.ChatReady():
	case <-ctx.Done():
		t.Fatal("data channel did not open")
	}
}

func TestChatReachesEveryoneWithJoinAndLeave(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	names := []string{"ada", "brian", "chen"}
	clients := make([]*client.Client, 3)
	inboxes := make([]*inbox, 3)
	for i, name := range names {
		acct := srv.Register(t, name)
		inboxes[i] = newInbox()
		c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken,
			Room: "demo", OnMessage: inboxes[i].add})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients[i] = c
		waitOpen(ctx, t, c)
		roster := inboxes[i].next(ctx, t, func(m chatMsg) bool { return m.Type == "roster" })
		if len(roster.Participants) != i+1 {
			t.Errorf("%s: roster has %d entries, want %d", name, len(roster.Participants), i+1)
		}
		// Everyone already in the room hears of the newcomer.
		for j := range i {
			m := inboxes[j].next(ctx, t, func(m chatMsg) bool { return m.Type == "join" })
			if m.Participant.ID != c.Self.ID || m.Participant.Name != name {
				t.Errorf("%s: join event for %+v, want %s", names[j], m.Participant, name)
			}
		}
	}

	for i, c := range clients {
		text := fmt.Sprintf("hello from %s", names[i])
		msg := fmt.Sprintf(`{"type":"chat","text":%q,"clientId":"c%d"}`, text, i)
		if err := c.SendChat([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		var id int64
		for j := range clients {
			m := inboxes[j].next(ctx, t, func(m chatMsg) bool { return m.Type == "chat" })
			if m.Text != text || m.From.ID != c.Self.ID || m.From.Name != names[i] ||
				m.Time.IsZero() {
				t.Errorf("%s got %+v, want %q from %s", names[j], m, text, names[i])
			}
			if j == 0 {
				id = m.ID
			} else if m.ID != id {
				t.Errorf("%s got id %d, %s got %d", names[0], id, names[j], m.ID)
			}
			if m.ClientID != fmt.Sprintf("c%d", i) {
				t.Errorf("%s: clientId %q, want c%d", names[j], m.ClientID, i)
			}
		}
	}

	leaving := clients[2].Self.ID
	clients[2].Leave()
	for j := range 2 {
		m := inboxes[j].next(ctx, t, func(m chatMsg) bool { return m.Type == "leave" })
		if m.Participant.ID != leaving {
			t.Errorf("%s: leave event for %s, want %s", names[j], m.Participant.ID, leaving)
		}
	}
}
