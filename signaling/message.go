package signaling

import "github.com/pion/webrtc/v4"

// Message is every signaling message, in both directions; which fields are set depends on
// Type. docs/signaling.md lists them.
type Message struct {
	Type        string                   `json:"type"`
	Room        string                   `json:"room,omitempty"`
	SDP         string                   `json:"sdp,omitempty"`
	Target      string                   `json:"target,omitempty"`
	Candidate   *webrtc.ICECandidateInit `json:"candidate,omitempty"`
	Participant *Participant             `json:"participant,omitempty"`
	Code        string                   `json:"code,omitempty"`
	Message     string                   `json:"message,omitempty"`
}

// Participant is a client's own entry, sent back in "joined".
type Participant struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

// Message types.
const (
	TypeJoin      = "join"
	TypeJoined    = "joined"
	TypeOffer     = "offer"
	TypeAnswer    = "answer"
	TypeCandidate = "candidate"
	TypeLeave     = "leave"
	TypeError     = "error"
	TypeGoingAway = "going-away"
)

// Error codes of "error" messages.
const (
	CodeBadJSON       = "bad_json"
	CodeUnknownType   = "unknown_type"
	CodeBadRequest    = "bad_request"
	CodeNotJoined     = "not_joined"
	CodeAlreadyJoined = "already_joined"
	CodeBadSDP        = "bad_sdp"
	CodeBadCandidate  = "bad_candidate"
)

// MaxMessageBytes is the largest frame the server reads.
const MaxMessageBytes = 64 << 10
