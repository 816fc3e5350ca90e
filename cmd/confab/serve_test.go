package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBadSettingsStopTheStart(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"port zero", []string{"--udp-port", "0"}, nil, "--udp-port 0"},
		{"port too big", []string{"--tcp-port", "70000"}, nil, "--tcp-port 70000"},
		{"same ports", []string{"--udp-port", "9000", "--tcp-port", "9000"}, nil, "both 9000"},
		{"not a number", []string{"--udp-port", "many"}, nil, "invalid value"},
		{"bad public IP", []string{"--public-ip", "nowhere"}, nil, `"nowhere": not an IP`},
		{"cert without key", []string{"--tls-cert", "c.pem"}, nil, "go together"},
		{"missing cert file", []string{"--tls-cert", "/nonexistent.pem",
			"--tls-key", "/nonexistent.key"}, nil, "no such file"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "text or json"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "invalid value"},
		{"negative drain", []string{"--drain-timeout", "-1s"}, nil, "must not be negative"},
		{"stray argument", []string{"extra"}, nil, `unknown command "extra"`},
		{"bad env port", nil, map[string]string{"CONFAB_UDP_PORT": "x"}, "CONFAB_UDP_PORT"},
		{"bad env IP", nil, map[string]string{"CONFAB_PUBLIC_IP": "1.2.3"}, "not an IP"},
		{"unknown flag", []string{"--colour", "blue"}, nil, "flag provided but not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			args := append([]string{"serve", "--data-dir", t.TempDir()}, tc.args...)
			if tc.name == "stray argument" {
				args = tc.args
			}
			err := run(context.Background(), args, &out, &out)
			if err == nil {
				t.Fatal("got no error, want the start refused")
			}
			if msg := err.Error() + out.String(); !strings.Contains(msg, tc.want) {
				t.Errorf("got %q, want it to mention %q", msg, tc.want)
			}
		})
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var out bytes.Buffer
	_ = run(context.Background(), []string{"serve", "--help"}, &out, &out)
	for _, flag := range []string{"addr", "data-dir", "udp-port", "tcp-port", "public-ip",
		"jwt-secret", "tls-cert", "tls-key", "drain-timeout", "log-format", "log-level",
		"debug-addr", "CONFAB_"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("serve --help does not mention %s", flag)
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "confab ") || !strings.Contains(out.String(), "go go1") {
		t.Errorf("version printed %q", out.String())
	}
}
