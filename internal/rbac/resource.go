// Package rbac is the domain core for API resources and, with the RBAC
// issue, their permissions and roles. For now it holds what the protocol
// needs: resources named by an RFC 8707 indicator, with an access-token TTL.
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
	now := time.Now().UTC()
	if s.Now != nil {
		now = s.Now().UTC()
	}
	r := &store.Resource{ID: id.New(), Name: strings.TrimSpace(in.Name), Indicator: in.Indicator,
		AccessTokenTTL: in.AccessTokenTTL.Truncate(time.Second), IsDefault: in.IsDefault, CreatedAt: now}
	err := s.Store.CreateResource(ctx, r)
	if errors.Is(err, store.ErrConflict) {
		return nil, validate.FieldError{Field: "indicator", Code: "resource.indicator_in_use", Message: "a resource with this indicator already exists"}
	}
	return r, err
}

// ListResources returns every resource.
func (s *Service) ListResources(ctx context.Context) ([]*store.Resource, error) {
	return s.Store.ListResources(ctx)
}

// GetResource returns the resource with that id (store.ErrNotFound if none).
func (s *Service) GetResource(ctx context.Context, id string) (*store.Resource, error) {
	return s.Store.GetResource(ctx, id)
}
