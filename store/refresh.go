package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrRefreshSpent reports that a refresh token was already used or revoked when someone tried
// to use it. Callers treat it as a replay.
var ErrRefreshSpent = errors.New("store: refresh token already used or revoked")

// RefreshToken is one link in a chain of refresh tokens. Each use replaces a token with a new
// one in the same family, so a replayed token can revoke the whole chain. Only the SHA-256 of
// the token is kept. A zero UsedAt or RevokedAt means not used or not revoked.
type RefreshToken struct {
	ID        string
	UserID    string
	FamilyID  string
	TokenHash string // lowercase hex SHA-256 of the token
	ExpiresAt time.Time
	CreatedAt time.Time
	UsedAt    time.Time
	RevokedAt time.Time
}

// Used reports whether the token has been exchanged already.
func (t RefreshToken) Used() bool { return !t.UsedAt.IsZero() }

// Revoked reports whether the token's family has been revoked.
func (t RefreshToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// NewRefreshTokenID returns a fresh random refresh token id: "r_" and 16 hex digits.
func NewRefreshTokenID() string {
	return newID("r_")
}

// NewFamilyID returns a fresh random family id: "f_" and 16 hex digits. A family starts at
// each login.
func NewFamilyID() string {
	return newID("f_")
}

// CreateRefreshToken stores a new token. A zero CreatedAt is set to now.
func (s *Store) CreateRefreshToken(ctx context.Context, t RefreshToken) error {
	if err := insertRefreshToken(ctx, s.db, t); err != nil {
		return fmt.Errorf("store: create refresh token: %w", err)
	}
	return nil
}

// execer is what *sql.DB and *sql.Tx have in common for writes.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertRefreshToken(ctx context.Context, ex execer, t RefreshToken) error {
	if t.ID == "" || t.UserID == "" || t.FamilyID == "" || t.TokenHash == "" {
		return errors.New("id, user id, family id and hash are required")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	_, err := ex.ExecContext(ctx,
		`INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, created_at)
		 VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.FamilyID, t.TokenHash, t.ExpiresAt.UnixMilli(), t.CreatedAt.UnixMilli())
	return err
}

// RefreshTokenByHash finds a token by the hex SHA-256 of its value.
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (RefreshToken, error) {
	var t RefreshToken
	var expires, created int64
	var used, revoked sql.NullInt64
	err := s.db.QueryRowContext(ctx,
		`SELECT id, user_id, family_id, token_hash, expires_at, created_at, used_at, revoked_at
		 FROM refresh_tokens WHERE token_hash = ?`, hash).
		Scan(&t.ID, &t.UserID, &t.FamilyID, &t.TokenHash, &expires, &created, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return RefreshToken{}, ErrNotFound
	}
	if err != nil {
		return RefreshToken{}, fmt.Errorf("store: refresh token by hash: %w", err)
	}

	t.ExpiresAt = time.UnixMilli(expires).UTC()
	t.CreatedAt = time.UnixMilli(created).UTC()
	t.UsedAt = nullTime(used)
	t.RevokedAt = nullTime(revoked)
	return t, nil
}

func nullTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// MarkRefreshTokenUsed records that a token was exchanged at the given time. The update only
// matches a token that is neither used nor revoked, so of two racing callers exactly one
// succeeds; the other gets ErrRefreshSpent.
func (s *Store) MarkRefreshTokenUsed(ctx context.Context, id string, at time.Time) error {
	if err := markUsed(ctx, s.db, id, at); err != nil {
		return fmt.Errorf("store: mark refresh token used: %w", err)
	}
	return nil
}

func markUsed(ctx context.Context, ex execer, id string, at time.Time) error {
	res, err := ex.ExecContext(ctx,
		`UPDATE refresh_tokens SET used_at = ?
		 WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, at.UnixMilli(), id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrRefreshSpent
	}
	return nil
}

// RotateRefreshToken marks the token oldID used at next.CreatedAt and stores next, in one
// transaction: either both happen or neither. ErrRefreshSpent reports that oldID was already
// used or revoked.
func (s *Store) RotateRefreshToken(ctx context.Context, oldID string, next RefreshToken) error {
	if next.CreatedAt.IsZero() {
		next.CreatedAt = time.Now()
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: rotate refresh token: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	if err := markUsed(ctx, tx, oldID, next.CreatedAt); err != nil {
		return fmt.Errorf("store: rotate refresh token: %w", err)
	}
	if err := insertRefreshToken(ctx, tx, next); err != nil {
		return fmt.Errorf("store: rotate refresh token: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: rotate refresh token: commit: %w", err)
	}
	return nil
}

// RevokeRefreshFamily revokes every token of a family that is not revoked yet, and reports how
// many it revoked.
func (s *Store) RevokeRefreshFamily(
	ctx context.Context, familyID string, at time.Time,
) (int64, error) {
	res, err := s.db.ExecContext(ctx,
		`UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL`,
		at.UnixMilli(), familyID)
	if err != nil {
		return 0, fmt.Errorf("store: revoke refresh family: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: revoke refresh family: %w", err)
	}
	return n, nil
}

// DeleteExpiredRefreshTokens removes tokens that expired before the given time. Used tokens
// are kept until then so that a replay is still recognised.
func (s *Store) DeleteExpiredRefreshTokens(
	ctx context.Context, before time.Time,
) (int64, error) {
	res, err := s.db.ExecContext(ctx,
		`DELETE FROM refresh_tokens WHERE expires_at < ?`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: delete expired refresh tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired refresh tokens: %w", err)
	}
	return n, nil
}
