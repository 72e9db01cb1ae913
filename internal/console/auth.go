package console

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/monban-dev/monban/internal/account"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/validate"
)

func (c *Console) authRoutes(rt *router) {
	rt.Public("GET /console", c.home)
	rt.Public("GET /console/{$}", c.home)
	rt.Public("GET /console/sign-in", c.signInForm)
	rt.Public("POST /console/sign-in", c.signIn)
	rt.Public("GET /console/setup", c.setupForm)
	rt.Public("POST /console/setup", c.setup)
	rt.Public("POST /console/language", c.language)
	rt.Action("/console/sign-out", c.signOut)
}

// home is /console: the dashboard, or sign-in. (The set-up of the first
// admin lands on the get-started page instead: a new deployment has
// nothing to show yet.)
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	if c.admin(w, r) == nil {
		c.toSignIn(w, r)
		return
	}
	seeOther(w, r, c.root+"/dashboard")
}

type authData struct {
	Page
	Form *Form
	// Error is the form's error (role="alert"), already translated.
	Error string
}

// anonPage is the layout data of the sign-in and set-up pages.
func (c *Console) anonPage(w http.ResponseWriter, r *http.Request, lang, titleKey string) Page {
	return Page{Root: c.root, Title: catalog.For(lang).T(titleKey), CSRF: c.preToken(w, r), Path: r.URL.Path}
}

func (c *Console) signInForm(w http.ResponseWriter, r *http.Request) {
	if c.admin(w, r) != nil {
		seeOther(w, r, c.root+"/dashboard")
		return
	}
	if n, err := c.o.Store.CountAdmins(r.Context()); err == nil && n == 0 {
		seeOther(w, r, c.root+"/setup")
		return
	}
	lang := c.lang(r)
	d := authData{Page: c.anonPage(w, r, lang, "signin.title"), Form: NewForm(nil)}
	if r.URL.Query().Get("done") == "notice.signed_out" {
		d.Page.Notice = catalog.For(lang).T("notice.signed_out")
	}
	c.render(w, r, lang, http.StatusOK, "sign-in", d)
}

// signIn checks the identifier and password with account.Service's
// throttled check (spec/security.md items 18 and 19: one message for an
// unknown identifier and a wrong password) and requires IsAdmin.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if !c.guardAnonymous(w, r) {
		return
	}
	lang := c.lang(r)
	tr := catalog.For(lang)
	f := NewForm(r.PostForm)
	f.Values.Del("password") // never echoed back
	again := func(status int, msgKey string, args ...any) {
		d := authData{Page: c.anonPage(w, r, lang, "signin.title"), Form: f, Error: tr.T(msgKey, args...)}
		c.render(w, r, lang, status, "sign-in", d)
	}
	u, err := c.o.Accounts.Authenticate(r.Context(), r.PostForm.Get("identifier"), r.PostForm.Get("password"), server.ClientIP(r))
	var locked account.ErrLocked
	switch {
	case errors.As(err, &locked):
		c.auditSignIn(r, "", "session.account_locked")
		again(http.StatusTooManyRequests, "signin.locked", "seconds", int(locked.Wait.Round(time.Second)/time.Second))
		return
	case errors.Is(err, account.ErrInvalidCredentials), errors.Is(err, account.ErrSuspended):
		c.auditSignIn(r, "", "session.invalid_credentials")
		again(http.StatusUnauthorized, "signin.invalid")
		return
	case err != nil:
		c.fail(w, r, "sign in", err)
		return
	case !u.IsAdmin:
		c.auditSignIn(r, u.ID, "console.not_admin")
		again(http.StatusForbidden, "signin.not_admin")
		return
	}
	if err := c.startSession(r.Context(), w, r, u); err != nil {
		c.fail(w, r, "start session", err)
		return
	}
	c.log(r.Context()).Info("console: admin signed in", "user_id", u.ID)
	c.auditSignIn(r, u.ID, "")
	seeOther(w, r, c.root+"/dashboard")
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.endSession(r.Context(), w, r)
	c.log(r.Context()).Info("console: admin signed out", "user_id", a.User.ID)
	seeOther(w, r, c.root+"/sign-in?done=notice.signed_out")
}

// setupForm is the one-time set-up page: it creates the first admin and
// works only while there is none (then it sends to sign-in).
func (c *Console) setupForm(w http.ResponseWriter, r *http.Request) {
	n, err := c.o.Store.CountAdmins(r.Context())
	if err != nil {
		c.fail(w, r, "count admins", err)
		return
	}
	if n > 0 {
		seeOther(w, r, c.root+"/sign-in")
		return
	}
	lang := c.lang(r)
	c.render(w, r, lang, http.StatusOK, "setup", authData{Page: c.anonPage(w, r, lang, "setup.title"), Form: NewForm(nil)})
}

// setup creates the first admin (account.CreateFirstAdmin: of concurrent
// set-ups exactly one wins) and signs them in.
func (c *Console) setup(w http.ResponseWriter, r *http.Request) {
	if !c.guardAnonymous(w, r) {
		return
	}
	lang := c.lang(r)
	tr := catalog.For(lang)
	f := NewForm(r.PostForm)
	pw := r.PostForm.Get("password")
	f.Values.Del("password")
	f.Values.Del("confirm")
	if pw != r.PostForm.Get("confirm") {
		f.Fail("confirm", tr.T("setup.confirm"), tr.T("setup.mismatch"))
	}
	if !f.HasErrors() {
		admin, err := c.o.Accounts.CreateFirstAdmin(r.Context(), account.NewUser{Username: strings.TrimSpace(r.PostForm.Get("username")),
			PrimaryEmail: strings.TrimSpace(r.PostForm.Get("email")), Password: pw})
		switch {
		case errors.Is(err, account.ErrAdminExists):
			seeOther(w, r, c.root+"/sign-in")
			return
		case err != nil:
			errs, ok := validate.As(err)
			if !ok {
				c.fail(w, r, "create first admin", err)
				return
			}
			f.FieldErrors(tr, errs, setupFields(tr))
		default:
			if err := c.startSession(r.Context(), w, r, admin); err != nil {
				c.fail(w, r, "start session", err)
				return
			}
			c.log(r.Context()).Info("console: first admin created", "user_id", admin.ID)
			c.done(w, r, "/get-started", "notice.setup_done")
			return
		}
	}
	c.render(w, r, lang, http.StatusBadRequest, "setup", authData{Page: c.anonPage(w, r, lang, "setup.title"), Form: f})
}

func setupFields(tr translator) fieldMap {
	return func(apiField string) (string, string) {
		switch apiField {
		case "username":
			return "username", tr.T("setup.username")
		case "primaryEmail":
			return "email", tr.T("setup.email")
		case "password":
			return "password", tr.T("setup.password")
		}
		return "", ""
	}
}

// language is the switcher in the top bar: it keeps the choice in a
// cookie and goes back to the page it was on (a console path only).
func (c *Console) language(w http.ResponseWriter, r *http.Request) {
	if !c.checkOrigin(w, r) || !c.parseForm(w, r) {
		return
	}
	// Signed in: the session's token; before sign-in: the pre-session one.
	a := c.admin(w, r)
	if (a == nil && !c.validPreToken(r)) || (a != nil && !c.validToken(r, a.sessionRaw)) {
		c.forbidden(w, r)
		return
	}
	tag := catalog.Negotiate(r.PostForm.Get("lang"), "")
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: tag, Path: c.root, MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/console/") && back != "/console" || strings.Contains(back, "//") || strings.ContainsAny(back, "\\?#") {
		back = "/console"
	}
	seeOther(w, r, c.base+back)
}
