package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/confab/confab/bot"
	"github.com/confab/confab/internal/servertest"
)

// TestShortRun runs a small load test against a real server: one publisher with video and
// audio and three subscribers for two seconds.
func TestShortRun(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var progress bytes.Buffer
	rep, err := bot.Run(ctx, bot.Config{
		URL: srv.URL, Room: "load", Publishers: 1, Subscribers: 3,
		Duration: 2 * time.Second, Ramp: 20, VideoKbps: 300, FPS: 15, Audio: true,
		ProgressEvery: 500 * time.Millisecond, Logger: servertest.Logger(t),
	}, &progress)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if rep.JoinErrors != 0 {
		t.Errorf("join errors: %d", rep.JoinErrors)
	}
	if rep.Packets.Expected == 0 || rep.Packets.Received == 0 {
		t.Fatalf("no media: %+v", rep.Packets)
	}
	// Loopback under -race on two cores still delivers nearly everything.
	if rep.LossPct > 5 {
		t.Errorf("loss %.2f%%: %+v", rep.LossPct, rep.Packets)
	}
	if rep.FirstVideoMS.P50 <= 0 || rep.JoinMS.P50 <= 0 || rep.LatencyMS.P50 <= 0 {
		t.Errorf("missing timings: join %+v video %+v latency %+v",
			rep.JoinMS, rep.FirstVideoMS, rep.LatencyMS)
	}
	if rep.Server.PacketsOut <= 0 || rep.Server.CPUSeconds <= 0 || rep.Server.RSSBytes <= 0 {
		t.Errorf("server figures missing: %+v", rep.Server)
	}
	if !strings.Contains(progress.String(), "packets received") {
		t.Errorf("no progress line in %q", progress.String())
	}

	// The JSON report has the fields operators' scripts read.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"join_ms", "first_media_ms", "packets", "loss_pct",
		"latency_ms", "server"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("JSON report lacks %q", key)
		}
	}
	server := doc["server"].(map[string]any)
	for _, key := range []string{"cpu_seconds", "packets_out", "us_per_packet_out", "rss_bytes"} {
		if _, ok := server[key]; !ok {
			t.Errorf("JSON report lacks server.%s", key)
		}
	}
}

func TestBadConfigIsRefused(t *testing.T) {
	_, err := bot.Run(context.Background(), bot.Config{URL: "http://127.0.0.1:1",
		Publishers: 1, Duration: time.Second}, nil)
	if err == nil || !strings.Contains(err.Error(), "video") {
		t.Errorf("got %v, want a refusal naming video or audio", err)
	}
}

// TestLossIsRepaired drops packets on both sides of the server: publishers lose 3% on the
// way in, which the server asks for again; subscribers lose 3% on the way out, which the
// server resends from its cache. Almost nothing stays lost.
func TestLossIsRepaired(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := bot.Run(ctx, bot.Config{
		URL: srv.URL, Room: "lossy", Publishers: 1, Subscribers: 2,
		Duration: 3 * time.Second, VideoKbps: 500, FPS: 30,
		Loss: 0.03, ReceiveLoss: 0.03, Logger: servertest.Logger(t),
	}, nil)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if rep.Packets.Expected < 300 {
		t.Fatalf("too few packets to judge: %+v", rep.Packets)
	}
	// About 6% of packets are dropped once; a repair can be dropped again (0.2%), so allow
	// a little, far below what was dropped.
	if rep.LossPct > 1 {
		t.Errorf("residual loss %.2f%% (%+v), want under 1%%", rep.LossPct, rep.Packets)
	}
	t.Logf("residual loss %.3f%% of %d packets", rep.LossPct, rep.Packets.Expected)
}
