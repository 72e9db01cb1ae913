// Package keys manages the keys that sign Monban's tokens: it generates
// them, keeps them in the store with the private part sealed under the
// master secret, rotates them, and publishes their public halves as a JSON
// Web Key Set (RFC 7517 §5) at /oidc/jwks.
//
// A key lives through three states (store.KeyStatus):
//
//	next     published in the JWKS, not yet signing
//	current  signs new tokens (exactly one)
//	retired  no longer signs, published until the tokens it signed expire
//
// Publishing the next key before it signs means relying parties that cache
// the JWKS already hold it when rotation happens, and keeping retired keys
// published means tokens issued before a rotation still verify
// (spec/security.md item 10, OpenID Connect Core §10.1.1).
//
// Keys persist across restarts under the same kid, the RFC 7638 thumbprint
// of the public key. Several processes may share one database: the first
// keys are created by exactly one of them, and each process picks up the
// others' rotations through Reload (or Run).
package keys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/store"
)

// Store is the part of store.Store the key manager uses; a store.Store (such
// as *sqlstore.Store) satisfies it.
type Store interface {
	store.SigningKeys
	store.Meta
	InTx(ctx context.Context, fn func(tx store.Store) error) error
}

// DefaultRetireAfter keeps a retired key published for a day, longer than
// any token lifetime Monban issues by default.
const DefaultRetireAfter = 24 * time.Hour

// Options configures a Manager.
type Options struct {
	Store Store
	// Box seals private keys; it must be keyed with the deployment's master
	// secret.
	Box *secretbox.Box
	// Algorithm is used for newly generated keys; "" means ES384. Changing
	// it does not touch existing keys: the next key generated (at the next
	// rotation) uses it.
	Algorithm string
	// RetireAfter is how long a retired key stays in the JWKS: the longest
	// lifetime of a token it may have signed (ID token / access token TTL).
	// 0 means DefaultRetireAfter.
	RetireAfter time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives rotations, reloads and warnings; nil discards them.
	Logger *slog.Logger
}

// Manager holds the signing keys in memory. It is safe for concurrent use:
// readers (Sign, Verify, JWKS) load an immutable snapshot through an atomic
// pointer and never wait for Reload or Rotate.
type Manager struct {
	store       Store
	box         *secretbox.Box
	alg         jose.SignatureAlgorithm
	retireAfter time.Duration
	now         func() time.Time
	log         *slog.Logger

	snap atomic.Pointer[snapshot]
	// reloadMu serialises Reload, so that a slow Reload that read the store
	// before a rotation cannot install its stale snapshot after a faster one.
	reloadMu sync.Mutex
}

// KeyInfo describes a published key, for `monban keys list`.
type KeyInfo struct {
	ID        string          `json:"kid"`
	Algorithm string          `json:"alg"`
	Status    store.KeyStatus `json:"status"`
	CreatedAt time.Time       `json:"createdAt"`
	ExpiresAt *time.Time      `json:"expiresAt,omitempty"`
}

// Open loads the keys from the store, creating the first current and next
// keys on a fresh database (see initialise for how concurrent starts agree).
// When keys exist it only loads them; a key that does not decrypt means the
// master secret differs from the one the database was created with, and
// Open fails naming that key.
func Open(ctx context.Context, o Options) (*Manager, error) {
	if o.Store == nil || o.Box == nil {
		return nil, errors.New("signing keys: Options.Store and Options.Box are required")
	}
	if o.Algorithm == "" {
		o.Algorithm = DefaultAlgorithm
	}
	alg, err := parseAlgorithm(o.Algorithm)
	if err != nil {
		return nil, err
	}
	if o.RetireAfter < 0 {
		return nil, fmt.Errorf("signing keys: negative RetireAfter %v", o.RetireAfter)
	}
	if o.RetireAfter == 0 {
		o.RetireAfter = DefaultRetireAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Manager{store: o.Store, box: o.Box, alg: alg, retireAfter: o.RetireAfter, now: o.Now, log: o.Logger}

	rows, err := m.store.ListSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	if !hasCurrent(rows) {
		if rows, err = m.initialise(ctx); err != nil {
			return nil, err
		}
	}
	s, err := m.build(rows, nil)
	if err != nil {
		return nil, err
	}
	m.snap.Store(s)

	for _, e := range s.entries {
		if (e.status == store.KeyCurrent || e.status == store.KeyNext) && e.key.Algorithm != alg {
			m.log.Info("signing key algorithm differs from the configured one; "+
				"existing keys are kept and the key generated at the next rotation uses the configured algorithm",
				"kid", e.key.ID, "status", e.status, "key_algorithm", e.key.Algorithm, "configured_algorithm", alg)
		}
	}
	m.log.Debug("signing keys loaded", "current", s.current.ID, "published", len(s.entries))
	return m, nil
}

// Current returns the key that signs new tokens.
func (m *Manager) Current() *Key { return m.snap.Load().current }

// Published lists the keys in the JWKS, in JWKS order (current first, then
// next, then retired from newest to oldest).
func (m *Manager) Published() []KeyInfo {
	s := m.snap.Load()
	out := make([]KeyInfo, 0, len(s.entries))
	for _, e := range s.entries {
		info := KeyInfo{ID: e.key.ID, Algorithm: string(e.key.Algorithm), Status: e.status, CreatedAt: e.createdAt}
		if e.expiresAt != nil {
			t := *e.expiresAt
			info.ExpiresAt = &t
		}
		out = append(out, info)
	}
	return out
}

func hasCurrent(rows []*store.SigningKey) bool {
	for _, r := range rows {
		if r.Status == store.KeyCurrent {
			return true
		}
	}
	return false
}
