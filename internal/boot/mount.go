package boot

import (
	"log/slog"
	"time"

	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/metrics"
	"github.com/monban-dev/monban/internal/oidc"
	"github.com/monban-dev/monban/internal/server"
)

// Mount puts the front doors on srv over this deployment's domain core.
// `monban serve` and the end-to-end tests (internal/testenv) both call it, so
// tests exercise exactly the routes a user gets. now is the OIDC provider's
// clock (nil: time.Now).
func (d *Deployment) Mount(srv *server.Server, m *metrics.Metrics, logger *slog.Logger, now func() time.Time) {
	cfg := d.Config
	oidc.New(oidc.Options{
		Issuer: cfg.Issuer(), URL: cfg.URL, Base: cfg.BasePath(),
		Store: d.Store, Keys: d.Keys, Box: d.Box, Applications: d.Applications, Accounts: d.Accounts,
		Sessions: d.Sessions, Interactions: d.Interactions, Metrics: m, Logger: logger, Now: now,
	}).Routes(srv)
	(&experience.Pages{
		Accounts: d.Accounts, Applications: d.Applications, Sessions: d.Sessions, Interactions: d.Interactions,
		Base: cfg.BasePath(), CSRFKey: d.CSRFKey, Logger: logger,
	}).Routes(srv)
}
