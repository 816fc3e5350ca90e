package bot

import (
	"math/rand/v2"
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// dropper is an interceptor that discards a share of outgoing RTP, as a lossy network
// would. Registered first, it sits closest to the network: the NACK responder has already
// kept each packet it drops, so the server can still ask for it again.
type dropper struct {
	interceptor.NoOp
	share float64

	mu  sync.Mutex
	rng *rand.Rand
}

type dropperFactory struct{ share float64 }

// NewInterceptor returns a dropper for one peer connection.
func (f dropperFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	return &dropper{share: f.share, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}, nil
}

// BindLocalStream wraps the writer of one outgoing stream.
func (d *dropper) BindLocalStream(_ *interceptor.StreamInfo,
	w interceptor.RTPWriter) interceptor.RTPWriter {
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte,
		a interceptor.Attributes) (int, error) {
		d.mu.Lock()
		drop := d.rng.Float64() < d.share
		d.mu.Unlock()
		if drop {
			return len(payload), nil
		}
		return w.Write(h, payload, a)
	})
}
