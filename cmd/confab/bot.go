package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/confab/confab/bot"
)

// runBot runs a load test against a running server and prints its report.
func runBot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      bot.Config
		ramp     string
		asJSON   bool
		logLevel slog.Level
	)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the server's base URL")
	fs.StringVar(&cfg.Room, "room", "load", "the room every bot joins")
	fs.IntVar(&cfg.Publishers, "publishers", 1, "bots that publish (and receive)")
	fs.IntVar(&cfg.Subscribers, "subscribers", 10, "bots that only receive")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "steady phase, after every join")
	fs.StringVar(&ramp, "ramp", "10/s", "subscriber joins per second, as N/s; 0 joins all at once")
	fs.IntVar(&cfg.VideoKbps, "video-kbps", 800, "video bitrate of each publisher; 0 for none")
	fs.IntVar(&cfg.FPS, "fps", 30, "video frames per second")
	fs.BoolVar(&cfg.Audio, "audio", false, "publish Opus-sized audio every 20 ms")
	fs.DurationVar(&cfg.KeyframeInterval, "keyframe-interval", 3*time.Second,
		"how often publishers send a keyframe unasked")
	fs.Float64Var(&cfg.Loss, "loss", 0, "share of publisher packets dropped, such as 0.02")
	fs.Float64Var(&cfg.ReceiveLoss, "receive-loss", 0,
		"share of packets each bot drops on arrival, repaired by the server's cache")
	fs.StringVar(&cfg.Token, "token", "",
		"a room token (confab token) for every bot; default: register throwaway accounts")
	fs.DurationVar(&cfg.ProgressEvery, "progress-every", 5*time.Second, "time between progress lines")
	fs.BoolVar(&asJSON, "json", false, "print the report as one JSON object on stdout")
	fs.TextVar(&logLevel, "log-level", slog.LevelWarn, "log level: debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: confab bot [flags]\n\n"+
			"Joins a running server with Pion bots and measures what they receive.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	perSecond, err := parseRamp(ramp)
	if err != nil {
		return err
	}
	cfg.Ramp = perSecond
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel}))

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := bot.Run(ctx, cfg, stderr)
	if rep == nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		if encErr := enc.Encode(rep); encErr != nil {
			return encErr
		}
	} else {
		rep.WriteTable(stdout)
	}
	return err
}

// parseRamp reads "10/s" or "10" as joins per second.
func parseRamp(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "/s"), 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("--ramp %q: want joins per second, such as 10/s", s)
	}
	return v, nil
}
