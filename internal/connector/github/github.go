// Package github is the GitHub social connector ("github-universal").
package github

import (
	"context"
	"net/http"
	"strconv"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// FactoryID is GitHub's factory id.
const FactoryID = "github-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	AuthorizeURL = "https://github.com/login/oauth/authorize"
	TokenURL     = "https://github.com/login/oauth/access_token"
	UserURL      = "https://api.github.com/user"
	EmailsURL    = "https://api.github.com/user/emails"
	DefaultScope = "read:user user:email"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#181717" d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0 0 16 8c0-4.42-3.58-8-8-8z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "github", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "GitHub", "ja": "GitHub"},
			Description: map[string]string{"en": "Sign in with a GitHub account.", "ja": "GitHub アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("GitHub", "GitHub's Settings > Developer settings > OAuth Apps (https://github.com/settings/developers)",
				"4. The default scope `read:user user:email` lets Monban read the profile and the\n   primary email; only a verified primary email is used.\n"),
			FormItems: oa.ClientFormItems(DefaultScope, "Keep user:email to receive the verified primary email."),
		},
		NewSocial: New,
	})
}

type gh struct {
	env                           connector.Env
	clientID, clientSecret, scope string
}

// New builds a GitHub connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	g := &gh{env: env}
	var err error
	if g.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if g.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if g.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *gh) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	// GitHub supports PKCE (S256) for OAuth apps.
	q := map[string]string{"response_type": "code", "client_id": g.clientID, "redirect_uri": r.RedirectURI, "state": r.State, "scope": g.scope}
	if r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	return oa.AuthURL(oa.Rewrite(g.env, AuthorizeURL), q)
}

var apiHeader = http.Header{"Accept": {"application/vnd.github+json"}, "X-Github-Api-Version": {"2022-11-28"}}

func (g *gh) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, g.env, oa.TokenRequest{URL: oa.Rewrite(g.env, TokenURL), ClientID: g.clientID, ClientSecret: g.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, CodeVerifier: cb.CodeVerifier})
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, g.env, oa.Rewrite(g.env, UserURL), tok.AccessToken, apiHeader, nil)
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	id, ok := raw["id"].(float64)
	if !ok || id <= 0 {
		return nil, oa.MissingID()
	}
	p := &connector.Profile{ID: strconv.FormatInt(int64(id), 10), Raw: raw, Name: oa.Str(raw, "name"), Avatar: oa.Str(raw, "avatar_url")}
	if p.Name == "" {
		p.Name = oa.Str(raw, "login")
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if _, err := oa.GetJSON(ctx, g.env, oa.Rewrite(g.env, EmailsURL), tok.AccessToken, apiHeader, &emails); err != nil {
		return nil, err
	}
	// Only the primary address, and only when GitHub says it is verified.
	for _, e := range emails {
		if e.Primary && e.Verified && e.Email != "" {
			p.Email, p.EmailVerified = e.Email, true
			raw["primary_email"] = e.Email
		}
	}
	return p, nil
}
