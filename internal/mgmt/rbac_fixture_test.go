package mgmt_test

import (
	"slices"
	"strings"
	"testing"
)

// rbacFixture creates what the RBAC operations of
// TestEveryDocumentedOperation need: permissions of the resource resID,
// User and MachineToMachine roles, and a machine-to-machine application.
// It returns the request bodies by operationId and the path parameters by
// path prefix, chosen so that, in the order that test runs operations,
// every request succeeds (each deletion removes what an earlier request
// made).
type rbacFixture struct {
	bodies map[string]string
	params map[string]map[string]string // path prefix -> parameter -> value
}

func newRBACFixture(t *testing.T, c *client, resID, userID string) rbacFixture {
	t.Helper()
	id := func(r response) string {
		t.Helper()
		v, _ := r.object()["id"].(string)
		if v == "" {
			t.Fatalf("rbac fixture: %d %s", r.status, r.raw)
		}
		return v
	}
	scopeA := id(c.do("POST", "/api/resources/"+resID+"/scopes", `{"name":"read:doc","description":"read"}`))
	scopeB := id(c.do("POST", "/api/resources/"+resID+"/scopes", `{"name":"write:doc"}`))
	role := func(name, typ string) string {
		return id(c.do("POST", "/api/roles", `{"name":"`+name+`","description":"fixture","type":"`+typ+`"}`))
	}
	userRole, userRole2 := role("doc user role", "User"), role("doc user role 2", "User")
	m2mRole, m2mRole2 := role("doc m2m role", "MachineToMachine"), role("doc m2m role 2", "MachineToMachine")
	m2mApp := id(c.do("POST", "/api/applications", `{"name":"doc robot","type":"MachineToMachine"}`))
	list := func(ids ...string) string { return `["` + strings.Join(ids, `","`) + `"]` }
	return rbacFixture{
		bodies: map[string]string{
			"UpdateResource":          `{"name":"Doc API 2","accessTokenTtl":600}`,
			"UpdateResourceIsDefault": `{"isDefault":true}`,
			"CreateResourceScope":     `{"name":"extra:doc"}`,
			"UpdateResourceScope":     `{"description":"changed"}`,
			"CreateRole":              `{"name":"doc role 3","description":"d","scopeIds":` + list(scopeA) + `}`,
			"UpdateRole":              `{"description":"changed"}`,
			"CreateRoleScopes":        `{"scopeIds":` + list(scopeA) + `}`,
			"CreateRoleUsers":         `{"userIds":` + list(userID) + `}`,
			"CreateRoleApplications":  `{"applicationIds":` + list(m2mApp) + `}`,
			"AssignUserRoles":         `{"roleIds":` + list(userRole2) + `}`,
			"ReplaceUserRoles":        `{"roleIds":` + list(userRole, userRole2) + `}`,
			// The application's routes run before the role's: leave
			// m2mRole for POST /api/roles/{id}/applications.
			"AssignApplicationRoles":  `{"roleIds":` + list(m2mRole2) + `}`,
			"ReplaceApplicationRoles": `{"roleIds":` + list(m2mRole2) + `}`,
		},
		params: map[string]map[string]string{
			"/api/resources/{resourceId}/":            {"resourceId": resID, "scopeId": scopeB},
			"/api/roles/{id}/applications":            {"id": m2mRole, "applicationId": m2mApp},
			"/api/roles/":                             {"id": userRole, "scopeId": scopeA, "userId": userID},
			"/api/users/{userId}/roles":               {"userId": userID, "roleId": userRole2},
			"/api/applications/{applicationId}/roles": {"applicationId": m2mApp, "roleId": m2mRole2},
		},
	}
}

// fill puts the fixture's parameters into path, the longest matching
// prefix first.
func (f rbacFixture) fill(path string) string {
	prefixes := make([]string, 0, len(f.params))
	for p := range f.params {
		prefixes = append(prefixes, p)
	}
	slices.SortFunc(prefixes, func(a, b string) int { return len(b) - len(a) })
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			for name, v := range f.params[p] {
				path = strings.ReplaceAll(path, "{"+name+"}", v)
			}
		}
	}
	return path
}
