package bot

import (
	"math/rand/v2"
	"net"
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/transport/v5"
)

// dropper is an interceptor that discards a share of outgoing RTP, as a lossy network
// would. Registered first, it sits closest to the network: the NACK responder has already
// kept each packet it drops, so the server can still ask for it again.
type dropper struct {
	interceptor.NoOp
	out float64

	mu  sync.Mutex
	rng *rand.Rand
}

type dropperFactory struct{ out float64 }

// NewInterceptor returns a dropper for one peer connection.
func (f dropperFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &dropper{out: f.out, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}, nil
}

func (d *dropper) drop(share float64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rng.Float64() < share
}

// BindLocalStream wraps the writer of one outgoing stream.
func (d *dropper) BindLocalStream(_ *interceptor.StreamInfo,
	w interceptor.RTPWriter) interceptor.RTPWriter {
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte,
		a interceptor.Attributes) (int, error) {
		if d.drop(d.out) {
			return len(payload), nil
		}
		return w.Write(h, payload, a)
	})
}

// lossyConn drops a share of the RTP packets that arrive on a socket, before SRTP sees
// them, as a lossy network would; STUN, DTLS and RTCP pass untouched (RFC 7983 section 7
// tells them apart by the first bytes).
type lossyConn struct {
	transport.UDPConn
	share float64

	mu  sync.Mutex
	rng *rand.Rand
}

func newLossyConn(c transport.UDPConn, share float64) *lossyConn {
	return &lossyConn{UDPConn: c, share: share,
		rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// ReadFrom returns the next packet that is not dropped.
func (c *lossyConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.UDPConn.ReadFrom(b)
		if err != nil || !isRTP(b[:n]) || !c.drop() {
			return n, addr, err
		}
	}
}

func (c *lossyConn) drop() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.Float64() < c.share
}

// isRTP tells RTP from RTCP and the rest: version 2, and a payload type outside RTCP's
// 192 to 223 (RFC 5761 section 4).
func isRTP(b []byte) bool {
	return len(b) >= 12 && b[0]>>6 == 2 && (b[1] < 192 || b[1] > 223) &&
		(b[1]&0x7f < 64 || b[1]&0x7f > 95)
}
