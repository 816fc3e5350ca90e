// Package auth turns usernames and passwords into sessions. It hashes passwords with
// argon2id, signs short-lived access tokens (JWT, HS256) and rotates long-lived refresh
// tokens whose reuse revokes the whole session. It serves the /api/auth endpoints, slows down
// password guessing, guards other handlers with RequireUser, and signs room join tokens for
// guests and bots.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/confab/confab/store"
)

// Default lifetimes of the two kinds of token.
const (
	DefaultAccessTTL  = 15 * time.Minute
	DefaultRefreshTTL = 30 * 24 * time.Hour
)

// Errors reported by the package. HTTP handlers map each to one status and one stable message.
var (
	// ErrTokenExpired reports an access token that was valid but whose time is up; the client
	// should refresh it.
	ErrTokenExpired = errors.New("auth: access token expired")
	// ErrTokenInvalid reports an access token that is malformed, forged, or not meant for us.
	ErrTokenInvalid = errors.New("auth: access token invalid")
	// ErrNoToken reports a request that carries no access token at all.
	ErrNoToken = errors.New("auth: no access token")
	// ErrBadCredentials reports an unknown username or a wrong password; the two are not told
	// apart.
	ErrBadCredentials = errors.New("auth: wrong username or password")
	// ErrRefreshInvalid reports a refresh token that is unknown, expired or revoked.
	ErrRefreshInvalid = errors.New("auth: refresh token invalid")
	// ErrRefreshReused reports a refresh token presented a second time. Its family has been
	// revoked by then, since either the client or a thief holds a copy.
	ErrRefreshReused = errors.New("auth: refresh token reused")
	// ErrWeakSecret reports a configured signing secret shorter than MinSecretLen bytes.
	ErrWeakSecret = errors.New("auth: signing secret too short")
	// ErrNoKey reports a data directory without a signing key where one is needed but must
	// not be created: a token signed with a key no server holds would be useless.
	ErrNoKey = errors.New("auth: no signing key")
	// ErrThrottled reports a sign-in refused because of too many recent failures for its
	// username or its address.
	ErrThrottled = errors.New("auth: too many failed sign-ins")
	// ErrBadGrant reports a room token request with a missing or malformed room, identity or
	// lifetime.
	ErrBadGrant = errors.New("auth: bad room grant")
	// ErrBadOrigin reports an allowed origin that is not of the form scheme://host[:port].
	ErrBadOrigin = errors.New("auth: bad origin")
)

// Config configures a Service. Zero values take the defaults.
type Config struct {
	// DataDir holds the signing key file when Secret is empty.
	DataDir string
	// Secret is the HMAC signing key, at least MinSecretLen bytes. When empty the key is read
	// from DataDir/jwt.key, created on first start.
	Secret string
	// AccessTTL is the lifetime of an access token; DefaultAccessTTL when zero.
	AccessTTL time.Duration
	// RefreshTTL is the lifetime of a refresh token; DefaultRefreshTTL when zero.
	RefreshTTL time.Duration
	// Logger receives life cycle and security events; slog.Default when nil.
	Logger *slog.Logger
}

// Identity is who a verified token speaks for: a signed-in user, or a guest holding a room
// token.
type Identity struct {
	// UserID is the account id, or for a guest "guest:", the identity named in its room token,
	// ":" and a tag unique to that token.
	UserID string
	// Username is the login name; empty for a guest.
	Username    string
	DisplayName string
	// Room is the only room a room token may join; empty for a signed-in user, who may join
	// any.
	Room string
	// CanPublish allows sending media; always true for a signed-in user.
	CanPublish bool
	// CanSubscribe allows receiving the others' media; always true for a signed-in user.
	// The SFU enforces it.
	CanSubscribe bool
}

// Service issues and checks tokens for the accounts in a store.
type Service struct {
	st         *store.Store
	key        []byte
	accessTTL  time.Duration
	refreshTTL time.Duration
	log        *slog.Logger
	now        func() time.Time

	// hashSlots bounds how many argon2 hashes run at once: each takes 19 MiB and a core.
	hashSlots chan struct{}
	// throttle counts failed sign-ins; nil in tests that only issue tokens.
	throttle *loginThrottle
}

// New builds a Service on st. It loads or creates the signing key and removes refresh tokens
// that have expired.
func New(st *store.Store, cfg Config) (*Service, error) {
	if st == nil {
		return nil, errors.New("auth: nil store")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "auth")

	key, err := loadKey(cfg.DataDir, cfg.Secret, log)
	if err != nil {
		return nil, err
	}

	s := &Service{
		st:         st,
		key:        key,
		accessTTL:  orDefault(cfg.AccessTTL, DefaultAccessTTL),
		refreshTTL: orDefault(cfg.RefreshTTL, DefaultRefreshTTL),
		log:        log,
		now:        time.Now,
		hashSlots:  make(chan struct{}, max(2, runtime.GOMAXPROCS(0))),
	}
	s.throttle = newLoginThrottle(func() time.Time { return s.now() }, log)
	s.pruneRefreshTokens(context.Background())
	return s, nil
}

// Close stops the sign-in throttle's background sweep and waits for it. The service still
// answers requests afterwards, without evicting idle throttle entries.
func (s *Service) Close() {
	if s.throttle != nil {
		s.throttle.close()
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// pruneRefreshTokens deletes expired refresh tokens. A failure only leaves rows behind, so it
// is logged and not returned.
func (s *Service) pruneRefreshTokens(ctx context.Context) {
	n, err := s.st.DeleteExpiredRefreshTokens(ctx, s.now())
	if err != nil {
		s.log.Warn("prune refresh tokens", "err", err)
		return
	}
	if n > 0 {
		s.log.Info("pruned expired refresh tokens", "count", n)
	}
}

// errorf wraps err under a sentinel so that both match errors.Is.
func errorf(sentinel, err error) error {
	return fmt.Errorf("%w: %w", sentinel, err)
}
