// Package store defines what Monban keeps, as small interfaces per entity,
// and the sentinel errors every backend returns.
//
// The domain core (internal/application, internal/account, internal/keys,
// internal/oidc ...) depends on these interfaces only. A backend implements
// all of them and proves it with storetest.Run, the conformance suite.
//
// Conventions every backend follows:
//   - Times are stored in UTC with microsecond precision: a value read back
//     equals the value written, truncated to the microsecond, in time.UTC.
//   - Lookups by username or email are case-insensitive; the stored value
//     keeps the case it was written with.
//   - A missing row is ErrNotFound, a unique key taken is ErrConflict, an
//     update against a stale Version is ErrStale. Callers test them with
//     errors.Is.
//   - Secret values (authorization codes, refresh tokens, session ids) are
//     never stored: callers pass a hash as the key.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Backends wrap them with context; compare with errors.Is.
var (
	// ErrNotFound: no row with that key.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a unique key (id, username, email, ...) is already taken.
	ErrConflict = errors.New("store: conflict")
	// ErrStale: an update carried a Version that is no longer current, because
	// another writer won a concurrent read-modify-write.
	ErrStale = errors.New("store: stale version")
	// ErrConsumed: a single-use value (authorization code, refresh token) was
	// already consumed. The call returns the row along with this error so the
	// caller can revoke what was issued from it.
	ErrConsumed = errors.New("store: already consumed")
)

// Store is the whole of what a backend provides.
type Store interface {
	Applications
	Users
	Sessions
	AuthorizationCodes
	Grants
	SigningKeys
	Meta
	Interactions
	Consents
	RevokedTokens
	Resources
	RBAC
	Throttles
	VerificationCodes
	Connectors
	Identities
	ConnectorSessions
	AuditLogs

	// InTx runs fn with a Store whose every call is part of one transaction:
	// committed when fn returns nil, rolled back otherwise. Nested calls on
	// the transaction's Store join the outer transaction.
	InTx(ctx context.Context, fn func(tx Store) error) error

	// DeleteExpired removes sessions, interactions, authorization codes,
	// grants (with their refresh tokens), revoked-token records, verification
	// codes and retired signing keys whose expiry is before now, and
	// throttles unlocked and untouched for ThrottleRetention, and reports how
	// many rows went.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)

	// Ping reports whether the database answers (readiness).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// ApplicationType is Logto's application type.
type ApplicationType string

const (
	AppTraditional      ApplicationType = "Traditional"
	AppSPA              ApplicationType = "SPA"
	AppNative           ApplicationType = "Native"
	AppMachineToMachine ApplicationType = "MachineToMachine"
)

// Confidential reports whether applications of this type hold a secret.
func (t ApplicationType) Confidential() bool {
	return t == AppTraditional || t == AppMachineToMachine
}

// Valid reports whether t is one of the four known types.
func (t ApplicationType) Valid() bool {
	switch t {
	case AppTraditional, AppSPA, AppNative, AppMachineToMachine:
		return true
	}
	return false
}

// Application is an OAuth 2.0 client, as Logto models it.
type Application struct {
	ID                     string
	Name                   string
	Description            string
	Type                   ApplicationType
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	CORSAllowedOrigins     []string
	IsThirdParty           bool
	// Access to the Management API is a role (store.RBAC), not a field.
	CustomData map[string]any
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Version increases with every update; UpdateApplication fails with
	// ErrStale when it does not match the stored one.
	Version int64
}

// ApplicationSecret is one of an application's secrets. Several may be live
// at once, for rotation. Only a hash of the secret is kept.
type ApplicationSecret struct {
	ID            string
	ApplicationID string
	Name          string
	// Hash is SHA-256 of the secret: secrets carry >= 256 bits of entropy, so a
	// fast digest is the right hash (spec/security.md item 11).
	Hash []byte
	// Hint is the secret's last characters, to tell secrets apart in a list.
	Hint      string
	CreatedAt time.Time
	ExpiresAt *time.Time
}

// Applications stores applications and their secrets.
type Applications interface {
	CreateApplication(ctx context.Context, app *Application) error
	GetApplication(ctx context.Context, id string) (*Application, error)
	// ListApplications returns a page in creation order and the total count.
	ListApplications(ctx context.Context, page Page) ([]*Application, int64, error)
	// UpdateApplication writes app if app.Version is current, and increments
	// app.Version.
	UpdateApplication(ctx context.Context, app *Application) error
	// DeleteApplication removes the application and everything issued to it.
	DeleteApplication(ctx context.Context, id string) error

	CreateApplicationSecret(ctx context.Context, s *ApplicationSecret) error
	ListApplicationSecrets(ctx context.Context, applicationID string) ([]*ApplicationSecret, error)
	// GetApplicationWithSecrets reads an application and its secrets in one
	// round trip: client authentication is on the token endpoint's hot path.
	GetApplicationWithSecrets(ctx context.Context, id string) (*Application, []*ApplicationSecret, error)
	DeleteApplicationSecret(ctx context.Context, applicationID, secretID string) error
}

// User is a person who signs in.
type User struct {
	ID           string
	Username     string // "" when unset
	PrimaryEmail string // "" when unset
	PrimaryPhone string // "" when unset
	Name         string
	Avatar       string
	// PasswordHash is a PHC string (argon2id), "" when the user has none.
	PasswordHash string
	CustomData   map[string]any
	Profile      map[string]any
	IsSuspended  bool
	// IsAdmin gives access to the admin console.
	IsAdmin      bool
	LastSignInAt *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int64
}

// Users stores users. Usernames and emails are unique case-insensitively.
type Users interface {
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id string) (*User, error)
	GetUserByUsername(ctx context.Context, username string) (*User, error)
	GetUserByEmail(ctx context.Context, email string) (*User, error)
	GetUserByPhone(ctx context.Context, phone string) (*User, error)
	ListUsers(ctx context.Context, page Page) ([]*User, int64, error)
	// SearchUsers returns a page, in creation order, of the users whose
	// username, primary email, primary phone or name contains query
	// (case-insensitive substring), and the total count of matches.
	SearchUsers(ctx context.Context, query string, page Page) ([]*User, int64, error)
	// FindUsers returns a page, in creation order, of the users matching q
	// (see UserQuery), and the total count of matches.
	FindUsers(ctx context.Context, q UserQuery, page Page) ([]*User, int64, error)
	// UpdateUser writes u if u.Version is current, and increments u.Version.
	UpdateUser(ctx context.Context, u *User) error
	DeleteUser(ctx context.Context, id string) error
	// CountAdmins counts users with IsAdmin (first-run set-up needs it).
	CountAdmins(ctx context.Context) (int64, error)
}

// KeyStatus is where a signing key is in its life.
type KeyStatus string

const (
	// KeyNext is published in the JWKS but not yet used to sign.
	KeyNext KeyStatus = "next"
	// KeyCurrent signs new tokens. There is at most one.
	KeyCurrent KeyStatus = "current"
	// KeyRetired no longer signs but stays published until ExpiresAt.
	KeyRetired KeyStatus = "retired"
)

// SigningKey is a token-signing key. The private part is sealed (AES-GCM
// under the master secret) before it reaches the store.
type SigningKey struct {
	ID               string // the JWK "kid"
	Algorithm        string // ES384, RS256, ...
	Status           KeyStatus
	SealedPrivateKey []byte
	CreatedAt        time.Time
	// ExpiresAt is set when the key retires: the moment the last token it
	// signed expires. The key can be deleted after it.
	ExpiresAt *time.Time
	Version   int64
}

// SigningKeys stores signing keys.
type SigningKeys interface {
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// ListSigningKeys returns every key in creation order.
	ListSigningKeys(ctx context.Context) ([]*SigningKey, error)
	// UpdateSigningKey writes Status and ExpiresAt if k.Version is current.
	UpdateSigningKey(ctx context.Context, k *SigningKey) error
}

// Meta stores deployment-wide facts as small key/value pairs.
type Meta interface {
	GetMeta(ctx context.Context, key string) ([]byte, error)
	// PutMetaIfAbsent stores value under key unless the key exists, and
	// returns what is stored afterwards: value, or the earlier value (the
	// first writer wins between concurrent callers).
	PutMetaIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error)
	// PutMeta stores value under key, replacing any earlier value.
	PutMeta(ctx context.Context, key string, value []byte) error
}

// Page selects a slice of a list. Number counts from 1; Size 0 means all.
type Page struct {
	Number int
	Size   int
}
