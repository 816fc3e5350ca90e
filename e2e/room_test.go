package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/confab/confab/internal/servertest"
)

// recordViolations makes the page keep every Content-Security-Policy violation it reports,
// from its first script on, in window.cspViolations.
func recordViolations(t *testing.T, p context.Context) {
	t.Helper()
	const js = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
	window.cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI));`
	err := chromedp.Do(p, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: js})
		return err
	}))
	if err != nil {
		t.Fatalf("record violations: %v", err)
	}
}

// TestBrowserRoomLayout holds a call of three pages and checks what mia's page shows: it
// runs under its Content-Security-Policy, lists mia first and the others by name, lets its
// tiles share the stage, and takes a warning off the status line once a message goes out.
func TestBrowserRoomLayout(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	browser := newBrowser(t, ctx)

	pages := map[string]context.Context{}
	for _, name := range []string{"zed", "mia", "ann"} {
		p := newPage(t, browser)
		watchScripts(t, p, name)
		recordViolations(t, p)
		if err := chromedp.Do(p, chromedp.EmulateViewport(1600, 900)); err != nil {
			t.Fatalf("%s: viewport: %v", name, err)
		}
		registerAndJoin(t, p, srv.URL, name, "layout")
		pages[name] = p
	}
	mia := pages["mia"]

	waitFor(t, mia, "two remote tiles",
		`document.querySelectorAll('[data-testid="remote-video"]').length === 2`)
	waitFor(t, mia, "the roster: mia first, then by name", `JSON.stringify(
		[...document.querySelectorAll('[data-testid="participant"] .name')]
			.map((e) => e.textContent)) === '["mia (you)","ann","zed"]'`)

	// Each picture shows whole, and wider than in the 18rem (288 px) tiles the grid kept
	// before, which on this stage would have been three in a row.
	waitFor(t, mia, "videos fit whole", `[...document.querySelectorAll('.tile video')]
		.every((v) => getComputedStyle(v).objectFit === 'contain' && v.videoWidth > 0)`)
	pictures, err := chromedp.Run(mia, chromedp.Evaluate[[]float64](
		`[...document.querySelectorAll('.tiles > .tile')].map((t) => {
			const v = t.querySelector('video');
			return Math.min(t.clientWidth, t.clientHeight * v.videoWidth / v.videoHeight);
		})`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pictures %.0f px wide", pictures)
	if len(pictures) != 3 {
		t.Fatalf("got %d tiles, want 3", len(pictures))
	}
	for i, w := range pictures {
		if w < 400 {
			t.Errorf("tile %d: got a picture %.0f px wide, want at least 400", i, w)
		}
	}

	// An empty message warns; the next message that goes through takes the warning away.
	err = chromedp.Do(mia, chromedp.Click(testID("chat-send")))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, mia, "a warning", `!document.getElementById('status').hidden`)
	err = chromedp.Do(mia,
		chromedp.SendKeys(testID("chat-input"), "hello"),
		chromedp.Click(testID("chat-send")))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, mia, "the warning cleared", `document.getElementById('status').hidden`)

	for name, p := range pages {
		violations, err := chromedp.Run(p, chromedp.Evaluate[[]string](`window.cspViolations`))
		if err != nil {
			t.Fatal(err)
		}
		if len(violations) > 0 {
			b, _ := json.Marshal(violations)
			t.Errorf("%s: the page broke its Content-Security-Policy: %s", name, b)
		}
	}
}
