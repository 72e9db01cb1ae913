package experience

import (
	"context"
	"errors"
	"slices"

	"github.com/monban-dev/monban/internal/store"
)

// consentResource is an API the application asks to access, with the
// permissions requested of it that the user holds (the ones its token
// would carry), as the consent page lists them.
type consentResource struct {
	Name        string
	Indicator   string
	Permissions []consentPermission
}

type consentPermission struct {
	Name        string
	Description string
}

// consentResources describes the requested resources for userID, and
// returns the scopes that are permissions of one of them (not to be listed
// again as plain scopes). A resource that no longer exists is shown by its
// indicator alone.
func (p *Pages) consentResources(ctx context.Context, userID string, indicators, scopes []string) ([]consentResource, map[string]bool, error) {
	st := p.Applications.Store
	var out []consentResource
	isPermission := map[string]bool{}
	for _, ind := range indicators {
		res, held, err := st.UserResourcePermissions(ctx, userID, ind)
		if errors.Is(err, store.ErrNotFound) {
			out = append(out, consentResource{Indicator: ind})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		all, _, err := st.ListScopes(ctx, res.ID, "", store.Page{})
		if err != nil {
			return nil, nil, err
		}
		cr := consentResource{Name: res.Name, Indicator: ind}
		for _, sc := range all {
			if !slices.Contains(scopes, sc.Name) {
				continue
			}
			isPermission[sc.Name] = true
			if slices.Contains(held, sc.Name) {
				cr.Permissions = append(cr.Permissions, consentPermission{Name: sc.Name, Description: sc.Description})
			}
		}
		out = append(out, cr)
	}
	return out, isPermission, nil
}
