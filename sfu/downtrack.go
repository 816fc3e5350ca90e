package sfu

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// errNotBound reports a write to a down track that no connection has bound yet.
var errNotBound = errors.New("sfu: down track not bound")

// downTrack carries one published track to one subscriber. It is the TrackLocal added to the
// subscriber's connection; Pion binds it once the subscriber has answered, and from then on
// the forwarder writes each packet to it, rewritten with the SSRC and payload type negotiated
// on that connection.
type downTrack struct {
	source     *publishedTrack
	subscriber *Participant
	sender     *webrtc.RTPSender

	// bound is set by Bind and cleared by Unbind; the forwarder reads it for every packet.
	bound atomic.Pointer[binding]

	// hdr is the header as this subscriber receives it, rewritten for every packet on the
	// forwarder's goroutine. It lives here so that handing it to Pion allocates nothing.
	hdr rtp.Header

	// rtx and rtxHdr are the retransmission path's own scratch space, used on the RTCP
	// reader's goroutine only.
	rtx    [receiveMTU]byte
	rtxHdr rtp.Header
}

// binding is what one negotiation fixed for a down track.
type binding struct {
	writer      webrtc.TrackLocalWriter
	ssrc        uint32
	payloadType uint8
}

func newDownTrack(source *publishedTrack, subscriber *Participant) *downTrack {
	return &downTrack{source: source, subscriber: subscriber}
}

// Bind picks, among the codecs the subscriber negotiated, the one the publisher sends.
func (d *downTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	want := d.source.codec
	for _, c := range ctx.CodecParameters() {
		if !strings.EqualFold(c.MimeType, want.MimeType) {
			continue
		}
		d.bound.Store(&binding{
			writer:      ctx.WriteStream(),
			ssrc:        uint32(ctx.SSRC()),
			payloadType: uint8(c.PayloadType),
		})
		// A new subscriber can decode nothing until the next keyframe: ask for one now.
		d.source.requestKeyframe()
		return c, nil
	}
	return webrtc.RTPCodecParameters{}, fmt.Errorf("%w: subscriber does not accept %s",
		webrtc.ErrUnsupportedCodec, want.MimeType)
}

// Unbind stops writes once the subscriber's connection lets go of the track.
func (d *downTrack) Unbind(webrtc.TrackLocalContext) error {
	d.bound.Store(nil)
	return nil
}

// ID names the track after the one it forwards, so the subscriber sees a stable track id.
func (d *downTrack) ID() string { return d.source.id }

// RID is empty: one down track carries one layer.
func (d *downTrack) RID() string { return "" }

// StreamID is the publishing participant's id: a client groups a participant's tracks by it.
func (d *downTrack) StreamID() string { return d.source.publisher.ID }

// Kind is the kind of the forwarded track.
func (d *downTrack) Kind() webrtc.RTPCodecType { return d.source.kind }

// resend sends again a packet exactly as the publisher sent it, rewritten for this
// subscriber. It is called on the RTCP reader's goroutine only.
func (d *downTrack) resend(pkt []byte) error {
	b := d.bound.Load()
	if b == nil {
		return errNotBound
	}
	hlen, err := d.rtxHdr.Unmarshal(pkt)
	if err != nil {
		return fmt.Errorf("sfu: cached packet: %w", err)
	}
	d.rtxHdr.Extension = false
	d.rtxHdr.Extensions = d.rtxHdr.Extensions[:0]
	d.rtxHdr.SSRC = b.ssrc
	d.rtxHdr.PayloadType = b.payloadType
	_, err = b.writer.WriteRTP(&d.rtxHdr, pkt[hlen:])
	return err
}

// writeRTP sends one packet to the subscriber, with the SSRC and payload type negotiated on
// its connection. It is called on the source's forwarder goroutine only.
func (d *downTrack) writeRTP(h *rtp.Header, payload []byte) error {
	b := d.bound.Load()
	if b == nil {
		return errNotBound
	}

	ext := d.hdr.Extensions[:0]
	d.hdr = *h
	d.hdr.Extensions = ext
	d.hdr.SSRC = b.ssrc
	d.hdr.PayloadType = b.payloadType
	_, err := b.writer.WriteRTP(&d.hdr, payload)
	return err
}
