package chat

import (
	"encoding/json"
	"time"
)

// MaxMessageBytes is the largest message a member may send.
const MaxMessageBytes = 16 << 10

// MaxTextChars is the longest chat text, in characters.
const MaxTextChars = 4000

// Entry is a member as the rest of the room sees it.
type Entry struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Audio  bool   `json:"audio"`
	Video  bool   `json:"video"`
}

// Sender is the short form of an entry that stamps a chat message.
type Sender struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

// inbound is any message a member sends; which fields count depends on Type.
type inbound struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ClientID string `json:"clientId"`
	Audio    *bool  `json:"audio"`
	Video    *bool  `json:"video"`
}

// Message is a chat message as the server stamps and sends it.
type Message struct {
	Type     string    `json:"type"`
	ID       int64     `json:"id"`
	From     Sender    `json:"from"`
	Text     string    `json:"text"`
	Time     time.Time `json:"time"`
	ClientID string    `json:"clientId,omitempty"`
}

type rosterMsg struct {
	Type         string  `json:"type"`
	Participants []Entry `json:"participants"`
}

type entryMsg struct {
	Type        string `json:"type"`
	Participant Entry  `json:"participant"`
}

// Error codes sent back on the channel, as listed in docs/datachannel.md.
const (
	CodeBadJSON     = "bad_json"
	CodeUnknownType = "unknown_type"
	CodeTooLarge    = "too_large"
	CodeBadText     = "bad_text"
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
