package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/confab/confab/internal/servertest"
)

// watchScripts logs the page's console and fails the test, when it ends, if a script threw.
func watchScripts(t *testing.T, page context.Context, name string) {
	t.Helper()
	var mu sync.Mutex
	var thrown []string
	err := chromedp.Listen(page, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value))
			}
			t.Logf("%s console.%s: %v", name, ev.Type, args)
		case *runtime.EventExceptionThrown:
			mu.Lock()
			d := ev.ExceptionDetails
			desc := d.Text
			if d.Exception != nil {
				desc += " " + d.Exception.Description
			}
			thrown = append(thrown, fmt.Sprintf("%s (%s:%d)", desc, d.URL, d.LineNumber+1))
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("%s: listen: %v", name, err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("%s: a script threw: %s", name, e)
		}
	})
}

// register signs a new user up on the page and waits for the lobby.
func register(t *testing.T, page context.Context, url, user string) {
	t.Helper()
	err := chromedp.Do(page,
		chromedp.Navigate(url),
		chromedp.SendKeys(testID("login-username"), user),
		chromedp.SendKeys(testID("login-password"), "correct horse battery"),
		chromedp.Click(testID("register-submit")),
		chromedp.WaitVisible(testID("room-join")),
	)
	if err != nil {
		t.Fatalf("%s registers: %v", user, err)
	}
}

// join enters a room from the lobby.
func join(t *testing.T, page context.Context, who, room string) {
	t.Helper()
	err := chromedp.Do(page,
		chromedp.SetValue(testID("room-name"), room),
		chromedp.Click(testID("room-join")),
		chromedp.WaitVisible(testID("leave")),
	)
	if err != nil {
		t.Fatalf("%s joins %s: %v", who, room, err)
	}
}

// waitFor polls a JavaScript expression on the page until it is true.
func waitFor(t *testing.T, page context.Context, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(page, chromedp.Poll[bool](expr,
		chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestBrowserDirectMessageAndRaisedHand(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	browser := newBrowser(t, ctx)
	alice, bob := newPage(t, browser), newPage(t, browser)
	watchScripts(t, alice, "alice")
	watchScripts(t, bob, "bob")
	register(t, alice, srv.URL, "alice")
	register(t, bob, srv.URL, "bob")

	// From the lobby, alice sees bob online and writes to him. The list redraws on every
	// change, so the button is found and clicked in one step.
	waitFor(t, alice, "alice sees bob online and opens a conversation", `(() => {
		const b = document.querySelector('[data-testid="lobby-user"][data-username="bob"]' +
			'[data-online="true"] [data-testid="dm-open"]');
		if (b) b.click();
		return b !== null;
	})()`)
	err := chromedp.Do(alice,
		chromedp.WaitVisible(testID("dm-input")),
		chromedp.SendKeys(testID("dm-input"), "hello from the lobby"),
		chromedp.Click(testID("dm-send")),
	)
	if err != nil {
		t.Fatalf("alice sends a direct message: %v", err)
	}
	for name, page := range map[string]context.Context{"alice": alice, "bob": bob} {
		waitFor(t, page, name+" sees the direct message", fmt.Sprintf(
			`[...document.querySelectorAll('[data-testid="dm-message"]')]
				.some(e => e.textContent.includes(%q))`, "hello from the lobby"))
	}

	// In a room, alice raises her hand and bob sees it on her entry.
	join(t, alice, "alice", "demo")
	join(t, bob, "bob", "demo")
	if err := chromedp.Do(alice, chromedp.Click(testID("raise-hand"))); err != nil {
		t.Fatalf("alice raises her hand: %v", err)
	}
	waitFor(t, bob, "bob sees alice's hand", `[...document.querySelectorAll(
		'[data-testid="participant"]')].some(p => p.textContent.includes('alice') &&
		p.querySelector('[data-testid="hand-raised"]') !== null)`)

	// The lobby stays live from the room: bob's page lists alice as in the room.
	waitFor(t, bob, "bob's lobby shows alice in demo", `(() => {
		const a = document.querySelector('[data-testid="lobby-user"][data-username="alice"]');
		return a !== null && a.textContent.includes('in demo');
	})()`)
}
