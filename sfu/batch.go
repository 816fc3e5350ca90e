package sfu

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	"golang.org/x/net/ipv4"
)

// batchMax is how many packets one sendmmsg call carries at most.
const batchMax = 64

// burst lets the forwarder send a packet's copies to all its subscribers with one system
// call per socket. Between hold and release, writes on the SFU's UDP sockets are queued;
// the last release sends each socket's queue with sendmmsg(2). Writes from other goroutines
// that land inside a burst wait for its end: a few microseconds.
type burst struct {
	holds atomic.Int32
	conns []*batchConn
}

func (b *burst) hold() { b.holds.Add(1) }

func (b *burst) release() {
	if b.holds.Add(-1) != 0 {
		return
	}
	for _, c := range b.conns {
		c.flush()
	}
}

// batchConn is the ICE socket of one local address. Outside a burst each write goes out at
// once; inside one it is copied into a preallocated queue, so the path stays free of
// allocations.
type batchConn struct {
	*net.UDPConn
	pc    *ipv4.PacketConn
	burst *burst
	log   *slog.Logger

	mu    sync.Mutex // guards the queue below
	msgs  []ipv4.Message
	addrs []net.UDPAddr
	n     int
}

func newBatchConn(c *net.UDPConn, b *burst, log *slog.Logger) *batchConn {
	bc := &batchConn{UDPConn: c, pc: ipv4.NewPacketConn(c), burst: b, log: log,
		msgs: make([]ipv4.Message, batchMax), addrs: make([]net.UDPAddr, batchMax)}
	for i := range bc.msgs {
		bc.msgs[i].Buffers = [][]byte{make([]byte, receiveMTU+64)}
		bc.addrs[i].IP = make(net.IP, 4)
		bc.msgs[i].Addr = &bc.addrs[i]
	}
	return bc
}

// ReadFromAddrPort reads one packet; with WriteToAddrPort it lets the ICE mux skip
// allocating addresses.
func (c *batchConn) ReadFromAddrPort(b []byte) (int, netip.AddrPort, error) {
	return c.UDPConn.ReadFromUDPAddrPort(b)
}

// WriteToAddrPort sends b to addr, or queues it inside a burst.
func (c *batchConn) WriteToAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	if c.burst.holds.Load() == 0 || !addr.Addr().Is4() || len(b) > receiveMTU+64 {
		return c.UDPConn.WriteToUDPAddrPort(b, addr)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.burst.holds.Load() == 0 {
		// The burst ended after the check above and its flush may have passed: send now.
		return c.UDPConn.WriteToUDPAddrPort(b, addr)
	}
	m := &c.msgs[c.n]
	m.Buffers[0] = m.Buffers[0][:copy(m.Buffers[0][:cap(m.Buffers[0])], b)]
	ip := addr.Addr().As4()
	copy(c.addrs[c.n].IP, ip[:])
	c.addrs[c.n].Port = int(addr.Port())
	c.n++
	if c.n == batchMax {
		c.flushLocked()
	}
	return len(b), nil
}

func (c *batchConn) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
}

// flushLocked sends the queue. Like any UDP send, a packet the kernel refuses is lost; the
// receiver's NACK repairs video.
func (c *batchConn) flushLocked() {
	for sent := 0; sent < c.n; {
		k, err := c.pc.WriteBatch(c.msgs[sent:c.n], 0)
		if err != nil {
			c.log.Debug("batched send failed", "packets", c.n-sent, "err", err)
			break
		}
		sent += k
	}
	c.n = 0
}

// listenUDP opens the ICE UDP socket on every local IPv4 address, with large buffers, each
// wrapped for bursts.
func listenUDP(port int, b *burst, log *slog.Logger) ([]*batchConn, error) {
	ips, err := localIPv4s()
	if err != nil {
		return nil, err
	}
	var conns []*batchConn
	for _, ip := range ips {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: ip, Port: port})
		if err != nil {
			for _, o := range conns {
				_ = o.Close()
			}
			return nil, fmt.Errorf("sfu: listen on %s:%d/udp: %w", ip, port, err)
		}
		_ = c.SetReadBuffer(socketBufferBytes)
		_ = c.SetWriteBuffer(socketBufferBytes)
		conns = append(conns, newBatchConn(c, b, log))
	}
	if len(conns) == 0 {
		return nil, errors.New("sfu: no IPv4 address to listen on")
	}
	return conns, nil
}

// localIPv4s lists the IPv4 addresses of the interfaces that are up, loopback included.
func localIPv4s() ([]net.IP, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("sfu: list interfaces: %w", err)
	}
	var ips []net.IP
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
				ips = append(ips, n.IP.To4())
			}
		}
	}
	return ips, nil
}
