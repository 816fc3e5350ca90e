package bot

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confab/confab/client"
	"github.com/pion/webrtc/v4"
)

// recoveryWindow is how long after the last packet sent the bots still wait for
// retransmissions before they count what is missing as lost.
const recoveryWindow = 500 * time.Millisecond

// bot is one participant.
type bot struct {
	pub    *publisher // nil for a subscriber
	sub    *subscriber
	client *client.Client
	err    error
}

// run is one load test under way.
type run struct {
	cfg      Config
	progress io.Writer
	api      *webrtc.API
	bots     []*bot
	joined   atomic.Int64
	failed   atomic.Int64
}

// Run performs the load test cfg describes and returns its report. Progress lines go to
// progress every cfg.ProgressEvery.
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	api, err := newAPI(cfg.Loss, cfg.ReceiveLoss)
	if err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, progress: progress, api: api}
	defer r.closeAll()

	tokens, err := r.tokens(ctx)
	if err != nil {
		return nil, err
	}
	r.bots = make([]*bot, len(tokens))

	sendCtx, stopSending := context.WithCancel(ctx)
	defer stopSending()
	var sending sync.WaitGroup
	if err := r.joinPublishers(ctx, sendCtx, tokens, &sending); err != nil {
		stopSending()
		sending.Wait()
		return nil, err
	}
	r.rampSubscribers(ctx, tokens)

	before, errBefore := scrapeServer(ctx, cfg.URL)
	if errBefore != nil {
		cfg.Logger.Warn("server metrics unavailable", "err", errBefore)
	}
	r.steady(ctx)
	after, errAfter := scrapeServer(ctx, cfg.URL)
	if errAfter != nil {
		cfg.Logger.Warn("server metrics unavailable", "err", errAfter)
	}

	stopSending()
	sending.Wait()
	select {
	case <-time.After(recoveryWindow):
	case <-ctx.Done():
	}
	rep := r.report(before, after, cmp.Or(errBefore, errAfter))
	return rep, ctx.Err()
}

// tokens returns one access token per bot: the room token for all, or fresh accounts.
func (r *run) tokens(ctx context.Context) ([]string, error) {
	n := r.cfg.Publishers + r.cfg.Subscribers
	out := make([]string, n)
	prefix := randomPrefix()
	for i := range out {
		if r.cfg.Token != "" {
			out[i] = r.cfg.Token
			continue
		}
		tok, err := registerBot(ctx, r.cfg.URL, prefix, i)
		if err != nil {
			return nil, err
		}
		out[i] = tok
	}
	return out, nil
}

// joinPublishers joins every publisher, one after another, and starts its media.
func (r *run) joinPublishers(ctx, sendCtx context.Context, tokens []string,
	sending *sync.WaitGroup) error {
	for i := range r.cfg.Publishers {
		p, err := newPublisher(r.cfg, fmt.Sprintf("pub%d", i))
		if err != nil {
			return err
		}
		b := &bot{pub: p, sub: newSubscriber()}
		r.bots[i] = b
		r.join(ctx, b, tokens[i])
		if b.err != nil {
			return fmt.Errorf("bot: publisher %d: %w", i, b.err)
		}
		sending.Add(1)
		go func() {
			defer sending.Done()
			p.run(sendCtx)
		}()
	}
	return nil
}

// rampSubscribers joins the subscribers at cfg.Ramp per second and waits for every join.
func (r *run) rampSubscribers(ctx context.Context, tokens []string) {
	var interval time.Duration
	if r.cfg.Ramp > 0 {
		interval = time.Duration(float64(time.Second) / r.cfg.Ramp)
	}
	var joins sync.WaitGroup
	for i := r.cfg.Publishers; i < len(tokens); i++ {
		b := &bot{sub: newSubscriber()}
		r.bots[i] = b
		joins.Add(1)
		go func() {
			defer joins.Done()
			r.join(ctx, b, tokens[i])
		}()
		if interval > 0 {
			select {
			case <-time.After(interval):
			case <-ctx.Done():
			}
		}
	}
	joins.Wait()
}

func (r *run) join(ctx context.Context, b *bot, token string) {
	cfg := client.Config{
		URL: r.cfg.URL, Token: token, Room: r.cfg.Room, API: r.api,
		OnTrack: b.sub.onTrack, OnPhase: b.sub.phase,
		Logger: r.cfg.Logger,
	}
	if b.pub != nil {
		cfg.Tracks = b.pub.tracks()
		cfg.OnKeyframeRequest = b.pub.keyframeRequested
	}
	joinCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	b.client, b.err = client.Join(joinCtx, cfg)
	if b.err != nil {
		r.failed.Add(1)
		r.cfg.Logger.Warn("bot join failed", "err", b.err)
		return
	}
	r.joined.Add(1)
}

// steady lets the media flow for cfg.Duration, writing a progress line now and then.
func (r *run) steady(ctx context.Context) {
	start := time.Now()
	done := time.NewTimer(r.cfg.Duration)
	defer done.Stop()
	tick := time.NewTicker(r.cfg.ProgressEvery)
	defer tick.Stop()
	for {
		select {
		case <-done.C:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
			r.printProgress(time.Since(start))
		}
	}
}

func (r *run) printProgress(elapsed time.Duration) {
	if r.progress == nil {
		return
	}
	var packets, bytes uint64
	for _, b := range r.bots {
		if b == nil {
			continue
		}
		for _, t := range b.sub.trackList() {
			t.mu.Lock()
			packets += t.received
			bytes += t.bytes
			t.mu.Unlock()
		}
	}
	mbps := float64(bytes) * 8 / elapsed.Seconds() / 1e6
	fmt.Fprintf(r.progress, "%6.1fs  joined %d  failed %d  packets received %d  %.1f Mbit/s\n",
		elapsed.Seconds(), r.joined.Load(), r.failed.Load(), packets, mbps)
}

func (r *run) closeAll() {
	var wg sync.WaitGroup
	for _, b := range r.bots {
		if b == nil || b.client == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.client.Close()
		}()
	}
	wg.Wait()
}

func (s *subscriber) trackList() []*trackStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*trackStats(nil), s.tracks...)
}
