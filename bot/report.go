package bot

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/pion/webrtc/v4"
)

// Report is the outcome of a load test, as --json prints it.
type Report struct {
	Publishers   int                  `json:"publishers"`
	Subscribers  int                  `json:"subscribers"`
	JoinErrors   int64                `json:"join_errors"`
	Seconds      float64              `json:"seconds"`
	JoinMS       Quantiles            `json:"join_ms"`
	FirstMediaMS Quantiles            `json:"first_media_ms"`
	FirstVideoMS Quantiles            `json:"first_video_ms"`
	PhasesMS     map[string]Quantiles `json:"phases_ms"`
	Packets      Packets              `json:"packets"`
	LossPct      float64              `json:"loss_pct"`
	LatencyMS    Latency              `json:"latency_ms"`
	JitterMS     float64              `json:"jitter_ms"`
	KbpsPerBot   float64              `json:"kbps_per_receiver"`
	Server       Server               `json:"server"`
	// ServerError says why Server is all zero: a scrape of /metrics failed, or the server
	// restarted between the two.
	ServerError string `json:"server_error,omitempty"`
}

// Quantiles are the median and 99th percentile of a set of times.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// Latency is one-way latency from publisher to subscriber through the server.
type Latency struct {
	P50  float64 `json:"p50"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
}

// Packets counts media packets: expected from the sequence numbers publishers sent while a
// subscriber received the track, and received once each.
type Packets struct {
	Expected uint64 `json:"expected"`
	Received uint64 `json:"received"`
	Lost     uint64 `json:"lost"`
}

// Server is what the server's /metrics said over the steady phase.
type Server struct {
	CPUSeconds     float64 `json:"cpu_seconds"`
	PacketsOut     float64 `json:"packets_out"`
	PacketsPerSec  float64 `json:"packets_out_per_second"`
	USPerPacketOut float64 `json:"us_per_packet_out"`
	RSSBytes       float64 `json:"rss_bytes"`
}

// report sums up the run; before and after are the server's samples around the steady
// phase, and scrapeErr the failure of either.
func (r *run) report(before, after serverSample, scrapeErr error) *Report {
	rep := &Report{
		Publishers:  r.cfg.Publishers,
		Subscribers: r.cfg.Subscribers,
		JoinErrors:  r.failed.Load(),
		Seconds:     r.cfg.Duration.Seconds(),
		PhasesMS:    map[string]Quantiles{},
	}
	last := r.lastSent()
	var joins, media, video []time.Duration
	phases := map[string][]time.Duration{}
	var lat []uint32
	var jitter float64
	var tracks int
	var bytes uint64
	for _, b := range r.bots {
		if b == nil || b.client == nil {
			continue
		}
		s := b.sub
		s.mu.Lock()
		for name, d := range s.phases {
			phases[name] = append(phases[name], d)
		}
		if d, ok := s.phases["joined"]; ok {
			joins = append(joins, d)
		}
		if s.firstMedia > 0 {
			media = append(media, s.firstMedia)
		}
		if s.firstVideo > 0 {
			video = append(video, s.firstVideo)
		}
		if s.firstKey > 0 {
			phases["first_keyframe"] = append(phases["first_keyframe"], s.firstKey)
		}
		s.mu.Unlock()

		for _, t := range s.trackList() {
			exp, got := t.receivedUpTo(last[trackKey{t.streamID, t.kind}])
			rep.Packets.Expected += exp
			rep.Packets.Received += got
			t.mu.Lock()
			lat = append(lat, t.latencies...)
			jitter += t.jitter
			bytes += t.bytes
			t.mu.Unlock()
			tracks++
		}
	}
	if rep.Packets.Expected > rep.Packets.Received {
		rep.Packets.Lost = rep.Packets.Expected - rep.Packets.Received
	}
	if rep.Packets.Expected > 0 {
		rep.LossPct = 100 * float64(rep.Packets.Lost) / float64(rep.Packets.Expected)
	}
	if tracks > 0 {
		rep.JitterMS = jitter / float64(tracks) / 1e6
	}
	if receivers := r.joined.Load(); receivers > 0 {
		total := r.cfg.Duration.Seconds() + recoveryWindow.Seconds()
		rep.KbpsPerBot = float64(bytes) * 8 / 1000 / total / float64(receivers)
	}
	rep.JoinMS = quantiles(joins)
	rep.FirstMediaMS = quantiles(media)
	rep.FirstVideoMS = quantiles(video)
	for name, ds := range phases {
		rep.PhasesMS[name] = quantiles(ds)
	}
	rep.LatencyMS = latency(lat)
	rep.Server, rep.ServerError = serverDelta(before, after, scrapeErr)
	return rep
}

type trackKey struct {
	streamID string
	kind     webrtc.RTPCodecType
}

// lastSent maps each published track, by the stream id its receivers see (the publishing
// participant's id), to the last probe sequence number it sent.
func (r *run) lastSent() map[trackKey]uint64 {
	out := map[trackKey]uint64{}
	for _, b := range r.bots {
		if b == nil || b.pub == nil || b.client == nil {
			continue
		}
		id := b.client.Self.ID
		out[trackKey{id, webrtc.RTPCodecTypeVideo}] = b.pub.videoSeq.Load()
		out[trackKey{id, webrtc.RTPCodecTypeAudio}] = b.pub.audioSeq.Load()
	}
	return out
}

// serverDelta is what the server did between two samples. When a scrape failed, or counters
// went back because the server restarted, it returns zero figures and why.
func serverDelta(before, after serverSample, scrapeErr error) (Server, string) {
	if scrapeErr != nil {
		return Server{}, scrapeErr.Error()
	}
	s := Server{
		CPUSeconds: after.cpuSeconds - before.cpuSeconds,
		PacketsOut: after.packetsOut - before.packetsOut,
		RSSBytes:   after.rssBytes,
	}
	if s.CPUSeconds < 0 || s.PacketsOut < 0 {
		return Server{}, "server counters went back: it restarted during the run"
	}
	if secs := after.at.Sub(before.at).Seconds(); secs > 0 {
		s.PacketsPerSec = s.PacketsOut / secs
	}
	if s.PacketsOut > 0 {
		s.USPerPacketOut = s.CPUSeconds * 1e6 / s.PacketsOut
	}
	return s, ""
}

func quantiles(ds []time.Duration) Quantiles {
	if len(ds) == 0 {
		return Quantiles{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		return float64(ds[int(q*float64(len(ds)-1))].Microseconds()) / 1000
	}
	return Quantiles{P50: at(0.5), P99: at(0.99)}
}

func latency(us []uint32) Latency {
	if len(us) == 0 {
		return Latency{}
	}
	slices.Sort(us)
	at := func(q float64) float64 { return float64(us[int(q*float64(len(us)-1))]) / 1000 }
	return Latency{P50: at(0.5), P99: at(0.99), P999: at(0.999)}
}

// WriteTable writes the report for a person to read.
func (rep *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "\n%d publishers, %d subscribers, %.0f s steady, %d failed joins\n",
		rep.Publishers, rep.Subscribers, rep.Seconds, rep.JoinErrors)
	fmt.Fprintf(w, "%-26s %10s %10s\n", "join phase (ms)", "p50", "p99")
	for _, name := range []string{"ws_open", "joined", "ice_connected", "dtls_connected"} {
		q := rep.PhasesMS[name]
		fmt.Fprintf(w, "  %-24s %10.1f %10.1f\n", name, q.P50, q.P99)
	}
	fmt.Fprintf(w, "  %-24s %10.1f %10.1f\n", "first media", rep.FirstMediaMS.P50,
		rep.FirstMediaMS.P99)
	fmt.Fprintf(w, "  %-24s %10.1f %10.1f\n", "first video", rep.FirstVideoMS.P50,
		rep.FirstVideoMS.P99)
	q := rep.PhasesMS["first_keyframe"]
	fmt.Fprintf(w, "  %-24s %10.1f %10.1f\n", "first keyframe", q.P50, q.P99)
	fmt.Fprintf(w, "packets  expected %d  received %d  lost %d (%.3f%%)\n",
		rep.Packets.Expected, rep.Packets.Received, rep.Packets.Lost, rep.LossPct)
	fmt.Fprintf(w, "latency  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  jitter %.2f ms\n",
		rep.LatencyMS.P50, rep.LatencyMS.P99, rep.LatencyMS.P999, rep.JitterMS)
	fmt.Fprintf(w, "received %.0f kbit/s per receiver\n", rep.KbpsPerBot)
	if rep.ServerError != "" {
		fmt.Fprintf(w, "server   server figures unavailable (%s)\n", rep.ServerError)
		return
	}
	s := rep.Server
	fmt.Fprintf(w, "server   %.2f CPU s  %.0f packets out (%.0f/s)  %.2f µs/packet  RSS %.1f MiB\n",
		s.CPUSeconds, s.PacketsOut, s.PacketsPerSec, s.USPerPacketOut, s.RSSBytes/(1<<20))
}
