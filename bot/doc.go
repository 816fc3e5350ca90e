// Package bot is Confab's load tester: Pion participants in one process that join a running
// server as real clients would, over the same signaling, tokens and data channel, publish
// synthetic media and measure what arrives.
//
// Every payload carries its send time and a per-track sequence number, so subscribers on the
// same machine compute one-way latency and loss exactly.
package bot
