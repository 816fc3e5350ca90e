// Package chat runs chat and presence over data channels. A member is one connection's
// channel: in a room it receives the roster, the room's recent history and then its messages
// and presence events in one order; in the lobby it is one of its user's devices and receives
// who is online, the active rooms and direct messages. Messages are kept in the store. The
// package speaks the JSON messages of docs/datachannel.md and knows nothing of how they
// travel: each member brings a function that sends one message.
package chat
