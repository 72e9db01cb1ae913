// Package slack is the "Sign in with Slack" social connector
// ("slack-universal"): OpenID Connect, nonce, ID token validated against
// Slack's keys, profile from openid.connect.userInfo.
package slack

import (
	"context"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
	"github.com/monban-dev/monban/internal/connector/oidc"
)

// FactoryID is Slack's factory id.
const FactoryID = "slack-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	Issuer       = "https://slack.com"
	AuthorizeURL = "https://slack.com/openid/connect/authorize"
	TokenURL     = "https://slack.com/api/openid.connect.token"
	UserInfoURL  = "https://slack.com/api/openid.connect.userInfo"
	JWKSURL      = "https://slack.com/openid/connect/keys"
	DefaultScope = "openid profile email"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#E01E5A" d="M5 15.2a2.5 2.5 0 1 1-2.5-2.5H5zm1.3 0a2.5 2.5 0 0 1 5 0v6.3a2.5 2.5 0 1 1-5 0z"/><path fill="#36C5F0" d="M8.8 5a2.5 2.5 0 1 1 2.5-2.5V5zm0 1.3a2.5 2.5 0 0 1 0 5H2.5a2.5 2.5 0 1 1 0-5z"/><path fill="#2EB67D" d="M19 8.8a2.5 2.5 0 1 1 2.5 2.5H19zm-1.3 0a2.5 2.5 0 0 1-5 0V2.5a2.5 2.5 0 1 1 5 0z"/><path fill="#ECB22E" d="M15.2 19a2.5 2.5 0 1 1-2.5 2.5V19zm0-1.3a2.5 2.5 0 0 1 0-5h6.3a2.5 2.5 0 1 1 0 5z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "slack", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "Slack", "ja": "Slack"},
			Description: map[string]string{"en": "Sign in with a Slack account.", "ja": "Slack アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("Slack", "https://api.slack.com/apps (Create New App > OAuth & Permissions > Redirect URLs)",
				"4. Under \"OpenID Connect\" scopes, add `openid`, `profile` and `email`.\n"),
			FormItems: oa.ClientFormItems(DefaultScope, `"openid" is always requested.`),
		},
		NewSocial: New,
	})
}

type slack struct {
	env                           connector.Env
	clientID, clientSecret, scope string
	ver                           *oidc.Verifier
}

// New builds a Slack connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	s := &slack{env: env}
	var err error
	if s.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if s.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if s.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	if !slices.Contains(strings.Fields(s.scope), "openid") {
		s.scope = "openid " + s.scope
	}
	s.ver = oidc.NewVerifier(env, Issuer, oa.Rewrite(env, JWKSURL), s.clientID, []string{"RS256"})
	return s, nil
}

func (s *slack) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	return oa.AuthURL(oa.Rewrite(s.env, AuthorizeURL), map[string]string{"response_type": "code", "client_id": s.clientID,
		"redirect_uri": r.RedirectURI, "state": r.State, "scope": s.scope, "nonce": r.Nonce})
}

func (s *slack) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, s.env, oa.TokenRequest{URL: oa.Rewrite(s.env, TokenURL), ClientID: s.clientID, ClientSecret: s.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI})
	if err != nil {
		return nil, err
	}
	idt, _, err := s.ver.Verify(ctx, tok.IDToken, cb.Nonce, "")
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, s.env, oa.Rewrite(s.env, UserInfoURL), tok.AccessToken, nil, nil)
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	// Slack's Web API answers 200 {"ok": false, "error": "..."}.
	if ok, _ := raw["ok"].(bool); !ok {
		return nil, oa.OAuthError(200, oa.Str(raw, "error"), "", "profile endpoint", cb.RedirectURI)
	}
	p := oidc.ProfileFromClaims(raw)
	if p.ID == "" {
		return nil, oa.MissingID()
	}
	if p.ID != idt.Subject {
		return nil, connector.Errorf(connector.InvalidResponse, "Slack's user info is about another user than its ID token")
	}
	return p, nil
}
