package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Room tokens let a guest or a bot into one room without an account. They are signed with the
// same key as access tokens but carry RoomAudience instead of Issuer as their audience, so
// the API refuses them and only the signaling endpoint takes them.
const (
	// RoomAudience is the aud of every room token.
	RoomAudience = "confab:room"
	// GuestPrefix starts the UserID of a room token's holder. Account ids start with "u_",
	// so a guest never speaks for an account.
	GuestPrefix = "guest:"
	// guestTagLen is how many characters of the jti end a guest's UserID, so two tokens
	// issued for the same identity hold two guests, each with its own direct messages and
	// rate limits.
	guestTagLen = 8
	// DefaultRoomTokenTTL is the lifetime of a room token when none is asked for.
	DefaultRoomTokenTTL = time.Hour
	// MaxRoomTokenTTL caps the lifetime of a room token: nothing short of a new signing key
	// revokes one.
	MaxRoomTokenTTL = 7 * 24 * time.Hour
)

// RoomGrant is what a room token allows its holder.
type RoomGrant struct {
	// Room is the one room the token joins.
	Room string
	// Identity names the holder; it becomes the display name, and the user id between
	// GuestPrefix and a tag from the token's jti.
	Identity string
	// CanPublish allows sending media.
	CanPublish bool
	// CanSubscribe allows receiving the others' media.
	CanSubscribe bool
	// TTL is the token's lifetime, DefaultRoomTokenTTL when zero and at most
	// MaxRoomTokenTTL.
	TTL time.Duration
}

// roomClaims are the claims of a room token. The grants are written even when false, so a
// token never depends on a default.
type roomClaims struct {
	Name         string `json:"name"`
	Room         string `json:"room"`
	CanPublish   bool   `json:"canPublish"`
	CanSubscribe bool   `json:"canSubscribe"`
	jwt.RegisteredClaims
}

// IssueRoomToken signs a room token with the key that a server with cfg's DataDir and Secret
// uses. Unlike New it never creates a key: with no key file it returns an error matching
// ErrNoKey, since no server would accept the token.
func IssueRoomToken(cfg Config, g RoomGrant) (string, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	key, err := existingKey(cfg.DataDir, cfg.Secret, log)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: %w", ErrNoKey, err)
	}
	if err != nil {
		return "", err
	}
	return signRoom(key, time.Now(), g)
}

// IssueRoomToken signs a room token with the service's key.
func (s *Service) IssueRoomToken(g RoomGrant) (string, error) {
	return signRoom(s.key, s.now(), g)
}

// signRoom checks g and signs its token, issued at now.
func signRoom(key []byte, now time.Time, g RoomGrant) (string, error) {
	ttl := g.TTL
	if ttl == 0 {
		ttl = DefaultRoomTokenTTL
	}
	if ttl < 0 || ttl > MaxRoomTokenTTL {
		return "", fmt.Errorf("%w: lifetime %v, want up to %v", ErrBadGrant, g.TTL,
			MaxRoomTokenTTL)
	}
	if g.Room == "" {
		return "", fmt.Errorf("%w: no room", ErrBadGrant)
	}
	if strings.TrimSpace(g.Identity) == "" {
		return "", fmt.Errorf("%w: no identity", ErrBadGrant)
	}
	name, err := normalizeDisplayName(g.Identity, "")
	if err != nil {
		return "", fmt.Errorf("%w: identity: %w", ErrBadGrant, err)
	}

	jti := newJTI()
	claims := roomClaims{
		Name:         name,
		Room:         g.Room,
		CanPublish:   g.CanPublish,
		CanSubscribe: g.CanSubscribe,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   guestID(name, jti),
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{RoomAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			ID:        jti,
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("auth: sign room token: %w", err)
	}
	return tok, nil
}

// guestID is the UserID of the guest named name in the room token with the given jti:
// GuestPrefix, the name, a colon and the jti's first guestTagLen characters. It is empty when
// the jti is too short to tag.
func guestID(name, jti string) string {
	if len(jti) < guestTagLen {
		return ""
	}
	return GuestPrefix + name + ":" + jti[:guestTagLen]
}

// VerifyRoom checks a room token as VerifyAccess checks an access token, and returns its
// guest with the room and grants it names. Access tokens fail here with ErrTokenInvalid.
func (s *Service) VerifyRoom(token string) (Identity, error) {
	var claims roomClaims
	if err := s.parse(token, &claims, RoomAudience); err != nil {
		return Identity{}, err
	}
	switch {
	case claims.Room == "" || claims.Name == "":
		return Identity{}, fmt.Errorf("%w: room token without room or name", ErrTokenInvalid)
	case claims.Subject == "" || claims.Subject != guestID(claims.Name, claims.ID):
		return Identity{}, fmt.Errorf("%w: room token subject is not its guest", ErrTokenInvalid)
	}
	return Identity{
		UserID:       claims.Subject,
		DisplayName:  claims.Name,
		Room:         claims.Room,
		CanPublish:   claims.CanPublish,
		CanSubscribe: claims.CanSubscribe,
	}, nil
}

// isRoomToken reports whether token, unverified, names RoomAudience as its audience. It only
// picks the verifier; the verifier decides.
func isRoomToken(token string) bool {
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
		return false
	}
	for _, aud := range claims.Audience {
		if aud == RoomAudience {
			return true
		}
	}
	return false
}
