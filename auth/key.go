package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// KeyFileName is the file in the data directory that holds the signing key when none is
// configured. Keeping it across restarts keeps everyone signed in.
const KeyFileName = "jwt.key"

// MinSecretLen is the shortest signing key accepted, in bytes: HS256 wants 256 bits.
const MinSecretLen = 32

// loadKey returns the configured secret, or the key file's contents, or a new key written to
// the key file.
func loadKey(dataDir, secret string, log *slog.Logger) ([]byte, error) {
	key, err := existingKey(dataDir, secret, log)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(dataDir, filepath.Join(dataDir, KeyFileName), log)
	}
	return key, err
}

// existingKey returns the configured secret or the key file's contents. A missing key file
// yields an error matching fs.ErrNotExist.
func existingKey(dataDir, secret string, log *slog.Logger) ([]byte, error) {
	if secret != "" {
		if len(secret) < MinSecretLen {
			return nil, fmt.Errorf("%w: %d bytes, want at least %d",
				ErrWeakSecret, len(secret), MinSecretLen)
		}
		return []byte(secret), nil
	}
	if dataDir == "" {
		return nil, errors.New("auth: need a data directory or a secret")
	}
	return readKey(filepath.Join(dataDir, KeyFileName), log)
}

func readKey(path string, log *slog.Logger) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	if len(key) < MinSecretLen {
		return nil, fmt.Errorf("auth: key file %s: %w", path, ErrWeakSecret)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("signing key file is readable by others", "path", path,
			"mode", fi.Mode().Perm().String())
	}
	return key, nil
}

// createKey writes 32 random bytes to path with mode 0600. The key goes to a temporary file
// first and is linked into place, so a crash never leaves a short key and two processes
// starting together end up with the same one.
func createKey(dataDir, path string, log *slog.Logger) ([]byte, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: create data directory: %w", err)
	}
	key := make([]byte, MinSecretLen)
	_, _ = rand.Read(key) // crypto/rand.Read never fails.

	tmp, err := os.CreateTemp(dataDir, KeyFileName+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("auth: create key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeSynced(tmp, key); err != nil {
		return nil, fmt.Errorf("auth: write key: %w", err)
	}

	err = os.Link(tmp.Name(), path)
	if errors.Is(err, fs.ErrExist) {
		return readKey(path, log)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: install key: %w", err)
	}
	log.Info("created signing key", "path", path)
	return key, nil
}

// writeSynced writes b to f, flushes it to disk and closes f. CreateTemp already made the
// file with mode 0600.
func writeSynced(f *os.File, b []byte) error {
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
