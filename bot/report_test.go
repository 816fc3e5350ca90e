package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestServerDelta(t *testing.T) {
	at := time.Unix(1000, 0)
	before := serverSample{at: at, cpuSeconds: 10, packetsOut: 1000, rssBytes: 1 << 20}
	after := serverSample{at: at.Add(2 * time.Second), cpuSeconds: 11, packetsOut: 3000,
		rssBytes: 2 << 20}
	gone := serverSample{at: at.Add(2 * time.Second)} // what a failed scrape returns

	tests := []struct {
		name          string
		before, after serverSample
		scrapeErr     error
		want          Server
		wantErr       string // a part of the reason; "" for none
	}{
		{"both scraped", before, after, nil, Server{CPUSeconds: 1, PacketsOut: 2000,
			PacketsPerSec: 1000, USPerPacketOut: 500, RSSBytes: 2 << 20}, ""},
		{"second scrape failed", before, gone, errors.New("connection refused"), Server{},
			"connection refused"},
		{"first scrape failed", serverSample{at: at}, after, errors.New("503"), Server{},
			"503"},
		{"server restarted", before, serverSample{at: after.at, cpuSeconds: 1,
			packetsOut: 10}, nil, Server{}, "restarted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := serverDelta(tt.before, tt.after, tt.scrapeErr)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if (tt.wantErr == "") != (why == "") || !strings.Contains(why, tt.wantErr) {
				t.Errorf("reason: got %q, want one mentioning %q", why, tt.wantErr)
			}
		})
	}
}

func TestReportWithoutServerFigures(t *testing.T) {
	rep := &Report{ServerError: "bot: read metrics: connection refused"}

	var table bytes.Buffer
	rep.WriteTable(&table)
	if !strings.Contains(table.String(), "server figures unavailable") {
		t.Errorf("table: got %q, want it to say server figures unavailable", table.String())
	}
	if strings.Contains(table.String(), "CPU s") {
		t.Errorf("table: got %q, want no server figures", table.String())
	}

	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if got["server_error"] != rep.ServerError {
		t.Errorf("server_error: got %v, want %q", got["server_error"], rep.ServerError)
	}
}

func TestReportWithServerFigures(t *testing.T) {
	rep := &Report{Server: Server{CPUSeconds: 1.5, PacketsOut: 100}}

	var table bytes.Buffer
	rep.WriteTable(&table)
	if !strings.Contains(table.String(), "1.50 CPU s") ||
		strings.Contains(table.String(), "unavailable") {
		t.Errorf("table: got %q, want 1.50 CPU s", table.String())
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if bytes.Contains(js, []byte("server_error")) {
		t.Errorf("json: got %s, want no server_error", js)
	}
}
