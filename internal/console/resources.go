package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// API resources: the list, creation, and the details page (name and token
// lifetime, the default-resource toggle, permissions, deletion). Every
// change goes through rbac.Service, as /api/resources and
// /api/resources/{id}/scopes do. The Management API's own resource is
// listed but cannot be changed.
func (c *Console) resourceRoutes(rt *router) {
	rt.Page("/console/api-resources", c.resources)
	rt.Page("/console/api-resources/new", c.resourceCreateForm)
	rt.Action("/console/api-resources", c.createResource)
	rt.Page("/console/api-resources/{id}", c.resourceDetails)
	rt.Action("/console/api-resources/{id}", c.updateResource)
	rt.Action("/console/api-resources/{id}/default", c.setDefaultResource)
	rt.Action("/console/api-resources/{id}/permissions", c.addPermission)
	rt.Action("/console/api-resources/{id}/permissions/delete", c.deletePermission)
	rt.Action("/console/api-resources/{id}/delete", c.deleteResource)
}

type resourcesData struct {
	Page
	Resources []*store.Resource
}

func (c *Console) resources(w http.ResponseWriter, r *http.Request, a *Admin) {
	list, err := c.o.RBAC.ListResources(r.Context())
	if err != nil {
		c.fail(w, r, "list resources", err)
		return
	}
	c.show(w, r, a, "api-resources", resourcesData{Page: c.page(r, a, "api-resources", "res.title"), Resources: list})
}

type resourceCreateData struct {
	Page
	Form *Form
}

func (c *Console) resourceCreateForm(w http.ResponseWriter, r *http.Request, a *Admin) {
	f := NewForm(nil)
	f.Values.Set("accessTokenTtl", "3600")
	c.show(w, r, a, "api-resources-create", resourceCreateData{Page: c.page(r, a, "api-resources", "res.create"), Form: f})
}

// resourceFields maps rbac.Service's field names to the forms'.
func resourceFields(tr translator) fieldMap {
	return func(apiField string) (string, string) {
		switch apiField {
		case "name":
			return "name", tr.T("res.name")
		case "indicator":
			return "indicator", tr.T("res.indicator")
		case "accessTokenTtl":
			return "accessTokenTtl", tr.T("res.ttl")
		}
		return "", ""
	}
}

// ttlOf reads the token lifetime field (seconds); false, with the field
// failed, when it is not a whole number.
func ttlOf(f *Form, tr translator, s string) (time.Duration, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > 1<<31 {
		f.Fail("accessTokenTtl", tr.T("res.ttl"), tr.T("res.ttl_invalid"))
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// createResource is POST /console/api-resources (as POST /api/resources).
func (c *Console) createResource(w http.ResponseWriter, r *http.Request, a *Admin) {
	form := NewForm(r.PostForm)
	in := rbac.NewResource{Name: strings.TrimSpace(r.PostForm.Get("name")), Indicator: strings.TrimSpace(r.PostForm.Get("indicator"))}
	if in.Name == "" {
		form.Fail("name", a.Tr.T("res.name"), a.Tr.T("form.required"))
	}
	ttl, ok := ttlOf(form, a.Tr, r.PostForm.Get("accessTokenTtl"))
	if ok && ttl == 0 {
		// 0 would mean the default to the service; here it is a typo.
		form.Fail("accessTokenTtl", a.Tr.T("res.ttl"), a.Tr.T("res.ttl_invalid"))
	}
	in.AccessTokenTTL = ttl
	var res *store.Resource
	if !form.HasErrors() {
		var err error
		res, err = c.o.RBAC.CreateResource(r.Context(), in)
		if err != nil && !formError(form, a.Tr, "name", a.Tr.T("res.name"), resourceFields(a.Tr), err) {
			c.fail(w, r, "create resource", err)
			return
		}
	}
	if form.HasErrors() {
		c.render(w, r, a.Lang, http.StatusBadRequest, "api-resources-create",
			resourceCreateData{Page: c.page(r, a, "api-resources", "res.create"), Form: form})
		return
	}
	c.log(r.Context()).Info("console: resource created", "resource_id", res.ID, "admin", a.User.ID)
	c.done(w, r, "/api-resources/"+res.ID, "notice.resource_created")
}

func (c *Console) resourceByPath(w http.ResponseWriter, r *http.Request) (*store.Resource, bool) {
	res, err := c.o.RBAC.GetResource(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.notFound(w, r)
		return nil, false
	}
	if err != nil {
		c.fail(w, r, "load resource", err)
		return nil, false
	}
	return res, true
}

type resourceDetailsData struct {
	Page
	Resource *store.Resource
	// Locked: the Management API, which cannot be changed.
	Locked         bool
	TTLSeconds     int64
	Scopes         []*store.Scope
	Form           *Form // settings
	PermissionForm *Form
	DeleteForm     *Form
}

func (c *Console) resourceData(r *http.Request, a *Admin, res *store.Resource) (resourceDetailsData, error) {
	scopes, _, err := c.o.RBAC.ListScopes(r.Context(), res.ID, "", store.Page{})
	if err != nil {
		return resourceDetailsData{}, err
	}
	ttl := int64(res.AccessTokenTTL / time.Second)
	settings := NewForm(nil)
	settings.Values.Set("name", res.Name)
	settings.Values.Set("accessTokenTtl", strconv.FormatInt(ttl, 10))
	return resourceDetailsData{Page: c.page(r, a, "api-resources", "res.details", "name", res.Name), Resource: res,
		Locked: res.Indicator == store.ManagementAPIIndicator, TTLSeconds: ttl, Scopes: scopes, Form: settings,
		PermissionForm: NewForm(nil), DeleteForm: NewForm(nil)}, nil
}

func (c *Console) resourceDetails(w http.ResponseWriter, r *http.Request, a *Admin) {
	res, ok := c.resourceByPath(w, r)
	if !ok {
		return
	}
	d, err := c.resourceData(r, a, res)
	if err != nil {
		c.fail(w, r, "list permissions", err)
		return
	}
	c.show(w, r, a, "api-resources-details", d)
}

func (c *Console) resourceAgain(w http.ResponseWriter, r *http.Request, a *Admin, res *store.Resource, set func(*resourceDetailsData)) {
	d, err := c.resourceData(r, a, res)
	if err != nil {
		c.fail(w, r, "list permissions", err)
		return
	}
	set(&d)
	c.render(w, r, a.Lang, http.StatusBadRequest, "api-resources-details", d)
}

// updateResource saves the name and token lifetime (as PATCH
// /api/resources/{id}).
func (c *Console) updateResource(w http.ResponseWriter, r *http.Request, a *Admin) {
	res, ok := c.resourceByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		form.Fail("name", a.Tr.T("res.name"), a.Tr.T("form.required"))
	}
	ttl, _ := ttlOf(form, a.Tr, r.PostForm.Get("accessTokenTtl"))
	if !form.HasErrors() {
		_, err := c.o.RBAC.UpdateResource(r.Context(), res.ID, rbac.ResourcePatch{Name: &name, AccessTokenTTL: &ttl})
		if err != nil && !formError(form, a.Tr, "name", a.Tr.T("res.name"), resourceFields(a.Tr), err) {
			c.fail(w, r, "update resource", err)
			return
		}
	}
	if form.HasErrors() {
		c.resourceAgain(w, r, a, res, func(d *resourceDetailsData) { d.Form = form })
		return
	}
	c.done(w, r, "/api-resources/"+res.ID, "notice.saved")
}

// setDefaultResource makes the resource the default one (isDefault=on) or
// not (as PATCH /api/resources/{id}/is-default).
func (c *Console) setDefaultResource(w http.ResponseWriter, r *http.Request, a *Admin) {
	res, ok := c.resourceByPath(w, r)
	if !ok {
		return
	}
	if _, err := c.o.RBAC.SetDefaultResource(r.Context(), res.ID, r.PostForm.Get("isDefault") == "on"); err != nil {
		if isNotFound(err) {
			c.notFound(w, r)
			return
		}
		c.fail(w, r, "set default resource", err)
		return
	}
	c.done(w, r, "/api-resources/"+res.ID, "notice.saved")
}

// addPermission adds a permission (as POST /api/resources/{id}/scopes).
func (c *Console) addPermission(w http.ResponseWriter, r *http.Request, a *Admin) {
	res, ok := c.resourceByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	in := rbac.NewScope{Name: strings.TrimSpace(r.PostForm.Get("permission")), Description: strings.TrimSpace(r.PostForm.Get("permissionDescription"))}
	_, err := c.o.RBAC.CreateScope(r.Context(), res.ID, in)
	if err != nil && !formError(form, a.Tr, "permission", a.Tr.T("res.permission"), func(f string) (string, string) {
		if f == "description" {
			return "permissionDescription", a.Tr.T("res.permission_description")
		}
		return "permission", a.Tr.T("res.permission")
	}, err) {
		c.fail(w, r, "add permission", err)
		return
	}
	if form.HasErrors() {
		c.resourceAgain(w, r, a, res, func(d *resourceDetailsData) { d.PermissionForm = form })
		return
	}
	c.done(w, r, "/api-resources/"+res.ID+"#permissions", "notice.permission_added")
}

// deletePermission removes a permission (scopeId), from every role too (as
// DELETE /api/resources/{id}/scopes/{scopeId}).
func (c *Console) deletePermission(w http.ResponseWriter, r *http.Request, a *Admin) {
	res, ok := c.resourceByPath(w, r)
	if !ok {
		return
	}
	err := c.o.RBAC.DeleteScope(r.Context(), res.ID, r.PostForm.Get("scopeId"))
	var re *rbac.Error
	switch {
	case isNotFound(err):
		c.notFound(w, r)
	case errors.As(err, &re):
		c.errorPage(w, r, http.StatusBadRequest, "res.locked")
	case err != nil:
		c.fail(w, r, "delete permission", err)
	default:
		c.done(w, r, "/api-resources/"+res.ID+"#permissions", "notice.permission_deleted")
	}
}

// deleteResource removes the resource once its name is typed to confirm
// (as DELETE /api/resources/{id}).
func (c *Console) deleteResource(w http.ResponseWriter, r *http.Request, a *Admin) {
	res, ok := c.resourceByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	if r.PostForm.Get("confirmName") != res.Name {
		form.Fail("confirmName", a.Tr.T("res.delete_confirm"), a.Tr.T("res.delete_mismatch"))
	} else if err := c.o.RBAC.DeleteResource(r.Context(), res.ID); err != nil && !isNotFound(err) &&
		!formError(form, a.Tr, "confirmName", a.Tr.T("res.delete_confirm"), nil, err) {
		c.fail(w, r, "delete resource", err)
		return
	}
	if form.HasErrors() {
		c.resourceAgain(w, r, a, res, func(d *resourceDetailsData) { d.DeleteForm = form })
		return
	}
	c.log(r.Context()).Info("console: resource deleted", "resource_id", res.ID, "admin", a.User.ID)
	c.done(w, r, "/api-resources", "notice.resource_deleted")
}
