package auth

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func (e *env) refresh(t *testing.T, token string) response {
	t.Helper()
	return e.call(t, "POST", "/api/auth/refresh", map[string]string{"refreshToken": token}, "")
}

func TestRefreshRotation(t *testing.T) {
	e := newEnv(t)
	first := e.register(t, "ada", "password1")

	r := e.refresh(t, first.refresh)
	wantStatus(t, "refresh", r, http.StatusOK)
	second := sessionOf(t, r)
	if second.refresh == first.refresh || second.access == first.access {
		t.Fatal("refresh returned the same tokens")
	}
	if second.user["id"] != first.user["id"] {
		t.Errorf("user: got %v, want %v", second.user, first.user)
	}
	if me := e.call(t, "GET", "/api/users/me", nil, second.access); me.status != 200 {
		t.Errorf("new access token: got %d, want 200", me.status)
	}

	r = e.refresh(t, second.refresh)
	wantStatus(t, "second refresh", r, http.StatusOK)
	third := sessionOf(t, r)

	stored, err := e.st.RefreshTokenByHash(t.Context(), hashRefresh(third.refresh))
	if err != nil {
		t.Fatalf("stored token: %v", err)
	}
	if stored.TokenHash == third.refresh {
		t.Error("store holds the token itself, want its hash")
	}
}

func TestRefreshReuseRevokesFamily(t *testing.T) {
	e := newEnv(t)
	first := e.register(t, "ada", "password1")
	second := sessionOf(t, e.refresh(t, first.refresh))

	// A second login is a separate family and must survive.
	other := sessionOf(t, e.call(t, "POST", "/api/auth/login",
		map[string]string{"username": "ada", "password": "password1"}, ""))

	wantStatus(t, "reuse", e.refresh(t, first.refresh), http.StatusUnauthorized)
	wantStatus(t, "rotated token after reuse", e.refresh(t, second.refresh),
		http.StatusUnauthorized)
	wantStatus(t, "other family", e.refresh(t, other.refresh), http.StatusOK)
}

func TestRefreshRaceHasOneWinner(t *testing.T) {
	e := newEnv(t)
	tk := e.register(t, "ada", "password1")
	body := `{"refreshToken":"` + tk.refresh + `"}`

	const racers = 4
	results := make(chan error, racers)
	statuses := make(chan int, racers)
	var wg sync.WaitGroup
	for range racers {
		wg.Go(func() {
			resp, err := e.srv.Client().Post(e.srv.URL+"/api/auth/refresh",
				"application/json", strings.NewReader(body))
			if err != nil {
				results <- err
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(results)
	close(statuses)

	for err := range results {
		t.Errorf("refresh: %v", err)
	}
	ok := 0
	for s := range statuses {
		if s == http.StatusOK {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("successful refreshes: got %d, want 1", ok)
	}
}

func TestRefreshRejects(t *testing.T) {
	e := newEnv(t)
	tk := e.register(t, "ada", "password1")

	wantStatus(t, "unknown", e.refresh(t, "bm90IGEgdG9rZW4"), http.StatusUnauthorized)
	wantStatus(t, "access token", e.refresh(t, tk.access), http.StatusUnauthorized)
	wantStatus(t, "missing", e.call(t, "POST", "/api/auth/refresh", map[string]string{}, ""),
		http.StatusBadRequest)

	e.clock.Advance(DefaultRefreshTTL + time.Second)
	wantStatus(t, "expired", e.refresh(t, tk.refresh), http.StatusUnauthorized)
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	first := e.register(t, "ada", "password1")
	second := sessionOf(t, e.refresh(t, first.refresh))

	r := e.call(t, "POST", "/api/auth/logout", map[string]string{"refreshToken": second.refresh},
		"")
	wantStatus(t, "logout", r, http.StatusNoContent)
	wantStatus(t, "refresh after logout", e.refresh(t, second.refresh), http.StatusUnauthorized)

	r = e.call(t, "POST", "/api/auth/logout", map[string]string{"refreshToken": "unknown"}, "")
	wantStatus(t, "logout unknown", r, http.StatusNoContent)
}
