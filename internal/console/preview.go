package console

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/i18n"
)

// preview is the sign-in experience's preview: the hosted sign-in (or
// registration) page exactly as a user gets it, with the saved settings,
// rendered by the hosted pages' own handler (Options.HostedPages) for a
// request without cookies (no sign-in in progress), then served from the
// console's path with one change to its headers: it may be framed by the
// console (frame-ancestors 'self' instead of 'none'). The console frames
// it in a sandbox without scripts and forms. It is a console page:
// anonymous requests are sent to sign-in like any other.
func (c *Console) preview(w http.ResponseWriter, r *http.Request, a *Admin) {
	if c.o.HostedPages == nil {
		c.notFound(w, r)
		return
	}
	page := "/sign-in"
	if r.URL.Query().Get("page") == "register" {
		page = "/register"
	}
	lang := i18n.Negotiate(r.URL.Query().Get("ui_locales"), "")
	target := page + "?ui_locales=" + url.QueryEscape(lang)
	// The hosted page may redirect once (sign-in mode "Register" sends
	// /sign-in to /register): follow it inside the hosted pages.
	var rec *recorder
	for range 3 {
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, target, nil)
		if err != nil {
			c.notFound(w, r)
			return
		}
		req.Header.Set("Accept-Language", lang)
		req.RemoteAddr = r.RemoteAddr
		rec = &recorder{header: http.Header{}, status: http.StatusOK}
		c.o.HostedPages.ServeHTTP(rec, req)
		loc := rec.header.Get("Location")
		if rec.status < 300 || rec.status >= 400 || loc == "" {
			break
		}
		next, ok := strings.CutPrefix(loc, c.base+"/")
		if !ok || strings.HasPrefix(next, "/") {
			break
		}
		target = "/" + next
	}
	h := w.Header()
	h.Set("Content-Type", rec.header.Get("Content-Type"))
	csp := rec.header.Get("Content-Security-Policy")
	if csp == "" {
		csp = "default-src 'none'; style-src 'self'; img-src 'self' data:"
	}
	h.Set("Content-Security-Policy", strings.Replace(csp, "frame-ancestors 'none'", "frame-ancestors 'self'", 1))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if rec.status >= 300 && rec.status < 400 {
		rec.status = http.StatusOK // a redirect we would not follow: show nothing rather than leave
		rec.body.Reset()
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// recorder keeps a response of the hosted pages; its cookies (a CSRF
// binding) are dropped with its headers.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
