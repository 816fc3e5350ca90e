package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config describes one load test.
type Config struct {
	// URL is the server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Room is the room every bot joins.
	Room string
	// Publishers send media (and receive everyone else's); Subscribers only receive.
	Publishers, Subscribers int
	// Duration is how long the steady phase lasts, after every bot has joined.
	Duration time.Duration
	// Ramp is how many subscribers join per second; zero means all at once.
	Ramp float64
	// VideoKbps is each publisher's video bitrate; zero sends no video.
	VideoKbps int
	// FPS is the video frame rate.
	FPS int
	// Audio sends Opus-sized audio every 20 ms from each publisher.
	Audio bool
	// KeyframeInterval is how often publishers send a keyframe unasked.
	KeyframeInterval time.Duration
	// Loss is the share of each publisher's outgoing packets dropped, from 0 to 1.
	Loss float64
	// ReceiveLoss is the share of packets each bot drops as they arrive, from 0 to 1; the
	// server repairs it from its retransmission cache.
	ReceiveLoss float64
	// Token, if set, is a room token every bot joins with; otherwise each bot registers a
	// throwaway account.
	Token string
	// ProgressEvery is how often a progress line is written while the test runs.
	ProgressEvery time.Duration
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// ErrBadConfig reports a Config that cannot run.
var ErrBadConfig = errors.New("bot: bad config")

// validate fills defaults and checks the rest.
func (c *Config) validate() error {
	if c.FPS == 0 {
		c.FPS = 30
	}
	if c.KeyframeInterval == 0 {
		c.KeyframeInterval = 3 * time.Second
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("a server URL is required"))
	}
	if c.Publishers < 0 || c.Subscribers < 0 || c.Publishers+c.Subscribers == 0 {
		errs = append(errs, errors.New("at least one publisher or subscriber is needed"))
	}
	if c.Publishers > 0 && c.VideoKbps <= 0 && !c.Audio {
		errs = append(errs, errors.New("publishers need video (--video-kbps) or --audio"))
	}
	if c.VideoKbps < 0 || c.FPS < 1 || c.FPS > 120 {
		errs = append(errs, errors.New("video bitrate must be positive and fps 1 to 120"))
	}
	if c.Loss < 0 || c.Loss >= 1 || c.ReceiveLoss < 0 || c.ReceiveLoss >= 1 {
		errs = append(errs, fmt.Errorf("loss shares %v and %v must be from 0 to below 1",
			c.Loss, c.ReceiveLoss))
	}
	if c.Duration <= 0 {
		errs = append(errs, errors.New("duration must be positive"))
	}
	if c.Ramp < 0 {
		errs = append(errs, errors.New("ramp must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	return nil
}
