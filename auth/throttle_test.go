package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// loginStep is one sign-in of a throttling scenario, after moving the clock by advance.
type loginStep struct {
	name       string
	advance    time.Duration
	username   string
	password   string
	wantStatus int
	wantRetry  string // Retry-After, only checked on 429
}

func (e *env) runLoginSteps(t *testing.T, steps []loginStep) {
	t.Helper()
	for _, st := range steps {
		e.clock.Advance(st.advance)
		r := e.call(t, "POST", "/api/auth/login",
			map[string]string{"username": st.username, "password": st.password}, "")
		wantStatus(t, st.name, r, st.wantStatus)
		if st.wantStatus != http.StatusTooManyRequests {
			continue
		}
		if got := r.header.Get("Retry-After"); got != st.wantRetry {
			t.Errorf("%s: got Retry-After %q, want %q", st.name, got, st.wantRetry)
		}
	}
}

// wrongTimes returns n failing sign-ins of username.
func wrongTimes(n int, username string) []loginStep {
	steps := make([]loginStep, n)
	for i := range steps {
		steps[i] = loginStep{name: fmt.Sprintf("failure %d of %s", i+1, username),
			username: username, password: "wrong password", wantStatus: http.StatusUnauthorized}
	}
	return steps
}

func TestLoginThrottledPerUsername(t *testing.T) {
	e := newEnv(t)
	e.register(t, "ada", "password1")

	var steps []loginStep
	steps = append(steps, wrongTimes(userBurst, "ada")...)
	steps = append(steps,
		loginStep{name: "right password while throttled", username: "ada",
			password: "password1", wantStatus: 429, wantRetry: "30"},
		loginStep{name: "other case, same account", username: "ADA",
			password: "password1", wantStatus: 429, wantRetry: "30"},
		loginStep{name: "halfway through the wait", advance: 20 * time.Second,
			username: "ada", password: "password1", wantStatus: 429, wantRetry: "10"},
		loginStep{name: "after the wait", advance: 10 * time.Second,
			username: "ada", password: "password1", wantStatus: 200},
	)
	// The success cleared the count: five more failures are let through before refusal.
	steps = append(steps, wrongTimes(userBurst, "ada")...)
	steps = append(steps, loginStep{name: "sixth failure after reset", username: "ada",
		password: "wrong password", wantStatus: 429, wantRetry: "30"})
	e.runLoginSteps(t, steps)
}

func TestLoginThrottledPerAddress(t *testing.T) {
	e := newEnv(t)
	e.register(t, "ada", "password1")
	e.svc.throttle.addr = newBuckets(3, time.Minute)

	var steps []loginStep
	for _, name := range []string{"bob", "carol", "dave"} {
		steps = append(steps, wrongTimes(1, name)...)
	}
	steps = append(steps,
		loginStep{name: "another username, same address", username: "ada",
			password: "password1", wantStatus: 429, wantRetry: "60"},
		loginStep{name: "a malformed username counts too", advance: time.Minute,
			username: "x", password: "wrong password", wantStatus: 401},
		loginStep{name: "refused again", username: "ada", password: "password1",
			wantStatus: 429, wantRetry: "60"},
	)
	e.runLoginSteps(t, steps)
}

func TestLoginSuccessDoesNotCount(t *testing.T) {
	e := newEnv(t)
	e.register(t, "ada", "password1")
	e.svc.throttle.addr = newBuckets(2, time.Hour)
	e.svc.throttle.user = newBuckets(2, time.Hour)

	steps := wrongTimes(1, "ada")
	for i := range 4 {
		steps = append(steps, loginStep{name: fmt.Sprintf("success %d", i+1),
			username: "ada", password: "password1", wantStatus: 200})
	}
	steps = append(steps, wrongTimes(1, "ada")...)
	steps = append(steps, loginStep{name: "address bucket spent by two failures",
		username: "ada", password: "password1", wantStatus: 429, wantRetry: "3600"})
	e.runLoginSteps(t, steps)
}

func TestThrottleForgetsIdleBuckets(t *testing.T) {
	c := newClock()
	th := newLoginThrottle(c.Now, slog.New(slog.DiscardHandler))
	defer th.close()

	a, wait := th.begin("ada", "192.0.2.1")
	if wait != 0 {
		t.Fatalf("first attempt: got wait %v, want 0", wait)
	}
	a.end(ErrBadCredentials)
	th.mu.Lock()
	sweeping, users, addrs := th.sweeping, len(th.user.m), len(th.addr.m)
	th.mu.Unlock()
	if !sweeping || users != 1 || addrs != 1 {
		t.Fatalf("after a failure: got sweeping %v, %d users, %d addresses; want true, 1, 1",
			sweeping, users, addrs)
	}

	if !th.sweep() {
		t.Error("sweep before refill: got nothing left, want the buckets kept")
	}
	c.Advance(userEvery)
	if th.sweep() {
		t.Error("sweep after refill: got buckets left, want none")
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.sweeping || len(th.user.m)+len(th.addr.m) != 0 {
		t.Errorf("got sweeping %v, %d buckets; want false, 0", th.sweeping,
			len(th.user.m)+len(th.addr.m))
	}
}

func TestThrottleStaysBounded(t *testing.T) {
	c := newClock()
	th := newLoginThrottle(c.Now, slog.New(slog.DiscardHandler))
	defer th.close()

	th.addr.maxKeys = 50

	for i := range 200 {
		a, _ := th.begin("", fmt.Sprintf("10.0.%d.%d", i>>8, i&0xff))
		a.end(ErrBadCredentials)
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	if n := len(th.addr.m); n != 50 {
		t.Errorf("got %d address buckets, want 50", n)
	}
}

func TestThrottleCloseStopsSweeper(t *testing.T) {
	th := newLoginThrottle(time.Now, slog.New(slog.DiscardHandler))
	a, _ := th.begin("ada", "192.0.2.1")
	a.end(ErrBadCredentials)
	th.close()
	th.close() // a second close is harmless

	// Failures after close are still counted, but start no sweeper.
	a, _ = th.begin("bob", "192.0.2.2")
	a.end(ErrBadCredentials)
	goleak.VerifyNone(t)
}

func TestClientKey(t *testing.T) {
	tests := []struct {
		remote, forwarded, want string
	}{
		{"192.0.2.7:51000", "", "192.0.2.7"},
		{"192.0.2.7:51000", "203.0.113.9", "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "", "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:80", "", "192.0.2.7"},
		{"[fe80::1%eth0]:80", "", "fe80::/64"},
		{"not an address", "", "not an address"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/api/auth/login", nil)
		r.RemoteAddr = tt.remote
		if tt.forwarded != "" {
			r.Header.Set("X-Forwarded-For", tt.forwarded)
		}
		if got := clientKey(r); got != tt.want {
			t.Errorf("clientKey(%q, X-Forwarded-For %q): got %q, want %q",
				tt.remote, tt.forwarded, got, tt.want)
		}
	}
}
