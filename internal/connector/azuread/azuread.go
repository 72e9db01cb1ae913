// Package azuread is the Microsoft Entra ID (Azure AD) social connector
// ("azuread"): OpenID Connect v2.0 endpoints of a tenant, with PKCE and
// nonce; the profile comes from the validated ID token.
package azuread

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
	"github.com/monban-dev/monban/internal/connector/oidc"
)

// FactoryID is Entra ID's factory id.
const FactoryID = "azuread"

// Upstream (each URL passed through env.Rewrite).
const (
	Authority     = "https://login.microsoftonline.com/"
	DefaultTenant = "common"
	DefaultScope  = "openid profile email"
)

var (
	guid   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domain = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
)

const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 23 23"><path fill="#f35325" d="M1 1h10v10H1z"/><path fill="#81bc06" d="M12 1h10v10H12z"/><path fill="#05a6f0" d="M1 12h10v10H1z"/><path fill="#ffba08" d="M12 12h10v10H12z"/></svg>`

func init() {
	items := []connector.FormItem{{Key: "tenantId", Label: "Tenant", Type: connector.Text, DefaultValue: DefaultTenant, Placeholder: "common",
		Description: `Directory (tenant) ID, a verified domain, or "common", "organizations" or "consumers".`}}
	items = append(items, oa.ClientFormItems(DefaultScope, `"openid" is always requested.`)...)
	connector.Register(&connector.Factory{
		Metadata: connector.Metadata{
			ID: FactoryID, Target: "azuread", Type: connector.KindSocial, Platform: "Universal",
			Name:        map[string]string{"en": "Microsoft Entra ID", "ja": "Microsoft Entra ID"},
			Description: map[string]string{"en": "Sign in with a Microsoft work, school or personal account.", "ja": "Microsoft の職場・学校・個人アカウントでサインインします。"},
			Logo:        oa.SVGLogo(logo),
			Readme: oa.Readme("Microsoft Entra ID", "the Microsoft Entra admin center (Applications > App registrations > New registration; platform \"Web\")",
				`4. Create a client secret under "Certificates & secrets" and paste its Value.
5. Set "Tenant" to the directory (tenant) ID to admit only your organization, or to
   "common" / "organizations" / "consumers" for multi-tenant sign-in.
6. Entra ID does not guarantee that the email claim is verified; Monban marks it
   verified only with the optional claim `+"`xms_edov`"+` (add it under "Token configuration").
`),
			FormItems: items,
		},
		NewSocial: New,
	})
}

type entra struct {
	env                           connector.Env
	tenant                        string
	clientID, clientSecret, scope string
	ver                           *oidc.Verifier
}

// New builds an Entra ID connector.
func New(config map[string]any, env connector.Env) (connector.Social, error) {
	e := &entra{env: env}
	var err error
	if e.tenant, err = oa.ConfigString(config, "tenantId", false, DefaultTenant); err != nil {
		return nil, err
	}
	switch {
	case e.tenant == "common" || e.tenant == "organizations" || e.tenant == "consumers":
	case guid.MatchString(e.tenant):
		e.tenant = strings.ToLower(e.tenant)
	case domain.MatchString(e.tenant):
	default:
		return nil, connector.Errorf(connector.InvalidConfig, "tenantId must be a tenant id, a domain, common, organizations or consumers")
	}
	if e.clientID, err = oa.ConfigString(config, "clientId", true, ""); err != nil {
		return nil, err
	}
	if e.clientSecret, err = oa.ConfigString(config, "clientSecret", true, ""); err != nil {
		return nil, err
	}
	if e.scope, err = oa.ConfigString(config, "scope", false, DefaultScope); err != nil {
		return nil, err
	}
	if !slices.Contains(strings.Fields(e.scope), "openid") {
		e.scope = "openid " + e.scope
	}
	// The issuer depends on the user's tenant; checked in UserInfo.
	e.ver = oidc.NewVerifier(env, "", oa.Rewrite(env, Authority+e.tenant+"/discovery/v2.0/keys"), e.clientID, []string{"RS256"})
	return e, nil
}

func (e *entra) url(path string) string { return oa.Rewrite(e.env, Authority+e.tenant+path) }

func (e *entra) AuthorizationURL(_ context.Context, r connector.AuthRequest) (string, error) {
	q := map[string]string{"response_type": "code", "client_id": e.clientID, "redirect_uri": r.RedirectURI, "state": r.State,
		"scope": e.scope, "nonce": r.Nonce, "response_mode": "query", "ui_locales": r.Locale}
	if r.CodeChallenge != "" {
		q["code_challenge"] = r.CodeChallenge
		q["code_challenge_method"] = "S256"
	}
	return oa.AuthURL(e.url("/oauth2/v2.0/authorize"), q)
}

func (e *entra) UserInfo(ctx context.Context, cb connector.Callback) (*connector.Profile, error) {
	code, err := oa.Code(cb)
	if err != nil {
		return nil, err
	}
	tok, err := oa.Exchange(ctx, e.env, oa.TokenRequest{URL: e.url("/oauth2/v2.0/token"), ClientID: e.clientID, ClientSecret: e.clientSecret,
		Code: code, RedirectURI: cb.RedirectURI, CodeVerifier: cb.CodeVerifier, Extra: map[string][]string{"scope": {e.scope}}})
	if err != nil {
		return nil, err
	}
	_, claims, err := e.ver.Verify(ctx, tok.IDToken, cb.Nonce, "")
	if err != nil {
		return nil, err
	}
	tid := oa.Str(claims, "tid")
	if !guid.MatchString(tid) || oa.Str(claims, "iss") != Authority+tid+"/v2.0" {
		return nil, connector.Errorf(connector.AuthorizationFailed, "the ID token's issuer is not a Microsoft Entra tenant")
	}
	if guid.MatchString(e.tenant) && !strings.EqualFold(tid, e.tenant) {
		return nil, connector.Errorf(connector.AuthorizationFailed, "the account belongs to another Microsoft Entra tenant")
	}
	const msaTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"
	if e.tenant == "organizations" && tid == msaTenant {
		return nil, connector.Errorf(connector.AuthorizationFailed, "personal Microsoft accounts are not admitted")
	}
	if e.tenant == "consumers" && tid != msaTenant {
		return nil, connector.Errorf(connector.AuthorizationFailed, "only personal Microsoft accounts are admitted")
	}
	// oid is the user's stable id in its tenant (sub is per application).
	id := oa.Str(claims, "oid")
	if id == "" {
		id = oa.Str(claims, "sub")
	}
	p := &connector.Profile{ID: id, Email: oa.Str(claims, "email"), Name: oa.Str(claims, "name"), Raw: claims}
	// Entra ID's email is unverified unless the domain owner vouches for it.
	p.EmailVerified = p.Email != "" && oa.Bool(claims, "xms_edov")
	if p.Name == "" {
		p.Name = oa.Str(claims, "preferred_username")
	}
	return p, nil
}
