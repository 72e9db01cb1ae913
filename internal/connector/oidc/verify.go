package oidc

import (
	"context"
	"errors"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"

	"github.com/monban-dev/monban/internal/connector"
	oa "github.com/monban-dev/monban/internal/connector/oauth2"
)

// AllowedAlgs are the asymmetric ID-token algorithms accepted; "none" and
// the HMAC ones (signed with the client secret, forgeable by anyone who
// knows it) are never accepted.
var AllowedAlgs = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}

// Verifier validates ID tokens of one issuer: signature against the JWKS
// (fetched through env), iss, aud, exp and the nonce.
type Verifier struct {
	v *gooidc.IDTokenVerifier
}

// NewVerifier builds a verifier; jwksURL is already rewritten. algs narrows
// AllowedAlgs (e.g. from discovery); empty means all of them. An empty
// issuer skips go-oidc's issuer check: the caller MUST then check "iss"
// itself (multi-tenant issuers such as Entra ID's).
func NewVerifier(env connector.Env, issuer, jwksURL, clientID string, algs []string) *Verifier {
	allowed := AllowedAlgs
	if len(algs) > 0 {
		var both []string
		for _, a := range algs {
			for _, ok := range AllowedAlgs {
				if a == ok {
					both = append(both, a)
				}
			}
		}
		if len(both) > 0 {
			allowed = both
		}
	}
	ks := gooidc.NewRemoteKeySet(gooidc.ClientContext(context.Background(), oa.Client(env)), jwksURL)
	return &Verifier{v: gooidc.NewVerifier(issuer, ks, &gooidc.Config{ClientID: clientID, SupportedSigningAlgs: allowed, SkipIssuerCheck: issuer == ""})}
}

// Verify checks raw and returns the token and its claims.
func (v *Verifier) Verify(ctx context.Context, raw, nonce, accessToken string) (*gooidc.IDToken, map[string]any, error) {
	if raw == "" {
		return nil, nil, connector.Errorf(connector.InvalidResponse, "the provider's token answer has no id_token")
	}
	tok, err := v.v.Verify(ctx, raw)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "failed to decode keys"):
			return nil, nil, &connector.Error{Code: connector.InvalidResponse, Message: "the provider's signing keys are unusable", Err: err}
		case strings.Contains(msg, "fetching keys"):
			return nil, nil, &connector.Error{Code: connector.Unavailable, Message: "the provider's signing keys could not be fetched", Err: err}
		}
		var exp *gooidc.TokenExpiredError
		if errors.As(err, &exp) {
			return nil, nil, &connector.Error{Code: connector.AuthorizationFailed, Message: "the provider's ID token has expired; please try again", Err: err}
		}
		return nil, nil, &connector.Error{Code: connector.AuthorizationFailed, Message: "the provider's ID token is invalid", Err: err}
	}
	if tok.Nonce != nonce {
		return nil, nil, connector.Errorf(connector.AuthorizationFailed, "the provider's ID token does not belong to this sign-in (nonce mismatch)")
	}
	if tok.AccessTokenHash != "" && accessToken != "" {
		if err := tok.VerifyAccessToken(accessToken); err != nil {
			return nil, nil, &connector.Error{Code: connector.AuthorizationFailed, Message: "the provider's ID token does not match the access token", Err: err}
		}
	}
	claims := map[string]any{}
	if err := tok.Claims(&claims); err != nil {
		return nil, nil, &connector.Error{Code: connector.InvalidResponse, Message: "the provider's ID token claims are unreadable", Err: err}
	}
	if tok.Subject == "" {
		return nil, nil, oa.MissingID()
	}
	return tok, claims, nil
}
