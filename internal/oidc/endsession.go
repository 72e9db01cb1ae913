package oidc

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/web"
)

// handleEndSession is RP-Initiated Logout 1.0. Neither SDK sends
// id_token_hint; when one comes it is verified (signature, issuer, our own
// keys only, spec/security.md item 8). A post_logout_redirect_uri must be
// registered for the client exactly, else an error page and no redirect,
// whether or not a session exists.
func (p *Provider) handleEndSession(w http.ResponseWriter, r *http.Request) {
	q, ok := frontChannelParams(w, r)
	if !ok {
		p.errorPage(w, r, "The sign-out request could not be read.")
		return
	}
	clientID := q.Get("client_id")
	if hint := q.Get("id_token_hint"); hint != "" {
		aud, err := p.verifyIDTokenHint(hint)
		if err != nil {
			p.errorPage(w, r, "The id_token_hint is not a valid ID token from this server.")
			return
		}
		if clientID != "" && clientID != aud {
			p.errorPage(w, r, "client_id does not match the id_token_hint.")
			return
		}
		clientID = aud
	}
	redirect := q.Get("post_logout_redirect_uri")
	if redirect != "" {
		if clientID == "" {
			p.errorPage(w, r, "post_logout_redirect_uri needs client_id or id_token_hint.")
			return
		}
		app, err := p.o.Applications.Get(r.Context(), clientID)
		if errors.Is(err, store.ErrNotFound) {
			p.errorPage(w, r, "The application (client_id) is unknown.")
			return
		}
		if err != nil {
			p.writeJSONError(w, r, err)
			return
		}
		if !slices.Contains(app.PostLogoutRedirectURIs, redirect) {
			p.errorPage(w, r, "The post_logout_redirect_uri is not registered for this application.")
			return
		}
	}
	if err := p.o.Sessions.End(r.Context(), w, r); err != nil {
		p.o.Logger.ErrorContext(r.Context(), "end session", "err", err)
	}
	if redirect == "" {
		web.SignedOut(w, r, p.o.Base)
		return
	}
	if st := q.Get("state"); st != "" {
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
		}
		redirect += sep + url.Values{"state": {st}}.Encode()
	}
	p.redirect(w, r, redirect)
}

// verifyIDTokenHint checks an ID token we issued (expiry may have passed: a
// hint is about who, not about a live session) and returns its audience.
func (p *Provider) verifyIDTokenHint(tok string) (string, error) {
	// Access tokens are signed with the same keys: an at+jwt is not an ID
	// token, whatever its claims say.
	if isAccessTokenJWT(tok) {
		return "", errBadToken
	}
	body, err := p.o.Keys.Verify(tok)
	if err != nil {
		return "", err
	}
	var c struct {
		Iss string `json:"iss"`
		Aud any    `json:"aud"`
	}
	if err := json.Unmarshal(body, &c); err != nil || c.Iss != p.o.Issuer {
		return "", errBadToken
	}
	aud, ok := c.Aud.(string)
	if !ok || aud == "" {
		return "", errBadToken
	}
	return aud, nil
}
