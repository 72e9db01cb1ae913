package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

const applicationColumns = `id, name, description, type, redirect_uris, post_logout_redirect_uris,
	cors_allowed_origins, is_third_party, custom_data, created_at, updated_at, version`

func (s *Store) CreateApplication(ctx context.Context, a *store.Application) error {
	a.CreatedAt = a.CreatedAt.UTC().Truncate(time.Microsecond)
	a.UpdatedAt = a.UpdatedAt.UTC().Truncate(time.Microsecond)
	a.Version = 1
	_, err := s.exec(ctx, "create application", `INSERT INTO applications (`+applicationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.Description, string(a.Type), jsonText(a.RedirectURIs), jsonText(a.PostLogoutRedirectURIs),
		jsonText(a.CORSAllowedOrigins), a.IsThirdParty, jsonText(a.CustomData),
		ts(a.CreatedAt), ts(a.UpdatedAt), a.Version)
	return err
}

type rowScanner interface{ Scan(dest ...any) error }

func scanApplication(r rowScanner) (*store.Application, error) {
	var (
		a                        store.Application
		typ, ru, plu, cors, data string
		created, updated         int64
	)
	if err := r.Scan(&a.ID, &a.Name, &a.Description, &typ, &ru, &plu, &cors, &a.IsThirdParty,
		&data, &created, &updated, &a.Version); err != nil {
		return nil, err
	}
	a.Type = store.ApplicationType(typ)
	a.CreatedAt, a.UpdatedAt = fromTS(created), fromTS(updated)
	var err error
	if a.RedirectURIs, err = decodeList(ru); err != nil {
		return nil, err
	}
	if a.PostLogoutRedirectURIs, err = decodeList(plu); err != nil {
		return nil, err
	}
	if a.CORSAllowedOrigins, err = decodeList(cors); err != nil {
		return nil, err
	}
	if a.CustomData, err = decodeObject(data); err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *Store) GetApplication(ctx context.Context, id string) (*store.Application, error) {
	a, err := scanApplication(s.queryRow(ctx, `SELECT `+applicationColumns+` FROM applications WHERE id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get application %q", id), err)
	}
	return a, nil
}

func (s *Store) ListApplications(ctx context.Context, page store.Page) ([]*store.Application, int64, error) {
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM applications`).Scan(&total); err != nil {
		return nil, 0, s.wrap("count applications", err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+applicationColumns+` FROM applications
		ORDER BY created_at, id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, s.wrap("list applications", err)
	}
	defer rows.Close()
	out := []*store.Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, 0, s.wrap("list applications", err)
		}
		out = append(out, a)
	}
	return out, total, s.wrap("list applications", rows.Err())
}

func (s *Store) UpdateApplication(ctx context.Context, a *store.Application) error {
	a.UpdatedAt = a.UpdatedAt.UTC().Truncate(time.Microsecond)
	op := fmt.Sprintf("update application %q", a.ID)
	n, err := s.exec(ctx, op, `UPDATE applications SET name = ?, description = ?, type = ?, redirect_uris = ?,
		post_logout_redirect_uris = ?, cors_allowed_origins = ?, is_third_party = ?,
		custom_data = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		a.Name, a.Description, string(a.Type), jsonText(a.RedirectURIs), jsonText(a.PostLogoutRedirectURIs),
		jsonText(a.CORSAllowedOrigins), a.IsThirdParty, jsonText(a.CustomData),
		ts(a.UpdatedAt), a.ID, a.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.missingOrStale(ctx, op, `SELECT 1 FROM applications WHERE id = ?`, a.ID)
	}
	a.Version++
	return nil
}

// missingOrStale tells, after a versioned update touched no row, whether the
// row is gone (ErrNotFound) or was changed by someone else (ErrStale).
func (s *Store) missingOrStale(ctx context.Context, op, existsQuery string, args ...any) error {
	var one int
	if err := s.queryRow(ctx, existsQuery, args...).Scan(&one); err != nil {
		return s.scanErr(op, err)
	}
	return fmt.Errorf("%s: %w", op, store.ErrStale)
}

func (s *Store) DeleteApplication(ctx context.Context, id string) error {
	return s.execOne(ctx, fmt.Sprintf("delete application %q", id), `DELETE FROM applications WHERE id = ?`, id)
}

func (s *Store) CreateApplicationSecret(ctx context.Context, sec *store.ApplicationSecret) error {
	sec.CreatedAt = sec.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create application secret", `INSERT INTO application_secrets
		(id, application_id, name, hash, hint, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		sec.ID, sec.ApplicationID, sec.Name, sec.Hash, sec.Hint, ts(sec.CreatedAt), tsPtr(sec.ExpiresAt))
	return err
}

func (s *Store) ListApplicationSecrets(ctx context.Context, applicationID string) ([]*store.ApplicationSecret, error) {
	op := fmt.Sprintf("list secrets of application %q", applicationID)
	rows, err := s.query(ctx, `SELECT id, application_id, name, hash, hint, created_at, expires_at
		FROM application_secrets WHERE application_id = ? ORDER BY created_at, id`, applicationID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.ApplicationSecret{}
	for rows.Next() {
		var (
			sec     store.ApplicationSecret
			created int64
			expires nullInt
		)
		if err := rows.Scan(&sec.ID, &sec.ApplicationID, &sec.Name, &sec.Hash, &sec.Hint, &created, &expires); err != nil {
			return nil, s.wrap(op, err)
		}
		sec.CreatedAt, sec.ExpiresAt = fromTS(created), fromNullTS(expires)
		out = append(out, &sec)
	}
	return out, s.wrap(op, rows.Err())
}

func (s *Store) DeleteApplicationSecret(ctx context.Context, applicationID, secretID string) error {
	return s.execOne(ctx, fmt.Sprintf("delete secret %q of application %q", secretID, applicationID),
		`DELETE FROM application_secrets WHERE application_id = ? AND id = ?`, applicationID, secretID)
}

func (s *Store) GetApplicationWithSecrets(ctx context.Context, id string) (*store.Application, []*store.ApplicationSecret, error) {
	op := fmt.Sprintf("get application %q with secrets", id)
	rows, err := s.query(ctx, `SELECT a.id, a.name, a.description, a.type, a.redirect_uris, a.post_logout_redirect_uris,
		a.cors_allowed_origins, a.is_third_party, a.custom_data, a.created_at, a.updated_at,
		a.version, s.id, s.name, s.hash, s.hint, s.created_at, s.expires_at
		FROM applications a LEFT JOIN application_secrets s ON s.application_id = a.id
		WHERE a.id = ? ORDER BY s.created_at, s.id`, id)
	if err != nil {
		return nil, nil, s.wrap(op, err)
	}
	defer rows.Close()
	var (
		app     *store.Application
		secrets = []*store.ApplicationSecret{}
	)
	for rows.Next() {
		var (
			secID, secName, secHint sql.NullString
			secHash                 []byte
			secCreated, secExpires  nullInt
		)
		a, err := scanApplication(multiScanner{rows, []any{&secID, &secName, &secHash, &secHint, &secCreated, &secExpires}})
		if err != nil {
			return nil, nil, s.wrap(op, err)
		}
		if app == nil {
			app = a
		}
		if secID.Valid {
			secrets = append(secrets, &store.ApplicationSecret{ID: secID.String, ApplicationID: app.ID, Name: secName.String,
				Hash: secHash, Hint: secHint.String, CreatedAt: fromTS(secCreated.Int64), ExpiresAt: fromNullTS(secExpires)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, s.wrap(op, err)
	}
	if app == nil {
		return nil, nil, fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return app, secrets, nil
}

// multiScanner appends extra destinations after a scan function's own.
type multiScanner struct {
	r     rowScanner
	extra []any
}

func (m multiScanner) Scan(dest ...any) error { return m.r.Scan(append(dest, m.extra...)...) }
