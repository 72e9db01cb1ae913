// Package rbac is the domain core of role-based access control, as Logto
// has it: API resources named by an RFC 8707 indicator, their permissions
// ("scopes"), roles grouping permissions of any resources, and roles
// assigned to users (User roles) or to machine-to-machine applications
// (MachineToMachine roles). Access tokens for a resource carry the
// permissions requested that the subject holds through its roles.
package rbac

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// Service manages API resources.
type Service struct {
	Store store.Store
	Now   func() time.Time
}

// NewResource is what CreateResource needs; names follow Logto's API.
type NewResource struct {
	Name           string
	Indicator      string
	AccessTokenTTL time.Duration // 0 means 1 hour
	IsDefault      bool
}

// TTL bounds, as Logto's console allows.
const (
	MinAccessTokenTTL = time.Minute
	MaxAccessTokenTTL = 24 * time.Hour
)

// CreateResource validates and stores a resource.
func (s *Service) CreateResource(ctx context.Context, in NewResource) (*store.Resource, error) {
	var errs validate.Errors
	if strings.TrimSpace(in.Name) == "" {
		errs.Add("name", "resource.name_required", "must not be empty")
	}
	if u, err := url.Parse(in.Indicator); err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") || strings.Contains(in.Indicator, "#") {
		errs.Add("indicator", "resource.invalid_indicator", "must be an absolute URI without a fragment, e.g. https://api.example.com")
	}
	if in.AccessTokenTTL == 0 {
		in.AccessTokenTTL = time.Hour
	}
	if in.AccessTokenTTL < MinAccessTokenTTL || in.AccessTokenTTL > MaxAccessTokenTTL {
		errs.Add("accessTokenTtl", "resource.invalid_ttl", fmt.Sprintf("must be between %d and %d seconds", int(MinAccessTokenTTL/time.Second), int(MaxAccessTokenTTL/time.Second)))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	r := &store.Resource{ID: id.New(), Name: strings.TrimSpace(in.Name), Indicator: in.Indicator,
		AccessTokenTTL: in.AccessTokenTTL.Truncate(time.Second), IsDefault: in.IsDefault, CreatedAt: now}
	err := s.Store.CreateResource(ctx, r)
	if errors.Is(err, store.ErrConflict) {
		return nil, validate.FieldError{Field: "indicator", Code: "resource.indicator_in_use", Message: "a resource with this indicator already exists"}
	}
	return r, err
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// ListResources returns every resource.
func (s *Service) ListResources(ctx context.Context) ([]*store.Resource, error) {
	return s.Store.ListResources(ctx)
}

// GetResource returns the resource with that id (store.ErrNotFound if none).
func (s *Service) GetResource(ctx context.Context, id string) (*store.Resource, error) {
	r, err := s.Store.GetResource(ctx, id)
	return r, notFound(err, "resource", id)
}

// ResourcePatch changes a resource; nil members stay as they are. The
// indicator never changes (tokens carry it as their audience).
type ResourcePatch struct {
	Name           *string
	AccessTokenTTL *time.Duration
}

// UpdateResource applies p. The Management API cannot be changed.
func (s *Service) UpdateResource(ctx context.Context, id string, p ResourcePatch) (*store.Resource, error) {
	var errs validate.Errors
	if p.Name != nil && strings.TrimSpace(*p.Name) == "" {
		errs.Add("name", "resource.name_required", "must not be empty")
	}
	if p.AccessTokenTTL != nil && (*p.AccessTokenTTL < MinAccessTokenTTL || *p.AccessTokenTTL > MaxAccessTokenTTL) {
		errs.Add("accessTokenTtl", "resource.invalid_ttl", fmt.Sprintf("must be between %d and %d seconds", int(MinAccessTokenTTL/time.Second), int(MaxAccessTokenTTL/time.Second)))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var r *store.Resource
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if r, err = tx.GetResource(ctx, id); err != nil {
			return notFound(err, "resource", id)
		}
		if r.Indicator == store.ManagementAPIIndicator {
			return errManagementAPI
		}
		if p.Name != nil {
			r.Name = strings.TrimSpace(*p.Name)
		}
		if p.AccessTokenTTL != nil {
			r.AccessTokenTTL = p.AccessTokenTTL.Truncate(time.Second)
		}
		return tx.UpdateResource(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteResource removes a resource with its permissions (and so the
// permissions' place in roles). The Management API cannot be deleted.
func (s *Service) DeleteResource(ctx context.Context, id string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		r, err := tx.GetResource(ctx, id)
		if err != nil {
			return notFound(err, "resource", id)
		}
		if r.Indicator == store.ManagementAPIIndicator {
			return refused("resource.cannot_delete_management_api", "Cannot delete Logto Management API.")
		}
		return tx.DeleteResource(ctx, id)
	})
}

// SetDefaultResource makes the resource the default one (the one used when
// a request names none; at most one is) or stops it being the default.
func (s *Service) SetDefaultResource(ctx context.Context, id string, isDefault bool) (*store.Resource, error) {
	if err := s.Store.SetDefaultResource(ctx, id, isDefault); err != nil {
		return nil, notFound(err, "resource", id)
	}
	return s.GetResource(ctx, id)
}
