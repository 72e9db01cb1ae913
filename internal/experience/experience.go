// Package experience serves the hosted sign-in pages the authorization
// endpoint sends the browser to (Logto's names: /sign-in, /register,
// /consent), plus a bare /signed-in confirmation and the stylesheet. The
// pages are plain HTML forms (package web holds the templates), so they work
// without JavaScript; every POST is checked for CSRF (csrf.go) and answers
// with a 303 on success (spec/security.md items 13 and 16).
package experience

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/web"
)

// MinCSRFKeyLen is the shortest CSRFKey Routes accepts: 256 bits, so the
// HMAC behind every CSRF token cannot be brute-forced.
const MinCSRFKeyLen = 32

// Pages serves the hosted pages. Set the fields, then call Routes.
type Pages struct {
	Accounts     *account.Service
	Applications *application.Service
	Sessions     *session.Service
	Interactions *interaction.Service
	// Base is the endpoint's path prefix, "" or e.g. "/auth". The server
	// strips it before routing; links, form actions and redirects add it.
	Base string
	// CSRFKey (>= 32 bytes, secret) keys the CSRF tokens' HMAC.
	CSRFKey []byte
	// Logger is used outside a request served by internal/server (whose
	// request-scoped logger wins); nil means slog.Default().
	Logger *slog.Logger

	base string
	cop  *http.CrossOriginProtection
}

// Routes registers the pages on mux (internal/server.Server or an
// http.ServeMux). It panics when CSRFKey is shorter than MinCSRFKeyLen: a
// weak key would make every form forgeable, and that is a wiring error to
// catch at startup.
func (p *Pages) Routes(mux interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}) {
	if len(p.CSRFKey) < MinCSRFKeyLen {
		panic("experience: CSRFKey must be at least 32 bytes")
	}
	p.base = strings.TrimRight(p.Base, "/")
	// Sec-Fetch-Site / Origin check of every POST (spec/security.md item 13).
	p.cop = http.NewCrossOriginProtection()

	mux.HandleFunc("GET /sign-in", p.signInForm)
	mux.HandleFunc("POST /sign-in", p.signIn)
	mux.HandleFunc("GET /register", p.registerForm)
	mux.HandleFunc("POST /register", p.register)
	mux.HandleFunc("GET /consent", p.consentForm)
	mux.HandleFunc("POST /consent", p.consent)
	mux.HandleFunc("GET /signed-in", p.signedIn)
	static := web.StaticHandler()
	mux.HandleFunc("GET /static/", static.ServeHTTP)
}

func (p *Pages) log(ctx context.Context) *slog.Logger {
	if server.RequestID(ctx) != "" {
		return server.Logger(ctx)
	}
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

// interaction returns the request's sign-in in progress, nil when there is
// none (a user who opened /sign-in directly), or an error from the store.
func (p *Pages) interaction(r *http.Request) (*interaction.Interaction, error) {
	it, err := p.Interactions.Current(r.Context(), r)
	if errors.Is(err, interaction.ErrNone) {
		return nil, nil
	}
	return it, err
}

// lang is the language of a page about it (nil when no interaction): the
// authorization request's ui_locales first, then the page's own ui_locales
// parameter, then Accept-Language (web.Language).
func (p *Pages) lang(r *http.Request, it *interaction.Interaction) string {
	var uiLocales string
	if it != nil {
		uiLocales = it.Request.UILocales
	}
	return web.Language(r, uiLocales)
}

// page fills the layout's data for it (nil when no interaction): the
// language (lang), the title from its phrase key, the application's name,
// and the client's origin as an extra CSP form-action source. Browsers
// check form-action on the redirects that follow a form POST too, and a
// successful POST ends, through /oidc/auth/resume, in a redirect to the
// client's redirect_uri (spec/security.md item 12).
func (p *Pages) page(r *http.Request, it *interaction.Interaction, titleKey string) web.Page {
	lang := p.lang(r, it)
	pg := web.Page{Base: p.base, Title: i18n.For(lang).T(titleKey), Lang: lang}
	if it == nil {
		return pg
	}
	if app, err := p.Applications.Get(r.Context(), it.Request.ClientID); err == nil {
		pg.AppName = app.Name
	} else {
		p.log(r.Context()).Warn("hosted page: application of interaction", "client_id", it.Request.ClientID, "err", err)
	}
	if src := web.FormActionSource(it.Request.RedirectURI); src != "" {
		pg.FormAction = []string{src}
	}
	return pg
}

// fail logs err and answers a generic 500 page: internals stay in the log.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	p.log(r.Context()).Error("hosted page: "+what, "err", err)
	web.ErrorPageKey(w, r, http.StatusInternalServerError, p.base, "error.internal.title", "error.internal.detail")
}

// errorPage answers status with the error page, titleKey and detailKey
// translated into the language of it (nil when no interaction).
func (p *Pages) errorPage(w http.ResponseWriter, r *http.Request, it *interaction.Interaction, status int, titleKey, detailKey string) {
	lang := p.lang(r, it)
	tr := i18n.For(lang)
	web.Render(w, r, status, "error", web.ErrorData{
		Page: web.Page{Base: p.base, Title: tr.T(titleKey), Lang: lang}, Detail: tr.T(detailKey)})
}

// done ends a successful POST with a 303 (spec/security.md item 16): back
// to /oidc/auth/resume when a sign-in is in progress, else to /signed-in.
func (p *Pages) done(w http.ResponseWriter, r *http.Request, it *interaction.Interaction) {
	target := p.base + "/signed-in"
	if it != nil {
		target = p.base + interaction.ResumePath
	}
	seeOther(w, r, target)
}

func seeOther(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}
