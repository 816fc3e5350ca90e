// Package client is a Go participant of a Confab room: it signs in over the same WebSocket,
// publishes tracks and receives the others' exactly as the browser client does. Tests and
// the load-test bots use it.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/confab/confab/signaling"
	"github.com/gorilla/websocket"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// ErrServer reports an "error" message from the server.
var ErrServer = errors.New("client: server refused")

// Config says where to connect and what to publish.
type Config struct {
	// URL is the server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Token is an access token.
	Token string
	// Room is the room to join.
	Room string
	// Tracks are published on join.
	Tracks []webrtc.TrackLocal
	// OnTrack is called for every track received from another participant.
	OnTrack func(*webrtc.TrackRemote, *webrtc.RTPReceiver)
	// OnMessage is called for every data channel message.
	OnMessage func([]byte)
	// OnKeyframeRequest is called when the server asks for a keyframe of a published track.
	OnKeyframeRequest func(trackID string)
	// OnPhase is called as the join advances: "ws_open", "joined", "ice_connected" and
	// "dtls_connected" (of the subscriber connection), each once.
	OnPhase func(phase string)
	// API builds the peer connections; nil means NewAPI().
	API *webrtc.API
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Client is one participant's connection to a room.
type Client struct {
	cfg Config
	log *slog.Logger
	ws  *websocket.Conn
	pub *webrtc.PeerConnection
	sub *webrtc.PeerConnection
	dc  *webrtc.DataChannel

	// Self is this participant as the server named it on join.
	Self signaling.Participant

	writeMu sync.Mutex // serialises WebSocket writes

	joined    chan signaling.Message
	answered  chan signaling.Message
	dcOpen    chan struct{}
	errs      chan signaling.Message
	goingAway chan struct{}
	awayOnce  sync.Once
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
	mu        sync.Mutex // guards closeErr
	closeErr  error
}

// NewAPI returns a Pion API for clients: the default codecs and interceptors, with loopback
// candidates so that clients and server on one machine connect without any other interface.
func NewAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("client: codecs: %w", err)
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, fmt.Errorf("client: interceptors: %w", err)
	}
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg),
		webrtc.WithSettingEngine(se)), nil
}

// Join connects, joins the room, publishes the configured tracks and returns once the
// server has answered the publisher offer.
func Join(ctx context.Context, cfg Config) (*Client, error) {
	c := newClient(cfg)
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	join := signaling.Message{Type: signaling.TypeJoin, Room: cfg.Room}
	if err := c.handshake(ctx, join); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func newClient(cfg Config) *Client {
	c := &Client{
		cfg:       cfg,
		log:       cfg.Logger,
		joined:    make(chan signaling.Message, 1),
		answered:  make(chan signaling.Message, 1),
		dcOpen:    make(chan struct{}),
		errs:      make(chan signaling.Message, 16),
		goingAway: make(chan struct{}),
		done:      make(chan struct{}),
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c
}

func (c *Client) connect(ctx context.Context) error {
	api := c.cfg.API
	if api == nil {
		var err error
		if api, err = NewAPI(); err != nil {
			return err
		}
	}
	var err error
	if c.pub, err = api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return fmt.Errorf("client: publisher connection: %w", err)
	}
	if c.sub, err = api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		_ = c.pub.Close()
		return fmt.Errorf("client: subscriber connection: %w", err)
	}
	if c.cfg.OnTrack != nil {
		c.sub.OnTrack(c.cfg.OnTrack)
	}
	c.sub.OnICEConnectionStateChange(func(s webrtc.ICEConnectionState) {
		if s == webrtc.ICEConnectionStateConnected {
			c.phase("ice_connected")
		}
	})
	c.sub.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			c.phase("dtls_connected")
		}
	})

	wsURL, err := websocketURL(c.cfg.URL, c.cfg.Token)
	if err != nil {
		c.closeConnections()
		return err
	}
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil)
	if err != nil {
		c.closeConnections()
		if resp != nil {
			return fmt.Errorf("client: connect: %s: %w", resp.Status, err)
		}
		return fmt.Errorf("client: connect: %w", err)
	}
	c.ws = ws
	c.phase("ws_open")
	c.wg.Add(1)
	go c.read()
	return nil
}

func (c *Client) phase(name string) {
	if c.cfg.OnPhase != nil {
		c.cfg.OnPhase(name)
	}
}

func websocketURL(base, token string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("client: server URL: %w", err)
	}
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	u.Path = strings.TrimSuffix(u.Path, "/") + "/ws"
	u.RawQuery = url.Values{"access_token": {token}}.Encode()
	return u.String(), nil
}

// handshake sends first, "join" or "connect", waits for the server's grant, then offers the
// publisher connection with the configured tracks and the data channel.
func (c *Client) handshake(ctx context.Context, first signaling.Message) error {
	if err := c.send(first); err != nil {
		return err
	}
	m, err := c.await(ctx, c.joined)
	if err != nil {
		return err
	}
	c.Self = *m.Participant
	c.phase("joined")

	for _, t := range c.cfg.Tracks {
		tr, err := c.pub.AddTransceiverFromTrack(t, webrtc.RTPTransceiverInit{
			Direction: webrtc.RTPTransceiverDirectionSendonly,
		})
		if err != nil {
			return fmt.Errorf("client: add track: %w", err)
		}
		c.wg.Add(1)
		go c.readSenderRTCP(t.ID(), tr.Sender())
	}
	if err := c.openDataChannel(); err != nil {
		return err
	}

	offer, err := c.describe(c.pub, c.pub.CreateOffer)
	if err != nil {
		return err
	}
	if err := c.send(signaling.Message{Type: signaling.TypeOffer, SDP: offer.SDP}); err != nil {
		return err
	}
	m, err = c.await(ctx, c.answered)
	if err != nil {
		return err
	}
	answer := webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: m.SDP}
	if err := c.pub.SetRemoteDescription(answer); err != nil {
		return fmt.Errorf("client: apply answer: %w", err)
	}
	return nil
}

func (c *Client) openDataChannel() error {
	dc, err := c.pub.CreateDataChannel("chat", nil)
	if err != nil {
		return fmt.Errorf("client: data channel: %w", err)
	}
	dc.OnOpen(func() { close(c.dcOpen) })
	if c.cfg.OnMessage != nil {
		dc.OnMessage(func(m webrtc.DataChannelMessage) { c.cfg.OnMessage(m.Data) })
	}
	c.dc = dc
	return nil
}

// describe creates an offer or answer, applies it and waits for every candidate, so the
// description sent carries them all and no candidate needs to be trickled.
func (c *Client) describe(pc *webrtc.PeerConnection,
	create func(*webrtc.OfferOptions) (webrtc.SessionDescription, error),
) (webrtc.SessionDescription, error) {
	sd, err := create(nil)
	if err != nil {
		return sd, fmt.Errorf("client: create description: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(sd); err != nil {
		return sd, fmt.Errorf("client: apply description: %w", err)
	}
	<-gathered
	return *pc.LocalDescription(), nil
}

// await waits for a message on ch, an error from the server, the end of the connection or
// of ctx.
func (c *Client) await(ctx context.Context, ch chan signaling.Message) (signaling.Message, error) {
	select {
	case m := <-ch:
		return m, nil
	case m := <-c.errs:
		return m, fmt.Errorf("%w: %s: %s", ErrServer, m.Code, m.Message)
	case <-c.done:
		return signaling.Message{}, c.Err()
	case <-ctx.Done():
		return signaling.Message{}, ctx.Err()
	}
}

// read handles the server's messages until the WebSocket closes.
func (c *Client) read() {
	defer c.wg.Done()
	defer c.shutdown()
	for {
		var m signaling.Message
		if err := c.ws.ReadJSON(&m); err != nil {
			c.setErr(fmt.Errorf("client: connection closed: %w", err))
			return
		}
		switch m.Type {
		case signaling.TypeJoined, signaling.TypeConnected:
			c.joined <- m
		case signaling.TypeAnswer:
			c.answered <- m
		case signaling.TypeOffer:
			if err := c.answerOffer(m.SDP); err != nil {
				c.log.Warn("client: answer failed", "err", err)
			}
		case signaling.TypeGoingAway:
			c.awayOnce.Do(func() { close(c.goingAway) })
		case signaling.TypeError:
			select {
			case c.errs <- m:
			default:
			}
		}
	}
}

func (c *Client) answerOffer(sdp string) error {
	offer := webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}
	if err := c.sub.SetRemoteDescription(offer); err != nil {
		return fmt.Errorf("client: apply offer: %w", err)
	}
	answer, err := c.describe(c.sub, func(*webrtc.OfferOptions) (webrtc.SessionDescription, error) {
		return c.sub.CreateAnswer(nil)
	})
	if err != nil {
		return err
	}
	return c.send(signaling.Message{Type: signaling.TypeAnswer, SDP: answer.SDP})
}

// readSenderRTCP drains the RTCP the server sends about a published track and reports
// keyframe requests.
func (c *Client) readSenderRTCP(trackID string, s *webrtc.RTPSender) {
	defer c.wg.Done()
	for {
		pkts, _, err := s.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			switch p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				if c.cfg.OnKeyframeRequest != nil {
					c.cfg.OnKeyframeRequest(trackID)
				}
			}
		}
	}
}

// Send sends a raw message over the WebSocket, for tests of the server's input checks.
func (c *Client) Send(m signaling.Message) error { return c.send(m) }

// SendRaw sends bytes as one WebSocket text frame.
func (c *Client) SendRaw(b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *Client) send(m signaling.Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("client: encode: %w", err)
	}
	if err := c.SendRaw(b); err != nil {
		return fmt.Errorf("client: send %s: %w", m.Type, err)
	}
	return nil
}

// Errors delivers the server's "error" messages.
func (c *Client) Errors() <-chan signaling.Message { return c.errs }

// GoingAway is closed when the server says it is shutting down.
func (c *Client) GoingAway() <-chan struct{} { return c.goingAway }

// ChatReady is closed once the data channel is open.
func (c *Client) ChatReady() <-chan struct{} { return c.dcOpen }

// SendChat sends one data channel message.
func (c *Client) SendChat(b []byte) error {
	return c.dc.SendText(string(b))
}

// Done is closed when the client has closed, for any reason.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err tells why the client closed.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

func (c *Client) setErr(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeErr == nil {
		c.closeErr = err
	}
}

// CloseError returns the WebSocket close code and reason the server sent, if it sent one.
func CloseError(err error) (*websocket.CloseError, bool) {
	var ce *websocket.CloseError
	ok := errors.As(err, &ce)
	return ce, ok
}

// Leave tells the server this participant is leaving, then closes.
func (c *Client) Leave() {
	_ = c.send(signaling.Message{Type: signaling.TypeLeave})
	c.Close()
}

// Close ends the WebSocket and both connections and waits for the client's goroutines.
func (c *Client) Close() {
	c.shutdown()
	c.wg.Wait()
}

func (c *Client) shutdown() {
	c.closeOnce.Do(func() {
		c.setErr(errors.New("client: closed"))
		close(c.done)
		c.writeMu.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
			time.Now().Add(time.Second))
		c.writeMu.Unlock()
		_ = c.ws.Close()
		c.closeConnections()
	})
}

// CloseMedia closes both peer connections but keeps the WebSocket open, as a client whose
// browser dropped its connections would; tests use it.
func (c *Client) CloseMedia() { c.closeConnections() }

func (c *Client) closeConnections() {
	_ = c.pub.Close()
	_ = c.sub.Close()
}
