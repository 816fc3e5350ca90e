package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// audioPayload is the size of an Opus packet of 20 ms at 64 kbit/s.
const audioPayload = 160

// publisher sends synthetic media on one client's tracks.
type publisher struct {
	cfg   Config
	video *webrtc.TrackLocalStaticRTP
	audio *webrtc.TrackLocalStaticRTP

	wantKeyframe atomic.Bool
	videoSeq     atomic.Uint64 // probe sequence numbers sent so far
	audioSeq     atomic.Uint64
}

func newPublisher(cfg Config, id string) (*publisher, error) {
	p := &publisher{cfg: cfg}
	var err error
	if cfg.VideoKbps > 0 {
		p.video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", id)
		if err != nil {
			return nil, err
		}
	}
	if cfg.Audio {
		p.audio, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", id)
		if err != nil {
			return nil, err
		}
	}
	p.wantKeyframe.Store(true)
	return p, nil
}

func (p *publisher) tracks() []webrtc.TrackLocal {
	var out []webrtc.TrackLocal
	if p.video != nil {
		out = append(out, p.video)
	}
	if p.audio != nil {
		out = append(out, p.audio)
	}
	return out
}

// keyframeRequested makes the next frame a keyframe.
func (p *publisher) keyframeRequested(string) { p.wantKeyframe.Store(true) }

// run sends until ctx ends.
func (p *publisher) run(ctx context.Context) {
	var wg sync.WaitGroup
	if p.video != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.sendVideo(ctx)
		}()
	}
	if p.audio != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.sendAudio(ctx)
		}()
	}
	wg.Wait()
}

func (p *publisher) sendVideo(ctx context.Context) {
	fps := p.cfg.FPS
	frameBytes := p.cfg.VideoKbps * 1000 / 8 / fps
	interval := time.Second / time.Duration(fps)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	lastKey := time.Now()
	buf := make([]byte, maxVideoPayload)
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96}}
	var seq uint16

	for frame := uint32(0); ; frame++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		key := p.wantKeyframe.Swap(false) || time.Since(lastKey) >= p.cfg.KeyframeInterval
		size := frameBytes
		if key {
			lastKey = time.Now()
			size *= 3
		}
		pkt.Timestamp = frame * uint32(90000/fps)
		for first, left := true, size; left > 0 || first; first = false {
			n := putVP8(buf, first, key, size)
			putProbe(buf[n:], time.Now(), p.videoSeq.Add(1))
			n += probeLen
			chunk := min(max(left, 0), maxVideoPayload-n)
			clear(buf[n : n+chunk])
			n += chunk
			left -= chunk + probeLen
			seq++
			pkt.SequenceNumber = seq
			pkt.Marker = left <= 0
			pkt.Payload = buf[:n]
			_ = p.video.WriteRTP(pkt)
		}
	}
}

func (p *publisher) sendAudio(ctx context.Context) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	buf := make([]byte, audioPayload)
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111}, Payload: buf}
	for i := uint32(1); ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		putProbe(buf, time.Now(), p.audioSeq.Add(1))
		pkt.SequenceNumber = uint16(i)
		pkt.Timestamp = i * 960
		_ = p.audio.WriteRTP(pkt)
	}
}
