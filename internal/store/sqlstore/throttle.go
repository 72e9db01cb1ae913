package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Failure counters for brute-force protection (spec/security.md item 18).

const throttleColumns = `key, failures, locked_until, updated_at`

func scanThrottle(r rowScanner) (*store.Throttle, error) {
	var (
		t       store.Throttle
		locked  nullInt
		updated int64
	)
	if err := r.Scan(&t.Key, &t.Failures, &locked, &updated); err != nil {
		return nil, err
	}
	t.LockedUntil, t.UpdatedAt = fromNullTS(locked), fromTS(updated)
	return &t, nil
}

func (s *Store) GetThrottle(ctx context.Context, key string) (*store.Throttle, error) {
	t, err := scanThrottle(s.queryRow(ctx, `SELECT `+throttleColumns+` FROM throttles WHERE key = ?`, key))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get throttle %q", key), err)
	}
	return t, nil
}

// GetThrottles is one primary-key query whatever the number of keys; the
// table is nearly always empty for them, so it usually returns nothing.
func (s *Store) GetThrottles(ctx context.Context, keys ...string) ([]*store.Throttle, error) {
	const op = "get throttles"
	if len(keys) == 0 {
		return nil, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.query(ctx, `SELECT `+throttleColumns+` FROM throttles WHERE key IN (?`+
		strings.Repeat(", ?", len(keys)-1)+`)`, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []*store.Throttle
	for rows.Next() {
		t, err := scanThrottle(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, t)
	}
	return out, s.wrap(op, rows.Err())
}

// throttleForget is true, in the upsert below, when the stored counter is
// old enough to start over: its last failure before forgetBefore and no
// lock in force. (SET expressions all see the row as it was before.)
const throttleForget = `throttles.updated_at < ? AND (throttles.locked_until IS NULL OR throttles.locked_until <= ?)`

// RecordFailure is an upsert that returns the new count, then the lock that
// count earns, in one transaction: on PostgreSQL the upsert's row lock,
// on SQLite the write lock taken at BEGIN, make concurrent failures of one
// key queue, so each sees its own count and none is lost.
func (s *Store) RecordFailure(ctx context.Context, key string, now, forgetBefore time.Time,
	lockFor func(failures int64) time.Duration) (*store.Throttle, error) {
	op := fmt.Sprintf("record failure %q", key)
	now = now.UTC().Truncate(time.Microsecond)
	t := &store.Throttle{Key: key, UpdatedAt: now}
	err := s.InTx(ctx, func(tx store.Store) error {
		txs := tx.(*Store)
		var locked nullInt
		err := txs.queryRow(ctx, `INSERT INTO throttles (key, failures, locked_until, updated_at) VALUES (?, 1, NULL, ?)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN `+throttleForget+` THEN 1 ELSE throttles.failures + 1 END,
				locked_until = CASE WHEN `+throttleForget+` THEN NULL ELSE throttles.locked_until END,
				updated_at = excluded.updated_at
			RETURNING failures, locked_until`,
			key, ts(now), ts(forgetBefore), ts(now), ts(forgetBefore), ts(now)).Scan(&t.Failures, &locked)
		if err != nil {
			return s.wrap(op, err)
		}
		t.LockedUntil = fromNullTS(locked)
		d := lockFor(t.Failures)
		if d <= 0 {
			return nil
		}
		until := now.Add(d)
		if t.LockedUntil != nil && !until.After(*t.LockedUntil) {
			return nil // a longer lock is already in place
		}
		t.LockedUntil = &until
		_, err = txs.exec(ctx, op, `UPDATE throttles SET locked_until = ? WHERE key = ?`, ts(until), key)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Store) ClearThrottle(ctx context.Context, key string) error {
	_, err := s.exec(ctx, fmt.Sprintf("clear throttle %q", key), `DELETE FROM throttles WHERE key = ?`, key)
	return err
}
