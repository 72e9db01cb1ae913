// Package oauth2 is the generic OAuth 2.0 social connector ("oauth2",
// standard: an admin may add several) and the OAuth 2.0 building blocks the
// provider-specific connectors reuse.
package oauth2

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
)

// FactoryID is the generic OAuth 2.0 connector's factory id.
const FactoryID = "oauth2"

func init() { connector.Register(Factory()) }

// ProfileMap names the JSON fields of the user-info answer (dotted paths
// walk nested objects).
type ProfileMap struct {
	ID            string `json:"id"`
	Email         string `json:"email"`
	EmailVerified string `json:"emailVerified"`
	Phone         string `json:"phone"`
	Name          string `json:"name"`
	Avatar        string `json:"avatar"`
}

var defaultProfileMap = ProfileMap{ID: "id", Email: "email", EmailVerified: "email_verified", Phone: "phone", Name: "name", Avatar: "avatar"}

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="#5d34f2"/><path d="M8 12a4 4 0 1 0 8 0a4 4 0 1 0-8 0" fill="none" stroke="#fff" stroke-width="2"/></svg>`

// Factory returns the generic OAuth 2.0 factory.
func Factory() *connector.Factory {
	items := []connector.FormItem{
		{Key: "authorizationEndpoint", Label: "Authorization endpoint", Type: connector.Text, Required: true, Placeholder: "https://provider.example/oauth/authorize"},
		{Key: "tokenEndpoint", Label: "Token endpoint", Type: connector.Text, Required: true, Placeholder: "https://provider.example/oauth/token"},
		{Key: "userInfoEndpoint", Label: "User info endpoint", Type: connector.Text, Required: true, Placeholder: "https://provider.example/api/me"},
	}
	items = append(items, ClientFormItems("", "Space-separated scopes; leave empty for the provider's default.")...)
	items = append(items,
		connector.FormItem{Key: "tokenEndpointAuthMethod", Label: "Token endpoint authentication", Type: connector.Select, DefaultValue: "client_secret_post",
			SelectItems: []connector.SelectItem{{Title: "client_secret_post", Value: "client_secret_post"}, {Title: "client_secret_basic", Value: "client_secret_basic"}}},
		connector.FormItem{Key: "pkce", Label: "Use PKCE (S256)", Type: connector.Switch, DefaultValue: true},
		connector.FormItem{Key: "profileMap", Label: "Profile map", Type: connector.JSON,
			DefaultValue: map[string]string{"id": "id", "email": "email", "emailVerified": "email_verified", "name": "name", "avatar": "avatar"},
			Description:  "JSON field names of the user info answer for id, email, emailVerified, phone, name and avatar (dotted paths for nested fields)."},
	)
	return &connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "oauth2", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "OAuth 2.0", "ja": "OAuth 2.0"},
			Description: map[string]string{"en": "Sign in with any OAuth 2.0 provider.", "ja": "任意の OAuth 2.0 プロバイダーでサインインします。"},
			Logo:        SVGLogo(logo),
			Readme: Readme("Generic OAuth 2.0", "your provider's developer console", `4. Fill in the provider's authorization, token and user info endpoints.
5. Map the user info answer's JSON fields in "Profile map", e.g.
   `+"`"+`{"id": "sub", "email": "email", "name": "name", "avatar": "picture"}`+"`"+`.
   Emails are treated as verified only if "emailVerified" names a field that is true.
6. Set the target (provider key) in the connector's metadata: a user has at most
   one identity per target.
`),
			IsStandard: true,
			FormItems:  items,
		},
		NewSocial: New,
	}
}

type generic struct {
	env                           connector.Env
	authURL, tokenURL, userURL    string
	clientID, clientSecret, scope string
	style                         AuthStyle
	pkce                          bool
	pm                            ProfileMap
}

// New builds the generic OAuth 2.0 connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	g := &generic{env: env, pm: defaultProfileMap, pkce: true}
	var err error
	if g.authURL, err = ConfigURL(config, "authorizationEndpoint", true); err != nil {
		return nil, err
	}
	if g.tokenURL, err = ConfigURL(config, "tokenEndpoint", true); err != nil {
		return nil, err
	}
	if g.userURL, err = ConfigURL(config, "userInfoEndpoint", true); err != nil {
		return nil, err
	}
	if g.clientID, err = ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if g.clientSecret, err = ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if g.scope, err = ConfigString(config, "scope", false, ""); err != nil {
		return nil, err
	}
	m, err := ConfigString(config, "tokenEndpointAuthMethod", false, "client_secret_post")
	if err != nil {
		return nil, err
	}
	switch m {
	case "client_secret_post":
		g.style = AuthInBody
	case "client_secret_basic":
		g.style = AuthBasic
	default:
		return nil, connector.Errorf(connector.InvalidConfig, "tokenEndpointAuthMethod must be client_secret_post or client_secret_basic")
	}
	if v, ok := config["pkce"]; ok && v != nil {
		b, ok := v.(bool)
		if !ok {
			return nil, connector.Errorf(connector.InvalidConfig, "pkce must be a boolean")
		}
		g.pkce = b
	}
	if v, ok := config["profileMap"]; ok && v != nil {
		var b []byte
		switch x := v.(type) {
		case string:
			b = []byte(x)
		default:
			b, _ = json.Marshal(x)
		}
		if len(strings.TrimSpace(string(b))) > 0 {
			pm := defaultProfileMap
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&pm); err != nil {
				return nil, &connector.Error{Code: connector.InvalidConfig, Message: "profileMap must be an object of field names (id, email, emailVerified, phone, name, avatar)", Err: err}
			}
			if pm.ID == "" {
				return nil, connector.Errorf(connector.InvalidConfig, "profileMap.id is required")
			}
			g.pm = pm
		}
	}
	return g, nil
}

// AuthURL builds an authorization-code request URL on base.
func AuthURL(base string, q map[string]string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", &connector.Error{Code: connector.InvalidConfig, Message: "invalid authorization endpoint", Err: err}
	}
	v := u.Query()
	for k, val := range q {
		if val != "" {
			v.Set(k, val)
		}
	}
	u.RawQuery = v.Encode()
	return u.String(), nil
}

func (g *generic) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := map[string]string{"response_type": "code", "client_id": g.clientID, "redirect_uri": r.RedirectURI, "state": r.State, "scope": g.scope}
	if g.pkce && r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	return AuthURL(Rewrite(g.env, g.authURL), q)
}

func (g *generic) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := Code(cb)
	if err != nil {
		return nil, err
	}
	tr := TokenRequest{URL: Rewrite(g.env, g.tokenURL), ClientID: g.clientID, ClientSecret: g.clientSecret, Code: code, RedirectURI: cb.RedirectURI, Style: g.style}
	if g.pkce {
		tr.CodeVerifier = cb.CodeVerifier
	}
	tok, err := Exchange(ctx, g.env, tr)
	if err != nil {
		return nil, err
	}
	body, err := GetJSON(ctx, g.env, Rewrite(g.env, g.userURL), tok.AccessToken, nil, nil)
	if err != nil {
		return nil, err
	}
	raw, err := Decode(body)
	if err != nil {
		return nil, err
	}
	p := &connector.Profile{ID: Str(raw, g.pm.ID), Raw: raw}
	if p.ID == "" {
		return nil, MissingID()
	}
	if g.pm.Email != "" {
		p.Email = Str(raw, g.pm.Email)
	}
	if g.pm.EmailVerified != "" && p.Email != "" {
		p.EmailVerified = Bool(raw, g.pm.EmailVerified)
	}
	if g.pm.Phone != "" {
		p.Phone = Str(raw, g.pm.Phone)
	}
	if g.pm.Name != "" {
		p.Name = Str(raw, g.pm.Name)
	}
	if g.pm.Avatar != "" {
		p.Avatar = Str(raw, g.pm.Avatar)
	}
	return p, nil
}
