package oidc

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/store"
)

// Access tokens for an API resource carry the permissions requested that
// the subject holds through its roles (Logto's RBAC): requested ∩ held,
// recomputed at every issuance, so a role taken away is gone from the next
// token (refresh included). Permissions the subject lacks are dropped
// silently, never an error, as Logto does.

// grantedPermissions keeps the requested scopes the subject holds, in the
// order requested, each once. held is sorted (the store's contract), so
// each lookup is a binary search: this runs on every token request, with
// as many as 50 or more permissions.
func grantedPermissions(requested, held []string) string {
	if len(requested) == 0 || len(held) == 0 {
		return ""
	}
	used := make([]bool, len(held))
	var b strings.Builder
	for _, s := range requested {
		i, ok := slices.BinarySearch(held, s)
		if !ok || used[i] {
			continue
		}
		used[i] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
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
