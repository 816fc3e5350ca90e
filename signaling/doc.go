// Package signaling serves the WebSocket over which a client joins a room and exchanges
// session descriptions and ICE candidates with the SFU. docs/signaling.md describes every
// message. Chat does not travel here: the package hands each participant's data channel to
// the chat hub.
package signaling
