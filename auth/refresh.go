package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/confab/confab/store"
)

// session is what a successful login, registration or refresh hands the client.
type session struct {
	user    store.User
	access  string
	refresh string
}

// newRefreshValue returns 32 random bytes as unpadded base64url.
func newRefreshValue() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails.
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashRefresh returns the hex SHA-256 of a refresh token, the only form the store keeps. The
// token is 256 random bits, so a fast unsalted hash suffices.
func hashRefresh(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newRefreshRecord builds the stored form of a fresh token in family and returns it with the
// token itself.
func (s *Service) newRefreshRecord(u store.User, family string) (store.RefreshToken, string) {
	value := newRefreshValue()
	now := s.now()
	return store.RefreshToken{
		ID:        store.NewRefreshTokenID(),
		UserID:    u.ID,
		FamilyID:  family,
		TokenHash: hashRefresh(value),
		CreatedAt: now,
		ExpiresAt: now.Add(s.refreshTTL),
	}, value
}

// startSession issues an access token and the first refresh token of a new family.
func (s *Service) startSession(ctx context.Context, u store.User) (session, error) {
	rec, value := s.newRefreshRecord(u, store.NewFamilyID())
	if err := s.st.CreateRefreshToken(ctx, rec); err != nil {
		return session{}, fmt.Errorf("auth: start session: %w", err)
	}
	access, err := s.issueAccess(u)
	if err != nil {
		return session{}, err
	}
	return session{user: u, access: access, refresh: value}, nil
}

// refresh exchanges a refresh token for a new pair in the same family. A token that was
// already exchanged revokes its family: the client and someone else both hold it, and we
// cannot tell which is which.
func (s *Service) refresh(ctx context.Context, token string) (session, error) {
	old, err := s.st.RefreshTokenByHash(ctx, hashRefresh(token))
	if errors.Is(err, store.ErrNotFound) {
		return session{}, ErrRefreshInvalid
	}
	if err != nil {
		return session{}, fmt.Errorf("auth: refresh: %w", err)
	}
	switch {
	case old.Revoked():
		return session{}, fmt.Errorf("%w: family revoked", ErrRefreshInvalid)
	case old.Used():
		return session{}, s.revokeReused(ctx, old)
	case !s.now().Before(old.ExpiresAt):
		return session{}, fmt.Errorf("%w: expired", ErrRefreshInvalid)
	}

	u, err := s.st.UserByID(ctx, old.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return session{}, fmt.Errorf("%w: account gone", ErrRefreshInvalid)
	}
	if err != nil {
		return session{}, fmt.Errorf("auth: refresh: %w", err)
	}

	next, value := s.newRefreshRecord(u, old.FamilyID)
	err = s.st.RotateRefreshToken(ctx, old.ID, next)
	if errors.Is(err, store.ErrRefreshSpent) {
		// Another request exchanged the same token a moment ago.
		return session{}, s.revokeReused(ctx, old)
	}
	if err != nil {
		return session{}, fmt.Errorf("auth: refresh: %w", err)
	}

	access, err := s.issueAccess(u)
	if err != nil {
		return session{}, err
	}
	return session{user: u, access: access, refresh: value}, nil
}

// revokeReused revokes the family of a replayed token and returns ErrRefreshReused.
func (s *Service) revokeReused(ctx context.Context, t store.RefreshToken) error {
	n, err := s.st.RevokeRefreshFamily(ctx, t.FamilyID, s.now())
	if err != nil {
		return fmt.Errorf("auth: revoke reused family: %w", err)
	}
	s.log.Warn("refresh token reused; family revoked",
		"user", t.UserID, "family", t.FamilyID, "revoked", n)
	return ErrRefreshReused
}

// logout revokes the family of a refresh token. Unknown tokens are ignored: the session they
// would end does not exist.
func (s *Service) logout(ctx context.Context, token string) error {
	t, err := s.st.RefreshTokenByHash(ctx, hashRefresh(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	if _, err := s.st.RevokeRefreshFamily(ctx, t.FamilyID, s.now()); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	s.log.Info("logged out", "user", t.UserID, "family", t.FamilyID)
	return nil
}
