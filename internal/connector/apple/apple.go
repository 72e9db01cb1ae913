// Package apple is the Sign in with Apple social connector
// ("apple-universal"): response_mode=form_post, nonce, the client secret is
// a short-lived ES256 JWT signed with the developer's key, and the profile
// comes from the validated ID token (plus the name Apple posts once, on the
// first authorization, in the "user" parameter).
package apple

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
	"github.com/monban-dev/monban/internal/connector/oidc"
)

// FactoryID is Apple's factory id.
const FactoryID = "apple-universal"

// Upstream URLs (each passed through env.Rewrite).
const (
	Issuer       = "https://appleid.apple.com"
	AuthorizeURL = "https://appleid.apple.com/auth/authorize"
	TokenURL     = "https://appleid.apple.com/auth/token"
	JWKSURL      = "https://appleid.apple.com/auth/keys"
	DefaultScope = "name email"
)

// secretTTL is the lifetime of the generated client secret.
const secretTTL = 5 * time.Minute

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000" d="M16.4 12.7c0-2.6 2.1-3.8 2.2-3.9-1.2-1.8-3.1-2-3.7-2-1.6-.2-3.1.9-3.9.9-.8 0-2-.9-3.4-.9-1.7 0-3.3 1-4.2 2.6-1.8 3.1-.5 7.7 1.3 10.2.9 1.2 1.9 2.6 3.2 2.6 1.3-.1 1.8-.8 3.3-.8 1.6 0 2 .8 3.4.8s2.3-1.3 3.1-2.5c1-1.4 1.4-2.8 1.4-2.9 0 0-2.7-1-2.7-4.1zM13.9 5.1c.7-.9 1.2-2.1 1.1-3.3-1 0-2.3.7-3 1.6-.7.8-1.3 2-1.1 3.2 1.1.1 2.3-.6 3-1.5z"/></svg>`

func init() {
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "apple", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "Apple", "ja": "Apple"},
			Description: map[string]string{"en": "Sign in with Apple.", "ja": "Apple でサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("Apple", "Apple Developer > Certificates, Identifiers & Profiles (create an App ID with \"Sign in with Apple\", then a Services ID; configure its website domain and Return URLs)",
				`4. Use the Services ID as Client ID. Create a key with "Sign in with Apple" under
   Keys, and paste its Key ID, your Team ID and the downloaded .p8 private key.
   Monban signs a short-lived client secret with it at each sign-in.
5. Apple posts the callback (response_mode=form_post) and sends the user's name
   only on the first authorization.
`),
			FormItems: []connector.FormItem{
				{Key: "clientId", Label: "Services ID (Client ID)", Type: connector.Text, Required: true, Placeholder: "com.example.web"},
				{Key: "teamId", Label: "Team ID", Type: connector.Text, Required: true, Placeholder: "ABCDE12345"},
				{Key: "keyId", Label: "Key ID", Type: connector.Text, Required: true, Placeholder: "XYZ987WVU6"},
				{Key: "privateKey", Label: "Private key (.p8)", Type: connector.MultilineText, Required: true, IsConfidential: true,
					Placeholder: "-----BEGIN PRIVATE KEY-----"},
				{Key: "scope", Label: "Scope", Type: connector.Text, DefaultValue: DefaultScope, Placeholder: DefaultScope,
					Description: "name and/or email.", Tooltip: "Space-separated scopes requested at Apple."},
			},
		},
		NewSocial: New,
	})
}

type apple struct {
	env                            connector.Env
	clientID, teamID, keyID, scope string
	key                            *ecdsa.PrivateKey
	ver                            *oidc.Verifier
}

// New builds an Apple connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	a := &apple{env: env}
	var err error
	if a.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if a.teamID, err = oa.ConfigString(config, "teamId", true, ""); err != nil {
		return nil, err
	}
	if a.keyID, err = oa.ConfigString(config, "keyId", true, ""); err != nil {
		return nil, err
	}
	pk, err := oa.ConfigString(config, "privateKey", true, "")
	if err != nil {
		return nil, err
	}
	if a.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(pk))
	if block == nil {
		return nil, connector.Errorf(connector.InvalidConfig, "privateKey must be the PEM (.p8) key downloaded from Apple")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, &connector.Error{Code: connector.InvalidConfig, Message: "privateKey is not a PKCS#8 key", Err: err}
	}
	var ok bool
	if a.key, ok = parsed.(*ecdsa.PrivateKey); !ok {
		return nil, connector.Errorf(connector.InvalidConfig, "privateKey must be an EC (P-256) key")
	}
	a.ver = oidc.NewVerifier(env, Issuer, oa.Rewrite(env, JWKSURL), a.clientID, []string{"RS256"})
	return a, nil
}

func (a *apple) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := map[string]string{"response_type": "code", "client_id": a.clientID, "redirect_uri": r.RedirectURI, "state": r.State,
		"scope": a.scope, "nonce": r.Nonce, "locale": r.Locale}
	if a.scope != "" {
		q["response_mode"] = "form_post" // required by Apple when scopes are requested
	}
	return oa.AuthURL(oa.Rewrite(a.env, AuthorizeURL), q)
}

// ClientSecret signs the client secret JWT Apple wants.
func (a *apple) ClientSecret(now time.Time) (string, error) {
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: a.key}, (&jose.SignerOptions{}).WithHeader("kid", a.keyID))
	if err != nil {
		return "", &connector.Error{Code: connector.InvalidConfig, Message: "the private key cannot sign", Err: err}
	}
	payload, _ := json.Marshal(map[string]any{"iss": a.teamID, "iat": now.Unix(), "exp": now.Add(secretTTL).Unix(), "aud": Issuer, "sub": a.clientID})
	obj, err := sig.Sign(payload)
	if err != nil {
		return "", &connector.Error{Code: connector.InvalidConfig, Message: "the private key cannot sign", Err: err}
	}
	return obj.CompactSerialize()
}

func (a *apple) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	secret, err := a.ClientSecret(time.Now())
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, a.env, oa.TokenRequest{URL: oa.Rewrite(a.env, TokenURL), ClientID: a.clientID, ClientSecret: secret,
		Code: code, RedirectURI: cb.RedirectURI})
	if err != nil {
		return nil, err
	}
	// Only the ID token from the token endpoint is trusted (not the one in
	// the posted callback).
	_, claims, err := a.ver.Verify(ctx, tok.IDToken, cb.Nonce, "")
	if err != nil {
		return nil, err
	}
	p := &connector.Profile{ID: oa.Str(claims, "sub"), Email: oa.Str(claims, "email"), Raw: claims}
	p.EmailVerified = p.Email != "" && oa.Bool(claims, "email_verified")
	// The name is posted once, on the first authorization; it is not signed.
	if u := cb.Params.Get("user"); u != "" {
		var user struct {
			Name struct {
				FirstName string `json:"firstName"`
				LastName  string `json:"lastName"`
			} `json:"name"`
		}
		if json.Unmarshal([]byte(u), &user) == nil {
			p.Name = strings.TrimSpace(user.Name.FirstName + " " + user.Name.LastName)
			claims["user"] = json.RawMessage(u)
		}
	}
	return p, nil
}
