package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrDuplicate reports a message whose sender already stored one with the same client id.
// The call that reports it also returns the message stored first.
var ErrDuplicate = errors.New("store: duplicate client id")

// Message is one stored chat message: a room message when Room is set, otherwise a direct
// message from SenderID to RecipientID.
type Message struct {
	// ID is the row id, unique across all messages; it is the id of a direct message.
	ID int64
	// Room and Seq place a room message: Seq is its id within the room, the room's order.
	Room string
	Seq  int64

	SenderID   string
	SenderName string
	// ParticipantID is the sender's connection in the room, for room messages.
	ParticipantID string

	// RecipientID and RecipientName name the other end of a direct message.
	RecipientID   string
	RecipientName string

	// Private marks a room message meant for Recipients (and its sender) only.
	Private    bool
	Recipients []Recipient

	// ClientID is the sender's own id for the message, empty if it gave none.
	ClientID  string
	Text      string
	CreatedAt time.Time
	// ReadAt is when the recipient read a direct message; zero while unread.
	ReadAt time.Time
}

// Recipient is one user a private room message was addressed to.
type Recipient struct {
	UserID string
	Name   string
}

const messageColumns = `id, COALESCE(room, ''), COALESCE(seq, 0), sender_id, sender_name,
	participant_id, COALESCE(recipient_id, ''), recipient_name, private,
	COALESCE(client_id, ''), text, created_at, read_at`

// AddRoomMessage stores a room message under the id m.Seq, which the caller chooses: the
// next of the room, as LastRoomSeq tells. If the sender already stored a message with the
// same client id, nothing is stored and it returns that message and ErrDuplicate.
func (s *Store) AddRoomMessage(ctx context.Context, m Message) (Message, error) {
	if m.Room == "" || m.Seq <= 0 || m.SenderID == "" {
		return Message{}, errors.New("store: add room message: room, seq and sender are required")
	}
	m.RecipientID, m.RecipientName, m.ReadAt = "", "", time.Time{}
	return s.addMessage(ctx, m)
}

// AddDirectMessage stores a direct message and returns it with its id. If the sender already
// stored a message with the same client id, nothing is stored and it returns that message and
// ErrDuplicate.
func (s *Store) AddDirectMessage(ctx context.Context, m Message) (Message, error) {
	if m.SenderID == "" || m.RecipientID == "" {
		return Message{}, errors.New("store: add direct message: sender and recipient required")
	}
	m.Room, m.Seq, m.Private, m.Recipients = "", 0, false, nil
	return s.addMessage(ctx, m)
}

func (s *Store) addMessage(ctx context.Context, m Message) (Message, error) {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	id, err := s.insertMessage(ctx, m)
	if isUniqueViolation(err) && m.ClientID != "" {
		orig, lookupErr := s.MessageByClientID(ctx, m.SenderID, m.ClientID)
		if lookupErr == nil {
			return orig, ErrDuplicate
		}
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: add message: %w", err)
	}
	m.ID = id
	return m, nil
}

// insertMessage writes the message and its recipients in one transaction.
func (s *Store) insertMessage(ctx context.Context, m Message) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()

	res, err := tx.ExecContext(ctx,
		`INSERT INTO messages (room, seq, sender_id, sender_name, participant_id, recipient_id,
			recipient_name, private, client_id, text, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullString(m.Room), nullInt(m.Seq), m.SenderID, m.SenderName, m.ParticipantID,
		nullString(m.RecipientID), m.RecipientName, m.Private, nullString(m.ClientID), m.Text,
		m.CreatedAt.UnixMilli())
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for _, r := range m.Recipients {
		_, err := tx.ExecContext(ctx,
			`INSERT OR IGNORE INTO message_recipients (message_id, user_id, name) VALUES (?, ?, ?)`,
			id, r.UserID, r.Name)
		if err != nil {
			return 0, err
		}
	}
	return id, tx.Commit()
}

// MessageByClientID finds the message a sender stored with a client id.
func (s *Store) MessageByClientID(ctx context.Context, senderID, clientID string,
) (Message, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE sender_id = ? AND client_id = ?`, senderID, clientID)
	m, err := scanMessage(row)
	if err != nil {
		return Message{}, err
	}
	msgs := []Message{m}
	if err := s.loadRecipients(ctx, msgs); err != nil {
		return Message{}, err
	}
	return msgs[0], nil
}

func scanMessage(sc scanner) (Message, error) {
	var m Message
	var created int64
	var read sql.NullInt64
	err := sc.Scan(&m.ID, &m.Room, &m.Seq, &m.SenderID, &m.SenderName, &m.ParticipantID,
		&m.RecipientID, &m.RecipientName, &m.Private, &m.ClientID, &m.Text, &created, &read)
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: scan message: %w", err)
	}
	m.CreatedAt = time.UnixMilli(created).UTC()
	if read.Valid {
		m.ReadAt = time.UnixMilli(read.Int64).UTC()
	}
	return m, nil
}

// queryMessages runs a query for messageColumns and returns the rows in the order given.
func (s *Store) queryMessages(ctx context.Context, query string, args ...any) ([]Message, error) {
	out, err := queryAll(ctx, s.db, scanMessage, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query messages: %w", err)
	}
	return out, nil
}

// loadRecipients fills in the recipients of the private messages among msgs.
func (s *Store) loadRecipients(ctx context.Context, msgs []Message) error {
	index := make(map[int64]int)
	var ids []any
	for i, m := range msgs {
		if m.Private {
			index[m.ID] = i
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	rows, err := s.db.QueryContext(ctx, `SELECT message_id, user_id, name
		FROM message_recipients WHERE message_id IN (`+marks+`) ORDER BY rowid`, ids...)
	if err != nil {
		return fmt.Errorf("store: load recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r Recipient
		if err := rows.Scan(&id, &r.UserID, &r.Name); err != nil {
			return fmt.Errorf("store: load recipients: %w", err)
		}
		i := index[id]
		msgs[i].Recipients = append(msgs[i].Recipients, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load recipients: %w", err)
	}
	return nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

// reverse puts a page read newest first back into the order it was written.
func reverse(msgs []Message) {
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
}
