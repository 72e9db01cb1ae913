// Package patreon is the Patreon social connector ("patreon-universal"):
// OAuth 2.0 authorization code flow, then the API v2 identity endpoint
// (see /shared/spec/connectors.md, "Patreon").
package patreon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
)

// Upstream URLs (Env.Rewrite points them elsewhere in tests).
const (
	AuthorizeURL = "https://www.patreon.com/oauth2/authorize"
	TokenURL     = "https://www.patreon.com/api/oauth2/token"
	IdentityURL  = "https://www.patreon.com/api/oauth2/v2/identity"
	// IdentityFields is the fields[user] query of the identity call.
	IdentityFields = "email,full_name,image_url,is_email_verified,url,vanity"
	// DefaultScope asks for the profile and the email.
	DefaultScope = "identity identity[email]"
)

// Logo is Patreon's mark as an inline SVG.
const Logo = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'>" +
	"<circle cx='14.5' cy='9.5' r='6.5' fill='%23FF424D'/><rect x='3' y='3' width='3.5' height='18' fill='%23052D49'/></svg>"

const readme = `# Patreon

Lets people sign in with their Patreon account.

1. Sign in to Patreon and open the "Clients & API Keys" page
   (https://www.patreon.com/portal/registration/register-clients); create a client.
2. Set the client's Redirect URI to ` + "`{endpoint}/callback/{connectorId}`" + ` — the exact URL
   is shown next to this connector's configuration (copy it from there).
3. Paste the client's Client ID and Client Secret here.
4. Scope (optional, space separated) defaults to ` + "`identity identity[email]`" + `: the
   profile and the email address.
`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: "patreon-universal", Target: "patreon", Type: connector.KindSocial, Platform: "Universal",
			Name: map[string]string{"en": "Patreon", "ja": "Patreon"},
			Description: map[string]string{
				"en": "Sign in with a Patreon account.",
				"ja": "Patreon アカウントでサインインします。",
			},
			Logo: Logo, Readme: readme,
			FormItems: []connector.FormItem{
				{Key: "clientId", Label: "Client ID", Type: connector.Text, Required: true, Placeholder: "<client-id>"},
				{Key: "clientSecret", Label: "Client Secret", Type: connector.Text, Required: true, IsConfidential: true, Placeholder: "<client-secret>"},
				{Key: "scope", Label: "Scope", Type: connector.Text, DefaultValue: DefaultScope,
					Description: "Space separated Patreon scopes; default: " + DefaultScope},
			},
		},
		NewSocial: New,
	})
}

// Patreon is a configured connector.
type Patreon struct {
	ClientID, ClientSecret, Scope string
	env                           connector.Env
}

// New builds the connector from a validated config.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	str := func(k string) string { s, _ := config[k].(string); return strings.TrimSpace(s) }
	p := &Patreon{ClientID: str("clientId"), ClientSecret: str("clientSecret"), Scope: str("scope"), env: env}
	if p.ClientID == "" || p.ClientSecret == "" {
		return nil, connector.Errorf(connector.InvalidConfig, "clientId and clientSecret are required")
	}
	if p.Scope == "" {
		p.Scope = DefaultScope
	}
	if p.env.HTTP == nil {
		p.env.HTTP = &http.Client{Timeout: connector.UpstreamTimeout}
	}
	if p.env.Rewrite == nil {
		p.env.Rewrite = func(s string) string { return s }
	}
	return p, nil
}

// AuthorizationURL is Patreon's authorize URL (Patreon supports neither
// nonce nor PKCE).
func (p *Patreon) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := url.Values{"response_type": {"code"}, "client_id": {p.ClientID}, "redirect_uri": {r.RedirectURI},
		"scope": {p.Scope}, "state": {r.State}}
	return p.env.Rewrite(AuthorizeURL) + "?" + q.Encode(), nil
}

// UserInfo exchanges the callback's code and reads the identity.
func (p *Patreon) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	if e := cb.Params.Get("error"); e != "" {
		if e == "access_denied" {
			return nil, &connector.Error{Code: connector.AccessDenied, Message: "The user declined at Patreon."}
		}
		return nil, &connector.Error{Code: connector.AuthorizationFailed, Message: "Patreon refused the authorization: " + e,
			AdminHint: cb.Params.Get("error_description")}
	}
	code := cb.Params.Get("code")
	if code == "" {
		return nil, connector.Errorf(connector.InvalidResponse, "Patreon's callback carries no code")
	}
	token, err := p.token(ctx, code, cb.RedirectURI)
	if err != nil {
		return nil, err
	}
	return p.identity(ctx, token)
}

type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func (p *Patreon) token(ctx context.Context, code, redirectURI string) (string, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"client_id": {p.ClientID}, "client_secret": {p.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.env.Rewrite(TokenURL), strings.NewReader(form.Encode()))
	if err != nil {
		return "", connector.Errorf(connector.InvalidConfig, "token URL: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	status, body, err := p.do(req)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		var oe oauthError
		_ = json.Unmarshal(body, &oe)
		switch {
		case oe.Error == "invalid_grant":
			return "", &connector.Error{Code: connector.AuthorizationFailed, Message: "The authorization code is invalid or expired."}
		case strings.Contains(strings.ToLower(oe.ErrorDescription), "redirect") || strings.Contains(strings.ToLower(oe.Error), "redirect"):
			return "", &connector.Error{Code: connector.InvalidRequest,
				Message:   "Patreon refused the redirect URI: " + firstNonEmpty(oe.ErrorDescription, oe.Error),
				AdminHint: "Register exactly " + redirectURI + " as the Redirect URI of the client at Patreon's Clients & API Keys page."}
		case oe.Error == "invalid_client":
			return "", &connector.Error{Code: connector.InvalidConfig, Message: "Patreon does not know this client.",
				AdminHint: "Check the connector's Client ID and Client Secret."}
		case oe.Error != "":
			return "", &connector.Error{Code: connector.InvalidRequest, Message: "Patreon refused the token request: " + firstNonEmpty(oe.ErrorDescription, oe.Error),
				AdminHint: "Patreon answered " + oe.Error + ": " + oe.ErrorDescription}
		}
		return "", connector.Errorf(connector.InvalidResponse, "Patreon's token endpoint answered %d", status)
	}
	var t struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return "", &connector.Error{Code: connector.InvalidResponse, Message: "Patreon's token answer is unusable.", Err: err}
	}
	return t.AccessToken, nil
}

func (p *Patreon) identity(ctx context.Context, token string) (*connector.Profile, error) {
	u := p.env.Rewrite(IdentityURL) + "?" + url.Values{"fields[user]": {IdentityFields}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, connector.Errorf(connector.InvalidConfig, "identity URL: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	status, body, err := p.do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, connector.Errorf(connector.AuthorizationFailed, "Patreon refused the access token (%d)", status)
	case status != http.StatusOK:
		return nil, connector.Errorf(connector.InvalidResponse, "Patreon's identity endpoint answered %d", status)
	}
	var raw map[string]any
	var doc struct {
		Data struct {
			ID         string `json:"id"`
			Attributes struct {
				Email           string `json:"email"`
				FullName        string `json:"full_name"`
				ImageURL        string `json:"image_url"`
				IsEmailVerified bool   `json:"is_email_verified"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, &connector.Error{Code: connector.InvalidResponse, Message: "Patreon's identity answer is not JSON.", Err: err}
	}
	_ = json.Unmarshal(body, &raw)
	if doc.Data.ID == "" {
		return nil, connector.Errorf(connector.InvalidResponse, "Patreon's identity answer has no user id")
	}
	a := doc.Data.Attributes
	return &connector.Profile{ID: doc.Data.ID, Email: a.Email, EmailVerified: a.IsEmailVerified,
		Name: a.FullName, Avatar: a.ImageURL, Raw: raw}, nil
}

// do sends req and reads the body (at most 1 MiB), mapping transport
// failures, 429 and 5xx.
func (p *Patreon) do(req *http.Request) (int, []byte, error) {
	resp, err := p.env.HTTP.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
			return 0, nil, &connector.Error{Code: connector.Unavailable, Message: "Patreon did not answer in time.", Err: err}
		}
		return 0, nil, &connector.Error{Code: connector.Unavailable, Message: "Patreon cannot be reached.", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, &connector.Error{Code: connector.Unavailable, Message: "Patreon's answer was cut short.", Err: err}
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return 0, nil, &connector.Error{Code: connector.RateLimited, Message: "Patreon is rate limiting sign-ins; try again shortly."}
	case resp.StatusCode >= 500:
		return 0, nil, &connector.Error{Code: connector.Unavailable, Message: fmt.Sprintf("Patreon answered %d.", resp.StatusCode)}
	}
	return resp.StatusCode, body, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
