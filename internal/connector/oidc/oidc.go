// Package oidc is the generic OpenID Connect social connector ("oidc",
// standard: an admin may add several), and the ID-token verification the
// provider-specific OIDC connectors reuse.
package oidc

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// FactoryID is the generic OIDC connector's factory id.
const FactoryID = "oidc"

// DefaultScope is requested unless configured; "openid" is always added.
const DefaultScope = "openid profile email"

// discoveryTTL bounds how long a discovery document is reused.
const discoveryTTL = time.Hour

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#f78c40" d="M11 3v18l3-1.5V1.5z"/><path fill="#b2b2b2" d="M3 14c0-3 3.5-5.5 8-6v2c-3 .6-5 2.2-5 4 0 2.2 3 4 7 4.3V20c-5.6-.3-10-2.9-10-6zm11-6c2 .2 3.8.8 5.2 1.7L21 8.5V13h-6.5l2-1.2c-.8-.5-1.7-.8-2.5-1z"/></svg>`

func init() {
	items := []connector.FormItem{
		{Key: "issuer", Label: "Issuer", Type: connector.Text, Required: true, Placeholder: "https://accounts.example.com",
			Description: "The provider's issuer URL; {issuer}/.well-known/openid-configuration must serve its discovery document."},
	}
	items = append(items, oa.ClientFormItems(DefaultScope, `"openid" is always requested.`)...)
	items = append(items,
		connector.FormItem{Key: "tokenEndpointAuthMethod", Label: "Token endpoint authentication", Type: connector.Select, DefaultValue: "client_secret_basic",
			SelectItems: []connector.SelectItem{{Title: "client_secret_basic", Value: "client_secret_basic"}, {Title: "client_secret_post", Value: "client_secret_post"}}},
		connector.FormItem{Key: "pkce", Label: "Use PKCE (S256)", Type: connector.Switch, DefaultValue: true},
	)
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "oidc", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "OpenID Connect", "ja": "OpenID Connect"},
			Description: map[string]string{"en": "Sign in with any OpenID Connect provider.", "ja": "任意の OpenID Connect プロバイダーでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("OpenID Connect", "your OpenID Connect provider's console", `4. Enter the provider's issuer URL; Monban reads
   `+"`{issuer}/.well-known/openid-configuration`"+` and validates every ID token
   (signature against the provider's keys, issuer, audience, expiry and nonce;
   "none" and HMAC-signed tokens are rejected).
5. Set the target (provider key) in the connector's metadata: a user has at most
   one identity per target.
`),
			IsStandard: true,
			FormItems:  items,
		},
		NewSocial: New,
	})
}

// Discovery is the part of the discovery document used.
type Discovery struct {
	Issuer           string   `json:"issuer"`
	AuthorizationURL string   `json:"authorization_endpoint"`
	TokenURL         string   `json:"token_endpoint"`
	UserInfoURL      string   `json:"userinfo_endpoint"`
	JWKSURL          string   `json:"jwks_uri"`
	Algs             []string `json:"id_token_signing_alg_values_supported"`
	CodeChallenge    []string `json:"code_challenge_methods_supported"`
}

type conn struct {
	env                                   connector.Env
	issuer, clientID, clientSecret, scope string
	style                                 oa.AuthStyle
	pkce                                  bool

	mu      sync.Mutex
	disc    *Discovery
	ver     *Verifier
	fetched time.Time
}

// New builds a generic OIDC connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	c := &conn{env: env, pkce: true}
	var err error
	if c.issuer, err = oa.ConfigURL(config, "issuer", true); err != nil {
		return nil, err
	}
	if c.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if c.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if c.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	if !slices.Contains(strings.Fields(c.scope), "openid") {
		c.scope = "openid " + c.scope
	}
	m, err := oa.ConfigString(config, "tokenEndpointAuthMethod", false, "client_secret_basic")
	if err != nil {
		return nil, err
	}
	switch m {
	case "client_secret_basic":
		c.style = oa.AuthBasic
	case "client_secret_post":
		c.style = oa.AuthInBody
	default:
		return nil, connector.Errorf(connector.InvalidConfig, "tokenEndpointAuthMethod must be client_secret_basic or client_secret_post")
	}
	if v, ok := config["pkce"]; ok && v != nil {
		b, ok := v.(bool)
		if !ok {
			return nil, connector.Errorf(connector.InvalidConfig, "pkce must be a boolean")
		}
		c.pkce = b
	}
	return c, nil
}

// discover fetches (and caches) the discovery document through Rewrite.
func (c *conn) discover(ctx context.Context) (*Discovery, *Verifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.disc != nil && time.Since(c.fetched) < discoveryTTL {
		return c.disc, c.ver, nil
	}
	u := strings.TrimSuffix(c.issuer, "/") + "/.well-known/openid-configuration"
	var d Discovery
	if _, err := oa.GetJSON(ctx, c.env, oa.Rewrite(c.env, u), "", nil, &d); err != nil {
		if ce, ok := err.(*connector.Error); ok && (ce.Code == connector.InvalidRequest || ce.Code == connector.AuthorizationFailed) {
			ce.Code = connector.InvalidConfig
			ce.AdminHint = "check the issuer: " + u + " must serve the discovery document"
		}
		return nil, nil, err
	}
	if d.Issuer != c.issuer {
		return nil, nil, &connector.Error{Code: connector.InvalidConfig, Message: "the provider's discovery document names another issuer",
			AdminHint: "set the issuer to exactly " + d.Issuer}
	}
	if d.AuthorizationURL == "" || d.TokenURL == "" || d.JWKSURL == "" {
		return nil, nil, connector.Errorf(connector.InvalidResponse, "the provider's discovery document lacks authorization_endpoint, token_endpoint or jwks_uri")
	}
	c.disc = &d
	c.ver = NewVerifier(c.env, d.Issuer, oa.Rewrite(c.env, d.JWKSURL), c.clientID, d.Algs)
	c.fetched = time.Now()
	return c.disc, c.ver, nil
}

func (c *conn) AuthorizationURL(ctx context.Context, r connector.AuthRequest) (string, error) {
	d, _, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	q := map[string]string{"response_type": "code", "client_id": c.clientID, "redirect_uri": r.RedirectURI, "state": r.State, "scope": c.scope, "nonce": r.Nonce}
	if c.pkce && r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	if r.Locale != "" {
		q["ui_locales"] = r.Locale
	}
	return oa.AuthURL(oa.Rewrite(c.env, d.AuthorizationURL), q)
}

func (c *conn) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	d, ver, err := c.discover(ctx)
	if err != nil {
		return nil, err
	}
	tr := oa.TokenRequest{URL: oa.Rewrite(c.env, d.TokenURL), ClientID: c.clientID, ClientSecret: c.clientSecret, Code: code, RedirectURI: cb.RedirectURI, Style: c.style}
	if c.pkce {
		tr.CodeVerifier = cb.CodeVerifier
	}
	tok, err := oa.Exchange(ctx, c.env, tr)
	if err != nil {
		return nil, err
	}
	idt, claims, err := ver.Verify(ctx, tok.IDToken, cb.Nonce, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	if d.UserInfoURL != "" {
		body, err := oa.GetJSON(ctx, c.env, oa.Rewrite(c.env, d.UserInfoURL), tok.AccessToken, nil, nil)
		if err != nil {
			return nil, err
		}
		ui, err := oa.Decode(body)
		if err != nil {
			return nil, err
		}
		if oa.Str(ui, "sub") != idt.Subject {
			return nil, connector.Errorf(connector.InvalidResponse, "the provider's user info is about another user than its ID token")
		}
		for k, v := range ui {
			claims[k] = v
		}
	}
	return ProfileFromClaims(claims), nil
}

// ProfileFromClaims maps standard OIDC claims.
func ProfileFromClaims(claims map[string]any) *connector.Profile {
	p := &connector.Profile{ID: oa.Str(claims, "sub"), Email: oa.Str(claims, "email"), Name: oa.Str(claims, "name"),
		Avatar: oa.Str(claims, "picture"), Phone: oa.Str(claims, "phone_number"), Raw: claims}
	p.EmailVerified = p.Email != "" && oa.Bool(claims, "email_verified")
	if p.Name == "" {
		p.Name = strings.TrimSpace(oa.Str(claims, "given_name") + " " + oa.Str(claims, "family_name"))
	}
	if p.Name == "" {
		p.Name = oa.Str(claims, "preferred_username")
	}
	return p
}
