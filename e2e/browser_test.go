package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/confab/confab/internal/servertest"
)

// chromiumPath finds the browser. Without one the test is skipped, except in CI, where a
// missing browser is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI needs it for the browser tests")
	}
	t.Skip("chromium is not installed; `make test` installs it where it can")
	return ""
}

// newBrowser starts one headless Chromium with a fake camera and microphone that connects
// over loopback, and returns its context. Each page is a tab of it.
func newBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	// The first run starts the browser.
	if err := chromedp.Do(browserCtx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return browserCtx
}

// newPage opens a tab. sessionStorage is per tab, so each tab signs in as its own user.
func newPage(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	page, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	return page
}

func testID(id string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf(`[data-testid=%q]`, id)) }

// registerAndJoin registers a new user on the page and joins a room.
func registerAndJoin(t *testing.T, page context.Context, url, user, room string) {
	t.Helper()
	err := chromedp.Do(page,
		chromedp.Navigate(url),
		chromedp.SendKeys(testID("login-username"), user),
		chromedp.SendKeys(testID("login-password"), "correct horse battery"),
		chromedp.Click(testID("register-submit")),
		chromedp.WaitVisible(testID("room-join")),
		chromedp.SetValue(testID("room-name"), room),
		chromedp.Click(testID("room-join")),
		chromedp.WaitVisible(testID("leave")),
	)
	if err != nil {
		t.Fatalf("%s registers and joins %s: %v", user, room, err)
	}
}

// framesDecodedJS resolves to the frames decoded on the page's inbound video, summed.
const framesDecodedJS = `(async () => {
	const pc = window.confab && window.confab.subscriber;
	if (!pc) return 0;
	let frames = 0;
	(await pc.getStats()).forEach(s => {
		if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
	});
	return frames;
})()`

func TestBrowserCall(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	browser := newBrowser(t, ctx)

	alice := newPage(t, browser)
	bob := newPage(t, browser)
	registerAndJoin(t, alice, srv.URL, "alice", "demo")
	registerAndJoin(t, bob, srv.URL, "bob", "demo")

	// Each page decodes the other's video.
	for name, page := range map[string]context.Context{"alice": alice, "bob": bob} {
		if err := chromedp.Do(page, chromedp.WaitVisible(testID("remote-video"))); err != nil {
			t.Fatalf("%s: no remote video tile: %v", name, err)
		}
		// The page's stats are read every 200 ms until some frame has been decoded.
		frames, err := chromedp.Run(page, chromedp.Poll[int](framesDecodedJS,
			chromedp.WithPollingInterval(200*time.Millisecond),
			chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil {
			t.Fatalf("%s: remote video decoded no frames in 20 s: %v", name, err)
		}
		t.Logf("%s: %d frames decoded", name, frames)
	}

	// A chat message typed in one page shows in the other.
	err := chromedp.Do(alice,
		chromedp.SendKeys(testID("chat-input"), "hello from alice"),
		chromedp.Click(testID("chat-send")),
	)
	if err != nil {
		t.Fatalf("alice sends chat: %v", err)
	}
	_, err = chromedp.Run(bob, chromedp.Poll[bool](`[...document.querySelectorAll(
		'[data-testid="chat-message"]')].some(e => e.textContent.includes('hello from alice'))`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("bob never saw alice's message: %v", err)
	}

	// Bob leaves: his tile leaves alice's page.
	if err := chromedp.Do(bob, chromedp.Click(testID("leave"))); err != nil {
		t.Fatalf("bob leaves: %v", err)
	}
	_, err = chromedp.Run(alice, chromedp.Poll[bool](
		`document.querySelectorAll('[data-testid="remote-video"]').length === 0`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("bob's tile stayed on alice's page: %v", err)
	}
}
