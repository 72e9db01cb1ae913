package mgmt

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// RBAC routes, part 1: changing API resources and their permissions
// (Logto's /api/resources/{id} and /api/resources/{resourceId}/scopes).

// rbacErr maps the rbac domain's errors onto Logto's status and code:
// refusals 400, taken names 409 and other conflicts 422, unknown ids 404 naming the id.
func rbacErr(err error) error {
	var re *rbac.Error
	if errors.As(err, &re) {
		status := http.StatusBadRequest
		if re.Kind == rbac.Conflict {
			status = conflictStatus(re.Code)
		}
		var data any
		if re.Data != nil {
			data = re.Data
		}
		return &apiError{Status: status, Code: re.Code, Message: re.Message, Data: data}
	}
	var nf *rbac.NotFoundError
	if errors.As(err, &nf) {
		return notFound(nf.ID)
	}
	return err
}

// scopeJSON is Logto's scope (permission); description is null when empty.
type scopeJSON struct {
	ID          string  `json:"id"`
	ResourceID  string  `json:"resourceId"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	CreatedAt   int64   `json:"createdAt"`
}

func toScopeJSON(s *store.Scope) scopeJSON {
	return scopeJSON{ID: s.ID, ResourceID: s.ResourceID, Name: s.Name, Description: optional(s.Description),
		CreatedAt: s.CreatedAt.UnixMilli()}
}

// scopeWithResourceJSON is a scope with its resource (GET /api/roles/{id}/scopes).
type scopeWithResourceJSON struct {
	scopeJSON
	Resource resourceJSON `json:"resource"`
}

// searchOf is the search query parameter: a case-insensitive substring
// (Logto's "%" wrappers are dropped).
func searchOf(r *http.Request) string {
	return strings.Trim(strings.TrimSpace(r.URL.Query().Get("search")), "%")
}

// alwaysPaged reads page and page_size where Logto always pages (20 per
// page by default).
func alwaysPaged(r *http.Request) (store.Page, error) {
	p, paged, err := pageOf(r)
	if !paged {
		p = store.Page{Number: 1, Size: defaultPageSize}
	}
	return p, err
}

// PATCH /api/resources/{id} {name?, accessTokenTtl?}: the resource. The
// indicator never changes; the Management API cannot be changed (400).
func (a *API) patchResource(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Name           *string `json:"name"`
		AccessTokenTTL *int64  `json:"accessTokenTtl"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := rbac.ResourcePatch{Name: in.Name}
	if in.AccessTokenTTL != nil {
		if *in.AccessTokenTTL <= 0 || *in.AccessTokenTTL > int64(rbac.MaxAccessTokenTTL/time.Second) {
			return invalidInput("accessTokenTtl", "resource.invalid_ttl", "must be between 60 and 86400 seconds")
		}
		ttl := time.Duration(*in.AccessTokenTTL) * time.Second
		p.AccessTokenTTL = &ttl
	}
	res, err := a.o.RBAC.UpdateResource(r.Context(), id, p)
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, toResourceJSON(res))
	return nil
}

// PATCH /api/resources/{id}/is-default {isDefault}: the resource. At most
// one resource is the default: setting one unsets the previous.
func (a *API) patchResourceIsDefault(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		IsDefault *bool `json:"isDefault"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.IsDefault == nil {
		return invalidInput("isDefault", "guard.invalid_input", "is required (true or false)")
	}
	res, err := a.o.RBAC.SetDefaultResource(r.Context(), id, *in.IsDefault)
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, toResourceJSON(res))
	return nil
}

// DELETE /api/resources/{id}: 204; its permissions go with it.
func (a *API) deleteResource(w http.ResponseWriter, r *http.Request) error {
	if err := a.o.RBAC.DeleteResource(r.Context(), r.PathValue("id")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /api/resources/{resourceId}/scopes (page, page_size, search)
func (a *API) listResourceScopes(w http.ResponseWriter, r *http.Request) error {
	p, err := alwaysPaged(r)
	if err != nil {
		return err
	}
	scopes, total, err := a.o.RBAC.ListScopes(r.Context(), r.PathValue("resourceId"), searchOf(r), p)
	if err != nil {
		return rbacErr(err)
	}
	out := make([]scopeJSON, len(scopes))
	for i, s := range scopes {
		out[i] = toScopeJSON(s)
	}
	writeList(w, total, out)
	return nil
}

type scopeBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// POST /api/resources/{resourceId}/scopes {name, description?}: 201, the
// scope; a name the resource has is 422 scope.name_exists.
func (a *API) createResourceScope(w http.ResponseWriter, r *http.Request) error {
	var in scopeBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ns := rbac.NewScope{}
	if in.Name != nil {
		ns.Name = *in.Name
	}
	if in.Description != nil {
		ns.Description = *in.Description
	}
	sc, err := a.o.RBAC.CreateScope(r.Context(), r.PathValue("resourceId"), ns)
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusCreated, toScopeJSON(sc))
	return nil
}

// PATCH /api/resources/{resourceId}/scopes/{scopeId} {name?, description?}
func (a *API) patchResourceScope(w http.ResponseWriter, r *http.Request) error {
	var in scopeBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sc, err := a.o.RBAC.UpdateScope(r.Context(), r.PathValue("resourceId"), r.PathValue("scopeId"),
		rbac.ScopePatch{Name: in.Name, Description: in.Description})
	if err != nil {
		return rbacErr(err)
	}
	writeJSON(w, http.StatusOK, toScopeJSON(sc))
	return nil
}

// DELETE /api/resources/{resourceId}/scopes/{scopeId}: 204; roles holding
// it lose it.
func (a *API) deleteResourceScope(w http.ResponseWriter, r *http.Request) error {
	if err := a.o.RBAC.DeleteScope(r.Context(), r.PathValue("resourceId"), r.PathValue("scopeId")); err != nil {
		return rbacErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
