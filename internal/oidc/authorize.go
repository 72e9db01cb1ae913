package oidc

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/interaction"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/web"
)

// handleAuthorize is the authorization endpoint (OIDC Core §3.1.2, RFC 6749
// §4.1.1) for the code flow.
//
// Until the client and redirect URI are validated, errors are an HTML page
// and never a redirect (spec/security.md items 1-2); after that, every error
// goes back to the client with error, state and iss (RFC 9207).
func (p *Provider) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q, ok := frontChannelParams(w, r)
	if !ok {
		p.errorPage(w, r, "The authorization request could not be read.")
		return
	}
	app, redirectURI, why := p.checkClientAndRedirect(r, q)
	if why != "" {
		p.errorPage(w, r, why)
		return
	}
	req, aerr := p.parseAuthRequest(r, app, redirectURI, q)
	if aerr != nil {
		p.redirectError(w, r, req, aerr)
		return
	}
	p.continueAuthorization(w, r, app, req, nil)
}

// checkClientAndRedirect finds the client and matches redirect_uri by exact
// string comparison with a registered one: no normalisation, no prefix.
func (p *Provider) checkClientAndRedirect(r *http.Request, q url.Values) (*store.Application, string, string) {
	clientID, dupClient := single(q, "client_id")
	redirectURI, dupRedirect := single(q, "redirect_uri")
	if clientID == "" {
		return nil, "", "The request has no client_id."
	}
	if dupClient || dupRedirect {
		return nil, "", "client_id and redirect_uri must be sent once."
	}
	app, err := p.o.Applications.Get(r.Context(), clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", "The application (client_id) is unknown."
	}
	if err != nil {
		p.o.Logger.ErrorContext(r.Context(), "load client", "err", err)
		return nil, "", "The authorization request could not be processed. Try again later."
	}
	if redirectURI == "" {
		return nil, "", "The request has no redirect_uri."
	}
	if !slices.Contains(app.RedirectURIs, redirectURI) {
		return nil, "", "The redirect_uri does not match any redirect URI registered for this application."
	}
	return app, redirectURI, ""
}

// parseAuthRequest validates the rest of the request. The returned request
// always carries what an error redirect needs (redirect URI, state, mode).
func (p *Provider) parseAuthRequest(r *http.Request, app *store.Application, redirectURI string, q url.Values) (interaction.Request, *Error) {
	req := interaction.Request{ClientID: app.ID, RedirectURI: redirectURI, State: q.Get("state")}
	switch mode := q.Get("response_mode"); mode {
	case "", "query", "form_post", "fragment":
		req.ResponseMode = mode
	default:
		return req, errInvalidRequest("unsupported response_mode")
	}
	if q.Get("request") != "" {
		return req, oauthErr("request_not_supported", 400, "request objects are not supported")
	}
	if q.Get("request_uri") != "" {
		return req, oauthErr("request_uri_not_supported", 400, "request_uri is not supported")
	}
	if app.Type == store.AppMachineToMachine {
		return req, errUnauthorizedClient("machine-to-machine applications use client_credentials, not the authorization endpoint")
	}
	if rt := q.Get("response_type"); rt != "code" {
		if rt == "" {
			return req, errInvalidRequest("response_type is required")
		}
		return req, oauthErr("unsupported_response_type", 400, "only response_type=code is supported")
	}
	req.Scopes = splitScope(q.Get("scope"))
	if !slices.Contains(req.Scopes, "openid") {
		return req, errInvalidScope("the openid scope is required")
	}
	req.Nonce = q.Get("nonce")
	req.CodeChallenge = q.Get("code_challenge")
	req.CodeChallengeMethod = q.Get("code_challenge_method")
	if req.CodeChallenge != "" {
		// S256 only (spec/security.md item 3): "plain" would let a stolen
		// code be redeemed with the challenge itself.
		if req.CodeChallengeMethod != "S256" {
			return req, errInvalidRequest("code_challenge_method must be S256")
		}
		if !validPKCEValue(req.CodeChallenge) {
			return req, errInvalidRequest("code_challenge is malformed")
		}
	} else if req.CodeChallengeMethod != "" {
		return req, errInvalidRequest("code_challenge_method without code_challenge")
	} else if !app.Type.Confidential() {
		return req, errInvalidRequest("PKCE (code_challenge with S256) is required for public clients")
	}
	for _, res := range resourceValues(q) {
		if !validIndicator(res) {
			return req, errInvalidTarget("resource must be an absolute URI without a fragment")
		}
		if _, err := p.resource(r.Context(), res, app); err != nil {
			return req, asError(err)
		}
		req.Resources = append(req.Resources, res)
	}
	if len(req.Resources) == 0 {
		// Logto: a request naming no resource is for the default one, if
		// set, so its permissions can be requested without RFC 8707.
		def, err := p.defaultResource(r.Context())
		if err != nil {
			return req, errServer(err.Error())
		}
		if def != nil {
			req.Resources = []string{def.Indicator}
		}
	}
	req.Prompt = strings.Fields(q.Get("prompt"))
	for _, v := range req.Prompt {
		if v != "none" && v != "login" && v != "consent" && v != "select_account" {
			return req, errInvalidRequest("unsupported prompt value")
		}
	}
	if slices.Contains(req.Prompt, "none") && len(req.Prompt) > 1 {
		return req, errInvalidRequest("prompt=none cannot be combined with other values")
	}
	if ma := q.Get("max_age"); ma != "" {
		n, err := strconv.ParseInt(ma, 10, 64)
		if err != nil || n < 0 {
			return req, errInvalidRequest("max_age must be a non-negative integer")
		}
		req.MaxAge = &n
	}
	// Logto's extras are carried to the hosted pages; an invalid one is
	// dropped, never an error (spec: "One invalid extra must not break the request").
	req.UILocales = limit(q.Get("ui_locales"), 64)
	req.LoginHint = limit(q.Get("login_hint"), 256)
	req.FirstScreen = limit(q.Get("first_screen"), 32)
	req.InteractionMode = limit(q.Get("interaction_mode"), 16)
	ids := q.Get("identifier")
	if ids == "" {
		ids = q.Get("identifiers") // the Go SDK's plural
	}
	for _, v := range strings.FieldsFunc(ids, func(r rune) bool { return r == ' ' || r == ',' }) {
		if v == "username" || v == "email" || v == "phone" {
			req.Identifiers = append(req.Identifiers, v)
		}
	}
	req.DirectSignIn = limit(q.Get("direct_sign_in"), 128)
	req.OrganizationID = limit(q.Get("organization_id"), 128)
	return req, nil
}

func limit(s string, n int) string {
	if len(s) > n {
		return ""
	}
	return s
}

// validPKCEValue: 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1).
func validPKCEValue(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

func (p *Provider) errorPage(w http.ResponseWriter, r *http.Request, detail string) {
	web.ErrorPage(w, r, http.StatusBadRequest, p.o.Base, "Sign-in request rejected", detail)
}
