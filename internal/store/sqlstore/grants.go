package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

const grantColumns = `id, application_id, user_id, session_id_hash, scopes, resources, auth_time, created_at,
	expires_at, revoked_at`

func (s *Store) CreateGrant(ctx context.Context, g *store.Grant) error {
	g.AuthTime = g.AuthTime.UTC().Truncate(time.Microsecond)
	g.CreatedAt = g.CreatedAt.UTC().Truncate(time.Microsecond)
	g.ExpiresAt = g.ExpiresAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create grant", `INSERT INTO grants (`+grantColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.ApplicationID, nullString(g.UserID), g.SessionIDHash, jsonText(g.Scopes), jsonText(g.Resources),
		ts(g.AuthTime), ts(g.CreatedAt), ts(g.ExpiresAt), tsPtr(g.RevokedAt))
	return err
}

func scanGrant(r rowScanner) (*store.Grant, error) {
	var (
		g                          store.Grant
		userID                     sql.NullString
		scopes, resources          string
		authTime, created, expires int64
		revoked                    nullInt
	)
	if err := r.Scan(&g.ID, &g.ApplicationID, &userID, &g.SessionIDHash, &scopes, &resources, &authTime, &created,
		&expires, &revoked); err != nil {
		return nil, err
	}
	g.UserID = userID.String
	g.AuthTime, g.CreatedAt, g.ExpiresAt = fromTS(authTime), fromTS(created), fromTS(expires)
	g.RevokedAt = fromNullTS(revoked)
	var err error
	if g.Scopes, err = decodeList(scopes); err != nil {
		return nil, err
	}
	if g.Resources, err = decodeList(resources); err != nil {
		return nil, err
	}
	return &g, nil
}

func (s *Store) GetGrant(ctx context.Context, id string) (*store.Grant, error) {
	g, err := scanGrant(s.queryRow(ctx, `SELECT `+grantColumns+` FROM grants WHERE id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get grant %q", id), err)
	}
	return g, nil
}

// RevokeGrant keeps the first revocation time when called again.
func (s *Store) RevokeGrant(ctx context.Context, id string, now time.Time) error {
	return s.execOne(ctx, fmt.Sprintf("revoke grant %q", id),
		`UPDATE grants SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, ts(now), id)
}

func (s *Store) ExtendGrant(ctx context.Context, id string, expiresAt time.Time) error {
	return s.execOne(ctx, fmt.Sprintf("extend grant %q", id), `UPDATE grants SET expires_at = ? WHERE id = ?`, ts(expiresAt), id)
}

func (s *Store) ListUserGrants(ctx context.Context, userID string) ([]*store.Grant, error) {
	rows, err := s.query(ctx, `SELECT `+grantColumns+` FROM grants WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, s.wrap("list user grants", err)
	}
	defer rows.Close()
	out := []*store.Grant{}
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, s.wrap("list user grants", err)
		}
		out = append(out, g)
	}
	return out, s.wrap("list user grants", rows.Err())
}

const refreshColumns = `token_hash, grant_id, created_at, expires_at, consumed_at`

func (s *Store) CreateRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Microsecond)
	t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create refresh token", `INSERT INTO refresh_tokens (`+refreshColumns+`) VALUES (?, ?, ?, ?, ?)`,
		t.TokenHash, t.GrantID, ts(t.CreatedAt), ts(t.ExpiresAt), tsPtr(t.ConsumedAt))
	return err
}

func scanRefresh(r rowScanner) (*store.RefreshToken, error) {
	var (
		t                store.RefreshToken
		created, expires int64
		consumed         nullInt
	)
	if err := r.Scan(&t.TokenHash, &t.GrantID, &created, &expires, &consumed); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt, t.ConsumedAt = fromTS(created), fromTS(expires), fromNullTS(consumed)
	return &t, nil
}

func (s *Store) GetRefreshToken(ctx context.Context, tokenHash []byte) (*store.RefreshToken, error) {
	t, err := scanRefresh(s.queryRow(ctx, `SELECT `+refreshColumns+` FROM refresh_tokens WHERE token_hash = ?`, tokenHash))
	if err != nil {
		return nil, s.scanErr("get refresh token", err)
	}
	return t, nil
}

// ConsumeRefreshToken works as ConsumeAuthorizationCode: one conditional
// UPDATE decides the winner among concurrent refreshes.
func (s *Store) ConsumeRefreshToken(ctx context.Context, tokenHash []byte, now time.Time) (*store.RefreshToken, error) {
	const op = "consume refresh token"
	t, err := scanRefresh(s.queryRow(ctx, `UPDATE refresh_tokens SET consumed_at = ?
		WHERE token_hash = ? AND consumed_at IS NULL RETURNING `+refreshColumns, ts(now), tokenHash))
	if err == nil {
		return t, nil
	}
	if err = s.scanErr(op, err); !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	t, err = s.GetRefreshToken(ctx, tokenHash)
	if err != nil {
		return nil, err
	}
	return t, fmt.Errorf("%s: %w", op, store.ErrConsumed)
}
