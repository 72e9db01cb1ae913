package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/store"
)

// A role's assignments tab: the users who have a User role, or the
// machine-to-machine applications that have a MachineToMachine role, each
// removable, and a form to add more (users found by a search, so the page
// needs no script), through rbac.Service as /api/roles/{id}/users and
// /api/roles/{id}/applications do.
func (c *Console) roleAssignRoutes(rt *router) {
	rt.Page("/console/roles/{id}/assignments", c.roleAssignments)
	rt.Action("/console/roles/{id}/users", c.assignRoleUsers)
	rt.Action("/console/roles/{id}/users/delete", c.removeRoleUser)
	rt.Action("/console/roles/{id}/applications", c.assignRoleApps)
	rt.Action("/console/roles/{id}/applications/delete", c.removeRoleApp)
}

// candidate is a user or application that may be given the role.
type candidate struct {
	ID, Label, Detail string
}

type roleAssignData struct {
	Page
	Role  *store.Role
	Tab   string
	IsM2M bool
	Users []*store.User
	Apps  []*store.Application
	Pager Pager
	// Search finds users to add; Candidates are the users it found (or
	// every M2M application) that do not have the role yet.
	Search     string
	Candidates []candidate
	Form       *Form
}

func (c *Console) roleAssignData(r *http.Request, a *Admin, role *store.Role) (roleAssignData, error) {
	ctx := r.Context()
	q := r.URL.Query()
	p := pageOf(r)
	d := roleAssignData{Page: c.page(r, a, "roles", "roles.details", "name", role.Name), Role: role, Tab: "assignments",
		IsM2M: role.Type == store.RoleMachineToMachine, Form: NewForm(nil)}
	if d.IsM2M {
		apps, total, err := c.o.RBAC.ListRoleApplications(ctx, role.ID, "", p)
		if err != nil {
			return d, err
		}
		d.Apps = apps
		d.Pager = c.pager("/roles/"+role.ID+"/assignments", nil, p, total)
		all, _, err := c.o.Store.ListApplications(ctx, store.Page{})
		if err != nil {
			return d, err
		}
		assigned, _, err := c.o.RBAC.ListRoleApplications(ctx, role.ID, "", store.Page{})
		if err != nil {
			return d, err
		}
		has := map[string]bool{}
		for _, app := range assigned {
			has[app.ID] = true
		}
		for _, app := range all {
			if app.Type == store.AppMachineToMachine && !has[app.ID] {
				d.Candidates = append(d.Candidates, candidate{ID: app.ID, Label: app.Name, Detail: app.ID})
			}
		}
		return d, nil
	}
	users, total, err := c.o.RBAC.ListRoleUsers(ctx, role.ID, "", p)
	if err != nil {
		return d, err
	}
	d.Users = users
	d.Search = strings.TrimSpace(q.Get("search"))
	if len(d.Search) > 256 {
		d.Search = d.Search[:256]
	}
	d.Pager = c.pager("/roles/"+role.ID+"/assignments", url.Values{"search": {d.Search}}, p, total)
	if d.Search != "" {
		found, _, err := c.o.Store.SearchUsers(ctx, d.Search, store.Page{Number: 1, Size: listPageSize})
		if err != nil {
			return d, err
		}
		held, _, err := c.o.RBAC.ListRoleUsers(ctx, role.ID, d.Search, store.Page{})
		if err != nil {
			return d, err
		}
		has := map[string]bool{}
		for _, u := range held {
			has[u.ID] = true
		}
		for _, u := range found {
			if !has[u.ID] {
				detail := u.PrimaryEmail
				if detail == "" {
					detail = u.PrimaryPhone
				}
				d.Candidates = append(d.Candidates, candidate{ID: u.ID, Label: userLabel(u), Detail: detail})
			}
		}
	}
	return d, nil
}

func (c *Console) roleAssignments(w http.ResponseWriter, r *http.Request, a *Admin) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	d, err := c.roleAssignData(r, a, role)
	if err != nil {
		c.fail(w, r, "list role assignments", err)
		return
	}
	c.show(w, r, a, "roles-assignments", d)
}

// assign adds the ticked ids (field) with add, or shows the tab again with
// the error.
func (c *Console) assign(w http.ResponseWriter, r *http.Request, a *Admin, field string, add func(*store.Role, []string) error) {
	role, ok := c.roleByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	label := a.Tr.T("roles.assign")
	ids := r.PostForm[field]
	if len(ids) == 0 {
		form.Fail(field, label, a.Tr.T("roles.pick_one"))
	} else if err := add(role, ids); err != nil && !formError(form, a.Tr, field, label, nil, err) {
		c.fail(w, r, "assign role", err)
		return
	}
	if form.HasErrors() {
		d, err := c.roleAssignData(r, a, role)
		if err != nil {
			c.fail(w, r, "list role assignments", err)
			return
		}
		d.Form = form
		c.render(w, r, a.Lang, http.StatusBadRequest, "roles-assignments", d)
		return
	}
	c.done(w, r, "/roles/"+role.ID+"/assignments", "notice.roles_assigned")
}

// assignRoleUsers gives the role to the users ticked (as POST
// /api/roles/{id}/users).
func (c *Console) assignRoleUsers(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.assign(w, r, a, "userIds", func(role *store.Role, ids []string) error {
		return c.o.RBAC.AssignRoleUsers(r.Context(), role.ID, ids)
	})
}

// assignRoleApps gives the role to the applications ticked (as POST
// /api/roles/{id}/applications).
func (c *Console) assignRoleApps(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.assign(w, r, a, "applicationIds", func(role *store.Role, ids []string) error {
		return c.o.RBAC.AssignRoleApplications(r.Context(), role.ID, ids)
	})
}

// unassign takes the role from one subject (form field idField) with remove.
func (c *Console) unassign(w http.ResponseWriter, r *http.Request, what string, remove func(roleID, id string) error) {
	roleID := r.PathValue("id")
	if err := remove(roleID, r.PostForm.Get(what)); err != nil {
		if isNotFound(err) {
			c.notFound(w, r)
			return
		}
		c.fail(w, r, "remove role assignment", err)
		return
	}
	c.done(w, r, "/roles/"+roleID+"/assignments", "notice.assignment_removed")
}

func (c *Console) removeRoleUser(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.unassign(w, r, "userId", func(roleID, id string) error { return c.o.RBAC.RemoveRoleUser(r.Context(), roleID, id) })
}

func (c *Console) removeRoleApp(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.unassign(w, r, "applicationId", func(roleID, id string) error { return c.o.RBAC.RemoveRoleApplication(r.Context(), roleID, id) })
}
