package chat

import (
	"encoding/json"
	"testing"
	"time"
)

func TestHandleRefusesWhatIsNotAMessage(t *testing.T) {
	h, now := newTestHub(t)
	ada := newTestMember(t, h, "p1", "u_ada")
	h.Join("demo", ada.Member)

	chat := func(text string) string {
		b, err := json.Marshal(map[string]string{"type": "chat", "text": text})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, send, text, want string
	}{
		{"null", `null`, "", CodeBadJSON},
		{"null with white space", " \n null ", "", CodeBadJSON},
		{"an array", `[]`, "", CodeBadJSON},
		{"a string", `"chat"`, "", CodeBadJSON},
		{"only white space", chat(" \n\t\u00a0"), "", CodeBadText},
		{"a right-to-left override", chat("\u202eevil.exe"), "", CodeBadText},
		{"an isolate", chat("a\u2066b\u2069"), "", CodeBadText},
		{"a bell", chat("a\u0007b"), "", CodeBadText},
		{"a carriage return", chat("a\r\nb"), "", CodeBadText},
		{"a C1 control", chat("a\u009bb"), "", CodeBadText},
		{"newlines and tabs", chat("line one\n\tline two"), "line one\n\tline two", "ok"},
		{"a right-to-left mark", chat("שלום\u200f!"), "שלום\u200f!", "ok"},
		{"an emoji joined by zero width", chat("👩\u200d💻"), "👩\u200d💻", "ok"},
	}
	for _, tt := range tests {
		*now = now.Add(time.Second) // no case is refused for the rate of those before it
		h.Handle(ada.Member, []byte(tt.send))
		if got := ada.outcome(t, tt.text); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
