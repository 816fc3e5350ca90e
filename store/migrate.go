package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations is the schema history, oldest first. Version n is migrations[n-1]. Append only:
// a released entry is never edited, since databases in the field have already applied it.
var migrations = []string{
	// 1: accounts and refresh tokens.
	`CREATE TABLE users (
		id            TEXT PRIMARY KEY,
		username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
		display_name  TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		created_at    INTEGER NOT NULL
	);
	CREATE TABLE refresh_tokens (
		id         TEXT PRIMARY KEY,
		user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		family_id  TEXT NOT NULL,
		token_hash TEXT NOT NULL UNIQUE,
		expires_at INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		used_at    INTEGER,
		revoked_at INTEGER
	);
	CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
	CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
	CREATE INDEX refresh_tokens_expires ON refresh_tokens(expires_at);`,

	// 2: chat messages, the recipients of private room messages, and who visited which room.
	// A room message has room and seq (its id within the room); a direct message has neither
	// but a recipient and a read time. A client id is unique per sender across both kinds.
	`CREATE TABLE messages (
		id             INTEGER PRIMARY KEY AUTOINCREMENT,
		room           TEXT,
		seq            INTEGER,
		sender_id      TEXT NOT NULL,
		sender_name    TEXT NOT NULL,
		participant_id TEXT NOT NULL DEFAULT '',
		recipient_id   TEXT,
		recipient_name TEXT NOT NULL DEFAULT '',
		private        INTEGER NOT NULL DEFAULT 0,
		client_id      TEXT,
		text           TEXT NOT NULL,
		created_at     INTEGER NOT NULL,
		read_at        INTEGER,
		CHECK ((room IS NULL) = (seq IS NULL)),
		CHECK ((room IS NULL) <> (recipient_id IS NULL))
	);
	CREATE UNIQUE INDEX messages_room_seq ON messages(room, seq) WHERE room IS NOT NULL;
	CREATE UNIQUE INDEX messages_client ON messages(sender_id, client_id)
		WHERE client_id IS NOT NULL;
	CREATE INDEX messages_direct ON messages(sender_id, recipient_id, id) WHERE room IS NULL;
	CREATE INDEX messages_unread ON messages(recipient_id, id)
		WHERE room IS NULL AND read_at IS NULL;
	CREATE TABLE message_recipients (
		message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
		user_id    TEXT NOT NULL,
		name       TEXT NOT NULL,
		PRIMARY KEY (message_id, user_id)
	);
	CREATE INDEX message_recipients_user ON message_recipients(user_id, message_id);
	CREATE TABLE room_visits (
		room     TEXT NOT NULL,
		user_id  TEXT NOT NULL,
		first_at INTEGER NOT NULL,
		last_at  INTEGER NOT NULL,
		PRIMARY KEY (room, user_id)
	);`,
}

// migrate applies every migration the database has not seen, each in its own transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}

	for i, stmt := range migrations {
		if err := applyMigration(ctx, db, i+1, stmt); err != nil {
			return err
		}
	}
	return nil
}

// applyMigration runs one migration unless it is already recorded. The check happens inside
// the write transaction, so two processes opening the same file cannot both apply it.
func applyMigration(ctx context.Context, db *sql.DB, version int, stmt string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %d: begin: %w", version, err)
	}
	defer func() { _ = tx.Rollback() }()

	var n int
	err = tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: migration %d: check: %w", version, err)
	}
	if n > 0 {
		return nil
	}

	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("store: migration %d: apply: %w", version, err)
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		version, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("store: migration %d: record: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migration %d: commit: %w", version, err)
	}
	return nil
}

// SchemaVersion reports the newest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}
