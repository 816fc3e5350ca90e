// Command confab runs the Confab conferencing server.
//
//	confab [serve] [flags]   run the server (the default)
//	confab version           print version and build information
//
// Every flag of serve can also be set through an environment variable CONFAB_<NAME>, such as
// CONFAB_ADDR or CONFAB_DATA_DIR; a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "confab:", err)
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
		return serve(ctx, args, stderr)
	case "version":
		return printVersion(stdout)
	case "bot":
		return runBot(ctx, args, stdout, stderr)
	case "token":
		return token(args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n"+
			"usage: confab [serve|version] [flags]\n", cmd)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
