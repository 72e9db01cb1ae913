package console

import (
	"net/http"

	"github.com/monban-dev/monban/internal/store"
)

// The user's Roles tab: the User roles assigned (each removable) and the
// others to assign, through rbac.Service (as GET/POST/DELETE
// /api/users/{id}/roles).
func (c *Console) userRoleRoutes(rt *router) {
	rt.Page("/console/users/{id}/roles", c.userRoles)
	rt.Action("/console/users/{id}/roles", c.assignUserRoles)
	rt.Action("/console/users/{id}/roles/delete", c.removeUserRole)
}

type userRolesData struct {
	Page
	User      *store.User
	Label     string
	Tab       string
	Roles     []*store.Role // assigned
	Available []*store.Role // User roles not assigned
	Form      *Form
}

func (c *Console) userRolesData(r *http.Request, a *Admin, u *store.User) (userRolesData, error) {
	ctx := r.Context()
	held, _, err := c.o.RBAC.ListUserRoles(ctx, u.ID, "", store.Page{})
	if err != nil {
		return userRolesData{}, err
	}
	others, _, err := c.o.RBAC.ListRoles(ctx, store.RoleFilter{Type: store.RoleUser, ExcludeUserID: u.ID}, store.Page{})
	if err != nil {
		return userRolesData{}, err
	}
	return userRolesData{Page: c.page(r, a, "users", "users.details", "name", userLabel(u)), User: u, Label: userLabel(u), Tab: "roles",
		Roles: held, Available: others, Form: NewForm(nil)}, nil
}

func (c *Console) userRoles(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	d, err := c.userRolesData(r, a, u)
	if err != nil {
		c.fail(w, r, "list user roles", err)
		return
	}
	c.show(w, r, a, "users-roles", d)
}

// assignUserRoles gives the user the roles ticked (roleIds).
func (c *Console) assignUserRoles(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	label := a.Tr.T("roles.assign")
	ids := r.PostForm["roleIds"]
	if len(ids) == 0 {
		form.Fail("roleIds", label, a.Tr.T("roles.pick_one"))
	} else if _, err := c.o.RBAC.AddUserRoles(r.Context(), u.ID, ids); err != nil &&
		!formError(form, a.Tr, "roleIds", label, nil, err) {
		c.fail(w, r, "assign roles", err)
		return
	}
	if form.HasErrors() {
		d, err := c.userRolesData(r, a, u)
		if err != nil {
			c.fail(w, r, "list user roles", err)
			return
		}
		d.Form = form
		c.render(w, r, a.Lang, http.StatusBadRequest, "users-roles", d)
		return
	}
	c.done(w, r, "/users/"+u.ID+"/roles", "notice.roles_assigned")
}

// removeUserRole takes one role (roleId) from the user.
func (c *Console) removeUserRole(w http.ResponseWriter, r *http.Request, a *Admin) {
	u, ok := c.userByPath(w, r)
	if !ok {
		return
	}
	if err := c.o.RBAC.RemoveUserRole(r.Context(), u.ID, r.PostForm.Get("roleId")); err != nil {
		if isNotFound(err) {
			c.notFound(w, r)
			return
		}
		c.fail(w, r, "remove role", err)
		return
	}
	c.done(w, r, "/users/"+u.ID+"/roles", "notice.role_removed")
}
