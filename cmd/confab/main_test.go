package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/confab/confab/internal/server"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantStderr string
	}{
		{"success", nil, 0, ""},
		{"help", flag.ErrHelp, 0, ""},
		{"a setting", errors.New("--udp-port 0: must be between 1 and 65535"), 2,
			"confab: --udp-port 0: must be between 1 and 65535\n"},
		{"shown by the flag package", errors.New(
			`invalid value "x" for flag -udp-port: parse error`), 2, ""},
		{"shown by a command", fmt.Errorf("unknown command %q: %w", "x", errShown), 2, ""},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if got := exitCode(tt.err, &stderr); got != tt.wantCode {
			t.Errorf("%s: got exit code %d, want %d", tt.name, got, tt.wantCode)
		}
		if stderr.String() != tt.wantStderr {
			t.Errorf("%s: got %q on stderr, want %q", tt.name, stderr.String(), tt.wantStderr)
		}
	}
}

// TestCommandLineErrorsShowOnce runs each command as main does and counts how often the
// error reaches the user.
func TestCommandLineErrorsShowOnce(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		wantOnce string // text that must appear exactly once; "" for none
		wantText string // text that must appear at least once
	}{
		{"serve --help", []string{"serve", "--help"}, nil, 0, "", "usage: confab serve"},
		{"serve --help, bad environment", []string{"serve", "--help"},
			map[string]string{"CONFAB_UDP_PORT": "x"}, 0, "", "-udp-port"},
		{"token --help", []string{"token", "--help"}, nil, 0, "", "usage: confab token"},
		{"bot --help", []string{"bot", "--help"}, nil, 0, "", "usage: confab bot"},
		{"help", []string{"help"}, nil, 0, "", "token"},
		{"serve, bad value", []string{"serve", "--udp-port", "x"}, nil, 2,
			`invalid value "x" for flag -udp-port`, "usage: confab serve"},
		{"serve, unknown flag", []string{"serve", "--colour", "blue"}, nil, 2,
			"flag provided but not defined: -colour", "usage: confab serve"},
		{"token, bad value", []string{"token", "--ttl", "soon"}, nil, 2,
			`invalid value "soon" for flag -ttl`, "usage: confab token"},
		{"bot, bad value", []string{"bot", "--publishers", "many"}, nil, 2,
			`invalid value "many" for flag -publishers`, "usage: confab bot"},
		{"unknown command", []string{"dance"}, nil, 2, `unknown command "dance"`,
			"usage: confab"},
		{"bad environment", []string{"serve"}, map[string]string{"CONFAB_UDP_PORT": "x"}, 2,
			`CONFAB_UDP_PORT="x"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			err := run(context.Background(), tt.args, &out, &out)
			if got := exitCode(err, &out); got != tt.wantCode {
				t.Errorf("got exit code %d (%v), want %d", got, err, tt.wantCode)
			}
			if n := strings.Count(out.String(), tt.wantOnce); tt.wantOnce != "" && n != 1 {
				t.Errorf("got %q %d times in %q, want once", tt.wantOnce, n, out.String())
			}
			if !strings.Contains(out.String(), tt.wantText) {
				t.Errorf("got %q, want it to hold %q", out.String(), tt.wantText)
			}
		})
	}
}

// TestSettingsNameTheirSource checks that a bad value is reported under the name the user
// set it with, and that the command line wins over the environment.
func TestSettingsNameTheirSource(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    string // "" for no error
		notWant string
	}{
		{"flag", []string{"--udp-port", "0"}, nil, "--udp-port 0: must be", "CONFAB_"},
		{"variable", nil, map[string]string{"CONFAB_UDP_PORT": "0"},
			"CONFAB_UDP_PORT=0: must be", "--udp-port"},
		{"the flag wins", []string{"--udp-port", "9000"},
			map[string]string{"CONFAB_UDP_PORT": "0"}, "", ""},
		{"the flag wins over a malformed variable", []string{"--udp-port", "9000"},
			map[string]string{"CONFAB_UDP_PORT": "x"}, "", ""},
		{"both ports from variables", nil, map[string]string{"CONFAB_UDP_PORT": "9000",
			"CONFAB_TCP_PORT": "9000"}, "CONFAB_UDP_PORT and CONFAB_TCP_PORT are both 9000", ""},
		{"public IP", nil, map[string]string{"CONFAB_PUBLIC_IP": "nowhere"},
			`CONFAB_PUBLIC_IP="nowhere": not an IP address`, ""},
		{"log format", []string{"--log-format", "xml"}, nil,
			`--log-format "xml": must be text or json`, ""},
		{"drain timeout", nil, map[string]string{"CONFAB_DRAIN_TIMEOUT": "-1s"},
			"CONFAB_DRAIN_TIMEOUT=-1s: must not be negative", ""},
		{"TLS", []string{"--tls-key", "k.pem"}, nil, "--tls-cert and --tls-key go together",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var (
				cfg server.Config
				o   options
			)
			fs := newServeFlags(io.Discard, &cfg, &o)
			src, err := parse(fs, tt.args)
			if err == nil {
				err = validate(fs, src, &cfg, &o)
			}
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.want == "":
				return
			case err == nil || !strings.Contains(err.Error(), tt.want):
				t.Fatalf("got %v, want %q", err, tt.want)
			case tt.notWant != "" && strings.Contains(err.Error(), tt.notWant):
				t.Errorf("got %v, want no mention of %q", err, tt.notWant)
			}
		})
	}
}
