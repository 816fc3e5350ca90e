package sfu

import (
	"log/slog"
	"testing"
)

func TestPionErrorLevels(t *testing.T) {
	cases := []struct {
		msg  string
		want slog.Level
	}{
		{"Failed to write packet: io: read/write on closed pipe", slog.LevelDebug},
		{"write udp: use of closed network connection", slog.LevelDebug},
		{"Failed to handshake: certificate mismatch", slog.LevelWarn},
	}
	for _, c := range cases {
		if got := errorLevel(c.msg); got != c.want {
			t.Errorf("errorLevel(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
}
