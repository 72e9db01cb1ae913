package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Verification codes sent by email or SMS (spec/security.md items 18, 20).

const verificationColumns = `id, identifier, purpose, code_hash, attempts, created_at, expires_at, consumed_at`

func scanVerificationCode(r rowScanner) (*store.VerificationCode, error) {
	var (
		c                store.VerificationCode
		created, expires int64
		consumed         nullInt
	)
	if err := r.Scan(&c.ID, &c.Identifier, &c.Purpose, &c.CodeHash, &c.Attempts, &created, &expires, &consumed); err != nil {
		return nil, err
	}
	c.CreatedAt, c.ExpiresAt, c.ConsumedAt = fromTS(created), fromTS(expires), fromNullTS(consumed)
	return &c, nil
}

// CreateVerificationCode is one upsert on the partial unique index of live
// codes: the database decides, between concurrent sends, which one stores
// its code; a live code created after cutoff stays, and the statement
// touches no row.
func (s *Store) CreateVerificationCode(ctx context.Context, c *store.VerificationCode, cutoff time.Time) error {
	const op = "create verification code"
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	c.ExpiresAt = c.ExpiresAt.UTC().Truncate(time.Microsecond)
	c.ConsumedAt = nil
	n, err := s.exec(ctx, op, `INSERT INTO verification_codes (`+verificationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
		ON CONFLICT (identifier, purpose) WHERE consumed_at IS NULL DO UPDATE SET
			id = excluded.id, code_hash = excluded.code_hash, attempts = excluded.attempts,
			created_at = excluded.created_at, expires_at = excluded.expires_at
		WHERE verification_codes.created_at <= ?`,
		c.ID, c.Identifier, c.Purpose, c.CodeHash, c.Attempts, ts(c.CreatedAt), ts(c.ExpiresAt), ts(cutoff))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: a recent code is live: %w", op, store.ErrConflict)
	}
	return nil
}

// GetLatestVerificationCode orders the live code first: it is never older
// than a consumed one of the same identifier and purpose.
func (s *Store) GetLatestVerificationCode(ctx context.Context, identifier, purpose string) (*store.VerificationCode, error) {
	c, err := scanVerificationCode(s.queryRow(ctx, `SELECT `+verificationColumns+` FROM verification_codes
		WHERE identifier = ? AND purpose = ?
		ORDER BY CASE WHEN consumed_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id
		LIMIT 1`, identifier, purpose))
	if err != nil {
		return nil, s.scanErr("get latest verification code", err)
	}
	return c, nil
}

func (s *Store) RecordVerificationAttempt(ctx context.Context, id string) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `UPDATE verification_codes SET attempts = attempts + 1 WHERE id = ? RETURNING attempts`, id).Scan(&n)
	if err != nil {
		return 0, s.scanErr("record verification attempt", err)
	}
	return n, nil
}

// ConsumeVerificationCode is one conditional UPDATE ... RETURNING, like
// ConsumeAuthorizationCode: single use is the database's decision
// (spec/security.md item 20).
func (s *Store) ConsumeVerificationCode(ctx context.Context, id string, now time.Time) (*store.VerificationCode, error) {
	const op = "consume verification code"
	c, err := scanVerificationCode(s.queryRow(ctx, `UPDATE verification_codes SET consumed_at = ?
		WHERE id = ? AND consumed_at IS NULL RETURNING `+verificationColumns, ts(now), id))
	if err == nil {
		return c, nil
	}
	if err = s.scanErr(op, err); !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// Either unknown or consumed before: tell which.
	c, err = scanVerificationCode(s.queryRow(ctx, `SELECT `+verificationColumns+` FROM verification_codes WHERE id = ?`, id))
	if err != nil {
		return nil, s.scanErr(op, err)
	}
	return c, fmt.Errorf("%s: %w", op, store.ErrConsumed)
}

func (s *Store) DeleteVerificationCode(ctx context.Context, id string) error {
	return s.execOne(ctx, "delete verification code", `DELETE FROM verification_codes WHERE id = ?`, id)
}
