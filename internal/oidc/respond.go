package oidc

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/web"
)

// respond sends an authorization response to the client's redirect URI in
// the requested response mode, always with iss (RFC 9207) and state.
func (p *Provider) respond(w http.ResponseWriter, r *http.Request, req interaction.Request, params map[string]string) {
	if req.State != "" {
		params["state"] = req.State
	}
	params["iss"] = p.o.Issuer
	switch req.ResponseMode {
	case "form_post":
		web.FormPost(w, r, req.RedirectURI, params)
	case "fragment":
		p.redirect(w, r, req.RedirectURI+"#"+encode(params))
	default:
		sep := "?"
		if strings.Contains(req.RedirectURI, "?") {
			sep = "&"
		}
		p.redirect(w, r, req.RedirectURI+sep+encode(params))
	}
}

// redirectError sends an error to the client (only ever called once the
// redirect URI was matched against the registered ones).
func (p *Provider) redirectError(w http.ResponseWriter, r *http.Request, req interaction.Request, e *Error) {
	if e.Status >= 500 {
		p.o.Logger.ErrorContext(r.Context(), "authorization error", "err", e.Debug)
	}
	params := map[string]string{"error": e.Code}
	if e.Description != "" {
		params["error_description"] = e.Description
	}
	p.respond(w, r, req, params)
}

func encode(params map[string]string) string {
	v := url.Values{}
	for k, val := range params {
		v.Set(k, val)
	}
	return v.Encode()
}

// redirect answers 303 to a POST (spec/security.md item 16) and 302 to a GET.
func (p *Provider) redirect(w http.ResponseWriter, r *http.Request, to string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	code := http.StatusFound
	if r.Method == http.MethodPost {
		code = http.StatusSeeOther
	}
	http.Redirect(w, r, to, code)
}
