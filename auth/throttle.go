package auth

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sign-in throttling. Each username and each client address has a token bucket that a failed
// sign-in empties by one: a username may fail userBurst times, then once every userEvery; an
// address addrBurst times, then once every addrEvery. Attempts in between are refused with
// 429 before any password is hashed. An address gets more room than a username because many
// people can share one address behind a NAT.
//
// Throttling by username lets anyone keep a victim's account refused by failing on purpose.
// Accepting that is the price of stopping guesses spread over many addresses; the victim
// waits at most userEvery once the attacker stops.
const (
	userBurst = 5
	userEvery = 30 * time.Second
	addrBurst = 20
	addrEvery = 15 * time.Second

	// maxThrottleKeys bounds each table. An attacker rotating through more usernames or
	// addresses than this at once gets weaker limits, but memory stays bounded.
	maxThrottleKeys = 1 << 16
	// sweepInterval is how often idle buckets are forgotten.
	sweepInterval = time.Minute
)

// buckets holds one token bucket per key. A bucket that has refilled completely is forgotten,
// since a fresh one would be the same.
type buckets struct {
	limit   rate.Limit
	burst   int
	maxKeys int
	m       map[string]*rate.Limiter
}

func newBuckets(burst int, every time.Duration) buckets {
	return buckets{limit: rate.Every(every), burst: burst, maxKeys: maxThrottleKeys,
		m: make(map[string]*rate.Limiter)}
}

// reserveLocked takes one token from key's bucket, creating the bucket if needed. It returns
// nil for an empty key.
func (b *buckets) reserveLocked(key string, now time.Time) *rate.Reservation {
	if key == "" {
		return nil
	}
	lim, ok := b.m[key]
	if !ok {
		b.makeRoomLocked()
		lim = rate.NewLimiter(b.limit, b.burst)
		b.m[key] = lim
	}
	return lim.ReserveN(now, 1)
}

// makeRoomLocked keeps the table under maxKeys by forgetting an arbitrary bucket, in
// constant time: a full table must not make every failure cost a pass over it.
func (b *buckets) makeRoomLocked() {
	for k := range b.m {
		if len(b.m) < b.maxKeys {
			return
		}
		delete(b.m, k)
	}
}

// spentLocked reports whether key's bucket has no whole token left.
func (b *buckets) spentLocked(key string, now time.Time) bool {
	lim, ok := b.m[key]
	return ok && lim.TokensAt(now) < 1
}

// forgetIfIdleLocked forgets key's bucket if it has refilled.
func (b *buckets) forgetIfIdleLocked(key string, now time.Time) {
	if lim, ok := b.m[key]; ok && lim.TokensAt(now) >= float64(b.burst) {
		delete(b.m, key)
	}
}

func (b *buckets) sweepLocked(now time.Time) {
	for k := range b.m {
		b.forgetIfIdleLocked(k, now)
	}
}

// loginThrottle counts failed sign-ins per username and per client address. Its sweep
// goroutine runs only while some bucket is not yet refilled, and stops on close.
type loginThrottle struct {
	now  func() time.Time
	log  *slog.Logger
	stop chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	user     buckets
	addr     buckets
	sweeping bool // a sweep goroutine runs
	closed   bool
}

func newLoginThrottle(now func() time.Time, log *slog.Logger) *loginThrottle {
	return &loginThrottle{
		now:  now,
		log:  log,
		stop: make(chan struct{}),
		user: newBuckets(userBurst, userEvery),
		addr: newBuckets(addrBurst, addrEvery),
	}
}

// attempt is a sign-in the throttle let through. Its reservations stand if it fails and are
// handed back otherwise.
type attempt struct {
	t          *loginThrottle
	user, addr string
	ru, ra     *rate.Reservation
	// at is when the tokens were taken. Handing them back is dated then: the limiter only
	// returns tokens of a reservation whose time has not yet passed.
	at time.Time
}

// begin lets a sign-in for username from addr through, or returns how long to wait. A
// username that is not valid has no bucket of its own; its address still counts.
func (t *loginThrottle) begin(username, addr string) (*attempt, time.Duration) {
	if t == nil {
		return nil, 0
	}
	user, err := normalizeUsername(username)
	if err != nil {
		user = ""
	}
	now := t.now()

	t.mu.Lock()
	defer t.mu.Unlock()
	a := &attempt{t: t, user: user, addr: addr, at: now,
		ru: t.user.reserveLocked(user, now), ra: t.addr.reserveLocked(addr, now)}
	wait := max(delayOf(a.ru, now), delayOf(a.ra, now))
	if wait > 0 {
		a.handBackLocked(now)
		return nil, wait
	}
	return a, 0
}

// delayOf is how long r must wait for its token; zero for no reservation.
func delayOf(r *rate.Reservation, now time.Time) time.Duration {
	if r == nil {
		return 0
	}
	if !r.OK() {
		return rate.InfDuration
	}
	return r.DelayFrom(now)
}

// end settles the attempt: a wrong password keeps its tokens taken, a success clears the
// username's failures and returns the address's token, and any other outcome, such as a
// database error, returns both tokens.
func (a *attempt) end(err error) {
	if a == nil {
		return
	}
	t := a.t
	now := t.now()

	t.mu.Lock()
	var userSpent, addrSpent bool
	switch {
	case errors.Is(err, ErrBadCredentials):
		t.startSweepLocked()
		userSpent = t.user.spentLocked(a.user, now)
		addrSpent = t.addr.spentLocked(a.addr, now)
	case err == nil:
		delete(t.user.m, a.user)
		a.ru = nil
		a.handBackLocked(now)
	default:
		a.handBackLocked(now)
	}
	t.mu.Unlock()

	// Logged when a failure spends the last token, at most once per refill: a flood of
	// refused attempts is logged at debug level only.
	if userSpent {
		t.log.Warn("sign-in throttling username", "username", a.user)
	}
	if addrSpent {
		t.log.Warn("sign-in throttling address", "addr", a.addr)
	}
}

// handBackLocked returns the attempt's tokens and forgets buckets that are full at now.
func (a *attempt) handBackLocked(now time.Time) {
	t := a.t
	if a.ru != nil {
		a.ru.CancelAt(a.at)
		t.user.forgetIfIdleLocked(a.user, now)
	}
	if a.ra != nil {
		a.ra.CancelAt(a.at)
		t.addr.forgetIfIdleLocked(a.addr, now)
	}
}

// startSweepLocked starts the sweep goroutine unless it runs already or the throttle is
// closed.
func (t *loginThrottle) startSweepLocked() {
	if t.sweeping || t.closed {
		return
	}
	t.sweeping = true
	t.wg.Add(1)
	go t.sweepLoop()
}

func (t *loginThrottle) sweepLoop() {
	defer t.wg.Done()
	tick := time.NewTicker(sweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
		}
		if !t.sweep() {
			return
		}
	}
}

// sweep forgets the buckets that have refilled and reports whether any remain. When none
// remain the sweeper is marked stopped, and the next failure starts another.
func (t *loginThrottle) sweep() bool {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.user.sweepLocked(now)
	t.addr.sweepLocked(now)
	if len(t.user.m)+len(t.addr.m) > 0 {
		return true
	}
	t.sweeping = false
	return false
}

// close stops the sweep goroutine and waits for it; no other starts after.
func (t *loginThrottle) close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	t.mu.Unlock()

	close(t.stop)
	t.wg.Wait()
}

// clientKey is the throttle key of a request's peer: its IP address, or for IPv6 its /64,
// since one host commonly holds a whole /64. X-Forwarded-For is ignored because any client
// can write it; behind a reverse proxy every client therefore shares the proxy's bucket.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String()
		}
	}
	return ip.String()
}
