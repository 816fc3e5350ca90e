package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
	"github.com/confab/confab/signaling"
	"github.com/gorilla/websocket"
)

// dialWS opens a raw signaling WebSocket, to send what no well-behaved client would.
func dialWS(t *testing.T, srv *servertest.Server, token string) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws?access_token=" + token
	conn, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func readMessage(t *testing.T, conn *websocket.Conn) signaling.Message {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m signaling.Message
	if err := conn.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	return m
}

func TestSignalingRefusesBadInput(t *testing.T) {
	srv := servertest.Start(t)
	acct := srv.Register(t, "mallory")
	conn := dialWS(t, srv, acct.AccessToken)

	steps := []struct {
		name     string
		send     string
		wantType string
		wantCode string
	}{
		{"malformed JSON", `{"type": "join", `, "error", signaling.CodeBadJSON},
		{"not an object", `[1,2,3]`, "error", signaling.CodeBadJSON},
		{"null", `null`, "error", signaling.CodeBadJSON},
		{"a string", `"join"`, "error", signaling.CodeBadJSON},
		{"unknown type", `{"type":"dance"}`, "error", signaling.CodeUnknownType},
		{"no type", `{"room":"demo"}`, "error", signaling.CodeUnknownType},
		{"offer before join", `{"type":"offer","sdp":"v=0"}`, "error", signaling.CodeNotJoined},
		{"bad room name", `{"type":"join","room":"no spaces"}`, "error", signaling.CodeBadRequest},
		{"room name too long", `{"type":"join","room":"` + strings.Repeat("a", 65) + `"}`,
			"error", signaling.CodeBadRequest},
		{"join", `{"type":"join","room":"demo"}`, "joined", ""},
		{"second join", `{"type":"join","room":"other"}`, "error", signaling.CodeAlreadyJoined},
		{"SDP that is not SDP", `{"type":"offer","sdp":"hello, server"}`, "error",
			signaling.CodeBadSDP},
		{"empty SDP", `{"type":"offer"}`, "error", signaling.CodeBadSDP},
		{"answer with no offer out", `{"type":"answer","sdp":"nonsense"}`, "error",
			signaling.CodeBadSDP},
		{"bad candidate target", `{"type":"candidate","target":"nowhere","candidate":{}}`,
			"error", signaling.CodeBadRequest},
		{"bad candidate", `{"type":"candidate","target":"publisher",` +
			`"candidate":{"candidate":"candidate:garbage"}}`, "error", signaling.CodeBadCandidate},
	}
	for _, st := range steps {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(st.send)); err != nil {
			t.Fatalf("%s: write: %v", st.name, err)
		}
		m := readMessage(t, conn)
		if m.Type != st.wantType || m.Code != st.wantCode {
			t.Errorf("%s: got %s/%s %q, want %s/%s", st.name, m.Type, m.Code, m.Message,
				st.wantType, st.wantCode)
		}
		if m.Type == "error" && m.Message == "" {
			t.Errorf("%s: error without a message", st.name)
		}
	}

	// A frame over 64 KiB closes the connection with 1009.
	big := `{"type":"offer","sdp":"` + strings.Repeat("x", signaling.MaxMessageBytes) + `"}`
	_ = conn.WriteMessage(websocket.TextMessage, []byte(big))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("oversized frame: got %v, want close 1009", err)
	}

	assertServing(t, srv)
}

func TestSignalingRefusesMissingToken(t *testing.T) {
	srv := servertest.Start(t)
	for _, tc := range []struct{ name, query string }{
		{"no token", ""},
		{"garbage token", "?access_token=not.a.jwt"},
		{"tampered token", "?access_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
	} {
		resp, err := http.Get(srv.URL + "/ws" + tc.query)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Error string }
		if resp.StatusCode != http.StatusUnauthorized || json.Unmarshal(body, &e) != nil ||
			e.Error == "" {
			t.Errorf("%s: got %d %s, want 401 with a JSON error", tc.name, resp.StatusCode, body)
		}
	}
}

func TestChatRefusesOversizedAndBadMessages(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	acct := srv.Register(t, "talker")
	inbox := newInbox()
	c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken, Room: "demo",
		OnMessage: inbox.add})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitOpen(ctx, t, c)

	cases := []struct {
		name, send, wantCode string
	}{
		{"over 16 KiB", `{"type":"chat","text":"` + strings.Repeat("a", 17<<10) + `"}`, "too_large"},
		{"malformed", `{"type":"chat",`, "bad_json"},
		{"unknown type", `{"type":"shout","text":"hi"}`, "unknown_type"},
		{"empty text", `{"type":"chat","text":""}`, "bad_text"},
		{"over 4000 characters", `{"type":"chat","text":"` + strings.Repeat("é", 4001) + `"}`,
			"bad_text"},
	}
	for _, tc := range cases {
		if err := c.SendChat([]byte(tc.send)); err != nil {
			t.Fatalf("%s: send: %v", tc.name, err)
		}
		m := inbox.next(ctx, t, func(m chatMsg) bool { return m.Type == "error" })
		if m.Code != tc.wantCode {
			t.Errorf("%s: got error %q, want %q", tc.name, m.Code, tc.wantCode)
		}
	}

	// The sender is still connected and can chat.
	if err := c.SendChat([]byte(`{"type":"chat","text":"still here"}`)); err != nil {
		t.Fatal(err)
	}
	m := inbox.next(ctx, t, func(m chatMsg) bool { return m.Type == "chat" })
	if m.Text != "still here" {
		t.Errorf("got %q, want %q", m.Text, "still here")
	}
	assertServing(t, srv)
}

// assertServing checks that the server still answers and still lets a participant join.
func assertServing(t *testing.T, srv *servertest.Server) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after bad input: %v %v", err, resp)
	}
	resp.Body.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	acct := srv.Register(t, "afterwards")
	c, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken, Room: "demo"})
	if err != nil {
		t.Fatalf("join after bad input: %v", err)
	}
	c.Close()
}
