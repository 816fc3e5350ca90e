package bot

import (
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// subscriber records what one client receives.
type subscriber struct {
	start time.Time

	mu         sync.Mutex
	phases     map[string]time.Duration // since start, first time each phase was reached
	tracks     []*trackStats
	firstMedia time.Duration
	firstVideo time.Duration
	firstKey   time.Duration
}

func newSubscriber() *subscriber {
	return &subscriber{start: time.Now(), phases: make(map[string]time.Duration)}
}

func (s *subscriber) phase(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.phases[name]; !ok {
		s.phases[name] = time.Since(s.start)
	}
}

// trackStats is what one received track brought.
type trackStats struct {
	kind     webrtc.RTPCodecType
	streamID string

	mu        sync.Mutex
	firstSeq  uint64
	seen      []uint64 // bitmap of probe sequence numbers, from firstSeq
	received  uint64   // distinct packets
	bytes     uint64
	latencies []uint32 // microseconds, one per packet
	jitter    float64  // RFC 3550 section 6.4.1, in nanoseconds
	lastSent  int64
	lastRecv  int64
}

// record notes one packet; it reports whether the packet was new.
func (t *trackStats) record(sent int64, seq uint64, n int, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.firstSeq == 0 {
		t.firstSeq = seq
	}
	if seq < t.firstSeq {
		return false
	}
	i := seq - t.firstSeq
	for uint64(len(t.seen))*64 <= i {
		t.seen = append(t.seen, 0)
	}
	if t.seen[i/64]&(1<<(i%64)) != 0 {
		return false
	}
	t.seen[i/64] |= 1 << (i % 64)
	t.received++
	t.bytes += uint64(n)

	recv := now.UnixNano()
	lat := max(recv-sent, 0) / 1000
	t.latencies = append(t.latencies, uint32(min(lat, math.MaxUint32)))
	if t.lastRecv != 0 {
		d := float64((recv - t.lastRecv) - (sent - t.lastSent))
		t.jitter += (math.Abs(d) - t.jitter) / 16
	}
	t.lastSent, t.lastRecv = sent, recv
	return true
}

// received counts distinct packets with sequence numbers up to last.
func (t *trackStats) receivedUpTo(last uint64) (expected, received uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.firstSeq == 0 || last < t.firstSeq {
		return 0, 0
	}
	expected = last - t.firstSeq + 1
	full := expected / 64
	for i := uint64(0); i < full && i < uint64(len(t.seen)); i++ {
		received += uint64(bits.OnesCount64(t.seen[i]))
	}
	if rest := expected % 64; rest > 0 && full < uint64(len(t.seen)) {
		received += uint64(bits.OnesCount64(t.seen[full] & (1<<rest - 1)))
	}
	return expected, received
}

// onTrack reads a received track until it ends.
func (s *subscriber) onTrack(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	ts := &trackStats{kind: tr.Kind(), streamID: tr.StreamID()}
	s.mu.Lock()
	s.tracks = append(s.tracks, ts)
	s.mu.Unlock()

	video := tr.Kind() == webrtc.RTPCodecTypeVideo
	buf := make([]byte, 1500)
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			return
		}
		now := time.Now()
		hlen := rtpHeaderLen(buf[:n])
		if hlen < 0 {
			continue
		}
		payload := buf[hlen:n]
		skip := 0
		if video {
			skip = videoProbeOffset(payload)
		}
		sent, seq, ok := readProbe(payload, skip)
		if !ok {
			continue
		}
		ts.record(sent, seq, n, now)
		s.firstPacket(video, video && isVP8Keyframe(payload))
	}
}

func (s *subscriber) firstPacket(video, key bool) {
	at := time.Since(s.start)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstMedia == 0 {
		s.firstMedia = at
	}
	if video && s.firstVideo == 0 {
		s.firstVideo = at
	}
	if key && s.firstKey == 0 {
		s.firstKey = at
	}
}

// rtpHeaderLen returns the length of the RTP header at the start of b, or -1.
func rtpHeaderLen(b []byte) int {
	if len(b) < 12 {
		return -1
	}
	n := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 {
		if len(b) < n+4 {
			return -1
		}
		n += 4 + 4*(int(b[n+2])<<8|int(b[n+3]))
	}
	if n > len(b) {
		return -1
	}
	return n
}
