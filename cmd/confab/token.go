package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/confab/confab/auth"
	"github.com/confab/confab/sfu"
)

// token prints a room join token for a guest or a bot, signed with the key of the server
// that shares its --data-dir or --jwt-secret.
func token(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg auth.Config
		g   auth.RoomGrant
	)
	fs.StringVar(&cfg.DataDir, "data-dir", "./data", "the server's data directory, with its key")
	fs.StringVar(&cfg.Secret, "jwt-secret", "", "the server's --jwt-secret, if it has one")
	fs.StringVar(&g.Room, "room", "", "the one room the token joins (required)")
	fs.StringVar(&g.Identity, "identity", "", "the holder's name, shown to the others (required)")
	fs.DurationVar(&g.TTL, "ttl", auth.DefaultRoomTokenTTL, "lifetime of the token, at most "+
		auth.MaxRoomTokenTTL.String())
	fs.BoolVar(&g.CanPublish, "can-publish", true, "the holder may send audio and video")
	fs.BoolVar(&g.CanSubscribe, "can-subscribe", true, "the holder may receive the others' media")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: confab token --room NAME --identity NAME [flags]\n\n"+
			"Prints a token that lets a guest or a bot into one room.\n"+
			"--data-dir and --jwt-secret may also be set as CONFAB_DATA_DIR and "+
			"CONFAB_JWT_SECRET.\n\n")
		fs.PrintDefaults()
	}
	// Only the settings shared with serve come from CONFAB_ variables, so that a CONFAB_ROOM
	// set for some other purpose never picks the room.
	if _, err := parse(fs, args, "data-dir", "jwt-secret"); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case g.Room == "" || g.Identity == "":
		return errors.New("--room and --identity are required")
	case !sfu.ValidRoomName(g.Room):
		return fmt.Errorf("--room %q: %w", g.Room, sfu.ErrBadRoomName)
	}

	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	tok, err := auth.IssueRoomToken(cfg, g)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
