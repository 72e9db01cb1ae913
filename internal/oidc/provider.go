// Package oidc is Monban's OpenID Connect provider: the /oidc front door.
// One file per endpoint and per grant; the wire details follow
// /work/shared/spec/logto-compat.md, and where Logto's SDKs and a standard
// disagree the SDKs win (each such place says why).
package oidc

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/keys"
	"github.com/monban-dev/monban/internal/metrics"
	"github.com/monban-dev/monban/internal/secretbox"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/throttle"
)

// ManagementAPIIndicator is Logto OSS's Management API resource: a
// resource like any other, whose permission "all" machine-to-machine
// applications hold through the role "Logto Management API access".
const ManagementAPIIndicator = store.ManagementAPIIndicator

// Lifetimes, Logto's defaults.
const (
	DefaultAccessTokenTTL  = time.Hour
	DefaultIDTokenTTL      = time.Hour
	DefaultRefreshTokenTTL = 14 * 24 * time.Hour
	// AuthorizationCodeTTL is short: a code is exchanged right away
	// (spec/security.md item 4).
	AuthorizationCodeTTL = 60 * time.Second
	// RefreshGraceWindow is how long a consumed refresh token still works
	// (Logto: 3 s), for clients that raced two refreshes.
	RefreshGraceWindow = 3 * time.Second
)

// Options wires the provider to the domain core.
type Options struct {
	// Issuer is {endpoint}/oidc, byte-identical in discovery and tokens.
	Issuer string
	// URL builds public URLs from absolute paths (endpoint + path).
	URL func(path string) string
	// Base is the endpoint's path prefix ("" or "/auth"), for page links.
	Base string

	Store        store.Store
	Keys         *keys.Manager
	Box          *secretbox.Box
	Applications *application.Service
	Accounts     *account.Service
	Sessions     *session.Service
	Interactions *interaction.Service
	Metrics      *metrics.Metrics
	Logger       *slog.Logger
	Now          func() time.Time
	// Audit records token endpoint errors and code exchanges (audit.go);
	// nil records nothing.
	Audit *audit.Service
	// ClientThrottle holds client-secret guessing back at the token
	// endpoint (spec/security.md item 18); nil means
	// throttle.Clients(Store, Now).
	ClientThrottle *throttle.Guard
}

// Provider serves /oidc/*.
type Provider struct {
	o         Options
	discovery cachedDocument
	verified  *verifiedCache
}

// New builds the provider; the discovery document is computed here, once.
func New(o Options) *Provider {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &Provider{o: o, verified: newVerifiedCache(10000)}
	p.discovery = newCachedDocument(p.discoveryDocument())
	return p
}

func (p *Provider) now() time.Time {
	if p.o.Now != nil {
		return p.o.Now().UTC()
	}
	return time.Now().UTC()
}

// Routes registers every /oidc endpoint.
func (p *Provider) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	h := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, fn) }
	h("GET /oidc/.well-known/openid-configuration", p.handleDiscovery)
	h("GET /oidc/.well-known/oauth-authorization-server", p.handleDiscovery)
	h("GET /oidc/jwks", p.o.Keys.ServeJWKS)
	h("GET /oidc/auth", p.handleAuthorize)
	h("POST /oidc/auth", p.handleAuthorize)
	h("GET /oidc/auth/resume", p.handleResume)
	h("POST /oidc/token", p.handleToken)
	h("GET /oidc/me", p.handleUserinfo)
	h("POST /oidc/me", p.handleUserinfo)
	h("POST /oidc/token/revocation", p.handleRevocation)
	h("POST /oidc/token/introspection", p.handleIntrospection)
	h("GET /oidc/session/end", p.handleEndSession)
	h("POST /oidc/session/end", p.handleEndSession)
	// Browser-based clients (SPA) call these cross-origin with bearer
	// tokens, never cookies, so any origin may (no credentials).
	for _, path := range []string{"/oidc/.well-known/openid-configuration", "/oidc/.well-known/oauth-authorization-server",
		"/oidc/jwks", "/oidc/token", "/oidc/me", "/oidc/token/revocation", "/oidc/token/introspection"} {
		h("OPTIONS "+path, handlePreflight)
	}
}
