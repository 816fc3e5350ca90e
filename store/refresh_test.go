package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// seedToken stores a user and one refresh token for it.
func seedToken(t *testing.T, s *Store, hash string) RefreshToken {
	t.Helper()
	ctx := context.Background()
	u := User{ID: NewUserID(), Username: "u" + hash, DisplayName: "U", PasswordHash: "h"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	rt := RefreshToken{ID: NewRefreshTokenID(), UserID: u.ID, FamilyID: NewFamilyID(),
		TokenHash: hash, ExpiresAt: now.Add(time.Hour), CreatedAt: now}
	if err := s.CreateRefreshToken(ctx, rt); err != nil {
		t.Fatalf("CreateRefreshToken: %v", err)
	}
	return rt
}

func TestRefreshTokenLifeCycle(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rt := seedToken(t, s, "aa")

	got, err := s.RefreshTokenByHash(ctx, "aa")
	if err != nil {
		t.Fatalf("RefreshTokenByHash: %v", err)
	}
	if got != rt {
		t.Fatalf("got %+v, want %+v", got, rt)
	}
	if got.Used() || got.Revoked() {
		t.Fatalf("fresh token: used %v revoked %v, want neither", got.Used(), got.Revoked())
	}

	next := RefreshToken{ID: NewRefreshTokenID(), UserID: rt.UserID, FamilyID: rt.FamilyID,
		TokenHash: "bb", ExpiresAt: rt.ExpiresAt}
	if err := s.RotateRefreshToken(ctx, rt.ID, next); err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}
	if err := s.RotateRefreshToken(ctx, rt.ID, next); !errors.Is(err, ErrRefreshSpent) {
		t.Fatalf("second rotation: got %v, want ErrRefreshSpent", err)
	}
	old, _ := s.RefreshTokenByHash(ctx, "aa")
	if !old.Used() {
		t.Error("old token not marked used")
	}

	n, err := s.RevokeRefreshFamily(ctx, rt.FamilyID, time.Now())
	if err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	if n != 2 {
		t.Errorf("revoked: got %d, want 2", n)
	}
	cur, _ := s.RefreshTokenByHash(ctx, "bb")
	if !cur.Revoked() {
		t.Error("new token not revoked with its family")
	}
	if err := s.MarkRefreshTokenUsed(ctx, cur.ID, time.Now()); !errors.Is(err, ErrRefreshSpent) {
		t.Errorf("use revoked token: got %v, want ErrRefreshSpent", err)
	}
}

func TestRefreshTokenErrors(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rt := seedToken(t, s, "cc")

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"unknown hash", func() error { _, err := s.RefreshTokenByHash(ctx, "zz"); return err }(),
			ErrNotFound},
		{"duplicate hash", s.CreateRefreshToken(ctx, RefreshToken{ID: NewRefreshTokenID(),
			UserID: rt.UserID, FamilyID: NewFamilyID(), TokenHash: "cc"}), nil},
		{"unknown user", s.CreateRefreshToken(ctx, RefreshToken{ID: NewRefreshTokenID(),
			UserID: "u_nobody", FamilyID: NewFamilyID(), TokenHash: "dd"}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("got nil error, want one")
			}
			if tt.want != nil && !errors.Is(tt.err, tt.want) {
				t.Errorf("got %v, want %v", tt.err, tt.want)
			}
		})
	}
}

func TestMarkUsedRaceHasOneWinner(t *testing.T) {
	s, _ := openTest(t)
	rt := seedToken(t, s, "ee")

	const racers = 8
	var wg sync.WaitGroup
	errs := make(chan error, racers)
	for range racers {
		wg.Go(func() {
			errs <- s.MarkRefreshTokenUsed(context.Background(), rt.ID, time.Now())
		})
	}
	wg.Wait()
	close(errs)

	wins := 0
	for err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrRefreshSpent):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("winners: got %d, want 1", wins)
	}
}

func TestDeleteExpiredRefreshTokens(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	rt := seedToken(t, s, "ff")

	n, err := s.DeleteExpiredRefreshTokens(ctx, rt.ExpiresAt.Add(-time.Second))
	if err != nil || n != 0 {
		t.Fatalf("before expiry: got %d, %v, want 0, nil", n, err)
	}
	n, err = s.DeleteExpiredRefreshTokens(ctx, rt.ExpiresAt.Add(time.Second))
	if err != nil || n != 1 {
		t.Fatalf("after expiry: got %d, %v, want 1, nil", n, err)
	}
	if _, err := s.RefreshTokenByHash(ctx, "ff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("lookup after delete: got %v, want ErrNotFound", err)
	}
}
