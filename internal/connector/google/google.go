// Package google is the Google social connector ("google-universal"):
// OpenID Connect with PKCE and nonce; the ID token is validated against
// Google's keys and the profile read from the userinfo endpoint.
package google

import (
	"context"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
	"github.com/monban-dev/monban/internal/connector/oidc"
)

// FactoryID is Google's factory id.
const FactoryID = "google-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	Issuer       = "https://accounts.google.com"
	AuthorizeURL = "https://accounts.google.com/o/oauth2/v2/auth"
	TokenURL     = "https://oauth2.googleapis.com/token"
	UserInfoURL  = "https://openidconnect.googleapis.com/v1/userinfo"
	JWKSURL      = "https://www.googleapis.com/oauth2/v3/certs"
	DefaultScope = "openid profile email"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><path fill="#FFC107" d="M43.6 20.1H42V20H24v8h11.3C33.7 32.7 29.2 36 24 36c-6.6 0-12-5.4-12-12s5.4-12 12-12c3.1 0 5.8 1.2 7.9 3.1l5.7-5.7C34 6.1 29.3 4 24 4 12.9 4 4 12.9 4 24s8.9 20 20 20 20-8.9 20-20c0-1.3-.1-2.6-.4-3.9z"/><path fill="#FF3D00" d="M6.3 14.7l6.6 4.8C14.7 15.1 19 12 24 12c3.1 0 5.8 1.2 7.9 3.1l5.7-5.7C34 6.1 29.3 4 24 4 16.3 4 9.7 8.3 6.3 14.7z"/><path fill="#4CAF50" d="M24 44c5.2 0 9.9-2 13.4-5.2l-6.2-5.2C29.2 35.1 26.7 36 24 36c-5.2 0-9.6-3.3-11.3-7.9l-6.5 5C9.5 39.6 16.2 44 24 44z"/><path fill="#1976D2" d="M43.6 20.1H42V20H24v8h11.3c-.8 2.2-2.2 4.2-4.1 5.6l6.2 5.2C37 39.2 44 34 44 24c0-1.3-.1-2.6-.4-3.9z"/></svg>`

func init() {
	items := oa.ClientFormItems(DefaultScope, `"openid" is always requested.`)
	items = append(items, connector.FormItem{Key: "prompts", Label: "Prompts", Type: connector.MultiSelect,
		Description: "Google's prompt parameter; empty lets Google decide.",
		SelectItems: []connector.SelectItem{{Title: "none", Value: "none"}, {Title: "consent", Value: "consent"}, {Title: "select_account", Value: "select_account"}}})
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "google", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "Google", "ja": "Google"},
			Description: map[string]string{"en": "Sign in with a Google account.", "ja": "Google アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("Google", "the Google Cloud console (APIs & Services > Credentials > Create credentials > OAuth client ID, type \"Web application\")",
				"4. Configure the OAuth consent screen; the scopes `openid profile email` need no verification.\n"),
			FormItems: items,
		},
		NewSocial: New,
	})
}

type google struct {
	env                           connector.Env
	clientID, clientSecret, scope string
	prompt                        string
	ver                           *oidc.Verifier
}

// New builds a Google connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	g := &google{env: env}
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
	if !slices.Contains(strings.Fields(g.scope), "openid") {
		g.scope = "openid " + g.scope
	}
	if v, ok := config["prompts"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return nil, connector.Errorf(connector.InvalidConfig, "prompts must be a list")
		}
		var ps []string
		for _, p := range list {
			s, _ := p.(string)
			switch s {
			case "none", "consent", "select_account":
				ps = append(ps, s)
			default:
				return nil, connector.Errorf(connector.InvalidConfig, "prompts: unknown prompt %v", p)
			}
		}
		g.prompt = strings.Join(ps, " ")
	}
	g.ver = oidc.NewVerifier(env, Issuer, oa.Rewrite(env, JWKSURL), g.clientID, []string{"RS256"})
	return g, nil
}

func (g *google) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := map[string]string{"response_type": "code", "client_id": g.clientID, "redirect_uri": r.RedirectURI, "state": r.State,
		"scope": g.scope, "nonce": r.Nonce, "prompt": g.prompt, "hl": r.Locale}
	if r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	return oa.AuthURL(oa.Rewrite(g.env, AuthorizeURL), q)
}

func (g *google) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, g.env, oa.TokenRequest{URL: oa.Rewrite(g.env, TokenURL), ClientID: g.clientID, ClientSecret: g.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, CodeVerifier: cb.CodeVerifier})
	if err != nil {
		return nil, err
	}
	idt, _, err := g.ver.Verify(ctx, tok.IDToken, cb.Nonce, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, g.env, oa.Rewrite(g.env, UserInfoURL), tok.AccessToken, nil, nil)
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
	if p.ID != idt.Subject {
		return nil, connector.Errorf(connector.InvalidResponse, "Google's user info is about another user than its ID token")
	}
	return p, nil
}
