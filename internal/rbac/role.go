package rbac

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// NewRole is a role to create; names follow Logto's API. Type "" is User.
type NewRole struct {
	Name        string
	Description string
	Type        store.RoleType
	IsDefault   bool
	// ScopeIDs are permissions given to the role at once.
	ScopeIDs []string
}

// RolePatch changes a role; nil members stay as they are. A role's type
// never changes (its assignments depend on it).
type RolePatch struct {
	Name        *string
	Description *string
	IsDefault   *bool
}

func checkRole(errs *validate.Errors, name, description *string) {
	if name != nil {
		switch n := strings.TrimSpace(*name); {
		case n == "":
			errs.Add("name", "role.name_required", "must not be empty")
		case len(n) > maxRoleName:
			errs.Add("name", "role.name_too_long", fmt.Sprintf("must be at most %d characters", maxRoleName))
		}
	}
	if description != nil && len(*description) > maxDescription {
		errs.Add("description", "role.description_too_long", fmt.Sprintf("must be at most %d characters", maxDescription))
	}
}

func roleNameInUse(name string) error {
	return conflict("role.name_in_use", "This role name "+name+" is already in use.", map[string]string{"name": name})
}

// CreateRole creates a role, with its first permissions, in one
// transaction. A taken name (case-insensitively) is a Conflict
// (role.name_in_use).
func (s *Service) CreateRole(ctx context.Context, in NewRole) (*store.Role, error) {
	var errs validate.Errors
	checkRole(&errs, &in.Name, &in.Description)
	if in.Type == "" {
		in.Type = store.RoleUser
	}
	if !in.Type.Valid() {
		errs.Add("type", "role.invalid_type", fmt.Sprintf("must be User or MachineToMachine; got %q", in.Type))
	}
	errs = append(errs, noEmptyIDs("scopeIds", in.ScopeIDs)...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	r := &store.Role{ID: id.New(), Name: strings.TrimSpace(in.Name), Description: in.Description, Type: in.Type,
		IsDefault: in.IsDefault && in.Type == store.RoleUser, CreatedAt: s.now()}
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateRole(ctx, r); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return roleNameInUse(r.Name)
			}
			return err
		}
		return s.addRoleScopes(ctx, tx, r, dedupe(in.ScopeIDs))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// GetRole returns the role with that id.
func (s *Service) GetRole(ctx context.Context, roleID string) (*store.Role, error) {
	r, err := s.Store.GetRole(ctx, roleID)
	return r, notFound(err, "role", roleID)
}

// ListRoles returns a page of the roles f selects and their count.
func (s *Service) ListRoles(ctx context.Context, f store.RoleFilter, page store.Page) ([]*store.Role, int64, error) {
	if f.Type != "" && !f.Type.Valid() {
		return nil, 0, validate.FieldError{Field: "type", Code: "role.invalid_type", Message: "must be User or MachineToMachine"}
	}
	return s.Store.ListRoles(ctx, f, page)
}

// UpdateRole applies p.
func (s *Service) UpdateRole(ctx context.Context, roleID string, p RolePatch) (*store.Role, error) {
	var errs validate.Errors
	checkRole(&errs, p.Name, p.Description)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var r *store.Role
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if r, err = tx.GetRole(ctx, roleID); err != nil {
			return notFound(err, "role", roleID)
		}
		if p.Name != nil {
			r.Name = strings.TrimSpace(*p.Name)
		}
		if p.Description != nil {
			r.Description = *p.Description
		}
		if p.IsDefault != nil {
			// Default roles go to new users: meaningless for M2M roles.
			r.IsDefault = *p.IsDefault && r.Type == store.RoleUser
		}
		err = tx.UpdateRole(ctx, r)
		if errors.Is(err, store.ErrConflict) {
			return roleNameInUse(r.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteRole removes a role and its assignments: its users and
// applications lose its permissions from their next token on.
func (s *Service) DeleteRole(ctx context.Context, roleID string) error {
	if roleID == store.ManagementAPIAccessRoleID {
		return errBuiltInRole
	}
	return notFound(s.Store.DeleteRole(ctx, roleID), "role", roleID)
}

// AddRoleScopes gives the role permissions. One it holds already is a
// Conflict (role.scope_exists); a Management API permission cannot go to a
// User role.
func (s *Service) AddRoleScopes(ctx context.Context, roleID string, scopeIDs []string) error {
	if err := nonEmptyIDs("scopeIds", scopeIDs); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		r, err := tx.GetRole(ctx, roleID)
		if err != nil {
			return notFound(err, "role", roleID)
		}
		held, _, err := tx.ListRoleScopes(ctx, roleID, "", store.Page{})
		if err != nil {
			return err
		}
		for _, sid := range scopeIDs {
			if slices.ContainsFunc(held, func(h *store.ScopeWithResource) bool { return h.ID == sid }) {
				return conflict("role.scope_exists", "The scope id "+sid+" has already been added to this role.", map[string]string{"scopeId": sid})
			}
		}
		return s.addRoleScopes(ctx, tx, r, dedupe(scopeIDs))
	})
}

func (s *Service) addRoleScopes(ctx context.Context, tx store.Store, r *store.Role, scopeIDs []string) error {
	if len(scopeIDs) == 0 {
		return nil
	}
	found, err := tx.GetScopes(ctx, scopeIDs)
	if err != nil {
		return err
	}
	for _, sid := range scopeIDs {
		i := slices.IndexFunc(found, func(f *store.ScopeWithResource) bool { return f.ID == sid })
		if i < 0 {
			return &NotFoundError{Entity: "scope", ID: sid}
		}
		if r.Type == store.RoleUser && found[i].Resource.Indicator == store.ManagementAPIIndicator {
			return refused("role.management_api_scopes_not_assignable_to_user_role", "Cannot assign Management API scopes to a user role.")
		}
	}
	return tx.AddRoleScopes(ctx, r.ID, scopeIDs)
}

// RemoveRoleScope takes a permission from the role.
func (s *Service) RemoveRoleScope(ctx context.Context, roleID, scopeID string) error {
	if roleID == store.ManagementAPIAccessRoleID && scopeID == managementAPIScopeAllID {
		return errBuiltInRole
	}
	err := s.Store.RemoveRoleScope(ctx, roleID, scopeID)
	if errors.Is(err, store.ErrNotFound) {
		if _, gerr := s.Store.GetRole(ctx, roleID); gerr != nil {
			return notFound(gerr, "role", roleID)
		}
		return &NotFoundError{Entity: "scope", ID: scopeID}
	}
	return err
}

// ListRoleScopes returns a page of the role's permissions (with their
// resources) whose name or description contains search.
func (s *Service) ListRoleScopes(ctx context.Context, roleID, search string, page store.Page) ([]*store.ScopeWithResource, int64, error) {
	if _, err := s.GetRole(ctx, roleID); err != nil {
		return nil, 0, err
	}
	return s.Store.ListRoleScopes(ctx, roleID, search, page)
}

// nonEmptyIDs checks a list of ids in a request body: at least one, none
// empty.
func nonEmptyIDs(field string, ids []string) error {
	errs := noEmptyIDs(field, ids)
	if len(ids) == 0 {
		errs.Add(field, "guard.invalid_input", "must contain at least one id")
	}
	return errs.Err()
}

func noEmptyIDs(field string, ids []string) validate.Errors {
	var errs validate.Errors
	for i, v := range ids {
		if v == "" {
			errs.Add(fmt.Sprintf("%s[%d]", field, i), "guard.invalid_input", "must not be empty")
		}
	}
	return errs
}

func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, v := range ids {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
