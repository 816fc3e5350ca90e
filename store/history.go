package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// beforeOrAll turns "no upper bound" (zero or less) into one above every id.
func beforeOrAll(before int64) int64 {
	if before <= 0 {
		return math.MaxInt64
	}
	return before
}

// LastRoomSeq returns the id of the newest message of a room, zero if it has none.
func (s *Store) LastRoomSeq(ctx context.Context, room string) (int64, error) {
	var seq sql.NullInt64
	err := s.db.QueryRowContext(ctx,
		`SELECT MAX(seq) FROM messages WHERE room = ?`, room).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("store: last room seq: %w", err)
	}
	return seq.Int64, nil
}

// RoomMessages returns up to limit messages of a room with ids below before (all when before
// is zero), the newest of them, oldest first. Private messages are included only for viewer
// when it sent them or is among their recipients.
func (s *Store) RoomMessages(ctx context.Context, room, viewer string, before int64,
	limit int,
) ([]Message, error) {
	msgs, err := s.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE room = ? AND seq < ? AND (private = 0 OR sender_id = ? OR EXISTS (
			SELECT 1 FROM message_recipients r
			WHERE r.message_id = messages.id AND r.user_id = ?))
		ORDER BY seq DESC LIMIT ?`, room, beforeOrAll(before), viewer, viewer, limit)
	if err != nil {
		return nil, err
	}
	if err := s.loadRecipients(ctx, msgs); err != nil {
		return nil, err
	}
	reverse(msgs)
	return msgs, nil
}

// DirectMessages returns up to limit direct messages between users a and b, in either
// direction, with ids below before (all when before is zero): the newest of them, oldest
// first.
func (s *Store) DirectMessages(ctx context.Context, a, b string, before int64,
	limit int,
) ([]Message, error) {
	msgs, err := s.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE room IS NULL AND id < ? AND (
			(sender_id = ? AND recipient_id = ?) OR (sender_id = ? AND recipient_id = ?))
		ORDER BY id DESC LIMIT ?`, beforeOrAll(before), a, b, b, a, limit)
	if err != nil {
		return nil, err
	}
	reverse(msgs)
	return msgs, nil
}

// UnreadDirectMessages returns the newest limit direct messages to recipient that it has not
// read, oldest first.
func (s *Store) UnreadDirectMessages(ctx context.Context, recipient string,
	limit int,
) ([]Message, error) {
	msgs, err := s.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE room IS NULL AND recipient_id = ? AND read_at IS NULL
		ORDER BY id DESC LIMIT ?`, recipient, limit)
	if err != nil {
		return nil, err
	}
	reverse(msgs)
	return msgs, nil
}

// MarkDirectRead marks as read, at the given time, the direct messages from sender to reader
// with ids up to upTo that were unread. It returns how many it marked.
func (s *Store) MarkDirectRead(ctx context.Context, reader, sender string, upTo int64,
	at time.Time,
) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE messages SET read_at = ?
		WHERE room IS NULL AND recipient_id = ? AND sender_id = ? AND id <= ?
			AND read_at IS NULL`, at.UnixMilli(), reader, sender, upTo)
	if err != nil {
		return 0, fmt.Errorf("store: mark read: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: mark read: %w", err)
	}
	return n, nil
}

// RecordRoomVisit notes that a user is in a room at the given time.
func (s *Store) RecordRoomVisit(ctx context.Context, room, userID string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO room_visits (room, user_id, first_at, last_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (room, user_id) DO UPDATE SET last_at = excluded.last_at`,
		room, userID, at.UnixMilli(), at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: record room visit: %w", err)
	}
	return nil
}

// HasVisitedRoom reports whether a user has ever been in a room.
func (s *Store) HasVisitedRoom(ctx context.Context, room, userID string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx,
		`SELECT 1 FROM room_visits WHERE room = ? AND user_id = ?`, room, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: room visit: %w", err)
	}
	return true, nil
}
