package auth

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/confab/confab/store"
)

func TestRestartKeepsAccountsKeyAndSessions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	before := startEnv(t, dir)
	tk := before.register(t, "ada", "password1")
	keyBefore := readFile(t, filepath.Join(dir, KeyFileName))
	before.stop()

	after := startEnv(t, dir)
	if !bytes.Equal(readFile(t, filepath.Join(dir, KeyFileName)), keyBefore) {
		t.Fatal("key file changed across restart")
	}
	wantStatus(t, "old access token", after.call(t, "GET", "/api/users/me", nil, tk.access),
		http.StatusOK)
	wantStatus(t, "old refresh token", after.refresh(t, tk.refresh), http.StatusOK)
	r := after.call(t, "POST", "/api/auth/login",
		map[string]string{"username": "ada", "password": "password1"}, "")
	wantStatus(t, "login", r, http.StatusOK)
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	defer st.Close()

	if _, err := New(st, Config{DataDir: dir, Logger: testLogger(t)}); err != nil {
		t.Fatalf("New: %v", err)
	}
	path := filepath.Join(dir, KeyFileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat key: %v", err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key mode: got %o, want 600", got)
	}
	if got := len(readFile(t, path)); got != 32 {
		t.Errorf("key length: got %d, want 32", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, KeyFileName+".tmp*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestConfiguredSecret(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	defer st.Close()

	_, err = New(st, Config{DataDir: dir, Secret: "short", Logger: testLogger(t)})
	if !errors.Is(err, ErrWeakSecret) {
		t.Errorf("short secret: got %v, want ErrWeakSecret", err)
	}

	cfg := Config{DataDir: dir, Secret: strings.Repeat("s", 32), Logger: testLogger(t)}
	if _, err := New(st, cfg); err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("key file with a configured secret: got %v, want none", err)
	}

	if err := os.WriteFile(filepath.Join(dir, KeyFileName), []byte("tiny"), 0o600); err != nil {
		t.Fatalf("write key: %v", err)
	}
	_, err = New(st, Config{DataDir: dir, Logger: testLogger(t)})
	if !errors.Is(err, ErrWeakSecret) {
		t.Errorf("short key file: got %v, want ErrWeakSecret", err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}
