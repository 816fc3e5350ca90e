package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// openTest opens a store in a fresh directory and closes it when the test ends.
func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

func TestOpenCreatesPrivateDirAndSchema(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()

	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("stat data dir: %v", err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("data dir mode: got %o, want 700", got)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatalf("SchemaVersion: %v", err)
	}
	if v != len(migrations) {
		t.Errorf("schema version: got %d, want %d", v, len(migrations))
	}
}

func TestOpenSetsPragmas(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()

	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
	}
	for _, tt := range tests {
		var got string
		if err := s.DB().QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s: got %q, want %q", tt.pragma, got, tt.want)
		}
	}
}

func TestReopenAppliesMigrationsOnce(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()
	u := User{ID: NewUserID(), Username: "ada", DisplayName: "Ada", PasswordHash: "h"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s2, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()

	var n int
	err = s2.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	if err != nil {
		t.Fatalf("count migrations: %v", err)
	}
	if n != len(migrations) {
		t.Errorf("recorded migrations: got %d, want %d", n, len(migrations))
	}
	if _, err := s2.UserByUsername(ctx, "ada"); err != nil {
		t.Errorf("user after reopen: %v", err)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	for _, name := range []string{"with space", "hash#mark", "query?mark", "per%cent"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			s, err := Open(context.Background(), dir)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}
