package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
)

// authenticateClient identifies the client of a back-channel request:
// client_secret_basic, client_secret_post or none (public clients).
//
// Logto's SDKs differ (spec: "Token endpoint"): Python posts client_id and
// client_secret in the body, and the literal "None" when it has no secret;
// Go sends HTTP Basic AND client_id in the body. Both are accepted; a body
// client_id that differs from the Basic one is invalid_client.
func (p *Provider) authenticateClient(ctx context.Context, r *http.Request, form url.Values) (*store.Application, error) {
	bodyID := form.Get("client_id")
	bodySecret := form.Get("client_secret")
	if bodySecret == "None" {
		bodySecret = ""
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: Basic credentials are form-urlencoded first.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return nil, errInvalidClient("malformed HTTP Basic credentials")
		}
		if bodyID != "" && bodyID != id {
			return nil, errInvalidClient("client_id in the body does not match the Authorization header")
		}
		if bodySecret != "" {
			return nil, errInvalidRequest("use one client authentication method, not Basic and client_secret together")
		}
	} else {
		id, secret = bodyID, bodySecret
	}
	if id == "" {
		return nil, errInvalidClient("client authentication is required (client_id missing)")
	}
	if secret == "" {
		app, err := p.o.Applications.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errInvalidClient("unknown client")
		}
		if err != nil {
			return nil, err
		}
		if app.Type.Confidential() {
			return nil, errInvalidClient("this client must authenticate with its secret")
		}
		return app, nil
	}
	app, err := p.o.Applications.Authenticate(ctx, id, secret)
	if errors.Is(err, application.ErrInvalidClient) {
		return nil, errInvalidClient("client authentication failed")
	}
	if err != nil {
		return nil, err
	}
	return app, nil
}

// tokenRequest is the shared start of the introspection and revocation
// endpoints: a form body, an authenticated client and a token parameter.
func (p *Provider) tokenRequest(w http.ResponseWriter, r *http.Request) (*store.Application, url.Values, error) {
	allowCORS(w)
	form, err := parseForm(w, r)
	if err != nil {
		return nil, nil, err
	}
	app, err := p.authenticateClient(r.Context(), r, form)
	if err != nil {
		return nil, nil, err
	}
	if form.Get("token") == "" {
		return nil, nil, errInvalidRequest("token is required")
	}
	return app, form, nil
}
