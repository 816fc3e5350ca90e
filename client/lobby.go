package client

import (
	"context"

	"github.com/confab/confab/signaling"
)

// Connect opens a lobby connection, as a signed-in browser holds outside rooms: a publisher
// connection with the "chat" data channel and no media, over which presence and direct
// messages arrive. cfg.Room and cfg.Tracks are ignored. It returns once the server has
// answered the offer; ChatReady tells when the channel is open.
func Connect(ctx context.Context, cfg Config) (*Client, error) {
	cfg.Room, cfg.Tracks = "", nil
	c := newClient(cfg)
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	if err := c.handshake(ctx, signaling.Message{Type: signaling.TypeConnect}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
