// Command confab runs the Confab conferencing server.
//
//	confab [serve] [flags]
//
// Every flag can also be set through an environment variable CONFAB_<NAME>, such as
// CONFAB_ADDR or CONFAB_DATA_DIR; a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "confab:", err)
		}
		os.Exit(2)
	}
}

// run dispatches a subcommand; serve is the default.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return serve(ctx, args, stderr)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\nusage: confab [serve] [flags]\n", cmd)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
