package bot

import (
	"fmt"
	"net"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
	"github.com/pion/webrtc/v4"
)

// socketBuffer is the kernel buffer of each bot socket: several MiB, so that loss measures
// the server, not a full buffer on a busy machine. The kernel caps it at net.core.rmem_max
// and wmem_max.
const socketBuffer = 8 << 20

// bigBuffers is the host network, with every UDP socket opened with large buffers. Each bot
// connection needs a socket of its own: they all talk to the same server address, so one
// shared socket could not tell their packets apart.
type bigBuffers struct {
	*stdnet.Net
	// loss is the share of RTP packets each socket drops as they arrive.
	loss float64
}

// ListenUDP opens a UDP socket with large kernel buffers.
func (n bigBuffers) ListenUDP(network string, addr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetReadBuffer(socketBuffer)
	_ = c.SetWriteBuffer(socketBuffer)
	if n.loss > 0 {
		return newLossyConn(c, n.loss), nil
	}
	return c, nil
}

// ListenPacket opens a packet socket, with large kernel buffers when it is UDP.
func (n bigBuffers) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.Net.ListenPacket(network, address)
	if err != nil {
		return nil, err
	}
	if u, ok := c.(*net.UDPConn); ok {
		_ = u.SetReadBuffer(socketBuffer)
		_ = u.SetWriteBuffer(socketBuffer)
	}
	return c, nil
}

// newAPI builds the bots' Pion API: the default codecs and interceptors, loopback ICE over
// sockets with large buffers, and, with a loss share above zero, a dropper nearest the
// network: out for what the bots send, in for what they receive.
func newAPI(out, in float64) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("bot: codecs: %w", err)
	}
	reg := &interceptor.Registry{}
	if out > 0 {
		reg.Add(dropperFactory{out: out})
	}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, fmt.Errorf("bot: interceptors: %w", err)
	}
	host, err := stdnet.NewNet()
	if err != nil {
		return nil, fmt.Errorf("bot: network: %w", err)
	}
	var se webrtc.SettingEngine
	se.SetNet(bigBuffers{Net: host, loss: in})
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// Only loopback: the bots and the server share this machine.
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg),
		webrtc.WithSettingEngine(se)), nil
}
