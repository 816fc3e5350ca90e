package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/confab/confab/internal/httpapi"
	"github.com/confab/confab/store"
)

// Register mounts the account endpoints on mux.
func (s *Service) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/auth/register", s.handleRegister)
	mux.HandleFunc("POST /api/auth/login", s.handleLogin)
	mux.HandleFunc("POST /api/auth/refresh", s.handleRefresh)
	mux.HandleFunc("POST /api/auth/logout", s.handleLogout)
	mux.Handle("GET /api/users/me", s.RequireUser(http.HandlerFunc(s.handleMe)))
}

// userJSON is an account as clients see it.
type userJSON struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
}

func toUserJSON(u store.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName}
}

// sessionJSON is the answer to register, login and refresh.
type sessionJSON struct {
	User         userJSON `json:"user"`
	AccessToken  string   `json:"accessToken"`
	RefreshToken string   `json:"refreshToken"`
	ExpiresIn    int64    `json:"expiresIn"` // seconds until the access token expires
}

func (s *Service) writeSession(w http.ResponseWriter, status int, ss session) {
	httpapi.WriteJSON(w, status, sessionJSON{
		User:         toUserJSON(ss.user),
		AccessToken:  ss.access,
		RefreshToken: ss.refresh,
		ExpiresIn:    int64(s.accessTTL.Seconds()),
	})
}

func (s *Service) handleRegister(w http.ResponseWriter, r *http.Request) {
	var in registerInput
	if httpapi.DecodeJSON(w, r, &in) != nil {
		return
	}
	ss, err := s.register(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeSession(w, http.StatusCreated, ss)
}

func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if httpapi.DecodeJSON(w, r, &in) != nil {
		return
	}
	if in.Username == "" || in.Password == "" {
		httpapi.Error(w, http.StatusBadRequest, "Username and password are required.")
		return
	}
	a, wait := s.throttle.begin(in.Username, clientKey(r))
	if wait > 0 {
		s.writeThrottled(w, r, in.Username, wait)
		return
	}
	ss, err := s.login(r.Context(), in.Username, in.Password)
	a.end(err)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeSession(w, http.StatusOK, ss)
}

// writeThrottled refuses a sign-in with 429 and a Retry-After in whole seconds (RFC 9110,
// section 10.2.3), rounded up so that a client waiting that long is let through.
func (s *Service) writeThrottled(w http.ResponseWriter, r *http.Request, username string,
	wait time.Duration,
) {
	secs := int64((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	name, _ := normalizeUsername(username) // a malformed name is not worth logging
	s.log.Debug("sign-in refused by throttle", "username", name, "addr", clientKey(r),
		"retry_after_s", max(secs, 1))
	s.writeError(w, r, ErrThrottled)
}

// refreshInput is the body of refresh and logout.
type refreshInput struct {
	RefreshToken string `json:"refreshToken"`
}

func decodeRefresh(w http.ResponseWriter, r *http.Request) (string, bool) {
	var in refreshInput
	if httpapi.DecodeJSON(w, r, &in) != nil {
		return "", false
	}
	if in.RefreshToken == "" {
		httpapi.Error(w, http.StatusBadRequest, "refreshToken is required.")
		return "", false
	}
	return in.RefreshToken, true
}

func (s *Service) handleRefresh(w http.ResponseWriter, r *http.Request) {
	token, ok := decodeRefresh(w, r)
	if !ok {
		return
	}
	ss, err := s.refresh(r.Context(), token)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeSession(w, http.StatusOK, ss)
}

func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	token, ok := decodeRefresh(w, r)
	if !ok {
		return
	}
	if err := s.logout(r.Context(), token); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) handleMe(w http.ResponseWriter, r *http.Request) {
	id, _ := IdentityFrom(r.Context())
	u, err := s.st.UserByID(r.Context(), id.UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, toUserJSON(u))
}

// writeError is the one place that turns the package's errors into HTTP answers. Clients get
// a stable sentence; the detail goes to the log.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if msg, ok := inputMessage(err); ok {
		httpapi.Error(w, http.StatusBadRequest, msg)
		return
	}
	status, msg := errorStatus(err)
	if status == http.StatusUnauthorized && errors.Is(err, ErrTokenExpired) {
		w.Header().Set("Token-Expired", "true")
	}
	level := slog.LevelDebug
	if status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "request failed",
		"method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	httpapi.Error(w, status, msg)
}

// errorStatus maps an error to a status and the message clients see.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrUsernameTaken):
		return http.StatusConflict, "That username is taken."
	case errors.Is(err, ErrThrottled):
		return http.StatusTooManyRequests, "Too many failed sign-ins; try again later."
	case errors.Is(err, ErrBadCredentials):
		return http.StatusUnauthorized, "Wrong username or password."
	case errors.Is(err, ErrRefreshReused):
		return http.StatusUnauthorized, "Refresh token was already used; please log in again."
	case errors.Is(err, ErrRefreshInvalid):
		return http.StatusUnauthorized, "Refresh token is invalid or expired."
	case errors.Is(err, ErrTokenExpired):
		return http.StatusUnauthorized, "Access token expired."
	case errors.Is(err, ErrNoToken):
		return http.StatusUnauthorized, "Access token is missing."
	case errors.Is(err, ErrTokenInvalid):
		return http.StatusUnauthorized, "Access token is invalid."
	case errors.Is(err, store.ErrNotFound):
		return http.StatusUnauthorized, "Account no longer exists."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "Request was cancelled."
	default:
		return http.StatusInternalServerError, "Internal server error."
	}
}
