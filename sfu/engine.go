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

	"github.com/confab/confab/metrics"
)

// socketBufferBytes sizes the kernel buffers of the ICE socket, so a burst of packets on a busy
// machine waits in the kernel instead of being dropped there.
const socketBufferBytes = 4 << 20

// maxDataMessage is the largest data channel message the server accepts.
const maxDataMessage = 64 << 10

// Config sets up the media plane.
type Config struct {
	// UDPPort is the one UDP port that carries all ICE traffic. Zero picks a free port per
	// interface, which suits tests.
	UDPPort int
	// TCPPort is the one TCP port for ICE over TCP, for networks that block UDP. Zero picks
	// a free port, which suits tests.
	TCPPort int
	// PublicIP, when set, is announced in candidates instead of the local addresses, for NAT
	// and containers.
	PublicIP string
	// Metrics receives the media plane's counters; nil means a private set nobody reads.
	Metrics *metrics.Metrics
	// Logger receives life cycle events; nil means slog.Default().
	Logger *slog.Logger
}

// ErrBadConfig reports a Config that cannot work.
var ErrBadConfig = errors.New("sfu: bad config")

// ports are the sockets all of ICE shares: one UDP port and one TCP port.
type ports struct {
	udp    *ice.MultiUDPMuxDefault
	tcp    ice.TCPMux
	tcpLis net.Listener
	burst  *burst
}

func (p *ports) close() error {
	// Closing the TCP mux closes its listener too.
	return errors.Join(p.udp.Close(), p.tcp.Close())
}

func openPorts(cfg Config, log *slog.Logger) (*ports, error) {
	b := &burst{}
	conns, err := listenUDP(cfg.UDPPort, b, log)
	if err != nil {
		return nil, err
	}
	b.conns = conns
	muxes := make([]ice.UDPMux, len(conns))
	for i, c := range conns {
		muxes[i] = ice.NewUDPMuxDefault(ice.UDPMuxParams{
			UDPConn: c, Logger: pionLogs{log}.NewLogger("udpmux"),
		})
	}
	udp := ice.NewMultiUDPMuxDefault(muxes...)
	lis, err := net.Listen("tcp4", fmt.Sprintf(":%d", cfg.TCPPort))
	if err != nil {
		_ = udp.Close()
		return nil, fmt.Errorf("sfu: listen on TCP port %d: %w", cfg.TCPPort, err)
	}
	tcp := webrtc.NewICETCPMux(pionLogs{log}.NewLogger("tcpmux"), lis, 8)
	return &ports{udp: udp, tcp: tcp, tcpLis: lis, burst: b}, nil
}

// newAPI builds the Pion API every peer connection is made from: the codecs Confab forwards,
// the interceptors that answer NACKs and send reports, and the shared ICE ports.
func newAPI(cfg Config, p *ports, log *slog.Logger) (*webrtc.API, error) {
	media, err := newMediaEngine()
	if err != nil {
		return nil, err
	}

	registry := &interceptor.Registry{}
	if err := registerInterceptors(media, registry, pionLogs{log}); err != nil {
		return nil, err
	}

	var se webrtc.SettingEngine
	se.LoggerFactory = pionLogs{log}
	se.SetICEUDPMux(p.udp)
	se.SetICETCPMux(p.tcp)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4})
	se.SetIncludeLoopbackCandidate(true)
	// Chat messages are at most 16 KiB; advertising 64 KiB lets a larger one arrive and be
	// refused with an error, while a client cannot send a message the server would choke on.
	se.SetSCTPMaxMessageSize(maxDataMessage)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// A participant whose network goes away is removed within about ten seconds.
	se.SetICETimeouts(4*time.Second, 8*time.Second, 2*time.Second)
	if cfg.PublicIP != "" {
		if err := CheckPublicIP(cfg.PublicIP); err != nil {
			return nil, err
		}
		se.SetNAT1To1IPs([]string{cfg.PublicIP}, webrtc.ICECandidateTypeHost)
	}

	api := webrtc.NewAPI(
		webrtc.WithMediaEngine(media),
		webrtc.WithInterceptorRegistry(registry),
		webrtc.WithSettingEngine(se),
	)
	return api, nil
}

// CheckPublicIP tells whether ip can be announced to clients: an IPv4 address (ICE runs over
// IPv4) that is neither unspecified nor multicast.
func CheckPublicIP(ip string) error {
	addr := net.ParseIP(ip)
	switch {
	case addr == nil:
		return fmt.Errorf("%w: public IP %q is not an IP address", ErrBadConfig, ip)
	case addr.To4() == nil:
		return fmt.Errorf("%w: public IP %q is not IPv4; ICE runs over IPv4", ErrBadConfig, ip)
	case addr.IsUnspecified() || addr.IsMulticast():
		return fmt.Errorf("%w: public IP %q cannot be reached by clients", ErrBadConfig, ip)
	}
	return nil
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
