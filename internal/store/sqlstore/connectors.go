package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

const connectorColumns = `id, factory_id, target, config, metadata, sync_profile, enabled, created_at, updated_at, version`

func (s *Store) CreateConnector(ctx context.Context, c *store.Connector) error {
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	c.UpdatedAt = c.UpdatedAt.UTC().Truncate(time.Microsecond)
	c.Version = 1
	_, err := s.exec(ctx, "create connector", `INSERT INTO connectors (`+connectorColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.FactoryID, c.Target, c.Config, jsonText(c.Metadata), c.SyncProfile, c.Enabled, ts(c.CreatedAt), ts(c.UpdatedAt), c.Version)
	return err
}

func scanConnector(r rowScanner) (*store.Connector, error) {
	var (
		c                store.Connector
		meta             string
		created, updated int64
	)
	if err := r.Scan(&c.ID, &c.FactoryID, &c.Target, &c.Config, &meta, &c.SyncProfile, &c.Enabled, &created, &updated, &c.Version); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromTS(created), fromTS(updated)
	var err error
	c.Metadata, err = decodeObject(meta)
	return &c, err
}

func (s *Store) GetConnector(ctx context.Context, id string) (*store.Connector, error) {
	c, err := scanConnector(s.queryRow(ctx, `SELECT `+connectorColumns+` FROM connectors WHERE id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get connector %q", id), err)
	}
	return c, nil
}

func (s *Store) ListConnectors(ctx context.Context) ([]*store.Connector, error) {
	rows, err := s.query(ctx, `SELECT `+connectorColumns+` FROM connectors ORDER BY created_at, id`)
	if err != nil {
		return nil, s.wrap("list connectors", err)
	}
	defer rows.Close()
	out := []*store.Connector{}
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, s.wrap("list connectors", err)
		}
		out = append(out, c)
	}
	return out, s.wrap("list connectors", rows.Err())
}

func (s *Store) UpdateConnector(ctx context.Context, c *store.Connector) error {
	c.UpdatedAt = c.UpdatedAt.UTC().Truncate(time.Microsecond)
	op := fmt.Sprintf("update connector %q", c.ID)
	n, err := s.exec(ctx, op, `UPDATE connectors SET target = ?, config = ?, metadata = ?, sync_profile = ?, enabled = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		c.Target, c.Config, jsonText(c.Metadata), c.SyncProfile, c.Enabled, ts(c.UpdatedAt), c.ID, c.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.missingOrStale(ctx, op, `SELECT 1 FROM connectors WHERE id = ?`, c.ID)
	}
	c.Version++
	return nil
}

func (s *Store) DeleteConnector(ctx context.Context, id string) error {
	return s.execOne(ctx, fmt.Sprintf("delete connector %q", id), `DELETE FROM connectors WHERE id = ?`, id)
}

const identityColumns = `user_id, target, upstream_id, details, created_at, updated_at`

func scanIdentity(r rowScanner) (*store.Identity, error) {
	var (
		i                store.Identity
		details          string
		created, updated int64
	)
	if err := r.Scan(&i.UserID, &i.Target, &i.UpstreamID, &details, &created, &updated); err != nil {
		return nil, err
	}
	i.CreatedAt, i.UpdatedAt = fromTS(created), fromTS(updated)
	var err error
	i.Details, err = decodeObject(details)
	return &i, err
}

func (s *Store) GetIdentity(ctx context.Context, target, upstreamID string) (*store.Identity, error) {
	i, err := scanIdentity(s.queryRow(ctx, `SELECT `+identityColumns+` FROM identities WHERE target = ? AND upstream_id = ?`, target, upstreamID))
	if err != nil {
		return nil, s.scanErr("get identity", err)
	}
	return i, nil
}

func (s *Store) ListUserIdentities(ctx context.Context, userID string) ([]*store.Identity, error) {
	rows, err := s.query(ctx, `SELECT `+identityColumns+` FROM identities WHERE user_id = ? ORDER BY target`, userID)
	if err != nil {
		return nil, s.wrap("list identities", err)
	}
	defer rows.Close()
	out := []*store.Identity{}
	for rows.Next() {
		i, err := scanIdentity(rows)
		if err != nil {
			return nil, s.wrap("list identities", err)
		}
		out = append(out, i)
	}
	return out, s.wrap("list identities", rows.Err())
}

// PutIdentity upserts on (user_id, target); the (target, upstream_id)
// unique key turns another user's upstream account into ErrConflict.
func (s *Store) PutIdentity(ctx context.Context, i *store.Identity) error {
	i.CreatedAt = i.CreatedAt.UTC().Truncate(time.Microsecond)
	i.UpdatedAt = i.UpdatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "put identity", `INSERT INTO identities (`+identityColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, target) DO UPDATE SET upstream_id = excluded.upstream_id, details = excluded.details,
		updated_at = excluded.updated_at`,
		i.UserID, i.Target, i.UpstreamID, jsonText(i.Details), ts(i.CreatedAt), ts(i.UpdatedAt))
	return err
}

func (s *Store) DeleteIdentity(ctx context.Context, userID, target string) error {
	return s.execOne(ctx, "delete identity", `DELETE FROM identities WHERE user_id = ? AND target = ?`, userID, target)
}

const connectorSessionColumns = `state_hash, interaction_id_hash, connector_id, redirect_uri, data, created_at, expires_at, consumed_at`

func (s *Store) CreateConnectorSession(ctx context.Context, cs *store.ConnectorSession) error {
	cs.CreatedAt = cs.CreatedAt.UTC().Truncate(time.Microsecond)
	cs.ExpiresAt = cs.ExpiresAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create connector session", `INSERT INTO connector_sessions (`+connectorSessionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, cs.StateHash, cs.InteractionIDHash, cs.ConnectorID, cs.RedirectURI, cs.Data,
		ts(cs.CreatedAt), ts(cs.ExpiresAt), tsPtr(cs.ConsumedAt))
	return err
}

func scanConnectorSession(r rowScanner) (*store.ConnectorSession, error) {
	var (
		cs               store.ConnectorSession
		created, expires int64
		consumed         nullInt
	)
	if err := r.Scan(&cs.StateHash, &cs.InteractionIDHash, &cs.ConnectorID, &cs.RedirectURI, &cs.Data, &created, &expires, &consumed); err != nil {
		return nil, err
	}
	cs.CreatedAt, cs.ExpiresAt, cs.ConsumedAt = fromTS(created), fromTS(expires), fromNullTS(consumed)
	return &cs, nil
}

func (s *Store) ConsumeConnectorSession(ctx context.Context, stateHash []byte, now time.Time) (*store.ConnectorSession, error) {
	const op = "consume connector session"
	cs, err := scanConnectorSession(s.queryRow(ctx, `UPDATE connector_sessions SET consumed_at = ?
		WHERE state_hash = ? AND consumed_at IS NULL RETURNING `+connectorSessionColumns, ts(now), stateHash))
	if err == nil {
		return cs, nil
	}
	if err = s.scanErr(op, err); !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	cs, err = scanConnectorSession(s.queryRow(ctx, `SELECT `+connectorSessionColumns+` FROM connector_sessions WHERE state_hash = ?`, stateHash))
	if err != nil {
		return nil, s.scanErr(op, err)
	}
	return cs, fmt.Errorf("%s: %w", op, store.ErrConsumed)
}
