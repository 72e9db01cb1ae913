package experience

import (
	"net/http"

	"github.com/monban-dev/monban/internal/id"
	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/web"
)

// CSRFCookie holds a random per-browser value that CSRF tokens are bound to
// when no interaction cookie is there to bind them to.
const CSRFCookie = "monban_csrf"

// maxForm bounds a POST body: the forms have a handful of short fields.
const maxForm = 64 << 10

// csrfToken returns the token for the forms on this response:
// base64url(HMAC-SHA256(CSRFKey, "csrf:" + binding)), where binding is a
// value only this browser holds, in an HttpOnly cookie: the interaction
// cookie during a sign-in, else a random monban_csrf cookie set here. A
// forged form from another site can read neither the cookie nor the token
// (spec/security.md item 13).
func (p *Pages) csrfToken(w http.ResponseWriter, r *http.Request) string {
	bindings := csrfBindings(r)
	if len(bindings) > 0 {
		return p.mac(bindings[0])
	}
	v := id.Secret()
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: v, Path: p.base + "/", HttpOnly: true,
		Secure: p.Sessions.Secure, SameSite: http.SameSiteLaxMode})
	return p.mac(v)
}

func (p *Pages) mac(binding string) string { return server.FormToken(p.CSRFKey, "csrf:", binding) }

// csrfBindings are the browser's values a token may be bound to, interaction
// cookie first. Both are accepted on POST, so a sign-in started in another
// tab between GET and POST does not void a form bound to monban_csrf.
func csrfBindings(r *http.Request) []string {
	var out []string
	for _, name := range []string{interaction.CookieName, CSRFCookie} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" && len(c.Value) <= 128 {
			out = append(out, c.Value)
		}
	}
	return out
}

// guard runs before every POST handler does anything: the cross-origin
// check (Sec-Fetch-Site / Origin, http.CrossOriginProtection), then the
// form's csrf_token against the browser's cookies in constant time. It
// answers 403 (or 400 for an unreadable body) and returns false when the
// request must not go on; nothing has been written to the store by then.
func (p *Pages) guard(w http.ResponseWriter, r *http.Request) bool {
	if err := p.cop.Check(r); err != nil {
		p.log(r.Context()).Info("hosted page: cross-origin POST refused", "path", r.URL.Path)
		p.forbidden(w, r)
		return false
	}
	if server.ReadForm(w, r, maxForm) != nil {
		web.ErrorPageKey(w, r, http.StatusBadRequest, p.base, "error.bad_request.title", "error.form_unreadable")
		return false
	}
	if !p.validToken(r, r.PostForm.Get("csrf_token")) {
		p.log(r.Context()).Info("hosted page: CSRF token missing or wrong", "path", r.URL.Path)
		p.forbidden(w, r)
		return false
	}
	return true
}

func (p *Pages) validToken(r *http.Request, token string) bool {
	ok := false
	for _, b := range csrfBindings(r) {
		if server.ValidFormToken(p.CSRFKey, "csrf:", b, token) {
			ok = true
		}
	}
	return ok
}

func (p *Pages) forbidden(w http.ResponseWriter, r *http.Request) {
	web.ErrorPageKey(w, r, http.StatusForbidden, p.base, "error.refused.title", "error.refused.detail")
}
