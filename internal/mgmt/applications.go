package mgmt

import (
	"errors"
	"fmt"
	"net/http"
	"time"

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

// GET /api/applications (page, page_size; Total-Number; Logto's filters
// types (repeatable) and isThirdParty, and search over id, name and
// description, see searchQueryOf). Applications are few: filtered in memory.
func (a *API) listApplications(w http.ResponseWriter, r *http.Request) error {
	p, paged, err := pageOf(r)
	if err != nil {
		return err
	}
	f, err := applicationFilterOf(r.URL.Query())
	if err != nil {
		return err
	}
	if f.none() {
		apps, total, err := a.o.Store.ListApplications(r.Context(), p)
		if err != nil {
			return err
		}
		writeList(w, total, applicationsJSON(apps))
		return nil
	}
	all, _, err := a.o.Store.ListApplications(r.Context(), store.Page{})
	if err != nil {
		return err
	}
	kept := make([]*store.Application, 0, len(all))
	for _, app := range all {
		if f.keeps(app) {
			kept = append(kept, app)
		}
	}
	writeList(w, int64(len(kept)), applicationsJSON(paginate(kept, p, paged)))
	return nil
}

func applicationsJSON(apps []*store.Application) []applicationJSON {
	out := make([]applicationJSON, len(apps))
	for i, app := range apps {
		out[i] = toApplicationJSON(app)
	}
	return out
}

// PATCH /api/applications/{id} {name?, description?, oidcClientMetadata?:
// {redirectUris?, postLogoutRedirectUris?}, customClientMetadata?:
// {corsAllowedOrigins?}, customData?}: validated as at creation.
func (a *API) patchApplication(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Name               *string `json:"name"`
		Description        *string `json:"description"`
		OIDCClientMetadata *struct {
			RedirectURIs           *[]string `json:"redirectUris"`
			PostLogoutRedirectURIs *[]string `json:"postLogoutRedirectUris"`
		} `json:"oidcClientMetadata"`
		CustomClientMetadata *struct {
			CORSAllowedOrigins *[]string `json:"corsAllowedOrigins"`
		} `json:"customClientMetadata"`
		CustomData map[string]any `json:"customData"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := application.Patch{Name: in.Name, Description: in.Description, CustomData: in.CustomData}
	if m := in.OIDCClientMetadata; m != nil {
		p.RedirectURIs, p.PostLogoutRedirectURIs = m.RedirectURIs, m.PostLogoutRedirectURIs
	}
	if m := in.CustomClientMetadata; m != nil {
		p.CORSAllowedOrigins = m.CORSAllowedOrigins
	}
	app, err := a.o.Applications.Update(r.Context(), id, p)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusOK, toApplicationJSON(app))
	return nil
}

// DELETE /api/applications/{id}: 204.
func (a *API) deleteApplication(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := a.o.Applications.Delete(r.Context(), id); err != nil {
		return withID(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// secretJSON is Logto's application secret. Value is in full only in the
// creation's answer; lists show it masked (only a hash is stored).
type secretJSON struct {
	ApplicationID string `json:"applicationId"`
	Name          string `json:"name"`
	Value         string `json:"value"`
	CreatedAt     int64  `json:"createdAt"`
	ExpiresAt     *int64 `json:"expiresAt"`
}

func toSecretJSON(s *store.ApplicationSecret, value string) secretJSON {
	if value == "" {
		value = "****************" + s.Hint
	}
	out := secretJSON{ApplicationID: s.ApplicationID, Name: s.Name, Value: value, CreatedAt: s.CreatedAt.UnixMilli()}
	if s.ExpiresAt != nil {
		ms := s.ExpiresAt.UnixMilli()
		out.ExpiresAt = &ms
	}
	return out
}

// GET /api/applications/{id}/secrets: every secret, values masked.
func (a *API) listSecrets(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	secrets, err := a.o.Applications.Secrets(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	out := make([]secretJSON, len(secrets))
	for i, s := range secrets {
		out[i] = toSecretJSON(s, "")
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// POST /api/applications/{id}/secrets {name, expiresAt?}: the secret, its
// value in full this once. expiresAt is epoch milliseconds, as Logto.
func (a *API) createSecret(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Name      string `json:"name"`
		ExpiresAt *int64 `json:"expiresAt"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var exp *time.Time
	if in.ExpiresAt != nil {
		t := time.UnixMilli(*in.ExpiresAt).UTC()
		exp = &t
	}
	sec, value, err := a.o.Applications.AddSecret(r.Context(), id, in.Name, exp)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusCreated, toSecretJSON(sec, value))
	return nil
}

// DELETE /api/applications/{id}/secrets/{name}: 204.
func (a *API) deleteSecret(w http.ResponseWriter, r *http.Request) error {
	id, name := r.PathValue("id"), r.PathValue("name")
	err := a.o.Applications.DeleteSecret(r.Context(), id, name)
	if errors.Is(err, application.ErrSecretNotFound) {
		return &apiError{Status: http.StatusNotFound, Code: "entity.not_found",
			Message: fmt.Sprintf("The application has no secret named %q.", name), Data: map[string]string{"name": name}}
	}
	if err != nil {
		return withID(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
