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
	Throttles
	VerificationCodes
	Connectors
	Identities
	ConnectorSessions

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
	// ManagementAPIAccess lets a machine-to-machine application obtain
	// tokens for the Management API. (The RBAC issue turns this into a role.)
	ManagementAPIAccess bool
	CustomData          map[string]any
	CreatedAt           time.Time
	UpdatedAt           time.Time
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
	// UpdateUser writes u if u.Version is current, and increments u.Version.
	UpdateUser(ctx context.Context, u *User) error
	DeleteUser(ctx context.Context, id string) error
	// CountAdmins counts users with IsAdmin (first-run set-up needs it).
	CountAdmins(ctx context.Context) (int64, error)
}

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

// Interaction is a sign-in in progress: an authorization request waiting
// for the user at the hosted pages. The browser holds its random id in a
// cookie; the store keeps the hash.
type Interaction struct {
	IDHash        []byte
	ApplicationID string
	// Request is the authorization request, JSON-encoded by package interaction.
	Request []byte
	// UserID and LoginAt are set when the user signs in during the interaction.
	UserID    string
	LoginAt   *time.Time
	Consented bool
	CreatedAt time.Time
	ExpiresAt time.Time
	Version   int64
}

// Interactions stores sign-ins in progress.
type Interactions interface {
	CreateInteraction(ctx context.Context, in *Interaction) error
	GetInteraction(ctx context.Context, idHash []byte) (*Interaction, error)
	// UpdateInteraction writes UserID, LoginAt and Consented if in.Version is
	// current, and increments in.Version.
	UpdateInteraction(ctx context.Context, in *Interaction) error
	DeleteInteraction(ctx context.Context, idHash []byte) error
}

// Consent is what a user agreed to share with an application.
type Consent struct {
	UserID        string
	ApplicationID string
	Scopes        []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Consents stores consents, one per user and application.
type Consents interface {
	GetConsent(ctx context.Context, userID, applicationID string) (*Consent, error)
	// PutConsent creates or replaces the consent.
	PutConsent(ctx context.Context, c *Consent) error
}

// RevokedTokens records self-contained tokens (JWT or sealed access tokens)
// revoked before they expire.
type RevokedTokens interface {
	// RevokeToken records jti as revoked until expiresAt (idempotent).
	RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error
	IsTokenRevoked(ctx context.Context, jti string) (bool, error)
}

// Resource is an API resource, named by its indicator (RFC 8707).
type Resource struct {
	ID        string
	Name      string
	Indicator string
	// AccessTokenTTL is the lifetime of access tokens for this resource.
	AccessTokenTTL time.Duration
	// IsDefault: the resource used when a token request names none.
	IsDefault bool
	CreatedAt time.Time
}

// Resources stores API resources.
type Resources interface {
	CreateResource(ctx context.Context, r *Resource) error
	GetResource(ctx context.Context, id string) (*Resource, error)
	GetResourceByIndicator(ctx context.Context, indicator string) (*Resource, error)
	ListResources(ctx context.Context) ([]*Resource, error)
	// GetDefaultResource returns the resource marked IsDefault, ErrNotFound if none.
	GetDefaultResource(ctx context.Context) (*Resource, error)
}

// ThrottleRetention is how long a throttle row outlives its last failure
// when it holds no lock: DeleteExpired removes it after that.
const ThrottleRetention = 24 * time.Hour

// Throttle counts the recent failures of one key: a credential kind and an
// account, client or IP address, e.g. "pwd:acct:..." (package throttle
// builds the keys). Brute-force protection, spec/security.md item 18.
type Throttle struct {
	Key      string
	Failures int64
	// LockedUntil is when the current back-off ends; nil when none was set.
	LockedUntil *time.Time
	// UpdatedAt is the time of the last failure.
	UpdatedAt time.Time
}

// Throttles stores failure counters for brute-force protection
// (spec/security.md item 18). A lock always has an end: there is no
// permanent lockout.
type Throttles interface {
	// GetThrottle returns the key's counter, ErrNotFound if it has none.
	GetThrottle(ctx context.Context, key string) (*Throttle, error)
	// GetThrottles returns the counters of those keys that have one, in no
	// particular order, in one query: every password check and every
	// authenticated token request reads them.
	GetThrottles(ctx context.Context, keys ...string) ([]*Throttle, error)
	// RecordFailure counts one more failure of key at now, atomically: of n
	// concurrent calls each sees a different count and none is lost. The
	// count restarts at 1 when the previous failure is before forgetBefore
	// and no lock is in force. LockedUntil becomes now + lockFor(count)
	// when that is later than the lock already set (lockFor 0: no lock).
	RecordFailure(ctx context.Context, key string, now, forgetBefore time.Time,
		lockFor func(failures int64) time.Duration) (*Throttle, error)
	// ClearThrottle forgets key's failures (after a success). Clearing a key
	// without a counter is not an error.
	ClearThrottle(ctx context.Context, key string) error
}

// VerificationCode is a one-time code sent by email or SMS to prove control
// of an address: single use, with an expiry (spec/security.md item 20).
// Only a digest of the code is kept; package verification makes it.
type VerificationCode struct {
	ID string
	// Identifier is the normalised email address or phone number the code
	// was sent to.
	Identifier string
	// Purpose is what the code is for (Logto's template types: SignIn,
	// Register, ForgotPassword).
	Purpose string
	// CodeHash is the code's digest, bound to ID.
	CodeHash []byte
	// Attempts counts the codes tried against this one.
	Attempts  int64
	CreatedAt time.Time
	ExpiresAt time.Time
	// ConsumedAt is set by ConsumeVerificationCode.
	ConsumedAt *time.Time
}

// VerificationCodes stores verification codes (spec/security.md item 20).
// Of one identifier and purpose at most one code is live (not consumed) at
// a time: a new code replaces the live one. Consumed codes stay, dead, until
// DeleteExpired removes them after their expiry.
type VerificationCodes interface {
	// CreateVerificationCode stores c as the live code of its identifier and
	// purpose, atomically replacing the live one if that was created at or
	// before cutoff. When the live code is newer, nothing is written and the
	// error is ErrConflict: of concurrent calls for one identifier and
	// purpose with a cutoff before the calls, at most one succeeds. (Resend
	// throttling, spec/security.md item 18.)
	CreateVerificationCode(ctx context.Context, c *VerificationCode, cutoff time.Time) error
	// GetLatestVerificationCode returns the code last sent for identifier
	// and purpose: the live one if there is one, else the most recent
	// consumed one; ErrNotFound when there is neither.
	GetLatestVerificationCode(ctx context.Context, identifier, purpose string) (*VerificationCode, error)
	// RecordVerificationAttempt counts one more attempt against the code,
	// atomically (of n concurrent calls each sees a different count), and
	// returns the new count. An unknown (or replaced) code is ErrNotFound.
	RecordVerificationAttempt(ctx context.Context, id string) (int64, error)
	// ConsumeVerificationCode marks the code used, atomically: of any number
	// of concurrent calls exactly one succeeds. The others get the code with
	// ErrConsumed. An unknown (or replaced) code is ErrNotFound. Expiry is the
	// caller's to check.
	ConsumeVerificationCode(ctx context.Context, id string, now time.Time) (*VerificationCode, error)
	// DeleteVerificationCode removes the code (one that could not be
	// delivered); an unknown code is ErrNotFound.
	DeleteVerificationCode(ctx context.Context, id string) error
}

// Connector is a configured connector: an instance of a factory with its
// own id (the {connectorId} of {endpoint}/callback/{connectorId}).
type Connector struct {
	ID        string
	FactoryID string
	// Target is the provider key (patreon, google, ...): a user has at most
	// one identity per target.
	Target string
	// Config is the JSON configuration, confidential fields sealed.
	Config      []byte
	Metadata    map[string]any
	SyncProfile bool
	Enabled     bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// Connectors stores configured connectors.
type Connectors interface {
	CreateConnector(ctx context.Context, c *Connector) error
	GetConnector(ctx context.Context, id string) (*Connector, error)
	ListConnectors(ctx context.Context) ([]*Connector, error)
	// UpdateConnector writes c if c.Version is current, and increments it.
	UpdateConnector(ctx context.Context, c *Connector) error
	DeleteConnector(ctx context.Context, id string) error
}

// Identity links a user to an account at an upstream provider.
type Identity struct {
	UserID     string
	Target     string
	UpstreamID string
	// Details is the provider's profile as received (Logto's "details").
	Details   map[string]any
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Identities stores external identities: one per (user, target), and an
// upstream account (target, upstream id) belongs to one user at most.
type Identities interface {
	// GetIdentity finds the identity of an upstream account.
	GetIdentity(ctx context.Context, target, upstreamID string) (*Identity, error)
	ListUserIdentities(ctx context.Context, userID string) ([]*Identity, error)
	// PutIdentity creates or replaces the user's identity for i.Target;
	// ErrConflict when the upstream account is another user's.
	PutIdentity(ctx context.Context, i *Identity) error
	DeleteIdentity(ctx context.Context, userID, target string) error
}

// ConnectorSession is an upstream authorization in progress, keyed by the
// hash of the state sent to the provider.
type ConnectorSession struct {
	StateHash         []byte
	InteractionIDHash []byte
	ConnectorID       string
	RedirectURI       string
	// Data holds what the callback needs (nonce, PKCE verifier), sealed.
	Data       []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ConsumedAt *time.Time
}

// ConnectorSessions stores upstream authorizations in progress.
type ConnectorSessions interface {
	CreateConnectorSession(ctx context.Context, s *ConnectorSession) error
	// ConsumeConnectorSession marks it used: exactly one caller wins, the
	// others get it with ErrConsumed; unknown is ErrNotFound.
	ConsumeConnectorSession(ctx context.Context, stateHash []byte, now time.Time) (*ConnectorSession, error)
}

// Page selects a slice of a list. Number counts from 1; Size 0 means all.
type Page struct {
	Number int
	Size   int
}
