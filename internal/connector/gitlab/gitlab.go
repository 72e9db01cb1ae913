// Package gitlab is the GitLab social connector ("gitlab-universal"), for
// gitlab.com or a self-managed GitLab.
package gitlab

import (
	"context"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// FactoryID is GitLab's factory id.
const FactoryID = "gitlab-universal"

// Defaults; paths are appended to baseUrl and passed through env.Rewrite.
const (
	DefaultBaseURL = "https://gitlab.com"
	AuthorizePath  = "/oauth/authorize"
	TokenPath      = "/oauth/token"
	UserPath       = "/api/v4/user"
	DefaultScope   = "read_user"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#E24329" d="m23.6 9.6-.03-.09-3.26-8.5a.85.85 0 0 0-1.62.06l-2.2 6.74H7.5L5.3 1.07a.85.85 0 0 0-1.62-.06L.43 9.5l-.03.09a6.05 6.05 0 0 0 2 7l.01.01.03.02 4.97 3.72 2.46 1.86 1.5 1.13a1 1 0 0 0 1.22 0l1.5-1.13 2.46-1.86 5-3.74.01-.01a6.06 6.06 0 0 0 2.04-6.99z"/></svg>`

func init() {
	items := oa.ClientFormItems(DefaultScope, "read_user gives the profile and the primary email.")
	items = append(items, connector.FormItem{Key: "baseUrl", Label: "GitLab URL", Type: connector.Text, DefaultValue: DefaultBaseURL,
		Placeholder: DefaultBaseURL, Description: "Your self-managed GitLab's URL; leave the default for gitlab.com."})
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "gitlab", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "GitLab", "ja": "GitLab"},
			Description: map[string]string{"en": "Sign in with a GitLab account.", "ja": "GitLab アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("GitLab", "GitLab's User settings > Applications (or Admin > Applications for an instance-wide app)",
				"4. Tick the `read_user` scope and keep \"Confidential\" ticked.\n5. For a self-managed GitLab, set \"GitLab URL\".\n"),
			FormItems: items,
		},
		NewSocial: New,
	})
}

type gitlab struct {
	env                           connector.Env
	base                          string
	clientID, clientSecret, scope string
}

// New builds a GitLab connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	g := &gitlab{env: env}
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
	if g.base, err = oa.ConfigURL(config, "baseUrl", false); err != nil {
		return nil, err
	}
	if g.base == "" {
		g.base = DefaultBaseURL
	}
	g.base = strings.TrimSuffix(g.base, "/")
	return g, nil
}

func (g *gitlab) url(path string) string { return oa.Rewrite(g.env, g.base+path) }

func (g *gitlab) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := map[string]string{"response_type": "code", "client_id": g.clientID, "redirect_uri": r.RedirectURI, "state": r.State, "scope": g.scope}
	if r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	return oa.AuthURL(g.url(AuthorizePath), q)
}

func (g *gitlab) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, g.env, oa.TokenRequest{URL: g.url(TokenPath), ClientID: g.clientID, ClientSecret: g.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, CodeVerifier: cb.CodeVerifier})
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, g.env, g.url(UserPath), tok.AccessToken, nil, nil)
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	p := &connector.Profile{ID: oa.Str(raw, "id"), Email: oa.Str(raw, "email"), Name: oa.Str(raw, "name"), Avatar: oa.Str(raw, "avatar_url"), Raw: raw}
	if p.ID == "" {
		return nil, oa.MissingID()
	}
	// GitLab confirms the primary email before setting confirmed_at.
	p.EmailVerified = p.Email != "" && raw["confirmed_at"] != nil && oa.Str(raw, "confirmed_at") != ""
	if p.Name == "" {
		p.Name = oa.Str(raw, "username")
	}
	return p, nil
}
