package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// payloadFor is the payload a test publisher sends in packet seq of one track: receivers
// rebuild it and compare byte for byte.
func payloadFor(owner string, kind webrtc.RTPCodecType, seq uint16) []byte {
	b := make([]byte, 0, 64)
	b = append(b, 0x10) // a VP8 payload descriptor with the start-of-partition bit
	b = binary.BigEndian.AppendUint16(b, seq)
	b = append(b, byte(kind))
	b = append(b, owner...)
	return b
}

// publisher sends synthetic RTP on an audio and a video track until stopped.
type publisher struct {
	owner  string
	tracks map[webrtc.RTPCodecType]*webrtc.TrackLocalStaticRTP
}

func newPublisher(t *testing.T, owner string) *publisher {
	t.Helper()
	audio, err := webrtc.NewTrackLocalStaticRTP(
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
		"audio", owner)
	if err != nil {
		t.Fatal(err)
	}
	video, err := webrtc.NewTrackLocalStaticRTP(
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
		"video", owner)
	if err != nil {
		t.Fatal(err)
	}
	return &publisher{owner: owner, tracks: map[webrtc.RTPCodecType]*webrtc.TrackLocalStaticRTP{
		webrtc.RTPCodecTypeAudio: audio, webrtc.RTPCodecTypeVideo: video,
	}}
}

func (p *publisher) locals() []webrtc.TrackLocal {
	return []webrtc.TrackLocal{p.tracks[webrtc.RTPCodecTypeAudio], p.tracks[webrtc.RTPCodecTypeVideo]}
}

// run sends a packet on each track every 10 ms until ctx ends.
func (p *publisher) run(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for seq := uint16(1); ; seq++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for kind, tr := range p.tracks {
			pkt := &rtp.Packet{
				Header: rtp.Header{Version: 2, SequenceNumber: seq,
					Timestamp: uint32(seq) * 960, Marker: true},
				Payload: payloadFor(p.owner, kind, seq),
			}
			_ = tr.WriteRTP(pkt)
		}
	}
}

// receiver records, for each track it receives, whether payloads arrived intact and when the
// track ended.
type receiver struct {
	mu     sync.Mutex
	tracks map[string]*received // by stream id + kind
	change chan struct{}
}

type received struct {
	streamID string
	kind     webrtc.RTPCodecType
	packets  int
	corrupt  int
	ended    bool
}

func newReceiver() *receiver {
	return &receiver{tracks: make(map[string]*received), change: make(chan struct{}, 1)}
}

func (r *receiver) notify() {
	select {
	case r.change <- struct{}{}:
	default:
	}
}

func (r *receiver) onTrack(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	key := tr.StreamID() + "/" + tr.Kind().String()
	r.mu.Lock()
	rec := &received{streamID: tr.StreamID(), kind: tr.Kind()}
	r.tracks[key] = rec
	r.mu.Unlock()

	go func() {
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				r.mu.Lock()
				rec.ended = true
				r.mu.Unlock()
				r.notify()
				return
			}
			owner := string(pkt.Payload[min(4, len(pkt.Payload)):])
			ok := bytes.Equal(pkt.Payload, payloadFor(owner, tr.Kind(), pkt.SequenceNumber))
			r.mu.Lock()
			rec.packets++
			if !ok {
				rec.corrupt++
			}
			r.mu.Unlock()
			r.notify()
		}
	}()
}

// waitFor polls the receiver's state at every change until cond holds or ctx ends.
func (r *receiver) waitFor(ctx context.Context, cond func(map[string]*received) bool) error {
	for {
		r.mu.Lock()
		ok := cond(r.tracks)
		r.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-r.change:
		case <-ctx.Done():
			return fmt.Errorf("condition not met: %w", ctx.Err())
		}
	}
}

func TestThreeParticipantsForwarding(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	names := []string{"ada", "brian", "chen"}
	clients := make([]*client.Client, len(names))
	recvs := make([]*receiver, len(names))
	pubCtx, stopPublishing := context.WithCancel(ctx)
	var pubs sync.WaitGroup
	defer func() {
		stopPublishing()
		pubs.Wait()
	}()

	for i, name := range names {
		acct := srv.Register(t, name)
		pub := newPublisher(t, acct.User.ID)
		recvs[i] = newReceiver()
		c, err := client.Join(ctx, client.Config{
			URL: srv.URL, Token: acct.AccessToken, Room: "demo",
			Tracks: pub.locals(), OnTrack: recvs[i].onTrack,
		})
		if err != nil {
			t.Fatalf("%s joins: %v", name, err)
		}
		clients[i] = c
		defer c.Close()
		pubs.Add(1)
		go pub.run(pubCtx, &pubs)
	}

	// Each participant receives exactly the other two participants' audio and video, intact.
	for i := range clients {
		want := map[string]bool{}
		for j, o := range clients {
			if j != i {
				want[o.Self.ID+"/audio"] = true
				want[o.Self.ID+"/video"] = true
			}
		}
		err := recvs[i].waitFor(ctx, func(got map[string]*received) bool {
			if len(got) != len(want) {
				return false
			}
			for k, rec := range got {
				if !want[k] || rec.packets < 20 {
					return false
				}
			}
			return true
		})
		if err != nil {
			t.Fatalf("%s: %v; got tracks %v", names[i], err, describe(recvs[i]))
		}
		recvs[i].mu.Lock()
		for k, rec := range recvs[i].tracks {
			if rec.corrupt > 0 {
				t.Errorf("%s: track %s: %d of %d payloads changed in transit",
					names[i], k, rec.corrupt, rec.packets)
			}
		}
		recvs[i].mu.Unlock()
	}

	// When chen leaves, chen's tracks end at the other two.
	leaving := clients[2].Self.ID
	clients[2].Leave()
	for i := range 2 {
		err := recvs[i].waitFor(ctx, func(got map[string]*received) bool {
			return got[leaving+"/audio"].ended && got[leaving+"/video"].ended
		})
		if err != nil {
			t.Fatalf("%s: chen's tracks did not end: %v", names[i], err)
		}
	}
	// And the tracks between those two keep flowing.
	for i := range 2 {
		other := clients[1-i].Self.ID + "/video"
		recvs[i].mu.Lock()
		before := recvs[i].tracks[other].packets
		recvs[i].mu.Unlock()
		err := recvs[i].waitFor(ctx, func(got map[string]*received) bool {
			return got[other].packets > before+10
		})
		if err != nil {
			t.Fatalf("%s: media stopped after chen left: %v", names[i], err)
		}
	}
}

func describe(r *receiver) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b bytes.Buffer
	for k, rec := range r.tracks {
		fmt.Fprintf(&b, "%s:%d ", k, rec.packets)
	}
	return b.String()
}
