package mgmt

import (
	"net/http"
	"time"

	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/store"
)

// resourceJSON is Logto's API resource; accessTokenTtl is in seconds.
type resourceJSON struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Indicator      string `json:"indicator"`
	IsDefault      bool   `json:"isDefault"`
	AccessTokenTTL int64  `json:"accessTokenTtl"`
}

func toResourceJSON(r *store.Resource) resourceJSON {
	return resourceJSON{ID: r.ID, Name: r.Name, Indicator: r.Indicator, IsDefault: r.IsDefault,
		AccessTokenTTL: int64(r.AccessTokenTTL / time.Second)}
}

// GET /api/resources (page, page_size; Total-Number)
func (a *API) listResources(w http.ResponseWriter, r *http.Request) error {
	p, paged, err := pageOf(r)
	if err != nil {
		return err
	}
	all, err := a.o.RBAC.ListResources(r.Context())
	if err != nil {
		return err
	}
	page := paginate(all, p, paged)
	out := make([]resourceJSON, len(page))
	for i, res := range page {
		out[i] = toResourceJSON(res)
	}
	writeList(w, int64(len(all)), out)
	return nil
}

// POST /api/resources {name, indicator, accessTokenTtl?}: 201 with the
// resource.
func (a *API) createResource(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name           string `json:"name"`
		Indicator      string `json:"indicator"`
		AccessTokenTTL *int64 `json:"accessTokenTtl"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	nr := rbac.NewResource{Name: in.Name, Indicator: in.Indicator}
	if in.AccessTokenTTL != nil {
		if *in.AccessTokenTTL <= 0 || *in.AccessTokenTTL > int64(rbac.MaxAccessTokenTTL/time.Second) {
			return invalidInput("accessTokenTtl", "resource.invalid_ttl", "must be between 60 and 86400 seconds")
		}
		nr.AccessTokenTTL = time.Duration(*in.AccessTokenTTL) * time.Second
	}
	res, err := a.o.RBAC.CreateResource(r.Context(), nr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toResourceJSON(res))
	return nil
}

// GET /api/resources/{id}
func (a *API) getResource(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	res, err := a.o.RBAC.GetResource(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusOK, toResourceJSON(res))
	return nil
}
