// Package experience serves the hosted sign-in pages the authorization
// endpoint sends the browser to (Logto's names: /sign-in, /register,
// /reset-password, /consent), plus a bare /signed-in confirmation, the
// stylesheet and the branding stylesheet (/custom.css). The pages are plain
// HTML forms (package web holds the templates), so they work without
// JavaScript; every POST is checked for CSRF (csrf.go) and answers with a
// 303 on success (spec/security.md items 13 and 16).
//
// What the pages offer comes from the sign-in experience (package
// signinexp), read on every request so a change made through the
// Management API or `monban admin` shows at once: the identifiers and
// whether each signs in with a password or a verification code (signin.go,
// signin_code.go), what sign-up asks for (register.go, register_code.go),
// forgot password (reset.go), the password policy, the sign-in mode, the
// terms (terms.go), the social buttons (social.go) and the branding
// (branding.go).
package experience

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/i18n"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/session"
	"github.com/monban-dev/monban/internal/signinexp"
	"github.com/monban-dev/monban/internal/verification"
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
	// SignInExperience holds the settings the pages follow; nil means
	// signinexp.Default().
	SignInExperience *signinexp.Service
	// Verification sends and checks the codes of sign-in by code, sign-up
	// with a verified email or phone, and forgot password; nil means no
	// email or SMS connector: those flows say so (ErrNotConfigured).
	Verification *verification.Service
	// Social lists the social connectors that can be shown as "Continue
	// with X" buttons; nil means none (see social.go).
	Social SocialConnectors
	// Connectors runs social sign-in (/sign-in/social/{target} and
	// /callback/{connectorId}, social_flow.go); nil means none.
	Connectors *connector.Service
	// Endpoint is the public URL (with the base path), for the connectors'
	// redirect URIs {Endpoint}/callback/{connectorId}.
	Endpoint string
	// Base is the endpoint's path prefix, "" or e.g. "/auth". The server
	// strips it before routing; links, form actions and redirects add it.
	Base string
	// CSRFKey (>= 32 bytes, secret) keys the CSRF tokens' HMAC.
	CSRFKey []byte
	// Audit records sign-ins, sign-ups, password resets and their failures
	// (audit.go); nil records nothing.
	Audit *audit.Service
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

	// The pages that do not load the sign-in experience themselves (the
	// refusals of guard, the 500 page) still wear its branding.
	handle := func(pattern string, h func(http.ResponseWriter, *http.Request)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			h(w, r.WithContext(web.WithBrand(r.Context(), p.Brand)))
		})
	}
	handle("GET /sign-in", p.signInForm)
	handle("POST /sign-in", p.signIn)
	handle("GET /sign-in/verify", p.signInCodeForm)
	handle("POST /sign-in/verify", p.signInCode)
	handle("GET /register", p.registerForm)
	handle("POST /register", p.register)
	handle("GET /register/verify", p.registerCodeForm)
	handle("POST /register/verify", p.registerCode)
	handle("GET /reset-password", p.resetForm)
	handle("POST /reset-password", p.reset)
	handle("GET /reset-password/verify", p.resetCodeForm)
	handle("POST /reset-password/verify", p.resetCode)
	handle("GET /consent", p.consentForm)
	handle("POST /consent", p.consent)
	handle("GET /signed-in", p.signedIn)
	handle("GET /custom.css", p.customCSS)
	p.socialRoutes(handle)
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

// view is what a hosted page knows about its request: the sign-in in
// progress (nil when there is none, e.g. a user who opened /sign-in
// directly), the sign-in experience, and the page's language.
type view struct {
	it   *interaction.Interaction
	x    *signinexp.SignInExperience
	lang string
	tr   *i18n.Translator
}

// view loads the request's view. On a store error it answers 500 and
// returns nil.
func (p *Pages) view(w http.ResponseWriter, r *http.Request) *view {
	it, err := p.interaction(r)
	if err != nil {
		p.fail(w, r, "load interaction", err)
		return nil
	}
	x, err := p.experience(r.Context())
	if err != nil {
		p.fail(w, r, "load sign-in experience", err)
		return nil
	}
	lang := p.lang(r, it, x)
	return &view{it: it, x: x, lang: lang, tr: i18n.For(lang)}
}

// experience is the stored sign-in experience, or the default one.
func (p *Pages) experience(ctx context.Context) (*signinexp.SignInExperience, error) {
	if p.SignInExperience == nil {
		x := signinexp.Default()
		return &x, nil
	}
	return p.SignInExperience.Get(ctx)
}

// lang is the language of a page: the authorization request's ui_locales
// first, then the page's own ui_locales parameter (the hidden field of the
// form that was posted, or the query), then, when the sign-in experience
// detects the language (languageInfo.autoDetect), Accept-Language; and
// languageInfo.fallbackLanguage before English.
func (p *Pages) lang(r *http.Request, it *interaction.Interaction, x *signinexp.SignInExperience) string {
	var uiLocales string
	if it != nil {
		uiLocales = it.Request.UILocales
	}
	var own string
	if r.Form != nil {
		own = r.Form.Get(web.LocalesParam)
	} else {
		own = r.URL.Query().Get(web.LocalesParam)
	}
	var accept string
	if x.LanguageInfo.AutoDetect {
		accept = r.Header.Get("Accept-Language")
	}
	if fb := strings.TrimSpace(x.LanguageInfo.FallbackLanguage); fb != "" && !strings.ContainsAny(fb, ",;") {
		// Last of all the browser's choices, before i18n's own default.
		accept = strings.TrimPrefix(accept+", "+fb+";q=0.001", ", ")
	}
	return i18n.Negotiate(strings.TrimSpace(uiLocales+" "+own), accept)
}

// page fills the layout's data: the language, the title from its phrase
// key, the branding, the application's name, and the client's origin as an
// extra CSP form-action source. Browsers check form-action on the redirects
// that follow a form POST too, and a successful POST ends, through
// /oidc/auth/resume, in a redirect to the client's redirect_uri
// (spec/security.md item 12).
func (p *Pages) page(r *http.Request, v *view, titleKey string) web.Page {
	pg := web.Page{Base: p.base, Title: v.tr.T(titleKey), Lang: v.lang, Brand: p.brandOf(v.x)}
	if v.it == nil {
		return pg
	}
	if app, err := p.Applications.Get(r.Context(), v.it.Request.ClientID); err == nil {
		pg.AppName = app.Name
	} else {
		p.log(r.Context()).Warn("hosted page: application of interaction", "client_id", v.it.Request.ClientID, "err", err)
	}
	if src := web.FormActionSource(v.it.Request.RedirectURI); src != "" {
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
// translated into the view's language.
func (p *Pages) errorPage(w http.ResponseWriter, r *http.Request, v *view, status int, titleKey, detailKey string) {
	web.Render(w, r, status, "error", web.ErrorData{
		Page: web.Page{Base: p.base, Title: v.tr.T(titleKey), Lang: v.lang, Brand: p.brandOf(v.x)}, Detail: v.tr.T(detailKey)})
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

// to is a 303 to path below the base path, keeping the page's language
// when it came from the ui_locales parameter.
func (p *Pages) to(w http.ResponseWriter, r *http.Request, path string) {
	target := p.base + path
	if l := formOrQuery(r, web.LocalesParam); l != "" && len(l) <= 64 {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + web.LocalesParam + "=" + url.QueryEscape(l)
	}
	seeOther(w, r, target)
}

// formOrQuery is the value of a parameter of the posted form, else of
// the query.
func formOrQuery(r *http.Request, name string) string {
	if r.PostForm != nil {
		if v := r.PostForm.Get(name); v != "" {
			return v
		}
	}
	return r.URL.Query().Get(name)
}

func seeOther(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}
