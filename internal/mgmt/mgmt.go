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
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/verification"
)

// Indicator is Logto OSS's Management API resource indicator: tokens for
// /api must carry it as their audience.
const Indicator = store.ManagementAPIIndicator

// ScopeAll is the Management API's one permission.
const ScopeAll = store.ManagementAPIScopeAll

// Connectors is what the connectors routes need of the connector domain
// core (*connector.Service). When nil, the /api/connectors routes are not registered (the
// connector-factories routes always are).
type Connectors interface {
	Create(ctx context.Context, factoryID string, config, metadata map[string]any, syncProfile bool) (*connector.Configured, error)
	List(ctx context.Context) ([]*connector.Configured, error)
	Get(ctx context.Context, id string) (*connector.Configured, error)
	Update(ctx context.Context, id string, u connector.Update) (*connector.Configured, error)
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
	RBAC *rbac.Service
	// Audit records every Management API write and serves /api/logs; when
	// nil, nothing is recorded and the logs routes are not registered.
	Audit  *audit.Service
	Logger *slog.Logger
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
	// Verification sends test messages through the email and SMS
	// connectors; when nil, POST /api/connectors/test-message is not
	// registered.
	Verification *verification.Service
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

// handle turns a handler returning an error into an http.Handler that
// writes the error in Logto's shape.
func (a *API) handle(f func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkRequestText(r)
		if err == nil {
			err = f(w, r)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	})
}
