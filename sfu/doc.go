// Package sfu is Confab's selective forwarding unit: it terminates each participant's
// WebRTC connections with Pion and forwards the RTP that one participant publishes to every
// other participant of the same room.
//
// A participant holds two peer connections with the server. On the publisher connection the
// client offers and the server answers; on the subscriber connection the server offers and the
// client answers. Each connection thus has one offerer, and renegotiation cannot collide.
//
// The package knows nothing of WebSockets or chat: a caller hands it session descriptions and
// candidates, and receives offers, data channels and the end of a participant through Events.
package sfu
