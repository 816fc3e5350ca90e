// Package chat runs room chat and presence: who is in a room, what they say, and whether
// their microphone and camera are on. It speaks the JSON messages of docs/datachannel.md and
// knows nothing of how they travel: each member brings a function that sends one message.
package chat
