package chat

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// How fast one user may send, over all of its connections together. Text messages (room
// chat and direct messages) have the tight limit; everything else, such as speaking and
// hand events, read marks and refused messages, a looser one that only stops floods.
const (
	TextPerSecond    = 5
	TextBurst        = 20
	ControlPerSecond = 20
	ControlBurst     = 50
)

// userLimits are one user's token buckets, shared by all of its members.
type userLimits struct {
	text    *rate.Limiter
	control *rate.Limiter
	refs    int // guarded by limiters.mu
}

// allow takes a token for a text or other message at now, and reports whether there was one.
func (u *userLimits) allow(text bool, now time.Time) bool {
	if text {
		return u.text.AllowN(now, 1)
	}
	return u.control.AllowN(now, 1)
}

// limiters holds the buckets of every user that has a member. A user's buckets live as long
// as any of its members, so opening one more connection gives no fresh burst; they are
// forgotten when its last member leaves.
type limiters struct {
	mu    sync.Mutex
	users map[string]*userLimits
}

func newLimiters() *limiters {
	return &limiters{users: make(map[string]*userLimits)}
}

// acquire returns user's buckets, made on its first member.
func (l *limiters) acquire(user string) *userLimits {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.users[user]
	if u == nil {
		u = &userLimits{
			text:    rate.NewLimiter(TextPerSecond, TextBurst),
			control: rate.NewLimiter(ControlPerSecond, ControlBurst),
		}
		l.users[user] = u
	}
	u.refs++
	return u
}

// release drops one member's hold on user's buckets.
func (l *limiters) release(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.users[user]
	if u == nil {
		return
	}
	u.refs--
	if u.refs <= 0 {
		delete(l.users, user)
	}
}
