// Package facebook is the Facebook Login social connector
// ("facebook-universal").
package facebook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// FactoryID is Facebook's factory id.
const FactoryID = "facebook-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	GraphVersion = "v21.0"
	AuthorizeURL = "https://www.facebook.com/" + GraphVersion + "/dialog/oauth"
	TokenURL     = "https://graph.facebook.com/" + GraphVersion + "/oauth/access_token"
	MeURL        = "https://graph.facebook.com/" + GraphVersion + "/me?fields=id,name,email,picture.type(large)"
	DefaultScope = "email,public_profile"
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#0866FF" d="M24 12a12 12 0 1 0-13.9 11.9v-8.4H7.1V12h3V9.4c0-3 1.8-4.7 4.5-4.7 1.3 0 2.7.2 2.7.2v3h-1.5c-1.5 0-2 .9-2 1.9V12h3.4l-.5 3.5h-2.9v8.4A12 12 0 0 0 24 12z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "facebook", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "Facebook", "ja": "Facebook"},
			Description: map[string]string{"en": "Sign in with a Facebook account.", "ja": "Facebook アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("Facebook", "Meta for Developers (https://developers.facebook.com/apps > Create app > Facebook Login > Settings > Valid OAuth Redirect URIs)",
				"4. Use the App ID as Client ID and the App Secret as Client Secret.\n5. Facebook does not state whether an email is verified, so Monban treats it as unverified (no automatic linking by email).\n"),
			FormItems: oa.ClientFormItems(DefaultScope, "Comma-separated Facebook permissions."),
		},
		NewSocial: New,
	})
}

type facebook struct {
	env                           connector.Env
	clientID, clientSecret, scope string
}

// New builds a Facebook connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	f := &facebook{env: env}
	var err error
	if f.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if f.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if f.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *facebook) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	return oa.AuthURL(oa.Rewrite(f.env, AuthorizeURL), map[string]string{"response_type": "code", "client_id": f.clientID,
		"redirect_uri": r.RedirectURI, "state": r.State, "scope": f.scope})
}

// graphError maps Graph API errors: {"error": {"message", "type", "code", "error_subcode"}}.
func graphError(token bool, redirectURI string) oa.ErrorMapper {
	return func(status int, body []byte) error {
		var e struct {
			Error *struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Code    int    `json:"code"`
				Subcode int    `json:"error_subcode"`
			} `json:"error"`
		}
		if json.Unmarshal(body, &e) != nil || e.Error == nil {
			return nil
		}
		cause := fmt.Errorf("graph API %d: %s (%s code %d/%d)", status, e.Error.Message, e.Error.Type, e.Error.Code, e.Error.Subcode)
		mk := func(c connector.Code, msg, hint string) error {
			return &connector.Error{Code: c, Message: msg, AdminHint: hint, Err: cause}
		}
		m := strings.ToLower(e.Error.Message)
		switch {
		case status == http.StatusTooManyRequests || e.Error.Code == 4 || e.Error.Code == 17 || e.Error.Code == 32 || e.Error.Code == 613:
			return mk(connector.RateLimited, "Facebook is rate limiting sign-ins; try again shortly", "")
		case status >= 500 || e.Error.Code == 2:
			return mk(connector.Unavailable, "Facebook is unavailable", "")
		case strings.Contains(m, "redirect_uri") || e.Error.Subcode == 36008:
			return mk(connector.InvalidRequest, "Facebook refused the redirect URI", "register this exact redirect URI under Valid OAuth Redirect URIs: "+redirectURI)
		case e.Error.Code == 101 || strings.Contains(m, "client secret") || strings.Contains(m, "client id"):
			return mk(connector.InvalidConfig, "the connector is misconfigured", "check the connector's App ID and App Secret")
		case e.Error.Code == 190 || e.Error.Code == 102 || (token && e.Error.Code == 100):
			return mk(connector.AuthorizationFailed, "the sign-in with Facebook expired or was already used; please try again", "")
		}
		return nil
	}
}

func (f *facebook) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		// Facebook also sends error_reason=user_denied with error=access_denied.
		return nil, err
	}
	tok, err := oa.Exchange(ctx, f.env, oa.TokenRequest{URL: oa.Rewrite(f.env, TokenURL), ClientID: f.clientID, ClientSecret: f.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, MapError: graphError(true, cb.RedirectURI)})
	if err != nil {
		return nil, err
	}
	body, err := oa.GetJSONMapped(ctx, f.env, oa.Rewrite(f.env, MeURL), tok.AccessToken, nil, nil, graphError(false, cb.RedirectURI))
	if err != nil {
		return nil, err
	}
	raw, err := oa.Decode(body)
	if err != nil {
		return nil, err
	}
	p := &connector.Profile{ID: oa.Str(raw, "id"), Email: oa.Str(raw, "email"), Name: oa.Str(raw, "name"), Raw: raw}
	if p.ID == "" {
		return nil, oa.MissingID()
	}
	if !oa.Bool(raw, "picture.data.is_silhouette") {
		p.Avatar = oa.Str(raw, "picture.data.url")
	}
	return p, nil
}
