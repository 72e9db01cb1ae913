package rbac

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// Bounds of names and descriptions, as Logto's schema has them.
const (
	maxScopeName   = 256
	maxRoleName    = 128
	maxDescription = 128
	maxScopeDesc   = 1024
)

// NewScope is a permission to add to a resource; names follow Logto's API.
type NewScope struct {
	Name        string
	Description string
}

// ScopePatch changes a permission; nil members stay as they are.
type ScopePatch struct {
	Name        *string
	Description *string
}

func checkScopeName(errs *validate.Errors, name string) {
	switch {
	case name == "":
		errs.Add("name", "scope.name_required", "must not be empty")
	case strings.ContainsFunc(name, unicode.IsSpace):
		// A token's scope is a space-separated list (RFC 6749 §3.3).
		errs.Add("name", "scope.name_with_space", "must not contain spaces")
	case len(name) > maxScopeName:
		errs.Add("name", "scope.name_too_long", "must be at most 256 characters")
	}
}

// CreateScope adds a permission to a resource. A name the resource already
// has is a Conflict (scope.name_exists); the Management API's permissions
// cannot be changed.
func (s *Service) CreateScope(ctx context.Context, resourceID string, in NewScope) (*store.Scope, error) {
	var errs validate.Errors
	checkScopeName(&errs, in.Name)
	if len(in.Description) > maxScopeDesc {
		errs.Add("description", "scope.description_too_long", "must be at most 1024 characters")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	sc := &store.Scope{ID: id.New(), ResourceID: resourceID, Name: in.Name, Description: in.Description, CreatedAt: s.now()}
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := s.modifiableResource(ctx, tx, resourceID); err != nil {
			return err
		}
		return tx.CreateScope(ctx, sc)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, scopeNameExists(in.Name)
	}
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func scopeNameExists(name string) error {
	return conflict("scope.name_exists", "The scope name "+name+" is already in use.", map[string]string{"name": name})
}

// modifiableResource checks the resource exists and is not the Management API.
func (s *Service) modifiableResource(ctx context.Context, st store.Store, resourceID string) error {
	r, err := st.GetResource(ctx, resourceID)
	if err != nil {
		return notFound(err, "resource", resourceID)
	}
	if r.Indicator == store.ManagementAPIIndicator {
		return errManagementAPI
	}
	return nil
}

// ListScopes returns a page of a resource's permissions whose name or
// description contains search, and their count.
func (s *Service) ListScopes(ctx context.Context, resourceID, search string, page store.Page) ([]*store.Scope, int64, error) {
	if _, err := s.Store.GetResource(ctx, resourceID); err != nil {
		return nil, 0, notFound(err, "resource", resourceID)
	}
	return s.Store.ListScopes(ctx, resourceID, search, page)
}

// UpdateScope applies p to a permission of the resource.
func (s *Service) UpdateScope(ctx context.Context, resourceID, scopeID string, p ScopePatch) (*store.Scope, error) {
	var errs validate.Errors
	if p.Name != nil {
		checkScopeName(&errs, *p.Name)
	}
	if p.Description != nil && len(*p.Description) > maxScopeDesc {
		errs.Add("description", "scope.description_too_long", "must be at most 1024 characters")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var sc *store.Scope
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if sc, err = s.scopeOf(ctx, tx, resourceID, scopeID); err != nil {
			return err
		}
		if p.Name != nil {
			sc.Name = *p.Name
		}
		if p.Description != nil {
			sc.Description = *p.Description
		}
		return tx.UpdateScope(ctx, sc)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, scopeNameExists(*p.Name)
	}
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// DeleteScope removes a permission of the resource (and from every role).
func (s *Service) DeleteScope(ctx context.Context, resourceID, scopeID string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if _, err := s.scopeOf(ctx, tx, resourceID, scopeID); err != nil {
			return err
		}
		return tx.DeleteScope(ctx, scopeID)
	})
}

// scopeOf reads a permission of a modifiable resource; one of another
// resource is not found.
func (s *Service) scopeOf(ctx context.Context, st store.Store, resourceID, scopeID string) (*store.Scope, error) {
	if err := s.modifiableResource(ctx, st, resourceID); err != nil {
		return nil, err
	}
	sc, err := st.GetScope(ctx, scopeID)
	if err != nil || sc.ResourceID != resourceID {
		if err == nil {
			err = store.ErrNotFound
		}
		return nil, notFound(err, "scope", scopeID)
	}
	return sc, nil
}

// notFound names the entity of a store.ErrNotFound; other errors pass.
func notFound(err error, entity, id string) error {
	var nf *NotFoundError
	if errors.Is(err, store.ErrNotFound) && !errors.As(err, &nf) {
		return &NotFoundError{Entity: entity, ID: id}
	}
	return err
}
