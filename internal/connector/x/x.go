// Package x is the X (Twitter) social connector ("x-universal"): OAuth 2.0
// with PKCE (required by X) and HTTP Basic client authentication. X gives
// no email address.
package x

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// FactoryID is X's factory id.
const FactoryID = "x-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	AuthorizeURL = "https://x.com/i/oauth2/authorize"
	TokenURL     = "https://api.x.com/2/oauth2/token"
	MeURL        = "https://api.x.com/2/users/me?user.fields=profile_image_url"
	DefaultScope = "tweet.read users.read"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000" d="M18.2 2.3h3.4l-7.3 8.3 8.6 11.4h-6.7l-5.3-6.9-6 6.9H1.5l7.8-8.9L1 2.3h6.9l4.8 6.3zm-1.2 17.7h1.9L6.9 4.2H4.9z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "x", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "X", "ja": "X"},
			Description: map[string]string{"en": "Sign in with an X (Twitter) account.", "ja": "X (Twitter) アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("X (Twitter)", "the X Developer Portal (https://developer.x.com > Projects & Apps > your app > User authentication settings, type \"Web App\" (confidential client))",
				"4. Use the OAuth 2.0 Client ID and Client Secret (not the API key).\n5. X does not share email addresses: users are matched by their X account only.\n"),
			FormItems: oa.ClientFormItems(DefaultScope, "users.read needs tweet.read."),
		},
		NewSocial: New,
	})
}

type xconn struct {
	env                           connector.Env
	clientID, clientSecret, scope string
}

// New builds an X connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	c := &xconn{env: env}
	var err error
	if c.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if c.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if c.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *xconn) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	if r.CodeChallenge == "" {
		return "", connector.Errorf(connector.InvalidRequest, "X requires PKCE")
	}
	return oa.AuthURL(oa.Rewrite(c.env, AuthorizeURL), map[string]string{"response_type": "code", "client_id": c.clientID,
		"redirect_uri": r.RedirectURI, "state": r.State, "scope": c.scope, "code_challenge": r.CodeChallenge, "code_challenge_method": "S256"})
}

func (c *xconn) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, c.env, oa.TokenRequest{URL: oa.Rewrite(c.env, TokenURL), ClientID: c.clientID, ClientSecret: c.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, CodeVerifier: cb.CodeVerifier, Style: oa.AuthBasic, MapError: tokenError})
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, c.env, oa.Rewrite(c.env, MeURL), tok.AccessToken, nil, nil)
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	p := &connector.Profile{ID: oa.Str(raw, "data.id"), Name: oa.Str(raw, "data.name"), Avatar: oa.Str(raw, "data.profile_image_url"), Raw: raw}
	if p.ID == "" {
		return nil, oa.MissingID()
	}
	if p.Name == "" {
		p.Name = oa.Str(raw, "data.username")
	}
	return p, nil
}

// tokenError: X answers an invalid, expired or used code with
// invalid_request "Value passed for the authorization code was invalid.".
func tokenError(status int, body []byte) error {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error != "invalid_request" || !strings.Contains(strings.ToLower(e.Description), "authorization code") {
		return nil
	}
	return &connector.Error{Code: connector.AuthorizationFailed, Message: "the sign-in with X expired or was already used; please try again",
		Err: errors.New("token endpoint: " + e.Error + ": " + e.Description)}
}
