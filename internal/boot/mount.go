package boot

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/config"
	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/metrics"
	"github.com/monban-dev/monban/internal/mgmt"
	"github.com/monban-dev/monban/internal/oidc"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/verification"
	"github.com/monban-dev/monban/web"
)

// Mount puts the front doors on srv over this deployment's domain core.
// `monban serve` and the end-to-end tests (internal/testenv) both call it, so
// tests exercise exactly the routes a user gets. now is the OIDC provider's
// clock (nil: time.Now).
func (d *Deployment) Mount(srv *server.Server, m *metrics.Metrics, logger *slog.Logger, now func() time.Time) {
	cfg := d.Config
	pages := &experience.Pages{
		Accounts: d.Accounts, Applications: d.Applications, Sessions: d.Sessions, Interactions: d.Interactions,
		SignInExperience: d.SignInExperience,
		Verification:     &verification.Service{Store: d.Store, Email: d.Email, SMS: d.SMS},
		Base:             cfg.BasePath(), CSRFKey: d.CSRFKey, Logger: logger, Audit: d.Audit,
	}
	if d.Connectors != nil {
		pages.Connectors, pages.Endpoint = d.Connectors, cfg.URL("")
		pages.Social = experience.NewSocialConnectors(d.Connectors)
	}
	overrides := cfg.EndpointOverrides()
	for _, target := range config.OverrideTargets(overrides) {
		logger.Warn("connector endpoint override: upstream URLs of this provider go elsewhere (tests or mirrors only)",
			"target", target, "base", overrides[target].String())
	}
	// The OIDC front door's own pages (error pages, "signed out") wear the
	// sign-in experience's branding too.
	oidc.New(oidc.Options{
		Issuer: cfg.Issuer(), URL: cfg.URL, Base: cfg.BasePath(),
		Store: d.Store, Keys: d.Keys, Box: d.Box, Applications: d.Applications, Accounts: d.Accounts,
		Sessions: d.Sessions, Interactions: d.Interactions, Metrics: m, Logger: logger, Now: now, Audit: d.Audit,
	}).Routes(brandedMux{srv, pages.Brand})
	pages.Routes(srv)
	// The Management API (/api, Logto's shapes).
	mgmt.New(mgmt.Options{
		Issuer: cfg.Issuer(), Keys: d.Keys, Store: d.Store, Applications: d.Applications, Accounts: d.Accounts,
		SignInExperience: d.SignInExperience, Logger: logger, Now: now,
		Connectors: d.Connectors, RBAC: d.RBAC, Audit: d.Audit, Verification: pages.Verification,
	}).Routes(srv)
	d.mountConsole(srv, pages, logger)
}

// brandedMux registers handlers on a server, those of the browser-facing
// routes (authorization, end session) with the sign-in experience's
// branding in their requests' context (web.WithBrand), loaded only when a
// handler renders a page. The machine routes (token, JWKS ...) are left
// as they are: they render no page, and the token endpoint is hot.
type brandedMux struct {
	srv   *server.Server
	brand func(context.Context) *web.Brand
}

func (m brandedMux) Handle(pattern string, h http.Handler) {
	if !strings.Contains(pattern, " /oidc/auth") && !strings.Contains(pattern, " /oidc/session/end") {
		m.srv.Handle(pattern, h)
		return
	}
	m.srv.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(web.WithBrand(r.Context(), m.brand)))
	}))
}
