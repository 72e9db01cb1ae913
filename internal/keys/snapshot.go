package keys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/store"
)

// entry is a published key with the state the store gives it.
type entry struct {
	key       *Key
	status    store.KeyStatus
	createdAt time.Time
	expiresAt *time.Time
	version   int64
}

// snapshot is the immutable in-memory key set. Everything a request needs
// (the signing key, the verification lookup, the JWKS body and its ETag) is
// computed once when the set changes, never per request.
type snapshot struct {
	// fingerprint identifies the published set (ids, statuses, versions):
	// Reload rebuilds only when it changes.
	fingerprint string
	current     *Key
	entries     []*entry // JWKS order
	byID        map[string]*entry
	// algs is the union of the published keys' algorithms, the allow-list
	// handed to the JWS parser before the per-key check.
	algs []jose.SignatureAlgorithm
	jwks []byte
	etag string
}

// published reports whether a row belongs in the JWKS at now: next and
// current keys always, retired ones until ExpiresAt (a retired row without
// ExpiresAt was not retired by Rotate and is not trusted).
func published(r *store.SigningKey, now time.Time) bool {
	switch r.Status {
	case store.KeyNext, store.KeyCurrent:
		return true
	case store.KeyRetired:
		return r.ExpiresAt != nil && !now.After(*r.ExpiresAt)
	}
	return false
}

// fingerprint lists the published rows as id:status:version.
func fingerprint(rows []*store.SigningKey, now time.Time) string {
	var b strings.Builder
	for _, r := range rows {
		if published(r, now) {
			b.WriteString(r.ID + ":" + string(r.Status) + ":" + strconv.FormatInt(r.Version, 10) + ";")
		}
	}
	return b.String()
}

// statusRank orders the JWKS: current, next, retired.
var statusRank = map[store.KeyStatus]int{store.KeyCurrent: 0, store.KeyNext: 1, store.KeyRetired: 2}

// build makes a snapshot from the store's rows (in creation order). Keys
// already in prev are reused rather than decrypted again, which keeps their
// cached signers.
func (m *Manager) build(rows []*store.SigningKey, prev *snapshot) (*snapshot, error) {
	now := m.now()
	s := &snapshot{fingerprint: fingerprint(rows, now), byID: map[string]*entry{}}
	for _, r := range rows {
		if !published(r, now) {
			continue
		}
		if _, dup := s.byID[r.ID]; dup {
			return nil, fmt.Errorf("signing keys: key %s listed twice", r.ID)
		}
		var k *Key
		if prev != nil && prev.byID[r.ID] != nil {
			k = prev.byID[r.ID].key
		} else {
			var err error
			if k, err = openKey(m.box, r.ID, r.Algorithm, r.SealedPrivateKey); err != nil {
				return nil, err
			}
		}
		e := &entry{key: k, status: r.Status, createdAt: r.CreatedAt, expiresAt: r.ExpiresAt, version: r.Version}
		s.entries = append(s.entries, e)
		s.byID[r.ID] = e
		if r.Status == store.KeyCurrent {
			// Should two rows ever be current, every node picks the same
			// one: the newest.
			s.current = k
		}
		if !slices.Contains(s.algs, k.Algorithm) {
			s.algs = append(s.algs, k.Algorithm)
		}
	}
	if s.current == nil {
		return nil, errors.New("signing keys: the store holds no current key")
	}
	// Stable: within a status, rows keep creation order; retired keys are
	// then reversed so the most recently retired comes first.
	slices.SortStableFunc(s.entries, func(a, b *entry) int {
		if a.status == store.KeyRetired && b.status == store.KeyRetired {
			return b.createdAt.Compare(a.createdAt)
		}
		return statusRank[a.status] - statusRank[b.status]
	})

	jwks := struct {
		Keys []jose.JSONWebKey `json:"keys"`
	}{Keys: make([]jose.JSONWebKey, 0, len(s.entries))}
	for _, e := range s.entries {
		jwks.Keys = append(jwks.Keys, e.key.Public)
	}
	body, err := json.Marshal(jwks)
	if err != nil {
		return nil, fmt.Errorf("signing keys: encode JWKS: %w", err)
	}
	sum := sha256.Sum256(body)
	s.jwks, s.etag = body, `"`+hex.EncodeToString(sum[:])+`"`
	return s, nil
}

// Reload re-reads the keys from the store, where another process may have
// rotated them, and installs a new snapshot only when the published set
// changed (including a retired key passing its expiry).
func (m *Manager) Reload(ctx context.Context) error {
	m.reloadMu.Lock()
	defer m.reloadMu.Unlock()
	rows, err := m.store.ListSigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("signing keys: reload: %w", err)
	}
	prev := m.snap.Load()
	if fingerprint(rows, m.now()) == prev.fingerprint {
		return nil
	}
	s, err := m.build(rows, prev)
	if err != nil {
		return fmt.Errorf("signing keys: reload: %w", err)
	}
	m.snap.Store(s)
	m.log.Info("signing keys reloaded", "current", s.current.ID, "published", len(s.entries))
	return nil
}

// DefaultReloadInterval is Run's interval when given none.
const DefaultReloadInterval = time.Minute

// Run calls Reload every interval until ctx is done, so a server notices a
// rotation made by another process (`monban keys rotate`, another node)
// and drops retired keys once they expire. Errors are logged at warn: the
// previous snapshot stays in use.
func (m *Manager) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultReloadInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Reload(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("signing keys: reload failed; keeping the keys in memory", "err", err)
			}
		}
	}
}
