package sfu

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/confab/confab/metrics"
)

// keyframeInterval is the shortest time between two keyframe requests sent to a publisher:
// subscribers that ask together share one keyframe.
const keyframeInterval = 300 * time.Millisecond

// receiveMTU is the largest RTP packet read from a publisher.
const receiveMTU = 1500

// publishedTrack is one track a participant publishes, and the forwarder that copies each of
// its packets to every subscriber's down track.
type publishedTrack struct {
	id        string
	kind      webrtc.RTPCodecType
	codec     webrtc.RTPCodecParameters
	publisher *Participant
	remote    *webrtc.TrackRemote

	// downs is what the forwarder reads for every packet: a slice replaced whole, never changed
	// in place, so the hot path takes no lock.
	downs atomic.Pointer[[]*downTrack]

	mu     sync.Mutex // guards closed and serialises changes to downs
	closed bool

	lastKeyframe    atomic.Int64 // unix nanoseconds of the last request sent
	keyframePending atomic.Bool  // a delayed request is scheduled

	stats trackStats

	// scratch is the forwarder's parsed header, reused for every packet.
	scratch rtp.Header

	// cache keeps recent packets for retransmission; nil for audio, which is not repaired.
	cache *packetCache
}

// trackStats are the counters of one track's kind, looked up once so that the forwarder
// only adds to them.
type trackStats struct {
	packetsIn, bytesIn, packetsOut, bytesOut prometheus.Counter
	published, subscribed                    prometheus.Gauge
	nacks, keyframesAsked, keyframesSent     prometheus.Counter
	loss                                     prometheus.Observer
}

func newTrackStats(m *metrics.Metrics, kind string) trackStats {
	return trackStats{
		packetsIn:      m.PacketsIn.WithLabelValues(kind),
		bytesIn:        m.BytesIn.WithLabelValues(kind),
		packetsOut:     m.PacketsOut.WithLabelValues(kind),
		bytesOut:       m.BytesOut.WithLabelValues(kind),
		published:      m.TracksPublished.WithLabelValues(kind),
		subscribed:     m.TracksSubscribed.WithLabelValues(kind),
		nacks:          m.NACKs,
		keyframesAsked: m.KeyframeRequests.WithLabelValues("from_subscriber"),
		keyframesSent:  m.KeyframeRequests.WithLabelValues("to_publisher"),
		loss:           m.ReceiverLoss,
	}
}

func newPublishedTrack(p *Participant, remote *webrtc.TrackRemote) *publishedTrack {
	t := &publishedTrack{
		id:        remote.ID(),
		kind:      remote.Kind(),
		codec:     remote.Codec(),
		publisher: p,
		remote:    remote,
		stats:     newTrackStats(p.sfu.metrics, remote.Kind().String()),
	}
	if t.id == "" {
		t.id = remote.Kind().String()
	}
	if t.kind == webrtc.RTPCodecTypeVideo {
		t.cache = &packetCache{}
	}
	t.downs.Store(&[]*downTrack{})
	return t
}

// addDown starts forwarding to d. It reports false once the track has ended.
func (t *publishedTrack) addDown(d *downTrack) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	old := *t.downs.Load()
	next := make([]*downTrack, len(old), len(old)+1)
	copy(next, old)
	next = append(next, d)
	t.downs.Store(&next)
	return true
}

// removeDown stops forwarding to d.
func (t *publishedTrack) removeDown(d *downTrack) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.downs.Load()
	next := make([]*downTrack, 0, len(old))
	for _, x := range old {
		if x != d {
			next = append(next, x)
		}
	}
	t.downs.Store(&next)
}

// end marks the track finished and returns the down tracks it was feeding.
func (t *publishedTrack) end() []*downTrack {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	downs := *t.downs.Load()
	t.downs.Store(&[]*downTrack{})
	return downs
}

// forward copies packets from the publisher to every subscriber until the publisher's
// connection closes.
func (t *publishedTrack) forward() {
	t.stats.published.Inc()
	defer t.stats.published.Dec()

	buf := make([]byte, receiveMTU)
	for {
		n, _, err := t.remote.Read(buf)
		if err != nil {
			return
		}
		t.fanOut(buf[:n])
	}
}

// fanOut sends one received packet to every down track. It runs on the forwarder's
// goroutine only: each down track's scratch header is its own. Publisher header extensions
// are dropped, since their ids were negotiated with the publisher, and each subscriber's
// connection adds its own.
func (t *publishedTrack) fanOut(pkt []byte) {
	t.stats.packetsIn.Inc()
	t.stats.bytesIn.Add(float64(len(pkt)))
	downs := *t.downs.Load()
	if len(downs) == 0 {
		return
	}
	h := &t.scratch
	hlen, err := h.Unmarshal(pkt)
	if err != nil {
		return
	}
	if t.cache != nil {
		t.cache.put(h.SequenceNumber, pkt)
	}
	payload := pkt[hlen:]
	h.Extension = false
	h.Extensions = h.Extensions[:0]

	sent := 0
	burst := t.publisher.sfu.ports.burst
	burst.hold()
	for _, d := range downs {
		// A failed write means the subscriber is leaving; its own teardown removes d.
		if d.writeRTP(h, payload) == nil {
			sent++
		}
	}
	burst.release()
	if sent > 0 {
		t.stats.packetsOut.Add(float64(sent))
		t.stats.bytesOut.Add(float64(sent * len(pkt)))
	}
}

// retransmit sends a subscriber the packets its NACK lists again, from the track's cache.
// It runs on the subscriber's RTCP reader goroutine, with a scratch buffer of its own.
func (t *publishedTrack) retransmit(d *downTrack, nack *rtcp.TransportLayerNack) {
	if t.cache == nil {
		return
	}
	for _, pair := range nack.Nacks {
		for _, seq := range pair.PacketList() {
			n := t.cache.get(seq, d.rtx[:])
			if n == 0 {
				continue
			}
			if err := d.resend(d.rtx[:n]); err != nil {
				return
			}
		}
	}
}

// requestKeyframe asks the publisher for a keyframe, at most once per keyframeInterval; a
// request inside the interval is sent when the interval ends.
func (t *publishedTrack) requestKeyframe() {
	if t.kind != webrtc.RTPCodecTypeVideo {
		return
	}
	now := time.Now().UnixNano()
	wait := time.Duration(t.lastKeyframe.Load() + int64(keyframeInterval) - now)
	if wait <= 0 {
		t.sendKeyframeRequest()
		return
	}
	if t.keyframePending.CompareAndSwap(false, true) {
		time.AfterFunc(wait, func() {
			t.keyframePending.Store(false)
			t.sendKeyframeRequest()
		})
	}
}

func (t *publishedTrack) sendKeyframeRequest() {
	t.lastKeyframe.Store(time.Now().UnixNano())
	t.stats.keyframesSent.Inc()
	pli := &rtcp.PictureLossIndication{MediaSSRC: uint32(t.remote.SSRC())}
	if err := t.publisher.pub.WriteRTCP([]rtcp.Packet{pli}); err != nil {
		t.publisher.log.Debug("keyframe request failed", "track", t.id, "err", err)
	}
}

// readSubscriberRTCP reads what a subscriber's connection says about one down track, which
// also lets Pion's interceptors answer NACKs from their cache. Keyframe requests go on to the
// publisher. It returns when the sender stops.
func (t *publishedTrack) readSubscriberRTCP(d *downTrack, sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				t.stats.keyframesAsked.Inc()
				t.requestKeyframe()
			case *rtcp.TransportLayerNack:
				t.stats.nacks.Inc()
				t.retransmit(d, p)
			case *rtcp.ReceiverReport:
				for _, r := range p.Reports {
					t.stats.loss.Observe(float64(r.FractionLost) / 256)
				}
			}
		}
	}
}
