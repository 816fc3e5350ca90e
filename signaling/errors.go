package signaling

import (
	"errors"

	"github.com/confab/confab/sfu"
	"github.com/gorilla/websocket"
)

// replyError refuses one request with an "error" message; the connection stays open.
type replyError struct {
	code    string
	message string
}

func (e *replyError) Error() string { return e.code + ": " + e.message }

// closeError ends the connection with a WebSocket close code and reason.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string { return e.reason }

func reply(code, message string) error { return &replyError{code: code, message: message} }

// classify turns an error of the SFU into what the client is told. Internal detail goes to
// the log, never to the client.
func classify(err error) error {
	switch {
	case errors.Is(err, sfu.ErrBadRoomName):
		return reply(CodeBadRequest, "room names are 1 to 64 characters of A-Z a-z 0-9 _ . -")
	case errors.Is(err, sfu.ErrBadSDP):
		return reply(CodeBadSDP, "the session description could not be applied")
	case errors.Is(err, sfu.ErrNoOffer):
		return reply(CodeBadSDP, "no offer is waiting for an answer")
	case errors.Is(err, sfu.ErrBadCandidate):
		return reply(CodeBadCandidate, "the ICE candidate could not be added")
	case errors.Is(err, sfu.ErrStuck):
		return &closeError{code: websocket.CloseProtocolError,
			reason: "a session description could not be applied: join again"}
	case errors.Is(err, sfu.ErrClosed):
		return &closeError{code: websocket.CloseGoingAway, reason: "server shutting down"}
	default:
		return &closeError{code: websocket.CloseInternalServerErr, reason: "internal error"}
	}
}
