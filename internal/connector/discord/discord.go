// Package discord is the Discord social connector ("discord-universal").
package discord

import (
	"context"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// FactoryID is Discord's factory id.
const FactoryID = "discord-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	AuthorizeURL = "https://discord.com/oauth2/authorize"
	TokenURL     = "https://discord.com/api/oauth2/token"
	UserURL      = "https://discord.com/api/users/@me"
	AvatarBase   = "https://cdn.discordapp.com/avatars/"
	DefaultScope = "identify email"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#5865F2" d="M20.3 4.4A19.8 19.8 0 0 0 15.4 3l-.6 1.3a18.3 18.3 0 0 0-5.5 0L8.6 3a19.7 19.7 0 0 0-4.9 1.5C.6 9.1-.3 13.6.1 18.1a19.9 19.9 0 0 0 6 3l1.3-2.1c-.7-.3-1.4-.6-2-1l.5-.4a14.2 14.2 0 0 0 12.2 0l.5.4c-.6.4-1.3.7-2 1l1.3 2.1a19.8 19.8 0 0 0 6-3c.5-5.2-.9-9.7-3.6-13.7zM8 15.3c-1.2 0-2.2-1.1-2.2-2.4S6.8 10.5 8 10.5s2.2 1.1 2.2 2.4-1 2.4-2.2 2.4zm8 0c-1.2 0-2.2-1.1-2.2-2.4s1-2.4 2.2-2.4 2.2 1.1 2.2 2.4-1 2.4-2.2 2.4z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "discord", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "Discord", "ja": "Discord"},
			Description: map[string]string{"en": "Sign in with a Discord account.", "ja": "Discord アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("Discord", "the Discord Developer Portal (https://discord.com/developers/applications) > your application > OAuth2",
				"4. Keep the `email` scope to receive the account's email; Discord states whether it is verified.\n"),
			FormItems: oa.ClientFormItems(DefaultScope, "identify is required; email adds the account's email."),
		},
		NewSocial: New,
	})
}

type discord struct {
	env                           connector.Env
	clientID, clientSecret, scope string
}

// New builds a Discord connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	d := &discord{env: env}
	var err error
	if d.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if d.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if d.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *discord) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := map[string]string{"response_type": "code", "client_id": d.clientID, "redirect_uri": r.RedirectURI, "state": r.State, "scope": d.scope}
	if r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	return oa.AuthURL(oa.Rewrite(d.env, AuthorizeURL), q)
}

func (d *discord) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, d.env, oa.TokenRequest{URL: oa.Rewrite(d.env, TokenURL), ClientID: d.clientID, ClientSecret: d.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, CodeVerifier: cb.CodeVerifier})
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSON(ctx, d.env, oa.Rewrite(d.env, UserURL), tok.AccessToken, nil, nil)
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	p := &connector.Profile{ID: oa.Str(raw, "id"), Email: oa.Str(raw, "email"), Name: oa.Str(raw, "global_name"), Raw: raw}
	if p.ID == "" {
		return nil, oa.MissingID()
	}
	p.EmailVerified = p.Email != "" && oa.Bool(raw, "verified")
	if p.Name == "" {
		p.Name = oa.Str(raw, "username")
	}
	if a := oa.Str(raw, "avatar"); a != "" {
		p.Avatar = AvatarBase + p.ID + "/" + a + ".png"
	}
	return p, nil
}
