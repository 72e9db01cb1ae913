package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// --- resources (the changes RBAC adds) ---

func (s *Store) UpdateResource(ctx context.Context, r *store.Resource) error {
	return s.execOne(ctx, fmt.Sprintf("update resource %q", r.ID), `UPDATE resources SET name = ?, access_token_ttl = ?
		WHERE id = ?`, r.Name, int64(r.AccessTokenTTL/time.Second), r.ID)
}

func (s *Store) DeleteResource(ctx context.Context, id string) error {
	return s.execOne(ctx, fmt.Sprintf("delete resource %q", id), `DELETE FROM resources WHERE id = ?`, id)
}

// SetDefaultResource keeps at most one default: setting one clears the
// others in the same transaction.
func (s *Store) SetDefaultResource(ctx context.Context, id string, isDefault bool) error {
	op := fmt.Sprintf("set default resource %q", id)
	return s.InTx(ctx, func(tx store.Store) error {
		txs := tx.(*Store)
		if isDefault {
			if _, err := txs.exec(ctx, op, `UPDATE resources SET is_default = ? WHERE is_default = ? AND id <> ?`, false, true, id); err != nil {
				return err
			}
		}
		return txs.execOne(ctx, op, `UPDATE resources SET is_default = ? WHERE id = ?`, isDefault, id)
	})
}

// --- scopes ---

const scopeColumns = `s.id, s.resource_id, s.name, s.description, s.created_at`

func scanScope(r rowScanner, extra ...any) (*store.Scope, error) {
	var (
		sc      store.Scope
		created int64
	)
	if err := r.Scan(append([]any{&sc.ID, &sc.ResourceID, &sc.Name, &sc.Description, &created}, extra...)...); err != nil {
		return nil, err
	}
	sc.CreatedAt = fromTS(created)
	return &sc, nil
}

func (s *Store) CreateScope(ctx context.Context, sc *store.Scope) error {
	sc.CreatedAt = sc.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create scope", `INSERT INTO scopes (id, resource_id, name, description, created_at)
		VALUES (?, ?, ?, ?, ?)`, sc.ID, sc.ResourceID, sc.Name, sc.Description, ts(sc.CreatedAt))
	return err
}

func (s *Store) GetScope(ctx context.Context, id string) (*store.Scope, error) {
	sc, err := scanScope(s.queryRow(ctx, `SELECT `+scopeColumns+` FROM scopes s WHERE s.id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get scope %q", id), err)
	}
	return sc, nil
}

const scopeWithResourceColumns = scopeColumns + `, r.id, r.name, r.indicator, r.access_token_ttl, r.is_default, r.created_at`

func scanScopeWithResource(r rowScanner) (*store.ScopeWithResource, error) {
	var (
		res          store.Resource
		ttl, created int64
	)
	sc, err := scanScope(r, &res.ID, &res.Name, &res.Indicator, &ttl, &res.IsDefault, &created)
	if err != nil {
		return nil, err
	}
	res.AccessTokenTTL, res.CreatedAt = time.Duration(ttl)*time.Second, fromTS(created)
	return &store.ScopeWithResource{Scope: *sc, Resource: res}, nil
}

func (s *Store) GetScopes(ctx context.Context, ids []string) ([]*store.ScopeWithResource, error) {
	out := []*store.ScopeWithResource{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT `+scopeWithResourceColumns+` FROM scopes s JOIN resources r ON r.id = s.resource_id
		WHERE s.id IN (`+placeholders(len(ids))+`)`, anyArgs(ids)...)
	if err != nil {
		return nil, s.wrap("get scopes", err)
	}
	defer rows.Close()
	for rows.Next() {
		sc, err := scanScopeWithResource(rows)
		if err != nil {
			return nil, s.wrap("get scopes", err)
		}
		out = append(out, sc)
	}
	return out, s.wrap("get scopes", rows.Err())
}

func (s *Store) ListScopes(ctx context.Context, resourceID, search string, page store.Page) ([]*store.Scope, int64, error) {
	const op = "list scopes"
	where, args := ` WHERE s.resource_id = ?`, []any{resourceID}
	if search != "" {
		pat := substringPattern(search)
		where += ` AND (LOWER(s.name) LIKE ? ESCAPE '\' OR LOWER(s.description) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM scopes s`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(op, err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+scopeColumns+` FROM scopes s`+where+` ORDER BY s.created_at, s.id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.Scope{}
	for rows.Next() {
		sc, err := scanScope(rows)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		out = append(out, sc)
	}
	return out, total, s.wrap(op, rows.Err())
}

// UpdateScope renames the scope where roles hold it too (roles_scopes
// repeats the name), in one transaction.
func (s *Store) UpdateScope(ctx context.Context, sc *store.Scope) error {
	op := fmt.Sprintf("update scope %q", sc.ID)
	return s.InTx(ctx, func(tx store.Store) error {
		txs := tx.(*Store)
		if err := txs.execOne(ctx, op, `UPDATE scopes SET name = ?, description = ? WHERE id = ?`, sc.Name, sc.Description, sc.ID); err != nil {
			return err
		}
		_, err := txs.exec(ctx, op, `UPDATE roles_scopes SET name = ? WHERE scope_id = ?`, sc.Name, sc.ID)
		return err
	})
}

func (s *Store) DeleteScope(ctx context.Context, id string) error {
	return s.execOne(ctx, fmt.Sprintf("delete scope %q", id), `DELETE FROM scopes WHERE id = ?`, id)
}

// --- roles ---

const roleColumns = `ro.id, ro.name, ro.description, ro.type, ro.is_default, ro.created_at`

func scanRole(r rowScanner) (*store.Role, error) {
	var (
		ro      store.Role
		typ     string
		created int64
	)
	if err := r.Scan(&ro.ID, &ro.Name, &ro.Description, &typ, &ro.IsDefault, &created); err != nil {
		return nil, err
	}
	ro.Type, ro.CreatedAt = store.RoleType(typ), fromTS(created)
	return &ro, nil
}

func (s *Store) CreateRole(ctx context.Context, r *store.Role) error {
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := s.exec(ctx, "create role", `INSERT INTO roles (id, name, name_key, description, type, is_default, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Name, strings.ToLower(r.Name), r.Description, string(r.Type), r.IsDefault, ts(r.CreatedAt))
	return err
}

func (s *Store) GetRole(ctx context.Context, id string) (*store.Role, error) {
	r, err := scanRole(s.queryRow(ctx, `SELECT `+roleColumns+` FROM roles ro WHERE ro.id = ?`, id))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get role %q", id), err)
	}
	return r, nil
}

func (s *Store) GetRoleByName(ctx context.Context, name string) (*store.Role, error) {
	r, err := scanRole(s.queryRow(ctx, `SELECT `+roleColumns+` FROM roles ro WHERE ro.name_key = ?`, strings.ToLower(name)))
	if err != nil {
		return nil, s.scanErr(fmt.Sprintf("get role %q", name), err)
	}
	return r, nil
}

func (s *Store) GetRoles(ctx context.Context, ids []string) ([]*store.Role, error) {
	if len(ids) == 0 {
		return []*store.Role{}, nil
	}
	return s.roles(ctx, "get roles", `SELECT `+roleColumns+` FROM roles ro WHERE ro.id IN (`+placeholders(len(ids))+`)`, anyArgs(ids)...)
}

func (s *Store) roles(ctx context.Context, op, query string, args ...any) ([]*store.Role, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.Role{}
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, r)
	}
	return out, s.wrap(op, rows.Err())
}

func (s *Store) ListRoles(ctx context.Context, f store.RoleFilter, page store.Page) ([]*store.Role, int64, error) {
	const op = "list roles"
	var (
		conds []string
		args  []any
	)
	if f.Search != "" {
		pat := substringPattern(f.Search)
		conds = append(conds, `(LOWER(ro.name) LIKE ? ESCAPE '\' OR LOWER(ro.description) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	if f.Type != "" {
		conds, args = append(conds, `ro.type = ?`), append(args, string(f.Type))
	}
	if f.UserID != "" {
		conds = append(conds, `ro.id IN (SELECT role_id FROM users_roles WHERE user_id = ?)`)
		args = append(args, f.UserID)
	}
	if f.ApplicationID != "" {
		conds = append(conds, `ro.id IN (SELECT role_id FROM applications_roles WHERE application_id = ?)`)
		args = append(args, f.ApplicationID)
	}
	if f.ExcludeUserID != "" {
		conds = append(conds, `ro.id NOT IN (SELECT role_id FROM users_roles WHERE user_id = ?)`)
		args = append(args, f.ExcludeUserID)
	}
	if f.ExcludeApplicationID != "" {
		conds = append(conds, `ro.id NOT IN (SELECT role_id FROM applications_roles WHERE application_id = ?)`)
		args = append(args, f.ExcludeApplicationID)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM roles ro`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(op, err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	out, err := s.roles(ctx, op, `SELECT `+roleColumns+` FROM roles ro`+where+` ORDER BY ro.created_at, ro.id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	return out, total, err
}

func (s *Store) UpdateRole(ctx context.Context, r *store.Role) error {
	return s.execOne(ctx, fmt.Sprintf("update role %q", r.ID), `UPDATE roles SET name = ?, name_key = ?, description = ?,
		is_default = ? WHERE id = ?`, r.Name, strings.ToLower(r.Name), r.Description, r.IsDefault, r.ID)
}

func (s *Store) DeleteRole(ctx context.Context, id string) error {
	return s.execOne(ctx, fmt.Sprintf("delete role %q", id), `DELETE FROM roles WHERE id = ?`, id)
}

// --- assignments ---

// insertPairs inserts (key, value) rows for every value, in one
// transaction: all or nothing.
func (s *Store) insertPairs(ctx context.Context, op, query, key string, values []string) error {
	return s.InTx(ctx, func(tx store.Store) error {
		txs := tx.(*Store)
		for _, v := range values {
			if _, err := txs.exec(ctx, op, query, key, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddRoleScopes copies each scope's resource and name into roles_scopes
// (the token endpoint's lookup reads them there); a scope that does not
// exist inserts nothing and is ErrNotFound.
func (s *Store) AddRoleScopes(ctx context.Context, roleID string, scopeIDs []string) error {
	op := fmt.Sprintf("add scopes to role %q", roleID)
	return s.InTx(ctx, func(tx store.Store) error {
		txs := tx.(*Store)
		for _, id := range scopeIDs {
			n, err := txs.exec(ctx, op, `INSERT INTO roles_scopes (role_id, scope_id, resource_id, name)
				SELECT ?, id, resource_id, name FROM scopes WHERE id = ?`, roleID, id)
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%s: scope %q: %w", op, id, store.ErrNotFound)
			}
		}
		return nil
	})
}

func (s *Store) RemoveRoleScope(ctx context.Context, roleID, scopeID string) error {
	return s.execOne(ctx, fmt.Sprintf("remove scope %q from role %q", scopeID, roleID),
		`DELETE FROM roles_scopes WHERE role_id = ? AND scope_id = ?`, roleID, scopeID)
}

func (s *Store) ListRoleScopes(ctx context.Context, roleID, search string, page store.Page) ([]*store.ScopeWithResource, int64, error) {
	const op = "list role scopes"
	from := ` FROM roles_scopes rs JOIN scopes s ON s.id = rs.scope_id JOIN resources r ON r.id = s.resource_id WHERE rs.role_id = ?`
	args := []any{roleID}
	if search != "" {
		pat := substringPattern(search)
		from += ` AND (LOWER(s.name) LIKE ? ESCAPE '\' OR LOWER(s.description) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(op, err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+scopeWithResourceColumns+from+` ORDER BY r.created_at, r.id, s.created_at, s.id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.ScopeWithResource{}
	for rows.Next() {
		sc, err := scanScopeWithResource(rows)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		out = append(out, sc)
	}
	return out, total, s.wrap(op, rows.Err())
}

func (s *Store) AddUserRoles(ctx context.Context, userID string, roleIDs []string) error {
	return s.insertPairs(ctx, fmt.Sprintf("add roles to user %q", userID),
		`INSERT INTO users_roles (user_id, role_id) VALUES (?, ?)`, userID, roleIDs)
}

func (s *Store) AssignDefaultRoles(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, fmt.Sprintf("assign default roles to user %q", userID), `INSERT INTO users_roles (user_id, role_id)
		SELECT ?, id FROM roles WHERE is_default = ? AND type = ?`, userID, true, string(store.RoleUser))
	return err
}

func (s *Store) RemoveUserRole(ctx context.Context, userID, roleID string) error {
	return s.execOne(ctx, fmt.Sprintf("remove role %q from user %q", roleID, userID),
		`DELETE FROM users_roles WHERE user_id = ? AND role_id = ?`, userID, roleID)
}

func (s *Store) ListRoleUsers(ctx context.Context, roleID, search string, page store.Page) ([]*store.User, int64, error) {
	const op = "list role users"
	where, args := ` WHERE id IN (SELECT user_id FROM users_roles WHERE role_id = ?)`, []any{roleID}
	if search != "" {
		pat := substringPattern(search)
		where += ` AND (LOWER(COALESCE(username, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(primary_email, '')) LIKE ? ESCAPE '\'
			OR LOWER(COALESCE(primary_phone, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(name, '')) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat, pat)
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM users`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(op, err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users`+where+` ORDER BY created_at, id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		out = append(out, u)
	}
	return out, total, s.wrap(op, rows.Err())
}

func (s *Store) AddApplicationRoles(ctx context.Context, applicationID string, roleIDs []string) error {
	return s.insertPairs(ctx, fmt.Sprintf("add roles to application %q", applicationID),
		`INSERT INTO applications_roles (application_id, role_id) VALUES (?, ?)`, applicationID, roleIDs)
}

func (s *Store) RemoveApplicationRole(ctx context.Context, applicationID, roleID string) error {
	return s.execOne(ctx, fmt.Sprintf("remove role %q from application %q", roleID, applicationID),
		`DELETE FROM applications_roles WHERE application_id = ? AND role_id = ?`, applicationID, roleID)
}

func (s *Store) ListRoleApplications(ctx context.Context, roleID, search string, page store.Page) ([]*store.Application, int64, error) {
	const op = "list role applications"
	where, args := ` WHERE id IN (SELECT application_id FROM applications_roles WHERE role_id = ?)`, []any{roleID}
	if search != "" {
		where += ` AND LOWER(name) LIKE ? ESCAPE '\'`
		args = append(args, substringPattern(search))
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM applications`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(op, err)
	}
	limit, offset := pageArgs(page.Number, page.Size)
	rows, err := s.query(ctx, `SELECT `+applicationColumns+` FROM applications`+where+` ORDER BY created_at, id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.wrap(op, err)
	}
	defer rows.Close()
	out := []*store.Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, 0, s.wrap(op, err)
		}
		out = append(out, a)
	}
	return out, total, s.wrap(op, rows.Err())
}

// --- the token endpoint's hot path ---

func (s *Store) UserRoleNames(ctx context.Context, userID string) ([]string, error) {
	const op = "user role names"
	rows, err := s.query(ctx, `SELECT ro.name FROM users_roles ur JOIN roles ro ON ro.id = ur.role_id
		WHERE ur.user_id = ? ORDER BY ro.name`, userID)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, s.wrap(op, err)
		}
		out = append(out, n)
	}
	return out, s.wrap(op, rows.Err())
}

// The resource and the permission names the subject holds for it, in one
// query returning one row: the resource row with a correlated subquery
// aggregating the names of its permissions reachable through the
// subject's roles (NULL when none), read from the covering index
// roles_scopes_permissions. One row instead of one per permission, and no
// table lookup per permission, keep the client_credentials path nearly as
// cheap with 50 permissions as with none.
func permissionsQuery(agg, assignments, subject string) string {
	return `SELECT r.id, r.name, r.indicator, r.access_token_ttl, r.is_default, r.created_at,
		(SELECT ` + agg + ` FROM ` + assignments + ` x JOIN roles_scopes rs ON rs.role_id = x.role_id
			AND rs.resource_id = r.id WHERE x.` + subject + ` = ?)
		FROM resources r WHERE r.indicator = ?`
}

var (
	// Scope names never contain spaces (rbac validates them; a token's
	// scope is a space-separated list), so a space separates them.
	sqliteAgg, postgresAgg = `group_concat(rs.name, ' ')`, `string_agg(rs.name, ' ')`
	permissionsQueries     = map[string][2]string{
		"sqlite":   {permissionsQuery(sqliteAgg, "users_roles", "user_id"), permissionsQuery(sqliteAgg, "applications_roles", "application_id")},
		"postgres": {permissionsQuery(postgresAgg, "users_roles", "user_id"), permissionsQuery(postgresAgg, "applications_roles", "application_id")},
	}
)

func (s *Store) UserResourcePermissions(ctx context.Context, userID, indicator string) (*store.Resource, []string, error) {
	return s.resourcePermissions(ctx, "user resource permissions", permissionsQueries[s.dialect.name()][0], userID, indicator)
}

func (s *Store) ApplicationResourcePermissions(ctx context.Context, applicationID, indicator string) (*store.Resource, []string, error) {
	return s.resourcePermissions(ctx, "application resource permissions", permissionsQueries[s.dialect.name()][1], applicationID, indicator)
}

func (s *Store) resourcePermissions(ctx context.Context, op, query, subject, indicator string) (*store.Resource, []string, error) {
	var names sql.NullString
	res, err := scanResource(multiScanner{s.queryRow(ctx, query, subject, indicator), []any{&names}})
	if err != nil {
		return nil, nil, s.scanErr(fmt.Sprintf("%s %q", op, indicator), err)
	}
	held := strings.Fields(names.String)
	// Two roles may give the same permission.
	slices.Sort(held)
	return res, slices.Compact(held), nil
}

// --- helpers ---

// substringPattern is a case-insensitive LIKE pattern for a substring, with
// LIKE's wildcards in q escaped (ESCAPE '\').
func substringPattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q)) + "%"
}

// placeholders is "?, ?, ..." for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anyArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
