// Package console is the admin console at /console: server-rendered pages
// (templates and phrases in web/console) over the same domain operations
// as the Management API (application, account, connector, signinexp,
// rbac), so nothing the console does is missing from /api. It never
// writes to the store itself and never calls package mgmt.
//
// Every page but sign-in, set-up and the static files needs the console's
// own admin session (session.go): an anonymous request is redirected to
// /console/sign-in, never shown the content. Every POST passes the
// cross-origin check and the session-bound CSRF token (csrf.go) before
// anything else, answers 303 on success (Post/Redirect/Get) and, on a
// validation error, shows the form again with the typed values and each
// error next to its field (form.go).
//
// One file per area: applications.go (+ frameworks.go, the catalogue),
// connectors.go, signinexp.go, getstarted.go; placeholders.go holds the
// pages still to come. An area registers its routes in Routes.
package console

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/rbac"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/verification"
)

// MinCSRFKeyLen is the shortest CSRFKey New accepts (256 bits).
const MinCSRFKeyLen = 32

// Options are what the console needs from the deployment.
type Options struct {
	// Store is read for lists and look-ups (users, applications); writes
	// go through the services.
	Store            store.Store
	Accounts         *account.Service
	Applications     *application.Service
	Connectors       *connector.Service
	SignInExperience *signinexp.Service
	RBAC             *rbac.Service
	// Audit is the audit log (the audit-log pages and the dashboard).
	Audit *audit.Service
	// Endpoint is the deployment's public URL with its base path
	// (config.URL("")): the guides' endpoint and the connectors' callback
	// URLs are written with it.
	Endpoint string
	// Base is the endpoint's path prefix ("" or e.g. "/auth").
	Base string
	// Secure marks cookies Secure (and names the session cookie with the
	// __Secure- prefix): the endpoint is https.
	Secure bool
	// CSRFKey (>= 32 bytes, secret) keys the CSRF tokens' HMAC.
	CSRFKey []byte
	// Seal and Open protect the one-time display of a new application
	// secret (a short-lived cookie, see secretflash.go); secretbox.Box's.
	Seal func(plaintext, ad []byte) []byte
	Open func(sealed, ad []byte) ([]byte, error)
	// HostedPages serves the hosted sign-in page for the sign-in
	// experience's preview (nil: no preview).
	HostedPages http.Handler
	// EmailConfigured and SMSConfigured say whether the deployment has an
	// email or SMS connector (server configuration), for the catalogue.
	EmailConfigured, SMSConfigured bool
	// Verification sends the connectors page's test messages (nil: no
	// test form), as POST /api/connectors/test-message does.
	Verification *verification.Service
	// IdleTimeout and AbsoluteTimeout bound an admin session: it ends after
	// IdleTimeout without a request, and AbsoluteTimeout after sign-in
	// whatever happens. 0 means 1 hour and 12 hours.
	IdleTimeout, AbsoluteTimeout time.Duration
	Logger                       *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Console serves the admin console. Build it with New, then call Routes.
type Console struct {
	o    Options
	base string // Base without a trailing slash
	root string // base + "/console": every console URL starts with it
	cop  *http.CrossOriginProtection
}

// New checks o and returns the console. It panics when CSRFKey is shorter
// than MinCSRFKeyLen: a weak key would make every form forgeable, a wiring
// error to catch at start-up.
func New(o Options) *Console {
	if len(o.CSRFKey) < MinCSRFKeyLen {
		panic("console: CSRFKey must be at least 32 bytes")
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = time.Hour
	}
	if o.AbsoluteTimeout <= 0 {
		o.AbsoluteTimeout = 12 * time.Hour
	}
	base := strings.TrimRight(o.Base, "/")
	return &Console{o: o, base: base, root: base + "/console", cop: http.NewCrossOriginProtection()}
}

// Mux is where Routes registers (internal/server.Server, http.ServeMux).
type Mux interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}

// Routes registers every console page on mux. Paths are below the base
// path (the server strips it).
func (c *Console) Routes(mux Mux) {
	rt := &router{c: c, mux: mux}
	c.authRoutes(rt)
	c.getStartedRoutes(rt)
	c.applicationRoutes(rt)
	c.connectorRoutes(rt)
	c.signInExperienceRoutes(rt)
	c.dashboardRoutes(rt)
	c.userRoutes(rt)
	c.resourceRoutes(rt)
	c.roleRoutes(rt)
	c.logRoutes(rt)
	c.placeholderRoutes(rt)
	mux.HandleFunc("GET /console/static/", c.static)
}

func (c *Console) now() time.Time {
	if c.o.Now != nil {
		return c.o.Now().UTC()
	}
	return time.Now().UTC()
}

func (c *Console) log(ctx context.Context) *slog.Logger {
	if server.RequestID(ctx) != "" {
		return server.Logger(ctx)
	}
	if c.o.Logger != nil {
		return c.o.Logger
	}
	return slog.Default()
}

// Handler is a console page or action: it runs for a signed-in admin
// (a.User) with the request's language (a.Tr) and CSRF token (a.CSRF).
type Handler func(w http.ResponseWriter, r *http.Request, a *Admin)

// router registers console routes with the checks every one needs.
type router struct {
	c   *Console
	mux Mux
}

// Page registers a GET page for signed-in admins: anonymous requests are
// redirected to the sign-in page.
func (rt *router) Page(path string, h Handler) {
	rt.mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		a := rt.c.admin(w, r)
		if a == nil {
			rt.c.toSignIn(w, r)
			return
		}
		h(w, r, a)
	})
}

// Action registers a POST for signed-in admins. Before h runs, the
// request passed the cross-origin check and carries the session's CSRF
// token (else 403), its form is parsed (r.PostForm), and the session is
// live (else a redirect to sign-in); nothing has been written yet. What h
// answers is recorded in the audit log (audit.go).
func (rt *router) Action(path string, h Handler) {
	h = rt.c.audited(path, h)
	rt.mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		if !rt.c.checkOrigin(w, r) || !rt.c.parseForm(w, r) {
			return
		}
		a := rt.c.admin(w, r)
		if a == nil {
			// No session: the token cannot be checked against one. 403, as
			// for any POST without a valid token; nothing happens.
			rt.c.forbidden(w, r)
			return
		}
		if !rt.c.validToken(r, a.sessionRaw) {
			rt.c.log(r.Context()).Info("console: CSRF token missing or wrong", "path", r.URL.Path)
			rt.c.forbidden(w, r)
			return
		}
		h(w, r, a)
	})
}

// Public registers a handler that needs no session (sign-in, set-up).
// POSTs must call c.guardAnonymous themselves.
func (rt *router) Public(pattern string, h http.HandlerFunc) {
	rt.mux.HandleFunc(pattern, h)
}
