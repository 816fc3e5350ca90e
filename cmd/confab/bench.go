package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/confab/confab/bot"
)

// runBench runs the benchmark scenarios against a running server, each --runs times, and
// prints the median of every figure.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "the server's base URL")
	duration := fs.Duration("duration", 30*time.Second, "steady phase of each scenario")
	runs := fs.Int("runs", 1, "runs of each scenario; figures are medians")
	only := fs.String("only", "", "comma-separated scenario names to run (default: all)")
	asJSON := fs.Bool("json", false, "print every report as JSON lines instead of the table")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: confab bench [flags]\n\n"+
			"Runs the load-test scenarios against a running server.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs < 1 {
		return fmt.Errorf("--runs %d: must be at least 1", *runs)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	var rows []benchRow
	for _, sc := range bot.Scenarios(*url, *duration) {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), sc.Name) {
			continue
		}
		var reps []*bot.Report
		for i := range *runs {
			fmt.Fprintf(stderr, "== %s (%s), run %d of %d\n", sc.Name, sc.Description, i+1, *runs)
			cfg := sc.Config
			cfg.Room = fmt.Sprintf("%s-%d-%d", cfg.Room, time.Now().Unix(), i)
			cfg.Logger = log
			rep, err := bot.Run(ctx, cfg, stderr)
			if err != nil {
				return fmt.Errorf("%s: %w", sc.Name, err)
			}
			if *asJSON {
				_ = json.NewEncoder(stdout).Encode(map[string]any{"scenario": sc.Name,
					"run": i + 1, "report": rep})
			}
			reps = append(reps, rep)
		}
		rows = append(rows, medianRow(sc.Name, reps))
	}
	if !*asJSON {
		writeBenchTable(stdout, rows, *runs)
	}
	return nil
}

// benchRow is one scenario's figures, each the median over its runs.
type benchRow struct {
	name                                 string
	joinP50, joinP99, videoP50, videoP99 float64
	lossPct, latP50, latP99, latP999     float64
	usPerPacket, packetsPerSec, rssMiB   float64
	participants                         int
}

func medianRow(name string, reps []*bot.Report) benchRow {
	med := func(f func(*bot.Report) float64) float64 {
		v := make([]float64, len(reps))
		for i, r := range reps {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return benchRow{
		name:          name,
		participants:  reps[0].Publishers + reps[0].Subscribers,
		joinP50:       med(func(r *bot.Report) float64 { return r.JoinMS.P50 }),
		joinP99:       med(func(r *bot.Report) float64 { return r.JoinMS.P99 }),
		videoP50:      med(func(r *bot.Report) float64 { return r.FirstVideoMS.P50 }),
		videoP99:      med(func(r *bot.Report) float64 { return r.FirstVideoMS.P99 }),
		lossPct:       med(func(r *bot.Report) float64 { return r.LossPct }),
		latP50:        med(func(r *bot.Report) float64 { return r.LatencyMS.P50 }),
		latP99:        med(func(r *bot.Report) float64 { return r.LatencyMS.P99 }),
		latP999:       med(func(r *bot.Report) float64 { return r.LatencyMS.P999 }),
		usPerPacket:   med(func(r *bot.Report) float64 { return r.Server.USPerPacketOut }),
		packetsPerSec: med(func(r *bot.Report) float64 { return r.Server.PacketsPerSec }),
		rssMiB:        med(func(r *bot.Report) float64 { return r.Server.RSSBytes / (1 << 20) }),
	}
}

func writeBenchTable(w io.Writer, rows []benchRow, runs int) {
	fmt.Fprintf(w, "\nmedians of %d run(s)\n", runs)
	fmt.Fprintf(w, "%-11s %5s %15s %17s %8s %23s %9s %9s %8s\n", "scenario", "bots",
		"join ms p50/99", "1st video p50/99", "loss %", "latency ms p50/99/99.9",
		"µs/pkt", "pkts/s", "RSS MiB")
	for _, r := range rows {
		fmt.Fprintf(w, "%-11s %5d %7.1f/%-7.1f %8.1f/%-8.1f %8.3f %7.2f/%6.2f/%8.2f %9.2f %9.0f %8.1f\n",
			r.name, r.participants, r.joinP50, r.joinP99, r.videoP50, r.videoP99, r.lossPct,
			r.latP50, r.latP99, r.latP999, r.usPerPacket, r.packetsPerSec, r.rssMiB)
	}
}
