// Command confab runs the Confab conferencing server, and the tools that go with it.
//
//	confab [serve] [flags]   run the server (the default)
//	confab token [flags]     print a room token for a guest or a bot
//	confab bot [flags]       load-test a running server with Pion participants
//	confab bench [flags]     run the benchmark scenarios against a running server
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
	"strings"
)

const usage = `usage: confab [serve|token|bot|bench|version] [flags]

  serve     run the server (the default); confab serve --help lists its flags
  token     print a room token for a guest or a bot
  bot       load-test a running server with Pion participants
  bench     run the benchmark scenarios against a running server
  version   print version and build information
  help      print this list
`

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
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
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "token":
		return token(args, stdout, stderr)
	case "help":
		_, err := io.WriteString(stdout, usage)
		return err
	default:
		fmt.Fprintf(stderr, "confab: unknown command %q\n\n%s", cmd, usage)
		return fmt.Errorf("unknown command %q: %w", cmd, errShown)
	}
}

// exitCode writes err to stderr unless the user has seen it already, and returns the status
// to exit with: 0 for success and for a request for help, 2 for any error.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case !shown(err):
		fmt.Fprintln(stderr, "confab:", err)
	}
	return 2
}

// errShown marks an error that a command has written to stderr itself.
var errShown = errors.New("shown above")

// flagErrors begin the texts of the errors a FlagSet returns from Parse. It has written each
// to its output by then, followed by the usage, but gives them no type of their own.
var flagErrors = []string{
	"flag provided but not defined: ", "bad flag syntax: ", "flag needs an argument: ",
	"invalid value ", "invalid boolean value ", "invalid boolean flag ",
}

// shown reports whether err has been written to stderr already, by a command or by the flag
// package: each command, bot among them, returns its FlagSet's errors as they are.
func shown(err error) bool {
	if errors.Is(err, errShown) {
		return true
	}
	msg := err.Error()
	for _, prefix := range flagErrors {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
