package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/confab/confab/store"
)

// registerInput is what a client sends to create an account.
type registerInput struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"displayName"`
}

// register validates in, creates the account and starts its first session.
func (s *Service) register(ctx context.Context, in registerInput) (session, error) {
	username, err := normalizeUsername(in.Username)
	if err != nil {
		return session{}, err
	}
	if err := checkPassword(in.Password); err != nil {
		return session{}, err
	}
	display, err := normalizeDisplayName(in.DisplayName, username)
	if err != nil {
		return session{}, err
	}

	var hash string
	err = s.withHashSlot(ctx, func() { hash = hashPassword(in.Password, currentParams) })
	if err != nil {
		return session{}, err
	}
	u := store.User{
		ID:           store.NewUserID(),
		Username:     username,
		DisplayName:  display,
		PasswordHash: hash,
		CreatedAt:    s.now(),
	}
	if err := s.st.CreateUser(ctx, u); err != nil {
		return session{}, fmt.Errorf("auth: register: %w", err)
	}
	s.log.Info("registered", "user", u.ID, "username", u.Username)
	return s.startSession(ctx, u)
}

// login checks a username and password and starts a session. An unknown username costs the
// same hash as a known one, so the answer's timing does not reveal which accounts exist.
func (s *Service) login(ctx context.Context, username, password string) (session, error) {
	var u store.User
	name, err := normalizeUsername(username)
	if err == nil {
		u, err = s.st.UserByUsername(ctx, name)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) && !isInput(err) {
		return session{}, fmt.Errorf("auth: login: %w", err)
	}
	known := err == nil
	encoded := u.PasswordHash
	if !known {
		encoded = dummyHash()
	}

	var ok bool
	var verr error
	err = s.withHashSlot(ctx, func() { ok, verr = verifyPassword(password, encoded) })
	if err != nil {
		return session{}, err
	}
	if verr != nil {
		s.log.Error("stored password hash unreadable", "user", u.ID, "err", verr)
	}
	if !known || !ok {
		return session{}, ErrBadCredentials
	}

	s.rehashIfNeeded(ctx, u, password)
	return s.startSession(ctx, u)
}

// rehashIfNeeded stores a new hash at the current cost when the old one was made cheaper. The
// login succeeds whatever happens here.
func (s *Service) rehashIfNeeded(ctx context.Context, u store.User, password string) {
	if !needsRehash(u.PasswordHash) {
		return
	}
	var hash string
	err := s.withHashSlot(ctx, func() { hash = hashPassword(password, currentParams) })
	if err != nil {
		return
	}
	if err := s.st.UpdatePasswordHash(ctx, u.ID, hash); err != nil {
		s.log.Warn("re-hash password", "user", u.ID, "err", err)
		return
	}
	s.log.Info("re-hashed password at current cost", "user", u.ID)
}
