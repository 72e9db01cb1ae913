package store

import (
	"context"
	"time"
)

// Entities of the protocol: browser sessions, authorization codes, grants
// and refresh tokens.

// Session is a browser session: one sign-in, shared by every application
// (SSO). The cookie carries the random id; the store keeps its hash.
type Session struct {
	IDHash    []byte
	UserID    string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
	// Data holds what later features attach (MFA state, interaction data).
	Data map[string]any
}

// Sessions stores browser sessions.
type Sessions interface {
	CreateSession(ctx context.Context, s *Session) error
	GetSession(ctx context.Context, idHash []byte) (*Session, error)
	// TouchSession moves the session's expiry (sliding expiry).
	TouchSession(ctx context.Context, idHash []byte, expiresAt time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error
	DeleteUserSessions(ctx context.Context, userID string) error
}

// AuthorizationCode is an issued authorization code, keyed by its hash.
type AuthorizationCode struct {
	CodeHash            []byte
	ApplicationID       string
	UserID              string
	SessionIDHash       []byte
	RedirectURI         string
	Scopes              []string
	Resources           []string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	AuthTime            time.Time
	CreatedAt           time.Time
	ExpiresAt           time.Time
	// ConsumedAt is set by ConsumeAuthorizationCode.
	ConsumedAt *time.Time
	// GrantID is the grant the code was exchanged into, once it is.
	GrantID string
}

// AuthorizationCodes stores authorization codes.
type AuthorizationCodes interface {
	CreateAuthorizationCode(ctx context.Context, c *AuthorizationCode) error
	// ConsumeAuthorizationCode marks the code used, atomically: of any number
	// of concurrent calls exactly one succeeds. The others get the code with
	// ErrConsumed. An unknown code is ErrNotFound. Expiry is the caller's to
	// check.
	ConsumeAuthorizationCode(ctx context.Context, codeHash []byte, now time.Time) (*AuthorizationCode, error)
	// SetAuthorizationCodeGrant records the grant a consumed code produced.
	SetAuthorizationCodeGrant(ctx context.Context, codeHash []byte, grantID string) error
}

// Grant is what a user (or a client, for client_credentials) was given: the
// scopes and resources, and the family of refresh tokens issued under it.
// Revoking the grant revokes every token of the family.
type Grant struct {
	ID            string
	ApplicationID string
	UserID        string // "" for client_credentials
	SessionIDHash []byte
	Scopes        []string
	Resources     []string
	AuthTime      time.Time
	CreatedAt     time.Time
	ExpiresAt     time.Time
	RevokedAt     *time.Time
}

// RefreshToken is one member of a grant's refresh-token family.
type RefreshToken struct {
	TokenHash  []byte
	GrantID    string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ConsumedAt *time.Time
}

// Grants stores grants and their refresh tokens.
type Grants interface {
	CreateGrant(ctx context.Context, g *Grant) error
	GetGrant(ctx context.Context, id string) (*Grant, error)
	// RevokeGrant marks the grant revoked (idempotent).
	RevokeGrant(ctx context.Context, id string, now time.Time) error
	ListUserGrants(ctx context.Context, userID string) ([]*Grant, error)
	// ExtendGrant moves the grant's expiry (sliding refresh-token lifetime).
	ExtendGrant(ctx context.Context, id string, expiresAt time.Time) error

	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	GetRefreshToken(ctx context.Context, tokenHash []byte) (*RefreshToken, error)
	// ConsumeRefreshToken marks the token used, atomically: of concurrent calls
	// exactly one succeeds; the others get the token with ErrConsumed (its
	// ConsumedAt tells the caller whether it is within a grace window).
	ConsumeRefreshToken(ctx context.Context, tokenHash []byte, now time.Time) (*RefreshToken, error)
}
