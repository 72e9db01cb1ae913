package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/monban-dev/monban/internal/store"
)

// grantClientCredentials (RFC 6749 §4.4): machine-to-machine applications
// only. Issuing writes nothing: the token is a signed at+jwt whose scope is
// the requested permissions the application holds through its roles, read
// with the resource in one query.
func (p *Provider) grantClientCredentials(r *http.Request, app *store.Application, form url.Values) (*tokenResponse, error) {
	if app.Type != store.AppMachineToMachine {
		return nil, errUnauthorizedClient("client_credentials is for machine-to-machine applications")
	}
	requested := splitScope(form.Get("scope"))
	var (
		aud, scope string
		ttl        = DefaultAccessTokenTTL
	)
	ind, err := singleResource(form)
	if err != nil {
		return nil, err
	}
	if ind != "" {
		res, granted, err := p.applicationResource(r.Context(), app.ID, ind, requested)
		if err != nil {
			return nil, err
		}
		aud, ttl, scope = res.Indicator, res.AccessTokenTTL, granted
	} else {
		// Spec ("Pinned details"): without a resource the token is still a
		// JWT that introspection accepts, for the default resource if one is
		// set (with the requested permissions of it the application holds),
		// else for the client itself, with an empty scope.
		def, err := p.defaultResource(r.Context())
		if err != nil {
			return nil, err
		}
		aud = app.ID
		if def != nil {
			aud, ttl = def.Indicator, def.AccessTokenTTL
			if len(requested) > 0 {
				if _, scope, err = p.applicationResource(r.Context(), app.ID, def.Indicator, requested); err != nil {
					return nil, err
				}
			}
		}
	}
	tok, expiresIn, err := p.jwtAccessToken(app.ID, app.ID, aud, scope, "", ttl)
	if err != nil {
		return nil, err
	}
	return &tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: expiresIn, Scope: scope}, nil
}

func (p *Provider) defaultResource(ctx context.Context) (*store.Resource, error) {
	r, err := p.o.Store.GetDefaultResource(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return r, err
}
