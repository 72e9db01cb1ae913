package keys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
)

// initMetaKey is the meta row that elects the process creating the first
// keys.
const initMetaKey = "signing-keys-init"

// initWait bounds how long Open waits, after losing the election, for the
// winner's keys to become visible. Backends that block the loser's insert
// until the winner commits (PostgreSQL's unique index, SQLite's
// BEGIN IMMEDIATE) make them visible at once; the wait covers the rest.
const (
	initAttempts = 20
	initPause    = 100 * time.Millisecond
)

// initialise creates the first current and next keys on a fresh database
// and returns the rows afterwards.
//
// Several processes (nodes on one PostgreSQL) may start at once, and
// exactly one current key must result. Each process proposes a random token
// with PutMetaIfAbsent inside a transaction that also creates the keys; the
// first writer wins, so only the process whose token is stored creates
// them, in the same transaction, and the others re-read. Keys are
// generated before the transaction so that no process holds a write lock
// while generating an RSA key.
func (m *Manager) initialise(ctx context.Context) ([]*store.SigningKey, error) {
	var fresh []*Key
	for range 2 {
		k, err := generateKey(m.alg)
		if err != nil {
			return nil, err
		}
		fresh = append(fresh, k)
	}
	token := []byte(id.Secret())
	created := false
	err := m.store.InTx(ctx, func(tx store.Store) error {
		stored, err := tx.PutMetaIfAbsent(ctx, initMetaKey, token)
		if err != nil {
			return err
		}
		if !bytes.Equal(stored, token) {
			return nil // another process won and creates the keys
		}
		rows, err := tx.ListSigningKeys(ctx)
		if err != nil || hasCurrent(rows) {
			return err
		}
		now := m.now()
		for i, status := range []store.KeyStatus{store.KeyCurrent, store.KeyNext} {
			if err := m.create(ctx, tx, fresh[i], status, now); err != nil {
				return err
			}
		}
		created = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("signing keys: create the first keys: %w", err)
	}
	if created {
		m.log.Info("signing keys created", "current", fresh[0].ID, "next", fresh[1].ID, "algorithm", m.alg)
	}
	for attempt := 1; ; attempt++ {
		rows, err := m.store.ListSigningKeys(ctx)
		if err != nil {
			return nil, fmt.Errorf("signing keys: %w", err)
		}
		if hasCurrent(rows) {
			return rows, nil
		}
		if attempt == initAttempts {
			return nil, fmt.Errorf("signing keys: meta %q says the first keys were created, but the store holds no current key; "+
				"restore the signing_keys rows, or delete that meta row to create new keys", initMetaKey)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(initPause):
		}
	}
}

// create seals k and stores it with status.
func (m *Manager) create(ctx context.Context, tx store.Store, k *Key, status store.KeyStatus, now time.Time) error {
	sealed, err := k.seal(m.box)
	if err != nil {
		return err
	}
	return tx.CreateSigningKey(ctx, &store.SigningKey{
		ID:               k.ID,
		Algorithm:        string(k.Algorithm),
		Status:           status,
		SealedPrivateKey: sealed,
		CreatedAt:        now,
	})
}

// ErrConcurrentRotation is returned (wrapped) by Rotate when another process
// changed the keys between this Manager's last load and its rotation.
var ErrConcurrentRotation = errors.New("signing keys: another rotation happened concurrently")

// Rotate promotes the next key to current, retires the current key (it
// stays published for RetireAfter, so tokens it signed still verify) and
// publishes a new next key made with the configured algorithm, all in one
// transaction. It then reloads and returns the new current kid.
//
// The update is optimistic: it applies to the keys as this Manager last
// loaded them. If another process rotated in between, the store reports a
// stale version, nothing changes, the Manager reloads, and Rotate returns
// an error wrapping ErrConcurrentRotation; calling it again rotates once
// more.
func (m *Manager) Rotate(ctx context.Context) (string, error) {
	s := m.snap.Load()
	var cur, next []*entry
	for _, e := range s.entries {
		switch e.status {
		case store.KeyCurrent:
			cur = append(cur, e)
		case store.KeyNext:
			next = append(next, e)
		}
	}
	if len(next) == 0 {
		return "", errors.New("signing keys: no next key to promote")
	}
	promote := next[0] // the oldest: relying parties have seen it longest
	fresh, err := generateKey(m.alg)
	if err != nil {
		return "", err
	}
	now := m.now()
	expires := now.Add(m.retireAfter)
	err = m.store.InTx(ctx, func(tx store.Store) error {
		// Retire first, so that at no point inside the transaction are
		// two keys current.
		for _, e := range cur {
			row := &store.SigningKey{ID: e.key.ID, Status: store.KeyRetired, ExpiresAt: &expires, Version: e.version}
			if err := tx.UpdateSigningKey(ctx, row); err != nil {
				return err
			}
		}
		row := &store.SigningKey{ID: promote.key.ID, Status: store.KeyCurrent, Version: promote.version}
		if err := tx.UpdateSigningKey(ctx, row); err != nil {
			return err
		}
		return m.create(ctx, tx, fresh, store.KeyNext, now)
	})
	if errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrNotFound) {
		rerr := m.Reload(ctx)
		return "", errors.Join(fmt.Errorf("%w; the keys were reloaded, rotate again if needed: %w", ErrConcurrentRotation, err), rerr)
	}
	if err != nil {
		return "", fmt.Errorf("signing keys: rotate: %w", err)
	}
	m.log.Info("signing keys rotated", "current", promote.key.ID, "next", fresh.ID, "retired", len(cur), "retired_until", expires)
	if err := m.Reload(ctx); err != nil {
		// The rotation is committed; Run's next Reload picks it up.
		return promote.key.ID, fmt.Errorf("signing keys: rotated, but %w", err)
	}
	return promote.key.ID, nil
}
