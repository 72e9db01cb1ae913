package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

func (s *Store) CreateSigningKey(ctx context.Context, k *store.SigningKey) error {
	k.CreatedAt = k.CreatedAt.UTC().Truncate(time.Microsecond)
	k.Version = 1
	_, err := s.exec(ctx, "create signing key", `INSERT INTO signing_keys
		(id, algorithm, status, sealed_private_key, created_at, expires_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Algorithm, string(k.Status), k.SealedPrivateKey, ts(k.CreatedAt), tsPtr(k.ExpiresAt), k.Version)
	return err
}

func (s *Store) ListSigningKeys(ctx context.Context) ([]*store.SigningKey, error) {
	rows, err := s.query(ctx, `SELECT id, algorithm, status, sealed_private_key, created_at, expires_at, version
		FROM signing_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, s.wrap("list signing keys", err)
	}
	defer rows.Close()
	out := []*store.SigningKey{}
	for rows.Next() {
		var (
			k       store.SigningKey
			status  string
			created int64
			expires nullInt
		)
		if err := rows.Scan(&k.ID, &k.Algorithm, &status, &k.SealedPrivateKey, &created, &expires, &k.Version); err != nil {
			return nil, s.wrap("list signing keys", err)
		}
		k.Status, k.CreatedAt, k.ExpiresAt = store.KeyStatus(status), fromTS(created), fromNullTS(expires)
		out = append(out, &k)
	}
	return out, s.wrap("list signing keys", rows.Err())
}

func (s *Store) UpdateSigningKey(ctx context.Context, k *store.SigningKey) error {
	op := fmt.Sprintf("update signing key %q", k.ID)
	n, err := s.exec(ctx, op, `UPDATE signing_keys SET status = ?, expires_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, string(k.Status), tsPtr(k.ExpiresAt), k.ID, k.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.missingOrStale(ctx, op, `SELECT 1 FROM signing_keys WHERE id = ?`, k.ID)
	}
	k.Version++
	return nil
}

func (s *Store) GetMeta(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	if err := s.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v); err != nil {
		return nil, s.scanErr(fmt.Sprintf("get meta %q", key), err)
	}
	return v, nil
}

func (s *Store) PutMetaIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error) {
	if _, err := s.exec(ctx, fmt.Sprintf("put meta %q", key),
		`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return nil, err
	}
	return s.GetMeta(ctx, key)
}

func (s *Store) PutMeta(ctx context.Context, key string, value []byte) error {
	_, err := s.exec(ctx, fmt.Sprintf("put meta %q", key),
		`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
