package sfu_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Environment of the subscriber process a benchmark starts.
const (
	envURL    = "CONFAB_BENCH_URL"
	envTokens = "CONFAB_BENCH_TOKENS"
)

// BenchmarkForward measures the server's forwarding path, from one received packet to N
// subscribers: packets are injected into a published track's fan-out and sent through each
// subscriber's real connection (interceptors, SRTP, socket). The subscribers are real Pion
// peers in a child process, so the allocations counted are the server's alone.
func BenchmarkForward(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchForward(b, n) })
	}
}

func benchForward(b *testing.B, subscribers int) {
	srv := servertest.Start(b)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// A publisher creates the track; its own packets stop once the benchmark takes over.
	acct := srv.Register(b, "publisher")
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "pub")
	if err != nil {
		b.Fatal(err)
	}
	pub, err := client.Join(ctx, client.Config{URL: srv.URL, Token: acct.AccessToken,
		Room: "bench", Tracks: []webrtc.TrackLocal{track}})
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()

	var tokens []string
	for i := range subscribers {
		tokens = append(tokens, srv.Register(b, fmt.Sprintf("sub%d", i)).AccessToken)
	}
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBenchSubscribers$",
		"-test.bench=^$", "-test.v")
	child.Env = append(os.Environ(), envURL+"="+srv.URL, envTokens+"="+strings.Join(tokens, ","))
	out, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cancel()
		_ = child.Wait()
	}()
	ready := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), "receiving") {
				close(ready)
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()

	tt := waitForTrack(ctx, b, srv, track, subscribers)
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SSRC: 1},
		Payload: make([]byte, 1000)}
	pkt.Payload[0] = 0x10
	raw := make([]byte, 1500)
	send := func(seq uint16) {
		pkt.SequenceNumber = seq
		pkt.Timestamp = uint32(seq) * 3000
		n, err := pkt.MarshalTo(raw)
		if err != nil {
			b.Fatal(err)
		}
		tt.FanOut(raw[:n])
	}
	// Warm up until the subscriber process reports media on every connection.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
warmup:
	for seq := uint16(1); ; seq++ {
		send(seq)
		select {
		case <-ready:
			break warmup
		case <-tick.C:
		case <-ctx.Done():
			b.Fatalf("subscribers never received media: %v", ctx.Err())
		}
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpuBefore := cpuTime(b)
	start := time.Now()
	seq := uint16(1000)
	for b.Loop() {
		seq++
		send(seq)
	}
	elapsed := time.Since(start)
	cpu := cpuTime(b) - cpuBefore
	runtime.ReadMemStats(&after)

	forwarded := float64(b.N * subscribers)
	b.ReportMetric(float64(elapsed.Nanoseconds())/forwarded, "ns/forwarded")
	b.ReportMetric(float64(cpu.Nanoseconds())/forwarded, "cpu-ns/forwarded")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/forwarded, "allocs/forwarded")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/forwarded, "B/forwarded")
}

// cpuTime is the CPU time this process has used, user and system: the server's, since the
// subscribers run in another process.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitForTrack returns the server's published track once it feeds every subscriber; the
// publisher sends a packet now and then so that the server sees the track at all.
func waitForTrack(ctx context.Context, b *testing.B, srv *servertest.Server,
	track *webrtc.TrackLocalStaticRTP, subscribers int) interface{ FanOut([]byte) } {
	b.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for seq := uint16(1); ; seq++ {
		_ = track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq},
			Payload: []byte{0x10, 0, 0, 0}})
		for _, tt := range srv.SFU().PublishedTracks("bench") {
			if tt.Subscribers() == subscribers {
				return tt
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			b.Fatalf("subscribers never joined: %v", ctx.Err())
		}
	}
}

// TestBenchSubscribers is the benchmark's child process: it joins one subscriber per token,
// reads and discards what arrives, and prints "receiving" once all of them get media. It is
// skipped unless a benchmark started it.
func TestBenchSubscribers(t *testing.T) {
	url, tokens := os.Getenv(envURL), os.Getenv(envTokens)
	if url == "" {
		t.Skip("started only by BenchmarkForward")
	}
	ctx := context.Background()
	got := make(chan struct{}, 1024)
	var clients []*client.Client
	for _, tok := range strings.Split(tokens, ",") {
		first := true
		c, err := client.Join(ctx, client.Config{URL: url, Token: tok, Room: "bench",
			OnTrack: func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
				buf := make([]byte, 1500)
				for {
					if _, _, err := tr.Read(buf); err != nil {
						return
					}
					if first {
						first = false
						got <- struct{}{}
					}
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for range clients {
		<-got
	}
	fmt.Println("receiving " + strconv.Itoa(len(clients)))
	// Run until the benchmark ends this process.
	select {}
}
