package sqlstore

import (
	"context"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

func (s *Store) CreateSession(ctx context.Context, se *store.Session) error {
	se.AuthTime = se.AuthTime.UTC().Truncate(time.Microsecond)
	se.CreatedAt = se.CreatedAt.UTC().Truncate(time.Microsecond)
	se.ExpiresAt = se.ExpiresAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create session", `INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, data)
		VALUES (?, ?, ?, ?, ?, ?)`,
		se.IDHash, se.UserID, ts(se.AuthTime), ts(se.CreatedAt), ts(se.ExpiresAt), jsonText(se.Data))
	return err
}

func (s *Store) GetSession(ctx context.Context, idHash []byte) (*store.Session, error) {
	var (
		se                         store.Session
		authTime, created, expires int64
		data                       string
	)
	err := s.queryRow(ctx, `SELECT id_hash, user_id, auth_time, created_at, expires_at, data
		FROM sessions WHERE id_hash = ?`, idHash).Scan(&se.IDHash, &se.UserID, &authTime, &created, &expires, &data)
	if err != nil {
		return nil, s.scanErr("get session", err)
	}
	se.AuthTime, se.CreatedAt, se.ExpiresAt = fromTS(authTime), fromTS(created), fromTS(expires)
	if se.Data, err = decodeObject(data); err != nil {
		return nil, s.wrap("get session", err)
	}
	return &se, nil
}

func (s *Store) TouchSession(ctx context.Context, idHash []byte, expiresAt time.Time) error {
	return s.execOne(ctx, "touch session", `UPDATE sessions SET expires_at = ? WHERE id_hash = ?`, ts(expiresAt), idHash)
}

func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	return s.execOne(ctx, "delete session", `DELETE FROM sessions WHERE id_hash = ?`, idHash)
}

func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, "delete user sessions", `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}
