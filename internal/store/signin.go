package store

import (
	"context"
	"time"
)

// Entities of signing in: interactions, consents, revocations, resources,
// throttles, verification codes and connectors.

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
