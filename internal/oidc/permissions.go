package oidc

import (
	"context"
	"errors"
	"slices"

	"github.com/monban-dev/monban/internal/store"
)

// Access tokens for an API resource carry the permissions requested that
// the subject holds through its roles (Logto's RBAC): requested ∩ held,
// recomputed at every issuance, so a role taken away is gone from the next
// token (refresh included). Permissions the subject lacks are dropped
// silently, never an error, as Logto does.

// grantedPermissions keeps the requested scopes the subject holds, in the
// order requested, each once.
func grantedPermissions(requested, held []string) string {
	out := make([]string, 0, len(requested))
	for _, s := range requested {
		if slices.Contains(held, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return joinScope(out)
}

// userResourceScope is the scope of a user's access token for res.
func (p *Provider) userResourceScope(ctx context.Context, userID string, res *store.Resource, requested []string) (string, error) {
	_, held, err := p.o.Store.UserResourcePermissions(ctx, userID, res.Indicator)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted since the request started.
		return "", errInvalidTarget("unknown resource indicator")
	}
	if err != nil {
		return "", err
	}
	return grantedPermissions(requested, held), nil
}

// applicationResource resolves indicator for a machine-to-machine
// application with the scope it may have of requested, in one query.
func (p *Provider) applicationResource(ctx context.Context, appID, indicator string, requested []string) (*store.Resource, string, error) {
	res, held, err := p.o.Store.ApplicationResourcePermissions(ctx, appID, indicator)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errInvalidTarget("unknown resource indicator")
	}
	if err != nil {
		return nil, "", err
	}
	return res, grantedPermissions(requested, held), nil
}

// roleNames is the roles claim: the names of the user's roles when the
// roles scope was granted, else nil (no claim).
func (p *Provider) roleNames(ctx context.Context, userID string, scopes []string) ([]string, error) {
	if !slices.Contains(scopes, "roles") {
		return nil, nil
	}
	return p.o.Store.UserRoleNames(ctx, userID)
}
