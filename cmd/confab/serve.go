package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/confab/confab/internal/server"
)

// serve parses the serve flags, with CONFAB_ environment variables as defaults, and runs the
// server until ctx ends.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      server.Config
		logLevel slog.Level
	)
	fs.StringVar(&cfg.Addr, "addr", ":8080", "HTTP listen address")
	fs.StringVar(&cfg.DataDir, "data-dir", "./data", "directory for the database and keys")
	fs.IntVar(&cfg.UDPPort, "udp-port", 7882, "the one UDP port for all ICE traffic")
	fs.StringVar(&cfg.PublicIP, "public-ip", "",
		"IP address announced in ICE candidates, for NAT and containers")
	fs.StringVar(&cfg.JWTSecret, "jwt-secret", "",
		"secret that signs tokens (default: a key generated and kept in the data directory)")
	fs.TextVar(&logLevel, "log-level", slog.LevelInfo, "debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: confab serve [flags]\n\n"+
			"Each flag can also be set as CONFAB_<NAME>, such as CONFAB_DATA_DIR.\n\n")
		fs.PrintDefaults()
	}
	if err := fromEnv(fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.UDPPort < 1 || cfg.UDPPort > 65535 {
		return fmt.Errorf("--udp-port %d: must be between 1 and 65535", cfg.UDPPort)
	}
	if cfg.PublicIP != "" && net.ParseIP(cfg.PublicIP) == nil {
		return fmt.Errorf("--public-ip %q: not an IP address", cfg.PublicIP)
	}

	cfg.Logger = newLogger(os.Stderr, logLevel)
	slog.SetDefault(cfg.Logger)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	return srv.Serve(ctx, ln)
}

// fromEnv sets each flag that has a CONFAB_<NAME> variable, so the command line, parsed
// after, still wins.
func fromEnv(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "CONFAB_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := os.LookupEnv(name)
		if !ok || err != nil {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s=%s: %w", name, strconv.Quote(v), e)
		}
	})
	return err
}
