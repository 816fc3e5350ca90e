package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/signaling"
	"github.com/gorilla/websocket"
)

func TestConnectIsOncePerConnection(t *testing.T) {
	srv := servertest.Start(t)
	acct := srv.Register(t, "ada")
	conn := dialWS(t, srv, acct.AccessToken)

	steps := []struct {
		name, send, wantType, wantCode string
	}{
		{"connect", `{"type":"connect"}`, signaling.TypeConnected, ""},
		{"connect again", `{"type":"connect"}`, "error", signaling.CodeAlreadyJoined},
		{"join after connect", `{"type":"join","room":"demo"}`, "error",
			signaling.CodeAlreadyJoined},
	}
	for _, st := range steps {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(st.send)); err != nil {
			t.Fatalf("%s: write: %v", st.name, err)
		}
		m := readMessage(t, conn)
		if m.Type != st.wantType || m.Code != st.wantCode {
			t.Errorf("%s: got %s/%s, want %s/%s", st.name, m.Type, m.Code, st.wantType,
				st.wantCode)
		}
		if m.Type == signaling.TypeConnected &&
			(m.Participant == nil || m.Participant.UserID != acct.User.ID) {
			t.Errorf("%s: got participant %+v, want ada's", st.name, m.Participant)
		}
	}
}

func TestGuestHasNoLobbyButChatsInItsRoom(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.StartIn(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok := roomToken(t, dir, auth.RoomGrant{Room: "demo", Identity: "Visitor"})

	_, err := client.Connect(ctx, client.Config{URL: srv.URL, Token: tok})
	ce, ok := client.CloseError(err)
	if !ok || ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("guest connects to the lobby: got %v, want close 1008", err)
	}

	guest := roomPeer(ctx, t, srv, servertest.Account{AccessToken: tok}, "demo")
	host := srv.Register(t, "host")
	guest.send(t, say("hello from a guest", ""))
	if m := guest.next(ctx, t, "chat"); m.Text != "hello from a guest" ||
		!strings.HasPrefix(m.From.UserID, "guest:Visitor:") {
		t.Errorf("guest's chat: got %+v", m)
	}
	guest.send(t, dm(host.User.ID, "psst", ""))
	if m := guest.next(ctx, t, "error"); m.Code != "not_allowed" {
		t.Errorf("guest's direct message: got %q, want not_allowed", m.Code)
	}
}
