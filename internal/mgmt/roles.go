package mgmt

import (
	"context"
	"net/http"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// RBAC routes, part 2: roles, their permissions, and who holds them
// (Logto's /api/roles, /api/users/{userId}/roles,
// /api/applications/{applicationId}/roles).

// roleJSON is Logto's role.
type roleJSON struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Type        store.RoleType `json:"type"`
	IsDefault   bool           `json:"isDefault"`
}

func toRoleJSON(r *store.Role) roleJSON {
	return roleJSON{ID: r.ID, Name: r.Name, Description: r.Description, Type: r.Type, IsDefault: r.IsDefault}
}

func toRolesJSON(roles []*store.Role) []roleJSON {
	out := make([]roleJSON, len(roles))
	for i, r := range roles {
		out[i] = toRoleJSON(r)
	}
	return out
}

type featuredUser struct {
	ID     string  `json:"id"`
	Avatar *string `json:"avatar"`
	Name   *string `json:"name"`
}

type featuredApplication struct {
	ID   string                `json:"id"`
	Name string                `json:"name"`
	Type store.ApplicationType `json:"type"`
}

// roleListJSON is a role in GET /api/roles, with Logto's counts and the
// first three users and applications holding it.
type roleListJSON struct {
	roleJSON
	UsersCount           int64                 `json:"usersCount"`
	FeaturedUsers        []featuredUser        `json:"featuredUsers"`
	ApplicationsCount    int64                 `json:"applicationsCount"`
	FeaturedApplications []featuredApplication `json:"featuredApplications"`
}

func (a *API) roleListItem(ctx context.Context, r *store.Role) (roleListJSON, error) {
	out := roleListJSON{roleJSON: toRoleJSON(r), FeaturedUsers: []featuredUser{}, FeaturedApplications: []featuredApplication{}}
	featured := store.Page{Number: 1, Size: 3}
	users, n, err := a.o.Store.ListRoleUsers(ctx, r.ID, "", featured)
	if err != nil {
		return out, err
	}
	out.UsersCount = n
	for _, u := range users {
		out.FeaturedUsers = append(out.FeaturedUsers, featuredUser{ID: u.ID, Avatar: optional(u.Avatar), Name: optional(u.Name)})
	}
	apps, n, err := a.o.Store.ListRoleApplications(ctx, r.ID, "", featured)
	if err != nil {
		return out, err
	}
	out.ApplicationsCount = n
	for _, app := range apps {
		out.FeaturedApplications = append(out.FeaturedApplications, featuredApplication{ID: app.ID, Name: app.Name, Type: app.Type})
	}
	return out, nil
}

// GET /api/roles (page, page_size, search, type, excludeUserId,
// excludeApplicationId)
func (a *API) listRoles(w http.ResponseWriter, r *http.Request) error {
	p, err := alwaysPaged(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	roles, total, err := a.o.RBAC.ListRoles(r.Context(), store.RoleFilter{Search: searchOf(r), Type: store.RoleType(q.Get("type")),
		ExcludeUserID: q.Get("excludeUserId"), ExcludeApplicationID: q.Get("excludeApplicationId")}, p)
	if err != nil {
		return err
	}
	out := make([]roleListJSON, len(roles))
	for i, role := range roles {
		if out[i], err = a.roleListItem(r.Context(), role); err != nil {
			return err
		}
	}
	writeList(w, total, out)
	return nil
}

// POST /api/roles {name, description, type?, isDefault?, scopeIds?}: the
// role; a taken name is 422 role.name_in_use.
func (a *API) createRole(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name        string         `json:"name"`
		Description *string        `json:"description"`
		Type        store.RoleType `json:"type"`
		IsDefault   bool           `json:"isDefault"`
		ScopeIDs    []string       `json:"scopeIds"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Description == nil {
		return invalidInput("description", "guard.invalid_input", "is required")
	}
	role, err := a.o.RBAC.CreateRole(r.Context(), rbac.NewRole{Name: in.Name, Description: *in.Description,
		Type: in.Type, IsDefault: in.IsDefault, ScopeIDs: in.ScopeIDs})
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, toRoleJSON(role))
	return nil
}

// GET /api/roles/{id}
func (a *API) getRole(w http.ResponseWriter, r *http.Request) error {
	role, err := a.o.RBAC.GetRole(r.Context(), r.PathValue("id"))
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, toRoleJSON(role))
	return nil
}

// PATCH /api/roles/{id} {name?, description?, isDefault?}
func (a *API) patchRole(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		IsDefault   *bool   `json:"isDefault"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	role, err := a.o.RBAC.UpdateRole(r.Context(), r.PathValue("id"), rbac.RolePatch{Name: in.Name, Description: in.Description, IsDefault: in.IsDefault})
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, toRoleJSON(role))
	return nil
}

// DELETE /api/roles/{id}: 204.
func (a *API) deleteRole(w http.ResponseWriter, r *http.Request) error {
	if err := a.o.RBAC.DeleteRole(r.Context(), r.PathValue("id")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /api/roles/{id}/scopes (optional page, page_size; search): the
// role's scopes, each with its resource.
func (a *API) listRoleScopes(w http.ResponseWriter, r *http.Request) error {
	p, _, err := pageOf(r)
	if err != nil {
		return err
	}
	scopes, total, err := a.o.RBAC.ListRoleScopes(r.Context(), r.PathValue("id"), searchOf(r), p)
	if err != nil {
		return rbacErr(err)
	}
	out := make([]scopeWithResourceJSON, len(scopes))
	for i, s := range scopes {
		out[i] = scopeWithResourceJSON{scopeJSON: toScopeJSON(&s.Scope), Resource: toResourceJSON(&s.Resource)}
	}
	writeList(w, total, out)
	return nil
}

// POST /api/roles/{id}/scopes {scopeIds}: 201, every scope the role now
// holds; one it held already is 422 role.scope_exists.
func (a *API) addRoleScopes(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ScopeIDs []string `json:"scopeIds"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := a.o.RBAC.AddRoleScopes(r.Context(), id, in.ScopeIDs); err != nil {
		return rbacErr(err)
	}
	scopes, _, err := a.o.RBAC.ListRoleScopes(r.Context(), id, "", store.Page{})
	if err != nil {
		return err
	}
	out := make([]scopeJSON, len(scopes))
	for i, s := range scopes {
		out[i] = toScopeJSON(&s.Scope)
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// DELETE /api/roles/{id}/scopes/{scopeId}: 204.
func (a *API) deleteRoleScope(w http.ResponseWriter, r *http.Request) error {
	if err := a.o.RBAC.RemoveRoleScope(r.Context(), r.PathValue("id"), r.PathValue("scopeId")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /api/roles/{id}/users (page, page_size, search)
func (a *API) listRoleUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := alwaysPaged(r)
	if err != nil {
		return err
	}
	users, total, err := a.o.RBAC.ListRoleUsers(r.Context(), r.PathValue("id"), searchOf(r), p)
	if err != nil {
		return rbacErr(err)
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		if out[i], err = a.toUserJSON(r.Context(), u); err != nil {
			return err
		}
	}
	writeList(w, total, out)
	return nil
}

// POST /api/roles/{id}/users {userIds}: 201. A User role only (else 422
// user.invalid_role_type); a user holding it already is 422 role.user_exists.
func (a *API) assignRoleUsers(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UserIDs []string `json:"userIds"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.o.RBAC.AssignRoleUsers(r.Context(), r.PathValue("id"), in.UserIDs); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// DELETE /api/roles/{id}/users/{userId}: 204.
func (a *API) deleteRoleUser(w http.ResponseWriter, r *http.Request) error {
	if err := a.o.RBAC.RemoveRoleUser(r.Context(), r.PathValue("id"), r.PathValue("userId")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /api/roles/{id}/applications (page, page_size, search)
func (a *API) listRoleApplications(w http.ResponseWriter, r *http.Request) error {
	p, err := alwaysPaged(r)
	if err != nil {
		return err
	}
	apps, total, err := a.o.RBAC.ListRoleApplications(r.Context(), r.PathValue("id"), searchOf(r), p)
	if err != nil {
		return rbacErr(err)
	}
	out := make([]applicationJSON, len(apps))
	for i, app := range apps {
		out[i] = toApplicationJSON(app)
	}
	writeList(w, total, out)
	return nil
}

// POST /api/roles/{id}/applications {applicationIds}: 201. A
// MachineToMachine role and machine-to-machine applications only (else
// 422); one holding it already is 422 role.application_exists.
func (a *API) assignRoleApplications(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ApplicationIDs []string `json:"applicationIds"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.o.RBAC.AssignRoleApplications(r.Context(), r.PathValue("id"), in.ApplicationIDs); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// DELETE /api/roles/{id}/applications/{applicationId}: 204.
func (a *API) deleteRoleApplication(w http.ResponseWriter, r *http.Request) error {
	if err := a.o.RBAC.RemoveRoleApplication(r.Context(), r.PathValue("id"), r.PathValue("applicationId")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// subjectRoles are the routes of /api/users/{userId}/roles and
// /api/applications/{applicationId}/roles, which differ only in the
// subject.
type subjectRoles struct {
	param  string
	list   func(ctx context.Context, id, search string, p store.Page) ([]*store.Role, int64, error)
	add    func(ctx context.Context, id string, roleIDs []string) ([]string, error)
	set    func(ctx context.Context, id string, roleIDs []string) error
	remove func(ctx context.Context, id, roleID string) error
}

func (a *API) userRoles() subjectRoles {
	return subjectRoles{param: "userId", list: a.o.RBAC.ListUserRoles, add: a.o.RBAC.AddUserRoles,
		set: a.o.RBAC.SetUserRoles, remove: a.o.RBAC.RemoveUserRole}
}

func (a *API) applicationRoles() subjectRoles {
	return subjectRoles{param: "applicationId", list: a.o.RBAC.ListApplicationRoles, add: a.o.RBAC.AddApplicationRoles,
		set: a.o.RBAC.SetApplicationRoles, remove: a.o.RBAC.RemoveApplicationRole}
}

// GET .../roles (page, page_size, search)
func (s subjectRoles) listHandler(w http.ResponseWriter, r *http.Request) error {
	p, err := alwaysPaged(r)
	if err != nil {
		return err
	}
	roles, total, err := s.list(r.Context(), r.PathValue(s.param), searchOf(r), p)
	if err != nil {
		return rbacErr(err)
	}
	writeList(w, total, toRolesJSON(roles))
	return nil
}

type roleIDsBody struct {
	RoleIDs *[]string `json:"roleIds"`
}

func decodeRoleIDs(w http.ResponseWriter, r *http.Request) ([]string, error) {
	var in roleIDsBody
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	if in.RoleIDs == nil {
		return nil, invalidInput("roleIds", "guard.invalid_input", "is required (an array of role ids)")
	}
	return *in.RoleIDs, nil
}

// POST .../roles {roleIds}: 201 {roleIds, addedRoleIds}; roles held
// already are left as they are.
func (s subjectRoles) addHandler(w http.ResponseWriter, r *http.Request) error {
	ids, err := decodeRoleIDs(w, r)
	if err != nil {
		return err
	}
	added, err := s.add(r.Context(), r.PathValue(s.param), ids)
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusCreated, map[string][]string{"roleIds": ids, "addedRoleIds": added})
	return nil
}

// PUT .../roles {roleIds}: 200 {roleIds}; the subject's roles become exactly
// these.
func (s subjectRoles) setHandler(w http.ResponseWriter, r *http.Request) error {
	ids, err := decodeRoleIDs(w, r)
	if err != nil {
		return err
	}
	if err := s.set(r.Context(), r.PathValue(s.param), ids); err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, map[string][]string{"roleIds": ids})
	return nil
}

// DELETE .../roles/{roleId}: 204.
func (s subjectRoles) deleteHandler(w http.ResponseWriter, r *http.Request) error {
	if err := s.remove(r.Context(), r.PathValue(s.param), r.PathValue("roleId")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rbacRoutes are the route-table entries of resources' changes, scopes,
// roles and role assignments (Logto's paths, methods and statuses).
func (a *API) rbacRoutes(auth func(method, path, id, summary, tag, req, resp string, status int, f func(http.ResponseWriter, *http.Request) error) route) []route {
	users, apps := a.userRoles(), a.applicationRoles()
	return []route{
		auth("PATCH", "/api/resources/{id}", "UpdateResource", "Update an API resource (name, accessTokenTtl)", "Resources", "ResourcePatch", "Resource", 200, a.patchResource),
		auth("PATCH", "/api/resources/{id}/is-default", "UpdateResourceIsDefault", "Make an API resource the default one, or not", "Resources", "ResourceIsDefault", "Resource", 200, a.patchResourceIsDefault),
		auth("DELETE", "/api/resources/{id}", "DeleteResource", "Delete an API resource and its permissions", "Resources", "", "", 204, a.deleteResource),
		auth("GET", "/api/resources/{resourceId}/scopes", "ListResourceScopes", "List an API resource's permissions (page, page_size, search)", "Resources", "", "[]Scope", 200, a.listResourceScopes),
		auth("POST", "/api/resources/{resourceId}/scopes", "CreateResourceScope", "Add a permission to an API resource", "Resources", "ScopeCreate", "Scope", 201, a.createResourceScope),
		auth("PATCH", "/api/resources/{resourceId}/scopes/{scopeId}", "UpdateResourceScope", "Update a permission", "Resources", "ScopePatch", "Scope", 200, a.patchResourceScope),
		auth("DELETE", "/api/resources/{resourceId}/scopes/{scopeId}", "DeleteResourceScope", "Delete a permission", "Resources", "", "", 204, a.deleteResourceScope),

		auth("GET", "/api/roles", "ListRoles", "List roles (page, page_size, search, type, excludeUserId, excludeApplicationId)", "Roles", "", "[]RoleListItem", 200, a.listRoles),
		auth("POST", "/api/roles", "CreateRole", "Create a role", "Roles", "RoleCreate", "Role", 200, a.createRole),
		auth("GET", "/api/roles/{id}", "GetRole", "Get a role", "Roles", "", "Role", 200, a.getRole),
		auth("PATCH", "/api/roles/{id}", "UpdateRole", "Update a role", "Roles", "RolePatch", "Role", 200, a.patchRole),
		auth("DELETE", "/api/roles/{id}", "DeleteRole", "Delete a role", "Roles", "", "", 204, a.deleteRole),
		auth("GET", "/api/roles/{id}/scopes", "ListRoleScopes", "List a role's permissions, with their resources", "Roles", "", "[]ScopeWithResource", 200, a.listRoleScopes),
		auth("POST", "/api/roles/{id}/scopes", "CreateRoleScopes", "Give a role permissions", "Roles", "RoleScopeIDs", "[]Scope", 201, a.addRoleScopes),
		auth("DELETE", "/api/roles/{id}/scopes/{scopeId}", "DeleteRoleScope", "Take a permission from a role", "Roles", "", "", 204, a.deleteRoleScope),
		auth("GET", "/api/roles/{id}/users", "ListRoleUsers", "List the users holding a role", "Roles", "", "[]User", 200, a.listRoleUsers),
		auth("POST", "/api/roles/{id}/users", "CreateRoleUsers", "Give a User role to users", "Roles", "RoleUserIDs", "", 201, a.assignRoleUsers),
		auth("DELETE", "/api/roles/{id}/users/{userId}", "DeleteRoleUser", "Take a role from a user", "Roles", "", "", 204, a.deleteRoleUser),
		auth("GET", "/api/roles/{id}/applications", "ListRoleApplications", "List the applications holding a role", "Roles", "", "[]Application", 200, a.listRoleApplications),
		auth("POST", "/api/roles/{id}/applications", "CreateRoleApplications", "Give a MachineToMachine role to applications", "Roles", "RoleApplicationIDs", "", 201, a.assignRoleApplications),
		auth("DELETE", "/api/roles/{id}/applications/{applicationId}", "DeleteRoleApplication", "Take a role from an application", "Roles", "", "", 204, a.deleteRoleApplication),

		auth("GET", "/api/users/{userId}/roles", "ListUserRoles", "List a user's roles", "Users", "", "[]Role", 200, users.listHandler),
		auth("POST", "/api/users/{userId}/roles", "AssignUserRoles", "Give a user roles", "Users", "RoleIDs", "RoleAssignment", 201, users.addHandler),
		auth("PUT", "/api/users/{userId}/roles", "ReplaceUserRoles", "Set a user's roles", "Users", "RoleIDs", "RoleAssignment", 200, users.setHandler),
		auth("DELETE", "/api/users/{userId}/roles/{roleId}", "DeleteUserRole", "Take a role from a user", "Users", "", "", 204, users.deleteHandler),
		auth("GET", "/api/applications/{applicationId}/roles", "ListApplicationRoles", "List a machine-to-machine application's roles", "Applications", "", "[]Role", 200, apps.listHandler),
		auth("POST", "/api/applications/{applicationId}/roles", "AssignApplicationRoles", "Give a machine-to-machine application roles", "Applications", "RoleIDs", "RoleAssignment", 201, apps.addHandler),
		auth("PUT", "/api/applications/{applicationId}/roles", "ReplaceApplicationRoles", "Set a machine-to-machine application's roles", "Applications", "RoleIDs", "RoleAssignment", 200, apps.setHandler),
		auth("DELETE", "/api/applications/{applicationId}/roles/{roleId}", "DeleteApplicationRole", "Take a role from an application", "Applications", "", "", 204, apps.deleteHandler),
	}
}
