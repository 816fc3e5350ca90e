package server_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/confab/confab/client"
	"github.com/confab/confab/internal/servertest"
)

// TestFiveJoinAtOnce has five publishers join one room at the same moment: every
// renegotiation this sets off must settle with each receiving the other four's tracks.
func TestFiveJoinAtOnce(t *testing.T) {
	srv := servertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()

	const n = 5
	type peer struct {
		c    *client.Client
		recv *receiver
		pub  *publisher
	}
	peers := make([]peer, n)
	tokens := make([]string, n)
	for i := range n {
		acct := srv.Register(t, fmt.Sprintf("user%d", i))
		tokens[i] = acct.AccessToken
		peers[i].recv = newReceiver()
		peers[i].pub = newPublisher(t, acct.User.ID)
	}

	pubCtx, stopPublishing := context.WithCancel(ctx)
	var pubs sync.WaitGroup
	defer func() {
		stopPublishing()
		pubs.Wait()
	}()

	start := make(chan struct{})
	var joins sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		joins.Add(1)
		go func() {
			defer joins.Done()
			<-start
			peers[i].c, errs[i] = client.Join(ctx, client.Config{
				URL: srv.URL, Token: tokens[i], Room: "storm",
				Tracks: peers[i].pub.locals(), OnTrack: peers[i].recv.onTrack,
			})
		}()
	}
	close(start)
	joins.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("user%d joins: %v", i, err)
		}
		defer peers[i].c.Close()
		pubs.Add(1)
		go peers[i].pub.run(pubCtx, &pubs)
	}

	for i, p := range peers {
		err := p.recv.waitFor(ctx, func(got map[string]*received) bool {
			if len(got) != 2*(n-1) {
				return false
			}
			for _, rec := range got {
				if rec.packets < 10 || rec.streamID == p.c.Self.ID {
					return false
				}
			}
			return true
		})
		if err != nil {
			t.Fatalf("user%d: %v; got %s", i, err, describe(p.recv))
		}
	}

	// One closes its connection without saying goodbye: its tracks still end at the others.
	gone := peers[0].c.Self.ID
	peers[0].c.Close()
	for i := 1; i < n; i++ {
		err := peers[i].recv.waitFor(ctx, func(got map[string]*received) bool {
			return got[gone+"/audio"].ended && got[gone+"/video"].ended
		})
		if err != nil {
			t.Fatalf("user%d: tracks of the closed client did not end: %v", i, err)
		}
	}
}
