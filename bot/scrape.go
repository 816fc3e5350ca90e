package bot

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serverSample is what the server's /metrics said at one moment.
type serverSample struct {
	at         time.Time
	cpuSeconds float64
	packetsOut float64
	rssBytes   float64
}

// scrapeServer reads the server's CPU time, resident memory and RTP packets sent.
func scrapeServer(ctx context.Context, baseURL string) (serverSample, error) {
	s := serverSample{at: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/metrics", nil)
	if err != nil {
		return s, fmt.Errorf("bot: metrics request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, fmt.Errorf("bot: read metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("bot: read metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch {
		case name == "process_cpu_seconds_total":
			s.cpuSeconds = v
		case name == "process_resident_memory_bytes":
			s.rssBytes = v
		case strings.HasPrefix(name, "confab_rtp_packets_sent_total{"):
			s.packetsOut += v
		}
	}
	return s, sc.Err()
}
