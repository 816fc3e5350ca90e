package sfu

import "sync"

// Room is a set of participants who receive each other's tracks.
type Room struct {
	name string
	sfu  *SFU

	mu           sync.Mutex
	participants map[string]*Participant
}

func newRoom(s *SFU, name string) *Room {
	return &Room{name: name, sfu: s, participants: make(map[string]*Participant)}
}

// Name is the room's name.
func (r *Room) Name() string { return r.name }

func (r *Room) add(p *Participant) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p.room = r
	r.participants[p.ID] = p
}

func (r *Room) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.participants) == 0
}

func (r *Room) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.participants)
}

// members returns a copy of the participant list, to act on without the lock.
func (r *Room) members() []*Participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Participant, 0, len(r.participants))
	for _, p := range r.participants {
		out = append(out, p)
	}
	return out
}

// othersLocked lists every participant but p.
func (r *Room) othersLocked(p *Participant) []*Participant {
	out := make([]*Participant, 0, len(r.participants))
	for _, o := range r.participants {
		if o != p {
			out = append(out, o)
		}
	}
	return out
}

// subscribeToAll gives a newcomer every track already published in the room.
func (r *Room) subscribeToAll(p *Participant) {
	r.mu.Lock()
	others := r.othersLocked(p)
	r.mu.Unlock()

	for _, o := range others {
		for _, t := range o.publishedTracks() {
			p.subscribe(t)
		}
	}
	p.negotiate()
}

// publish sends a new track to everyone else in the room.
func (r *Room) publish(t *publishedTrack) {
	r.mu.Lock()
	if _, ok := r.participants[t.publisher.ID]; !ok {
		r.mu.Unlock()
		return
	}
	others := r.othersLocked(t.publisher)
	r.mu.Unlock()

	for _, o := range others {
		if o.subscribe(t) {
			o.negotiate()
		}
	}
}

// leave removes p and ends its tracks at everyone else.
func (r *Room) leave(p *Participant) {
	r.mu.Lock()
	delete(r.participants, p.ID)
	r.mu.Unlock()

	touched := make(map[*Participant]bool)
	for _, t := range p.publishedTracks() {
		for _, d := range t.end() {
			if d.subscriber.unsubscribe(d) {
				touched[d.subscriber] = true
			}
		}
	}
	for o := range touched {
		o.negotiate()
	}
	r.sfu.removeIfEmpty(r)
}
