package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/internal/server"
)

// options are serve's flags beyond the server's own Config.
type options struct {
	logFormat string
	logLevel  slog.Level
	debugAddr string
}

// newServeFlags declares every flag of serve; each also reads CONFAB_<NAME>.
func newServeFlags(stderr io.Writer, cfg *server.Config, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", ":8080", "HTTP listen address")
	fs.StringVar(&cfg.DataDir, "data-dir", "./data",
		"directory for the database and the token key")
	fs.IntVar(&cfg.UDPPort, "udp-port", 7882, "the one UDP port for all ICE traffic")
	fs.IntVar(&cfg.TCPPort, "tcp-port", 7881, "the one TCP port for ICE over TCP")
	fs.StringVar(&cfg.PublicIP, "public-ip", "",
		"IP address announced in ICE candidates instead of local ones, for NAT and containers")
	fs.StringVar(&cfg.JWTSecret, "jwt-secret", "",
		"secret of 32 bytes or more that signs tokens (default: a key kept in the data directory)")
	fs.DurationVar(&cfg.AccessTTL, "access-ttl", auth.DefaultAccessTTL,
		"lifetime of an access token")
	fs.DurationVar(&cfg.RefreshTTL, "refresh-ttl", auth.DefaultRefreshTTL,
		"lifetime of a refresh token; each refresh issues a new one")
	fs.Func("allowed-origins", "comma-separated origins of other sites' pages that may use the "+
		"API and open calls, such as https://app.example.com; no wildcard", func(v string) error {
		o, err := auth.ParseOrigins(v)
		cfg.AllowedOrigins = o
		return err
	})
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "certificate file, to serve HTTPS (with --tls-key)")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "private key file, to serve HTTPS (with --tls-cert)")
	fs.DurationVar(&cfg.DrainTimeout, "drain-timeout", 30*time.Second,
		"on SIGTERM, how long to wait for rooms to empty before closing")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	fs.StringVar(&o.debugAddr, "debug-addr", "",
		"address for pprof; a bare :port listens on loopback only (default: off)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: confab serve [flags]\n\n"+
			"Each flag can also be set as CONFAB_<NAME>, such as CONFAB_DATA_DIR;\n"+
			"a flag on the command line wins.\n\n")
		fs.PrintDefaults()
	}
	return fs
}

// serve runs the server until SIGINT or SIGTERM, then drains it; a second signal stops it
// at once.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	var (
		cfg server.Config
		o   options
	)
	fs := newServeFlags(stderr, &cfg, &o)
	src, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := validate(fs, src, &cfg, &o); err != nil {
		return err
	}
	log, err := newLogger(stderr, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	cfg.Logger = log
	slog.SetDefault(log)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	if o.debugAddr != "" {
		stopDebug, err := serveDebug(o.debugAddr, src.name("debug-addr"), log)
		if err != nil {
			srv.Close()
			return err
		}
		defer stopDebug()
	}
	return runUntilSignal(ctx, srv, ln, log)
}

func runUntilSignal(ctx context.Context, srv *server.Server, ln net.Listener,
	log *slog.Logger) error {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		srv.Close()
		return err
	case <-ctx.Done():
	case sig := <-sigs:
		log.Info("signal received: draining; send it again to stop at once",
			"signal", sig.String())
	}

	// A second signal cuts the drain short.
	hard, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		select {
		case <-sigs:
			log.Info("second signal: stopping now")
			stop()
		case <-hard.Done():
		}
	}()
	err := srv.Shutdown(hard)
	if serr := <-served; serr != nil && err == nil {
		err = serr
	}
	return err
}

// validate checks what the flag types cannot, so a bad setting stops the start with a clear
// message before anything listens. Each message names the setting as src says the user
// wrote it: a flag, or its variable.
func validate(fs *flag.FlagSet, src source, cfg *server.Config, o *options) error {
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	for _, p := range []struct {
		flag string
		port int
	}{{"udp-port", cfg.UDPPort}, {"tcp-port", cfg.TCPPort}} {
		if p.port < 1 || p.port > 65535 {
			errs = append(errs, fmt.Errorf("%s: must be between 1 and 65535",
				src.setting(p.flag, p.port)))
		}
	}
	if cfg.UDPPort == cfg.TCPPort {
		// Different protocols may share a number, but operators expect two ports.
		errs = append(errs, fmt.Errorf("%s and %s are both %d: give them different ports",
			src.name("udp-port"), src.name("tcp-port"), cfg.UDPPort))
	}
	if cfg.PublicIP != "" && net.ParseIP(cfg.PublicIP) == nil {
		errs = append(errs, fmt.Errorf("%s: not an IP address",
			src.setting("public-ip", strconv.Quote(cfg.PublicIP))))
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		errs = append(errs, fmt.Errorf("%s and %s go together",
			src.name("tls-cert"), src.name("tls-key")))
	}
	for _, f := range []string{cfg.TLSCert, cfg.TLSKey} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("TLS file: %w", err))
		}
	}
	if cfg.DrainTimeout < 0 {
		errs = append(errs, fmt.Errorf("%s: must not be negative",
			src.setting("drain-timeout", cfg.DrainTimeout)))
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		errs = append(errs, fmt.Errorf("%s: must be text or json",
			src.setting("log-format", strconv.Quote(o.logFormat))))
	}
	if cfg.DataDir == "" {
		errs = append(errs, fmt.Errorf("%s must not be empty", src.name("data-dir")))
	}
	if cfg.AccessTTL <= 0 || cfg.RefreshTTL <= cfg.AccessTTL {
		errs = append(errs, fmt.Errorf("%s, %s: must be positive, the refresh one longer",
			src.setting("access-ttl", cfg.AccessTTL), src.setting("refresh-ttl",
				cfg.RefreshTTL)))
	}
	return errors.Join(errs...)
}

func newLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("unknown log format %q", format)
}

// serveDebug serves pprof on addr, on loopback when addr names no host; setting names where
// addr came from, for the error.
func serveDebug(addr, setting string, log *slog.Logger) (stop func(), err error) {
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	log.Info("pprof serving", "addr", ln.Addr().String())
	return func() { _ = hs.Close() }, nil
}
