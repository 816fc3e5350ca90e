// Package store keeps Confab's durable state in one SQLite file: accounts, the refresh
// tokens that keep their sessions alive, and chat messages with who may read them. It knows
// nothing of media, chat protocols or HTTP; other packages that need tables of their own
// reach the database through DB.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	// The pure Go driver registers itself as "sqlite", so the server builds without cgo.
	_ "modernc.org/sqlite"
)

// FileName is the name of the database file inside the data directory.
const FileName = "confab.db"

// busyTimeoutMillis is how long a connection waits for another writer before giving up.
const busyTimeoutMillis = 5000

// ErrNotFound reports that no row matched a lookup.
var ErrNotFound = errors.New("store: not found")

// Store is an open Confab database. It is safe for concurrent use.
type Store struct {
	db *sql.DB
}

// Open creates dataDir if needed, opens the database inside it and brings its schema up to
// date. Every pooled connection runs in WAL mode with foreign keys on and waits on a busy
// database instead of failing at once.
func Open(ctx context.Context, dataDir string) (*Store, error) {
	if dataDir == "" {
		return nil, errors.New("store: empty data directory")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}

	abs, err := filepath.Abs(filepath.Join(dataDir, FileName))
	if err != nil {
		return nil, fmt.Errorf("store: database path: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s := &Store{db: db}
	if err := s.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the connection string. Write transactions begin IMMEDIATE so that two writers
// queue on busy_timeout instead of one failing when it upgrades a read lock. synchronous=NORMAL
// is safe against a crash of the process in WAL mode; a power cut may lose the last commits.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Close closes the database. Calls after the first are harmless.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// DB returns the underlying database, for packages that keep tables of their own.
func (s *Store) DB() *sql.DB {
	return s.db
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// newID returns prefix followed by 16 random hex digits.
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails.
	return prefix + hex.EncodeToString(b[:])
}
