package sfu

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// socketBufferBytes sizes the kernel buffers of the ICE socket, so a burst of packets on a busy
// machine waits in the kernel instead of being dropped there.
const socketBufferBytes = 4 << 20

// Config sets up the media plane.
type Config struct {
	// UDPPort is the one UDP port that carries all ICE traffic. Zero picks a free port per
	// interface, which suits tests.
	UDPPort int
	// PublicIP, when set, is announced in candidates instead of the local addresses, for NAT
	// and containers.
	PublicIP string
	// Logger receives life cycle events; nil means slog.Default().
	Logger *slog.Logger
}

// ErrBadConfig reports a Config that cannot work.
var ErrBadConfig = errors.New("sfu: bad config")

// newAPI builds the Pion API every peer connection is made from: the codecs Confab forwards,
// the interceptors that answer NACKs and send reports, and one UDP port for all of ICE.
func newAPI(cfg Config) (*webrtc.API, *ice.MultiUDPMuxDefault, error) {
	media, err := newMediaEngine()
	if err != nil {
		return nil, nil, err
	}

	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(media, registry); err != nil {
		return nil, nil, fmt.Errorf("sfu: register interceptors: %w", err)
	}

	mux, err := ice.NewMultiUDPMuxFromPort(cfg.UDPPort,
		ice.UDPMuxFromPortWithLoopback(),
		ice.UDPMuxFromPortWithNetworks(ice.NetworkTypeUDP4),
		ice.UDPMuxFromPortWithReadBufferSize(socketBufferBytes),
		ice.UDPMuxFromPortWithWriteBufferSize(socketBufferBytes),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("sfu: listen on UDP port %d: %w", cfg.UDPPort, err)
	}

	var se webrtc.SettingEngine
	se.SetICEUDPMux(mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// A participant whose network goes away is removed within about ten seconds.
	se.SetICETimeouts(4*time.Second, 8*time.Second, 2*time.Second)
	if cfg.PublicIP != "" {
		if net.ParseIP(cfg.PublicIP) == nil {
			_ = mux.Close()
			return nil, nil, fmt.Errorf("%w: public IP %q is not an IP address",
				ErrBadConfig, cfg.PublicIP)
		}
		se.SetNAT1To1IPs([]string{cfg.PublicIP}, webrtc.ICECandidateTypeHost)
	}

	api := webrtc.NewAPI(
		webrtc.WithMediaEngine(media),
		webrtc.WithInterceptorRegistry(registry),
		webrtc.WithSettingEngine(se),
	)
	return api, mux, nil
}

// newMediaEngine lists the codecs Confab forwards: Opus for audio, VP8 for video, and H.264
// where both ends offer it. Payload types follow what browsers use, which keeps SDP short.
func newMediaEngine() (*webrtc.MediaEngine, error) {
	videoFeedback := []webrtc.RTCPFeedback{
		{Type: "goog-remb"},
		{Type: "ccm", Parameter: "fir"},
		{Type: "nack"},
		{Type: "nack", Parameter: "pli"},
		{Type: "transport-cc"},
	}
	codecs := []struct {
		params webrtc.RTPCodecParameters
		kind   webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
				SDPFmtpLine:  "minptime=10;useinbandfec=1",
				RTCPFeedback: []webrtc.RTCPFeedback{{Type: "transport-cc"}},
			},
			PayloadType: 111,
		}, webrtc.RTPCodecTypeAudio},
		{webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: videoFeedback,
			},
			PayloadType: 96,
		}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: videoFeedback,
				SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;" +
					"profile-level-id=42e01f",
			},
			PayloadType: 102,
		}, webrtc.RTPCodecTypeVideo},
	}

	m := &webrtc.MediaEngine{}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.params, c.kind); err != nil {
			return nil, fmt.Errorf("sfu: register codec %s: %w", c.params.MimeType, err)
		}
	}
	return m, nil
}
