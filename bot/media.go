package bot

import (
	"encoding/binary"
	"time"
)

// A probe is the first bytes of every synthetic payload after the codec's own header: a
// magic number, the send time and a sequence number that counts the track's packets from 1.
const (
	probeMagic = 0xCFB0CFB1
	probeLen   = 4 + 8 + 8
)

// maxVideoPayload keeps each video packet well under a typical MTU once SRTP and headers
// are added.
const maxVideoPayload = 1100

// vp8Prefix is the size of the VP8 payload descriptor and payload header a packet carries
// before the probe: descriptor (1 byte), then on a frame's first packet the 3-byte frame tag
// and, for keyframes, the start code and dimensions (7 bytes more).
func vp8Prefix(first, key bool) int {
	switch {
	case first && key:
		return 1 + 3 + 7
	case first:
		return 1 + 3
	}
	return 1
}

// putVP8 writes the VP8 payload descriptor (RFC 7741 section 4.2) and, on a frame's first
// packet, the frame tag (RFC 6386 section 9.1), into b. It returns the bytes used.
func putVP8(b []byte, first, key bool, frameSize int) int {
	if !first {
		b[0] = 0x00 // a continuation packet of partition 0
		return 1
	}
	b[0] = 0x10 // S: the start of a VP8 partition
	tag := uint32(frameSize) << 5
	tag |= 1 << 4 // show_frame
	if !key {
		tag |= 1 // P: an interframe
	}
	b[1], b[2], b[3] = byte(tag), byte(tag>>8), byte(tag>>16)
	if !key {
		return 4
	}
	b[4], b[5], b[6] = 0x9d, 0x01, 0x2a // the keyframe start code
	binary.LittleEndian.PutUint16(b[7:], 640)
	binary.LittleEndian.PutUint16(b[9:], 360)
	return 11
}

// isVP8Keyframe reports whether a payload starts a keyframe.
func isVP8Keyframe(p []byte) bool {
	return len(p) >= 4 && p[0]&0x10 != 0 && p[1]&0x01 == 0
}

// putProbe writes the probe at b.
func putProbe(b []byte, sent time.Time, seq uint64) {
	binary.BigEndian.PutUint32(b, probeMagic)
	binary.BigEndian.PutUint64(b[4:], uint64(sent.UnixNano()))
	binary.BigEndian.PutUint64(b[12:], seq)
}

// readProbe finds the probe after a codec header of skip bytes.
func readProbe(p []byte, skip int) (sent int64, seq uint64, ok bool) {
	if len(p) < skip+probeLen || binary.BigEndian.Uint32(p[skip:]) != probeMagic {
		return 0, 0, false
	}
	return int64(binary.BigEndian.Uint64(p[skip+4:])), binary.BigEndian.Uint64(p[skip+12:]), true
}

// videoProbeOffset is where the probe sits in a video payload: right after the VP8 headers,
// whose size the first byte and frame tag tell.
func videoProbeOffset(p []byte) int {
	if len(p) == 0 || p[0]&0x10 == 0 {
		return 1
	}
	if isVP8Keyframe(p) {
		return 11
	}
	return 4
}
