// Package mgmt is the Management API front door: /api in Logto's shapes
// (bodies, error bodies, pagination), so Logto's scripts and Management API
// clients work against Monban. It authenticates machine-to-machine access
// tokens for Logto's Management API resource with the scope "all", and calls
// the domain core (application, account, signinexp, connector) for the work.
package mgmt

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
)

// Indicator is Logto OSS's Management API resource indicator: tokens for
// /api must carry it as their audience.
const Indicator = "https://default.logto.app/api"

// ScopeAll is the Management API's one permission.
const ScopeAll = "all"

// Connectors is what the connectors routes need of the connector domain
// core (*connector.Service). When nil, the /api/connectors routes are not registered (the
// connector-factories routes always are).
type Connectors interface {
	Create(ctx context.Context, factoryID string, config, metadata map[string]any, syncProfile bool) (*connector.Configured, error)
	List(ctx context.Context) ([]*connector.Configured, error)
	Get(ctx context.Context, id string) (*connector.Configured, error)
	Delete(ctx context.Context, id string) error
}

// Options are the API's dependencies.
type Options struct {
	// Issuer is the OIDC issuer; access tokens must carry it as iss.
	Issuer string
	// Keys verifies the access tokens' signatures.
	Keys             *keys.Manager
	Store            store.Store
	Applications     *application.Service
	Accounts         *account.Service
	SignInExperience *signinexp.Service
	Connectors       Connectors
	// RBAC manages API resources; when nil, the /api/resources routes are
	// not registered.
	RBAC   *rbac.Service
	Logger *slog.Logger
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
}

// API is the Management API.
type API struct {
	o Options
}

// New builds the API.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if c, ok := o.Connectors.(*connector.Service); ok && c == nil {
		o.Connectors = nil // a nil *connector.Service: no connectors routes
	}
	return &API{o: o}
}

// Routes registers every route under /api, each behind the bearer-token
// check.
func (a *API) Routes(mux interface{ Handle(string, http.Handler) }) {
	h := func(pattern string, f func(http.ResponseWriter, *http.Request) error) {
		mux.Handle(pattern, a.authenticated(a.handle(f)))
	}
	h("GET /api/sign-in-exp", a.getSignInExp)
	h("PATCH /api/sign-in-exp", a.patchSignInExp)

	h("GET /api/connector-factories", a.listFactories)
	h("GET /api/connector-factories/{id}", a.getFactory)
	if a.o.Connectors != nil {
		h("GET /api/connectors", a.listConnectors)
		h("POST /api/connectors", a.createConnector)
		h("GET /api/connectors/{id}", a.getConnector)
		h("DELETE /api/connectors/{id}", a.deleteConnector)
	}

	h("GET /api/applications", a.listApplications)
	h("POST /api/applications", a.createApplication)
	h("GET /api/applications/{id}", a.getApplication)
	h("PATCH /api/applications/{id}", a.patchApplication)
	h("DELETE /api/applications/{id}", a.deleteApplication)
	h("GET /api/applications/{id}/secrets", a.listSecrets)
	h("POST /api/applications/{id}/secrets", a.createSecret)
	h("DELETE /api/applications/{id}/secrets/{name}", a.deleteSecret)

	h("GET /api/users", a.listUsers)
	h("POST /api/users", a.createUser)
	h("GET /api/users/{id}", a.getUser)
	h("PATCH /api/users/{id}", a.patchUser)
	h("DELETE /api/users/{id}", a.deleteUser)
	h("PATCH /api/users/{id}/password", a.setPassword)
	h("POST /api/users/{id}/password/verify", a.verifyPassword)
	h("GET /api/users/{id}/custom-data", a.getCustomData)
	h("PATCH /api/users/{id}/custom-data", a.patchCustomData)
	h("PATCH /api/users/{id}/is-suspended", a.setSuspended)
	h("DELETE /api/users/{id}/identities/{target}", a.deleteIdentity)

	if a.o.RBAC != nil {
		h("GET /api/resources", a.listResources)
		h("POST /api/resources", a.createResource)
		h("GET /api/resources/{id}", a.getResource)
	}
}

// handle turns a handler returning an error into an http.Handler that
// writes the error in Logto's shape.
func (a *API) handle(f func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}
