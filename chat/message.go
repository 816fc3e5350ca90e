package chat

import (
	"encoding/json"
	"time"
)

// MaxMessageBytes is the largest message a member may send.
const MaxMessageBytes = 16 << 10

// MaxTextChars is the longest chat text, in characters.
const MaxTextChars = 4000

// MaxClientIDBytes is the longest client id a member may attach to a message.
const MaxClientIDBytes = 128

// MaxRecipients is how many participants one private room message may name.
const MaxRecipients = 50

// Entry is a member as the rest of the room sees it.
type Entry struct {
	ID       string `json:"id"`
	UserID   string `json:"userId"`
	Name     string `json:"name"`
	Username string `json:"username,omitempty"`
	// Guest marks a holder of a room token rather than an account.
	Guest    bool `json:"guest,omitempty"`
	Audio    bool `json:"audio"`
	Video    bool `json:"video"`
	Speaking bool `json:"speaking"`
	Hand     bool `json:"hand"`
}

// Sender is the short form of an entry that stamps a chat message.
type Sender struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

// Party is one end of a direct message, or a recipient of a private room message.
type Party struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

// inbound is any message a member sends; which fields count depends on Type.
type inbound struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ClientID string `json:"clientId"`
	// To is a list of participant ids for a private room message, a user id for a direct one.
	To       json.RawMessage `json:"to"`
	Audio    *bool           `json:"audio"`
	Video    *bool           `json:"video"`
	Speaking *bool           `json:"speaking"`
	Raised   *bool           `json:"raised"`
	With     string          `json:"with"`
	UpTo     int64           `json:"upTo"`
}

// Message is a room chat message as the server stamps and sends it.
type Message struct {
	Type     string    `json:"type"`
	ID       int64     `json:"id"`
	From     Sender    `json:"from"`
	Text     string    `json:"text"`
	Time     time.Time `json:"time"`
	ClientID string    `json:"clientId,omitempty"`
	// Private marks a message only its sender and To see.
	Private bool    `json:"private,omitempty"`
	To      []Party `json:"to,omitempty"`
	// History marks a message sent again to a newcomer, from before it joined.
	History bool `json:"history,omitempty"`
}

// Direct is a direct message between two users, as the server sends it.
type Direct struct {
	Type     string    `json:"type"`
	ID       int64     `json:"id"`
	From     Party     `json:"from"`
	To       Party     `json:"to"`
	Text     string    `json:"text"`
	Time     time.Time `json:"time"`
	ClientID string    `json:"clientId,omitempty"`
	// Read tells whether the recipient has marked the message read.
	Read bool `json:"read"`
}

type rosterMsg struct {
	Type         string  `json:"type"`
	Participants []Entry `json:"participants"`
}

type entryMsg struct {
	Type        string `json:"type"`
	Participant Entry  `json:"participant"`
}

type readMsg struct {
	Type string `json:"type"`
	With string `json:"with"`
	UpTo int64  `json:"upTo"`
}

// Error codes sent back on the channel, as listed in docs/datachannel.md.
const (
	CodeBadJSON      = "bad_json"
	CodeUnknownType  = "unknown_type"
	CodeTooLarge     = "too_large"
	CodeBadText      = "bad_text"
	CodeBadRequest   = "bad_request"
	CodeBadRecipient = "bad_recipient"
	CodeRateLimited  = "rate_limited"
	CodeNotInRoom    = "not_in_room"
	CodeNotAllowed   = "not_allowed"
	CodeUnavailable  = "unavailable"
)

type errorMsg struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every message type here is a plain struct of strings, numbers and booleans.
		panic("chat: encode: " + err.Error())
	}
	return b
}
