package mgmt

import (
	"errors"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// GET /api/connector-factories: every registered factory's metadata.
func (a *API) listFactories(w http.ResponseWriter, r *http.Request) error {
	p, paged, err := pageOf(r)
	if err != nil {
		return err
	}
	all := connector.Factories()
	out := make([]connector.Metadata, len(all))
	for i, f := range all {
		out[i] = factoryJSON(f)
	}
	writeList(w, int64(len(out)), paginate(out, p, paged))
	return nil
}

// GET /api/connector-factories/{id}
func (a *API) getFactory(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f, ok := connector.Lookup(id)
	if !ok {
		return notFound(id)
	}
	writeJSON(w, http.StatusOK, factoryJSON(f))
	return nil
}

func factoryJSON(f *connector.Factory) connector.Metadata {
	m := f.Metadata
	if m.FormItems == nil {
		m.FormItems = []connector.FormItem{}
	}
	return m
}

// connectorJSON is Logto's connector response: the configured connector
// (confidential config values masked) with its factory's metadata
// flattened in.
type connectorJSON struct {
	ID          string               `json:"id"`
	ConnectorID string               `json:"connectorId"`
	Target      string               `json:"target"`
	Type        string               `json:"type"`
	Platform    *string              `json:"platform"`
	Name        map[string]string    `json:"name"`
	Description map[string]string    `json:"description"`
	Logo        string               `json:"logo"`
	LogoDark    *string              `json:"logoDark"`
	Readme      string               `json:"readme"`
	IsStandard  bool                 `json:"isStandard"`
	FormItems   []connector.FormItem `json:"formItems"`
	Config      map[string]any       `json:"config"`
	Metadata    map[string]any       `json:"metadata"`
	SyncProfile bool                 `json:"syncProfile"`
	Enabled     bool                 `json:"enabled"`
	CreatedAt   int64                `json:"createdAt"`
	UpdatedAt   int64                `json:"updatedAt"`
}

func toConnectorJSON(c *connector.Configured) connectorJSON {
	out := connectorJSON{
		ID: c.ID, ConnectorID: c.FactoryID, Target: c.Target, Config: c.Config,
		Metadata: c.Metadata, SyncProfile: c.SyncProfile, Enabled: c.Enabled,
		CreatedAt: c.CreatedAt.UnixMilli(), UpdatedAt: c.UpdatedAt.UnixMilli(),
		Name: map[string]string{}, Description: map[string]string{}, FormItems: []connector.FormItem{},
	}
	if out.Config == nil {
		out.Config = map[string]any{}
	}
	if out.Metadata == nil {
		out.Metadata = map[string]any{}
	}
	f := c.Factory
	if f == nil {
		f, _ = connector.Lookup(c.FactoryID)
	}
	if f != nil {
		m := factoryJSON(f)
		out.Type, out.Logo, out.Readme = m.Type, m.Logo, m.Readme
		out.IsStandard, out.FormItems = m.IsStandard, m.FormItems
		if m.Name != nil {
			out.Name = m.Name
		}
		if m.Description != nil {
			out.Description = m.Description
		}
		if m.Platform != "" {
			out.Platform = &m.Platform
		}
		if m.LogoDark != "" {
			out.LogoDark = &m.LogoDark
		}
		if out.Target == "" {
			out.Target = m.Target
		}
	}
	return out
}

// GET /api/connectors
func (a *API) listConnectors(w http.ResponseWriter, r *http.Request) error {
	p, paged, err := pageOf(r)
	if err != nil {
		return err
	}
	all, err := a.o.Connectors.List(r.Context())
	if err != nil {
		return err
	}
	out := make([]connectorJSON, len(all))
	for i, c := range all {
		out[i] = toConnectorJSON(c)
	}
	writeList(w, int64(len(out)), paginate(out, p, paged))
	return nil
}

// POST /api/connectors {connectorId, config, metadata?, syncProfile?}:
// Logto answers 200 with the connector and its own id.
func (a *API) createConnector(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ConnectorID *string        `json:"connectorId"`
		Config      map[string]any `json:"config"`
		Metadata    map[string]any `json:"metadata"`
		SyncProfile *bool          `json:"syncProfile"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var errs validate.Errors
	if in.ConnectorID == nil || strings.TrimSpace(*in.ConnectorID) == "" {
		errs.Add("connectorId", "guard.required", "must name a connector factory")
	} else if _, ok := connector.Lookup(*in.ConnectorID); !ok {
		errs.Add("connectorId", "connector.not_found", "no connector factory has this id")
	}
	if in.Config == nil {
		errs.Add("config", "guard.required", "must be an object")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if in.Metadata == nil {
		in.Metadata = map[string]any{}
	}
	sync := in.SyncProfile != nil && *in.SyncProfile
	c, err := a.o.Connectors.Create(r.Context(), *in.ConnectorID, in.Config, in.Metadata, sync)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toConnectorJSON(c))
	return nil
}

// GET /api/connectors/{id}
func (a *API) getConnector(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	c, err := a.o.Connectors.Get(r.Context(), id)
	if err != nil {
		return withID(err, id)
	}
	writeJSON(w, http.StatusOK, toConnectorJSON(c))
	return nil
}

// DELETE /api/connectors/{id}: 204.
func (a *API) deleteConnector(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := a.o.Connectors.Delete(r.Context(), id); err != nil {
		return withID(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PATCH /api/connectors/{id} {config?, metadata?, syncProfile?}: config is
// merged over the stored one (a confidential value sent back masked keeps
// the stored value) and validated against the factory's form items as at
// creation; metadata replaces the stored metadata. A failed PATCH changes
// nothing; a concurrent change is retried on the fresh connector.
func (a *API) patchConnector(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in struct {
		Config      map[string]any `json:"config"`
		Metadata    map[string]any `json:"metadata"`
		SyncProfile *bool          `json:"syncProfile"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u := connector.Update{Config: in.Config, Metadata: in.Metadata, SyncProfile: in.SyncProfile}
	for range staleRetries {
		c, err := a.o.Connectors.Update(r.Context(), id, u)
		if errors.Is(err, store.ErrStale) {
			continue
		}
		if err != nil {
			return withID(err, id)
		}
		writeJSON(w, http.StatusOK, toConnectorJSON(c))
		return nil
	}
	return conflictingUpdate()
}
