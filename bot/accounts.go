package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// registerBot creates a throwaway account and returns its access token.
func registerBot(ctx context.Context, baseURL, prefix string, i int) (string, error) {
	var secret [12]byte
	_, _ = rand.Read(secret[:])
	body, _ := json.Marshal(map[string]string{
		"username":    fmt.Sprintf("%s-%d", prefix, i),
		"password":    hex.EncodeToString(secret[:]),
		"displayName": fmt.Sprintf("bot %d", i),
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/api/auth/register",
		bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("bot: register: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("bot: register: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("bot: register: %s: %s", resp.Status, bytes.TrimSpace(b))
	}
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", fmt.Errorf("bot: register: %w", err)
	}
	return out.AccessToken, nil
}

func randomPrefix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "bot-" + hex.EncodeToString(b[:])
}
