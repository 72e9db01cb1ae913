package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

func (s *Store) CreateInteraction(ctx context.Context, in *store.Interaction) error {
	in.CreatedAt = in.CreatedAt.UTC().Truncate(time.Microsecond)
	in.ExpiresAt = in.ExpiresAt.UTC().Truncate(time.Microsecond)
	in.Version = 1
	_, err := s.exec(ctx, "create interaction", `INSERT INTO interactions
		(id_hash, application_id, request, user_id, login_at, consented, created_at, expires_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.IDHash, in.ApplicationID, string(in.Request), nullString(in.UserID), tsPtr(in.LoginAt), in.Consented,
		ts(in.CreatedAt), ts(in.ExpiresAt), in.Version)
	return err
}

func (s *Store) GetInteraction(ctx context.Context, idHash []byte) (*store.Interaction, error) {
	var (
		in               store.Interaction
		request          string
		userID           sql.NullString
		loginAt          nullInt
		created, expires int64
	)
	err := s.queryRow(ctx, `SELECT id_hash, application_id, request, user_id, login_at, consented, created_at,
		expires_at, version FROM interactions WHERE id_hash = ?`, idHash).Scan(&in.IDHash, &in.ApplicationID,
		&request, &userID, &loginAt, &in.Consented, &created, &expires, &in.Version)
	if err != nil {
		return nil, s.scanErr("get interaction", err)
	}
	in.Request, in.UserID, in.LoginAt = []byte(request), userID.String, fromNullTS(loginAt)
	in.CreatedAt, in.ExpiresAt = fromTS(created), fromTS(expires)
	return &in, nil
}

func (s *Store) UpdateInteraction(ctx context.Context, in *store.Interaction) error {
	const op = "update interaction"
	n, err := s.exec(ctx, op, `UPDATE interactions SET user_id = ?, login_at = ?, consented = ?, version = version + 1
		WHERE id_hash = ? AND version = ?`, nullString(in.UserID), tsPtr(in.LoginAt), in.Consented, in.IDHash, in.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.missingOrStale(ctx, op, `SELECT 1 FROM interactions WHERE id_hash = ?`, in.IDHash)
	}
	in.Version++
	return nil
}

func (s *Store) DeleteInteraction(ctx context.Context, idHash []byte) error {
	return s.execOne(ctx, "delete interaction", `DELETE FROM interactions WHERE id_hash = ?`, idHash)
}

func (s *Store) GetConsent(ctx context.Context, userID, applicationID string) (*store.Consent, error) {
	var (
		c                store.Consent
		scopes           string
		created, updated int64
	)
	err := s.queryRow(ctx, `SELECT user_id, application_id, scopes, created_at, updated_at FROM consents
		WHERE user_id = ? AND application_id = ?`, userID, applicationID).Scan(&c.UserID, &c.ApplicationID, &scopes, &created, &updated)
	if err != nil {
		return nil, s.scanErr("get consent", err)
	}
	c.CreatedAt, c.UpdatedAt = fromTS(created), fromTS(updated)
	if c.Scopes, err = decodeList(scopes); err != nil {
		return nil, s.wrap("get consent", err)
	}
	return &c, nil
}

func (s *Store) PutConsent(ctx context.Context, c *store.Consent) error {
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	c.UpdatedAt = c.UpdatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "put consent", `INSERT INTO consents (user_id, application_id, scopes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, application_id)
		DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at`,
		c.UserID, c.ApplicationID, jsonText(c.Scopes), ts(c.CreatedAt), ts(c.UpdatedAt))
	return err
}

func (s *Store) RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error {
	_, err := s.exec(ctx, "revoke token", `INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?)
		ON CONFLICT (jti) DO NOTHING`, jti, ts(expiresAt))
	return err
}

func (s *Store) IsTokenRevoked(ctx context.Context, jti string) (bool, error) {
	var one int
	err := s.queryRow(ctx, `SELECT 1 FROM revoked_tokens WHERE jti = ?`, jti).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, s.wrap("is token revoked", err)
	}
	return true, nil
}

const resourceColumns = `id, name, indicator, access_token_ttl, is_default, created_at`

func scanResource(r rowScanner) (*store.Resource, error) {
	var (
		res          store.Resource
		ttl, created int64
	)
	if err := r.Scan(&res.ID, &res.Name, &res.Indicator, &ttl, &res.IsDefault, &created); err != nil {
		return nil, err
	}
	res.AccessTokenTTL, res.CreatedAt = time.Duration(ttl)*time.Second, fromTS(created)
	return &res, nil
}

func (s *Store) CreateResource(ctx context.Context, r *store.Resource) error {
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create resource", `INSERT INTO resources (`+resourceColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Indicator, int64(r.AccessTokenTTL/time.Second), r.IsDefault, ts(r.CreatedAt))
	return err
}

func (s *Store) GetResource(ctx context.Context, id string) (*store.Resource, error) {
	r, err := scanResource(s.queryRow(ctx, `SELECT `+resourceColumns+` FROM resources WHERE id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get resource %q", id), err)
	}
	return r, nil
}

func (s *Store) GetResourceByIndicator(ctx context.Context, indicator string) (*store.Resource, error) {
	r, err := scanResource(s.queryRow(ctx, `SELECT `+resourceColumns+` FROM resources WHERE indicator = ?`, indicator))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get resource %q", indicator), err)
	}
	return r, nil
}

func (s *Store) ListResources(ctx context.Context) ([]*store.Resource, error) {
	rows, err := s.query(ctx, `SELECT `+resourceColumns+` FROM resources ORDER BY created_at, id`)
	if err != nil {
		return nil, s.wrap("list resources", err)
	}
	defer rows.Close()
	out := []*store.Resource{}
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, s.wrap("list resources", err)
		}
		out = append(out, r)
	}
	return out, s.wrap("list resources", rows.Err())
}

func (s *Store) GetDefaultResource(ctx context.Context) (*store.Resource, error) {
	r, err := scanResource(s.queryRow(ctx, `SELECT `+resourceColumns+` FROM resources WHERE is_default = ? ORDER BY created_at LIMIT 1`, true))
	if err != nil {
		return nil, s.scanErr("get default resource", err)
	}
	return r, nil
}
