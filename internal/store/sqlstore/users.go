package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

const userColumns = `id, username, primary_email, primary_phone, name, avatar, password_hash, custom_data,
	profile, is_suspended, is_admin, last_sign_in_at, created_at, updated_at, version`

func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	u.CreatedAt = u.CreatedAt.UTC().Truncate(time.Microsecond)
	u.UpdatedAt = u.UpdatedAt.UTC().Truncate(time.Microsecond)
	u.Version = 1
	_, err := s.exec(ctx, "create user", `INSERT INTO users (id, username, username_key, primary_email, email_key,
		primary_phone, name, avatar, password_hash, custom_data, profile, is_suspended, is_admin, last_sign_in_at,
		created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, nullString(u.Username), foldKey(u.Username), nullString(u.PrimaryEmail), foldKey(u.PrimaryEmail),
		nullString(u.PrimaryPhone), u.Name, u.Avatar, u.PasswordHash, jsonText(u.CustomData), jsonText(u.Profile),
		u.IsSuspended, u.IsAdmin, tsPtr(u.LastSignInAt), ts(u.CreatedAt), ts(u.UpdatedAt), u.Version)
	return err
}

func scanUser(r rowScanner) (*store.User, error) {
	var (
		u                      store.User
		username, email, phone sql.NullString
		data, profile          string
		lastSignIn             nullInt
		created, updated       int64
	)
	if err := r.Scan(&u.ID, &username, &email, &phone, &u.Name, &u.Avatar, &u.PasswordHash, &data, &profile,
		&u.IsSuspended, &u.IsAdmin, &lastSignIn, &created, &updated, &u.Version); err != nil {
		return nil, err
	}
	u.Username, u.PrimaryEmail, u.PrimaryPhone = username.String, email.String, phone.String
	u.LastSignInAt = fromNullTS(lastSignIn)
	u.CreatedAt, u.UpdatedAt = fromTS(created), fromTS(updated)
	var err error
	if u.CustomData, err = decodeObject(data); err != nil {
		return nil, err
	}
	if u.Profile, err = decodeObject(profile); err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Store) getUserBy(ctx context.Context, op, column, value string) (*store.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+column+` = ?`, value))
	if err != nil {
		return nil, s.scanErr(op, err)
	}
	return u, nil
}

func (s *Store) GetUser(ctx context.Context, id string) (*store.User, error) {
	return s.getUserBy(ctx, fmt.Sprintf("get user %q", id), "id", id)
}

func (s *Store) GetUserByUsername(ctx context.Context, username string) (*store.User, error) {
	return s.getUserBy(ctx, "get user by username", "username_key", strings.ToLower(username))
}

func (s *Store) GetUserByEmail(ctx context.Context, email string) (*store.User, error) {
	return s.getUserBy(ctx, "get user by email", "email_key", strings.ToLower(email))
}

func (s *Store) GetUserByPhone(ctx context.Context, phone string) (*store.User, error) {
	return s.getUserBy(ctx, "get user by phone", "primary_phone", phone)
}

func (s *Store) ListUsers(ctx context.Context, page store.Page) ([]*store.User, int64, error) {
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&total); err != nil {
		return nil, 0, s.wrap("count users", err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, s.wrap("list users", err)
	}
	defer rows.Close()
	out := []*store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, s.wrap("list users", err)
		}
		out = append(out, u)
	}
	return out, total, s.wrap("list users", rows.Err())
}

// SearchUsers matches query as a case-insensitive substring of username,
// email, phone or name. LIKE's wildcards in query are escaped.
func (s *Store) SearchUsers(ctx context.Context, query string, page store.Page) ([]*store.User, int64, error) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(query))
	pat := "%" + esc + "%"
	where := ` WHERE LOWER(COALESCE(username, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(primary_email, '')) LIKE ? ESCAPE '\'
		OR LOWER(COALESCE(primary_phone, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(name, '')) LIKE ? ESCAPE '\'`
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM users`+where, pat, pat, pat, pat).Scan(&total); err != nil {
		return nil, 0, s.wrap("count user search", err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users`+where+` ORDER BY created_at, id LIMIT ? OFFSET ?`,
		pat, pat, pat, pat, limit, offset)
	if err != nil {
		return nil, 0, s.wrap("search users", err)
	}
	defer rows.Close()
	out := []*store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, s.wrap("search users", err)
		}
		out = append(out, u)
	}
	return out, total, s.wrap("search users", rows.Err())
}

func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	u.UpdatedAt = u.UpdatedAt.UTC().Truncate(time.Microsecond)
	op := fmt.Sprintf("update user %q", u.ID)
	n, err := s.exec(ctx, op, `UPDATE users SET username = ?, username_key = ?, primary_email = ?, email_key = ?,
		primary_phone = ?, name = ?, avatar = ?, password_hash = ?, custom_data = ?, profile = ?, is_suspended = ?,
		is_admin = ?, last_sign_in_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		nullString(u.Username), foldKey(u.Username), nullString(u.PrimaryEmail), foldKey(u.PrimaryEmail),
		nullString(u.PrimaryPhone), u.Name, u.Avatar, u.PasswordHash, jsonText(u.CustomData), jsonText(u.Profile),
		u.IsSuspended, u.IsAdmin, tsPtr(u.LastSignInAt), ts(u.UpdatedAt), u.ID, u.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.missingOrStale(ctx, op, `SELECT 1 FROM users WHERE id = ?`, u.ID)
	}
	u.Version++
	return nil
}

func (s *Store) DeleteUser(ctx context.Context, id string) error {
	return s.execOne(ctx, fmt.Sprintf("delete user %q", id), `DELETE FROM users WHERE id = ?`, id)
}

func (s *Store) CountAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE is_admin = ?`, true).Scan(&n)
	return n, s.wrap("count admins", err)
}

// userSearchColumns are the SQL expressions of the searchable fields.
var userSearchColumns = map[store.UserField]string{
	store.UserFieldID:           "id",
	store.UserFieldUsername:     "COALESCE(username, '')",
	store.UserFieldPrimaryEmail: "COALESCE(primary_email, '')",
	store.UserFieldPrimaryPhone: "COALESCE(primary_phone, '')",
	store.UserFieldName:         "name",
}

// likePattern turns a UserMatch pattern into a LIKE pattern: "%" stays a
// wildcard, "_" and "\" are literal, and a pattern without "%" matches as
// a substring.
func likePattern(v string) string {
	v = strings.NewReplacer(`\`, `\\`, `_`, `\_`).Replace(strings.ToLower(v))
	if !strings.Contains(v, "%") {
		v = "%" + v + "%"
	}
	return v
}

// userWhere builds the WHERE clause of q and its arguments.
func userWhere(q store.UserQuery) (string, []any, error) {
	var conds []string
	var args []any
	for _, m := range q.Matches {
		fields := []store.UserField{m.Field}
		if m.Field == "" {
			fields = []store.UserField{store.UserFieldUsername, store.UserFieldPrimaryEmail, store.UserFieldPrimaryPhone, store.UserFieldName}
		}
		if len(m.Values) == 0 || (!m.Exact && len(m.Values) != 1) {
			return "", nil, fmt.Errorf("search users: a like match takes one value, an exact one at least one")
		}
		var ors []string
		for _, f := range fields {
			col, ok := userSearchColumns[f]
			if !ok {
				return "", nil, fmt.Errorf("search users: unknown field %q", f)
			}
			if !m.Exact {
				ors = append(ors, `LOWER(`+col+`) LIKE ? ESCAPE '\'`)
				args = append(args, likePattern(m.Values[0]))
				continue
			}
			if !q.CaseSensitive {
				col = "LOWER(" + col + ")"
			}
			ors = append(ors, col+` IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(m.Values)), ", ")+`)`)
			for _, v := range m.Values {
				if !q.CaseSensitive {
					v = strings.ToLower(v)
				}
				args = append(args, v)
			}
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	joint := " OR "
	if q.All {
		joint = " AND "
	}
	return " WHERE " + strings.Join(conds, joint), args, nil
}

// FindUsers runs q (see store.UserQuery) in one dialect-neutral query.
func (s *Store) FindUsers(ctx context.Context, q store.UserQuery, page store.Page) ([]*store.User, int64, error) {
	where, args, err := userWhere(q)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM users`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap("count found users", err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users`+where+` ORDER BY created_at, id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.wrap("find users", err)
	}
	defer rows.Close()
	out := []*store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, s.wrap("find users", err)
		}
		out = append(out, u)
	}
	return out, total, s.wrap("find users", rows.Err())
}
