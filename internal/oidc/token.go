package oidc

import (
	"mime"
	"net/http"
	"net/url"

	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/store"
)

// tokenResponse is RFC 6749 §5.1 as Logto's SDKs read it: token_type
// exactly "Bearer", expires_in an integer, scope always present.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// grantHandler is one grant type: it gets the authenticated client and the
// form, and returns the response or an *Error. The shared steps (parsing,
// client authentication, errors, metrics) live in handleToken, so a grant
// cannot forget one.
type grantHandler func(r *http.Request, app *store.Application, form url.Values) (*tokenResponse, error)

func (p *Provider) grants() map[string]grantHandler {
	return map[string]grantHandler{
		"authorization_code": p.grantAuthorizationCode,
		"refresh_token":      p.grantRefreshToken,
		"client_credentials": p.grantClientCredentials,
	}
}

// handleToken is the token endpoint (RFC 6749 §3.2).
func (p *Provider) handleToken(w http.ResponseWriter, r *http.Request) {
	allowCORS(w)
	form, err := parseForm(w, r)
	if err != nil {
		p.tokenError(w, r, "", nil, err)
		return
	}
	gt := form.Get("grant_type")
	grant, ok := p.grants()[gt]
	if !ok {
		if gt == "" {
			p.tokenError(w, r, gt, nil, errInvalidRequest("grant_type is required"))
		} else {
			p.tokenError(w, r, gt, nil, errUnsupportedGrantType("unsupported grant_type"))
		}
		return
	}
	app, err := p.authenticateClient(r.Context(), r, form)
	if err != nil {
		p.tokenError(w, r, gt, nil, err)
		return
	}
	resp, err := grant(r, app, form)
	if err != nil {
		p.tokenError(w, r, gt, app, err)
		return
	}
	if p.o.Metrics != nil {
		p.o.Metrics.TokensIssued.WithLabelValues(gt).Inc()
	}
	writeJSON(w, http.StatusOK, resp)
}

// tokenError answers a failed token request and records it (audit.go);
// app is the authenticated client, nil before client authentication.
func (p *Provider) tokenError(w http.ResponseWriter, r *http.Request, grantType string, app *store.Application, err error) {
	if p.o.Metrics != nil {
		p.o.Metrics.TokenErrors.WithLabelValues(asError(err).Code).Inc()
	}
	p.recordTokenError(r, grantType, app, err)
	p.writeJSONError(w, r, err)
}

// parseForm reads an application/x-www-form-urlencoded body (RFC 6749 §3.2),
// at most 64 KiB; parameters in the URL query are not read.
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, errInvalidRequest("the body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, errInvalidRequest("the request body could not be parsed")
	}
	if name, bad := server.InvalidValue(r.PostForm); bad {
		return nil, errInvalidRequest(name + " is not valid UTF-8 text (or holds a NUL byte)")
	}
	for name, vs := range r.PostForm {
		if len(vs) > 1 && name != "resource" {
			return nil, errInvalidRequest(name + " must not be sent more than once")
		}
	}
	return r.PostForm, nil
}
