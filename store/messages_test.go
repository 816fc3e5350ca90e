package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestRoomMessagesOrderVisibilityAndPages(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)

	// Seven messages from ada: the third is private to bob, the fifth private to carol.
	for seq := int64(1); seq <= 7; seq++ {
		m := Message{Room: "demo", Seq: seq, SenderID: "u_ada", SenderName: "Ada",
			ParticipantID: "p1", Text: fmt.Sprintf("m%d", seq), CreatedAt: at,
			ClientID: fmt.Sprintf("c%d", seq)}
		switch seq {
		case 3:
			m.Private, m.Recipients = true, []Recipient{{UserID: "u_bob", Name: "Bob"}}
		case 5:
			m.Private, m.Recipients = true, []Recipient{{UserID: "u_carol", Name: "Carol"}}
		}
		if _, err := s.AddRoomMessage(ctx, m); err != nil {
			t.Fatalf("add %d: %v", seq, err)
		}
	}
	if _, err := s.AddRoomMessage(ctx, Message{Room: "other", Seq: 1, SenderID: "u_ada",
		Text: "elsewhere"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		viewer string
		before int64
		limit  int
		want   []int64
	}{
		{"sender sees all", "u_ada", 0, 50, []int64{1, 2, 3, 4, 5, 6, 7}},
		{"recipient sees its own private", "u_bob", 0, 50, []int64{1, 2, 3, 4, 6, 7}},
		{"third sees no private", "u_dan", 0, 50, []int64{1, 2, 4, 6, 7}},
		{"newest page", "u_ada", 0, 3, []int64{5, 6, 7}},
		{"older page", "u_ada", 5, 3, []int64{2, 3, 4}},
		{"oldest page", "u_dan", 3, 10, []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, err := s.RoomMessages(ctx, "demo", tt.viewer, tt.before, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range msgs {
				got = append(got, m.Seq)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got seqs %v, want %v", got, tt.want)
			}
		})
	}

	msgs, err := s.RoomMessages(ctx, "demo", "u_bob", 4, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("got %v, %v, want message 3", msgs, err)
	}
	got := msgs[0]
	if !got.Private || len(got.Recipients) != 1 || got.Recipients[0].Name != "Bob" ||
		got.Text != "m3" || !got.CreatedAt.Equal(at) || got.ParticipantID != "p1" {
		t.Errorf("got %+v, want ada's private m3 to Bob", got)
	}
	if last, err := s.LastRoomSeq(ctx, "demo"); err != nil || last != 7 {
		t.Errorf("last seq: got %d, %v, want 7", last, err)
	}
	if last, err := s.LastRoomSeq(ctx, "empty"); err != nil || last != 0 {
		t.Errorf("last seq of an empty room: got %d, %v, want 0", last, err)
	}
}

func TestDuplicateClientIDReturnsTheOriginal(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	first, err := s.AddRoomMessage(ctx, Message{Room: "demo", Seq: 1, SenderID: "u_ada",
		Text: "once", ClientID: "c-1"})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		add  func() (Message, error)
	}{
		{"room resend", func() (Message, error) {
			return s.AddRoomMessage(ctx, Message{Room: "demo", Seq: 2, SenderID: "u_ada",
				Text: "once", ClientID: "c-1"})
		}},
		{"direct with the same client id", func() (Message, error) {
			return s.AddDirectMessage(ctx, Message{SenderID: "u_ada", RecipientID: "u_bob",
				Text: "once", ClientID: "c-1"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.add()
			if !errors.Is(err, ErrDuplicate) {
				t.Fatalf("got %v, want ErrDuplicate", err)
			}
			if got.ID != first.ID || got.Seq != 1 {
				t.Errorf("got %+v, want the original %+v", got, first)
			}
		})
	}

	// Another sender may use the same client id.
	if _, err := s.AddRoomMessage(ctx, Message{Room: "demo", Seq: 2, SenderID: "u_bob",
		Text: "mine", ClientID: "c-1"}); err != nil {
		t.Errorf("other sender, same client id: got %v, want stored", err)
	}
	// A taken seq is an error, not a duplicate.
	_, err = s.AddRoomMessage(ctx, Message{Room: "demo", Seq: 2, SenderID: "u_ada", Text: "x"})
	if err == nil || errors.Is(err, ErrDuplicate) {
		t.Errorf("taken seq: got %v, want an error other than ErrDuplicate", err)
	}
}

func TestDirectMessagesUnreadAndRead(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	send := func(from, to, text string) Message {
		t.Helper()
		m, err := s.AddDirectMessage(ctx, Message{SenderID: from, SenderName: from,
			RecipientID: to, RecipientName: to, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a1 := send("u_ada", "u_bob", "hi bob")
	send("u_bob", "u_ada", "hi ada")
	a2 := send("u_ada", "u_bob", "still there?")
	send("u_ada", "u_carol", "hi carol")

	texts := func(msgs []Message) []string {
		var out []string
		for _, m := range msgs {
			out = append(out, m.Text)
		}
		return out
	}
	conv, err := s.DirectMessages(ctx, "u_bob", "u_ada", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"hi bob", "hi ada", "still there?"}; !slices.Equal(texts(conv), want) {
		t.Errorf("conversation: got %q, want %q", texts(conv), want)
	}
	page, err := s.DirectMessages(ctx, "u_ada", "u_bob", a2.ID, 1)
	if err != nil || !slices.Equal(texts(page), []string{"hi ada"}) {
		t.Errorf("page before %d: got %q, %v, want [hi ada]", a2.ID, texts(page), err)
	}

	unread, err := s.UnreadDirectMessages(ctx, "u_bob", 10)
	if err != nil || !slices.Equal(texts(unread), []string{"hi bob", "still there?"}) {
		t.Fatalf("unread: got %q, %v", texts(unread), err)
	}
	n, err := s.MarkDirectRead(ctx, "u_bob", "u_ada", a1.ID, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("mark read: got %d, %v, want 1", n, err)
	}
	unread, err = s.UnreadDirectMessages(ctx, "u_bob", 10)
	if err != nil || !slices.Equal(texts(unread), []string{"still there?"}) {
		t.Errorf("unread after marking: got %q, %v", texts(unread), err)
	}
	conv, _ = s.DirectMessages(ctx, "u_ada", "u_bob", 0, 10)
	if conv[0].ReadAt.IsZero() || !conv[2].ReadAt.IsZero() {
		t.Errorf("read times: got %v and %v, want set and zero", conv[0].ReadAt, conv[2].ReadAt)
	}
}

func TestRoomVisits(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for range 2 {
		if err := s.RecordRoomVisit(ctx, "demo", "u_ada", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		room, user string
		want       bool
	}{
		{"demo", "u_ada", true},
		{"demo", "u_bob", false},
		{"other", "u_ada", false},
	} {
		got, err := s.HasVisitedRoom(ctx, tt.room, tt.user)
		if err != nil || got != tt.want {
			t.Errorf("%s in %s: got %v, %v, want %v", tt.user, tt.room, got, err, tt.want)
		}
	}
}
