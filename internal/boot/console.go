package boot

import (
	"log/slog"
	"net/http"

	"github.com/monban-dev/monban/internal/console"
	"github.com/monban-dev/monban/internal/experience"
	"github.com/monban-dev/monban/internal/server"
)

// mountConsole puts the admin console (/console) on srv. The sign-in
// experience's preview renders the hosted sign-in page through a mux of
// its own holding the hosted pages' routes (no interaction, no cookies).
func (d *Deployment) mountConsole(srv *server.Server, pages *experience.Pages, logger *slog.Logger) {
	cfg := d.Config
	hosted := http.NewServeMux()
	pages.Routes(hosted)
	console.New(console.Options{
		Store: d.Store, Accounts: d.Accounts, Applications: d.Applications, Connectors: d.Connectors,
		SignInExperience: d.SignInExperience, RBAC: d.RBAC, Audit: d.Audit,
		Endpoint: cfg.URL(""), Base: cfg.BasePath(), Secure: cfg.Secure(), CSRFKey: d.CSRFKey,
		Seal: d.Box.Seal, Open: d.Box.Open, HostedPages: hosted,
		EmailConfigured: d.Email != nil, SMSConfigured: d.SMS != nil, Verification: pages.Verification,
		Logger: logger,
	}).Routes(srv)
}
