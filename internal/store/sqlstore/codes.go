package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

const codeColumns = `code_hash, application_id, user_id, session_id_hash, redirect_uri, scopes, resources, nonce,
	code_challenge, code_challenge_method, auth_time, created_at, expires_at, consumed_at, grant_id`

func (s *Store) CreateAuthorizationCode(ctx context.Context, c *store.AuthorizationCode) error {
	c.AuthTime = c.AuthTime.UTC().Truncate(time.Microsecond)
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	c.ExpiresAt = c.ExpiresAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create authorization code", `INSERT INTO authorization_codes (`+codeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.CodeHash, c.ApplicationID, c.UserID, c.SessionIDHash, c.RedirectURI, jsonText(c.Scopes), jsonText(c.Resources),
		c.Nonce, c.CodeChallenge, c.CodeChallengeMethod, ts(c.AuthTime), ts(c.CreatedAt), ts(c.ExpiresAt),
		tsPtr(c.ConsumedAt), c.GrantID)
	return err
}

func scanCode(r rowScanner) (*store.AuthorizationCode, error) {
	var (
		c                          store.AuthorizationCode
		scopes, resources          string
		authTime, created, expires int64
		consumed                   nullInt
	)
	if err := r.Scan(&c.CodeHash, &c.ApplicationID, &c.UserID, &c.SessionIDHash, &c.RedirectURI, &scopes, &resources,
		&c.Nonce, &c.CodeChallenge, &c.CodeChallengeMethod, &authTime, &created, &expires, &consumed, &c.GrantID); err != nil {
		return nil, err
	}
	c.AuthTime, c.CreatedAt, c.ExpiresAt = fromTS(authTime), fromTS(created), fromTS(expires)
	c.ConsumedAt = fromNullTS(consumed)
	var err error
	if c.Scopes, err = decodeList(scopes); err != nil {
		return nil, err
	}
	if c.Resources, err = decodeList(resources); err != nil {
		return nil, err
	}
	return &c, nil
}

// ConsumeAuthorizationCode is one conditional UPDATE ... RETURNING: the
// database, not the application, decides which concurrent caller wins
// (spec/security.md item 4).
func (s *Store) ConsumeAuthorizationCode(ctx context.Context, codeHash []byte, now time.Time) (*store.AuthorizationCode, error) {
	const op = "consume authorization code"
	c, err := scanCode(s.queryRow(ctx, `UPDATE authorization_codes SET consumed_at = ?
		WHERE code_hash = ? AND consumed_at IS NULL RETURNING `+codeColumns, ts(now), codeHash))
	if err == nil {
		return c, nil
	}
	if err = s.scanErr(op, err); !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// Either unknown or consumed before: tell which.
	c, err = scanCode(s.queryRow(ctx, `SELECT `+codeColumns+` FROM authorization_codes WHERE code_hash = ?`, codeHash))
	if err != nil {
		return nil, s.scanErr(op, err)
	}
	return c, fmt.Errorf("%s: %w", op, store.ErrConsumed)
}

func (s *Store) SetAuthorizationCodeGrant(ctx context.Context, codeHash []byte, grantID string) error {
	return s.execOne(ctx, "set authorization code grant",
		`UPDATE authorization_codes SET grant_id = ? WHERE code_hash = ?`, grantID, codeHash)
}
