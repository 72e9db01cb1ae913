package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// Roles: the list (search, type, pages), creation with first permissions,
// and the details page (settings with the default-role toggle,
// permissions; assigned users or machine-to-machine applications on a tab
// of their own, roles_assign.go). Every change goes through rbac.Service,
// as /api/roles... does.
func (c *Console) roleRoutes(rt *router) {
	rt.Page("/console/roles", c.roles)
	rt.Page("/console/roles/new", c.roleCreateForm)
	rt.Action("/console/roles", c.createRole)
	rt.Page("/console/roles/{id}", c.roleDetails)
	rt.Action("/console/roles/{id}", c.updateRole)
	rt.Action("/console/roles/{id}/permissions", c.addRolePermissions)
	rt.Action("/console/roles/{id}/permissions/delete", c.removeRolePermission)
	rt.Action("/console/roles/{id}/delete", c.deleteRole)
	c.roleAssignRoutes(rt)
}

type rolesData struct {
	Page
	Search, Type string
	Roles        []*store.Role
	Pager        Pager
}

func (c *Console) roles(w http.ResponseWriter, r *http.Request, a *Admin) {
	q := r.URL.Query()
	f := store.RoleFilter{Search: strings.TrimSpace(q.Get("search")), Type: store.RoleType(q.Get("type"))}
	if len(f.Search) > 128 {
		f.Search = f.Search[:128]
	}
	if !f.Type.Valid() {
		f.Type = ""
	}
	p := pageOf(r)
	list, total, err := c.o.RBAC.ListRoles(r.Context(), f, p)
	if err != nil {
		c.fail(w, r, "list roles", err)
		return
	}
	c.show(w, r, a, "roles", rolesData{Page: c.page(r, a, "roles", "roles.title"), Search: f.Search, Type: string(f.Type),
		Roles: list, Pager: c.pager("/roles", url.Values{"search": {f.Search}, "type": {string(f.Type)}}, p, total)})
}

// scopeGroup is a resource with permissions to choose from.
type scopeGroup struct {
	Resource *store.Resource
	Scopes   []*store.Scope
}

// scopeChoices lists every resource's permissions except those in held
// (resources without any left are skipped).
func (c *Console) scopeChoices(r *http.Request, held map[string]bool) ([]scopeGroup, error) {
	resources, err := c.o.RBAC.ListResources(r.Context())
	if err != nil {
		return nil, err
	}
	var out []scopeGroup
	for _, res := range resources {
		scopes, _, err := c.o.RBAC.ListScopes(r.Context(), res.ID, "", store.Page{})
		if err != nil {
			return nil, err
		}
		g := scopeGroup{Resource: res}
		for _, s := range scopes {
			if !held[s.ID] {
				g.Scopes = append(g.Scopes, s)
			}
		}
		if len(g.Scopes) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

type roleCreateData struct {
	Page
	Form   *Form
	Scopes []scopeGroup
}

func (c *Console) roleCreate(w http.ResponseWriter, r *http.Request, a *Admin, status int, form *Form) {
	groups, err := c.scopeChoices(r, nil)
	if err != nil {
		c.fail(w, r, "list permissions", err)
		return
	}
	c.render(w, r, a.Lang, status, "roles-create", roleCreateData{Page: c.page(r, a, "roles", "roles.create"), Form: form, Scopes: groups})
}

func (c *Console) roleCreateForm(w http.ResponseWriter, r *http.Request, a *Admin) {
	f := NewForm(nil)
	f.Values.Set("type", string(store.RoleUser))
	c.roleCreate(w, r, a, http.StatusOK, f)
}

func roleFields(tr translator) fieldMap {
	return func(apiField string) (string, string) {
		switch {
		case apiField == "name":
			return "name", tr.T("roles.name")
		case apiField == "description":
			return "description", tr.T("roles.description")
		case apiField == "type":
			return "type", tr.T("roles.type")
		case strings.HasPrefix(apiField, "scopeIds"):
			return "scopeIds", tr.T("roles.permissions")
		}
		return "", ""
	}
}

// createRole is POST /console/roles (as POST /api/roles).
func (c *Console) createRole(w http.ResponseWriter, r *http.Request, a *Admin) {
	form := NewForm(r.PostForm)
	in := rbac.NewRole{Name: strings.TrimSpace(r.PostForm.Get("name")), Description: strings.TrimSpace(r.PostForm.Get("description")),
		Type: store.RoleType(r.PostForm.Get("type")), ScopeIDs: r.PostForm["scopeIds"]}
	if in.Name == "" {
		form.Fail("name", a.Tr.T("roles.name"), a.Tr.T("form.required"))
	}
	if !in.Type.Valid() {
		form.Fail("type", a.Tr.T("roles.type"), a.Tr.T("roles.type_invalid"))
	}
	var role *store.Role
	if !form.HasErrors() {
		var err error
		role, err = c.o.RBAC.CreateRole(r.Context(), in)
		if err != nil && !formError(form, a.Tr, roleErrField(err), roleErrLabel(a.Tr, err), roleFields(a.Tr), err) {
			c.fail(w, r, "create role", err)
			return
		}
	}
	if form.HasErrors() {
		c.roleCreate(w, r, a, http.StatusBadRequest, form)
		return
	}
	c.log(r.Context()).Info("console: role created", "role_id", role.ID, "admin", a.User.ID)
	c.done(w, r, "/roles/"+role.ID, "notice.role_created")
}

// roleErrField is the form field an rbac refusal of a role is about: the
// name when it is taken, else the permissions.
func roleErrField(err error) string {
	var re *rbac.Error
	if errors.As(err, &re) && re.Code == "role.name_in_use" {
		return "name"
	}
	return "scopeIds"
}

func roleErrLabel(tr translator, err error) string {
	if roleErrField(err) == "name" {
		return tr.T("roles.name")
	}
	return tr.T("roles.permissions")
}

func (c *Console) roleByPath(w http.ResponseWriter, r *http.Request) (*store.Role, bool) {
	role, err := c.o.RBAC.GetRole(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.notFound(w, r)
		return nil, false
	}
	if err != nil {
		c.fail(w, r, "load role", err)
		return nil, false
	}
	return role, true
}

type roleDetailsData struct {
	Page
	Role *store.Role
	Tab  string
	// Builtin: the Management API access role (its permission is fixed).
	Builtin        bool
	Scopes         []*store.ScopeWithResource // held
	Available      []scopeGroup
	Form           *Form // settings
	PermissionForm *Form
	DeleteForm     *Form
}

func (c *Console) roleData(r *http.Request, a *Admin, role *store.Role) (roleDetailsData, error) {
	held, _, err := c.o.RBAC.ListRoleScopes(r.Context(), role.ID, "", store.Page{})
	if err != nil {
		return roleDetailsData{}, err
	}
	heldIDs := map[string]bool{}
	for _, s := range held {
		heldIDs[s.ID] = true
	}
	avail, err := c.scopeChoices(r, heldIDs)
	if err != nil {
		return roleDetailsData{}, err
	}
	settings := NewForm(nil)
	settings.Values.Set("name", role.Name)
	settings.Values.Set("description", role.Description)
	if role.IsDefault {
		settings.Values.Set("isDefault", "on")
	}
	return roleDetailsData{Page: c.page(r, a, "roles", "roles.details", "name", role.Name), Role: role, Tab: "permissions",
		Builtin: role.ID == store.ManagementAPIAccessRoleID, Scopes: held, Available: avail, Form: settings,
		PermissionForm: NewForm(nil), DeleteForm: NewForm(nil)}, nil
}

func (c *Console) roleDetails(w http.ResponseWriter, r *http.Request, a *Admin) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	d, err := c.roleData(r, a, role)
	if err != nil {
		c.fail(w, r, "list role permissions", err)
		return
	}
	c.show(w, r, a, "roles-details", d)
}

func (c *Console) roleAgain(w http.ResponseWriter, r *http.Request, a *Admin, role *store.Role, set func(*roleDetailsData)) {
	d, err := c.roleData(r, a, role)
	if err != nil {
		c.fail(w, r, "list role permissions", err)
		return
	}
	set(&d)
	c.render(w, r, a.Lang, http.StatusBadRequest, "roles-details", d)
}

// updateRole saves the name, description and (User roles) the default
// toggle: a default role is given to every new user (as PATCH
// /api/roles/{id}).
func (c *Console) updateRole(w http.ResponseWriter, r *http.Request, a *Admin) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	name, desc := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("description"))
	isDefault := r.PostForm.Get("isDefault") == "on"
	if name == "" {
		form.Fail("name", a.Tr.T("roles.name"), a.Tr.T("form.required"))
	}
	if !form.HasErrors() {
		_, err := c.o.RBAC.UpdateRole(r.Context(), role.ID, rbac.RolePatch{Name: &name, Description: &desc, IsDefault: &isDefault})
		if err != nil && !formError(form, a.Tr, "name", a.Tr.T("roles.name"), roleFields(a.Tr), err) {
			c.fail(w, r, "update role", err)
			return
		}
	}
	if form.HasErrors() {
		c.roleAgain(w, r, a, role, func(d *roleDetailsData) { d.Form = form })
		return
	}
	c.done(w, r, "/roles/"+role.ID, "notice.saved")
}

// addRolePermissions gives the role the permissions ticked (scopeIds), as
// POST /api/roles/{id}/scopes.
func (c *Console) addRolePermissions(w http.ResponseWriter, r *http.Request, a *Admin) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	label := a.Tr.T("roles.add_permissions")
	ids := r.PostForm["scopeIds"]
	if len(ids) == 0 {
		form.Fail("scopeIds", label, a.Tr.T("roles.pick_permission"))
	} else if err := c.o.RBAC.AddRoleScopes(r.Context(), role.ID, ids); err != nil &&
		!formError(form, a.Tr, "scopeIds", label, nil, err) {
		c.fail(w, r, "add role permissions", err)
		return
	}
	if form.HasErrors() {
		c.roleAgain(w, r, a, role, func(d *roleDetailsData) { d.PermissionForm = form })
		return
	}
	c.done(w, r, "/roles/"+role.ID+"#permissions", "notice.permissions_added")
}

// removeRolePermission takes one permission (scopeId) from the role (as
// DELETE /api/roles/{id}/scopes/{scopeId}).
func (c *Console) removeRolePermission(w http.ResponseWriter, r *http.Request, a *Admin) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	if err := c.o.RBAC.RemoveRoleScope(r.Context(), role.ID, r.PostForm.Get("scopeId")); err != nil {
		if isNotFound(err) {
			c.notFound(w, r)
			return
		}
		c.fail(w, r, "remove role permission", err)
		return
	}
	c.done(w, r, "/roles/"+role.ID+"#permissions", "notice.permission_removed")
}

// deleteRole removes the role and its assignments once its name is typed
// to confirm (as DELETE /api/roles/{id}).
func (c *Console) deleteRole(w http.ResponseWriter, r *http.Request, a *Admin) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	if r.PostForm.Get("confirmName") != role.Name {
		form.Fail("confirmName", a.Tr.T("roles.delete_confirm"), a.Tr.T("roles.delete_mismatch"))
		c.roleAgain(w, r, a, role, func(d *roleDetailsData) { d.DeleteForm = form })
		return
	}
	if err := c.o.RBAC.DeleteRole(r.Context(), role.ID); err != nil && !isNotFound(err) {
		c.fail(w, r, "delete role", err)
		return
	}
	c.log(r.Context()).Info("console: role deleted", "role_id", role.ID, "admin", a.User.ID)
	c.done(w, r, "/roles", "notice.role_deleted")
}
