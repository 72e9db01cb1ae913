package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// discovery is the part of the OpenID Provider Metadata the scenarios use.
type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	UserinfoEndpoint      string `json:"userinfo_endpoint"`
	IntrospectionEndpoint string `json:"introspection_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
}

// endpoint returns the metadata field with the given JSON name.
func (d discovery) endpoint(name string) string {
	return map[string]string{
		"authorization_endpoint": d.AuthorizationEndpoint,
		"token_endpoint":         d.TokenEndpoint,
		"userinfo_endpoint":      d.UserinfoEndpoint,
		"introspection_endpoint": d.IntrospectionEndpoint,
		"jwks_uri":               d.JWKSURI,
	}[name]
}

// check refuses the run unless every endpoint in names is present and on
// the issuer's origin.
func (d discovery) check(issuerOrigin string, names []string) error {
	for _, name := range names {
		raw := d.endpoint(name)
		if raw == "" {
			return fmt.Errorf("discovery document has no %s", name)
		}
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() {
			return fmt.Errorf("discovery %s %q is not an absolute URL", name, raw)
		}
		if o := origin(u); o != issuerOrigin {
			return fmt.Errorf("refusing to run: discovery %s %q is on %s, not on the issuer's host %s", name, raw, o, issuerOrigin)
		}
	}
	return nil
}

// discover fetches and decodes the discovery document.
func (b *bench) discover(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.discoveryURL, nil)
	if err != nil {
		return err
	}
	res, err := send(b.client, req, &tally{})
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	if res.status != http.StatusOK {
		return fmt.Errorf("discovery %s: %w", b.discoveryURL, unexpected(res))
	}
	if err := json.Unmarshal(res.body, &b.disc); err != nil {
		return fmt.Errorf("discovery %s: %w", b.discoveryURL, err)
	}
	if strings.TrimRight(b.disc.Issuer, "/") != b.o.Issuer {
		fmt.Fprintf(b.progress, "warning: discovery says issuer %q, not %q\n", b.disc.Issuer, b.o.Issuer)
	}
	return nil
}

// tokenResponse is a successful token endpoint response.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
}

// postForm POSTs form to endpoint with HTTP Basic client authentication
// (RFC 6749 §2.3.1) when the options have a client secret, else with
// client_id in the form (a public client) when publicID is set.
func (b *bench) postForm(ctx context.Context, c *http.Client, endpoint string, form url.Values, publicID bool, t *tally) (*response, error) {
	if b.o.ClientSecret == "" && publicID {
		form.Set("client_id", b.o.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if b.o.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(b.o.ClientID), url.QueryEscape(b.o.ClientSecret))
	}
	return send(c, req, t)
}

// token POSTs a grant to the token endpoint and decodes a 200 response;
// needID also requires an id_token.
func (b *bench) token(ctx context.Context, form url.Values, needID bool, t *tally) (tokenResponse, error) {
	var tr tokenResponse
	res, err := b.postForm(ctx, b.client, b.disc.TokenEndpoint, form, true, t)
	if err != nil {
		return tr, err
	}
	if res.status != http.StatusOK {
		return tr, unexpected(res)
	}
	if err := json.Unmarshal(res.body, &tr); err != nil {
		return tr, protocolf("token response: %v", err)
	}
	if tr.AccessToken == "" {
		return tr, protocolf("token response has no access_token")
	}
	if needID && tr.IDToken == "" {
		return tr, protocolf("token response has no id_token")
	}
	return tr, nil
}

// clientCredentials gets an access token with the client_credentials grant.
func (b *bench) clientCredentials(ctx context.Context, t *tally) (tokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	b.addResourceScope(form, b.o.Scope)
	return b.token(ctx, form, false, t)
}

// refresh redeems a refresh token; the response carries the rotated one.
func (b *bench) refresh(ctx context.Context, refreshToken string, t *tally) (tokenResponse, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if b.o.Resource != "" {
		form.Set("resource", b.o.Resource)
	}
	return b.token(ctx, form, false, t)
}

// addResourceScope sets resource from the options and scope when not empty.
func (b *bench) addResourceScope(form url.Values, scope string) {
	if b.o.Resource != "" {
		form.Set("resource", b.o.Resource)
	}
	if scope != "" {
		form.Set("scope", scope)
	}
}
