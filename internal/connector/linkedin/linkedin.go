// Package linkedin is the "Sign In with LinkedIn using OpenID Connect"
// social connector ("linkedin-universal"). The profile is read from the
// userinfo endpoint with the access token obtained directly from LinkedIn.
package linkedin

import (
	"context"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
	"github.com/monban-dev/monban/internal/connector/oidc"
)

// FactoryID is LinkedIn's factory id.
const FactoryID = "linkedin-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	AuthorizeURL = "https://www.linkedin.com/oauth/v2/authorization"
	TokenURL     = "https://www.linkedin.com/oauth/v2/accessToken"
	UserInfoURL  = "https://api.linkedin.com/v2/userinfo"
	DefaultScope = "openid profile email"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#0A66C2" d="M20.4 20.5h-3.6v-5.6c0-1.3 0-3-1.8-3s-2.1 1.4-2.1 2.9v5.7H9.3V9h3.4v1.6c.5-.9 1.6-1.8 3.4-1.8 3.6 0 4.3 2.4 4.3 5.5v6.2zM5.3 7.4a2.1 2.1 0 1 1 0-4.2 2.1 2.1 0 0 1 0 4.2zM7.1 20.5H3.6V9h3.5zM22.2 0H1.8C.8 0 0 .8 0 1.7v20.6c0 .9.8 1.7 1.8 1.7h20.4c1 0 1.8-.8 1.8-1.7V1.7C24 .8 23.2 0 22.2 0z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "linkedin", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "LinkedIn", "ja": "LinkedIn"},
			Description: map[string]string{"en": "Sign in with a LinkedIn account.", "ja": "LinkedIn アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("LinkedIn", "the LinkedIn Developer Portal (https://www.linkedin.com/developers/apps > Auth > Authorized redirect URLs)",
				"4. Add the product \"Sign In with LinkedIn using OpenID Connect\" to the app.\n"),
			FormItems: oa.ClientFormItems(DefaultScope, "OpenID Connect scopes of \"Sign In with LinkedIn\"."),
		},
		NewSocial: New,
	})
}

type linkedin struct {
	env                           connector.Env
	clientID, clientSecret, scope string
}

// New builds a LinkedIn connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	l := &linkedin{env: env}
	var err error
	if l.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if l.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if l.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *linkedin) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	return oa.AuthURL(oa.Rewrite(l.env, AuthorizeURL), map[string]string{"response_type": "code", "client_id": l.clientID,
		"redirect_uri": r.RedirectURI, "state": r.State, "scope": l.scope})
}

func (l *linkedin) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, l.env, oa.TokenRequest{URL: oa.Rewrite(l.env, TokenURL), ClientID: l.clientID, ClientSecret: l.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI})
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, l.env, oa.Rewrite(l.env, UserInfoURL), tok.AccessToken, nil, nil)
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	p := oidc.ProfileFromClaims(raw)
	if p.ID == "" {
		return nil, oa.MissingID()
	}
	return p, nil
}
