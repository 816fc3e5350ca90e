package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCreateAndFindUsers(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	created := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	ada := User{ID: NewUserID(), Username: "Ada", DisplayName: "Ada L", PasswordHash: "h1",
		CreatedAt: created}
	if err := s.CreateUser(ctx, ada); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	want := ada
	want.Username = "ada"

	tests := []struct {
		name   string
		lookup func() (User, error)
	}{
		{"by username", func() (User, error) { return s.UserByUsername(ctx, "ada") }},
		{"by username other case", func() (User, error) { return s.UserByUsername(ctx, "ADA") }},
		{"by id", func() (User, error) { return s.UserByID(ctx, ada.ID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.lookup()
			if err != nil {
				t.Fatalf("lookup: %v", err)
			}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestCreateUserErrors(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	base := User{ID: NewUserID(), Username: "grace", DisplayName: "Grace", PasswordHash: "h"}
	if err := s.CreateUser(ctx, base); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}

	tests := []struct {
		name    string
		user    User
		wantErr error
	}{
		{"same name", User{ID: NewUserID(), Username: "grace", PasswordHash: "h"},
			ErrUsernameTaken},
		{"other case", User{ID: NewUserID(), Username: "GrAcE", PasswordHash: "h"},
			ErrUsernameTaken},
		{"missing id", User{Username: "linus", PasswordHash: "h"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateUser(ctx, tt.user)
			if err == nil {
				t.Fatal("got nil error, want one")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestUserNotFound(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()

	if _, err := s.UserByUsername(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByUsername: got %v, want ErrNotFound", err)
	}
	if _, err := s.UserByID(ctx, "u_0000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByID: got %v, want ErrNotFound", err)
	}
	err := s.UpdatePasswordHash(ctx, "u_0000000000000000", "x")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdatePasswordHash: got %v, want ErrNotFound", err)
	}
}

func TestUpdatePasswordHashAndList(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for _, name := range []string{"zoe", "bob", "alice"} {
		u := User{ID: NewUserID(), Username: name, DisplayName: name, PasswordHash: "old"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("CreateUser %s: %v", name, err)
		}
	}
	bob, err := s.UserByUsername(ctx, "bob")
	if err != nil {
		t.Fatalf("UserByUsername: %v", err)
	}
	if err := s.UpdatePasswordHash(ctx, bob.ID, "new"); err != nil {
		t.Fatalf("UpdatePasswordHash: %v", err)
	}

	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
		if u.Username == "bob" && u.PasswordHash != "new" {
			t.Errorf("bob's hash: got %q, want %q", u.PasswordHash, "new")
		}
	}
	if got, want := len(names), 3; got != want {
		t.Fatalf("users: got %d, want %d", got, want)
	}
	if names[0] != "alice" || names[1] != "bob" || names[2] != "zoe" {
		t.Errorf("order: got %v, want [alice bob zoe]", names)
	}
}

func TestNewUserIDShape(t *testing.T) {
	id := NewUserID()
	if len(id) != 18 || id[:2] != "u_" {
		t.Errorf("got %q, want u_ and 16 hex digits", id)
	}
	if id == NewUserID() {
		t.Error("two ids are equal")
	}
}
