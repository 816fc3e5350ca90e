package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUsernameTaken reports that another account already holds the username, in any case.
var ErrUsernameTaken = errors.New("store: username taken")

// User is one account. Usernames are kept lowercase so that they match case-insensitively;
// PasswordHash is an encoded hash, never the password itself.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	PasswordHash string
	CreatedAt    time.Time
}

// NewUserID returns a fresh random user id: "u_" and 16 hex digits.
func NewUserID() string {
	return newID("u_")
}

// CreateUser adds an account. A zero CreatedAt is set to now. The username is lowercased
// before it is stored; ErrUsernameTaken reports a clash with an existing one.
func (s *Store) CreateUser(ctx context.Context, u User) error {
	if u.ID == "" || u.Username == "" || u.PasswordHash == "" {
		return errors.New("store: create user: id, username and password hash are required")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now()
	}

	_, err := s.db.ExecContext(ctx,
		`INSERT INTO users (id, username, display_name, password_hash, created_at)
		 VALUES (?, ?, ?, ?, ?)`,
		u.ID, strings.ToLower(u.Username), u.DisplayName, u.PasswordHash,
		u.CreatedAt.UnixMilli())
	if isUniqueViolation(err) {
		return ErrUsernameTaken
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// isUniqueViolation reports a UNIQUE constraint failure. The primary key fails with its own
// code, so on the users table this can only be the username.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

const userColumns = `id, username, display_name, password_hash, created_at`

// UserByUsername finds an account by username, in any case.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	row := s.db.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE username = ?`, strings.ToLower(username))
	return scanUser(row)
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	return scanUser(row)
}

// UpdatePasswordHash replaces an account's password hash, after a password change or when a
// login re-hashes at a higher cost.
func (s *Store) UpdatePasswordHash(ctx context.Context, id, hash string) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return fmt.Errorf("store: update password hash: %w", err)
	}
	return expectOneRow(res, "update password hash")
}

// ListUsers returns every account, ordered by username.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	users, err := queryAll(ctx, s.db, scanUser, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return users, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

func scanUser(sc scanner) (User, error) {
	var u User
	var created int64
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("store: scan user: %w", err)
	}
	u.CreatedAt = time.UnixMilli(created).UTC()
	return u, nil
}

// expectOneRow turns an update that matched nothing into ErrNotFound.
func expectOneRow(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	}
	return nil
}
