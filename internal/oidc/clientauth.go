package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/server"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/throttle"
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
		if err1 != nil || err2 != nil || !server.ValidText(id) || !server.ValidText(secret) {
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
	return p.authenticateSecret(ctx, r, id, secret)
}

// authenticateSecret checks a client secret, throttled (spec/security.md
// item 18): while the client is locked at this address, or the address is,
// the answer is invalid_client with Retry-After and the secret is not
// checked. A wrong secret counts a failure when the client exists (unknown
// ids have nothing to guess); the right one clears the client's counter.
// Public clients have no secret and are never throttled.
func (p *Provider) authenticateSecret(ctx context.Context, r *http.Request, id, secret string) (*store.Application, error) {
	at, err := p.clientThrottle().Begin(ctx, id, server.ClientIP(r))
	if err != nil {
		return nil, err
	}
	if at.Wait > 0 {
		secs := int64((at.Wait + time.Second - 1) / time.Second)
		e := errInvalidClient(fmt.Sprintf("too many failed attempts; retry after %d seconds", secs))
		e.RetryAfter = secs
		return nil, e
	}
	app, err := p.o.Applications.Authenticate(ctx, id, secret)
	if errors.Is(err, application.ErrInvalidClient) {
		if _, gerr := p.o.Applications.Get(ctx, id); gerr == nil {
			if err := at.Fail(ctx); err != nil {
				return nil, err
			}
		}
		return nil, errInvalidClient("client authentication failed")
	}
	if err != nil {
		return nil, err
	}
	if err := at.Succeed(ctx); err != nil {
		return nil, err
	}
	return app, nil
}

func (p *Provider) clientThrottle() *throttle.Guard {
	if p.o.ClientThrottle != nil {
		return p.o.ClientThrottle
	}
	return throttle.Clients(p.o.Store, p.now)
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
