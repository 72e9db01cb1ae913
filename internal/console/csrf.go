package console

import (
	"net/http"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/server"
)

// CSRF (spec/security.md item 13), as the hosted pages do it
// (internal/experience/csrf.go): every POST first passes Go's
// cross-origin check (Sec-Fetch-Site / Origin), then must carry
// csrf_token = base64url(HMAC-SHA256(CSRFKey, label + binding)), where
// binding is a value only this browser holds in an HttpOnly cookie: the
// admin session's id once signed in, else (sign-in and set-up forms) a
// random pre-session value. The labels keep these tokens apart from the
// hosted pages' ones, which use the same key.
const (
	preCookieName = "monban_console_csrf"
	// maxForm bounds a POST body: the largest form is the sign-in
	// experience's, with up to 64 KiB of custom CSS.
	maxForm = 256 << 10
)

func (c *Console) mac(label, binding string) string {
	return server.FormToken(c.o.CSRFKey, label, binding)
}

// token is the CSRF token of a signed-in admin's forms.
func (c *Console) token(sessionRaw string) string { return c.mac("console-csrf:", sessionRaw) }

func (c *Console) validToken(r *http.Request, sessionRaw string) bool {
	return server.ValidFormToken(c.o.CSRFKey, "console-csrf:", sessionRaw, r.PostForm.Get("csrf_token"))
}

// preToken is the CSRF token of the forms shown before sign-in, bound to
// the monban_console_csrf cookie (set here when missing).
func (c *Console) preToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(preCookieName); err == nil && ck.Value != "" && len(ck.Value) <= 128 {
		return c.mac("console-pre-csrf:", ck.Value)
	}
	v := id.Secret()
	http.SetCookie(w, &http.Cookie{Name: preCookieName, Value: v, Path: c.root, HttpOnly: true,
		Secure: c.o.Secure, SameSite: http.SameSiteStrictMode})
	return c.mac("console-pre-csrf:", v)
}

func (c *Console) validPreToken(r *http.Request) bool {
	ck, err := r.Cookie(preCookieName)
	got := r.PostForm.Get("csrf_token")
	if err != nil || ck.Value == "" || len(ck.Value) > 128 {
		return false
	}
	return server.ValidFormToken(c.o.CSRFKey, "console-pre-csrf:", ck.Value, got)
}

// guardAnonymous is the check of a POST made before sign-in: origin, form,
// pre-session token. It answers (403/400) and returns false when the
// request must stop.
func (c *Console) guardAnonymous(w http.ResponseWriter, r *http.Request) bool {
	if !c.checkOrigin(w, r) || !c.parseForm(w, r) {
		return false
	}
	if !c.validPreToken(r) {
		c.log(r.Context()).Info("console: CSRF token missing or wrong", "path", r.URL.Path)
		c.forbidden(w, r)
		return false
	}
	return true
}

func (c *Console) checkOrigin(w http.ResponseWriter, r *http.Request) bool {
	if err := c.cop.Check(r); err != nil {
		c.log(r.Context()).Info("console: cross-origin POST refused", "path", r.URL.Path)
		c.forbidden(w, r)
		return false
	}
	return true
}

func (c *Console) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if server.ReadForm(w, r, maxForm) != nil {
		c.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
		return false
	}
	return true
}

func (c *Console) forbidden(w http.ResponseWriter, r *http.Request) {
	c.errorPage(w, r, http.StatusForbidden, "error.forbidden")
}
