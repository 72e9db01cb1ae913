package mgmt

import (
	"errors"
	"net/http"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
)

// withID turns a store.ErrNotFound into the 404 naming id.
func withID(err error, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(id)
	}
	return err
}

type oidcClientMetadata struct {
	RedirectURIs           []string `json:"redirectUris"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris"`
}

type customClientMetadata struct {
	CORSAllowedOrigins []string `json:"corsAllowedOrigins"`
}

// applicationJSON is Logto's application response. Secret is present only
// in the creation's answer.
type applicationJSON struct {
	ID                   string                `json:"id"`
	Name                 string                `json:"name"`
	Secret               *string               `json:"secret,omitempty"`
	Description          *string               `json:"description"`
	Type                 store.ApplicationType `json:"type"`
	OIDCClientMetadata   oidcClientMetadata    `json:"oidcClientMetadata"`
	CustomClientMetadata customClientMetadata  `json:"customClientMetadata"`
	ProtectedAppMetadata any                   `json:"protectedAppMetadata"`
	CustomData           map[string]any        `json:"customData"`
	IsThirdParty         bool                  `json:"isThirdParty"`
	CreatedAt            int64                 `json:"createdAt"`
}

func toApplicationJSON(a *store.Application) applicationJSON {
	out := applicationJSON{
		ID: a.ID, Name: a.Name, Type: a.Type,
		OIDCClientMetadata:   oidcClientMetadata{RedirectURIs: nonNil(a.RedirectURIs), PostLogoutRedirectURIs: nonNil(a.PostLogoutRedirectURIs)},
		CustomClientMetadata: customClientMetadata{CORSAllowedOrigins: nonNil(a.CORSAllowedOrigins)},
		CustomData:           a.CustomData, IsThirdParty: a.IsThirdParty, CreatedAt: a.CreatedAt.UnixMilli(),
	}
	if a.Description != "" {
		out.Description = &a.Description
	}
	if out.CustomData == nil {
		out.CustomData = map[string]any{}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// POST /api/applications: the application with its id and its secret (in
// full, this once).
func (a *API) createApplication(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name                 string                `json:"name"`
		Type                 store.ApplicationType `json:"type"`
		Description          *string               `json:"description"`
		OIDCClientMetadata   *oidcClientMetadata   `json:"oidcClientMetadata"`
		CustomClientMetadata *customClientMetadata `json:"customClientMetadata"`
		IsThirdParty         bool                  `json:"isThirdParty"`
		CustomData           map[string]any        `json:"customData"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	na := application.NewApplication{Name: in.Name, Type: in.Type, IsThirdParty: in.IsThirdParty, CustomData: in.CustomData}
	if in.Description != nil {
		na.Description = *in.Description
	}
	if m := in.OIDCClientMetadata; m != nil {
		na.RedirectURIs, na.PostLogoutRedirectURIs = m.RedirectURIs, m.PostLogoutRedirectURIs
	}
	if m := in.CustomClientMetadata; m != nil {
		na.CORSAllowedOrigins = m.CORSAllowedOrigins
	}
	app, secret, err := a.o.Applications.Create(r.Context(), na)
	if err != nil {
		return err
	}
	out := toApplicationJSON(app)
	out.Secret = &secret
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /api/applications/{id}
func (a *API) getApplication(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	app, err := a.o.Applications.Get(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusOK, toApplicationJSON(app))
	return nil
}

// GET /api/applications (page, page_size; Total-Number)
func (a *API) listApplications(w http.ResponseWriter, r *http.Request) error {
	p, _, err := pageOf(r)
	if err != nil {
		return err
	}
	apps, total, err := a.o.Store.ListApplications(r.Context(), p)
	if err != nil {
		return err
	}
	out := make([]applicationJSON, len(apps))
	for i, app := range apps {
		out[i] = toApplicationJSON(app)
	}
	writeList(w, total, out)
	return nil
}
