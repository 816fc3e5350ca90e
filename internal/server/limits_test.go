package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confab/confab/internal/servertest"
)

func TestChatLimitsAnswerErrorsAndKeepTheSender(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ada := srv.Register(t, "ada")
	inRoom := roomPeer(ctx, t, srv, ada, "demo")
	lobby := lobbyPeer(ctx, t, srv, ada)

	cases := []struct {
		name string
		on   *peer
		send string
		code string
	}{
		{"invalid UTF-8", inRoom, "{\"type\":\"chat\",\"text\":\"\xff\xfe\"}", "bad_text"},
		{"not JSON", inRoom, `hello`, "bad_json"},
		{"null", inRoom, `null`, "bad_json"},
		{"only white space", inRoom, `{"type":"chat","text":" \n "}`, "bad_text"},
		{"a direction override", lobby, `{"type":"dm","to":"u_0","text":"\u202egnp.exe"}`,
			"bad_text"},
		{"wrong field type", inRoom, `{"type":"hand","raised":"yes"}`, "bad_json"},
		{"no type", inRoom, `{"text":"hi"}`, "unknown_type"},
		{"empty text", inRoom, `{"type":"chat","text":""}`, "bad_text"},
		{"4001 characters", inRoom,
			`{"type":"chat","text":"` + strings.Repeat("ü", 4001) + `"}`, "bad_text"},
		{"client id too long", inRoom,
			`{"type":"chat","text":"hi","clientId":"` + strings.Repeat("c", 129) + `"}`,
			"bad_request"},
		{"private to a stranger", inRoom, `{"type":"chat","text":"hi","to":["p0"]}`,
			"bad_recipient"},
		{"private to no list", inRoom, `{"type":"chat","text":"hi","to":"p0"}`, "bad_recipient"},
		{"direct to nobody", inRoom, `{"type":"dm","text":"hi"}`, "bad_recipient"},
		{"direct to an unknown user", lobby, `{"type":"dm","text":"hi","to":"u_0"}`,
			"bad_recipient"},
		{"direct to oneself", lobby, `{"type":"dm","text":"hi","to":"` + ada.User.ID + `"}`,
			"bad_recipient"},
		{"speaking without a value", inRoom, `{"type":"speaking"}`, "bad_request"},
		{"read without a user", lobby, `{"type":"read","upTo":3}`, "bad_request"},
		{"room chat on the lobby", lobby, `{"type":"chat","text":"hi"}`, "not_in_room"},
		{"hand on the lobby", lobby, `{"type":"hand","raised":true}`, "not_in_room"},
		{"over 16 KiB", lobby, `{"type":"dm","text":"` + strings.Repeat("a", 16<<10) + `"}`,
			"too_large"},
	}
	for _, tc := range cases {
		if err := tc.on.SendChat([]byte(tc.send)); err != nil {
			t.Fatalf("%s: send: %v", tc.name, err)
		}
		if m := tc.on.next(ctx, t, "error"); m.Code != tc.code {
			t.Errorf("%s: got error %q, want %q", tc.name, m.Code, tc.code)
		}
	}

	// Over five messages a second, after a burst of twenty, across both devices: the
	// surplus is refused, and the sender stays connected.
	for i := range 30 {
		from := inRoom
		if i%2 == 1 {
			from = lobby
		}
		from.send(t, map[string]any{"type": "chat", "text": "flood"})
		if from == lobby {
			lobby.next(ctx, t, "error") // lobby chat is refused anyway, but costs a token
		}
	}
	if m := inRoom.next(ctx, t, "error"); m.Code != "rate_limited" {
		t.Errorf("flood: got error %q, want rate_limited", m.Code)
	}

	inRoom.send(t, map[string]any{"type": "hand", "raised": true})
	if m := inRoom.next(ctx, t, "hand"); !m.Participant.Hand {
		t.Errorf("after the flood: got %+v, want the raised hand", m.Participant)
	}
	select {
	case <-inRoom.Done():
		t.Error("the room connection closed")
	case <-lobby.Done():
		t.Error("the lobby connection closed")
	default:
	}
	assertServing(t, srv)
}
