package sfu

import "sync"

// cacheSlots is how many packets a track keeps for retransmission: about a quarter of a
// second of a 1,000-packet-a-second stream, several seconds of a typical camera. A power of
// two, so a sequence number maps to its slot with a mask.
const cacheSlots = 256

// packetCache keeps a video track's most recent packets, exactly as the publisher sent them,
// so that any subscriber's NACK (RFC 4585 section 6.2.1) can be answered from one copy.
// Its memory is allocated once, when the track is published.
type packetCache struct {
	mu    sync.Mutex
	slots [cacheSlots]cacheSlot
}

type cacheSlot struct {
	seq   uint16
	size  int // zero for an empty slot
	bytes [receiveMTU]byte
}

// put stores one packet under its sequence number, replacing the packet cacheSlots earlier.
func (c *packetCache) put(seq uint16, pkt []byte) {
	c.mu.Lock()
	s := &c.slots[seq%cacheSlots]
	s.seq = seq
	s.size = copy(s.bytes[:], pkt)
	c.mu.Unlock()
}

// get copies the packet with sequence number seq into dst and returns its length, or zero
// when it is no longer kept.
func (c *packetCache) get(seq uint16, dst []byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.slots[seq%cacheSlots]
	if s.size == 0 || s.seq != seq {
		return 0
	}
	return copy(dst, s.bytes[:s.size])
}
