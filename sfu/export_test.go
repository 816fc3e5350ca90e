package sfu

// TestTrack gives benchmarks a published track's fan-out, to inject packets without a
// network in front of it.
type TestTrack struct{ t *publishedTrack }

// FanOut forwards one RTP packet to every subscriber of the track.
func (tt TestTrack) FanOut(pkt []byte) { tt.t.fanOut(pkt) }

// Subscribers is how many down tracks the track feeds.
func (tt TestTrack) Subscribers() int { return len(*tt.t.downs.Load()) }

// PublishedTracks lists the tracks published in a room.
func (s *SFU) PublishedTracks(room string) []TestTrack {
	s.mu.Lock()
	r := s.rooms[room]
	s.mu.Unlock()
	if r == nil {
		return nil
	}
	var out []TestTrack
	for _, p := range r.members() {
		for _, t := range p.publishedTracks() {
			out = append(out, TestTrack{t})
		}
	}
	return out
}
